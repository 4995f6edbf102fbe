import type { TSchema } from '@sinclair/typebox';
import type { FastifyReply, FastifyRequest } from 'fastify';
import { parseAudienceKey, type AudienceKey } from '../domain/audience.ts';
import type { OrgId } from '../domain/ids.ts';
import type { Principal } from '../domain/principal.ts';
import { problem, type Problem } from '../domain/problem.ts';
import { err, ok, type Result } from '../domain/result.ts';
import type { AppPlugin } from '../http/deps.ts';
import { problemResponses } from '../http/schemas.ts';
import { sendBytes } from '../http/send-bytes.ts';
import { WrittenObjectSchema } from '../objects/schemas.ts';
import type { Written } from '../objects/service.ts';
import type { Reader } from '../store/types.ts';
import { CaseChangeBody, CorroborateBody, IncidentParams, LinkBody, MembersSchema, NoteBody, TimelineSchema } from './schemas.ts';
import { addNote, changeCase, corroborate, linkItem, timeline, type CaseDeps } from './service.ts';

export interface IncidentRouteDeps extends CaseDeps {
  /** An organization's name for the timeline, or null when unknown. */
  readonly orgName: (id: OrgId) => Promise<string | null>;
}

const UNAUTHENTICATED = problem('unauthenticated', 'unauthenticated', 'Sign in (POST /api/v1/session) or send an API key as "Authorization: Bearer <key>".');

function audienceOf(keys: readonly string[] | undefined): AudienceKey[] | undefined {
  return keys?.map((key) => {
    const parsed = parseAudienceKey(key);
    // The schema's pattern is the parser's, so this only guards against the two drifting apart.
    if (!parsed.ok) throw new Error(parsed.error.message);
    return parsed.value;
  });
}

function writtenJson(written: Written): string {
  const { owner, tlp, audience } = written.sharing;
  return `{"outcome":${JSON.stringify(written.outcome)},"object":${written.json},"sharing":${JSON.stringify({ owner, tlp, audience })}}`;
}

/**
 * Incidents as cases: status, assignee and referral (POST /api/v1/incidents/{id}/case), notes
 * (…/notes), links to intelligence (…/links), "seen here too" (…/corroborations), the timeline
 * (GET …/timeline) and the people a case may be assigned to (GET /api/v1/incidents/assignees).
 */
export function incidentRoutes(deps: IncidentRouteDeps): AppPlugin {
  return (kit) => ({
    plugin: (app) => {
      const writer = (request: FastifyRequest): Result<{ principal: Principal; reader: Reader }, Problem> => {
        const principal = kit.requireWriter(request);
        if (!principal.ok) return principal;
        const reader = kit.readerOf(request);
        return reader === null ? err(UNAUTHENTICATED) : ok({ principal: principal.value, reader });
      };
      const sendWritten = (reply: FastifyReply, result: Result<Written, Problem>): FastifyReply =>
        // The stored object's exact bytes, serialized here (sendBytes): the response schema documents them.
        result.ok ? sendBytes(reply.code(result.value.outcome === 'unchanged' ? 200 : 201).type('application/json; charset=utf-8'), writtenJson(result.value)) : kit.sendProblem(reply, result.error);
      const writeSchema = <Body extends TSchema>(summary: string, body: Body) => ({
        tags: ['incidents'],
        summary,
        params: IncidentParams,
        body,
        response: { 201: WrittenObjectSchema, 200: WrittenObjectSchema, ...problemResponses(400, 401, 403, 404, 409, 422) },
      });

      app.get('/api/v1/incidents/assignees', { schema: { tags: ['incidents'], summary: 'The people of your organization a case may be assigned to', response: { 200: MembersSchema, ...problemResponses(401) } } }, async (request, reply) => {
        const principal = kit.principalOf(request);
        if (principal === null) return kit.sendProblem(reply, UNAUTHENTICATED);
        return reply.header('cache-control', 'private, no-store').send([...(await deps.members(principal.orgId))]);
      });

      app.get(
        '/api/v1/incidents/:id/timeline',
        { schema: { tags: ['incidents'], summary: "An incident's versions and the notes on it that you may see, oldest first", params: IncidentParams, response: { 200: TimelineSchema, ...problemResponses(400, 401, 404) } } },
        async (request, reply) => {
          const reader = kit.readerOf(request);
          if (reader === null) return kit.sendProblem(reply, UNAUTHENTICATED);
          const entries = await timeline(deps, reader, request.params.id);
          if (!entries.ok) return kit.sendProblem(reply, entries.error);
          const names = new Map<string, string | null>();
          for (const e of entries.value) if (!names.has(e.owner)) names.set(e.owner, await deps.orgName(e.owner));
          const items = entries.value.map((e) => ({ ...e, owner_name: names.get(e.owner) ?? null }));
          return reply.header('cache-control', 'private, no-store').send({ items });
        },
      );

      app.post(
        '/api/v1/incidents/:id/case',
        { schema: writeSchema('Move the case, assign it, or record its referral to law enforcement: a new version of your incident', CaseChangeBody) },
        async (request, reply) => {
          const who = writer(request);
          if (!who.ok) return kit.sendProblem(reply, who.error);
          return sendWritten(reply, await changeCase(deps, who.value.principal, who.value.reader, request.params.id, request.body));
        },
      );

      app.post(
        '/api/v1/incidents/:id/notes',
        { schema: writeSchema("Add a note to an incident's timeline, shared with the incident's audience or narrower", NoteBody) },
        async (request, reply) => {
          const who = writer(request);
          if (!who.ok) return kit.sendProblem(reply, who.error);
          const audience = audienceOf(request.body.audience);
          const note = { content: request.body.content, ...(request.body.tlp === undefined ? {} : { tlp: request.body.tlp }), ...(audience === undefined ? {} : { audience }) };
          return sendWritten(reply, await addNote(deps, who.value.principal, who.value.reader, request.params.id, note));
        },
      );

      app.post(
        '/api/v1/incidents/:id/links',
        { schema: writeSchema('Link your incident to an indicator, technique, threat actor or other item you may see', LinkBody) },
        async (request, reply) => {
          const who = writer(request);
          if (!who.ok) return kit.sendProblem(reply, who.error);
          return sendWritten(reply, await linkItem(deps, who.value.principal, who.value.reader, request.params.id, request.body.target_id));
        },
      );

      app.post(
        '/api/v1/incidents/:id/corroborations',
        { schema: writeSchema('"Seen here too": link an incident of your own to this one, shared as you choose', CorroborateBody) },
        async (request, reply) => {
          const who = writer(request);
          if (!who.ok) return kit.sendProblem(reply, who.error);
          const audience = audienceOf(request.body.audience);
          const sharing = { ...(request.body.tlp === undefined ? {} : { tlp: request.body.tlp }), ...(audience === undefined ? {} : { audience }) };
          return sendWritten(reply, await corroborate(deps, who.value.principal, who.value.reader, request.params.id, request.body.incident_id, sharing));
        },
      );
      return Promise.resolve();
    },
  });
}
