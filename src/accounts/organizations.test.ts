import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { TLP_MARKING_IDS } from '../domain/tlp.ts';
import type { StixId } from '../domain/ids.ts';
import { testDialects } from '../../test/helpers/store.ts';
import { OPERATOR } from './context.ts';
import { countyOfficeName, loadCounties, packagedCounties } from './counties.ts';
import { createOrganization, seedOrganizations, setRequireTotp, updateOrganization } from './organizations.ts';
import { accountsFixture, type AccountsFixture } from '../../test/helpers/accounts.ts';

const operator = { kind: 'operator' } as const;

describe.each(testDialects())('organizations on %s', (dialect) => {
  let f: AccountsFixture;
  beforeEach(async () => {
    f = await accountsFixture(dialect);
  });
  afterEach(async () => {
    await f.close();
  });

  it('seeds 56 states and territories and 10 federal agencies once, each a public TLP:CLEAR identity owned by itself', async () => {
    const orgs = await f.ctx.accounts.listOrganizations();
    expect(orgs.filter((o) => o.seed)).toHaveLength(66);
    expect(orgs.filter((o) => o.kind === 'state')).toHaveLength(51);
    expect(orgs.filter((o) => o.kind === 'territory').map((o) => o.short_name).sort()).toEqual(['AS', 'GU', 'MP', 'PR', 'VI']);
    expect(await f.ctx.accounts.listOrganizations({ kinds: ['state', 'territory'], stateFips: '72' })).toEqual([expect.objectContaining({ name: 'Puerto Rico' })]);
    const identity = await f.stix.get({ kind: 'public' }, f.wi as string as StixId);
    expect(identity?.sharing).toEqual({ owner: f.wi, tlp: 'clear', audience: ['public'] });
    expect(JSON.parse(identity?.json ?? '{}')).toMatchObject({ name: 'Wisconsin', identity_class: 'organization', object_marking_refs: [TLP_MARKING_IDS.clear] });
    const before = await f.stix.count(operator);
    const again = await seedOrganizations(f.store);
    expect(again).toEqual({ ok: true, value: { added: 0, total: 66 } });
    expect(await f.stix.count(operator)).toBe(before);
  });

  it('lets the operator and hub-admins add organizations, and refuses others, duplicates and broken input without storing anything', async () => {
    const admin = await f.addUser({ email: 'admin@dane.example.gov', name: 'A', role: 'org-admin', org_id: f.dane });
    const hub = await f.addUser({ email: 'hub@cisa.example.gov', name: 'H', role: 'hub-admin', org_id: f.cisa });
    const before = await f.stix.count(operator);
    const count = async () => (await f.ctx.accounts.listOrganizations()).length;
    const orgsBefore = await count();
    const byAdmin = await createOrganization(f.ctx, { kind: 'user', user: admin }, { kind: 'isac', name: 'EI-ISAC' });
    expect(byAdmin.ok ? null : byAdmin.error.code).toBe('not-hub-admin');
    const broken = await createOrganization(f.ctx, OPERATOR, { kind: 'local', name: 'Cook County', state_fips: '55', county_fips: '17031' });
    expect(broken.ok ? null : broken.error).toEqual({ kind: 'invalid', code: 'invalid-organization', message: 'county 17031 is not in Wisconsin (its FIPS code must start with 55)' });
    const dup = await createOrganization(f.ctx, OPERATOR, { kind: 'local', name: 'Dane again', state_fips: '55', county_fips: '55025' });
    expect(dup.ok ? null : dup.error.code).toBe('organization-exists');
    expect(await count()).toBe(orgsBefore);
    expect(await f.stix.count(operator)).toBe(before);

    const isac = await createOrganization(f.ctx, { kind: 'user', user: hub }, { kind: 'isac', name: 'EI-ISAC' });
    expect(isac.ok && isac.value.kind).toBe('isac');
    expect(await f.stix.count(operator)).toBe(before + 1);
    expect(f.events.map((e) => e.type)).toEqual(['user-created', 'user-created', 'org-created']);
  });

  it('lets only the organization\'s admin (or a hub-admin) require TOTP', async () => {
    const analyst = await f.addUser({ email: 'analyst@dane.example.gov', name: 'A', role: 'analyst', org_id: f.dane });
    const otherAdmin = await f.addUser({ email: 'admin@wi.example.gov', name: 'W', role: 'org-admin', org_id: f.wi });
    const admin = await f.addUser({ email: 'admin@dane.example.gov', name: 'D', role: 'org-admin', org_id: f.dane });
    expect((await setRequireTotp(f.ctx, { kind: 'user', user: analyst }, f.dane, true)).ok).toBe(false);
    expect((await setRequireTotp(f.ctx, { kind: 'user', user: otherAdmin }, f.dane, true)).ok).toBe(false);
    expect((await f.ctx.accounts.getOrganization(f.dane))?.require_totp).toBe(false);
    expect((await setRequireTotp(f.ctx, { kind: 'user', user: admin }, f.dane, true)).ok).toBe(true);
    expect((await f.ctx.accounts.getOrganization(f.dane))?.require_totp).toBe(true);
  });

  it('lets hub-admins rename an organization: a new identity version, no longer seed data, kept by later seeding', async () => {
    const analyst = await f.addUser({ email: 'analyst@wi.example.gov', name: 'A', role: 'org-admin', org_id: f.wi });
    const refused = await updateOrganization(f.ctx, { kind: 'user', user: analyst }, f.wi, { name: 'Wisconsin Elections Commission' });
    expect(refused.ok ? null : refused.error.code).toBe('not-hub-admin');
    const wrongField = await updateOrganization(f.ctx, OPERATOR, f.wi, { partner_type: 'vendor' });
    expect(wrongField.ok ? null : wrongField.error.code).toBe('invalid-organization');
    const renamed = await updateOrganization(f.ctx, OPERATOR, f.wi, { name: 'Wisconsin Elections Commission' });
    expect(renamed.ok && renamed.value).toMatchObject({ name: 'Wisconsin Elections Commission', seed: false });
    const twice = await updateOrganization(f.ctx, OPERATOR, f.wi, { short_name: 'WEC' });
    expect(twice.ok).toBe(true);
    const versions = await f.stix.versions(operator, f.wi as string as StixId);
    expect(versions.map((v) => (JSON.parse(v.json) as { name: string }).name)).toEqual(['Wisconsin', 'Wisconsin Elections Commission', 'Wisconsin Elections Commission']);
    expect(await seedOrganizations(f.store)).toEqual({ ok: true, value: { added: 0, total: 66 } });
    expect(await f.ctx.accounts.getOrganization(f.wi)).toMatchObject({ name: 'Wisconsin Elections Commission', short_name: 'WEC', seed: false });
  });

  it('loads the counties of one state from the packaged Census data, idempotently, with progress', async () => {
    const progress: number[] = [];
    const loaded = await loadCounties(f.ctx, { stateFips: '55', onProgress: (done) => progress.push(done) });
    // Dane County was already there (the fixture adds it), so 71 of Wisconsin's 72 are new.
    expect(loaded).toEqual({ ok: true, value: { added: 71, total: 72 } });
    expect(progress.at(-1)).toBe(72);
    const milwaukee = (await f.ctx.accounts.listOrganizations({ kind: 'local', stateFips: '55' })).find((o) => o.county_fips === '55079');
    expect(milwaukee?.name).toBe('Milwaukee County, WI');
    expect(await f.stix.get(operator, milwaukee?.id as string as StixId)).not.toBeNull();
    expect(await loadCounties(f.ctx, { stateFips: '55' })).toEqual({ ok: true, value: { added: 0, total: 72 } });
    const bad = await loadCounties(f.ctx, { stateFips: '99' });
    expect(bad.ok ? null : bad.error.code).toBe('unknown-state');
  });
});

describe('county names', () => {
  it('names parishes, independent cities and municipios as their offices do', async () => {
    const counties = await packagedCounties();
    expect(counties.length).toBeGreaterThan(3000);
    const name = (fips: string) => {
      const c = counties.find((x) => x.fips === fips);
      return c === undefined ? null : countyOfficeName(c);
    };
    expect(name('22071')).toBe('Orleans Parish, LA');
    expect(name('51760')).toBe('Richmond city, VA');
    expect(name('51159')).toBe('Richmond County, VA');
    expect(name('72127')).toBe('San Juan Municipio, PR');
  });
});
