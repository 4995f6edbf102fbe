import { RAMPART_EXTENSION_ID, STATUS_REPORT_TYPE, ELECTION_TYPE } from '../../src/stix/rampart-extension.ts';

/** Tests only: a valid election and status report of the Rampart extension, to vary one property at a time. */

export const EXAMPLE_ELECTION_ID = 'x-rampart-election--5e1ec710-0000-4000-8000-000000000001';
export const EXAMPLE_COUNTY_ID = 'identity--c0c0c0c0-0000-4000-8000-000000055025';

const newSdo = { [RAMPART_EXTENSION_ID]: { extension_type: 'new-sdo' } };

export function exampleElection(overrides: Record<string, unknown> = {}): Record<string, unknown> {
  return {
    type: ELECTION_TYPE,
    spec_version: '2.1',
    id: EXAMPLE_ELECTION_ID,
    created: '2026-09-01T00:00:00.000Z',
    modified: '2026-09-01T00:00:00.000Z',
    extensions: newSdo,
    name: 'General election (fictional)',
    election_type: 'general',
    election_date: '2026-11-03',
    state_fips: ['55', '17'],
    phases: [
      { phase: 'early-voting', start: '2026-10-20T12:00:00.000Z', end: '2026-11-01T23:00:00.000Z' },
      { phase: 'election-day', start: '2026-11-03T12:00:00.000Z', end: '2026-11-04T03:00:00.000Z', report_every_minutes: 120 },
    ],
    ...overrides,
  };
}

export function exampleStatus(overrides: Record<string, unknown> = {}): Record<string, unknown> {
  return {
    type: STATUS_REPORT_TYPE,
    spec_version: '2.1',
    id: 'x-rampart-status-report--5e1ec710-0000-4000-8000-000000000002',
    created: '2026-11-03T14:00:00.000Z',
    modified: '2026-11-03T14:00:00.000Z',
    extensions: newSdo,
    election_ref: EXAMPLE_ELECTION_ID,
    jurisdiction_ref: EXAMPLE_COUNTY_ID,
    state_fips: '55',
    county_fips: '55025',
    functions: {
      pollbooks: { level: 'degraded', note: 'Two sites on paper pollbooks', contingencies: ['paper-pollbooks'] },
      voting: { level: 'normal' },
    },
    ...overrides,
  };
}
