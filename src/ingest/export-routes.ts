import { Readable } from 'node:stream';
import { sendBytes } from '../http/send-bytes.ts';
import { Type, type Static } from '@sinclair/typebox';
import type { AuditPort } from '../audit/audit-log.ts';
import { auditReads } from '../audit/object-events.ts';
import { problem } from '../domain/problem.ts';
import { exportBundle, parseExportFilters } from './export.ts';
import type { StixStore, StoredVersion } from '../store/types.ts';
import { readerOfPrincipal } from '../http/auth.ts';
import type { AppPlugin, RequestKit, RampartApp } from '../http/deps.ts';
import { sendProblem } from '../http/problem.ts';
import { problemResponses } from '../http/schemas.ts';

export const ExportQuery = Type.Object(
  {
    type: Type.Optional(Type.String({ maxLength: 2000, description: 'Comma-separated STIX types, e.g. indicator,report' })),
    since: Type.Optional(Type.String({ description: 'Only versions added to this hub after this time (RFC 3339, e.g. 2026-11-01T00:00:00Z)' })),
    versions: Type.Union([Type.Literal('latest'), Type.Literal('all')], { default: 'latest', description: 'The latest version of each object, or every version' }),
    reference: Type.Optional(
      Type.Union([Type.Literal('include'), Type.Literal('only')], {
        description: 'The reference library (MITRE ATT&CK, DISARM, the member directory, marking and extension definitions), which every hub loads itself, is left out unless asked for: include adds it, only exports nothing else',
      }),
    ),
  },
  { additionalProperties: false },
);
export type ExportQuery = Static<typeof ExportQuery>;

const STIX_MEDIA_TYPE = 'application/stix+json;version=2.1';

export interface ExportRouteDeps {
  readonly stix: StixStore;
  readonly audit?: AuditPort;
  readonly clock: { now(): Date };
}

/** `GET /api/v1/export`: a STIX 2.1 bundle of everything the caller may see, streamed, recorded in the audit log. */
export function exportPlugin(deps: ExportRouteDeps): AppPlugin {
  return (kit) => ({
    plugin: (app) => {
      exportRoutes(app, kit, deps);
      return Promise.resolve();
    },
  });
}

function exportRoutes(app: RampartApp, authn: RequestKit, deps: ExportRouteDeps): void {
  app.get(
    '/api/v1/export',
    {
      onRequest: authn.guard('read'),
      schema: {
        tags: ['objects'],
        summary: 'Download a STIX 2.1 bundle of what is shared with you (the stored bytes, with the TLP marking added to a version stored without one), optionally by type and added time',
        querystring: ExportQuery,
        produces: [STIX_MEDIA_TYPE],
        response: { ...problemResponses(400, 401) },
      },
    },
    async (request, reply) => {
      const principal = authn.principalOf(request);
      if (principal === null) return sendProblem(reply, problem('unauthenticated', 'unauthenticated', 'Sign in first.'));
      const filters = parseExportFilters(request.query.type === undefined ? undefined : [request.query.type], request.query.since);
      if (!filters.ok) return sendProblem(reply, problem('invalid', filters.error.code, `${filters.error.field}: ${filters.error.message}`));
      const reference = request.query.reference === 'include' ? undefined : (request.query.reference ?? 'exclude');
      // Each page's reads of TLP:AMBER and above go in their owners' trails before the page is sent, as on every other read
      // path. A HEAD is sent no page: nothing is read (and its stream is dropped after the answer, so no entry may come late).
      const onPage = request.method === 'HEAD' ? undefined : (versions: readonly StoredVersion[]) => auditReads(deps.audit, principal, versions, 'GET /api/v1/export');
      const bundle = await exportBundle(deps.stix, readerOfPrincipal(principal), { versions: request.query.versions, ...filters.value, ...(reference === undefined ? {} : { reference }), ...(onPage === undefined ? {} : { onPage }) });
      if (!bundle.ok) return sendProblem(reply, bundle.error);
      await deps.audit?.record({
        actorOrg: principal.orgId,
        actorUser: principal.userId,
        action: 'export',
        details: { via: 'GET /api/v1/export', types: filters.value.types ?? [], since: request.query.since ?? null, versions: request.query.versions, reference: request.query.reference ?? 'exclude' },
      });
      const day = deps.clock.now().toISOString().slice(0, 10);
      return sendBytes(reply.header('content-type', STIX_MEDIA_TYPE).header('content-disposition', `attachment; filename="rampart-export-${day}.json"`), Readable.from(bundle.value));
    },
  );
}
