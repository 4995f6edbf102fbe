import type { FastifyReply } from 'fastify';
import { parseOrgId, type OrgId } from '../domain/ids.ts';
import { problem, type Problem } from '../domain/problem.ts';
import type { Result } from '../domain/result.ts';
import { SUPPORT_SERVICE_LABELS, supportActions } from '../domain/support.ts';
import type { AppPlugin } from '../http/deps.ts';
import { problemResponses } from '../http/schemas.ts';
import { NO_STORE, type Sends } from '../http/send-result.ts';
import type { Offering, SupportMessage, SupportRequest } from '../store/support.ts';
import type { Reader } from '../store/types.ts';
import { ActionBody, MessageBody, MessageSchema, NewRequestBody, OfferingBody, OfferingListSchema, OfferingParams, OfferingSchema, PartyBody, RequestListQuery, RequestListSchema, RequestParams, RequestSchema } from './schemas.ts';
import { act, addParty, openRequest, postMessage, publishOffering, requestDetail, roleOf, type SupportDeps } from './service.ts';

export interface SupportRouteDeps extends SupportDeps {
  readonly orgName: (id: OrgId) => Promise<string | null>;
}

const UNAUTHENTICATED = problem('unauthenticated', 'unauthenticated', 'Sign in (POST /api/v1/session) or send an API key as "Authorization: Bearer <key>".');
const iso = (ms: number) => new Date(ms).toISOString();

/**
 * Support requests over REST: the catalogue providers publish (/api/v1/support/catalogue,
 * PUT /api/v1/support/offerings/{service}), requests (/api/v1/support/requests…) with their actions,
 * messages and added parties. Only the requester, the provider and parties the requester added see a request.
 */
