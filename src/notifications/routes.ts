import { Type, type Static } from '@sinclair/typebox';
import type { FastifyReply } from 'fastify';
import type { Problem } from '../domain/problem.ts';
import { ok, type Result } from '../domain/result.ts';
import type { Principal } from '../domain/principal.ts';
import type { AppPlugin } from '../http/deps.ts';
import { problemResponses } from '../http/schemas.ts';
import { sendResult, type Sends } from '../http/send-result.ts';
import { gates, type OrgAdminCheck } from '../sharing/routes.ts';
import {
  IdParams,
  NotificationSchema,
  PersonBody,
  PlanBody,
  PlanSchema,
  RuleBody,
  RulePatch,
  RuleSchema,
  WatchItemBody,
  WatchItemSchema,
  WebhookBody,
  WebhookPatch,
  WebhookSchema,
} from './schemas.ts';
import type { Reader } from '../store/types.ts';
import type { NotificationService } from './service.ts';

export interface NotificationRouteDeps {
  readonly notifications: NotificationService;
  readonly isOrgAdmin: OrgAdminCheck;
}

const ListQuery = Type.Object(
  {
    limit: Type.Optional(Type.Integer({ minimum: 1, maximum: 200, default: 50 })),
    unread: Type.Optional(Type.Boolean({ description: 'Only notifications not yet read' })),
    before: Type.Optional(Type.String({ format: 'date-time', description: 'Older than this time (the created_at of the last one you have)' })),
  },
  { additionalProperties: false },
);
type ListQuery = Static<typeof ListQuery>;
const ReadBody = Type.Object({ ids: Type.Optional(Type.Array(Type.String({ maxLength: 100 }), { maxItems: 500, description: 'The notifications to mark read; all of yours when left out' })) }, { additionalProperties: false });
type ReadBody = Static<typeof ReadBody>;
const DeadParams = Type.Object({ id: Type.String({ maxLength: 100 }), delivery: Type.String({ maxLength: 100 }) }, { additionalProperties: false });
type DeadParams = Static<typeof DeadParams>;

const NotificationList = Type.Object({ unread: Type.Integer(), items: Type.Array(NotificationSchema) });
const RuleList = Type.Object({ rules: Type.Array(RuleSchema) });
const WatchList = Type.Object({ items: Type.Array(WatchItemSchema) });
const WebhookList = Type.Object({ webhooks: Type.Array(WebhookSchema) });
const NewWebhook = Type.Intersect([WebhookSchema, Type.Object({ secret: Type.String({ description: 'The signing secret, shown this once: keep it in the receiver' }) })]);
const DeadList = Type.Object({
  deliveries: Type.Array(Type.Object({ id: Type.String(), object_id: Type.Union([Type.String(), Type.Null()]), support_id: Type.Union([Type.String(), Type.Null()], { description: 'The support request the delivery is about; null for an object' }), state: Type.String(), attempts: Type.Integer(), last_error: Type.Union([Type.String(), Type.Null()]), created_at: Type.String() })),
});

const actorOf = (p: Principal) => ({ orgId: p.orgId, userId: p.userId });

/**
 * The alerts REST routes: a person's notification centre (/api/v1/notifications), their watch rules and
 * email setting (/api/v1/me/…), and for org-admins the organization's watch rules, watch list,
 * notification plan and webhooks with their dead-letter lists (/api/v1/org/…).
 */
