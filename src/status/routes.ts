import type { FastifyReply } from 'fastify';
import { problem, type Problem } from '../domain/problem.ts';
import type { Result } from '../domain/result.ts';
import type { Principal } from '../domain/principal.ts';
import { sendWritten } from '../elections/routes.ts';
import { ElectionIdParams } from '../elections/schemas.ts';
import type { AppPlugin } from '../http/deps.ts';
import { problemResponses } from '../http/schemas.ts';
import { sendBytes } from '../http/send-bytes.ts';
import { NO_STORE, sendResult, type Sends } from '../http/send-result.ts';
import { expectationsFor } from './expectations.ts';
import { ExpectationsQuery, ExpectationsSchema, MyStatusSchema, PostStatusBody, RollupSchema, StateParams, StateRollupSchema, TimelineQuery, TimelineSchema } from './schemas.ts';
import { myStatus, postStatus, rollupJson, stateRollupJson, timelineFor, type StatusDeps } from './service.ts';

const UNAUTHENTICATED = problem('unauthenticated', 'unauthenticated', 'Sign in (POST /api/v1/session) or send an API key as "Authorization: Bearer <key>".');

/** Election-day status: the roll-up, one state's jurisdictions, the timeline, and posting a status. */
export function statusRoutes(deps: StatusDeps & { readonly isOrgAdmin: (principal: Principal) => Promise<boolean> }): AppPlugin {
  return (kit) => ({
    plugin: (app) => {
      const send = <V>(reply: FastifyReply & Sends<V>, result: Result<NoInfer<V>, Problem>): FastifyReply => sendResult(kit.sendProblem, reply, result);
      // The roll-ups: JSON made by the route's own response serializer (reply.serializeInput), once while the roll-up holds.
      const sendJson = (reply: FastifyReply, result: Result<string, Problem>): FastifyReply =>
        result.ok ? sendBytes(reply.headers(NO_STORE).type('application/json; charset=utf-8'), result.value) : kit.sendProblem(reply, result.error);

      app.get(
        '/api/v1/elections/:id/rollup',
        { schema: { tags: ['status'], summary: 'Per state and nationally: jurisdictions by level (no-report and stale included) and the three questions, over what you may see', params: ElectionIdParams, response: { 200: RollupSchema, ...problemResponses(401, 404) } } },
        async (request, reply) => {
          const reader = kit.readerOf(request);
          if (reader === null) return kit.sendProblem(reply, UNAUTHENTICATED);
          return sendJson(reply, await rollupJson(deps, reader, request.params.id, (view) => reply.serializeInput(view, RollupSchema)));
        },
      );

      app.get(
        '/api/v1/elections/:id/rollup/:state',
        { schema: { tags: ['status'], summary: "One state's jurisdictions with their level and last report time", params: StateParams, response: { 200: StateRollupSchema, ...problemResponses(401, 404) } } },
        async (request, reply) => {
          const reader = kit.readerOf(request);
          if (reader === null) return kit.sendProblem(reply, UNAUTHENTICATED);
          return sendJson(reply, await stateRollupJson(deps, reader, request.params.id, request.params.state, (view) => reply.serializeInput(view, StateRollupSchema)));
        },
      );

      app.get(
        '/api/v1/elections/:id/timeline',
        { schema: { tags: ['status'], summary: 'Status changes, newest first, for the election, a state or a jurisdiction', params: ElectionIdParams, querystring: TimelineQuery, response: { 200: TimelineSchema, ...problemResponses(400, 401, 404) } } },
        async (request, reply) => {
          const reader = kit.readerOf(request);
          if (reader === null) return kit.sendProblem(reply, UNAUTHENTICATED);
          return send(reply, await timelineFor(deps, reader, request.params.id, request.query));
        },
      );

      app.get(
        '/api/v1/elections/:id/expectations',
        {
          schema: {
            tags: ['status'],
            summary: "One state's reporting expectations: each phase as the election and the state set it, and each jurisdiction's interval per phase",
            params: ElectionIdParams,
            querystring: ExpectationsQuery,
            response: { 200: ExpectationsSchema, ...problemResponses(400, 401, 404) },
          },
        },
        async (request, reply) => {
          const reader = kit.readerOf(request);
          if (reader === null) return kit.sendProblem(reply, UNAUTHENTICATED);
          return send(reply, await expectationsFor(deps, kit.principalOf(request), reader, request.params.id, request.query.state));
        },
      );

      app.get(
        '/api/v1/elections/:id/my-status',
        { schema: { tags: ['status'], summary: "Your jurisdiction's last status (what the posting screen starts from)", params: ElectionIdParams, response: { 200: MyStatusSchema, ...problemResponses(401, 404) } } },
        async (request, reply) => {
          const reader = kit.readerOf(request);
          const principal = kit.principalOf(request);
          if (reader === null || principal === null) return kit.sendProblem(reply, UNAUTHENTICATED);
          return send(reply, await myStatus(deps, principal, reader, request.params.id));
        },
      );

      app.post(
        '/api/v1/elections/:id/status',
        {
          schema: {
            tags: ['status'],
            summary: "Post your jurisdiction's status (TLP:AMBER to your state unless you say otherwise)",
            params: ElectionIdParams,
            body: PostStatusBody,
            response: { 201: { type: 'object', additionalProperties: true }, ...problemResponses(400, 401, 403, 404, 422) },
          },
        },
        async (request, reply) => {
          const writer = kit.requireWriter(request);
          if (!writer.ok) return kit.sendProblem(reply, writer.error);
          const reader = kit.readerOf(request);
          if (reader === null) return kit.sendProblem(reply, UNAUTHENTICATED);
          const written = await postStatus(deps, writer.value, reader, request.params.id, request.body);
          // Its audit entry (a share) was committed with it, in the same statement (deps.audit).
          if (!written.ok) return kit.sendProblem(reply, written.error);
          return sendWritten(reply, written.value);
        },
      );
      return Promise.resolve();
    },
  });
}
