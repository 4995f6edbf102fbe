import { randomUUID } from 'node:crypto';
import { Type, type Static } from '@sinclair/typebox';
import type { FastifyReply, FastifyRequest } from 'fastify';
import { audienceKind, parseAudienceKey, type AudienceKey } from '../domain/audience.ts';
import { problem, type Problem } from '../domain/problem.ts';
import { err, ok, type Result } from '../domain/result.ts';
import type { AppPlugin, RequestKit, RampartPlugin } from '../http/deps.ts';
import { problemResponses } from '../http/schemas.ts';
import { StatusDetailsSchema } from '../taxii/client/resources.ts';
import type { Principal } from '../domain/principal.ts';
import type { FederationRepository, FeedRecord } from '../store/federation.ts';
import { CREDENTIAL_REF, type CredentialResolver } from './credentials.ts';
import type { FeedScheduler } from './scheduler.ts';
import { describeRun } from './runner.ts';

export const FeedInputSchema = Type.Object(
  {
    name: Type.String({ minLength: 1, maxLength: 200 }),
    url: Type.String({ minLength: 1, maxLength: 2000, description: "The remote's TAXII discovery or API root URL (https, or http on loopback)" }),
    collection: Type.String({ minLength: 1, maxLength: 200, description: 'Collection id (or alias) on the remote' }),
    direction: Type.Union([Type.Literal('pull'), Type.Literal('push')]),
    credential_ref: Type.String({ pattern: CREDENTIAL_REF.source, description: 'none, or env:<VAR> naming the server environment variable that holds basic:<user>:<password> or bearer:<key>' }),
    interval_seconds: Type.Integer({ minimum: 60, maximum: 7 * 24 * 3600, default: 3600 }),
    audience: Type.Optional(Type.Array(Type.String(), { minItems: 1, maxItems: 50, description: 'pull: the widest audience received objects may get here (narrows only); push: the keys whose objects are sent' })),
    types: Type.Optional(Type.Array(Type.String({ pattern: '^[a-z0-9][a-z0-9-]{0,249}$' }), { minItems: 1, maxItems: 100 })),
  },
  { additionalProperties: false },
);
export type FeedInput = Static<typeof FeedInputSchema>;

const IdParams = Type.Object({ id: Type.String({ format: 'uuid' }) }, { additionalProperties: false });

const NullableString = Type.Union([Type.String(), Type.Null()]);

/** A feed as the routes answer it (never its secret: credential_ref only names where it is). */
const FeedSchema = Type.Object({
  id: Type.String(),
  name: Type.String(),
  url: Type.String(),
  collection: Type.String(),
  direction: Type.Union([Type.Literal('pull'), Type.Literal('push')]),
  credential_ref: Type.String(),
  interval_seconds: Type.Integer(),
  audience: Type.Array(Type.String()),
  types: Type.Union([Type.Array(Type.String()), Type.Null()]),
  created_at: Type.String(),
  last_run_at: NullableString,
  last_status: Type.Union([Type.Literal('ok'), Type.Literal('error'), Type.Null()]),
  last_message: NullableString,
  running: Type.Boolean({ description: 'a run is in flight now' }),
  refused: Type.Integer({ description: 'objects its pulls did not store (each with its reason at GET /api/v1/feeds/{id})' }),
});

const FeedDetailSchema = Type.Composite([
  FeedSchema,
  Type.Object({
    refusals: Type.Array(Type.Object({ id: Type.String(), version: NullableString, code: Type.String(), message: Type.String(), refused_at: Type.String() }), { description: 'the newest objects its pulls refused, and why' }),
  }),
]);

const ProblemDetailSchema = Type.Object({ id: Type.Optional(Type.String()), path: Type.Optional(Type.String()), code: Type.String(), message: Type.String() });

const PullSummarySchema = Type.Object({
  pages: Type.Integer(),
  objects: Type.Integer(),
  added: Type.Integer(),
  newVersions: Type.Integer(),
  unchanged: Type.Integer(),
  rejected: Type.Integer(),
  conflicts: Type.Integer(),
  loops: Type.Integer(),
  withdrawn: Type.Integer(),
  restored: Type.Integer(),
  rejections: Type.Array(ProblemDetailSchema),
  position: Type.Object({ addedAfter: NullableString, next: NullableString, highWater: NullableString }),
});

const PushSummarySchema = Type.Object({
  envelopes: Type.Integer(),
  sent: Type.Integer(),
  succeeded: Type.Integer(),
  failed: Type.Integer(),
  pending: Type.Integer(),
  failures: Type.Array(StatusDetailsSchema),
  addedUs: Type.Union([Type.Number(), Type.Null()]),
});

const RunSchema = Type.Object({
  feed: FeedSchema,
  run: Type.Union([
    Type.Object({ status: Type.Literal('ok'), message: Type.String(), direction: Type.Literal('pull'), pull: PullSummarySchema }),
    Type.Object({ status: Type.Literal('ok'), message: Type.String(), direction: Type.Literal('push'), push: PushSummarySchema }),
    Type.Object({ status: Type.Literal('error'), code: Type.String(), message: Type.String() }),
  ]),
});

