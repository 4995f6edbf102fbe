import { describe, expect, it } from 'vitest';
import { RAMPART_EXTENSION_ID } from '../../src/stix/rampart-extension.ts';
import { electionFacts, statusIncidentLinks } from './election-facts.ts';

describe('electionFacts', () => {
  it('shows impact and the counts of an incident in words', () => {
    const o = { extensions: { [RAMPART_EXTENSION_ID]: { extension_type: 'property-extension', impact: 'minor', voters_affected: 1200, polling_places_affected: 3 } } };
    expect(electionFacts(o)).toEqual([
      ['Impact on election operations', 'Minor'],
      ['Voters affected', '1,200'],
      ['Polling places affected', '3'],
    ]);
  });

  it('shows each function of a status report with its note and contingencies, and lists its linked incidents', () => {
    const o = {
      type: 'x-rampart-status-report',
      functions: {
        pollbooks: { level: 'disrupted', note: 'E-pollbooks down at 3 sites', contingencies: ['paper-pollbooks'], incident_refs: ['incident--0b6b7f4e-6a8e-4c55-9a59-2d1b7c1a0001'] },
        voting: { level: 'normal' },
      },
    };
    expect(electionFacts(o)).toEqual([
      ['Check-in and e-pollbooks', 'Disrupted: E-pollbooks down at 3 sites (using paper pollbooks)'],
      ['Casting ballots', 'Normal'],
    ]);
    expect(statusIncidentLinks(o)).toEqual([{ fn: 'pollbooks', ids: ['incident--0b6b7f4e-6a8e-4c55-9a59-2d1b7c1a0001'] }]);
  });
});
