import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { FastifyPluginAsync } from 'fastify';
import { afterEach, describe, expect, it } from 'vitest';
import { ok } from '../domain/result.ts';
import type { StixStore } from '../store/types.ts';
import { memoryStixStore } from '../../test/helpers/memory-stix-store.ts';
import { harness, ORG_A, type Harness } from '../../test/helpers/http.ts';

let h: Harness | undefined;
afterEach(async () => {
  await h?.close();
  h = undefined;
});

async function make(options: Partial<Parameters<typeof harness>[0]> = {}): Promise<Harness> {
  h = await harness({ stix: memoryStixStore(), ...options });
  return h;
}

describe('URLs the router cannot read', () => {
  it('answers bad percent-encoding and an over-long path segment with problem+json, or in the format of the plugin that owns the prefix', async () => {
    const plugin: FastifyPluginAsync = (app) => {
      app.get('/:id', () => ({ ok: true }));
      return Promise.resolve();
    };
    const { app, a } = await make({
      plugins: [() => ({ plugin, prefix: '/feature', sendUrlProblem: (reply, p) => reply.code(400).type('text/plain').send(`feature: ${p.code}`) })],
    });
    const headers = { authorization: `Bearer ${a.readKey}` };
    const bad = await app.inject({ method: 'GET', url: '/api/v1/objects/%ZZ', headers });
    expect(bad.statusCode).toBe(400);
    expect(bad.headers['content-type']).toMatch(/^application\/problem\+json/);
    expect(bad.json()).toMatchObject({ code: 'bad-url', status: 400 });
    const long = await app.inject({ method: 'GET', url: `/api/v1/objects/${'a'.repeat(301)}`, headers });
    // Past the router's parameter limit the /api/* catch-all answers.
    expect(long.json()).toMatchObject({ code: 'not-found', status: 404 });
    // A STIX id of a 250-character type still reaches the route (and its own schema check).
    const longType = await app.inject({ method: 'GET', url: `/api/v1/objects/${'x'.repeat(250)}--5b1e0c1a-7d1f-4c2e-9a43-0d6a1f3c0001`, headers });
    expect(longType.statusCode).toBe(404);
    const feature = await app.inject({ method: 'GET', url: '/feature/%ZZ' });
    expect(feature.body).toBe('feature: bad-url');
  });
});

describe('JSON bodies keep their types', () => {
  it('refuses a body field of the wrong JSON type (400 invalid-request) instead of coercing it, storing nothing; query strings are still read as their types', async () => {
    const harnessed = await make();
    const { app, a } = harnessed;
    const before = await harnessed.fingerprint();
    const object = { type: 'indicator', spec_version: '2.1', id: 'indicator--8e2e2d2b-17d4-4cbf-938f-98ee46b3cd3f', created: '2024-11-05T13:00:00.000Z', modified: '2024-11-05T13:00:00.000Z', pattern: "[domain-name:value = 'x.example']", pattern_type: 'stix', valid_from: '2024-11-05T13:00:00Z' };
    const headers = { authorization: `Bearer ${a.writeKey}` };
    for (const payload of [{ object, tlp: 'green', audience: 'community' }, { object, tlp: 'green', audience: [1] }]) {
      const res = await app.inject({ method: 'POST', url: '/api/v1/objects', headers, payload });
      expect(res.statusCode, res.body).toBe(400);
      expect(res.json<{ code: string }>().code).toBe('invalid-request');
    }
    const numericPassword = await app.inject({ method: 'POST', url: '/api/v1/session', payload: { email: a.email, password: 123456789012 } });
    expect(numericPassword.json<{ code: string }>().code).toBe('invalid-request');
    expect(await harnessed.fingerprint()).toBe(before);
    expect((await app.inject({ method: 'GET', url: '/api/v1/objects?limit=5', headers })).statusCode).toBe(200);
  });
});

