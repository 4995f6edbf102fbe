import { existsSync } from 'node:fs';
import { join } from 'node:path';
import fastifyCookie from '@fastify/cookie';
import fastifySwagger from '@fastify/swagger';
import Fastify, { type FastifyInstance, type FastifyReply } from 'fastify';
import { webAssets } from './web-assets.ts';
import type { StixStore } from '../store/types.ts';
import { META_TYPES, SCO_TYPES, SDO_TYPES, SRO_TYPES } from '../stix/schema/index.ts';
import { installAuthentication } from './auth.ts';
import type { AppDeps, RampartTypeProvider, RequestKit } from './deps.ts';
import { installJsonParser } from './json-body.ts';
import { installRequestLog, requestLogOptions } from './logger.ts';
import { installRateLimits } from './rate-limits.ts';
import { validatorCompiler } from './validators.ts';
import { createMetrics, type AppMetrics } from './metrics.ts';
import { installErrorHandling, MAX_PATH_PARAMETER, problemOfError, RouteNotFound, sendProblem } from './problem.ts';
import { problem, type Problem } from '../domain/problem.ts';
import { opsRoutes } from './routes/ops.ts';
import { sessionRoutes } from './routes/session.ts';
import { SharingSchema, StixObjectSchema } from '../domain/schemas.ts';
import { ProblemSchema } from './schemas.ts';

export const DEFAULT_BODY_LIMIT = 32 * 1024 * 1024;

const KNOWN_TYPES = [...SDO_TYPES, ...SRO_TYPES, ...SCO_TYPES, ...META_TYPES];

/** Objects stored by type, for the /metrics gauge: the standard types one by one, the rest together as "other". */
async function countByType(stix: StixStore): Promise<ReadonlyMap<string, number>> {
  const operator = { kind: 'operator' } as const;
  const counts = new Map<string, number>();
  let known = 0;
  for (const type of KNOWN_TYPES) {
    const n = await stix.count(operator, { types: [type] });
    known += n;
    if (n > 0) counts.set(type, n);
  }
  const other = (await stix.count(operator)) - known;
  if (other > 0) counts.set('other', other);
  return counts;
}

function installRequestMetrics(app: FastifyInstance, metrics: AppMetrics): void {
  app.addHook('onResponse', async (request, reply) => {
    // The route pattern, not the URL, so ids and query strings do not explode the label set.
    const labels = { method: request.method, route: request.routeOptions.url ?? 'unmatched', status: String(reply.statusCode) };
    metrics.requests.inc(labels);
    metrics.duration.observe(labels, reply.elapsedTime / 1000);
    return Promise.resolve();
  });
}

/** An Accept header (or none) that a JSON response satisfies. */
export function acceptsJson(accept: string | undefined): boolean {
  if (accept === undefined || accept.trim() === '') return true;
  return accept.split(',').some((part) => {
    const [range = '', ...params] = part.trim().toLowerCase().split(';');
    const refused = params.some((p) => /^\s*q\s*=\s*0(\.0*)?\s*$/.test(p));
    return !refused && ['*/*', 'application/*', 'application/json', 'application/problem+json'].includes(range.trim());
  });
}

/** An Accept header that names `produces` (a route's own media type, e.g. text/event-stream) or its wildcard. */
function accepts(accept: string | undefined, produces: string | undefined): boolean {
  if (produces === undefined || accept === undefined) return false;
  const [major = ''] = produces.split('/');
  return accept.split(',').some((part) => {
    const [range = '', ...params] = part.trim().toLowerCase().split(';');
    const refused = params.some((p) => /^\s*q\s*=\s*0(\.0*)?\s*$/.test(p));
    return !refused && [produces, `${major}/*`].includes(range.trim());
  });
}

/**
 * The Rampart HTTP server: REST API under /api/v1 (OpenAPI at /api/v1/openapi.json), /healthz,
 * /metrics, the features given as plugins (TAXII under /taxii2/…) and the web UI when built.
 * Everything it uses comes in `deps`; closing the app does not close the store (startServer does).
 */
