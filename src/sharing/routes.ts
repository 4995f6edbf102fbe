import type { FastifyReply, FastifyRequest } from 'fastify';
import { parseAudienceKey, type AudienceKey } from '../domain/audience.ts';
import { problem, type Problem } from '../domain/problem.ts';
import { err, ok, type Result } from '../domain/result.ts';
import { TLP_LEVELS, type Tlp } from '../domain/tlp.ts';
import type { AppPlugin, RequestKit } from '../http/deps.ts';
import type { Principal } from '../domain/principal.ts';
import { problemResponses } from '../http/schemas.ts';
import { sendResult, type Sends } from '../http/send-result.ts';
import type { Reader } from '../store/types.ts';
import {
  AggregateSchema,
  CountingBody,
  CreateGroupBody,
  DefaultsBody,
  DefaultsSchema,
  GroupListSchema,
  GroupParams,
  GroupSchema,
  InviteBody,
  LeftSchema,
  MemberParams,
  ObjectParams,
  ReshareBody,
  ReshareSchema,
} from './schemas.ts';
import type { SharingService } from './service.ts';

/** Whether a principal may manage its organization (defaults, groups, audit trail); from the accounts feature. */
export type OrgAdminCheck = (principal: Principal) => Promise<boolean>;

export interface SharingRouteDeps {
  readonly sharing: SharingService;
  readonly isOrgAdmin: OrgAdminCheck;
}

const UNAUTHENTICATED = problem('unauthenticated', 'unauthenticated', 'Sign in (POST /api/v1/session) or send an API key as "Authorization: Bearer <key>".');

/** Signed-in reader, writer (CSRF / write scope checked by the app) and org-admin gates for the routes below. */
export function gates(kit: RequestKit, isOrgAdmin: OrgAdminCheck) {
  const reader = (request: FastifyRequest): Result<{ principal: Principal; reader: Reader }, Problem> => {
    const principal = kit.principalOf(request);
    const r = kit.readerOf(request);
    return principal === null || r === null ? err(UNAUTHENTICATED) : ok({ principal, reader: r });
  };
  const writer = (request: FastifyRequest): Result<Principal, Problem> => kit.requireWriter(request);
  const admin = async (request: FastifyRequest, write: boolean): Promise<Result<Principal, Problem>> => {
    const principal = write ? writer(request) : reader(request);
    if (!principal.ok) return principal;
    const p = 'principal' in principal.value ? principal.value.principal : principal.value;
    if (!(await isOrgAdmin(p))) return err(problem('forbidden', 'org-admin-required', 'Only an administrator of your organization may do this; ask one of them'));
    return ok(p);
  };
  return { reader, writer, admin };
}

function audienceOf(keys: readonly string[]): AudienceKey[] {
  return keys.map((key) => {
    const parsed = parseAudienceKey(key);
    // The schema's pattern is the parser's, so this only guards against the two drifting apart.
    if (!parsed.ok) throw new Error(parsed.error.message);
    return parsed.value;
  });
}

const actorOf = (p: Principal) => ({ orgId: p.orgId, userId: p.userId });

/**
 * The sharing REST routes: org defaults (GET/PUT /api/v1/org/sharing-defaults), counting permission
 * (PUT /api/v1/org/counting), re-share (PUT /api/v1/objects/{id}/sharing), sharing groups and
 * invitations (/api/v1/groups…), and anonymous sighting counts (GET /api/v1/aggregates/sightings/{id}).
 */
