import type { FastifyInstance } from 'fastify';
import { describeJsonError, MAX_JSON_DEPTH, tooDeepAt } from '../stix/json-syntax.ts';
import { MalformedJsonError } from './problem.ts';

/** JSON media types the REST API reads: plain JSON and the STIX/TAXII flavours clients send. */
export const JSON_TYPES = ['application/json', 'application/stix+json', 'application/taxii+json'];

/** Replaces Fastify's body parsers with one for JSON whose syntax errors say where they are. */
export function installJsonParser(app: FastifyInstance, bodyLimit: number): void {
  // The API speaks JSON only; a text/plain body is answered 415, not parsed into a string.
  app.removeAllContentTypeParsers();
  app.addContentTypeParser(JSON_TYPES, { parseAs: 'string', bodyLimit }, (_request, body, done) => {
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
