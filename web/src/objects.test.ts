import { describe, expect, it } from 'vitest';
import { TLP_MARKING_IDS } from '../../src/domain/tlp.ts';
import type { ApiResponse } from './api.ts';
import { audienceLabel } from './audience-labels.ts';
import { displayName, readObjectRow } from './objects.ts';
import { readMe } from './session.tsx';
import { readVersion } from './pages/ObjectDetail.tsx';

describe('reading API items', () => {
  const object = { type: 'indicator', id: 'indicator--0b9a3c2e-1f4d-4c8b-9a7e-2d5f6b8c9e01', pattern: "[ipv4-addr:value = '203.0.113.47']", modified: '2026-11-03T12:00:00.000Z', object_marking_refs: [TLP_MARKING_IDS.amber] };

  it('takes TLP and owner from sharing when the API gives it', () => {
    expect(readObjectRow({ object, sharing: { owner: 'identity--x', tlp: 'red', audience: [] } })).toMatchObject({ tlp: 'red', owner: 'identity--x', name: "[ipv4-addr:value = '203.0.113.47']" });
  });

  it('falls back to the object marking for a bare object', () => {
    expect(readObjectRow(object)).toMatchObject({ tlp: 'amber', owner: null, type: 'indicator' });
    expect(readObjectRow({ nope: 1 })).toBeNull();
  });

  it('names relationships and status reports, which have no name', () => {
    expect(displayName({ type: 'relationship', relationship_type: 'attributed-to', source_ref: 'campaign--1', target_ref: 'threat-actor--2' })).toBe('campaign attributed to threat actor');
    expect(displayName({ type: 'x-rampart-status-report', functions: { pollbooks: { level: 'degraded' } } })).toBe('Election-day status: degraded (Check-in and e-pollbooks)');
  });

  it('reads versions as metadata or as whole objects', () => {
    expect(readVersion({ modified: '2026-11-03T12:00:00.000Z', added: '2026-11-03T12:00:01.000Z' })).toEqual({ modified: '2026-11-03T12:00:00.000Z', added: '2026-11-03T12:00:01.000Z', object: null });
    expect(readVersion(object)).toMatchObject({ modified: '2026-11-03T12:00:00.000Z', added: null, object });
  });

  it('names audiences in words', () => {
    const me = { orgId: 'identity--a', orgName: 'Lakeview County', userId: 'u1', groups: [{ id: 'g1', name: 'Midwest clerks' }] };
    expect(audienceLabel('state:55', me)).toBe('Wisconsin (state office and its local offices)');
    expect(audienceLabel('org:identity--a', me)).toBe('Lakeview County (your organization)');
    expect(audienceLabel('group:g1', me)).toBe('Sharing group Midwest clerks');
    expect(audienceLabel('public', null)).toBe('The public');
  });

  it('reads /me with the state from the org or from the keys', () => {
    const key: ApiResponse<'/api/v1/me'> = { via: 'api-key', scope: 'read', org_id: 'identity--a', user_id: null, keys: ['community', 'state:55'] };
    expect(readMe({ ...key, via: 'session', user_id: 'u1', user: { id: 'u1', email: 'clerk@lakeview.example', name: 'Lakeview clerk' }, org: { id: 'identity--a', name: 'Lakeview', state_fips: null } })).toMatchObject({
      stateFips: '55',
      stateName: 'Wisconsin',
      displayName: 'Lakeview clerk',
    });
    expect(readMe(key)).toBeNull();
  });
});
