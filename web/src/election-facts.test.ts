import { describe, expect, it } from 'vitest';
import { RAMPART_EXTENSION_ID } from '../../src/stix/rampart-extension.ts';
import { countyFipsOf, electionFacts, statusIncidentLinks } from './election-facts.ts';

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

  it('shows an indicator pattern in words beside the pattern, and a pattern it cannot say as written', () => {
    expect(electionFacts({ type: 'indicator', pattern_type: 'stix', pattern: "[domain-name:value = 'ballot-update-portal.example']" })).toEqual([
      ['Looks for', 'The domain ballot-update-portal.example'],
      ['As a STIX pattern', "[domain-name:value = 'ballot-update-portal.example']"],
    ]);
    expect(electionFacts({ type: 'indicator', pattern_type: 'stix', pattern: "[process:name = 'x.exe']" })).toEqual([['Pattern', "[process:name = 'x.exe']"]]);
    // A Sigma or YARA rule is not a STIX pattern: never read as one.
    expect(electionFacts({ type: 'indicator', pattern_type: 'sigma', pattern: "[domain-name:value = 'a.example']" })).toEqual([['Pattern', "[domain-name:value = 'a.example']"]]);
  });

  it('names the kind of report in words', () => {
    expect(electionFacts({ type: 'report', report_types: ['advisory'] })).toEqual([['Kind of report', 'Advisory']]);
    expect(electionFacts({ type: 'report', report_types: ['joint-statement', 'threat-report', 'campaign-summary'] })).toEqual([['Kinds of report', 'Joint statement, Threat report, Campaign summary']]);
  });

  it("names a status report's state and county, by name once the names are known", () => {
    const o = { type: 'x-rampart-status-report', state_fips: '55', county_fips: '55001', functions: {} };
    expect(countyFipsOf(o)).toBe('55001');
    expect(electionFacts(o)).toEqual([
      ['State', 'Wisconsin'],
      ['County', 'County code 55001'],
    ]);
    expect(electionFacts(o, (f) => (f === '55001' ? 'Adams' : undefined))).toEqual([
      ['State', 'Wisconsin'],
      ['County', 'Adams'],
    ]);
    expect(countyFipsOf({ type: 'indicator' })).toBeNull();
  });
});
