import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { bearer, harness, phishingIndicator as indicator, type Harness } from './helpers/http.ts';
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

  it('filters by TLP, owner, label, severity and state, and says how many match over all pages', async () => {
    const labelled = indicator({ id: 'indicator--0000000a-2222-4222-8222-222222222222', name: 'labelled', labels: ['phishing'] });
    expect((await create({ object: labelled, sharing: { tlp: 'green', audience: ['community'] } })).statusCode).toBe(201);
    expect((await create({ object: indicator({ id: 'indicator--0000000b-2222-4222-8222-222222222222', name: 'clear one' }), sharing: { tlp: 'clear', audience: ['public'] } })).statusCode).toBe(201);
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

});