export function sharingRoutes(deps: SharingRouteDeps): AppPlugin {
  return (kit) => ({
    plugin: (app) => {
      const gate = gates(kit, deps.isOrgAdmin);
      const send = <V>(reply: FastifyReply & Sends<V>, result: Result<NoInfer<V>, Problem>): FastifyReply => sendResult(kit.sendProblem, reply, result);

      app.get('/api/v1/org/sharing-defaults', { schema: { tags: ['sharing'], summary: "Your organization's default audience for each TLP", response: { 200: DefaultsSchema, ...problemResponses(401) } } }, async (request, reply) => {
        const who = gate.reader(request);
        if (!who.ok) return kit.sendProblem(reply, who.error);
        return send(reply, ok({ defaults: await deps.sharing.defaults(who.value.principal.orgId) }));
      });

      app.put(
        '/api/v1/org/sharing-defaults',
        { schema: { tags: ['sharing'], summary: "Change your organization's defaults (org-admins); null returns a TLP to the built-in default", body: DefaultsBody, response: { 200: DefaultsSchema, ...problemResponses(400, 401, 403, 422) } } },
        async (request, reply) => {
          const who = await gate.admin(request, true);
          if (!who.ok) return kit.sendProblem(reply, who.error);
          const changes = new Map<Tlp, readonly AudienceKey[] | null>();
          for (const tlp of TLP_LEVELS) {
            const value = request.body.defaults[tlp];
            if (value !== undefined) changes.set(tlp, value === null ? null : audienceOf(value));
          }
          const result = await deps.sharing.setDefaults(actorOf(who.value), changes);
          return send(reply, result.ok ? ok({ defaults: result.value }) : result);
        },
      );

      app.put(
        '/api/v1/org/counting',
        { schema: { tags: ['sharing'], summary: "Let anonymous aggregates count your organization's sightings (org-admins)", body: CountingBody, response: { 200: CountingBody, ...problemResponses(400, 401, 403) } } },
        async (request, reply) => {
          const who = await gate.admin(request, true);
          if (!who.ok) return kit.sendProblem(reply, who.error);
          await deps.sharing.setOrgCounting(who.value.orgId, request.body.allow_counting);
          return send(reply, ok({ allow_counting: request.body.allow_counting }));
        },
      );

      app.put(
        '/api/v1/objects/:id/sharing',
        { schema: { tags: ['sharing'], summary: 'Widen or narrow who an object you own is shared with; takes effect at once', params: ObjectParams, body: ReshareBody, response: { 200: ReshareSchema, ...problemResponses(400, 401, 403, 404, 422) } } },
        async (request, reply) => {
          const who = gate.writer(request);
          if (!who.ok) return kit.sendProblem(reply, who.error);
          const reader = kit.readerOf(request);
          if (reader === null) return kit.sendProblem(reply, UNAUTHENTICATED);
          const id = request.params.id;
          const { audience, tlp, allow_counting: allowCounting } = request.body;
          const result = await deps.sharing.reshare(actorOf(who.value), reader, id, {
            audience: audienceOf(audience),
            ...(tlp === undefined ? {} : { tlp }),
            ...(allowCounting === undefined ? {} : { allowCounting }),
          });
          return send(reply, result.ok ? ok({ id, changed: result.value.changed, sharing: result.value.sharing }) : result);
        },
      );

      app.get('/api/v1/groups', { schema: { tags: ['sharing'], summary: 'Sharing groups your organization belongs to or is invited to', response: { 200: GroupListSchema, ...problemResponses(401) } } }, async (request, reply) => {
        const who = gate.reader(request);
        if (!who.ok) return kit.sendProblem(reply, who.error);
        return send(reply, ok({ groups: await deps.sharing.listGroups(who.value.principal.orgId) }));
      });

      app.post(
        '/api/v1/groups',
        { schema: { tags: ['sharing'], summary: 'Create a sharing group (org-admins); your organization is its first member', body: CreateGroupBody, response: { 201: GroupSchema, ...problemResponses(400, 401, 403) } } },
        async (request, reply) => {
          const who = await gate.admin(request, true);
          if (!who.ok) return kit.sendProblem(reply, who.error);
          return send(reply.code(201), await deps.sharing.createGroup(actorOf(who.value), request.body.name));
        },
      );

      app.post(
        '/api/v1/groups/:id/invitations',
        { schema: { tags: ['sharing'], summary: 'Invite an organization to a group you created (org-admins)', params: GroupParams, body: InviteBody, response: { 201: GroupSchema, ...problemResponses(400, 401, 403, 404, 409) } } },
        async (request, reply) => {
          const who = await gate.admin(request, true);
          if (!who.ok) return kit.sendProblem(reply, who.error);
          return send(reply.code(201), await deps.sharing.invite(actorOf(who.value), request.params.id, request.body.org_id));
        },
      );

      for (const [path, answer] of [
        ['accept', 'accepted'],
        ['decline', 'declined'],
      ] as const) {
        app.post(
          `/api/v1/groups/:id/${path}`,
          { schema: { tags: ['sharing'], summary: `${path === 'accept' ? 'Accept' : 'Decline'} your organization's invitation to a group (org-admins)`, params: GroupParams, response: { 200: GroupSchema, ...problemResponses(400, 401, 403, 404) } } },
          async (request, reply) => {
            const who = await gate.admin(request, true);
            if (!who.ok) return kit.sendProblem(reply, who.error);
            return send(reply, await deps.sharing.answer(actorOf(who.value), request.params.id, answer));
          },
        );
      }

      app.post(
        '/api/v1/groups/:id/leave',
        { schema: { tags: ['sharing'], summary: 'Leave a group (org-admins); your people stop reading with it at once', params: GroupParams, response: { 200: LeftSchema, ...problemResponses(400, 401, 403, 404, 409) } } },
        async (request, reply) => {
          const who = await gate.admin(request, true);
          if (!who.ok) return kit.sendProblem(reply, who.error);
          return send(reply, await deps.sharing.leave(actorOf(who.value), request.params.id));
        },
      );

      app.delete(
        '/api/v1/groups/:id/members/:org_id',
        { schema: { tags: ['sharing'], summary: 'Remove a member or withdraw an invitation from a group you created (org-admins)', params: MemberParams, response: { 200: GroupSchema, ...problemResponses(400, 401, 403, 404, 409) } } },
        async (request, reply) => {
          const who = await gate.admin(request, true);
          if (!who.ok) return kit.sendProblem(reply, who.error);
          return send(reply, await deps.sharing.removeMember(actorOf(who.value), request.params.id, request.params.org_id));
        },
      );

      app.get(
        '/api/v1/aggregates/sightings/:id',
        { schema: { tags: ['sharing'], summary: 'How many organizations, in how many states, reported sightings of an indicator; never who', params: ObjectParams, response: { 200: AggregateSchema, ...problemResponses(400, 401, 404) } } },
        async (request, reply) => {
          const who = gate.reader(request);
          if (!who.ok) return kit.sendProblem(reply, who.error);
          return send(reply, await deps.sharing.sightingAggregate(who.value.reader, request.params.id));
        },
      );
      return Promise.resolve();
    },
  });
}