export function supportRoutes(deps: SupportRouteDeps): AppPlugin {
  return (kit) => ({
    plugin: (app) => {
      const names = new Map<string, string | null>();
      const ref = async (id: OrgId) => {
        if (!names.has(id)) names.set(id, await deps.orgName(id));
        return { id, name: names.get(id) ?? null };
      };
      const offeringView = async (o: Offering) => ({ provider: await ref(o.providerOrg), service: o.service, service_label: SUPPORT_SERVICE_LABELS[o.service], description: o.description, active: o.active });
      const incidentOf = async (r: SupportRequest, reader: Reader | null) => (r.incidentId === null || reader === null || deps.incident === undefined ? null : await deps.incident(reader, r.incidentId));
      const requestView = async (r: SupportRequest, orgId: OrgId, reader: Reader | null, messages?: readonly SupportMessage[]) => {
        const role = roleOf(r, orgId);
        return {
          id: r.id,
          role,
          requester: await ref(r.requesterOrg),
          provider: await ref(r.providerOrg),
          parties: await Promise.all(r.parties.map(ref)),
          service: r.service,
          service_label: SUPPORT_SERVICE_LABELS[r.service],
          title: r.title,
          details: r.details,
          urgent: r.urgent,
          status: r.status,
          actions: supportActions(role, r.status),
          scheduled_for: r.scheduledFor,
          created_at: iso(r.createdAt),
          updated_at: iso(r.updatedAt),
          incident: await incidentOf(r, reader),
          ...(messages === undefined ? {} : { messages: await Promise.all(messages.map(async (m) => ({ id: m.id, author: await ref(m.authorOrg), body: m.body, at: iso(m.at) }))) }),
        };
      };
      const fail = (reply: FastifyReply, p: Problem) => kit.sendProblem(reply, p);
      /** The view of a service's result, checked against the reply's response schema (V from the reply, as sendResult). */
      const answer = async <T, V>(reply: FastifyReply & Sends<V>, result: Result<T, Problem>, view: (v: T) => Promise<NoInfer<V>>) =>
        result.ok ? reply.headers(NO_STORE).send(await view(result.value)) : fail(reply, result.error);

      app.get('/api/v1/support/catalogue', { schema: { tags: ['support'], summary: 'Every service providers offer now, by provider', response: { 200: OfferingListSchema, ...problemResponses(401) } } }, async (request, reply) => {
        if (kit.principalOf(request) === null) return fail(reply, UNAUTHENTICATED);
        const items = await Promise.all((await deps.repo.offerings({ activeOnly: true })).map(offeringView));
        return reply.header('cache-control', 'private, no-store').send({ items });
      });

      app.get('/api/v1/support/offerings', { schema: { tags: ['support'], summary: "Your organization's catalogue, withdrawn services included", response: { 200: OfferingListSchema, ...problemResponses(401) } } }, async (request, reply) => {
        const principal = kit.principalOf(request);
        if (principal === null) return fail(reply, UNAUTHENTICATED);
        const items = await Promise.all((await deps.repo.offerings({ providerOrg: principal.orgId, activeOnly: false })).map(offeringView));
        return reply.header('cache-control', 'private, no-store').send({ items });
      });

      app.put(
        '/api/v1/support/offerings/:service',
        { schema: { tags: ['support'], summary: 'Publish a service in your catalogue, or withdraw it (active: false)', params: OfferingParams, body: OfferingBody, response: { 200: OfferingSchema, ...problemResponses(400, 401, 422) } } },
        async (request, reply) => {
          const principal = kit.requireWriter(request);
          if (!principal.ok) return fail(reply, principal.error);
          return answer(reply, await publishOffering(deps, principal.value, { service: request.params.service, description: request.body.description, active: request.body.active }), offeringView);
        },
      );

      app.get(
        '/api/v1/support/requests',
        { schema: { tags: ['support'], summary: 'The support requests your organization made, was asked, or was added to (only those about one incident with ?incident=)', querystring: RequestListQuery, response: { 200: RequestListSchema, ...problemResponses(400, 401) } } },
        async (request, reply) => {
        const principal = kit.principalOf(request);
        if (principal === null) return fail(reply, UNAUTHENTICATED);
        const reader = await kit.currentReader(request);
        const about = request.query.incident;
        // About an incident the reader may not see: nothing, as for an incident with no requests.
        if (about !== undefined && (reader === null || deps.incident === undefined || (await deps.incident(reader, about)) === null)) return reply.header('cache-control', 'private, no-store').send({ items: [] });
        const items = await Promise.all((await deps.repo.requestsFor(principal.orgId, 200, about)).map((r) => requestView(r, principal.orgId, reader)));
        return reply.header('cache-control', 'private, no-store').send({ items });
        },
      );

      app.post(
        '/api/v1/support/requests',
        { schema: { tags: ['support'], summary: 'Ask a provider for a service from its catalogue (your organization is the requester)', body: NewRequestBody, response: { 201: RequestSchema, ...problemResponses(400, 401, 403, 422) } } },
        async (request, reply) => {
          const principal = kit.requireWriter(request);
          if (!principal.ok) return fail(reply, principal.error);
          const reader = await kit.currentReader(request);
          if (reader === null) return fail(reply, UNAUTHENTICATED);
          return answer(reply.code(201), await openRequest(deps, principal.value, reader, request.body), (r) => requestView(r, principal.value.orgId, reader));
        },
      );

      app.get(
        '/api/v1/support/requests/:id',
        { schema: { tags: ['support'], summary: 'A support request with its messages', params: RequestParams, response: { 200: RequestSchema, ...problemResponses(400, 401, 404) } } },
        async (request, reply) => {
          const principal = kit.principalOf(request);
          if (principal === null) return fail(reply, UNAUTHENTICATED);
          const reader = await kit.currentReader(request);
          return answer(reply, await requestDetail(deps, principal, request.params.id), (v) => requestView(v.request, principal.orgId, reader, v.messages));
        },
      );

      app.post(
        '/api/v1/support/requests/:id/actions',
        { schema: { tags: ['support'], summary: 'Provider: accept, decline, schedule, complete; requester: cancel', params: RequestParams, body: ActionBody, response: { 200: RequestSchema, ...problemResponses(400, 401, 403, 404, 409) } } },
        async (request, reply) => {
          const principal = kit.requireWriter(request);
          if (!principal.ok) return fail(reply, principal.error);
          return answer(reply, await act(deps, principal.value, request.params.id, request.body.action, request.body.scheduled_for), async (r) => requestView(r, principal.value.orgId, await kit.currentReader(request)));
        },
      );

      app.post(
        '/api/v1/support/requests/:id/messages',
        { schema: { tags: ['support'], summary: 'Write to the other side of a request', params: RequestParams, body: MessageBody, response: { 201: MessageSchema, ...problemResponses(400, 401, 404, 422) } } },
        async (request, reply) => {
          const principal = kit.requireWriter(request);
          if (!principal.ok) return fail(reply, principal.error);
          return answer(reply.code(201), await postMessage(deps, principal.value, request.params.id, request.body.body), async (m) => ({ id: m.id, author: await ref(m.authorOrg), body: m.body, at: iso(m.at) }));
        },
      );

      app.post(
        '/api/v1/support/requests/:id/parties',
        { schema: { tags: ['support'], summary: 'Requester only: let another organization see the request and write messages', params: RequestParams, body: PartyBody, response: { 200: RequestSchema, ...problemResponses(400, 401, 403, 404, 409, 422) } } },
        async (request, reply) => {
          const principal = kit.requireWriter(request);
          if (!principal.ok) return fail(reply, principal.error);
          const org = parseOrgId(request.body.org_id);
          if (!org.ok) return fail(reply, problem('invalid', 'invalid-request', org.error.message, [{ path: 'body.org_id', code: org.error.code, message: org.error.message }]));
          return answer(reply, await addParty(deps, principal.value, request.params.id, org.value), async (r) => requestView(r, principal.value.orgId, await kit.currentReader(request)));
        },
      );
      return Promise.resolve();
    },
  });
}
