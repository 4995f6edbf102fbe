import type { FastifyReply } from 'fastify';
import { Type } from '@sinclair/typebox';
import type { Problem } from '../domain/problem.ts';
import type { Result } from '../domain/result.ts';
import type { AppPlugin } from '../http/deps.ts';
import { problemResponses } from '../http/schemas.ts';
import { SavedSearchBody, SavedSearchId, SavedSearchList, SavedSearchSchema } from './schemas.ts';
import { savedSearches, type SavedSearchDeps } from './service.ts';

/** /api/v1/me/saved-searches: a person's saved searches of the Intelligence list. */
export function savedSearchRoutes(deps: SavedSearchDeps): AppPlugin {
  const service = savedSearches(deps);
  return (kit) => ({
    plugin: (app) => {
      const tags = ['search'];
      const send = (reply: FastifyReply, result: Result<unknown, Problem>, status = 200): FastifyReply => {
        if (!result.ok) return kit.sendProblem(reply, result.error);
        return result.value === null ? reply.code(204).header('cache-control', 'private, no-store').send() : reply.code(status).header('cache-control', 'private, no-store').send(result.value);
      };
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
          return send(reply, await service.save(who.value, request.body), 201);
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
