import { createHash, timingSafeEqual } from 'node:crypto';
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import { problem, type Problem } from '../domain/problem.ts';
import { err, ok, type Result } from '../domain/result.ts';
import type { MemberReader, Reader } from '../store/types.ts';
import type { HttpConfig } from './deps.ts';
import type { AuthPort, SessionView } from '../auth/port.ts';
import type { Principal } from '../domain/principal.ts';
import { sendProblem } from './problem.ts';

export const SESSION_COOKIE = 'rampart_session';
export const CSRF_HEADER = 'x-csrf-token';

/** Who a request acts for, worked out once per request before its body is read. */
export type RequestAuth =
  | { readonly kind: 'none' }
  | { readonly kind: 'refused'; readonly problem: Problem }
  | { readonly kind: 'session'; readonly principal: Principal; readonly view: SessionView; readonly token: string }
  | { readonly kind: 'api-key'; readonly principal: Principal };

/**
 * The CSRF token of a session: derived from the session secret, so it needs no storage and
 * a cross-site page (which cannot read the HttpOnly cookie) cannot compute it.
 */
export function csrfTokenFor(sessionToken: string): string {
  return createHash('sha256').update('rampart-csrf\u0000').update(sessionToken).digest('base64url');
}

function sameSecret(a: string, b: string): boolean {
  const x = Buffer.from(a);
  const y = Buffer.from(b);
  return x.length === y.length && timingSafeEqual(x, y);
}

export function readerOfPrincipal(principal: Principal): MemberReader {
  return { kind: 'member', orgId: principal.orgId, userId: principal.userId, keys: principal.keys };
}

export interface Authenticator {
  readonly of: (request: FastifyRequest) => RequestAuth;
  readonly principalOf: (request: FastifyRequest) => Principal | null;
  readonly readerOf: (request: FastifyRequest) => Reader | null;
  /**
   * The reader of a long-lived request (a live feed) as its credentials stand now: the session or key
   * checked again and its keys read again; null when they no longer hold or none were sent.
   */
  readonly currentReader: (request: FastifyRequest) => Promise<Reader | null>;
  /** Anyone validly signed in, by cookie or API key. */
  readonly requireReader: (request: FastifyRequest) => Result<Principal, Problem>;
  /**
   * Someone acting on their own account (sign-out, password, TOTP, their keys): a write-scoped key, or
   * a session whose request carries its CSRF token, whatever the person's role.
   */
  readonly requireActor: (request: FastifyRequest) => Result<Principal, Problem>;
  /** A principal allowed to publish or change intelligence: requireActor, and not a viewer's read-only session. */
  readonly requireWriter: (request: FastifyRequest) => Result<Principal, Problem>;
  /** Route hook refusing early (before the body is read) requests that could never pass. */
  readonly guard: (level: 'read' | 'write') => (request: FastifyRequest, reply: FastifyReply, done: () => void) => void;
  readonly cookieOptions: (request: FastifyRequest, expires: Date) => CookieOptions;
}

export interface CookieOptions {
  readonly path: string;
  readonly httpOnly: true;
  readonly sameSite: 'strict';
  readonly secure: boolean;
  readonly expires: Date;
}

const UNAUTHENTICATED = problem('unauthenticated', 'unauthenticated', 'Sign in (POST /api/v1/session) or send an API key as "Authorization: Bearer <key>".');

function isOpenToEveryone(request: FastifyRequest): boolean {
  const security = (request.routeOptions.schema as { readonly security?: unknown } | undefined)?.security;
  return Array.isArray(security) && security.length === 0;
}

