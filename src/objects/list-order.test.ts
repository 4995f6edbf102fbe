import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { openStore, type RampartStore } from '../store/index.ts';
import { bearer, harness, phishingIndicator, type Harness } from '../../test/helpers/http.ts';

let store: RampartStore;
let h: Harness;

beforeEach(async () => {
  store = await openStore({ url: ':memory:' });
  h = await harness({ stix: store.stix, now: () => new Date('2024-11-06T09:00:00.000Z') });
});
afterEach(async () => {
  await h.close();
  await store.close();
});

const ids = ['indicator--00000000-0000-4000-8000-0000000000a1', 'indicator--00000000-0000-4000-8000-0000000000a2', 'indicator--00000000-0000-4000-8000-0000000000a3'];

describe('GET /api/v1/objects?order=', () => {
  it('lists newest first with order=desc, page by page, and refuses a cursor used in the other order', async () => {
    for (const id of ids) {
      const res = await h.app.inject({ method: 'POST', url: '/api/v1/objects', headers: bearer(h.a.writeKey), payload: { object: phishingIndicator({ id }), tlp: 'green', audience: ['community'] } });
      expect(res.statusCode).toBe(201);
    }
    const page = async (query: string) => {
      const res = await h.app.inject({ method: 'GET', url: `/api/v1/objects?type=indicator&${query}`, headers: bearer(h.b.readKey) });
      return { status: res.statusCode, body: res.json<{ items: { id: string }[]; next_cursor: string | null; code?: string }>() };
    };
    const first = await page('order=desc&limit=2');
    expect(first.body.items.map((o) => o.id)).toEqual([ids[2], ids[1]]);
    const second = await page(`order=desc&limit=2&cursor=${first.body.next_cursor ?? ''}`);
    expect(second.body.items.map((o) => o.id)).toEqual([ids[0]]);
    expect((await page('limit=5')).body.items.map((o) => o.id)).toEqual(ids);
    const mixed = await page(`limit=2&cursor=${first.body.next_cursor ?? ''}`);
    expect(mixed.status).toBe(400);
    expect((await page('order=sideways')).status).toBe(400);
  });
});
