import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { TLP_MARKING_IDS } from '../domain/tlp.ts';
import type { StixStore } from '../store/types.ts';
import { memoryStixStore } from '../../test/helpers/memory-stix-store.ts';
import { bearer, harness, ORG_A, phishingIndicator as indicator, PHISHING_ID as ID, type Harness } from '../../test/helpers/http.ts';

let stix: StixStore;
let h: Harness;

beforeEach(async () => {
  stix = memoryStixStore();
  h = await harness({ stix, now: () => new Date('2024-11-06T09:00:00.000Z') });
});
afterEach(async () => {
  await h.close();
});

async function create(body: unknown, key = h.a.writeKey) {
  return h.app.inject({ method: 'POST', url: '/api/v1/objects', headers: bearer(key), payload: body as object });
}

describe('POST /api/v1/objects', () => {
  it('creates an object owned by the caller, writing created_by_ref and the TLP marking into it', async () => {
    const res = await create({ object: indicator(), sharing: { tlp: 'amber', audience: [`org:${ORG_A}`] } });
    expect(res.statusCode).toBe(201);
    const body = res.json<{ outcome: string; object: Record<string, unknown>; sharing: unknown }>();
    expect(body.outcome).toBe('added');
    expect(body.object['created_by_ref']).toBe(ORG_A);
    expect(body.object['object_marking_refs']).toEqual([TLP_MARKING_IDS.amber]);
    expect(body.sharing).toEqual({ owner: ORG_A, tlp: 'amber', audience: [`org:${ORG_A}`] });
    const stored = await stix.get({ kind: 'operator' }, body.object['id'] as never);
    expect(JSON.parse(stored?.json ?? 'null')).toEqual(body.object);
  });

  it('accepts a bare STIX object and the web form shape { object, tlp, audience }', async () => {
    const bare = await create(indicator({ object_marking_refs: [TLP_MARKING_IDS.green] }));
    expect(bare.statusCode).toBe(201);
    expect(bare.json<{ sharing: { tlp: string } }>().sharing.tlp).toBe('green');
    const form = await create({ object: indicator({ id: 'indicator--11111111-2222-4333-8444-555555555555' }), tlp: 'green', audience: ['community'] });
    expect(form.statusCode).toBe(201);
    expect(form.json<{ sharing: unknown }>().sharing).toEqual({ owner: ORG_A, tlp: 'green', audience: ['community'] });
  });

  it('publishes a new version for the owner, answers unchanged for the same bytes, 409 for a different body at the same modified', async () => {
    expect((await create({ object: indicator(), tlp: 'green' })).statusCode).toBe(201);
    const v2 = await create({ object: indicator({ modified: '2024-11-05T14:00:00.000Z', name: 'renamed' }) });
    expect(v2.statusCode).toBe(201);
    expect(v2.json<{ outcome: string; sharing: { tlp: string } }>()).toMatchObject({ outcome: 'new-version', sharing: { tlp: 'green' } });
    const again = await create({ object: indicator({ modified: '2024-11-05T14:00:00.000Z', name: 'renamed' }) });
    expect(again.statusCode).toBe(200);
    expect(again.json<{ outcome: string }>().outcome).toBe('unchanged');
    const before = await h.fingerprint();
    const clash = await create({ object: indicator({ modified: '2024-11-05T14:00:00.000Z', name: 'different' }) });
    expect(clash.statusCode).toBe(409);
    expect(clash.json<{ code: string }>().code).toBe('version-conflict');
    expect(await h.fingerprint()).toBe(before);
  });

  it('refuses bad input with the exact status and code, storing nothing', async () => {
    expect((await create({ object: indicator(), tlp: 'green' })).statusCode).toBe(201);
    const before = await h.fingerprint();
    const cases: [unknown, number, string, string?][] = [
      [{ object: indicator({ id: 'indicator--22222222-2222-4222-8222-222222222222', pattern: undefined }) }, 422, 'invalid-stix-object', '$.object.pattern'],
      [{ object: indicator({ id: 'indicator--22222222-2222-4222-8222-222222222222', created_by_ref: 'identity--0b000000-0000-4000-8000-00000000000b' }) }, 422, 'created-by-mismatch'],
      [{ object: indicator({ id: 'indicator--22222222-2222-4222-8222-222222222222' }), sharing: { tlp: 'amber+strict', audience: ['community'] } }, 422, 'tlp-audience-mismatch'],
      [{ object: indicator({ id: 'indicator--22222222-2222-4222-8222-222222222222', object_marking_refs: [TLP_MARKING_IDS.red] }), tlp: 'green' }, 422, 'tlp-marking-mismatch'],
      [{ object: indicator(), sharing: { tlp: 'purple' } }, 400, 'invalid-request', 'body.sharing.tlp'],
      [{ object: indicator(), colour: 'red' }, 400, 'invalid-request'],
      [{ object: indicator(), audience: ['everyone'] }, 400, 'invalid-request', 'body.audience.0'],
      [[1, 2], 400, 'invalid-request'],
    ];
    for (const [body, status, code, path] of cases) {
      const res = await create(body);
      expect(res.statusCode, JSON.stringify(body)).toBe(status);
      expect(res.headers['content-type']).toBe('application/problem+json; charset=utf-8');
      const problem = res.json<{ code: string; status: number; errors?: { path?: string }[] }>();
      expect(problem.code, res.body).toBe(code);
      expect(problem.status).toBe(status);
      if (path !== undefined) expect(problem.errors?.map((e) => e.path)).toContain(path);
    }
    expect(await h.fingerprint()).toBe(before);
  });

  it('answers malformed JSON with 400 malformed-json naming line and column, wrong media type 415, too large 413', async () => {
    const before = await h.fingerprint();
    const malformed = await h.app.inject({ method: 'POST', url: '/api/v1/objects', headers: { ...bearer(h.a.writeKey), 'content-type': 'application/json' }, payload: '{\n  "object": {"type": "indicator",,}\n}' });
    expect(malformed.statusCode).toBe(400);
    expect(malformed.json()).toMatchObject({ code: 'malformed-json', detail: expect.stringContaining('line 2, column 34') as unknown });
    const text = await h.app.inject({ method: 'POST', url: '/api/v1/objects', headers: { ...bearer(h.a.writeKey), 'content-type': 'text/plain' }, payload: 'hello' });
    expect(text.statusCode).toBe(415);
    expect(text.json<{ code: string }>().code).toBe('unsupported-media-type');
    const empty = await h.app.inject({ method: 'POST', url: '/api/v1/objects', headers: { ...bearer(h.a.writeKey), 'content-type': 'application/json' }, payload: '' });
    expect(empty.statusCode).toBe(400);
    expect(empty.json<{ code: string }>().code).toBe('malformed-json');
    const deep = await h.app.inject({ method: 'POST', url: '/api/v1/objects', headers: { ...bearer(h.a.writeKey), 'content-type': 'application/json' }, payload: `{"object": {"spec_version": ${'['.repeat(20_000)}${']'.repeat(20_000)}}}` });
    expect(deep.statusCode).toBe(400);
    expect(deep.json()).toMatchObject({ code: 'too-deeply-nested', detail: expect.stringContaining('$.object.spec_version[0]') as unknown });
    const small = await harness({ stix, config: { bodyLimit: 1024 } });
    const big = await small.app.inject({ method: 'POST', url: '/api/v1/objects', headers: bearer(small.a.writeKey), payload: { object: indicator({ description: 'x'.repeat(2000) }) } });
    expect(big.statusCode).toBe(413);
    expect(big.json<{ code: string }>().code).toBe('payload-too-large');
    await small.close();
    expect(await h.fingerprint()).toBe(before);
  });

  it('lets only the owner publish versions: 403 not-owner, nothing stored', async () => {
    expect((await create({ object: indicator(), tlp: 'green', audience: ['community'] })).statusCode).toBe(201);
    const before = await h.fingerprint();
    const res = await create({ object: indicator({ modified: '2024-11-05T15:00:00.000Z' }) }, h.b.writeKey);
    expect(res.statusCode).toBe(403);
    expect(res.json<{ code: string }>().code).toBe('not-owner');
    expect(await h.fingerprint()).toBe(before);
  });
});

