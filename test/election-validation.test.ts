import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { OrgId } from '../src/domain/ids.ts';
import type { Hub } from '../src/hub/compose.ts';
import { composedHub, type ComposedHub } from './helpers/composed-hub.ts';
import { exampleStatus } from './helpers/rampart-examples.ts';
import type { RampartStore } from '../src/store/index.ts';
import { tableRows } from './helpers/store.ts';

const TAXII = 'application/taxii+json;version=2.1';
/** Columns a refused request may touch without storing anything: when the key was last used. */
const IGNORE = { api_key: ['last_used_at'] };

/** A bad status report is refused on every write path of the composed hub, naming the field, and nothing is stored. */
describe('status report validation on REST, TAXII and import', () => {
  let composed: ComposedHub;
  let store: RampartStore;
  let hub: Hub;
  let key = '';
  let county: OrgId;

  beforeAll(async () => {
    composed = await composedHub();
    ({ hub, store } = composed);
    county = await composed.organization({ kind: 'local', name: 'Dane County Clerk (test)', state_fips: '55', county_fips: '55025' });
    key = (await composed.person(county, 'clerk')).key;
  });
  afterAll(() => composed.close());

  const headers = (accept = 'application/json') => ({ authorization: `Bearer ${key}`, accept });
  const bad = () => [
    { object: exampleStatus({ jurisdiction_ref: county, functions: {} }), path: 'functions', code: 'no-functions' },
    { object: exampleStatus({ jurisdiction_ref: county, functions: { 'vote-buying': { level: 'normal' } } }), path: 'functions["vote-buying"]', code: 'unknown-election-function' },
    { object: exampleStatus({ jurisdiction_ref: county, functions: { voting: { level: 'fine' } } }), path: 'functions.voting.level', code: 'unknown-status-level' },
  ];

  it('REST POST /api/v1/objects answers 422 with the field', async () => {
    for (const { object, path, code } of bad()) {
      const before = await tableRows(store.database, IGNORE);
      const res = await hub.app.inject({ method: 'POST', url: '/api/v1/objects', headers: headers(), payload: { object, tlp: 'amber', audience: ['state:55'] } });
      expect(res.statusCode, res.body).toBe(422);
      expect(res.json<{ errors: { path: string; code: string }[] }>().errors).toEqual([expect.objectContaining({ path: `$.object.${path}`, code })]);
      expect(await tableRows(store.database, IGNORE)).toEqual(before);
    }
  });

  it('REST import refuses the bundle with the field, storing nothing', async () => {
    for (const { object, path, code } of bad()) {
      const before = await tableRows(store.database, IGNORE);
      const bundle = { type: 'bundle', id: 'bundle--5e1ec710-0000-4000-8000-0000000000bb', objects: [object] };
      const res = await hub.app.inject({ method: 'POST', url: '/api/v1/import', headers: { ...headers(), 'content-type': 'application/stix+json' }, payload: JSON.stringify(bundle) });
      expect(res.statusCode, res.body).toBe(422);
      expect(res.json<{ errors: { path: string; code: string }[] }>().errors).toEqual([expect.objectContaining({ path: `$.objects[0].${path}`, code })]);
      expect(await tableRows(store.database, IGNORE)).toEqual(before);
    }
  });

  it('TAXII POST reports the object as failed, storing nothing', async () => {
    const collections = await hub.app.inject({ method: 'GET', url: '/taxii2/rampart/collections/', headers: headers(TAXII) });
    const writable = collections.json<{ collections: { id: string; can_write: boolean }[] }>().collections.find((c) => c.can_write);
    if (writable === undefined) throw new Error(`no writable collection in ${collections.body}`);
    for (const { object, path } of bad()) {
      const before = await tableRows(store.database, IGNORE);
      const res = await hub.app.inject({
        method: 'POST',
        url: `/taxii2/rampart/collections/${writable.id}/objects/`,
        headers: { ...headers(TAXII), 'content-type': TAXII },
        payload: JSON.stringify({ objects: [object] }),
      });
      const body = res.json<{ success_count?: number; failure_count?: number; failures?: { message: string }[] }>();
      expect([res.statusCode, body.success_count, body.failure_count], res.body).toEqual([202, 0, 1]);
      expect(body.failures?.[0]?.message).toContain(`$.objects[0].${path}`);
      const after = await tableRows(store.database, IGNORE);
      // The TAXII status resource of the request is the one thing written; no STIX rows.
      for (const table of ['stix_version', 'stix_audience', 'stix_ref']) expect(after.get(table), table).toEqual(before.get(table));
    }
  });
});