describe('sign-in routes', () => {
  it('signs in with an HttpOnly SameSite=Strict cookie and a CSRF token; /me; sign-out ends the session', async () => {
    const { app, a } = await make();
    const wrong = await app.inject({ method: 'POST', url: '/api/v1/session', payload: { email: a.email, password: 'nope' } });
    expect(wrong.statusCode).toBe(401);
    expect(wrong.json<{ code: string }>().code).toBe('invalid-credentials');
    expect(wrong.cookies).toEqual([]);

    const res = await app.inject({ method: 'POST', url: '/api/v1/session', payload: { email: a.email, password: a.password } });
    expect(res.statusCode).toBe(200);
    const cookie = res.cookies.find((c) => c.name === 'rampart_session');
    expect(cookie).toMatchObject({ httpOnly: true, sameSite: 'Strict', path: '/' });
    expect(cookie?.secure).toBeUndefined();
    const body = res.json<{ csrf_token: string; org_id: string; user: { email: string } }>();
    expect(body).toMatchObject({ org_id: ORG_A, user: { email: a.email } });

    const headers = { cookie: `rampart_session=${cookie?.value ?? ''}` };
    const me = await app.inject({ method: 'GET', url: '/api/v1/me', headers });
    expect(me.statusCode).toBe(200);
    expect(me.json()).toMatchObject({ via: 'session', scope: 'write', org_id: ORG_A, csrf_token: body.csrf_token });
    // GET /api/v1/session says the same of a signed-in caller, and "not signed in" to anyone else with a 200, never a 401.
    const status = await app.inject({ method: 'GET', url: '/api/v1/session', headers });
    expect(status.statusCode).toBe(200);
    expect(status.json()).toMatchObject({ signed_in: true, me: { via: 'session', org_id: ORG_A, csrf_token: body.csrf_token, user: { email: a.email } } });
    const visitor = await app.inject({ method: 'GET', url: '/api/v1/session' });
    expect([visitor.statusCode, visitor.json()]).toEqual([200, { signed_in: false, me: null }]);

    const noCsrf = await app.inject({ method: 'DELETE', url: '/api/v1/session', headers });
    expect(noCsrf.statusCode).toBe(403);
    expect(noCsrf.json<{ code: string }>().code).toBe('csrf-missing');
    const out = await app.inject({ method: 'DELETE', url: '/api/v1/session', headers: { ...headers, 'x-csrf-token': body.csrf_token } });
    expect(out.statusCode).toBe(204);
    expect(out.cookies.find((c) => c.name === 'rampart_session')?.value).toBe('');
    const after = await app.inject({ method: 'GET', url: '/api/v1/me', headers });
    expect(after.statusCode).toBe(401);
    expect(after.json<{ code: string }>().code).toBe('session-expired');
    const ended = await app.inject({ method: 'GET', url: '/api/v1/session', headers });
    expect([ended.statusCode, ended.json()]).toEqual([200, { signed_in: false, me: null }]);
    expect(ended.headers['cache-control']).toBe('private, no-store');
  });

  it('marks the cookie Secure behind a TLS proxy and validates the sign-in body', async () => {
    const { app, a } = await make({ config: { trustProxy: true } });
    const res = await app.inject({ method: 'POST', url: '/api/v1/session', headers: { 'x-forwarded-proto': 'https' }, payload: { email: a.email, password: a.password } });
    expect(res.cookies.find((c) => c.name === 'rampart_session')?.secure).toBe(true);
    const bad = await app.inject({ method: 'POST', url: '/api/v1/session', payload: { email: a.email, password: a.password, totp: '12' } });
    expect(bad.statusCode).toBe(400);
    expect(bad.json<{ code: string; errors: { path: string }[] }>()).toMatchObject({ code: 'invalid-request', errors: [{ path: 'body.totp' }] });
    const missing = await app.inject({ method: 'POST', url: '/api/v1/session', payload: { email: a.email } });
    expect(missing.json<{ errors: { path: string; code: string }[] }>().errors).toEqual([expect.objectContaining({ path: 'body.password', code: 'missing-property' })]);
  });

  it('/me for an API key says so, without a CSRF token', async () => {
    const { app, a } = await make();
    const me = await app.inject({ method: 'GET', url: '/api/v1/me', headers: { authorization: `Bearer ${a.readKey}` } });
    expect(me.json()).toEqual({ via: 'api-key', scope: 'read', org_id: ORG_A, user_id: a.userId, keys: expect.any(Array) as unknown });
  });
});