describe('authentication and CSRF on writes', () => {
  it('401 unauthenticated with WWW-Authenticate; 401 invalid-api-key; 401 invalid-authorization', async () => {
    const none = await h.app.inject({ method: 'GET', url: '/api/v1/objects' });
    expect(none.statusCode).toBe(401);
    expect(none.headers['www-authenticate']).toContain('Bearer');
    expect(none.json<{ code: string }>().code).toBe('unauthenticated');
    const wrong = await h.app.inject({ method: 'GET', url: '/api/v1/objects', headers: bearer('rk_nope') });
    expect(wrong.json<{ code: string }>().code).toBe('invalid-api-key');
    const basic = await h.app.inject({ method: 'GET', url: '/api/v1/objects', headers: { authorization: 'Basic dTpw' } });
    expect(basic.statusCode).toBe(401);
    expect(basic.json<{ code: string }>().code).toBe('invalid-authorization');
  });

  it('a read-scoped key cannot write: 403 insufficient-scope, nothing stored', async () => {
    const before = await h.fingerprint();
    const res = await create({ object: indicator() }, h.a.readKey);
    expect(res.statusCode).toBe(403);
    expect(res.json<{ code: string }>().code).toBe('insufficient-scope');
    expect(await h.fingerprint()).toBe(before);
  });

  it('cookie writes need the CSRF token: csrf-missing, csrf-invalid, then success', async () => {
    const { cookie, csrf } = await h.signIn(h.a);
    const before = await h.fingerprint();
    const post = (headers: Record<string, string>) => h.app.inject({ method: 'POST', url: '/api/v1/objects', headers: { cookie, ...headers }, payload: { object: indicator(), tlp: 'green' } });
    const missing = await post({});
    expect(missing.statusCode).toBe(403);
    expect(missing.json<{ code: string }>().code).toBe('csrf-missing');
    const invalid = await post({ 'x-csrf-token': `${csrf}x` });
    expect(invalid.statusCode).toBe(403);
    expect(invalid.json<{ code: string }>().code).toBe('csrf-invalid');
    expect(await h.fingerprint()).toBe(before);
    expect((await post({ 'x-csrf-token': csrf })).statusCode).toBe(201);
  });
});

