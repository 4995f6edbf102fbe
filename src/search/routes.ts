import type { FastifyReply } from 'fastify';
import { Type } from '@sinclair/typebox';
import type { Problem } from '../domain/problem.ts';
import type { Result } from '../domain/result.ts';
import type { AppPlugin } from '../http/deps.ts';
import { problemResponses } from '../http/schemas.ts';
import { sendResult, type Sends } from '../http/send-result.ts';
import { SavedSearchBody, SavedSearchId, SavedSearchList, SavedSearchSchema } from './schemas.ts';
import { savedSearches, type SavedSearchDeps } from './service.ts';

/** /api/v1/me/saved-searches: a person's saved searches of the Intelligence list. */
export function savedSearchRoutes(deps: SavedSearchDeps): AppPlugin {
  const service = savedSearches(deps);
  return (kit) => ({
    plugin: (app) => {
      const tags = ['search'];
      const send = <V>(reply: FastifyReply & Sends<V>, result: Result<NoInfer<V>, Problem>): FastifyReply => sendResult(kit.sendProblem, reply, result);
      app.get('/api/v1/me/saved-searches', { schema: { tags, summary: 'Your saved searches, by name, each with the watch rule it would become', response: { 200: SavedSearchList, ...problemResponses(401, 403) } } }, async (request, reply) => {
        const who = kit.requireReader(request);
        if (!who.ok) return kit.sendProblem(reply, who.error);
        return send(reply, await service.list(who.value));
      });
      app.post(
        '/api/v1/me/saved-searches',
        { schema: { tags, summary: 'Save a search of the Intelligence list under a name', body: SavedSearchBody, response: { 201: SavedSearchSchema, ...problemResponses(400, 401, 403, 409) } } },
        async (request, reply) => {
          const who = kit.requireActor(request);
          if (!who.ok) return kit.sendProblem(reply, who.error);
          return send(reply.code(201), await service.save(who.value, request.body));
        },
      );
      app.delete(
        '/api/v1/me/saved-searches/:id',
        { schema: { tags, summary: 'Delete one of your saved searches', params: SavedSearchId, response: { 204: Type.Null(), ...problemResponses(401, 403, 404) } } },
        async (request, reply) => {
          const who = kit.requireActor(request);
          if (!who.ok) return kit.sendProblem(reply, who.error);
          return send(reply, await service.remove(who.value, request.params.id));
        },
      );
      return Promise.resolve();
    },
  });
}