describe('errors', () => {
  it('unknown routes are 404 not-found problem+json', async () => {
    const { app } = await make();
    const res = await app.inject({ method: 'GET', url: '/api/v1/nothing-here?x=1' });
    expect(res.statusCode).toBe(404);
    expect(res.headers['content-type']).toBe('application/problem+json; charset=utf-8');
    expect(res.json()).toEqual({
      type: 'urn:rampart:problem:not-found',
      title: 'Not Found',
      status: 404,
      code: 'not-found',
      detail: 'There is no route GET /api/v1/nothing-here; see /api/v1/openapi.json',
    });
  });

  it('406 not-acceptable when the Accept header allows no JSON', async () => {
    const { app, a } = await make();
    const headers = { authorization: `Bearer ${a.readKey}` };
    const xml = await app.inject({ method: 'GET', url: '/api/v1/objects', headers: { ...headers, accept: 'application/xml, application/json;q=0' } });
    expect(xml.statusCode).toBe(406);
    expect(xml.json<{ code: string }>().code).toBe('not-acceptable');
    for (const accept of ['application/json', 'application/*;q=0.5', 'text/html,application/xhtml+xml,*/*;q=0.8', 'application/problem+json']) {
      expect((await app.inject({ method: 'GET', url: '/api/v1/objects', headers: { ...headers, accept } })).statusCode, accept).toBe(200);
    }
  });

  it('with the web UI mounted, pages fall back to index.html and unknown API paths stay problem+json', async () => {
    const dist = mkdtempSync(join(tmpdir(), 'rampart-web-'));
    writeFileSync(join(dist, 'index.html'), '<!doctype html><title>Rampart</title>');
    try {
      const { app } = await make({ config: { webDist: dist } });
      const page = await app.inject({ method: 'GET', url: '/intel/some-page' });
      expect(page.statusCode).toBe(200);
      expect(page.body).toContain('<title>Rampart</title>');
      const api = await app.inject({ method: 'GET', url: '/api/v1/nope' });
      expect(api.statusCode).toBe(404);
      expect(api.json()).toMatchObject({ code: 'not-found', detail: 'There is no route GET /api/v1/nope; see /api/v1/openapi.json' });
    } finally {
      rmSync(dist, { recursive: true });
    }
  });

  it('an unexpected exception is 500 internal-error without a stack, and the server keeps answering', async () => {
    const broken: StixStore = { ...memoryStixStore(), list: () => Promise.reject(new Error('disk on fire at /var/secret/path')), listCounted: () => Promise.reject(new Error('disk on fire at /var/secret/path')) };
    const { app, a } = await make({ stix: broken });
    const res = await app.inject({ method: 'GET', url: '/api/v1/objects', headers: { authorization: `Bearer ${a.readKey}` } });
    expect(res.statusCode).toBe(500);
    expect(res.json<{ code: string }>().code).toBe('internal-error');
    expect(res.body).not.toContain('disk on fire');
    expect(res.body).not.toContain('/var/secret');
    expect((await app.inject({ method: 'GET', url: '/healthz' })).statusCode).toBe(200);
  });
});

