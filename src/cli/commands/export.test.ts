import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { spawnRampart } from '../../../test/helpers/cli.ts';
import { OPERATOR } from '../../accounts/context.ts';
import { createOrganization, seedOrganizations } from '../../accounts/organizations.ts';
import { TEST_POLICY } from '../../../test/helpers/accounts.ts';
import { createUser } from '../../accounts/users.ts';
import { createAuthService } from '../../auth/service.ts';
import type { AudienceKey } from '../../domain/audience.ts';
import type { OrgId } from '../../domain/ids.ts';
import { importObjects } from '../../ingest/import.ts';
import { openStore } from '../../store/index.ts';
import { testDatabase, type TestDatabase } from '../../../test/helpers/store.ts';

const HUB = 'identity--cc8654b7-1ffc-487a-bf1c-ed29e18f0a33' as OrgId;
const indicator = (n: number) => ({
  type: 'indicator',
  spec_version: '2.1',
  id: `indicator--5e5e5e5e-0000-4000-8000-00000000000${n}`,
  created: '2026-11-01T00:00:00.000Z',
  modified: '2026-11-01T00:00:00.000Z',
  pattern: `[ipv4-addr:value = '203.0.113.${n}']`,
  pattern_type: 'stix',
  valid_from: '2026-11-01T00:00:00Z',
});

const V1 = '2026-11-01T00:00:00.000Z';
const V2 = '2026-11-02T00:00:00.000Z';

describe('rampart export', () => {
  let db: TestDatabase;
  beforeAll(async () => {
    db = testDatabase('sqlite');
    const store = await openStore({ url: db.url });
    const auth = createAuthService(store, { policy: TEST_POLICY });
    if (!(await seedOrganizations(store)).ok) throw new Error('seed failed');
    const county = await createOrganization(auth.context, OPERATOR, { kind: 'local', name: 'Elm Ridge Clerk (fictional)', state_fips: '55' });
    const other = await createOrganization(auth.context, OPERATOR, { kind: 'local', name: 'Cedar Bend Clerk (fictional)', state_fips: '17' });
    if (!county.ok || !other.ok) throw new Error('orgs not created');
    const user = await createUser(auth.context, OPERATOR, { email: 'clerk@elm-ridge.example', name: 'Clerk', role: 'analyst', password: 'correct horse battery staple', org_id: other.value.id });
    if (!user.ok) throw new Error(user.error.message);
    const share = (n: number, audience: readonly ('public' | `state:${string}`)[]) =>
      importObjects(store.stix, [JSON.stringify(indicator(n))], { hubOwner: HUB, owner: county.value.id, tlp: audience[0] === 'public' ? 'clear' : 'amber', audience });
    await share(1, ['public']);
    await share(2, ['state:55']);
    // Older versions past their own TLP: RED to the clerk then CLEAR to the public; AMBER to the clerk's state then GREEN to the community.
    const version = (n: number, modified: string, tlp: 'red' | 'clear' | 'amber' | 'green', audience: readonly AudienceKey[]) =>
      importObjects(store.stix, [JSON.stringify({ ...indicator(n), modified })], { hubOwner: HUB, owner: county.value.id, tlp, audience });
    await version(3, V1, 'red', [`user:${user.value.id}`]);
    await version(3, V2, 'clear', ['public']);
    await version(4, V1, 'amber', ['state:17']);
    await version(4, V2, 'green', ['community']);
    await store.close();
  });
  afterAll(() => db.drop());

  it('exports only what --as may see, older versions only as far as their own TLP allows, and everything for the operator', () => {
    const as = spawnRampart(['export', '--type', 'indicator', '--as', 'clerk@elm-ridge.example', '--db', db.url]);
    expect(as.status, as.stderr).toBe(0);
    expect(as.stdout).toContain(indicator(1).id);
    expect(as.stdout).not.toContain(indicator(2).id);
    const all = spawnRampart(['export', '--type', 'indicator', '--db', db.url]);
    expect(all.stdout).toContain(indicator(2).id);
    const history = (stdout: string, n: number) => ((JSON.parse(stdout) as { objects?: { id: string; modified: string }[] }).objects ?? []).filter((o) => o.id === indicator(n).id).map((o) => o.modified).sort();
    const versions = spawnRampart(['export', '--type', 'indicator', '--all-versions', '--as', 'clerk@elm-ridge.example', '--db', db.url]);
    expect(versions.status, versions.stderr).toBe(0);
    // Each version is bounded by its own marking: the later CLEAR and GREEN versions do not carry the RED and AMBER ones along.
    expect(history(versions.stdout, 3)).toEqual([V2]);
    expect(history(versions.stdout, 4)).toEqual([V2]);
    const everything = spawnRampart(['export', '--type', 'indicator', '--all-versions', '--db', db.url]);
    expect(history(everything.stdout, 3)).toEqual([V1, V2]);
    const nobody = spawnRampart(['export', '--as', 'nobody@example.org', '--db', db.url]);
    expect(nobody.status).toBe(2);
    expect(nobody.stderr).toContain('no enabled person has that email');
  }, 60_000);
});