describe('GET /api/v1/objects and /api/v1/objects/{id}', () => {
  it('lists with type, q and cursor pagination, serving stored bytes', async () => {
    for (let i = 0; i < 5; i++) {
      const id = `indicator--0000000${i}-2222-4222-8222-222222222222`;
      expect((await create({ object: indicator({ id, name: i % 2 === 0 ? `even ${i}` : `odd ${i}` }), tlp: 'green' })).statusCode).toBe(201);
    }
    const get = (query: string) => h.app.inject({ method: 'GET', url: `/api/v1/objects${query}`, headers: bearer(h.a.readKey) });
    const first = await get('?limit=2');
    expect(first.statusCode).toBe(200);
    const page1 = first.json<{ items: { id: string }[]; next_cursor: string | null }>();
    expect(page1.items).toHaveLength(2);
    expect(page1.next_cursor).not.toBeNull();
    const seen = new Set(page1.items.map((i) => i.id));
    let cursor = page1.next_cursor;
    while (cursor !== null) {
      const page = (await get(`?limit=2&cursor=${encodeURIComponent(cursor)}`)).json<{ items: { id: string }[]; next_cursor: string | null }>();
      for (const item of page.items) seen.add(item.id);
      cursor = page.next_cursor;
    }
    expect(seen.size).toBe(5);
    expect((await get('?type=identity')).json<{ items: unknown[] }>().items).toEqual([]);
    expect((await get('?type=indicator,identity')).json<{ items: unknown[] }>().items).toHaveLength(5);
    expect((await get('?exclude_type=indicator')).json<{ items: unknown[] }>().items).toEqual([]);
    expect((await get('?exclude_type=relationship,identity')).json<{ items: unknown[] }>().items).toHaveLength(5);
  });

  it('refuses bad queries with 400 invalid-request naming the field', async () => {
    const get = (query: string) => h.app.inject({ method: 'GET', url: `/api/v1/objects${query}`, headers: bearer(h.a.readKey) });
    const cases: [string, string][] = [
      ['?limit=0', 'querystring.limit'],
      ['?limit=1001', 'querystring.limit'],
      ['?limit=ten', 'querystring.limit'],
      ['?modifed_from=2024-01-01T00:00:00Z', 'querystring.modifed_from'],
      ['?modified_from=yesterday', 'querystring.modified_from'],
      ['?type=Indicator', 'querystring.type'],
      ['?exclude_type=relationship,', 'querystring.exclude_type'],
    ];
    for (const [query, path] of cases) {
      const res = await get(query);
      expect(res.statusCode, query).toBe(400);
      const body = res.json<{ code: string; errors: { path: string }[] }>();
      expect(body.code).toBe('invalid-request');
      expect(body.errors.map((e) => e.path)).toContain(path);
    }
    const impossible = await get('?added_after=2024-02-30T00:00:00Z');
    expect(impossible.statusCode).toBe(400);
  });

  it('shows the latest version, every version and the sharing; 404 not-found for an unknown id, 400 for a malformed one', async () => {
    await create({ object: indicator(), tlp: 'green' });
    await create({ object: indicator({ modified: '2024-11-05T14:00:00.000Z', name: 'v2' }) });
    const res = await h.app.inject({ method: 'GET', url: `/api/v1/objects/${ID}`, headers: bearer(h.a.readKey) });
    expect(res.statusCode).toBe(200);
    const body = res.json<{ object: { name: string }; versions: { modified: string; added: string }[]; sharing: { owner: string } }>();
    expect(body.object.name).toBe('v2');
    expect(body.versions.map((v) => v.modified).sort()).toEqual(['2024-11-05T13:00:00.000Z', '2024-11-05T14:00:00.000Z']);
    expect(body.versions[0]?.added).toMatch(/^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}\.\d{6}Z$/);
    expect(body.sharing.owner).toBe(ORG_A);
    const unknown = await h.app.inject({ method: 'GET', url: '/api/v1/objects/indicator--99999999-2222-4222-8222-222222222222', headers: bearer(h.a.readKey) });
    expect(unknown.statusCode).toBe(404);
    expect(unknown.json<{ code: string }>().code).toBe('not-found');
    const bad = await h.app.inject({ method: 'GET', url: '/api/v1/objects/not-an-id', headers: bearer(h.a.readKey) });
    expect(bad.statusCode).toBe(400);
    expect(bad.json<{ errors: { path: string }[] }>().errors[0]?.path).toBe('params.id');
  });
});

