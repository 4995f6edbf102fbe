import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { describe, expect, it } from 'vitest';
import type { UserId } from './ids.ts';
import { FEDERAL_AGENCIES, STATES } from './organization-data.ts';
import { baseKeysOf, checkOrganization, identityOf, organizationId, type NewOrganization, type Organization } from './organization.ts';
import { validateStixObject } from '../stix/validate.ts';

describe('organization data', () => {
  it('matches the FIPS codes and names of us-atlas states-10m.json exactly (50 states, DC, 5 territories)', () => {
    const file = createRequire(import.meta.url).resolve('us-atlas/states-10m.json');
    const topo = JSON.parse(readFileSync(file, 'utf8')) as { objects: { states: { geometries: { id: string; properties: { name: string } }[] } } };
    const atlas = topo.objects.states.geometries.map((g) => `${g.id} ${g.properties.name}`).sort();
    expect(STATES.map((s) => `${s.fips} ${s.name}`).sort()).toEqual(atlas);
    expect(STATES.filter((s) => s.kind === 'state')).toHaveLength(51);
    expect(STATES.filter((s) => s.kind === 'territory').map((s) => s.postal)).toEqual(['AS', 'GU', 'MP', 'PR', 'VI']);
    expect(FEDERAL_AGENCIES).toHaveLength(10);
  });
});

describe('checkOrganization', () => {
  const cases: [NewOrganization, string | null][] = [
    [{ kind: 'state', name: 'Wisconsin', state_fips: '55' }, null],
    [{ kind: 'state', name: 'Nowhere', state_fips: '03' }, 'state_fips 03 is not a US state, DC or territory FIPS code'],
    [{ kind: 'state', name: 'Puerto Rico', state_fips: '72' }, 'FIPS 72 (Puerto Rico) is a territory, not a state'],
    [{ kind: 'territory', name: 'Guam' }, 'a territory needs its state_fips'],
    [{ kind: 'local', name: 'Town of Madison Clerk', state_fips: '55' }, null],
    [{ kind: 'local', name: 'Dane County', state_fips: '55', county_fips: '17031' }, 'county 17031 is not in Wisconsin (its FIPS code must start with 55)'],
    [{ kind: 'local', name: 'Floating clerk' }, 'a local election jurisdiction needs the state_fips of the state it belongs to'],
    [{ kind: 'private', name: 'Acme Voting' }, 'a private-sector partner needs partner_type: vendor, platform or security-firm'],
    [{ kind: 'private', name: 'Acme Voting', partner_type: 'vendor' }, null],
    [{ kind: 'federal', name: 'CISA', partner_type: 'vendor' }, 'partner_type applies only to private-sector partners (kind "private")'],
    [{ kind: 'isac', name: 'EI-ISAC', county_fips: '55025' }, 'county_fips and ocd_id apply only to local election jurisdictions (kind "local")'],
    [{ kind: 'federal', name: 'FBI', state_fips: '11' }, 'state_fips applies only to states, territories and local jurisdictions'],
    [{ kind: 'isac', name: '   ' }, 'name must not be blank'],
  ];
  it.each(cases)('%o', (input, message) => {
    const checked = checkOrganization(input);
    expect(checked.ok ? null : checked.error.message).toBe(message);
  });
});

describe('identities and keys', () => {
  const dane: Organization = {
    id: organizationId({ kind: 'local', name: 'Dane County', state_fips: '55', county_fips: '55025' }),
    kind: 'local', name: 'Dane County, WI', short_name: null, state_fips: '55', county_fips: '55025', ocd_id: null, partner_type: null, seed: false, require_totp: false, created_at: '2026-01-01T00:00:00.000Z',
  };
  it('derives stable ids from what an organization is, not from its spelling', () => {
    expect(organizationId({ kind: 'local', name: 'Another name', state_fips: '55', county_fips: '55025' })).toBe(dane.id);
    expect(organizationId({ kind: 'state', name: 'Wisconsin', state_fips: '55' })).toBe(organizationId({ kind: 'state', name: 'WISCONSIN ', state_fips: '55' }));
    expect(organizationId({ kind: 'state', name: 'Wisconsin', state_fips: '55' })).not.toBe(organizationId({ kind: 'state', name: 'Illinois', state_fips: '17' }));
  });
  it('is a valid STIX identity owned by itself', () => {
    const identity = identityOf(dane, dane.created_at);
    expect(validateStixObject(identity, '$').ok).toBe(true);
    expect(identity).toMatchObject({ type: 'identity', identity_class: 'organization', created_by_ref: dane.id, sectors: ['government', 'government-local'] });
  });
  it('gives state offices and their local jurisdictions the state key, others none', () => {
    const user = '11111111-1111-4111-8111-111111111111' as UserId;
    expect(baseKeysOf(dane, user)).toEqual(['public', 'community', `org:${dane.id}`, `user:${user}`, 'state:55']);
    expect(baseKeysOf({ ...dane, kind: 'state' }, null)).toEqual(['public', 'community', `org:${dane.id}`, 'state:55']);
    expect(baseKeysOf({ ...dane, kind: 'federal', state_fips: null }, user)).toEqual(['public', 'community', `org:${dane.id}`, `user:${user}`]);
  });
});
