import { Type, type Static } from '@sinclair/typebox';
import type { AppPlugin } from '../http/deps.ts';
import type { Principal } from '../domain/principal.ts';
import { problemResponses } from '../http/schemas.ts';
import type { AuditLog } from './audit-log.ts';
import { AuditEntrySchema } from './entry.ts';

const TrailQuery = Type.Object(
  {
    after: Type.Integer({ minimum: 0, default: 0, description: 'Only entries after this seq (the last seq of the previous page)' }),
    limit: Type.Integer({ minimum: 1, maximum: 1000, default: 100 }),
  },
  { additionalProperties: false },
);
type TrailQuery = Static<typeof TrailQuery>;

const TrailSchema = Type.Object({ entries: Type.Array(AuditEntrySchema), next_after: Type.Union([Type.Integer(), Type.Null()]) });

export interface AuditRouteDeps {
  readonly audit: AuditLog;
  /** Whether a principal administers its organization; from the accounts feature. */
  readonly isOrgAdmin: (principal: Principal) => Promise<boolean>;
}

/** GET /api/v1/org/audit: an org-admin reads their own organization's trail, oldest first, paged by seq. */
export function auditRoutes(deps: AuditRouteDeps): AppPlugin {
  return (kit) => ({
    plugin: (app) => {
      app.get(
        '/api/v1/org/audit',
        {
          schema: {
            tags: ['audit'],
            summary: "Your organization's audit trail: what its people did and what was done with its objects (org-admins)",
            querystring: TrailQuery,
            response: { 200: TrailSchema, ...problemResponses(400, 401, 403) },
          },
        },
        async (request, reply) => {
          const principal = kit.principalOf(request);
          if (principal === null) return kit.sendProblem(reply, { kind: 'unauthenticated', code: 'unauthenticated', message: 'Sign in (POST /api/v1/session) or send an API key as "Authorization: Bearer <key>".' });
          if (!(await deps.isOrgAdmin(principal))) return kit.sendProblem(reply, { kind: 'forbidden', code: 'org-admin-required', message: 'Only an administrator of your organization may read its audit trail; ask one of them' });
          const entries = await deps.audit.trail(principal.orgId, request.query.after, request.query.limit);
          const last = entries.at(-1);
          return reply.header('cache-control', 'private, no-store').send({ entries, next_after: entries.length === request.query.limit && last !== undefined ? last.seq : null });
        },
      );
      return Promise.resolve();
    },
  });
}
