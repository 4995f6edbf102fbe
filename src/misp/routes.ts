import { createHash } from 'node:crypto';
import { sendBytes } from '../http/send-bytes.ts';
import { Type, type Static } from '@sinclair/typebox';
import type { AuditPort } from '../audit/audit-log.ts';
import { auditReads } from '../audit/object-events.ts';
import { audienceKind } from '../domain/audience.ts';
import type { Clock } from '../domain/clock.ts';
import type { OrgId } from '../domain/ids.ts';
import { problem } from '../domain/problem.ts';
import { readerOfWriter } from '../ingest/ownership.ts';
import { ImportSummarySchema } from '../ingest/schemas.ts';
import { readerOfPrincipal } from '../http/auth.ts';
import type { AppPlugin, RequestKit, RampartApp } from '../http/deps.ts';
import { ownerOnlyStore } from '../http/import-guard.ts';
import { sendProblem } from '../http/problem.ts';
import { problemResponses } from '../http/schemas.ts';
import { microsFromIso } from '../stix/timestamp.ts';
import type { StixStore } from '../store/types.ts';
import { eventsSince } from './events.ts';
import { mispEventCache } from './export-cache.ts';
import { importMisp, MISP_IMPORT_LIMIT } from './import.ts';
import type { Distribution } from './sharing.ts';

export interface MispRouteDeps {
  readonly stix: StixStore;
  readonly clock: Clock;
  readonly audit?: AuditPort;
  /** The hub's identity (owner of last resort in the import pipeline). */
  readonly hubOwner: OrgId;
}

const MispImportQuery = Type.Object(
  {
    on_conflict: Type.Union([Type.Literal('reject'), Type.Literal('replace')], { default: 'reject', description: 'Same id and modified, different content' }),
    distribution: Type.Optional(Type.Integer({ minimum: 0, maximum: 3, description: 'MISP distribution of events that state none (feed files): 0 your organization only (default), 1–3 the community' })),
  },
  { additionalProperties: false },
);
type MispImportQuery = Static<typeof MispImportQuery>;

const NoteSchema = Type.Object({ path: Type.Optional(Type.String()), code: Type.String(), message: Type.String() });
const MispImportSummarySchema = Type.Composite([ImportSummarySchema, Type.Object({ events: Type.Integer(), notes: Type.Array(NoteSchema, { description: 'Where sharing was narrowed, what was not carried, techniques the knowledge base lacks' }) })]);

const MispExportQuery = Type.Object(
  { since: Type.Optional(Type.String({ description: 'Only the events any part of which (the report or incident, an object it holds, an observable; a loose indicator) was added to this hub after this time, each whole (RFC 3339, e.g. 2026-11-01T00:00:00Z)' })) },
  { additionalProperties: false },
);
type MispExportQuery = Static<typeof MispExportQuery>;

const MispEventsSchema = Type.Object({ response: Type.Array(Type.Object({ Event: Type.Object({ uuid: Type.String(), info: Type.String() }, { additionalProperties: true }) })) }, { description: "MISP's REST search shape: one {Event} per report or incident you may see, and per group of loose indicators" });

const UPLOAD_TYPES = ['application/json', 'application/octet-stream'];
const FEED_FILE = /^([0-9a-fA-F]{8}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{12})\.json$/;

/** MISP in and out: POST /api/v1/import/misp, GET /api/v1/export/misp, and the MISP feed under /misp/feed/ (docs/misp.md). */
export function mispPlugin(deps: MispRouteDeps): AppPlugin {
  return (kit) => ({
    plugin: (app) => {
      mispRoutes(app, kit, deps);
      return Promise.resolve();
    },
  });
}

