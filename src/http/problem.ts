import { STATUS_CODES } from 'node:http';
import type { FastifyError, FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import { assertNever } from '../domain/assert-never.ts';
import { problem, type Problem, type ProblemDetail, type ProblemKind } from '../domain/problem.ts';
import { logUnexpected } from './logger.ts';
import { RateLimited } from './rate-limits.ts';

/** The RFC 9457 body every REST error carries. `code` is stable; clients branch on it, people read `detail`. */
export interface ProblemBody {
  readonly type: string;
  readonly title: string;
  readonly status: number;
  readonly detail: string;
  readonly code: string;
  readonly errors?: readonly ProblemDetail[];
}

/**
 * `invalid` problems are 400 (the request itself is malformed) except these codes, which are 422:
 * the request was well-formed but its content breaks a STIX or sharing rule.
 */
export const UNPROCESSABLE_CODES: ReadonlySet<string> = new Set([
  'invalid-stix-object',
  'county-not-in-state',
  'unknown-state',
  'unknown-election',
  'state-not-in-election',
  'not-a-correction',
  'no-cosigner',
  'unknown-cosigner',
  'unknown-contact',
  'contact-in-both-lists',
  'empty-title',
  'empty-text',
  'tlp-audience-mismatch',
  'tlp-marking-mismatch',
  'created-by-mismatch',
  'import-rejected',
  'invalid-misp-event',
  'voter-personal-data',
  'assignee-not-in-organization',
  'note-wider-than-incident',
  'cannot-link',
  'own-incident',
  'not-your-incident',
  'service-not-offered',
  'incident-not-found',
  'own-organization',
  'unknown-organization',
  'not-a-platform',
  'not-shared-with-platform',
  'invalid-url',
  'empty-reason',
  'empty-response',
]);

export function statusOf(p: Problem): number {
  const kind: ProblemKind = p.kind;
  switch (kind) {
    case 'invalid':
      return UNPROCESSABLE_CODES.has(p.code) ? 422 : 400;
    case 'unauthenticated':
      return 401;
    case 'forbidden':
      return 403;
    case 'not-found':
      return 404;
    case 'conflict':
      return 409;
    case 'too-large':
      return 413;
    case 'unsupported-media':
      return 415;
    case 'not-acceptable':
      return 406;
    case 'rate-limited':
      return 429;
    default:
      return assertNever(kind);
  }
}

export function problemBody(p: Problem): ProblemBody {
  const status = statusOf(p);
  const body = { type: `urn:rampart:problem:${p.code}`, title: STATUS_CODES[status] ?? 'Error', status, detail: p.message, code: p.code };
  return p.details === undefined || p.details.length === 0 ? body : { ...body, errors: p.details };
}

/** The one place a Problem becomes an HTTP response. */
export function sendProblem(reply: FastifyReply, p: Problem): FastifyReply {
  return sendBody(reply, problemBody(p));
}

function sendBody(reply: FastifyReply, body: ProblemBody): FastifyReply {
  if (body.status === 401) void reply.header('www-authenticate', 'Bearer realm="rampart", Cookie realm="rampart"');
  return reply.code(body.status).type('application/problem+json; charset=utf-8').send(JSON.stringify(body));
}

/** The longest path parameter the router accepts: a STIX id of the longest type (250 characters) fits. */
export const MAX_PATH_PARAMETER = 300;

/** Fastify's and the parsers' own errors, as Problems with stable codes. */
export function problemOfError(error: FastifyError): Problem | null {
  if (error.validation !== undefined) {
    const where = error.validationContext ?? 'request';
    const errors = error.validation.map((v): ProblemDetail => {
      const base = `${where}${v.instancePath.replace(/\//g, '.')}`;
      const extra = v.params['additionalProperty'];
      if (v.keyword === 'additionalProperties' && typeof extra === 'string') {
        return { path: `${base}.${extra}`, code: 'unknown-property', message: `${base}.${extra} is not a field of this route; check its spelling` };
      }
      const missing = v.params['missingProperty'];
      if (v.keyword === 'required' && typeof missing === 'string') {
        return { path: `${base}.${missing}`, code: 'missing-property', message: `${base}.${missing} is required` };
      }
      const allowed = Array.isArray(v.params['allowedValues']) ? `: one of ${(v.params['allowedValues'] as unknown[]).map(String).join(', ')}` : '';
      return { path: base, code: 'invalid-value', message: `${base} ${v.message ?? 'is invalid'}${allowed}` };
    });
    const fields = [...new Set(errors.map((e) => e.path))].join(', ');
    return problem('invalid', 'invalid-request', `The request does not match this route's schema; fix ${fields}`, errors);
  }
  switch (error.code) {
    case 'FST_ERR_CTP_BODY_TOO_LARGE':
      return problem('too-large', 'payload-too-large', 'The request body is larger than this server accepts; send less, or upload bundles to /api/v1/import');
    case 'FST_ERR_CTP_INVALID_MEDIA_TYPE':
      return problem('unsupported-media', 'unsupported-media-type', `Content-Type must be application/json for this route`);
    case 'FST_ERR_CTP_EMPTY_JSON_BODY':
      return problem('invalid', 'empty-body', 'The body is empty; send a JSON document, or no Content-Type header');
    case 'FST_ERR_CTP_INVALID_CONTENT_LENGTH':
      return problem('invalid', 'bad-content-length', 'Content-Length does not match the body that was sent');
    case 'FST_ERR_BAD_URL':
      return problem('invalid', 'bad-url', "The URL path is not valid percent-encoding: a '%' must start a UTF-8 byte written as two hex digits (%25 for '%' itself)");
    case 'FST_ERR_MAX_PARAM_LENGTH':
      return problem('invalid', 'path-segment-too-long', `A path segment is longer than ${MAX_PATH_PARAMETER} characters; no id is that long, check the URL`);
    default:
      break;
  }
  if (error instanceof RouteNotFound) return routeNotFound('GET', error.url);
  if (error instanceof RateLimited) return problem('rate-limited', error.code, error.message);
  if (error instanceof MalformedJsonError) return problem('invalid', error.code, error.message);
  const status = error.statusCode;
  if (status !== undefined && status >= 400 && status < 500) {
    return problem(status === 413 ? 'too-large' : status === 415 ? 'unsupported-media' : 'invalid', 'bad-request', error.message);
  }
  return null;
}

/** Thrown by catch-all routes so that every unknown path gets the same 404 as the not-found handler. */
export class RouteNotFound extends Error {
  constructor(readonly url: string) {
    super(`no route ${url}`);
  }
}

/** Thrown by the JSON body parser; the message names the line and column, or the path nested too deep. */
export class MalformedJsonError extends Error {
  readonly statusCode = 400;
  constructor(
    message: string,
    /** `malformed-json`, `too-deeply-nested` for valid JSON nested past MAX_JSON_DEPTH, or `invalid-utf8` for bytes that are not UTF-8. */
    readonly code: 'malformed-json' | 'too-deeply-nested' | 'invalid-utf8' = 'malformed-json',
  ) {
    super(message);
  }
}

function routeNotFound(method: string, url: string): Problem {
  const path = url.split('?')[0] ?? '/';
  return problem('not-found', 'not-found', `There is no route ${method} ${path}; see /api/v1/openapi.json`);
}

/** Every error Fastify or a route throws ends here; nothing unexpected leaks a stack to the client. */
export function installErrorHandling(app: FastifyInstance): void {
  app.setErrorHandler((error: FastifyError, request: FastifyRequest, reply: FastifyReply) => {
    const known = problemOfError(error);
    if (known !== null) return sendProblem(reply, known);
    const detail = logUnexpected(request, error, 'unexpected error');
    return sendBody(reply, {
      type: 'urn:rampart:problem:internal-error',
      title: 'Internal Server Error',
      status: 500,
      detail,
      code: 'internal-error',
    });
  });
  app.setNotFoundHandler((request, reply) => sendProblem(reply, routeNotFound(request.method, request.url)));
}
