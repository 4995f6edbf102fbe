import { createHash } from 'node:crypto';
import { gzipSync } from 'node:zlib';
import type { FastifyReply, FastifyRequest } from 'fastify';
import type { Problem } from '../domain/problem.ts';
import type { Result } from '../domain/result.ts';
import { sendBytes } from './send-bytes.ts';

// The public pages' HTTP caching (ETag, 304, gzip, Cache-Control), shared by the rumour-control and joint-statement
// routes: an adapter, so it lives in src/http and the features' route files call it.

/**
 * The feed, embed page and widget may be kept a minute by browsers and shared caches. The JSON the public
 * page reads is kept but asked again each time (a 304 thanks to the ETag), so a withdrawal shows at once.
 */
const PUBLIC_CACHE = 'public, max-age=60, stale-while-revalidate=60';
const PUBLIC_JSON_CACHE = 'public, no-cache';
/** Smaller answers are sent as they are: gzip would save little and cost a header. */
const GZIP_FROM = 1024;
const MAX_ENTRIES = 1000;

/**
 * A public answer as the client receives it, every byte and header computed once when it is made, not per
 * request: the body, its gzip (when worth it), the ETag, and the headers of a 200 and of a 304.
 */
export interface PublicAnswer {
  readonly body: Buffer;
  readonly gzip: Buffer | null;
  readonly etag: string;
  /** The headers of a 200 but Content-Encoding. */
  readonly headers: Readonly<Record<string, string>>;
  /** The headers of a 304 (RFC 9110 15.4.5: the validators and caching headers a 200 would carry). */
  readonly notModified: Readonly<Record<string, string>>;
}

export interface Made {
  readonly body: string;
  readonly type: string;
  readonly headers?: Readonly<Record<string, string>>;
}

export function publicAnswer(made: Made): PublicAnswer {
  const body = Buffer.from(made.body, 'utf8');
  const etag = `"${createHash('sha256').update(body).digest('base64url').slice(0, 27)}"`;
  const notModified = {
    ...made.headers,
    etag,
    'cache-control': made.type.startsWith('application/json') ? PUBLIC_JSON_CACHE : PUBLIC_CACHE,
    'access-control-allow-origin': '*',
    vary: 'accept-encoding',
  };
  return { body, gzip: body.length >= GZIP_FROM ? gzipSync(body, { level: 9 }) : null, etag, notModified, headers: { ...notModified, 'content-type': made.type } };
}

/** Whether an Accept-Encoding header takes gzip; clients send few distinct headers, so each is read once. */
const takesGzip = (() => {
  const seen = new Map<string, boolean>();
  return (header: string | undefined): boolean => {
    if (header === undefined) return false;
    let known = seen.get(header);
    if (known === undefined) {
      known = header.split(',').some((c) => {
        const [name, ...params] = c.trim().split(';');
        return name?.trim().toLowerCase() === 'gzip' && !params.some((p) => /^\s*q=0(\.0*)?\s*$/.test(p));
      });
      if (seen.size >= 256) seen.clear();
      seen.set(header, known);
    }
    return known;
  };
})();

/** Sends a public answer with its ETag and Cache-Control: 304 when the client holds the same, gzip when it takes it. */
export function sendAnswer(request: FastifyRequest, reply: FastifyReply, answer: PublicAnswer): FastifyReply {
  const asked = request.headers['if-none-match'];
  if (asked !== undefined && (asked === answer.etag || asked.split(',').some((t) => t.trim().replace(/^W\//, '') === answer.etag))) return reply.headers(answer.notModified).code(304).send();
  void reply.headers(answer.headers);
  if (answer.gzip !== null && takesGzip(request.headers['accept-encoding'])) return sendBytes(reply.header('content-encoding', 'gzip'), answer.gzip);
  return sendBytes(reply, answer.body);
}

/**
 * The public pages' answers depend only on what is stored, so each is made once and kept until the next
 * stored change (the change bus; across processes with NATS). A change counter guards the race where an
 * answer made from the store before a change would be kept after it: it is sent, not kept.
 */
export function publicCache(onChange: ((listener: () => void) => () => void) | undefined): {
  serve(request: FastifyRequest, reply: FastifyReply, make: () => Promise<Result<Made, Problem>>, sendProblem: (reply: FastifyReply, problem: Problem) => FastifyReply): Promise<FastifyReply>;
  close(): void;
} {
  const entries = new Map<string, PublicAnswer>();
  let generation = 0;
  const unsubscribe = onChange?.(() => {
    generation++;
    entries.clear();
  });
  return {
    async serve(request, reply, make, sendProblem) {
      const key = `${request.host} ${request.url}`;
      let answer = onChange === undefined ? undefined : entries.get(key);
      if (answer === undefined) {
        const before = generation;
        const made = await make();
        if (!made.ok) return sendProblem(reply, made.error);
        answer = publicAnswer(made.value);
        if (onChange !== undefined && before === generation && entries.size < MAX_ENTRIES) entries.set(key, answer);
      }
      return sendAnswer(request, reply, answer);
    },
    close() {
      unsubscribe?.();
      entries.clear();
    },
  };
}
