import { createHash } from 'node:crypto';
import { Type, type Static } from '@sinclair/typebox';
import type { FastifyReply, FastifyRequest } from 'fastify';
import { OrgIdString, StixIdString, UUID } from '../domain/schemas.ts';
import { problem } from '../domain/problem.ts';
import type { AppPlugin } from '../http/deps.ts';
import { problemResponses } from '../http/schemas.ts';
import { sendBytes } from '../http/send-bytes.ts';
import type { Sends } from '../http/send-result.ts';
import { checkpointIfDue, listShares, recordResponse, recordShare, RESPONSE_OUTCOMES, shareFor, viewOfShare, type ShareDeps } from './service.ts';
import { CheckpointSchema, EntrySchema } from './verify.ts';

const PageQuery = Type.Object(
  {
    from: Type.Integer({ minimum: 1, default: 1, description: 'the first seq (entries) or checkpoint number to return' }),
    limit: Type.Integer({ minimum: 1, maximum: 1000, default: 100 }),
  },
  { additionalProperties: false },
);
type PageQuery = Static<typeof PageQuery>;
const EntriesSchema = Type.Object({ size: Type.Integer({ description: 'how many entries the log holds now' }), entries: Type.Array(EntrySchema), next: Type.Union([Type.Integer(), Type.Null()], { description: 'the from of the next page, null at the end' }) });
const CheckpointsSchema = Type.Object({ checkpoints: Type.Array(CheckpointSchema), next: Type.Union([Type.Integer(), Type.Null()]) });
const LatestSchema = Type.Object({
  size: Type.Integer({ description: 'how many entries the log holds now; those after checkpoint.tree_size are not signed yet' }),
  checkpoint: Type.Union([CheckpointSchema, Type.Null()], { description: 'the latest signed checkpoint; null until the hub signs its first (within minutes of the first entry)' }),
});

const ShareBody = Type.Object(
  {
    object_id: StixIdString({ description: 'the report (any STIX object you may see) you shared; the platform must be able to see it' }),
    platform: OrgIdString({ description: 'the platform partner organization' }),
    url: Type.String({ minLength: 1, maxLength: 2000, description: 'the web address of the post the report is about' }),
    reason: Type.String({ minLength: 1, maxLength: 2000, description: 'why you shared it; published in the transparency log' }),
  },
  { additionalProperties: false },
);
type ShareBody = Static<typeof ShareBody>;
const ResponseBody = Type.Object(
  {
    outcome: Type.Union(RESPONSE_OUTCOMES.map((o) => Type.Literal(o)), { description: 'what the platform says it did, under its own rules' }),
    response: Type.String({ minLength: 1, maxLength: 4000, description: "the platform's response in its words; published in the transparency log" }),
  },
  { additionalProperties: false },
);
type ResponseBody = Static<typeof ResponseBody>;
const ShareParams = Type.Object({ id: Type.String({ pattern: UUID }) });
type ShareParams = Static<typeof ShareParams>;
const ShareSchema = Type.Object({
  id: Type.String(),
  object_id: Type.String(),
  object_public: Type.Boolean(),
  shared_by: Type.Object({ org_id: Type.String(), name: Type.Union([Type.String(), Type.Null()]) }),
  platform: Type.Object({ org_id: Type.String(), name: Type.Union([Type.String(), Type.Null()]) }),
  url: Type.String(),
  reason: Type.String(),
  shared_at: Type.String(),
  response: Type.Union([Type.Object({ outcome: Type.String(), text: Type.String(), at: Type.String(), by: Type.String() }), Type.Null()]),
  log_seq: Type.Integer(),
});

/** An on-demand checkpoint signs nothing new when the log has not moved for this long. */
const ON_DEMAND_FRESH_MS = 60_000;

/**
 * JSON for anyone, with an ETag (304 when the client holds it) and the given Cache-Control. The body is checked against
 * the route's response schema (V comes from the reply, as in sendResult), then serialized here for its ETag.
 */
