import { describe, expect, it } from 'vitest';
import type { OrgId } from '../domain/ids.ts';
import type { Organization } from '../domain/organization.ts';
import { jurisdictionsFrom } from './jurisdictions.ts';

const org = (id: string, name: string, kind: 'state' | 'local', stateFips: string): Organization => ({ id: id as OrgId, name, kind, state_fips: stateFips, county_fips: null }) as unknown as Organization;

describe('the jurisdictions port', () => {
  it('gives an organization unchanged since its last reading as the same object, a changed one anew', async () => {
    let orgs = [org('identity--a', 'Wisconsin Elections Commission', 'state', '55'), org('identity--b', 'Dane County Clerk', 'local', '55'), org('identity--c', 'Illinois State Board of Elections', 'state', '17')];
    let reads = 0;
    let now = 0;
    const port = jurisdictionsFrom({ listOrganizations: () => Promise.resolve((reads++, orgs)) }, { now: () => new Date(now) }, 1000);
    const first = await port(['55', '17']);
    now = 5000;
    orgs = orgs.map((o) => (o.id === 'identity--b' ? org('identity--b', 'Dane County Clerk (renamed)', 'local', '55') : o));
    const second = await port(['55', '17']);
    expect(reads).toBe(2);
    expect(second.map((j) => j.name)).toEqual(['Wisconsin Elections Commission', 'Dane County Clerk (renamed)', 'Illinois State Board of Elections']);
    // The roll-ups built over the first reading compare object for object: the unchanged ones still hold.
    expect(second[0]).toBe(first[0]);
    expect(second[2]).toBe(first[2]);
    expect(second[1]).not.toBe(first[1]);
  });
});