describe('operations', () => {
  it('/healthz is 200 ok when the database answers, 503 when it does not', async () => {
    let up = true;
    const { app } = await make({ ping: () => (up ? Promise.resolve() : Promise.reject(new Error('connection refused'))) });
    const good = await app.inject({ method: 'GET', url: '/healthz' });
    expect(good.statusCode).toBe(200);
    expect(good.json()).toEqual({ status: 'ok' });
    up = false;
    const bad = await app.inject({ method: 'GET', url: '/healthz' });
    expect(bad.statusCode).toBe(503);
    expect(bad.json()).toEqual({ status: 'unavailable', detail: 'the database did not answer' });
  });

  it('/metrics has request counts and latency by route pattern, objects by type and import counters', async () => {
    const { app, a } = await make();
    const bundle = {
      type: 'bundle',
      id: 'bundle--5d0092c5-5f74-4287-9642-33f4c354e56d',
      objects: [{ type: 'identity', spec_version: '2.1', id: 'identity--e5f1b90a-d9b6-40ab-81a9-8a29df4b6b65', created: '2024-01-01T00:00:00.000Z', modified: '2024-01-01T00:00:00.000Z', name: 'Clerk', identity_class: 'organization' }],
    };
    const imported = await app.inject({ method: 'POST', url: '/api/v1/import', headers: { authorization: `Bearer ${a.writeKey}`, 'content-type': 'application/json' }, payload: JSON.stringify(bundle) });
    expect(imported.statusCode).toBe(200);
    await app.inject({ method: 'GET', url: '/api/v1/objects/identity--e5f1b90a-d9b6-40ab-81a9-8a29df4b6b65', headers: { authorization: `Bearer ${a.readKey}` } });
    const res = await app.inject({ method: 'GET', url: '/metrics' });
    expect(res.statusCode).toBe(200);
    expect(res.headers['content-type']).toContain('text/plain');
    expect(res.body).toContain('rampart_http_requests_total{method="GET",route="/api/v1/objects/:id",status="200"} 1');
    expect(res.body).toContain('rampart_http_request_duration_seconds_bucket{le="0.005",method="POST",route="/api/v1/import",status="200"}');
    expect(res.body).toContain('rampart_objects_stored{type="identity"} 1');
    expect(res.body).toContain('rampart_import_objects_total{source="rest",outcome="added"} 1');
    expect(res.body).toContain('rampart_import_objects_total{source="rest",outcome="rejected"} 0');
  });

  it('two apps in one process keep separate metrics', async () => {
    const one = await harness({ stix: memoryStixStore() });
    const two = await harness({ stix: memoryStixStore() });
    await one.app.inject({ method: 'GET', url: '/healthz' });
    expect((await two.app.inject({ method: 'GET', url: '/metrics' })).body).not.toContain('route="/healthz"');
    await one.close();
    await two.close();
  });

  it('serves an OpenAPI 3.1 document with a path for every route and the shared schemas', async () => {
    const { app } = await make();
    const res = await app.inject({ method: 'GET', url: '/api/v1/openapi.json' });
    expect(res.statusCode).toBe(200);
    const doc = res.json<{ openapi: string; info: { title: string }; paths: Record<string, Record<string, { responses: Record<string, unknown> }>>; components: { schemas: Record<string, unknown> } }>();
    expect(doc.openapi).toBe('3.1.0');
    expect(doc.info.title).toBe('Rampart REST API');
    const routes = Object.entries(doc.paths).flatMap(([path, ops]) => Object.keys(ops).map((m) => `${m.toUpperCase()} ${path}`));
    expect(routes).toEqual(
      expect.arrayContaining([
        'GET /api/v1/objects',
        'POST /api/v1/objects',
        'GET /api/v1/objects/{id}',
        'POST /api/v1/objects/{id}/revoke',
        'POST /api/v1/import',
        'POST /api/v1/session',
        'DELETE /api/v1/session',
        'GET /api/v1/session',
        'GET /api/v1/me',
        'GET /healthz',
        'GET /metrics',
        'GET /api/v1/dashboard',
      ]),
    );
    for (const ops of Object.values(doc.paths)) for (const op of Object.values(ops)) expect(Object.keys(op.responses).length).toBeGreaterThan(0);
    expect(Object.keys(doc.components.schemas)).toEqual(expect.arrayContaining(['Problem', 'StixObject', 'Sharing']));
    expect(doc.paths['/api/v1/objects']?.['post']?.responses['422']).toMatchObject({ content: { 'application/problem+json': { schema: { $ref: '#/components/schemas/Problem' } } } });
  });
});

describe('plugins', () => {
  it('mounts feature plugins under their prefix with the request kit', async () => {
    const taxii =
      (kit: Parameters<NonNullable<Parameters<typeof harness>[0]['plugins']>[number]>[0]): FastifyPluginAsync =>
      (app) => {
        app.get('/', (request, reply) => {
          const reader = kit.readerOf(request);
          if (reader === null) return kit.sendProblem(reply, { kind: 'unauthenticated', code: 'unauthenticated', message: 'who?' });
          return reply.send(ok(reader.kind));
        });
        return Promise.resolve();
      };
    const { app, a } = await make({ plugins: [(kit) => ({ plugin: taxii(kit), prefix: '/taxii2' })] });
    const anon = await app.inject({ method: 'GET', url: '/taxii2/' });
    expect(anon.statusCode).toBe(401);
    const res = await app.inject({ method: 'GET', url: '/taxii2/', headers: { authorization: `Bearer ${a.readKey}` } });
    expect(res.json()).toEqual({ ok: true, value: 'member' });
  });
});
