import { Readable } from 'node:stream';
import { Type, type Static } from '@sinclair/typebox';
import type { FastifyInstance } from 'fastify';
import type { AuditPort } from '../../audit/audit-log.ts';
import { problem } from '../../domain/problem.ts';
import { exportBundle } from '../../ingest/export.ts';
import { isStixTimestamp } from '../../stix/timestamp.ts';
import type { StixStore } from '../../store/types.ts';
import { readerOfPrincipal, type Authenticator } from '../auth.ts';
import { sendProblem } from '../problem.ts';
import { problemResponses } from '../schemas.ts';

export const ExportQuery = Type.Object(
  {
    type: Type.Optional(Type.String({ maxLength: 2000, description: 'Comma-separated STIX types, e.g. indicator,report' })),
    since: Type.Optional(Type.String({ description: 'Only versions added to this hub after this time (RFC 3339, e.g. 2026-11-01T00:00:00Z)' })),
    versions: Type.Union([Type.Literal('latest'), Type.Literal('all')], { default: 'latest', description: 'The latest version of each object, or every version' }),
  },
  { additionalProperties: false },
);
export type ExportQuery = Static<typeof ExportQuery>;

const TYPE_NAME = /^[a-z][a-z0-9-]+[a-z0-9]$/;
const STIX_MEDIA_TYPE = 'application/stix+json;version=2.1';

export interface ExportRouteDeps {
  readonly stix: StixStore;
  readonly audit?: AuditPort;
  readonly clock: { now(): Date };
}

/** `GET /api/v1/export`: a STIX 2.1 bundle of everything the caller may see, streamed, recorded in the audit log. */
export function exportRoutes(app: FastifyInstance, authn: Authenticator, deps: ExportRouteDeps): void {
  app.get<{ Querystring: ExportQuery }>(
    '/api/v1/export',
    {
      onRequest: authn.guard('read'),
      schema: {
        tags: ['objects'],
        summary: 'Download a STIX 2.1 bundle of what is shared with you (exact stored bytes), optionally by type and added time',
        querystring: ExportQuery,
        produces: [STIX_MEDIA_TYPE],
        response: { ...problemResponses(400, 401) },
      },
    },
    async (request, reply) => {
      const principal = authn.principalOf(request);
      if (principal === null) return sendProblem(reply, problem('unauthenticated', 'unauthenticated', 'Sign in first.'));
      const types = request.query.type?.split(',').map((t) => t.trim()).filter((t) => t !== '');
      const badType = types?.find((t) => !TYPE_NAME.test(t));
      if (badType !== undefined) return sendProblem(reply, problem('invalid', 'invalid-type', `type: "${badType}" is not a STIX type name`));
      const since = request.query.since;
      if (since !== undefined && !isStixTimestamp(since)) {
        return sendProblem(reply, problem('invalid', 'invalid-timestamp', `since: "${since}" is not an RFC 3339 UTC timestamp such as 2026-11-01T00:00:00Z`));
      }
      const bundle = await exportBundle(deps.stix, readerOfPrincipal(principal), {
        versions: request.query.versions,
        ...(types === undefined || types.length === 0 ? {} : { types }),
        ...(since === undefined ? {} : { addedAfterUs: Date.parse(since) * 1000 }),
      });
      if (!bundle.ok) return sendProblem(reply, bundle.error);
      await deps.audit?.record({
        actorOrg: principal.orgId,
        actorUser: principal.userId,
        action: 'export',
        details: { via: 'GET /api/v1/export', types: types ?? [], since: since ?? null, versions: request.query.versions },
      });
      const day = deps.clock.now().toISOString().slice(0, 10);
      return reply
        .header('content-type', STIX_MEDIA_TYPE)
        .header('content-disposition', `attachment; filename="rampart-export-${day}.json"`)
        .send(Readable.from(bundle.value));
    },
  );
}
