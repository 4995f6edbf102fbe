import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createApiKey } from '../src/accounts/api-keys.ts';
import { OPERATOR } from '../src/accounts/context.ts';
import { createOrganization, seedOrganizations } from '../src/accounts/organizations.ts';
import { createUser } from '../src/accounts/users.ts';
import type { OrgId } from '../src/domain/ids.ts';
import { composeHub, type Hub } from '../src/hub/compose.ts';
import { openStore, type RampartStore } from '../src/store/index.ts';
import { testDatabase, type TestDatabase } from './helpers/store.ts';
import { TEST_POLICY } from './helpers/accounts.ts';

const HUB = 'identity--cc8654b7-1ffc-487a-bf1c-ed29e18f0a33' as OrgId;
const TAXII = 'application/taxii+json;version=2.1';

/** The hub as `rampart serve` composes it: the features reach each other through the wiring, not only in their own tests. */
describe('the composed hub', () => {
  let db: TestDatabase;
  let store: RampartStore;
  let hub: Hub;
  const keys: Record<'county' | 'state' | 'outsider', string> = { county: '', state: '', outsider: '' };
  let county: OrgId;

  beforeAll(async () => {
    db = testDatabase('sqlite');
    store = await openStore({ url: db.url });
    hub = await composeHub({ store, hubOwner: HUB, authPolicy: TEST_POLICY, http: { matchLimit: 4096 } });
    const seeded = await seedOrganizations(store);
    if (!seeded.ok) throw new Error(seeded.error.message);
    const ctx = hub.auth.context;
    const made = await createOrganization(ctx, OPERATOR, { kind: 'local', name: 'Birch Falls Town Clerk (fictional)', state_fips: '55' });
    if (!made.ok) throw new Error(made.error.message);
    county = made.value.id;
    const wisconsin = (await ctx.accounts.listOrganizations({ stateFips: '55' })).find((o) => o.kind === 'state');
    const illinois = (await ctx.accounts.listOrganizations({ stateFips: '17' })).find((o) => o.kind === 'state');
    if (wisconsin === undefined || illinois === undefined) throw new Error('seed is missing a state');
    for (const [who, org] of [['county', county], ['state', wisconsin.id], ['outsider', illinois.id]] as const) {
      const email = `${who}@hub-test.example`;
      const user = await createUser(ctx, OPERATOR, { email, name: who, role: 'analyst', password: 'correct horse battery staple', org_id: org });
      if (!user.ok) throw new Error(user.error.message);
      const row = await ctx.accounts.userByEmail(email);
      if (row === null) throw new Error('user not stored');
      const key = await createApiKey(ctx, OPERATOR, row, { name: 'test', scope: 'write' });
      if (!key.ok) throw new Error(key.error.message);
      keys[who] = key.value.key;
    }
  });
  afterAll(async () => {
    await hub.app.close();
    await store.close();
    await db.drop();
  });

  const as = (who: keyof typeof keys, accept = 'application/json') => ({ authorization: `Bearer ${keys[who]}`, accept });

  it('records REST imports and TAXII posts that stored something in the audit log, as the wiring of rampart serve does', async () => {
    const before = (await hub.audit.entries(0, 10_000)).length;
    const indicator = (n: number) => ({ type: 'indicator', spec_version: '2.1', id: `indicator--${String(n).padStart(8, '0')}-5555-4555-8555-555555555555`, created: '2026-10-01T00:00:00.000Z', modified: '2026-10-01T00:00:00.000Z', pattern: "[domain-name:value = 'audit.example']", pattern_type: 'stix', valid_from: '2026-10-01T00:00:00Z' });
    const bundle = JSON.stringify({ type: 'bundle', id: 'bundle--5a5a5a5a-5a5a-4a5a-8a5a-5a5a5a5a5a5a', objects: [indicator(1)] });
    const imported = await hub.app.inject({ method: 'POST', url: '/api/v1/import?tlp=green&audience=community', headers: { ...as('county'), 'content-type': 'application/json' }, payload: bundle });
    expect(imported.statusCode, imported.body).toBe(200);
    const collections = await hub.app.inject({ method: 'GET', url: '/taxii2/rampart/collections/', headers: as('county', TAXII) });
    const mine = collections.json<{ collections: { id: string; alias?: string }[] }>().collections.find((c) => c.alias === 'my-organization');
    if (mine === undefined) throw new Error(`no my-organization collection in ${collections.body}`);
    const posted = await hub.app.inject({ method: 'POST', url: `/taxii2/rampart/collections/${mine.id}/objects/`, headers: { ...as('county', TAXII), 'content-type': TAXII }, payload: JSON.stringify({ objects: [indicator(2)] }) });
    expect(posted.statusCode, posted.body).toBe(202);
    // The same post again stores nothing new: no entry.
    expect((await hub.app.inject({ method: 'POST', url: `/taxii2/rampart/collections/${mine.id}/objects/`, headers: { ...as('county', TAXII), 'content-type': TAXII }, payload: JSON.stringify({ objects: [indicator(2)] }) })).statusCode).toBe(202);
    const added = (await hub.audit.entries(0, 10_000)).slice(before).filter((e) => e.action === 'import');
    expect(added.map((e) => [e.actor_org, e.details['via'], e.details['added']])).toEqual([
      [county, 'POST /api/v1/import', 1],
      [county, 'TAXII POST objects', 1],
    ]);
    expect((await hub.audit.verify()).findings).toEqual([]);
  });

  it('takes log uploads to POST /api/v1/match up to the configured limit (http.matchLimit), refusing larger ones with 413', async () => {
    const upload = (body: string) => hub.app.inject({ method: 'POST', url: '/api/v1/match?format=jsonl', headers: { ...as('county'), 'content-type': 'application/x-ndjson' }, payload: body });
    const line = '{"query":"ballots.example"}\n';
    expect((await upload(line)).statusCode).toBe(200);
    const big = await upload(line.repeat(200));
    expect([big.statusCode, big.json<{ code: string; detail: string }>()]).toEqual([413, expect.objectContaining({ code: 'payload-too-large', detail: 'the log is larger than the 4096-byte limit; split it' })]);
  });

  it('serves a county TLP:AMBER report to its state over TAXII, records that read in the county trail, and shows it to no other state', async () => {
    const indicator = {
      type: 'indicator',
      spec_version: '2.1',
      id: 'indicator--7a7a7a7a-0000-4000-8000-000000000001',
      created: '2026-11-02T10:00:00.000Z',
      modified: '2026-11-02T10:00:00.000Z',
      name: 'Scanner probing the county results site (fictional)',
      pattern: "[ipv4-addr:value = '203.0.113.77']",
      pattern_type: 'stix',
      valid_from: '2026-11-02T10:00:00Z',
    };
    const posted = await hub.app.inject({ method: 'POST', url: '/api/v1/objects', headers: as('county'), payload: { object: indicator, tlp: 'amber', audience: ['state:55'] } });
    expect(posted.statusCode, posted.body).toBe(201);

    const collections = await hub.app.inject({ method: 'GET', url: '/taxii2/rampart/collections/', headers: as('state', TAXII) });
    const stateCollection = collections.json<{ collections: { id: string; title: string }[] }>().collections.find((c) => c.title.startsWith('Wisconsin: state office'));
    if (stateCollection === undefined) throw new Error(`no Wisconsin collection in ${collections.body}`);
    const objects = await hub.app.inject({ method: 'GET', url: `/taxii2/rampart/collections/${stateCollection.id}/objects/?match[type]=indicator`, headers: as('state', TAXII) });
    expect(objects.statusCode).toBe(200);
    expect(objects.json<{ objects: { id: string }[] }>().objects.map((o) => o.id)).toContain(indicator.id);

    const trail = await hub.audit.trail(county, 0, 100);
    const read = trail.find((e) => e.action === 'read' && e.details['via'] === 'TAXII GET objects');
    expect(read).toMatchObject({ object_id: indicator.id, subject_org: county });
    expect((await hub.audit.verify()).findings).toEqual([]);

    const outsider = await hub.app.inject({ method: 'GET', url: `/api/v1/objects/${indicator.id}`, headers: as('outsider') });
    expect(outsider.statusCode).toBe(404);
    const outsiderCollections = await hub.app.inject({ method: 'GET', url: '/taxii2/rampart/collections/', headers: as('outsider', TAXII) });
    for (const c of outsiderCollections.json<{ collections: { id: string }[] }>().collections) {
      const page = await hub.app.inject({ method: 'GET', url: `/taxii2/rampart/collections/${c.id}/objects/?match[id]=${indicator.id}`, headers: as('outsider', TAXII) });
      expect(page.body).not.toContain(indicator.id);
    }
  });

  it('exports as a STIX bundle only what the caller may see, records the export, and refuses bad parameters', async () => {
    const id = 'indicator--7a7a7a7a-0000-4000-8000-000000000001';
    const mine = await hub.app.inject({ method: 'GET', url: '/api/v1/export?type=indicator', headers: as('state') });
    expect(mine.statusCode).toBe(200);
    expect(mine.headers['content-type']).toBe('application/stix+json;version=2.1');
    const bundle = mine.json<{ type: string; objects: { id: string }[] }>();
    expect(bundle.type).toBe('bundle');
    expect(bundle.objects.map((o) => o.id)).toContain(id);
    const theirs = await hub.app.inject({ method: 'GET', url: '/api/v1/export?type=indicator', headers: as('outsider') });
    expect(theirs.statusCode).toBe(200);
    expect(theirs.body).not.toContain(id);
    const entries = await hub.audit.entries(0, 1000);
    expect(entries.filter((e) => e.action === 'export').length).toBe(2);
    const badType = await hub.app.inject({ method: 'GET', url: '/api/v1/export?type=Not_A_Type', headers: as('state') });
    expect(badType.statusCode).toBe(400);
    expect(badType.json<{ code: string }>().code).toBe('invalid-type');
    const badSince = await hub.app.inject({ method: 'GET', url: '/api/v1/export?since=yesterday', headers: as('state') });
    expect(badSince.json<{ code: string }>().code).toBe('invalid-timestamp');
    expect((await hub.app.inject({ method: 'GET', url: '/api/v1/export' })).statusCode).toBe(401);
  });
});
