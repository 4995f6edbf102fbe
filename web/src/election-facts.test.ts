import { describe, expect, it } from 'vitest';
import { RAMPART_EXTENSION_ID } from '../../src/stix/rampart-extension.ts';
import { electionFacts } from './election-facts.ts';

describe('electionFacts', () => {
  it('shows impact and the counts of an incident in words', () => {
    const o = { extensions: { [RAMPART_EXTENSION_ID]: { extension_type: 'property-extension', impact: 'minor', voters_affected: 1200, polling_places_affected: 3 } } };
    expect(electionFacts(o)).toEqual([
      ['Impact on election operations', 'Minor'],
      ['Voters affected', '1,200'],
      ['Polling places affected', '3'],
    ]);
  });
});