describe('POST /api/v1/objects/{id}/revoke', () => {
  it('writes a revoked version with a later modified; only once; only the owner; 404 when unknown', async () => {
    await create({ object: indicator(), tlp: 'green', audience: ['community'] });
    const url = `/api/v1/objects/${ID}/revoke`;
    const other = await h.app.inject({ method: 'POST', url, headers: bearer(h.b.writeKey) });
    expect(other.statusCode).toBe(403);
    expect(other.json<{ code: string }>().code).toBe('not-owner');
    const res = await h.app.inject({ method: 'POST', url, headers: bearer(h.a.writeKey) });
    expect(res.statusCode).toBe(201);
    expect(res.json<{ object: { revoked: boolean; modified: string } }>().object).toMatchObject({ revoked: true, modified: '2024-11-06T09:00:00.000Z' });
    const before = await h.fingerprint();
    const twice = await h.app.inject({ method: 'POST', url, headers: bearer(h.a.writeKey) });
    expect(twice.statusCode).toBe(409);
    expect(twice.json<{ code: string }>().code).toBe('already-revoked');
    const unknown = await h.app.inject({ method: 'POST', url: '/api/v1/objects/indicator--99999999-2222-4222-8222-222222222222/revoke', headers: bearer(h.a.writeKey) });
    expect(unknown.statusCode).toBe(404);
    expect(await h.fingerprint()).toBe(before);
  });
});
