import type { AuditPort } from '../audit/audit-log.ts';
import { sendBytes } from '../http/send-bytes.ts';
import { auditReads } from '../audit/object-events.ts';
import type { Clock } from '../domain/clock.ts';
import { problem } from '../domain/problem.ts';
import type { AppPlugin, RequestKit, RampartApp } from '../http/deps.ts';
import { sendProblem } from '../http/problem.ts';
import { problemResponses } from '../http/schemas.ts';
import { neighbourhood, objectConnections, type ConnectionsDeps, type SharedSummary, type Summary } from './connections.ts';
import { ConnectionsQuery, ConnectionsSchema, GraphQuery, GraphSchema, ObjectIdParams, SelectionExportBody, TitlesBody, TitlesSchema } from './schemas.ts';
import { selectedObjects, selectionBundle, selectionCsv } from './selection.ts';

export type ConnectionRouteDeps = ConnectionsDeps & { readonly audit?: AuditPort; readonly clock: Clock };

const STIX_MEDIA_TYPE = 'application/stix+json;version=2.1';

/** What the reader may be told of a summary: the stored version stays inside. */
function sharedJson(s: SharedSummary) {
  return { shared: true as const, id: s.id, type: s.type, title: s.title, tlp: s.tlp, owner: s.owner, revoked: s.revoked };
}

function summaryJson(s: Summary) {
  return s.shared ? sharedJson(s) : { shared: false as const, id: s.id };
}

/**
 * How an object connects: GET /api/v1/objects/{id}/connections (what it refers to, what refers to it),
 * GET /api/v1/objects/{id}/graph (the neighbourhood, two hops out), POST /api/v1/titles (readable titles for
 * lists) and POST /api/v1/export/selection (chosen objects as a STIX bundle or CSV). Every object passes the store's visibility rule.
 */
export function connectionsPlugin(deps: ConnectionRouteDeps): AppPlugin {
  return (kit) => ({
    plugin: (app) => {
      connectionRoutes(app, kit, deps);
      return Promise.resolve();
    },
  });
}

function connectionRoutes(app: RampartApp, authn: RequestKit, deps: ConnectionRouteDeps): void {
  const unauthenticated = problem('unauthenticated', 'unauthenticated', 'Sign in first.');

  app.get(
    '/api/v1/objects/:id/connections',
    {
      onRequest: authn.guard('read'),
      schema: {
        tags: ['objects'],
        summary: 'What an object refers to, and what you may see that refers to it; what is not shared with you is only "not shared"',
        params: ObjectIdParams,
        querystring: ConnectionsQuery,
        response: { 200: ConnectionsSchema, ...problemResponses(400, 401, 404) },
      },
    },
    async (request, reply) => {
      const reader = authn.readerOf(request);
      if (reader === null) return sendProblem(reply, unauthenticated);
      const found = await objectConnections(deps, reader, request.params.id, request.query);
      if (!found.ok) return sendProblem(reply, found.error);
      const c = found.value;
      const principal = authn.principalOf(request);
      if (principal !== null) {
        const read = [...c.refersTo.flatMap((r) => (r.target.shared ? [r.target.version] : [])), ...c.referredBy.map((r) => r.object.version)];
        await auditReads(deps.audit, principal, read, 'GET /api/v1/objects/{id}/connections');
      }
      void reply.header('cache-control', 'private, no-store');
      return reply.code(200).send({
        refers_to: c.refersTo.map((r) => ({ via: r.via, target: summaryJson(r.target) })),
        refers_to_total: c.refersToTotal,
        referred_by: c.referredBy.map((r) => ({
          via: r.via,
          object: sharedJson(r.object),
          relationship: r.relationship === null ? null : { type: r.relationship.type, direction: r.relationship.direction, other: summaryJson(r.relationship.other) },
        })),
        next_cursor: c.referredByNext,
      });
    },
  );

  app.get(
    '/api/v1/objects/:id/graph',
    {
      onRequest: authn.guard('read'),
      schema: {
        tags: ['objects'],
        summary: 'The objects around one, up to two steps out both ways, as nodes and edges; a node not shared with you has no id, type, title or owner',
        params: ObjectIdParams,
        querystring: GraphQuery,
        response: { 200: GraphSchema, ...problemResponses(400, 401, 404) },
      },
    },
    async (request, reply) => {
      const reader = authn.readerOf(request);
      if (reader === null) return sendProblem(reply, unauthenticated);
      const graph = await neighbourhood(deps, reader, request.params.id, request.query.hops);
      if (!graph.ok) return sendProblem(reply, graph.error);
      const principal = authn.principalOf(request);
      if (principal !== null) await auditReads(deps.audit, principal, graph.value.read, 'GET /api/v1/objects/{id}/graph');
      void reply.header('cache-control', 'private, no-store');
      const { root, nodes, edges, truncated } = graph.value;
      return reply.code(200).send({ root, nodes, edges, truncated });
    },
  );

  app.post(
    '/api/v1/titles',
    {
      onRequest: authn.guard('read'),
      schema: {
        tags: ['objects'],
        summary: 'Readable titles of objects you may see (lists show sightings by them); the others are left out',
        body: TitlesBody,
        response: { 200: TitlesSchema, ...problemResponses(400, 401) },
      },
    },
    async (request, reply) => {
      const reader = authn.readerOf(request);
      if (reader === null) return sendProblem(reply, unauthenticated);
      const selection = await selectedObjects(deps, reader, request.body.ids);
      if (!selection.ok) return sendProblem(reply, selection.error);
      void reply.header('cache-control', 'private, no-store');
      return reply.code(200).send({ items: selection.value.map((s) => ({ id: s.id, title: s.title })) });
    },
  );

  app.post(
    '/api/v1/export/selection',
    {
      onRequest: authn.guard('read'),
      // A spreadsheet client may ask for CSV alone (errors still come as problem+json).
      config: { produces: 'text/csv' },
      schema: {
        tags: ['objects'],
        summary: 'Download chosen objects as a STIX 2.1 bundle or CSV; those you may not see are left out',
        body: SelectionExportBody,
        produces: [STIX_MEDIA_TYPE, 'text/csv'],
        response: { ...problemResponses(400, 401) },
      },
    },
    async (request, reply) => {
      const principal = authn.principalOf(request);
      const reader = authn.readerOf(request);
      if (principal === null || reader === null) return sendProblem(reply, unauthenticated);
      const selection = await selectedObjects(deps, reader, request.body.ids);
      if (!selection.ok) return sendProblem(reply, selection.error);
      const versions = selection.value.map((s) => s.version);
      await auditReads(deps.audit, principal, versions, 'POST /api/v1/export/selection');
      await deps.audit?.record({
        actorOrg: principal.orgId,
        actorUser: principal.userId,
        action: 'export',
        details: { via: 'POST /api/v1/export/selection', format: request.body.format, asked: request.body.ids.length, objects: versions.length },
      });
      const day = deps.clock.now().toISOString().slice(0, 10);
      void reply.header('cache-control', 'private, no-store');
      if (request.body.format === 'csv') {
        const csv = await selectionCsv(selection.value, deps.orgName);
        return sendBytes(reply.code(200).header('content-type', 'text/csv; charset=utf-8').header('content-disposition', `attachment; filename="rampart-selection-${day}.csv"`), csv);
      }
      return sendBytes(reply.code(200).header('content-type', STIX_MEDIA_TYPE).header('content-disposition', `attachment; filename="rampart-selection-${day}.json"`), selectionBundle(selection.value));
    },
  );
}
