import { isUtf8 } from 'node:buffer';
import type { FastifyInstance } from 'fastify';
import { describeJsonError, MAX_JSON_DEPTH, tooDeepAt } from '../stix/json-syntax.ts';
import { MalformedJsonError } from './problem.ts';

/** JSON media types the REST API reads: plain JSON and the STIX/TAXII flavours clients send. */
export const JSON_TYPES = ['application/json', 'application/stix+json', 'application/taxii+json'];

/** Replaces Fastify's body parsers with one for JSON whose syntax errors say where they are. */
export function installJsonParser(app: FastifyInstance, bodyLimit: number): void {
  // The API speaks JSON only; a text/plain body is answered 415, not parsed into a string.
  app.removeAllContentTypeParsers();
  app.addContentTypeParser(JSON_TYPES, { parseAs: 'buffer', bodyLimit }, (_request, body, done) => {
    // Decoding bytes that are not UTF-8 would turn them into U+FFFD and store text nobody sent: refused, as import and TAXII refuse it.
    if (typeof body !== 'string' && !isUtf8(body)) {
      done(new MalformedJsonError(`the body is not valid UTF-8 text (first bad byte at offset ${firstInvalidUtf8(body)}); send JSON encoded as UTF-8`, 'invalid-utf8'), undefined);
      return;
    }
    const text = typeof body === 'string' ? body : body.toString('utf8');
    if (text.trim() === '') {
      done(new MalformedJsonError('the body is empty; send a JSON document'), undefined);
      return;
    }
    let value: unknown;
    try {
      value = JSON.parse(text) as unknown;
    } catch {
      done(new MalformedJsonError(describeJsonError(text)), undefined);
      return;
    }
    const deep = tooDeepAt(value);
    if (deep !== null) {
      done(new MalformedJsonError(`the body nests arrays and objects more than ${MAX_JSON_DEPTH} levels deep (at ${deep}); no STIX object or API request needs that many`, 'too-deeply-nested'), undefined);
      return;
    }
    done(null, value);
  });
}

/** Offset of the first byte that does not start or continue a well-formed UTF-8 sequence (the body is known not to be UTF-8). */
export function firstInvalidUtf8(bytes: Uint8Array): number {
  let i = 0;
  while (i < bytes.length) {
    const b = bytes[i] ?? 0;
    const length = b < 0x80 ? 1 : b >= 0xc2 && b <= 0xdf ? 2 : b >= 0xe0 && b <= 0xef ? 3 : b >= 0xf0 && b <= 0xf4 ? 4 : 0;
    if (length === 0 || i + length > bytes.length || !isUtf8(bytes.subarray(i, i + length))) return i;
    i += length;
  }
  return i;
}
