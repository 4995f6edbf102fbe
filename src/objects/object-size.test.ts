import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { bearer, harness, phishingIndicator as indicator, type Harness } from '../../test/helpers/http.ts';
import { tableRows, testDatabase, type TestDatabase } from '../../test/helpers/store.ts';
import { openStore, type RampartStore } from '../store/index.ts';
import { DEFAULT_LIMITS } from '../stix/bundle-splitter.ts';

let db: TestDatabase;
let store: RampartStore;
let h: Harness;

beforeEach(async () => {
  db = testDatabase('sqlite');
  store = await openStore({ url: db.url });
  h = await harness({ stix: store.stix, config: { bodyLimit: 64 * 1024 * 1024 } });
});
afterEach(async () => {
  await h.close();
  await store.close();
  await db.drop();
});

describe('one object size limit on every path', () => {
  it('POST /api/v1/objects refuses a 17 MB object as import does (object-too-large), storing nothing', async () => {
    expect(DEFAULT_LIMITS.maxObjectBytes).toBe(16 * 1024 * 1024);
    const huge = indicator({ description: 'x'.repeat(17 * 1024 * 1024) });
    const before = await tableRows(store.database);

    const published = await h.app.inject({ method: 'POST', url: '/api/v1/objects', headers: bearer(h.a.writeKey), payload: { object: huge, tlp: 'green', audience: ['community'] } });
    expect(published.statusCode).toBe(413);
    expect(published.json()).toMatchObject({ code: 'object-too-large', errors: [{ path: '$.object', code: 'object-too-large' }] });
    expect(published.json<{ detail: string }>().detail).toContain(`${DEFAULT_LIMITS.maxObjectBytes}-byte limit per object`);

    const imported = await h.app.inject({ method: 'POST', url: '/api/v1/import?tlp=green&audience=community', headers: bearer(h.a.writeKey), payload: JSON.stringify(huge) });
    expect(imported.statusCode).toBeGreaterThanOrEqual(400);
    console.log(imported.statusCode, imported.body.slice(0, 600));
    expect(await tableRows(store.database)).toEqual(before);

    // The same object at an ordinary size goes through both.
    const small = await h.app.inject({ method: 'POST', url: '/api/v1/objects', headers: bearer(h.a.writeKey), payload: { object: indicator({ description: 'x'.repeat(1024 * 1024) }), tlp: 'green', audience: ['community'] } });
    expect(small.statusCode).toBe(201);
  });
});
