import type { FastifyReply, FastifyRequest } from 'fastify';
import type { Problem } from '../domain/problem.ts';
import type { AppPlugin, RampartPlugin } from '../http/deps.ts';
import type { Reader } from '../store/types.ts';
import { DashboardSchema } from './schema.ts';
import { dashboardFor, type DashboardDeps } from './service.ts';

export interface DashboardRouteDeps extends DashboardDeps {
  /** The signed-in reader of a request (session cookie or API key), or null when nobody is signed in. */
  readonly readerOf: (request: FastifyRequest) => Reader | null;
  /** Sends a Problem as the app's problem+json; the HTTP layer owns that mapping. */
  readonly sendProblem: (reply: FastifyReply, problem: Problem) => FastifyReply;
}

/** The dashboard routes as a feature the hub mounts: who is asking and the problem+json adapter come from the app. */
export function dashboardPlugin(deps: DashboardDeps): AppPlugin {
  return (kit) => ({ plugin: dashboardRoutes({ ...deps, readerOf: kit.readerOf, sendProblem: kit.sendProblem }) });
}

/**
 * `GET /api/v1/dashboard` (signed-in readers: counts over what they may see). The public pages are the
 * rumour-control service's (src/rumours: /api/v1/public/corrections, notices, statements).
 */
export function dashboardRoutes(deps: DashboardRouteDeps): RampartPlugin {
  return (app) => {
    app.get(
      '/api/v1/dashboard',
      { schema: { tags: ['dashboard'], summary: 'Counts, map data, latest shares and election-day status for the signed-in reader', response: { 200: DashboardSchema } } },
      async (request, reply) => {
        const reader = deps.readerOf(request);
        if (reader === null) return deps.sendProblem(reply, { kind: 'unauthenticated', code: 'not-signed-in', message: 'Sign in to see the dashboard.' });
        const result = await dashboardFor(deps, reader);
        if (!result.ok) return deps.sendProblem(reply, result.error);
        void reply.header('cache-control', 'private, no-store');
        return result.value;
      },
    );
    return Promise.resolve();
  };
}
