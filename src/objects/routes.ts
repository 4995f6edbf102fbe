import type { FastifyReply, FastifyRequest } from 'fastify';
import { parseAudienceKey, type AudienceKey } from '../domain/audience.ts';
import type { AuditPort } from '../audit/audit-log.ts';
import { auditReads, auditWrite } from '../audit/object-events.ts';
import type { Sharing, StoredVersion } from '../store/types.ts';
import { readerOfPrincipal } from '../http/auth.ts';
import type { AppPlugin, RequestKit, RampartApp } from '../http/deps.ts';
import { listObjects, objectDetail, publishObject, relatedObjects, revokeObject, type ObjectsDeps, type PublishRequest, type RelatedEntry, type Written } from './service.ts';
import { sendProblem } from '../http/problem.ts';
import { problemResponses } from '../http/schemas.ts';
import { sendBytes } from '../http/send-bytes.ts';
import { CreateObjectBody, ListObjectsQuery, ObjectDetailSchema, ObjectIdParams, ObjectListSchema, RelatedListSchema, RelatedQuery, WrittenObjectSchema } from './schemas.ts';
import { isoFromMicros } from '../stix/timestamp.ts';
import { servedText } from '../stix/tlp-marking.ts';

function sharingJson(sharing: Sharing): string {
  return JSON.stringify({ owner: sharing.owner, tlp: sharing.tlp, audience: sharing.audience });
}

/** Objects go out as their stored bytes (custom properties and timestamp precision intact), so bodies are assembled as text. */
function sendJson(reply: FastifyReply, status: number, text: string): FastifyReply {
  return sendBytes(reply.code(status).type('application/json; charset=utf-8'), text);
}

/** A version's text as served: with its TLP marking when stored without one (src/stix/tlp-marking.ts). */
const served = (v: StoredVersion): string => servedText(v.json, v.type, v.sharing.tlp);

function listJson(items: readonly StoredVersion[], nextCursor: string | null, total: number, totalCapped: boolean): string {
  return `{"items":[${items.map(served).join(',')}],"next_cursor":${JSON.stringify(nextCursor)},"total":${total},"total_capped":${totalCapped}}`;
}

function relatedJson(items: readonly RelatedEntry[], nextCursor: string | null): string {
  const entry = (e: RelatedEntry) => {
    const other = e.other === null ? null : (JSON.parse(e.other.json) as Record<string, unknown>);
    const name = typeof other?.['name'] === 'string' ? other['name'] : null;
    const end = e.other === null ? 'null' : JSON.stringify({ id: e.other.id, type: e.other.type, name, revoked: e.other.revoked });
    return `{"relationship":${served(e.relationship)},"direction":"${e.direction}","other":${end}}`;
  };
  return `{"items":[${items.map(entry).join(',')}],"next_cursor":${JSON.stringify(nextCursor)}}`;
}

function writtenJson(written: Written): string {
  return `{"outcome":${JSON.stringify(written.outcome)},"object":${written.json},"sharing":${sharingJson(written.sharing)}}`;
}

/** Unwraps the two body shapes; the schema has already told them apart. */
function publishRequest(body: CreateObjectBody): PublishRequest {
  if ('object' in body && !('id' in body && 'type' in body)) {
    const tlp = body.sharing?.tlp ?? body.tlp;
    const audience = (body.sharing?.audience ?? body.audience)?.map((key) => {
      const parsed = parseAudienceKey(key);
      // The schema's pattern is the parser's, so this only guards against the two drifting apart.
      if (!parsed.ok) throw new Error(parsed.error.message);
      return parsed.value;
    });
    return { object: body.object, path: '$.object', ...(tlp === undefined ? {} : { tlp }), ...(audience === undefined ? {} : { audience: audience satisfies AudienceKey[] }) };
  }
  return { object: body, path: '$' };
}

/** The objects routes' dependencies: the service's, and the audit log that records AMBER+ reads, shares, versions and revocations. */
export type ObjectRouteDeps = ObjectsDeps & { readonly audit?: AuditPort };

/** The objects routes (/api/v1/objects…) as a feature the hub mounts. */
export function objectsPlugin(deps: ObjectRouteDeps): AppPlugin {
  return (kit) => ({
    plugin: (app) => {
      objectRoutes(app, kit, deps);
      return Promise.resolve();
    },
  });
}

