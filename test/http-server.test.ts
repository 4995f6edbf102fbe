import Fastify from 'fastify';
import { describe, expect, it } from 'vitest';
import { startServer } from '../src/http/server.ts';
import { harness } from './helpers/http.ts';
import { memoryStixStore } from './helpers/memory-stix-store.ts';

function identity(n: number) {
  return `{"type":"identity","spec_version":"2.1","id":"identity--${String(n).padStart(8, '0')}-1111-4111-8111-111111111111","created":"2024-01-01T00:00:00.000Z","modified":"2024-01-01T00:00:00.000Z","name":"Office ${n}","identity_class":"organization"}`;
}

/** A bundle sent as a stream of small chunks, so the server must read it incrementally. */
function chunkedBundle(count: number): ReadableStream<Uint8Array> {
  let i = 0;
  const encoder = new TextEncoder();
  return new ReadableStream({
    pull(controller) {
      if (i === 0) controller.enqueue(encoder.encode('{"type":"bundle","id":"bundle--5d0092c5-5f74-4287-9642-33f4c354e56d","objects":['));
      if (i < count) controller.enqueue(encoder.encode(`${i === 0 ? '' : ','}${identity(i + 1)}`));
      else {
        controller.enqueue(encoder.encode(']}'));
        controller.close();
      }
      i++;
    },
  });
}

describe('the server on a real socket', () => {
  it('listens on 127.0.0.1, streams an upload into the store, answers problems, and stops cleanly', async () => {
    const h = await harness({ stix: memoryStixStore(), config: { importLimit: 200_000 } });
    let closed = 0;
    const server = await startServer({ app: h.app, host: '127.0.0.1', port: 0, handleSignals: false, onClose: () => Promise.resolve(void closed++) });
    expect(server.url).toMatch(/^http:\/\/127\.0\.0\.1:\d+$/);

    const health = await fetch(`${server.url}/healthz`);
    expect(health.status).toBe(200);
    expect(await health.json()).toEqual({ status: 'ok' });

    const auth = { authorization: `Bearer ${h.a.writeKey}`, 'content-type': 'application/stix+json' };
    const res = await fetch(`${server.url}/api/v1/import`, { method: 'POST', headers: auth, body: chunkedBundle(300), duplex: 'half' });
    expect(res.status).toBe(200);
    expect(await res.json()).toMatchObject({ objects: 300, added: 300 });

    const before = await h.fingerprint();
    const tooBig = await fetch(`${server.url}/api/v1/import`, { method: 'POST', headers: auth, body: chunkedBundle(2000), duplex: 'half' });
    expect(tooBig.status).toBe(413);
    expect(tooBig.headers.get('content-type')).toBe('application/problem+json; charset=utf-8');
    expect(((await tooBig.json()) as { code: string }).code).toBe('payload-too-large');
    expect(await h.fingerprint()).toBe(before);

    const garbage = await fetch(`${server.url}/api/v1/objects`, { method: 'POST', headers: { ...auth, 'content-type': 'application/json' }, body: '\u0000\u0001{{{' });
    expect(garbage.status).toBe(400);
    expect(((await garbage.json()) as { code: string }).code).toBe('malformed-json');

    await server.stop();
    await server.stop();
    await server.stopped;
    expect(closed).toBe(1);
    await expect(fetch(`${server.url}/healthz`)).rejects.toThrow();
  });

  it('shuts down on SIGTERM: closes the app, then the store', async () => {
    const h = await harness({ stix: memoryStixStore() });
    const order: string[] = [];
    h.app.addHook('onClose', (_app, done) => {
      order.push('app');
      done();
    });
    const server = await startServer({ app: h.app, host: '127.0.0.1', port: 0, onClose: () => Promise.resolve(void order.push('store')) });
    process.emit('SIGTERM', 'SIGTERM');
    await server.stopped;
    expect(order).toEqual(['app', 'store']);
    expect(process.listenerCount('SIGTERM')).toBe(0);
  });

  it('stops after the grace period even while a request never finishes, closing its connection', async () => {
    const app = Fastify();
    let arrived: () => void = () => undefined;
    const hanging = new Promise<void>((resolve) => (arrived = resolve));
    // A handler that never answers: stands for a stream whose end is lost, or a slow client.
    app.get('/hang', async () => {
      arrived();
      return new Promise(() => undefined);
    });
    let closed = 0;
    const server = await startServer({ app, host: '127.0.0.1', port: 0, handleSignals: false, graceMs: 200, onClose: () => Promise.resolve(void closed++) });
    const request = fetch(`${server.url}/hang`);
    await hanging;
    await server.stop();
    expect(closed).toBe(1);
    await expect(request).rejects.toThrow();
  });
});
