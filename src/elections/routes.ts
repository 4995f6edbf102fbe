import type { FastifyReply } from 'fastify';
import type { Principal } from '../domain/principal.ts';
import { problem, type Problem } from '../domain/problem.ts';
import { ok, type Result } from '../domain/result.ts';
import type { AppPlugin } from '../http/deps.ts';
import { problemResponses } from '../http/schemas.ts';
import { sendBytes } from '../http/send-bytes.ts';
import { sendResult, type Sends } from '../http/send-result.ts';
import type { Written } from '../objects/service.ts';
import type { ElectionStatusRepository } from '../store/elections.ts';
import { ElectionDetailSchema, ElectionIdParams, ElectionListSchema, ExpectationBody, NewElectionBody } from './schemas.ts';
import { createElection, listElections, setExpectation, summaryOf, visibleElection, type ElectionDeps, type JurisdictionList } from './service.ts';

export interface ElectionRouteDeps extends ElectionDeps {
  readonly elections: ElectionStatusRepository;
  readonly jurisdictions: JurisdictionList;
  readonly isHubAdmin: (principal: Principal) => Promise<boolean>;
  readonly isOrgAdmin: (principal: Principal) => Promise<boolean>;
}

const UNAUTHENTICATED = problem('unauthenticated', 'unauthenticated', 'Sign in (POST /api/v1/session) or send an API key as "Authorization: Bearer <key>".');

/** The written object as stored (exact bytes) with its sharing: the same body as POST /api/v1/objects. */
export function sendWritten(reply: FastifyReply, written: Written): FastifyReply {
  const { owner, tlp, audience } = written.sharing;
  return sendBytes(
    reply.code(written.outcome === 'added' ? 201 : 200).type('application/json; charset=utf-8'),
    `{"outcome":${JSON.stringify(written.outcome)},"object":${written.json},"sharing":${JSON.stringify({ owner, tlp, audience })}}`,
  );
}

/** Elections: list, record, read, and a state's reporting expectations. */
export function electionRoutes(deps: ElectionRouteDeps): AppPlugin {
  return (kit) => ({
    plugin: (app) => {
      const send = <V>(reply: FastifyReply & Sends<V>, result: Result<NoInfer<V>, Problem>): FastifyReply => sendResult(kit.sendProblem, reply, result);

      app.get('/api/v1/elections', { schema: { tags: ['elections'], summary: 'Elections shared with you, upcoming and under way first', response: { 200: ElectionListSchema, ...problemResponses(401) } } }, async (request, reply) => {
        const reader = kit.readerOf(request);
        if (reader === null) return kit.sendProblem(reply, UNAUTHENTICATED);
        const list = await listElections(deps, reader);
        return send(reply, list.ok ? ok({ items: list.value }) : list);
      });

      app.post(
        '/api/v1/elections',
        {
          schema: {
            tags: ['elections'],
            summary: 'Record an election (a state office for its own state; a hub administrator for several)',
            body: NewElectionBody,
            response: { 201: { type: 'object', additionalProperties: true }, ...problemResponses(400, 401, 403, 422) },
          },
        },
        async (request, reply) => {
          const writer = kit.requireWriter(request);
          if (!writer.ok) return kit.sendProblem(reply, writer.error);
          const written = await createElection(deps, writer.value, await deps.isHubAdmin(writer.value), request.body);
          // Its audit entry (a share) was committed with it (deps.audit).
          if (!written.ok) return kit.sendProblem(reply, written.error);
          return sendWritten(reply, written.value);
        },
      );

      app.get(
        '/api/v1/elections/:id',
        { schema: { tags: ['elections'], summary: 'An election, its phases and the phase under way', params: ElectionIdParams, response: { 200: ElectionDetailSchema, ...problemResponses(401, 404) } } },
        async (request, reply) => {
          const reader = kit.readerOf(request);
          if (reader === null) return kit.sendProblem(reply, UNAUTHENTICATED);
          const found = await visibleElection(deps.stix, reader, request.params.id);
          if (!found.ok) return kit.sendProblem(reply, found.error);
          const phases = found.value.election.phases.map((p) => ({ ...p, report_every_minutes: p.report_every_minutes ?? null }));
          return send(reply, ok({ summary: await summaryOf(deps, found.value), election: found.value.election, phases }));
        },
      );

      app.put(
        '/api/v1/elections/:id/expectations',
        {
          schema: {
            tags: ['elections'],
            summary: "How often your state's jurisdictions report in a phase, or that your state declines to report on this election (state org-admins)",
            params: ElectionIdParams,
            body: ExpectationBody,
            response: { 200: { type: 'object', properties: { ok: { type: 'boolean' } } }, ...problemResponses(400, 401, 403, 404, 422) },
          },
        },
        async (request, reply) => {
          const writer = kit.requireWriter(request);
          if (!writer.ok) return kit.sendProblem(reply, writer.error);
          const reader = kit.readerOf(request);
          if (reader === null) return kit.sendProblem(reply, UNAUTHENTICATED);
          const result = await setExpectation(deps, writer.value, reader, await deps.isOrgAdmin(writer.value), request.params.id, request.body);
          return send(reply, result.ok ? ok({ ok: true }) : result);
        },
      );
      return Promise.resolve();
    },
  });
}