function sendPublic<V>(request: FastifyRequest, reply: FastifyReply & Sends<V>, body: NoInfer<V>, cacheControl: string): FastifyReply {
  const text = JSON.stringify(body);
  const etag = `"${createHash('sha256').update(text).digest('base64url').slice(0, 27)}"`;
  void reply.header('etag', etag).header('cache-control', cacheControl).header('access-control-allow-origin', '*').header('vary', 'accept-encoding');
  const asked = request.headers['if-none-match'];
  if (asked !== undefined && asked.split(',').some((t) => t.trim().replace(/^W\//, '') === etag)) return reply.code(304).send();
  return sendBytes(reply.type('application/json; charset=utf-8'), text);
}

/**
 * The public transparency log (no sign-in: entries, checkpoints, the latest checkpoint), an on-demand
 * checkpoint for members, and platform-sharing records (an official records a report shared with a platform
 * partner, then the platform's response). There is deliberately no route to ask a platform to remove anything
 * (docs/transparency.md).
 */
export function transparencyRoutes(deps: ShareDeps & { readonly platforms: () => Promise<readonly { id: string; name: string }[]> }): AppPlugin {
  return (kit) => ({
    plugin: (app) => {
      const pub = ['public'];
      const tags = ['transparency'];
      app.get(
        '/api/v1/public/transparency/entries',
        { schema: { tags: pub, summary: 'Entries of the public transparency log in order, from a seq; no sign-in', security: [], querystring: PageQuery, response: { 200: EntriesSchema, ...problemResponses(400) } } },
        async (request, reply) => {
          const { from, limit } = request.query;
          const [head, entries] = await Promise.all([deps.repo.head(), deps.repo.entries(from, limit)]);
          const last = entries[entries.length - 1]?.seq ?? from - 1;
          return sendPublic(request, reply, { size: head.seq, entries, next: last < head.seq ? last + 1 : null }, 'public, no-cache');
        },
      );
      app.get(
        '/api/v1/public/transparency/checkpoints',
        { schema: { tags: pub, summary: "The hub's signed checkpoints (tree heads) of the transparency log, oldest first; no sign-in", security: [], querystring: PageQuery, response: { 200: CheckpointsSchema, ...problemResponses(400) } } },
        async (request, reply) => {
          const { from, limit } = request.query;
          const checkpoints = await deps.repo.checkpoints(from, limit + 1);
          const page = checkpoints.slice(0, limit);
          const full = checkpoints.length > limit;
          return sendPublic(request, reply, { checkpoints: page, next: full ? (page[page.length - 1]?.id ?? from) + 1 : null }, 'public, no-cache');
        },
      );
      app.get(
        '/api/v1/public/transparency/checkpoints/latest',
        { schema: { tags: pub, summary: 'The latest signed checkpoint of the transparency log (null before the first) and how many entries the log holds now; no sign-in', security: [], response: { 200: LatestSchema } } },
        async (request, reply) => {
          const [head, latest] = await Promise.all([deps.repo.head(), deps.repo.latestCheckpoint()]);
          return sendPublic(request, reply, { size: head.seq, checkpoint: latest }, 'public, no-cache');
        },
      );
      app.post(
        '/api/v1/transparency/checkpoints',
        { preHandler: kit.guard('write'), schema: { tags, summary: 'Have the hub sign a checkpoint now (the latest is returned when the log has not moved in the last minute)', response: { 200: CheckpointSchema, 201: CheckpointSchema, ...problemResponses(401, 403) } } },
        async (request, reply) => {
          const who = kit.requireWriter(request);
          if (!who.ok) return kit.sendProblem(reply, who.error);
          const result = await checkpointIfDue(deps, ON_DEMAND_FRESH_MS);
          return result.ok ? reply.code(result.value.made ? 201 : 200).header('cache-control', 'private, no-store').send(result.value.checkpoint) : kit.sendProblem(reply, result.error);
        },
      );

      app.get(
        '/api/v1/platform-shares/platforms',
        { preHandler: kit.guard('read'), schema: { tags, summary: 'The platform partners a report can be recorded as shared with', response: { 200: Type.Object({ items: Type.Array(Type.Object({ id: Type.String(), name: Type.String() })) }), ...problemResponses(401) } } },
        async (_request, reply) => reply.header('cache-control', 'private, no-store').send({ items: [...(await deps.platforms())] }),
      );
      app.post(
        '/api/v1/platform-shares',
        { preHandler: kit.guard('write'), schema: { tags, summary: 'Record that you shared a report with a platform partner (published in the transparency log)', body: ShareBody, response: { 201: ShareSchema, ...problemResponses(400, 401, 403, 404, 422) } } },
        async (request, reply) => {
          const who = kit.requireWriter(request);
          if (!who.ok) return kit.sendProblem(reply, who.error);
          const reader = kit.readerOf(request);
          if (reader === null) return kit.sendProblem(reply, problem('unauthenticated', 'unauthenticated', 'Sign in or send an API key'));
          const result = await recordShare(deps, who.value, reader, request.body);
          return result.ok ? reply.code(201).header('cache-control', 'private, no-store').send(result.value) : kit.sendProblem(reply, result.error);
        },
      );
      app.get(
        '/api/v1/platform-shares',
        { preHandler: kit.guard('read'), schema: { tags, summary: 'Reports your organization shared with platforms, or (a platform) received, newest first', response: { 200: Type.Object({ items: Type.Array(ShareSchema) }), ...problemResponses(401) } } },
        async (request, reply) => {
          const who = kit.requireReader(request);
          if (!who.ok) return kit.sendProblem(reply, who.error);
          return reply.header('cache-control', 'private, no-store').send({ items: await listShares(deps, who.value) });
        },
      );
      app.get(
        '/api/v1/platform-shares/:id',
        { preHandler: kit.guard('read'), schema: { tags, summary: 'One share your organization made or received', params: ShareParams, response: { 200: ShareSchema, ...problemResponses(400, 401, 404) } } },
        async (request, reply) => {
          const who = kit.requireReader(request);
          if (!who.ok) return kit.sendProblem(reply, who.error);
          const found = await shareFor(deps, who.value, request.params.id);
          return found.ok ? reply.header('cache-control', 'private, no-store').send(await viewOfShare(deps, found.value)) : kit.sendProblem(reply, found.error);
        },
      );
      app.post(
        '/api/v1/platform-shares/:id/response',
        { preHandler: kit.guard('write'), schema: { tags, summary: "Record the platform's response (the platform, or the official who heard it); published in the transparency log", params: ShareParams, body: ResponseBody, response: { 200: ShareSchema, ...problemResponses(400, 401, 404, 422) } } },
        async (request, reply) => {
          const who = kit.requireWriter(request);
          if (!who.ok) return kit.sendProblem(reply, who.error);
          const result = await recordResponse(deps, who.value, request.params.id, request.body);
          return result.ok ? reply.header('cache-control', 'private, no-store').send(result.value) : kit.sendProblem(reply, result.error);
        },
      );
      return Promise.resolve();
    },
  });
}
