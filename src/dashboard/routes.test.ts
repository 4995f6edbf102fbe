import { mkdtempSync, mkdirSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import Fastify, { type FastifyReply } from 'fastify';
import { afterAll, describe, expect, it } from 'vitest';
import type { OrgId, UserId } from '../domain/ids.ts';
import type { Problem } from '../domain/problem.ts';
import { memoryStixStore } from '../../test/helpers/memory-stix-store.ts';
import type { Reader } from '../store/types.ts';
import { dashboardRoutes } from './routes.ts';
import { webAssets } from '../http/web-assets.ts';

const reader: Reader = { kind: 'member', orgId: 'identity--00000000-0000-4000-8000-000000000001' as OrgId, userId: 'a0000000-0000-4000-8000-000000000001' as UserId, keys: ['community'] };
const sendProblem = (reply: FastifyReply, p: Problem): FastifyReply =>
  reply.code(p.kind === 'unauthenticated' ? 401 : 400).type('application/problem+json').send({ status: 401, title: 'Sign in', detail: p.message, code: p.code });

function app() {
  const fastify = Fastify();
  void fastify.register(
    dashboardRoutes({ stix: memoryStixStore(), clock: { now: () => new Date('2026-11-03T12:00:00.000Z') }, readerOf: (req) => (req.headers['x-test-reader'] === 'yes' ? reader : null), sendProblem }),
  );
  return fastify;
}

describe('dashboard routes', () => {
  it('refuses the dashboard to someone not signed in, with the code', async () => {
    const res = await app().inject({ method: 'GET', url: '/api/v1/dashboard' });
    expect(res.statusCode).toBe(401);
    expect(res.json()).toMatchObject({ code: 'not-signed-in', detail: 'Sign in to see the dashboard.' });
  });

  it('answers a signed-in reader with the schema’s shape', async () => {
    const res = await app().inject({ method: 'GET', url: '/api/v1/dashboard', headers: { 'x-test-reader': 'yes' } });
    expect(res.statusCode).toBe(200);
    expect(res.headers['cache-control']).toBe('private, no-store');
    expect(res.json()).toEqual({
      generated_at: '2026-11-03T12:00:00.000Z',
      scanned: 0,
      truncated: false,
      open_incidents_by_state: {},
      open_incidents_without_state: 0,
      open_incidents: 0,
      by_tlp: { clear: 0, green: 0, amber: 0, 'amber+strict': 0, red: 0 },
      by_type: [],
      listed_elsewhere: [],
      reference_items: 0,
      reference_by_type: [],
      latest_shared: [],
    });
  });
});

describe('web assets', () => {
  const base = mkdtempSync(join(tmpdir(), 'rampart-web-'));
  const dist = join(base, 'dist');
  mkdirSync(join(dist, 'assets'), { recursive: true });
  writeFileSync(join(dist, 'index.html'), '<!doctype html><div id="root"></div>');
  writeFileSync(join(dist, 'assets', 'index-abc.js'), 'console.log(1)');
  writeFileSync(join(dist, 'assets', 'index-def.css'), `body { color: navy; }\n`.repeat(200));
  writeFileSync(join(base, 'secret.txt'), 'outside');
  afterAll(() => rmSync(base, { recursive: true, force: true }));
  const web = () => {
    const fastify = Fastify();
    void fastify.register(webAssets({ distDir: dist }));
    return fastify;
  };

  it('answers UI pages with index.html and a strict CSP', async () => {
    const res = await web().inject({ method: 'GET', url: '/intel/incident--1?x=1' });
    expect(res.statusCode).toBe(200);
    expect(res.headers['content-type']).toBe('text/html; charset=utf-8');
    expect(res.headers['content-security-policy']).toContain("default-src 'self'");
    expect(res.body).toContain('id="root"');
  });

  it('caches hashed assets for a year and 404s missing ones', async () => {
    const asset = await web().inject({ method: 'GET', url: '/assets/index-abc.js' });
    expect([asset.statusCode, asset.headers['content-type'], asset.headers['cache-control']]).toEqual([200, 'application/javascript; charset=utf-8', 'public, max-age=31536000, immutable']);
    expect((await web().inject({ method: 'GET', url: '/assets/gone.js' })).statusCode).toBe(404);
  });

  it('answers a repeated request with 304 by its ETag, never caches index.html without asking, and compresses', async () => {
    const app = web();
    const first = await app.inject({ method: 'GET', url: '/assets/index-abc.js' });
    const etag = first.headers['etag'];
    expect(typeof etag).toBe('string');
    const again = await app.inject({ method: 'GET', url: '/assets/index-abc.js', headers: { 'if-none-match': String(etag) } });
    expect(again.statusCode).toBe(304);
    const index = await app.inject({ method: 'GET', url: '/index.html' });
    expect([index.statusCode, index.headers['cache-control']]).toEqual([200, 'no-cache']);
    expect(index.headers['content-security-policy']).toContain("default-src 'self'");
    const page = await app.inject({ method: 'GET', url: '/' });
    expect([page.statusCode, page.headers['cache-control']]).toEqual([200, 'no-cache']);
    const css = await app.inject({ method: 'GET', url: '/assets/index-def.css', headers: { 'accept-encoding': 'gzip' } });
    expect([css.statusCode, css.headers['content-encoding']]).toEqual([200, 'gzip']);
    expect(css.rawPayload.length).toBeLessThan(4400 / 4);
  });

  it('serves a rebuilt UI without a restart: the new index.html and the new hashed files it names', async () => {
    const app = web();
    const before = await app.inject({ method: 'GET', url: '/elections' });
    expect(before.body).toContain('id="root"');
    writeFileSync(join(dist, 'index.html'), '<!doctype html><div id="app-rebuilt"></div><script src="/assets/index-new.js"></script>');
    writeFileSync(join(dist, 'assets', 'index-new.js'), 'console.log(2)');
    try {
      const after = await app.inject({ method: 'GET', url: '/elections' });
      expect(after.body).toContain('app-rebuilt');
      const asset = await app.inject({ method: 'GET', url: '/assets/index-new.js' });
      expect([asset.statusCode, asset.body, asset.headers['cache-control']]).toEqual([200, 'console.log(2)', 'public, max-age=31536000, immutable']);
      expect((await app.inject({ method: 'GET', url: '/assets/%2e%2e/%2e%2e/secret.txt' })).body).not.toContain('outside');
    } finally {
      writeFileSync(join(dist, 'index.html'), '<!doctype html><div id="root"></div>');
      rmSync(join(dist, 'assets', 'index-new.js'));
    }
  });

  it('answers unknown API paths with problem+json, not the UI', async () => {
    const res = await web().inject({ method: 'GET', url: '/api/v1/nope' });
    expect(res.statusCode).toBe(404);
    expect(res.json()).toMatchObject({ code: 'no-such-route' });
  });

  it('never serves files outside the build folder', async () => {
    for (const url of ['/../secret.txt', '/%2e%2e/secret.txt', '/assets/%2e%2e/%2e%2e/secret.txt']) {
      const res = await web().inject({ method: 'GET', url });
      expect(res.body).not.toContain('outside');
    }
    const res = await web().inject({ method: 'GET', url: '/%2e%2e/secret.txt' });
    expect(res.body).not.toContain('outside');
  });
});
