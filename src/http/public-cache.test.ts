import { gunzipSync } from 'node:zlib';
import Fastify, { type FastifyReply } from 'fastify';
import { describe, expect, it } from 'vitest';
import type { Problem } from '../domain/problem.ts';
import { ok } from '../domain/result.ts';
import { publicCache } from './public-cache.ts';

const sendProblem = (reply: FastifyReply, p: Problem): FastifyReply => reply.code(404).send({ code: p.code });

function app(options: { readonly during?: () => void } = {}) {
  const listeners = new Set<() => void>();
  const cache = publicCache((l) => {
    listeners.add(l);
    return () => listeners.delete(l);
  });
  let made = 0;
  const fastify = Fastify();
  fastify.get('/page', (request, reply) =>
    cache.serve(
      request,
      reply,
      () => {
        made++;
        options.during?.();
        return Promise.resolve(ok({ body: `made ${made} ${'x'.repeat(2000)}`, type: 'application/json; charset=utf-8' }));
      },
      sendProblem,
    ),
  );
  return { fastify, change: () => listeners.forEach((l) => l()), made: () => made };
}

describe('the public answers cache', () => {
  it('makes an answer once until the next stored change; sends gzip when asked, 304 for the same ETag', async () => {
    const a = app();
    const first = await a.fastify.inject({ url: '/page' });
    expect([first.statusCode, first.headers['content-encoding'], first.body.startsWith('made 1 ')]).toEqual([200, undefined, true]);
    const zipped = await a.fastify.inject({ url: '/page', headers: { 'accept-encoding': 'br;q=1, gzip' } });
    expect([zipped.headers['content-encoding'], gunzipSync(zipped.rawPayload).toString('utf8')]).toEqual(['gzip', first.body]);
    expect((await a.fastify.inject({ url: '/page', headers: { 'accept-encoding': 'gzip;q=0' } })).headers['content-encoding']).toBeUndefined();
    const again = await a.fastify.inject({ url: '/page', headers: { 'if-none-match': String(first.headers['etag']) } });
    expect([again.statusCode, again.body, a.made()]).toEqual([304, '', 1]);
    a.change();
    const after = await a.fastify.inject({ url: '/page', headers: { 'if-none-match': String(first.headers['etag']) } });
    expect([after.statusCode, after.body.startsWith('made 2 '), a.made()]).toEqual([200, true, 2]);
  });

  it('does not keep an answer made while a change happened: it may predate the change', async () => {
    let changeNow = true;
    const holder: { change?: () => void } = {};
    const a = app({
      during: () => {
        if (changeNow) holder.change?.();
        changeNow = false;
      },
    });
    holder.change = a.change;
    await a.fastify.inject({ url: '/page' });
    await a.fastify.inject({ url: '/page' });
    await a.fastify.inject({ url: '/page' });
    expect(a.made()).toBe(2);
  });
});
