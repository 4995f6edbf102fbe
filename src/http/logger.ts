import { randomUUID } from 'node:crypto';
import { LogController, type FastifyBaseLogger, type FastifyInstance, type FastifyRequest } from 'fastify';
import { pino, type DestinationStream, type LevelWithSilent } from 'pino';

/**
 * Where a secret could sit in a logged object: credentials in request and response headers, passwords, TOTP codes,
 * keys and tokens in bodies or error details. Every one is written as "[redacted]".
 */
export const REDACTED_PATHS: readonly string[] = [
  ...['req', 'request'].flatMap((r) => [`${r}.headers.authorization`, `${r}.headers.cookie`, `${r}.headers["x-csrf-token"]`, `${r}.headers["x-api-key"]`]),
  ...['res', 'response'].map((r) => `${r}.headers["set-cookie"]`),
  ...['password', 'new_password', 'current_password', 'totp', 'api_key', 'apiKey', 'secret', 'token'].flatMap((field) => [field, `*.${field}`, `*.*.${field}`]),
];

export interface LoggerOptions {
  readonly level: LevelWithSilent;
  /** Human-readable lines (pino-pretty) instead of JSON: for a person at a terminal. */
  readonly pretty: boolean;
  /** Where lines go (default: standard output). */
  readonly destination?: DestinationStream;
}

/** The server's logger: pino JSON lines, secrets redacted, readable on a terminal when asked. */
export async function createLogger(options: LoggerOptions): Promise<{ readonly logger: FastifyBaseLogger }> {
  const settings = { level: options.level, redact: { paths: [...REDACTED_PATHS], censor: '[redacted]' }, base: { pid: process.pid } };
  // Written synchronously: the line of an error that ends the process is not left in a buffer.
  if (!options.pretty) return { logger: options.destination === undefined ? pino(settings) : pino(settings, options.destination) };
  // Loaded only for a terminal: a server writing JSON for a log shipper never needs it.
  const { default: pretty } = await import('pino-pretty');
  return { logger: pino(settings, pretty({ colorize: true, translateTime: 'SYS:HH:MM:ss.l', ignore: 'pid,hostname', destination: options.destination ?? 1, sync: true })) };
}

/**
 * Fastify options for the request log: a random id per request (a client's own id is not trusted into the log),
 * and Fastify's own two lines per request left out for installRequestLog's one.
 */
export function requestLogOptions() {
  return { genReqId: () => randomUUID(), logController: new LogController({ disableRequestLogging: true, requestIdLogLabel: 'request_id' }) };
}

function path(request: FastifyRequest): string {
  // The path only: a query string can carry what a person typed into a search box.
  return request.url.split('?')[0] ?? request.url;
}

/**
 * One log line per request, when it has been answered (method, route, path, status, time, client), and the request
 * id in an X-Request-Id header so that a person reporting a problem can name the line.
 */
export function installRequestLog(app: FastifyInstance): void {
  app.addHook('onRequest', async (request, reply) => {
    void reply.header('x-request-id', request.id);
    return Promise.resolve();
  });
  app.addHook('onResponse', async (request, reply) => {
    const status = reply.statusCode;
    const line = {
      method: request.method,
      route: request.routeOptions.url ?? null,
      path: path(request),
      status,
      ms: Math.round(reply.elapsedTime * 10) / 10,
      ip: request.ip,
      user_agent: request.headers['user-agent'] ?? null,
    };
    if (status >= 500) request.log.error(line, 'request failed');
    else request.log.info(line, 'request');
    return Promise.resolve();
  });
}

/**
 * Logs an error that became a 500, with its stack and the request it broke (headers included, credentials
 * redacted); the sentence for the answer, naming the request id the line carries.
 */
export function logUnexpected(request: FastifyRequest, error: unknown, message: string): string {
  // Under `request`: Fastify's own serializer would cut `req` down to method and URL.
  request.log.error({ err: error, request: { method: request.method, path: path(request), headers: request.headers } }, message);
  return `Something went wrong on the server; it has been logged (request ${request.id}). Try again, and report it with that request id if it keeps happening.`;
}