export interface FederationRoutesOptions {
  readonly repo: FederationRepository;
  readonly scheduler: FeedScheduler;
  readonly clock: { now(): Date };
  /** Whether a principal is an org-admin of its organization; only org-admins manage feeds (default: nobody). */
  readonly isOrgAdmin?: (principal: Principal) => Promise<boolean>;
  readonly newId?: () => string;
  /** Resolves credential references: a variable that is set but not in a feed secret's form is refused at registration. */
  readonly credentials?: CredentialResolver;
  /** Accept plain-http remotes that are not on loopback (never in production: credentials would travel in clear). */
  readonly allowInsecureUrls?: boolean;
}

function isLoopback(host: string): boolean {
  return host === 'localhost' || host === '[::1]' || /^127\.\d+\.\d+\.\d+$/.test(host);
}

/** Checks what the schema cannot: the URL scheme, audience keys, and what a push may send. */
export function checkFeedInput(input: FeedInput, principal: Principal, allowInsecure: boolean): Result<readonly AudienceKey[], Problem> {
  let url: URL;
  try {
    url = new URL(input.url);
  } catch {
    return err(problem('invalid', 'invalid-feed-url', `"${input.url}" is not a URL; give the remote's TAXII discovery URL, e.g. https://hub.example.gov/taxii2/`));
  }
  if (url.protocol !== 'https:' && !(url.protocol === 'http:' && (allowInsecure || isLoopback(url.hostname)))) {
    return err(problem('invalid', 'insecure-feed-url', `${input.url} must use https (TAXII 2.1 requires TLS); plain http is accepted only on loopback`));
  }
  const keys: AudienceKey[] = [];
  for (const raw of input.audience ?? []) {
    const key = parseAudienceKey(raw);
    if (!key.ok) return err(problem('invalid', 'invalid-audience-key', `audience: ${key.error.message}`));
    keys.push(key.value);
  }
  // A pull without an audience narrows nothing: each object gets the widest audience its TLP allows on receipt.
  if (input.direction === 'pull') return ok(keys);
  if (keys.length === 0) return err(problem('invalid', 'push-audience-required', 'a push feed sends what is shared with its audience: name the partner, e.g. org:<partner identity id> or group:<id>'));
  const own = `org:${principal.orgId}`;
  // The organization's own key would send everything it received under TLP:AMBER, which stays inside it.
  const bad = keys.find((k) => k === own || audienceKind(k) === 'user');
  if (bad !== undefined) return err(problem('invalid', 'push-audience-too-wide', `a push feed may not send with ${bad}: name the partner's key (org:<partner>, group:<id>, state:<fips>, community or public), not your own organization or people`));
  return ok(keys);
}

/** How many refusals GET /api/v1/feeds/{id} lists (the newest). */
const REFUSALS_SHOWN = 200;

function view(feed: FeedRecord, running: boolean, refused: number) {
  return {
    id: feed.id,
    name: feed.name,
    url: feed.url,
    collection: feed.collection,
    direction: feed.direction,
    credential_ref: feed.credentialRef,
    interval_seconds: feed.intervalSeconds,
    audience: feed.audience,
    types: feed.types,
    created_at: feed.createdAt,
    last_run_at: feed.lastRunAt,
    last_status: feed.lastStatus,
    last_message: feed.lastMessage,
    running,
    /** Objects its pulls did not store (each with its reason at GET /api/v1/feeds/{id}). */
    refused,
  };
}

/**
 * REST routes of federation: an org-admin lists, registers and deletes its organization's feeds and
 * runs one now. Mounted by `rampart serve` as an AppPlugin beside the TAXII server.
 */