export function notificationRoutes(deps: NotificationRouteDeps): AppPlugin {
  const n = deps.notifications;
  return (kit) => ({
    plugin: (app) => {
      const gate = gates(kit, deps.isOrgAdmin);
      const send = <V>(reply: FastifyReply & Sends<V>, result: Result<NoInfer<V>, Problem>): FastifyReply => sendResult(kit.sendProblem, reply, result);
      const tags = ['notifications'];

      app.get(
        '/api/v1/notifications',
        { schema: { tags, summary: 'Your notifications, newest first, with how many are unread', querystring: ListQuery, response: { 200: NotificationList, ...problemResponses(400, 401, 403) } } },
        async (request, reply) => {
          const who = gate.reader(request);
          if (!who.ok) return kit.sendProblem(reply, who.error);
          const { limit, unread, before } = request.query;
          return send(reply, await n.notifications(actorOf(who.value.principal), who.value.reader, { limit: limit ?? 50, ...(unread === undefined ? {} : { unreadOnly: unread }), ...(before === undefined ? {} : { before: Date.parse(before) }) }));
        },
      );
      app.get('/api/v1/notifications/unread', { schema: { tags, summary: 'How many of your notifications are unread (the top bar)', response: { 200: Type.Object({ unread: Type.Integer() }), ...problemResponses(401, 403) } } }, async (request, reply) => {
        const who = gate.reader(request);
        if (!who.ok) return kit.sendProblem(reply, who.error);
        return send(reply, await n.unread(actorOf(who.value.principal), who.value.reader));
      });
      app.post(
        '/api/v1/notifications/read',
        { schema: { tags, summary: 'Mark notifications read (all of them when no ids are given)', body: ReadBody, response: { 200: Type.Object({ marked: Type.Integer() }), ...problemResponses(400, 401, 403) } } },
        async (request, reply) => {
          const who = kit.requireActor(request);
          if (!who.ok) return kit.sendProblem(reply, who.error);
          return send(reply, await n.markRead(actorOf(who.value), request.body.ids ?? null));
        },
      );
      app.post(
        '/api/v1/notifications/:id/acknowledge',
        { schema: { tags, summary: 'Acknowledge an alert: it is read, and an urgent one goes no further to the backup contacts', params: IdParams, response: { 204: Type.Null(), ...problemResponses(400, 401, 403, 404) } } },
        async (request, reply) => {
          const who = kit.requireActor(request);
          if (!who.ok) return kit.sendProblem(reply, who.error);
          return send(reply, await n.acknowledge(actorOf(who.value), request.params.id));
        },
      );

      // ---- watch rules: the person's own, and the organization's ----
      for (const scope of ['person', 'organization'] as const) {
        const base = scope === 'person' ? '/api/v1/me/watch-rules' : '/api/v1/org/watch-rules';
        const whose = scope === 'person' ? 'your own' : "your organization's (org-admins change them)";
        app.get(base, { schema: { tags, summary: `Watch rules that apply to you: ${scope === 'person' ? "yours and your organization's" : "your organization's, the standard ones included"}`, response: { 200: RuleList, ...problemResponses(401) } } }, async (request, reply) => {
          const who = gate.reader(request);
          if (!who.ok) return kit.sendProblem(reply, who.error);
          const all = await n.rulesOf(actorOf(who.value.principal));
          return send(reply, ok({ rules: scope === 'person' ? all : all.filter((r) => r.scope === 'organization') }));
        });
        const writer = async (request: Parameters<typeof gate.writer>[0]) => (scope === 'person' ? kit.requireActor(request) : gate.admin(request, true));
        app.post(base, { schema: { tags, summary: `Add a watch rule of ${whose}`, body: RuleBody, response: { 201: RuleSchema, ...problemResponses(400, 401, 403) } } }, async (request, reply) => {
          const who = await writer(request);
          if (!who.ok) return kit.sendProblem(reply, who.error);
          return send(reply.code(201), await n.addRule(actorOf(who.value), scope, request.body));
        });
        app.patch(`${base}/:id`, { schema: { tags, summary: `Change a watch rule of ${whose}`, params: IdParams, body: RulePatch, response: { 200: RuleSchema, ...problemResponses(400, 401, 403, 404) } } }, async (request, reply) => {
          const who = await writer(request);
          if (!who.ok) return kit.sendProblem(reply, who.error);
          return send(reply, await n.changeRule(actorOf(who.value), scope, request.params.id, request.body));
        });
        app.delete(`${base}/:id`, { schema: { tags, summary: `Remove a watch rule of ${whose}`, params: IdParams, response: { 204: Type.Null(), ...problemResponses(401, 403, 404) } } }, async (request, reply) => {
          const who = await writer(request);
          if (!who.ok) return kit.sendProblem(reply, who.error);
          return send(reply, await n.removeRule(actorOf(who.value), scope, request.params.id));
        });
      }

      app.get('/api/v1/me/notification-settings', { schema: { tags, summary: 'How you get email: as the rules say, everything in the daily digest, or none', response: { 200: PersonBody, ...problemResponses(401, 403) } } }, async (request, reply) => {
        const who = gate.reader(request);
        if (!who.ok) return kit.sendProblem(reply, who.error);
        return send(reply, await n.personSettings(actorOf(who.value.principal)));
      });
      app.put('/api/v1/me/notification-settings', { schema: { tags, summary: 'Change how you get email', body: PersonBody, response: { 200: PersonBody, ...problemResponses(400, 401, 403) } } }, async (request, reply) => {
        const who = kit.requireActor(request);
        if (!who.ok) return kit.sendProblem(reply, who.error);
        return send(reply, await n.setPersonSettings(actorOf(who.value), request.body.email_mode));
      });

      // ---- the organization's watch list, plan and webhooks ----
      app.get('/api/v1/org/watch-list', { schema: { tags, summary: "Your organization's watched domains, IP ranges, email domains and URLs", response: { 200: WatchList, ...problemResponses(401) } } }, async (request, reply) => {
        const who = gate.reader(request);
        if (!who.ok) return kit.sendProblem(reply, who.error);
        return send(reply, ok({ items: await n.watchList(who.value.principal.orgId) }));
      });
      app.post('/api/v1/org/watch-list', { schema: { tags, summary: 'Watch a domain, IP range, email domain or URL of your organization (org-admins)', body: WatchItemBody, response: { 201: WatchItemSchema, ...problemResponses(400, 401, 403, 409) } } }, async (request, reply) => {
        const who = await gate.admin(request, true);
        if (!who.ok) return kit.sendProblem(reply, who.error);
        return send(reply.code(201), await n.addWatchItem(who.value.orgId, request.body));
      });
      app.delete('/api/v1/org/watch-list/:id', { schema: { tags, summary: 'Stop watching an entry (org-admins)', params: IdParams, response: { 204: Type.Null(), ...problemResponses(401, 403, 404) } } }, async (request, reply) => {
        const who = await gate.admin(request, true);
        if (!who.ok) return kit.sendProblem(reply, who.error);
        return send(reply, await n.removeWatchItem(who.value.orgId, request.params.id));
      });

      app.get('/api/v1/org/notification-plan', { schema: { tags, summary: "Your organization's notification plan: standard rules on or off, contacts, escalation time", response: { 200: PlanSchema, ...problemResponses(401) } } }, async (request, reply) => {
        const who = gate.reader(request);
        if (!who.ok) return kit.sendProblem(reply, who.error);
        return send(reply, ok(await n.planOf(who.value.principal.orgId)));
      });
      app.put('/api/v1/org/notification-plan', { schema: { tags, summary: 'Change the notification plan (org-admins); fields left out stay as they are', body: PlanBody, response: { 200: PlanSchema, ...problemResponses(400, 401, 403) } } }, async (request, reply) => {
        const who = await gate.admin(request, true);
        if (!who.ok) return kit.sendProblem(reply, who.error);
        return send(reply, await n.setPlan(who.value.orgId, request.body));
      });

      app.get('/api/v1/org/webhooks', { schema: { tags, summary: "Your organization's webhooks (org-admins)", response: { 200: WebhookList, ...problemResponses(401, 403) } } }, async (request, reply) => {
        const who = await gate.admin(request, false);
        if (!who.ok) return kit.sendProblem(reply, who.error);
        return send(reply, ok({ webhooks: await n.webhooks(who.value.orgId) }));
      });
      app.post('/api/v1/org/webhooks', { schema: { tags, summary: 'Add a webhook (org-admins): signed JSON for everything your organization watches; the secret is shown once', body: WebhookBody, response: { 201: NewWebhook, ...problemResponses(400, 401, 403) } } }, async (request, reply) => {
        const who = await gate.admin(request, true);
        if (!who.ok) return kit.sendProblem(reply, who.error);
        return send(reply.code(201), await n.addWebhook(who.value.orgId, request.body.url));
      });
      app.patch('/api/v1/org/webhooks/:id', { schema: { tags, summary: 'Turn a webhook on or off (org-admins)', params: IdParams, body: WebhookPatch, response: { 200: WebhookSchema, ...problemResponses(400, 401, 403, 404) } } }, async (request, reply) => {
        const who = await gate.admin(request, true);
        if (!who.ok) return kit.sendProblem(reply, who.error);
        return send(reply, await n.setWebhookEnabled(who.value.orgId, request.params.id, request.body.enabled));
      });
      app.delete('/api/v1/org/webhooks/:id', { schema: { tags, summary: 'Remove a webhook (org-admins)', params: IdParams, response: { 204: Type.Null(), ...problemResponses(401, 403, 404) } } }, async (request, reply) => {
        const who = await gate.admin(request, true);
        if (!who.ok) return kit.sendProblem(reply, who.error);
        return send(reply, await n.removeWebhook(who.value.orgId, request.params.id));
      });
      app.get('/api/v1/org/webhooks/:id/dead-letters', { schema: { tags, summary: 'Deliveries to a webhook that were given up on (org-admins)', params: IdParams, response: { 200: DeadList, ...problemResponses(401, 403, 404) } } }, async (request, reply) => {
        const who = await gate.admin(request, false);
        if (!who.ok) return kit.sendProblem(reply, who.error);
        // A webhook reads as its organization: what is named to the org-admin alone (user: keys) is not its to list.
        const reader: Reader = { kind: 'member', orgId: who.value.orgId, userId: null, keys: who.value.keys.filter((k) => !k.startsWith('user:')) };
        const result = await n.deadLetters(who.value.orgId, request.params.id, reader);
        return send(reply, result.ok ? ok({ deliveries: result.value }) : result);
      });
      app.post(
        '/api/v1/org/webhooks/:id/dead-letters/:delivery/replay',
        { schema: { tags, summary: 'Send a given-up delivery again, with the same delivery id (org-admins)', params: DeadParams, response: { 204: Type.Null(), ...problemResponses(401, 403, 404, 409) } } },
        async (request, reply) => {
          const who = await gate.admin(request, true);
          if (!who.ok) return kit.sendProblem(reply, who.error);
          return send(reply, await n.replay(who.value.orgId, request.params.id, request.params.delivery));
        },
      );
      return Promise.resolve();
    },
  });
}
