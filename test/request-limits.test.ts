import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createApiKey } from '../src/accounts/api-keys.ts';
import { OPERATOR } from '../src/accounts/context.ts';
import { seedOrganizations } from '../src/accounts/organizations.ts';
import { createUser } from '../src/accounts/users.ts';
import type { OrgId } from '../src/domain/ids.ts';
import { composeHub, type Hub } from '../src/hub/compose.ts';
import { openStore, type RampartStore } from '../src/store/index.ts';
import { testDatabase, type TestDatabase } from './helpers/store.ts';

const HUB = 'identity--cc8654b7-1ffc-487a-bf1c-ed29e18f0a33' as OrgId;

/** The composed hub with request limits, as `rampart serve` sets them: TAXII clients over the limit get TAXII's own error. */
describe('request limits on the composed hub', () => {
  let db: TestDatabase;
  let store: RampartStore;
  let hub: Hub;
  let key = '';

  beforeAll(async () => {
    db = testDatabase('sqlite');
    store = await openStore({ url: db.url });
    hub = await composeHub({ store, hubOwner: HUB, http: { rateLimits: { perMinute: 2, signInPerMinute: 5 } } });
    const seeded = await seedOrganizations(store);
    if (!seeded.ok) throw new Error(seeded.error.message);
    const ctx = hub.auth.context;
    const state = (await ctx.accounts.listOrganizations({ stateFips: '55' })).find((o) => o.kind === 'state');
    if (state === undefined) throw new Error('seed is missing Wisconsin');
    const user = await createUser(ctx, OPERATOR, { email: 'poller@limits.example', name: 'poller', role: 'analyst', password: 'correct horse battery staple', org_id: state.id });
    if (!user.ok) throw new Error(user.error.message);
    const row = await ctx.accounts.userByEmail('poller@limits.example');
    if (row === null) throw new Error('user not stored');
    const made = await createApiKey(ctx, OPERATOR, row, { name: 'poller', scope: 'read' });
    if (!made.ok) throw new Error(made.error.message);
    key = made.value.key;
  });
  afterAll(async () => {
    await hub.app.close();
    await store.close();
    await db.drop();
  });

  it('answers the third TAXII request in a minute with a 429 TAXII error and Retry-After', async () => {
    const discovery = () => hub.app.inject({ method: 'GET', url: '/taxii2/', headers: { authorization: `Bearer ${key}`, accept: 'application/taxii+json;version=2.1' } });
    expect((await discovery()).statusCode).toBe(200);
    expect((await discovery()).statusCode).toBe(200);
    const over = await discovery();
    expect(over.statusCode).toBe(429);
    expect(over.headers['content-type']).toContain('application/taxii+json');
    expect(over.json()).toMatchObject({ http_status: '429', error_code: 'too-many-requests' });
    expect(Number(over.headers['retry-after'])).toBeGreaterThan(0);
    // The web UI's files and /healthz are not counted.
    expect((await hub.app.inject({ method: 'GET', url: '/healthz' })).statusCode).toBe(200);
  });
});
