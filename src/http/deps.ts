import type { RateLimits } from './rate-limits.ts';
import type { Static, TSchema } from '@sinclair/typebox';
import type { FastifyBaseLogger, FastifyInstance, FastifyPluginAsync, FastifyReply, FastifyRequest, FastifyTypeProvider, RawReplyDefaultExpression, RawRequestDefaultExpression, RawServerDefault } from 'fastify';
import type { Registry } from 'prom-client';
import type { AuthPort } from '../auth/port.ts';
import type { Clock } from '../domain/clock.ts';
import type { OrgId } from '../domain/ids.ts';
import type { Principal } from '../domain/principal.ts';
import type { Problem } from '../domain/problem.ts';
import type { Result } from '../domain/result.ts';
import type { ImportMetrics } from '../ingest/import-metrics.ts';
import type { PoolWatch } from '../store/db.ts';
import type { Reader, StixStore } from '../store/types.ts';

/** Read-only all the way down. */
type DeepReadonly<T> = T extends readonly (infer U)[] ? readonly DeepReadonly<U>[] : T extends object ? { readonly [K in keyof T]: DeepReadonly<T[K]> } : T;

/**
 * The TypeBox type provider (as @fastify/type-provider-typebox's TypeBoxTypeProvider) with one difference: a reply
 * may be read-only data, since the serializer only reads it. A request is its schema's Static type; a reply must
 * match its response schema (the compiler says when it does not), and the domain's readonly arrays go out as they are.
 */
export interface RampartTypeProvider extends FastifyTypeProvider {
  readonly validator: this['schema'] extends TSchema ? Static<this['schema']> : unknown;
  readonly serializer: this['schema'] extends TSchema ? DeepReadonly<Static<this['schema']>> : unknown;
}

/** The app as routes see it: request and reply types come from each route's TypeBox schemas. */
export type RampartApp = FastifyInstance<RawServerDefault, RawRequestDefaultExpression, RawReplyDefaultExpression, FastifyBaseLogger, RampartTypeProvider>;
/** A feature's routes, registered on the app (their types from their schemas, as RampartApp). */
export type RampartPlugin = FastifyPluginAsync<Record<never, never>, RawServerDefault, RampartTypeProvider>;

/** What the HTTP layer uses of the store that `openStore({ url })` returns. */
export interface AppStore {
  readonly stix: StixStore;
  /** A trivial query for /healthz; resolves when the database answers. */
  ping(): Promise<void>;
  close(): Promise<void>;
  /** The database's connection pool (PostgreSQL), shown on /metrics. */
  readonly database?: { readonly pool?: PoolWatch };
}

export interface HttpConfig {
  /** Largest JSON request body in bytes (default 32 MiB). */
  readonly bodyLimit?: number;
  /** Largest bundle upload to /api/v1/import in bytes (default 1 GiB); streamed, never held whole. */
  readonly importLimit?: number;
  /** Largest log upload to POST /api/v1/match in bytes (default 1 GiB; `rampart serve` reads RAMPART_MATCH_UPLOAD_LIMIT); streamed, never held whole. */
  readonly matchLimit?: number;
  /** Mark cookies Secure: 'auto' (default) when the request came over TLS (or X-Forwarded-Proto https with trustProxy). */
  readonly secureCookies?: boolean | 'auto';
  /** Trust X-Forwarded-* from a reverse proxy: every one (true), or only these addresses (comma-separated IPs or CIDR ranges). */
  readonly trustProxy?: boolean | string;
  /** Request limits on /api and /taxii2 and on sign-in (`rampart serve` sets them from RAMPART_RATE_LIMIT and RAMPART_SIGNIN_RATE_LIMIT); none when unset. */
  readonly rateLimits?: RateLimits;
  /** The built web UI (web/dist); served when the folder exists. */
  readonly webDist?: string;
  /** The hub's own identity, owner of last resort inside the import pipeline. */
  readonly hubOwner: OrgId;
  /** /metrics also shows the process (event-loop delay, garbage collection, heap): `rampart serve` sets it, tests that build many apps in one process do not. */
  readonly processMetrics?: boolean;
}

export interface AppDeps {
  readonly store: AppStore;
  readonly auth: AuthPort;
  readonly clock: Clock;
  readonly config: HttpConfig;
  /** Fastify logger instance; none by default (tests stay quiet). */
  readonly logger?: FastifyBaseLogger;
  /** The features' routes, mounted by hub/compose.ts (objects, import, export, dashboard, TAXII under /taxii2/…); each gets the app's RequestKit. */
  readonly plugins?: readonly AppPlugin[];
}

/** What a mounted feature gets from the app: who is asking, and the one problem+json adapter. */
export interface RequestKit {
  /** The principal of a request (session cookie or API key), or null when nobody valid is signed in. */
  readonly principalOf: (request: FastifyRequest) => Principal | null;
  /** The store reader of a request, or null when nobody valid is signed in. */
  readonly readerOf: (request: FastifyRequest) => Reader | null;
  /** The same for a long-lived request, its credentials checked again now (see Authenticator.currentReader). */
  readonly currentReader: (request: FastifyRequest) => Promise<Reader | null>;
  /** Anyone validly signed in (session or key), or the problem that says why not (expired session, revoked key…). */
  readonly requireReader: (request: FastifyRequest) => Result<Principal, Problem>;
  /** A principal allowed to write: a write-scoped key, or a session whose request carries its CSRF token. */
  /** Acting on one's own account: CSRF-checked session (any role) or write-scoped key. */
  readonly requireActor: (request: FastifyRequest) => Result<Principal, Problem>;
  readonly requireWriter: (request: FastifyRequest) => Result<Principal, Problem>;
  /** Route hook refusing early (before the body is read) requests that could never pass: 'read' needs a signed-in reader, 'write' a writer. */
  readonly guard: (level: 'read' | 'write') => (request: FastifyRequest, reply: FastifyReply, done: () => void) => void;
  /** Sends a Problem as the app's problem+json. */
  readonly sendProblem: (reply: FastifyReply, problem: Problem) => FastifyReply;
  /** Import counters, for features that import (TAXII POST). */
  readonly importMetrics: ImportMetrics;
  /** The app's /metrics registry, for a feature's own series (e.g. open live-feed streams). */
  readonly metrics: Registry;
}

/**
 * A feature's routes built from the app's kit; `prefix` mounts them under a path (e.g. '/taxii2').
 * `sendUrlProblem` answers, in the feature's own error format, a request below the prefix whose URL the
 * router could not read (bad percent-encoding, a path segment too long); problem+json when absent.
 */
export type AppPlugin = (kit: RequestKit) => { readonly plugin: RampartPlugin; readonly prefix?: string; readonly sendUrlProblem?: (reply: FastifyReply, problem: Problem) => FastifyReply };

declare module 'fastify' {
  interface FastifyContextConfig {
    /** The media type a route answers instead of JSON (e.g. text/event-stream); the /api/ Accept check lets it through. */
    readonly produces?: string;
    /**
     * The route also takes a bare API key as the whole Authorization header ("Authorization: <key>"), as MISP sends
     * a feed's custom header exactly as configured, in the form of MISP's own API (the MISP feed routes only).
     */
    readonly bareApiKey?: boolean;
  }
}