export async function buildApp(deps: AppDeps): Promise<FastifyInstance> {
  const bodyLimit = deps.config.bodyLimit ?? DEFAULT_BODY_LIMIT;
  const urlProblemSenders: { readonly prefix: string; readonly send: (reply: FastifyReply, p: Problem) => FastifyReply }[] = [];
  const app = Fastify({
    bodyLimit,
    trustProxy: deps.config.trustProxy ?? false,
    ...(deps.logger === undefined ? { logger: false } : { loggerInstance: deps.logger }),
    ...requestLogOptions(),
    return503OnClosing: true,
    routerOptions: { maxParamLength: MAX_PATH_PARAMETER },
    // A URL the router cannot read never reaches a route or the error handler; answer it here, in the format of its prefix.
    frameworkErrors: (error, request, reply) => {
      const known = problemOfError(error) ?? problem('invalid', 'bad-url', 'The URL cannot be read; check its encoding');
      const path = request.url.split('?')[0] ?? '';
      const owner = urlProblemSenders.find((s) => path === s.prefix || path.startsWith(`${s.prefix}/`));
      void (owner === undefined ? sendProblem(reply, known) : owner.send(reply, known));
    },
    // Every route's request and reply types come from its TypeBox schemas (params, query, body, responses).
  }).withTypeProvider<RampartTypeProvider>();
  const stix = deps.store.stix;
  const pool = deps.store.database?.pool;
  const metrics = createMetrics(() => countByType(stix), { ...(pool === undefined ? {} : { pool }), ...(deps.config.processMetrics === true ? { processMetrics: true } : {}) });
  app.addHook('onClose', (_instance, done) => {
    metrics.stop();
    done();
  });

  await app.register(fastifyCookie);
  installJsonParser(app, bodyLimit);
  installErrorHandling(app);
  installRequestMetrics(app, metrics);
  installRequestLog(app);
  app.addHook('onSend', async (request, reply) => {
    void reply.header('x-content-type-options', 'nosniff');
    // Answered before the whole body arrived (refused early, too large): close rather than read the rest.
    if (!request.raw.complete) void reply.header('connection', 'close');
    return Promise.resolve();
  });
  app.addHook('onRequest', async (request, reply) => {
    if (request.url.startsWith('/api/') && !acceptsJson(request.headers.accept) && !accepts(request.headers.accept, request.routeOptions.config.produces)) {
      return sendProblem(reply, problem('not-acceptable', 'not-acceptable', `This API answers application/json (errors application/problem+json); the Accept header "${request.headers.accept ?? ''}" allows neither`));
    }
    return undefined;
  });
  const authn = installAuthentication(app, deps.auth, deps.config);
  if (deps.config.rateLimits !== undefined) await installRateLimits(app, deps.config.rateLimits, authn.principalOf);

  for (const schema of [ProblemSchema, StixObjectSchema, SharingSchema]) app.addSchema(schema);
  // Unknown fields are errors (a typo must not silently widen a query); JSON bodies are not coerced.
  app.setValidatorCompiler(validatorCompiler([ProblemSchema, StixObjectSchema, SharingSchema]));
  await app.register(fastifySwagger, {
    // Shared schemas appear under components/schemas by their $id (Problem, StixObject, Sharing).
    refResolver: { buildLocalReference: (json, _base, _fragment, i) => (typeof json['$id'] === 'string' ? json['$id'] : `def-${i}`) },
    openapi: {
      openapi: '3.1.0',
      info: { title: 'Rampart REST API', version: '1', description: 'Election-security threat-intelligence sharing hub. Errors are RFC 9457 application/problem+json with a stable `code`.' },
      components: {
        securitySchemes: {
          session: { type: 'apiKey', in: 'cookie', name: 'rampart_session', description: 'Set by POST /api/v1/session; writes also need the X-CSRF-Token header' },
          apiKey: { type: 'http', scheme: 'bearer', description: 'Authorization: Bearer <api key>' },
        },
      },
      security: [{ session: [] }, { apiKey: [] }],
    },
  });

  const kit: RequestKit = { principalOf: authn.principalOf, readerOf: authn.readerOf, currentReader: authn.currentReader, requireReader: authn.requireReader, requireActor: authn.requireActor, requireWriter: authn.requireWriter, guard: authn.guard, sendProblem, importMetrics: metrics.imports, metrics: metrics.registry };
  sessionRoutes(app, authn, deps.auth);
  opsRoutes(app, () => deps.store.ping(), metrics);
  for (const make of deps.plugins ?? []) {
    const { plugin, prefix, sendUrlProblem } = make(kit);
    if (prefix !== undefined && sendUrlProblem !== undefined) urlProblemSenders.push({ prefix, send: sendUrlProblem });
    await app.register(plugin, prefix === undefined ? {} : { prefix });
  }
  app.get('/api/v1/openapi.json', { schema: { hide: true } }, (_request, reply) => reply.header('cache-control', 'no-cache').send(app.swagger()));
  // Unknown API paths stay problem+json even when the web UI's catch-all route is mounted.
  app.get('/api/*', { schema: { hide: true } }, (request) => {
    throw new RouteNotFound(request.url);
  });
  const dist = deps.config.webDist;
  if (dist !== undefined && existsSync(join(dist, 'index.html'))) await app.register(webAssets({ distDir: dist }));
  return app;
}
