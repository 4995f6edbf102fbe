import { Type } from '@sinclair/typebox';
import type { AppMetrics } from '../metrics.ts';
import type { RampartApp } from '../deps.ts';

/** `GET /healthz` for load balancers and `GET /metrics` for Prometheus. */
export function opsRoutes(app: RampartApp, ping: () => Promise<void>, metrics: AppMetrics): void {
  app.get(
    '/healthz',
    {
      schema: {
        tags: ['operations'],
        summary: 'Liveness and database reachability',
        response: { 200: Type.Object({ status: Type.Literal('ok') }), 503: Type.Object({ status: Type.Literal('unavailable'), detail: Type.String() }) },
      },
    },
    async (request, reply) => {
      void reply.header('cache-control', 'no-store');
      const failed = await ping().then(
        () => null,
        (error: unknown) => error,
      );
      if (failed === null) return { status: 'ok' as const };
      request.log.error({ err: failed }, 'health check: database did not answer');
      return reply.code(503).send({ status: 'unavailable' as const, detail: 'the database did not answer' });
    },
  );

  app.get('/metrics', { schema: { tags: ['operations'], summary: 'Prometheus metrics (text exposition format)' } }, async (_request, reply) => {
    const text = await metrics.registry.metrics();
    return reply.type(metrics.registry.contentType).header('cache-control', 'no-store').send(text);
  });
}
