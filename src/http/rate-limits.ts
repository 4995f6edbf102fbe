import fastifyRateLimit from '@fastify/rate-limit';
import type { FastifyInstance, FastifyRequest } from 'fastify';
import type { Principal } from '../domain/principal.ts';

/** Requests per minute one client may make to /api and /taxii2, and sign-in attempts per minute from one address (0: no limit). */
export interface RateLimits {
  readonly perMinute: number;
  readonly signInPerMinute: number;
}

/** A request over its limit; the error handlers answer it with 429 and the wait (Retry-After is already set). */
export class RateLimited extends Error {
  readonly statusCode = 429;
  constructor(readonly code: 'too-many-requests' | 'too-many-sign-ins', seconds: number) {
    const wait = `wait ${seconds} second${seconds === 1 ? '' : 's'} and try again`;
    super(code === 'too-many-sign-ins' ? `Too many sign-in attempts from your network address; ${wait}` : `Too many requests from you in the last minute; ${wait}`);
  }
}

const limited = (path: string) => path === '/api' || path.startsWith('/api/') || path === '/taxii2' || path.startsWith('/taxii2/');

/**
 * Limits through @fastify/rate-limit, counted in this process: every /api and /taxii2 request per client — the signed-in
 * person, or an organization's API keys together, or else the network address — and sign-ins per address more
 * strictly. Installed after authentication, so a client is known by who it is rather than by a shared proxy address.
 */
export async function installRateLimits(app: FastifyInstance, limits: RateLimits, principalOf: (request: FastifyRequest) => Principal | null): Promise<void> {
  const minute = 60_000;
  await app.register(fastifyRateLimit, {
    global: limits.perMinute > 0,
    max: Math.max(1, limits.perMinute),
    timeWindow: minute,
    allowList: (request) => !limited(request.url.split('?')[0] ?? ''),
    keyGenerator: (request) => {
      const principal = principalOf(request);
      return principal === null ? `address:${request.ip}` : `member:${principal.userId ?? principal.orgId}`;
    },
    errorResponseBuilder: (_request, context) => new RateLimited('too-many-requests', Math.max(1, Math.ceil(context.ttl / 1000))),
  });
  if (limits.signInPerMinute <= 0) return;
  const signIn = app.rateLimit({
    max: limits.signInPerMinute,
    timeWindow: minute,
    groupId: 'sign-in',
    keyGenerator: (request) => `address:${request.ip}`,
    errorResponseBuilder: (_request, context) => new RateLimited('too-many-sign-ins', Math.max(1, Math.ceil(context.ttl / 1000))),
  });
  app.addHook('onRequest', async (request, reply) => {
    if (request.method === 'POST' && (request.url.split('?')[0] ?? '') === '/api/v1/session') await signIn.call(app, request, reply);
  });
}
