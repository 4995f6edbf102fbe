import type { Readable } from 'node:stream';
import type { FastifyReply } from 'fastify';

/**
 * Sends bytes a route made itself: a stream (a bundle read as it goes, JSON lines of progress), CSV, or JSON it
 * serialized already. The route's schema documents them but a response schema cannot type them, so they, and only
 * they, go out without the reply type every other answer is checked against.
 */
export function sendBytes(reply: FastifyReply, body: string | Buffer | Readable): FastifyReply {
  return reply.send(body);
}