export function federationPlugin(options: FederationRoutesOptions): AppPlugin {
  const isOrgAdmin = options.isOrgAdmin ?? (() => Promise.resolve(false));
  const newId = options.newId ?? randomUUID;
  return (kit: RequestKit) => {
    const admin = async (request: FastifyRequest, reply: FastifyReply, write: boolean): Promise<Principal | null> => {
      const who = write ? kit.requireWriter(request) : kit.requireReader(request);
      if (!who.ok) {
        void kit.sendProblem(reply, who.error);
        return null;
      }
      const principal = who.value;
      if (!(await isOrgAdmin(principal))) {
        void kit.sendProblem(reply, problem('forbidden', 'org-admin-required', 'Only an org-admin of your organization may manage federation feeds; ask one to do it'));
        return null;
      }
      return principal;
    };
    const ownFeed = async (principal: Principal, id: string): Promise<Result<FeedRecord, Problem>> => {
      const feed = await options.repo.feed(id);
      // Another organization's feed is answered as missing: its existence is not ours to tell.
      return feed === null || feed.orgId !== principal.orgId ? err(problem('not-found', 'feed-not-found', `your organization has no feed ${id}; list them with GET /api/v1/feeds`)) : ok(feed);
    };

    const plugin: RampartPlugin = (app) => {
      app.get('/api/v1/feeds', { schema: { tags: ['federation'], summary: "Your organization's federation feeds", response: { 200: Type.Object({ feeds: Type.Array(FeedSchema) }), ...problemResponses(401, 403) } } }, async (request, reply) => {
        const principal = await admin(request, reply, false);
        if (principal === null) return reply;
        const feeds = await options.repo.feeds(principal.orgId);
        const refused = await options.repo.refusalCounts(feeds.map((f) => `feed:${f.id}`));
        return reply.send({ feeds: feeds.map((f) => view(f, options.scheduler.isRunning(f.id), refused.get(`feed:${f.id}`) ?? 0)) });
      });
      app.get(
        '/api/v1/feeds/:id',
        { schema: { tags: ['federation'], summary: 'One feed with the objects its pulls refused and why (the newest 200)', params: IdParams, response: { 200: FeedDetailSchema, ...problemResponses(400, 401, 403, 404) } } },
        async (request, reply) => {
          const principal = await admin(request, reply, false);
          if (principal === null) return reply;
          const feed = await ownFeed(principal, request.params.id);
          if (!feed.ok) return kit.sendProblem(reply, feed.error);
          const source = `feed:${feed.value.id}`;
          const [counts, refusals] = await Promise.all([options.repo.refusalCounts([source]), options.repo.refusals(source, REFUSALS_SHOWN)]);
          return reply.send({
            ...view(feed.value, options.scheduler.isRunning(feed.value.id), counts.get(source) ?? 0),
            refusals: refusals.map((r) => ({ id: r.objectId, version: r.version === '' ? null : r.version, code: r.code, message: r.message, refused_at: r.refusedAt })),
          });
        },
      );
      app.post('/api/v1/feeds', { schema: { tags: ['federation'], summary: 'Register a remote TAXII server as a pull or push feed', body: FeedInputSchema, response: { 201: FeedSchema, ...problemResponses(400, 401, 403) } } }, async (request, reply) => {
        const principal = await admin(request, reply, true);
        if (principal === null) return reply;
        const input = request.body;
        const audience = checkFeedInput(input, principal, options.allowInsecureUrls === true);
        if (!audience.ok) return kit.sendProblem(reply, audience.error);
        // An unset variable may be set before the first run; one set to something unusable is told now.
        const credential = options.credentials?.(input.credential_ref);
        if (credential?.ok === false && credential.error.code === 'credential-malformed') return kit.sendProblem(reply, problem('invalid', 'credential-malformed', `credential_ref: ${credential.error.message}`));
        const feed: FeedRecord = {
          id: newId(),
          orgId: principal.orgId,
          name: input.name,
          url: input.url,
          collection: input.collection,
          direction: input.direction,
          credentialRef: input.credential_ref,
          intervalSeconds: input.interval_seconds,
          audience: audience.value,
          types: input.types ?? null,
          createdAt: options.clock.now().toISOString(),
          lastRunAt: null,
          lastStatus: null,
          lastMessage: null,
        };
        await options.repo.addFeed(feed);
        return reply.code(201).header('location', `/api/v1/feeds/${feed.id}`).send(view(feed, false, 0));
      });
      app.delete('/api/v1/feeds/:id', { schema: { tags: ['federation'], summary: 'Delete a feed (received objects stay, shared as they are)', params: IdParams, response: { 204: Type.Null({ description: 'Deleted' }), ...problemResponses(400, 401, 403, 404, 409) } } }, async (request, reply) => {
        const principal = await admin(request, reply, true);
        if (principal === null) return reply;
        const feed = await ownFeed(principal, request.params.id);
        if (!feed.ok) return kit.sendProblem(reply, feed.error);
        if (options.scheduler.isRunning(feed.value.id)) return kit.sendProblem(reply, problem('conflict', 'feed-running', 'this feed is running now; delete it once the run has finished'));
        await options.repo.deleteFeed(feed.value.id);
        return reply.code(204).send(null);
      });
      app.post('/api/v1/feeds/:id/run', { schema: { tags: ['federation'], summary: 'Run a feed now and wait for the result', params: IdParams, response: { 200: RunSchema, ...problemResponses(400, 401, 403, 404, 409) } } }, async (request, reply) => {
        const principal = await admin(request, reply, true);
        if (principal === null) return reply;
        const feed = await ownFeed(principal, request.params.id);
        if (!feed.ok) return kit.sendProblem(reply, feed.error);
        const result = await options.scheduler.runNow(feed.value.id);
        if (!result.ok && result.error.code === 'feed-running') return kit.sendProblem(reply, problem('conflict', 'feed-running', result.error.message));
        const after = (await options.repo.feed(feed.value.id)) ?? feed.value;
        const refused = (await options.repo.refusalCounts([`feed:${after.id}`])).get(`feed:${after.id}`) ?? 0;
        return reply.send({
          feed: view(after, false, refused),
          run: result.ok ? { status: 'ok' as const, message: describeRun(result), ...result.value } : { status: 'error' as const, code: result.error.code, message: result.error.message },
        });
      });
      return Promise.resolve();
    };
    return { plugin };
  };
}
