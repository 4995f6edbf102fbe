import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { bearer, harness, ORG_A, phishingIndicator as indicator, type Harness } from './helpers/http.ts';
import type { OrgId } from '../src/domain/ids.ts';
import type { StixStore } from '../src/store/types.ts';
import { freshStores, obj, put, share } from './helpers/stix-kit.ts';
import { testDialects } from './helpers/store.ts';

describe.each(testDialects())('GET /api/v1/objects filters and totals on %s', (dialect) => {
  const fresh = freshStores(dialect);
  let h: Harness;
  let stix: StixStore;
  beforeEach(async () => {
    stix = (await fresh()).store.stix;
    h = await harness({ stix });
  });
  afterEach(async () => {
    await h.close();
  });
  const create = (body: unknown) => h.app.inject({ method: 'POST', url: '/api/v1/objects', headers: bearer(h.a.writeKey), payload: body as object });

  it('finds by value through q, and says how many match', async () => {
    expect((await create({ object: indicator(), sharing: { tlp: 'green', audience: ['community'] } })).statusCode).toBe(201);
    const res = await h.app.inject({ method: 'GET', url: '/api/v1/objects?q=www.clerk-elections.example', headers: bearer(h.a.readKey) });
    expect(res.json<{ total: number }>().total).toBe(0);
    const found = await h.app.inject({ method: 'GET', url: '/api/v1/objects?q=clerk-elections.example', headers: bearer(h.a.readKey) });
    expect(found.json<{ total: number; items: unknown[] }>()).toMatchObject({ total: 1, items: [{ name: 'Phishing domain impersonating the county clerk' }] });
  });

  it('counts the total up to 1,000 and says when more match', async () => {
    const reports = (from: number, to: number) => Array.from({ length: to - from }, (_, n) => obj({ type: 'report', name: `Ballot notice ${from + n}`, sharing: share(ORG_A, 'green', ['community']) }));
    await put(stix, reports(0, 1000));
    const total = async (query: string) => (await h.app.inject({ method: 'GET', url: `/api/v1/objects${query}`, headers: bearer(h.b.readKey) })).json<{ total: number; total_capped: boolean }>();
    expect(await total('?q=ballot&limit=1')).toEqual(expect.objectContaining({ total: 1000, total_capped: false }));
    await put(stix, reports(1000, 1002));
    expect(await total('?q=ballot&limit=1')).toEqual(expect.objectContaining({ total: 1000, total_capped: true }));
    expect(await total('?type=report&limit=1')).toEqual(expect.objectContaining({ total: 1000, total_capped: true }));
    expect(await total('?q=notice+1001')).toEqual(expect.objectContaining({ total: 1, total_capped: false }));
  });

  it('filters by TLP, owner, label, severity, state and a date range, and says how many match over all pages', async () => {
    const labelled = indicator({ id: 'indicator--0000000a-2222-4222-8222-222222222222', name: 'labelled', labels: ['phishing'] });
    expect((await create({ object: labelled, sharing: { tlp: 'green', audience: ['community'] } })).statusCode).toBe(201);
    expect((await create({ object: indicator({ id: 'indicator--0000000b-2222-4222-8222-222222222222', name: 'clear one', modified: '2024-11-20T09:00:00.000Z' }), sharing: { tlp: 'clear', audience: ['public'] } })).statusCode).toBe(201);
    const get = async (query: string) => {
      const res = await h.app.inject({ method: 'GET', url: `/api/v1/objects${query}`, headers: bearer(h.a.readKey) });
      expect(res.statusCode, res.body).toBe(200);
      const body = res.json<{ items: { name: string }[]; total: number; next_cursor: string | null }>();
      return { names: body.items.map((i) => i.name), total: body.total };
    };
    expect(await get('?tlp=clear')).toEqual({ names: ['clear one'], total: 1 });
    expect(await get('?tlp=green,clear&limit=1')).toMatchObject({ names: ['labelled'], total: 2 });
    expect(await get('?label=phishing,other')).toEqual({ names: ['labelled'], total: 1 });
    expect(await get('?owner=identity--99999999-9999-4999-8999-999999999999')).toEqual({ names: [], total: 0 });
    expect(await get(`?type=indicator&owner=${h.a.orgId}&sort=name&order=asc`)).toEqual({ names: ['clear one', 'labelled'], total: 2 });
    // A date range on the modified time: either end alone, or both.
    expect(await get('?type=indicator&modified_from=2024-11-10T00:00:00Z')).toEqual({ names: ['clear one'], total: 1 });
    expect(await get('?type=indicator&modified_to=2024-11-10T00:00:00Z')).toEqual({ names: ['labelled'], total: 1 });
    expect(await get('?type=indicator&modified_from=2024-11-05T00:00:00Z&modified_to=2024-11-05T23:59:59.999Z')).toEqual({ names: ['labelled'], total: 1 });
    expect(await get('?type=indicator&modified_from=2024-11-21T00:00:00Z')).toEqual({ names: [], total: 0 });
    expect(await get('?severity=high')).toEqual({ names: [], total: 0 });
    expect(await get('?state=55')).toEqual({ names: [], total: 0 });
    // The reference library (here an object its publisher MITRE created) is left out unless asked for.
    const mitre = 'identity--c78cb6e5-0c4b-4611-8297-d1b8b55e40b5';
    await put(stix, [obj({ type: 'attack-pattern', name: 'reference', sharing: share(mitre as OrgId, 'green', ['community']) })]);
    expect((await get('?tlp=green')).names).toEqual(['labelled']);
    expect(await get('?tlp=green&reference=include')).toEqual({ names: ['labelled', 'reference'], total: 2 });
    expect(await get('?reference=only')).toEqual({ names: ['reference'], total: 1 });
    for (const bad of ['?reference=yes', '?tlp=amber-strict', '?severity=urgent', '?state=5', '?owner=org-a']) {
      const res = await h.app.inject({ method: 'GET', url: `/api/v1/objects${bad}`, headers: bearer(h.a.readKey) });
      expect(res.statusCode, bad).toBe(400);
      expect(res.json<{ errors: { path: string }[] }>().errors.map((e) => e.path)[0], bad).toMatch(/^querystring\./);
    }
  });


  it('exports what is shared with the reader without the reference library unless asked for', async () => {
    expect((await create({ object: indicator({ name: 'shared' }), sharing: { tlp: 'green', audience: ['community'] } })).statusCode).toBe(201);
    const mitre = 'identity--c78cb6e5-0c4b-4611-8297-d1b8b55e40b5';
    await put(stix, [obj({ type: 'attack-pattern', name: 'reference', sharing: share(mitre as OrgId, 'green', ['community']) })]);
    const exported = async (query: string) => {
      const res = await h.app.inject({ method: 'GET', url: `/api/v1/export${query}`, headers: bearer(h.a.readKey) });
      expect(res.statusCode, res.body).toBe(200);
      return (res.json<{ objects?: { name?: string }[] }>().objects ?? []).map((o) => o.name).sort();
    };
    expect(await exported('')).toEqual(['shared']);
    expect(await exported('?reference=include')).toEqual(['reference', 'shared']);
    expect(await exported('?reference=only')).toEqual(['reference']);
    const bad = await h.app.inject({ method: 'GET', url: '/api/v1/export?reference=yes', headers: bearer(h.a.readKey) });
    expect(bad.statusCode).toBe(400);
  });

  it('sorts by modified time, by name and by relevance, page by page, and refuses what it cannot sort', async () => {
    const items = [
      { id: 'indicator--0000000c-2222-4222-8222-222222222221', name: 'beta ballot phishing', description: 'ballot ballot ballot', modified: '2024-11-05T10:00:00.000Z' },
      { id: 'indicator--0000000c-2222-4222-8222-222222222222', name: 'Alpha notice', description: 'a long note about many other things, such as polling places, mail, results and staffing, that names the ballot once', modified: '2024-11-05T12:00:00.000Z' },
      { id: 'indicator--0000000c-2222-4222-8222-222222222223', name: 'gamma', description: 'nothing to see', modified: '2024-11-05T11:00:00.000Z' },
    ];
    for (const i of items) expect((await create({ object: indicator({ ...i, created: '2024-11-05T09:00:00.000Z' }), sharing: { tlp: 'green', audience: ['community'] } })).statusCode).toBe(201);
    const walk = async (query: string) => {
      const names: string[] = [];
      let cursor = '';
      for (;;) {
        const res = await h.app.inject({ method: 'GET', url: `/api/v1/objects?type=indicator&limit=1&${query}${cursor === '' ? '' : `&cursor=${cursor}`}`, headers: bearer(h.b.readKey) });
        expect(res.statusCode, res.body).toBe(200);
        const body = res.json<{ items: { name: string }[]; next_cursor: string | null; total: number }>();
        names.push(...body.items.map((i) => i.name));
        if (body.next_cursor === null) return { names, total: body.total };
        cursor = body.next_cursor;
      }
    };
    expect((await walk('sort=modified&order=desc')).names).toEqual(['Alpha notice', 'gamma', 'beta ballot phishing']);
    expect((await walk('sort=modified')).names).toEqual(['beta ballot phishing', 'gamma', 'Alpha notice']);
    expect((await walk('sort=name')).names).toEqual(['Alpha notice', 'beta ballot phishing', 'gamma']);
    expect((await walk('sort=name&order=desc')).names).toEqual(['gamma', 'beta ballot phishing', 'Alpha notice']);
    // Relevance: the item that says "ballot" four times ranks above the newer one that names it once in passing.
    expect(await walk('sort=relevance&q=ballot')).toEqual({ names: ['beta ballot phishing', 'Alpha notice'], total: 2 });
    // A value ranks nothing: newest modified first.
    expect((await walk('sort=relevance&q=clerk-elections.example')).names).toEqual(['Alpha notice', 'gamma', 'beta ballot phishing']);
    const bad = async (query: string) => h.app.inject({ method: 'GET', url: `/api/v1/objects?${query}`, headers: bearer(h.b.readKey) });
    const noQ = await bad('sort=relevance');
    expect(noQ.statusCode).toBe(400);
    expect(noQ.json<{ code: string }>().code).toBe('relevance-needs-q');
    expect((await bad('sort=size')).statusCode).toBe(400);
    const first = (await bad('type=indicator&limit=1&sort=name')).json<{ next_cursor: string }>().next_cursor;
    const crossed = await bad(`type=indicator&limit=1&sort=modified&cursor=${first}`);
    expect(crossed.statusCode).toBe(400);
    expect(crossed.json<{ code: string }>().code).toBe('invalid-cursor');
    expect((await bad(`type=indicator&limit=1&sort=name&order=desc&cursor=${first}`)).statusCode).toBe(400);
    expect((await bad(`type=indicator&limit=1&cursor=${first}`)).statusCode).toBe(400);
  });
});