function mispRoutes(app: RampartApp, authn: RequestKit, deps: MispRouteDeps): void {
  const cache = mispEventCache(deps.stix);
  app.removeAllContentTypeParsers();
  app.addContentTypeParser(UPLOAD_TYPES, { parseAs: 'buffer', bodyLimit: MISP_IMPORT_LIMIT }, (_request, body, done) => done(null, body));

  app.post(
    '/api/v1/import/misp',
    {
      onRequest: authn.guard('write'),
      bodyLimit: MISP_IMPORT_LIMIT,
      schema: {
        tags: ['objects'],
        summary: 'Upload MISP events (MISP core JSON); converted to STIX 2.1 with their TLP and audience mapped (docs/misp.md); everything is stored or nothing',
        description: `Body: {"Event": …}, {"response": […]}, a list of events or a bare event, as ${UPLOAD_TYPES.join(' or ')}; up to ${MISP_IMPORT_LIMIT} bytes.`,
        querystring: MispImportQuery,
        response: { 200: MispImportSummarySchema, ...problemResponses(400, 401, 403, 413, 415, 422) },
      },
    },
    async (request, reply) => {
      const principal = authn.principalOf(request);
      if (principal === null) return sendProblem(reply, problem('unauthenticated', 'unauthenticated', 'Sign in first.'));
      if (!Buffer.isBuffer(request.body)) return sendProblem(reply, problem('unsupported-media', 'unsupported-media-type', `Send the MISP file as the body with Content-Type ${UPLOAD_TYPES.join(' or ')}`));
      const groups = new Set(principal.keys.filter((k) => audienceKind(k) === 'group').map((k) => k.slice('group:'.length)));
      const result = await importMisp(ownerOnlyStore(deps.stix, readerOfWriter(principal)), request.body, {
        owner: principal.orgId,
        hubOwner: deps.hubOwner,
        groups,
        now: deps.clock.now(),
        onConflict: request.query.on_conflict,
        ...(request.query.distribution === undefined ? {} : { defaultDistribution: request.query.distribution as Distribution }),
      });
      if (!result.ok) return sendProblem(reply, result.error);
      authn.importMetrics.record('rest', result.value);
      const s = result.value;
      if (s.added + s.newVersions > 0) {
        await deps.audit?.record({
          actorOrg: principal.orgId,
          actorUser: principal.userId,
          action: 'import',
          subjectOrg: principal.orgId,
          details: { via: 'POST /api/v1/import/misp', events: s.events, objects: s.objects, added: s.added, new_versions: s.newVersions, unchanged: s.unchanged },
        });
      }
      return reply.code(200).send({ stored: true, ...s });
    },
  );

  app.get(
    '/api/v1/export/misp',
    {
      onRequest: authn.guard('read'),
      schema: {
        tags: ['objects'],
        summary: 'Download what is shared with you as MISP events: each report and incident you may see, with the objects it holds that you may see, and the indicators no report holds (one event per owner, day and sharing)',
        querystring: MispExportQuery,
        response: { 200: MispEventsSchema, ...problemResponses(400, 401) },
      },
    },
    async (request, reply) => {
      const principal = authn.principalOf(request);
      if (principal === null) return sendProblem(reply, problem('unauthenticated', 'unauthenticated', 'Sign in first.'));
      const since = request.query.since;
      const addedAfterUs = since === undefined ? undefined : microsFromIso(since);
      if (addedAfterUs === null) return sendProblem(reply, problem('invalid', 'invalid-timestamp', `since: "${since ?? ''}" is not an RFC 3339 UTC timestamp such as 2026-11-01T00:00:00Z`));
      const all = await cache.events(readerOfPrincipal(principal));
      if (!all.ok) return sendProblem(reply, all.error);
      const kept = eventsSince(all.value, addedAfterUs);
      const response = kept.map((e) => ({ Event: e.event }));
      await auditReads(deps.audit, principal, kept.flatMap((e) => e.served), 'GET /api/v1/export/misp');
      await deps.audit?.record({ actorOrg: principal.orgId, actorUser: principal.userId, action: 'export', details: { via: 'GET /api/v1/export/misp', events: response.length, since: since ?? null } });
      return reply.send({ response });
    },
  );

  // MISP sends a feed's headers as configured, often "Authorization: <key>" as its own API takes it (docs/misp.md).
  const FEED_CONFIG = { bareApiKey: true } as const;
  const feedSchema = (summary: string, produces: string) => ({ tags: ['misp'], summary, produces: [produces], response: { ...problemResponses(401, 404) } });

  app.get('/misp/feed/manifest.json', { onRequest: authn.guard('read'), config: FEED_CONFIG, schema: feedSchema('MISP feed manifest: one entry per event (report, incident, group of loose indicators) the API key may see', 'application/json') }, async (request, reply) => {
    const principal = authn.principalOf(request);
    if (principal === null) return sendProblem(reply, problem('unauthenticated', 'unauthenticated', 'Send an API key: Authorization: Bearer <key>, or the key alone.'));
    const events = await cache.events(readerOfPrincipal(principal));
    if (!events.ok) return sendProblem(reply, events.error);
    // The manifest shows each event's head (a report's or incident's name and tags), not its attributes.
    await auditReads(deps.audit, principal, events.value.flatMap((e) => e.served).filter((v) => v.type === 'report' || v.type === 'incident'), 'GET /misp/feed/manifest.json');
    const manifest: Record<string, unknown> = {};
    for (const { event: e } of events.value) {
      manifest[e.uuid] = { Orgc: e.Orgc, Tag: e.Tag, info: e.info, date: e.date, analysis: e.analysis, threat_level_id: e.threat_level_id, timestamp: e.timestamp };
    }
    return sendBytes(reply.header('content-type', 'application/json; charset=utf-8'), JSON.stringify(manifest));
  });

  app.get('/misp/feed/hashes.csv', { onRequest: authn.guard('read'), config: FEED_CONFIG, schema: feedSchema("MISP feed hashes: the MD5 of each attribute value (each part of a|b values) and its event's uuid", 'text/csv') }, async (request, reply) => {
    const principal = authn.principalOf(request);
    if (principal === null) return sendProblem(reply, problem('unauthenticated', 'unauthenticated', 'Send an API key: Authorization: Bearer <key>, or the key alone.'));
    const events = await cache.events(readerOfPrincipal(principal));
    if (!events.ok) return sendProblem(reply, events.error);
    const lines: string[] = [];
    for (const { event: e } of events.value) {
      for (const a of [...e.Attribute, ...e.Object.flatMap((o) => o.Attribute)]) {
        const parts = a.type.includes('|') ? a.value.split('|') : [a.value];
        for (const part of parts) lines.push(`${createHash('md5').update(part, 'utf8').digest('hex')},${e.uuid}`);
      }
    }
    await auditReads(deps.audit, principal, events.value.flatMap((e) => e.served), 'GET /misp/feed/hashes.csv');
    return sendBytes(reply.header('content-type', 'text/csv; charset=utf-8'), lines.map((l) => `${l}\n`).join(''));
  });

  app.get(
    '/misp/feed/:file',
    { onRequest: authn.guard('read'), config: FEED_CONFIG, schema: { ...feedSchema('One MISP feed event, <uuid>.json: {"Event": …} with only what the API key may see', 'application/json'), params: Type.Object({ file: Type.String({ maxLength: 200 }) }) } },
    async (request, reply) => {
      const principal = authn.principalOf(request);
      if (principal === null) return sendProblem(reply, problem('unauthenticated', 'unauthenticated', 'Send an API key: Authorization: Bearer <key>, or the key alone.'));
      const uuid = FEED_FILE.exec(request.params.file)?.[1];
      if (uuid === undefined) return sendProblem(reply, problem('not-found', 'not-found', 'The MISP feed holds manifest.json, hashes.csv and <event uuid>.json'));
      const events = await cache.events(readerOfPrincipal(principal));
      if (!events.ok) return sendProblem(reply, events.error);
      const found = events.value.find((e) => e.event.uuid === uuid.toLowerCase());
      // Not shared with this key is answered exactly like no such event.
      if (found === undefined) return sendProblem(reply, problem('not-found', 'not-found', `No event ${uuid} in this feed`));
      await auditReads(deps.audit, principal, found.served, `GET /misp/feed/${uuid}.json`);
      return sendBytes(reply.header('content-type', 'application/json; charset=utf-8'), JSON.stringify({ Event: found.event }));
    },
  );
}