/** Reads the session cookie or bearer key on every request (an onRequest hook) and answers the guards. */
export function installAuthentication(app: FastifyInstance, auth: AuthPort, config: HttpConfig): Authenticator {
  const states = new WeakMap<FastifyRequest, RequestAuth>();

  app.addHook('onRequest', async (request) => {
    // A route open to everyone (OpenAPI security: [], the public pages) reads no sign-in: a visitor's cookie costs no session lookup.
    if (isOpenToEveryone(request)) return;
    states.set(request, await authenticate(request, auth));
  });

  const of = (request: FastifyRequest): RequestAuth => states.get(request) ?? { kind: 'none' };
  const principalOf = (request: FastifyRequest): Principal | null => {
    const state = of(request);
    return state.kind === 'session' || state.kind === 'api-key' ? state.principal : null;
  };
  const requireReader = (request: FastifyRequest): Result<Principal, Problem> => {
    const state = of(request);
    switch (state.kind) {
      case 'none':
        return err(UNAUTHENTICATED);
      case 'refused':
        return err(state.problem);
      case 'session':
      case 'api-key':
        return ok(state.principal);
    }
  };
  const requireActor = (request: FastifyRequest): Result<Principal, Problem> => {
    const state = of(request);
    if (state.kind === 'none' || state.kind === 'refused') return requireReader(request);
    if (state.kind === 'api-key') {
      return state.principal.scope === 'write'
        ? ok(state.principal)
        : err(problem('forbidden', 'insufficient-scope', 'This API key may only read; use a key with write scope to change anything.'));
    }
    const sent = request.headers[CSRF_HEADER];
    if (sent === undefined || sent === '') {
      return err(problem('forbidden', 'csrf-missing', `Cookie-authenticated writes need the ${CSRF_HEADER} header with the csrf_token from sign-in or GET /api/v1/me.`));
    }
    if (typeof sent !== 'string' || !sameSecret(sent, csrfTokenFor(state.token))) {
      return err(problem('forbidden', 'csrf-invalid', `The ${CSRF_HEADER} header does not match this session; read csrf_token again from GET /api/v1/me.`));
    }
    return ok(state.principal);
  };
  const requireWriter = (request: FastifyRequest): Result<Principal, Problem> => {
    const actor = requireActor(request);
    if (!actor.ok || actor.value.scope === 'write') return actor;
    return err(problem('forbidden', 'insufficient-role', 'Viewers may read but not publish or change intelligence; ask your org-admin for the analyst role.'));
  };
  return {
    of,
    principalOf,
    readerOf: (request) => {
      const principal = principalOf(request);
      return principal === null ? null : readerOfPrincipal(principal);
    },
    currentReader: async (request) => {
      const state = await authenticate(request, auth);
      return state.kind === 'session' || state.kind === 'api-key' ? readerOfPrincipal(state.principal) : null;
    },
    requireReader,
    requireActor,
    requireWriter,
    guard: (level) => (request, reply, done) => {
      const result = level === 'write' ? requireWriter(request) : requireReader(request);
      // A callback hook that replies must not call done, so Fastify stops there.
      if (result.ok) done();
      else void sendProblem(reply, result.error);
    },
    cookieOptions: (request, expires) => ({
      path: '/',
      httpOnly: true,
      sameSite: 'strict',
      secure: config.secureCookies === undefined || config.secureCookies === 'auto' ? request.protocol === 'https' : config.secureCookies,
      expires,
    }),
  };
}

async function authenticate(request: FastifyRequest, auth: AuthPort): Promise<RequestAuth> {
  const header = request.headers.authorization;
  if (header !== undefined) {
    const basic = /^Basic\s+([A-Za-z0-9+/=]+)\s*$/i.exec(header)?.[1];
    if (basic !== undefined) return authenticateBasic(basic, auth);
    const bare = request.routeOptions.config.bareApiKey === true;
    const key = /^Bearer\s+(\S+)\s*$/i.exec(header)?.[1] ?? (bare ? /^\s*([^\s:]+)\s*$/.exec(header)?.[1] : undefined);
    if (key === undefined) {
      const forms = bare ? '"Bearer <api key>", the API key alone' : '"Bearer <api key>"';
      return { kind: 'refused', problem: problem('unauthenticated', 'invalid-authorization', `The Authorization header must be ${forms} or HTTP Basic with an API key as the password.`) };
    }
    const principal = await auth.apiKey(key);
    return principal === null
      ? { kind: 'refused', problem: problem('unauthenticated', 'invalid-api-key', 'This API key is unknown, revoked or expired; ask your organization administrator for a new one.') }
      : { kind: 'api-key', principal };
  }
  const token = request.cookies[SESSION_COOKIE];
  if (token === undefined || token === '') return { kind: 'none' };
  const session = await auth.session(token);
  return session === null
    ? { kind: 'refused', problem: problem('unauthenticated', 'session-expired', 'Your session has ended; sign in again.') }
    : { kind: 'session', principal: session.principal, view: session.view, token };
}

/** HTTP Basic (TAXII clients must support it): user = API key id or email, password = the API key. */
async function authenticateBasic(encoded: string, auth: AuthPort): Promise<RequestAuth> {
  const decoded = Buffer.from(encoded, 'base64').toString('utf8');
  const colon = decoded.indexOf(':');
  const principal = colon <= 0 ? null : await auth.apiKeyBasic(decoded.slice(0, colon), decoded.slice(colon + 1));
  return principal === null
    ? { kind: 'refused', problem: problem('unauthenticated', 'invalid-authorization', 'HTTP Basic credentials must be an API key id or email as the user and the API key as the password; these match no valid key.') }
    : { kind: 'api-key', principal };
}