function objectRoutes(app: RampartApp, authn: RequestKit, deps: ObjectRouteDeps): void {
  app.get(
    '/api/v1/objects',
    {
      onRequest: authn.guard('read'),
      schema: {
        tags: ['objects'],
        summary: 'List the latest versions of the objects you may see',
        querystring: ListObjectsQuery,
        response: { 200: ObjectListSchema, ...problemResponses(400, 401) },
      },
    },
    async (request, reply) => {
      const reader = authn.readerOf(request);
      if (reader === null) return authFailed(reply, authn, request);
      const page = await listObjects(deps.stix, reader, request.query);
      if (!page.ok) return sendProblem(reply, page.error);
      const principal = authn.principalOf(request);
      if (principal !== null) await auditReads(deps.audit, principal, page.value.items, 'GET /api/v1/objects');
      void reply.header('cache-control', 'private, no-store');
      return sendJson(reply, 200, listJson(page.value.items, page.value.nextCursor, page.value.total, page.value.totalCapped));
    },
  );

  app.get(
    '/api/v1/objects/:id',
    {
      onRequest: authn.guard('read'),
      schema: {
        tags: ['objects'],
        summary: 'The latest version of an object, its versions and its sharing',
        params: ObjectIdParams,
        response: { 200: ObjectDetailSchema, ...problemResponses(400, 401, 404) },
      },
    },
    async (request, reply) => {
      const reader = authn.readerOf(request);
      if (reader === null) return authFailed(reply, authn, request);
      const detail = await objectDetail(deps.stix, reader, request.params.id);
      if (!detail.ok) return sendProblem(reply, detail.error);
      const { latest, versions } = detail.value;
      const principal = authn.principalOf(request);
      if (principal !== null) await auditReads(deps.audit, principal, [latest], 'GET /api/v1/objects/{id}');
      const list = versions.map((v) => ({ modified: v.modified, added: isoFromMicros(v.addedUs) }));
      void reply.header('cache-control', 'private, no-store');
      return sendJson(reply, 200, `{"object":${served(latest)},"versions":${JSON.stringify(list)},"sharing":${sharingJson(latest.sharing)}}`);
    },
  );

  app.get(
    '/api/v1/objects/:id/related',
    {
      onRequest: authn.guard('read'),
      schema: {
        tags: ['objects'],
        summary: 'The relationships you may see from or to an object, with the objects at their other ends that are shared with you',
        params: ObjectIdParams,
        querystring: RelatedQuery,
        response: { 200: RelatedListSchema, ...problemResponses(400, 401, 404) },
      },
    },
    async (request, reply) => {
      const reader = authn.readerOf(request);
      if (reader === null) return authFailed(reply, authn, request);
      const page = await relatedObjects(deps.stix, reader, request.params.id, request.query);
      if (!page.ok) return sendProblem(reply, page.error);
      const principal = authn.principalOf(request);
      if (principal !== null) {
        const read = page.value.items.flatMap((e) => (e.other === null ? [e.relationship] : [e.relationship, e.other]));
        await auditReads(deps.audit, principal, read, 'GET /api/v1/objects/{id}/related');
      }
      void reply.header('cache-control', 'private, no-store');
      return sendJson(reply, 200, relatedJson(page.value.items, page.value.nextCursor));
    },
  );

  app.post(
    '/api/v1/objects',
    {
      onRequest: authn.guard('write'),
      schema: {
        tags: ['objects'],
        summary: 'Create an object, or publish a new version of one you own',
        body: CreateObjectBody,
        response: { 201: WrittenObjectSchema, 200: WrittenObjectSchema, ...problemResponses(400, 401, 403, 409, 413, 415, 422) },
      },
    },
    async (request, reply) => {
      const principal = authn.principalOf(request);
      if (principal === null) return authFailed(reply, authn, request);
      const publish = publishRequest(request.body);
      const written = await publishObject(deps, principal, publish);
      if (!written.ok) return sendProblem(reply, written.error);
      await auditWrite(deps.audit, principal, written.value.outcome, String(publish.object['id']), written.value.sharing);
      return sendJson(reply, written.value.outcome === 'unchanged' ? 200 : 201, writtenJson(written.value));
    },
  );

  app.post(
    '/api/v1/objects/:id/revoke',
    {
      onRequest: authn.guard('write'),
      schema: {
        tags: ['objects'],
        summary: 'Revoke an object you own: a new version with revoked: true',
        params: ObjectIdParams,
        response: { 201: WrittenObjectSchema, ...problemResponses(400, 401, 403, 404, 409, 422) },
      },
    },
    async (request, reply) => {
      const principal = authn.principalOf(request);
      if (principal === null) return authFailed(reply, authn, request);
      const written = await revokeObject(deps, principal, readerOfPrincipal(principal), request.params.id);
      if (!written.ok) return sendProblem(reply, written.error);
      await auditWrite(deps.audit, principal, 'revoked', request.params.id, written.value.sharing);
      return sendJson(reply, 201, writtenJson(written.value));
    },
  );
}

/** The guard hook has already answered; this only keeps the handler's types honest. */
function authFailed(reply: FastifyReply, authn: RequestKit, request: FastifyRequest): FastifyReply {
  const result = authn.requireReader(request);
  return sendProblem(reply, result.ok ? { kind: 'unauthenticated', code: 'unauthenticated', message: 'Sign in first.' } : result.error);
}
