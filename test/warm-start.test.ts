import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createApiKey } from '../src/accounts/api-keys.ts';
import { OPERATOR } from '../src/accounts/context.ts';
import { createOrganization, seedOrganizations } from '../src/accounts/organizations.ts';
import { createUser } from '../src/accounts/users.ts';
import type { OrgId } from '../src/domain/ids.ts';
import { composeHub, type Hub } from '../src/hub/compose.ts';
import { warmCredentials } from '../src/hub/warm-start.ts';
import { openStore, type RampartStore } from '../src/store/index.ts';
import { tableRows, testDatabase, testDialects, type TestDatabase } from './helpers/store.ts';
import { TEST_POLICY } from './helpers/accounts.ts';

const HUB = 'identity--cc8654b7-1ffc-487a-bf1c-ed29e18f0a33' as OrgId;
const ALL_NORMAL = Object.fromEntries(['voting', 'vote-counting', 'tallying', 'pollbooks'].map((f) => [f, { level: 'normal' }]));

describe.each(testDialects())('a warm start on %s', (dialect) => {
  let db: TestDatabase;
  let store: RampartStore;
  let hub: Hub;
  const now = new Date();
  const keys: Record<'county' | 'state' | 'federal', string> = { county: '', state: '', federal: '' };
  let election = '';

  const call = (who: keyof typeof keys, method: 'GET' | 'POST', url: string, payload?: unknown) =>
    hub.app.inject({ method, url, headers: { authorization: `Bearer ${keys[who]}` }, ...(payload === undefined ? {} : { payload: payload as Record<string, unknown> }) });

  beforeAll(async () => {
    db = testDatabase(dialect);
    store = await openStore({ url: db.url });
    hub = await composeHub({ store, hubOwner: HUB, authPolicy: TEST_POLICY });
    const seeded = await seedOrganizations(store);
    if (!seeded.ok) throw new Error(seeded.error.message);
    const ctx = hub.auth.context;
    const county = await createOrganization(ctx, OPERATOR, { kind: 'local', name: 'Dane County Clerk (test)', state_fips: '55', county_fips: '55025' });
    if (!county.ok) throw new Error(county.error.message);
    const orgs = await ctx.accounts.listOrganizations();
    const orgOf = { county: county.value.id, state: orgs.find((o) => o.kind === 'state' && o.state_fips === '55')?.id, federal: orgs.find((o) => o.short_name === 'CISA')?.id };
    for (const who of ['county', 'state', 'federal'] as const) {
      const org = orgOf[who];
      if (org === undefined) throw new Error('seed is missing an organization');
      const email = `${who}@warm-start.example`;
      const user = await createUser(ctx, OPERATOR, { email, name: who, role: 'org-admin', password: 'correct horse battery staple', org_id: org });
      if (!user.ok) throw new Error(user.error.message);
      const row = await ctx.accounts.userByEmail(email);
      if (row === null) throw new Error('no user');
      const key = await createApiKey(ctx, OPERATOR, row, { name: 'test', scope: 'write' });
      if (!key.ok) throw new Error(key.error.message);
      keys[who] = key.value.key;
    }
    const day = now.toISOString().slice(0, 10);
    const phases = [{ phase: 'election-day', start: new Date(now.getTime() - 3_600_000).toISOString(), end: new Date(now.getTime() + 3_600_000).toISOString(), report_every_minutes: 30 }];
    const made = await call('state', 'POST', '/api/v1/elections', { name: 'General election (test)', election_type: 'general', election_date: day, state_fips: ['55'], phases, tlp: 'green', audience: ['community'] });
    if (made.statusCode !== 201) throw new Error(made.body);
    election = made.json<{ object: { id: string } }>().object.id;
    const posted = await call('county', 'POST', `/api/v1/elections/${election}/status`, { functions: ALL_NORMAL });
    if (posted.statusCode !== 201) throw new Error(posted.body);
  });
  afterAll(async () => {
    await hub.app.close();
    await store.close();
    await db.drop();
  });

  it('builds and asks the offices’ roll-ups and reads their lists, writing nothing: no row, no audit entry', async () => {
    // The other API keys' last use is written behind the requests: settled before the rows are counted.
    await hub.auth.settled();
    const before = await tableRows(store.database);
    const warmed = await hub.warmStart();
    await hub.auth.settled();
    expect(warmed.rollups).toBeGreaterThan(0);
    // Every state, territory and federal office's national roll-up, and Wisconsin's own state roll-up.
    expect(warmed.requests).toBeGreaterThan(warmed.rollups / 2);
    expect(warmed.answered).toBe(warmed.requests);
    expect(warmed.reads).toBeGreaterThan(0);
    // Every table, the audit log's included.
    expect(await tableRows(store.database)).toEqual(before);
    // A warm start runs once: its credentials are gone after it.
    await expect(hub.warmStart()).rejects.toThrow(/warm start is over/);
  });

  it('answers the offices’ roll-ups afterwards as a cold server would', async () => {
    const state = await call('state', 'GET', `/api/v1/elections/${election}/rollup/55`);
    expect(state.statusCode, state.body).toBe(200);
    const body = state.json<{ counts: Record<string, number>; jurisdictions: { name: string; level: string }[] }>();
    expect(body.jurisdictions.find((j) => j.name === 'Dane County Clerk (test)')?.level).toBe('normal');
    // The federal office sees no county's TLP:AMBER status: its roll-up counts Wisconsin's office only, not the county.
    const federal = await call('federal', 'GET', `/api/v1/elections/${election}/rollup`);
    expect(federal.statusCode, federal.body).toBe(200);
    expect(federal.json<{ counts: Record<string, number> }>().counts['normal']).toBe(0);
  });
});

describe('warm-up credentials', () => {
  it('stand for their principal until the warm start ends, then are unknown keys', async () => {
    const asked: string[] = [];
    const real = {
      signIn: () => Promise.reject(new Error('unused')),
      session: () => Promise.resolve(null),
      signOut: () => Promise.resolve(),
      apiKey: (secret: string) => {
        asked.push(secret);
        return Promise.resolve(null);
      },
      apiKeyBasic: () => Promise.resolve(null),
    };
    const credentials = warmCredentials(real);
    const principal = { orgId: HUB, userId: null, keys: ['community' as const], scope: 'read' as const };
    const secret = credentials.lend(principal);
    expect(await credentials.port.apiKey(secret)).toBe(principal);
    expect(asked).toEqual([]);
    credentials.end();
    expect(await credentials.port.apiKey(secret)).toBeNull();
    expect(asked).toEqual([secret]);
    expect(() => credentials.lend(principal)).toThrow(/warm start is over/);
  });
});
