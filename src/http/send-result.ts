import type { FastifyReply } from 'fastify';
import type { Problem } from '../domain/problem.ts';
import type { Result } from '../domain/result.ts';

/**
 * A reply whose send takes V: a route's reply as its type provider made it (after .code(), which narrows it to that
 * status's response schema). A helper taking `Sends<V>` and a value of V is checked exactly as `reply.send` would be.
 */
export interface Sends<V> {
  send(payload: V): FastifyReply;
}

/** Answers of personal or organization data are never cached by the browser or a proxy. */
export const NO_STORE: Readonly<Record<string, string>> = { 'cache-control': 'private, no-store' };

/**
 * Sends a service's result: its value when it succeeded (with `headers`; null as 204 No Content), else its problem
 * as problem+json.
 * V comes from the reply alone (NoInfer), so the value must match the route's response schema for the reply's
 * status: a helper typed with a plain FastifyReply would let any value through unchecked.
 */
export function sendResult<V>(
  sendProblem: (reply: FastifyReply, problem: Problem) => FastifyReply,
  reply: FastifyReply & Sends<V>,
  result: Result<NoInfer<V>, Problem>,
  headers: Readonly<Record<string, string>> = NO_STORE,
): FastifyReply {
  if (!result.ok) return sendProblem(reply, result.error);
  return result.value === null ? reply.code(204).headers(headers).send() : reply.headers(headers).send(result.value);
}
