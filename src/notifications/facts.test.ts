import { describe, expect, it } from 'vitest';
import { RAMPART_EXTENSION_ID, STATUS_REPORT_TYPE } from '../stix/rampart-extension.ts';
import { factsOf, patternValues, textValues } from './facts.ts';
import { valueHits, watchHits } from './rules.ts';

const sharing = { tlp: 'amber' as const, audience: ['state:55' as const] };

describe('facts of a version', () => {
  it('reads a status report: its functions, levels and state, urgent when a function is disrupted or compromised', () => {
    const report = { type: STATUS_REPORT_TYPE, id: `${STATUS_REPORT_TYPE}--6b1c1a52-3f5e-4a7e-9d0e-0c2b8f7f3a11`, jurisdiction_ref: 'identity--00000000-0000-4000-8000-000000000055', functions: { voting: { level: 'normal' }, tallying: { level: 'compromise-confirmed', note: 'tabulator' } } };
    const facts = factsOf({ type: STATUS_REPORT_TYPE, json: JSON.stringify(report), sharing }, () => '55');
    expect([...facts.functions].sort()).toEqual(['tallying', 'voting']);
    expect([...facts.statusLevels].sort()).toEqual(['compromise-confirmed', 'normal']);
    expect(facts.stateFips).toBe('55');
    expect(facts.urgent).toBe(true);
    const calm = { ...report, state_fips: '17', functions: { voting: { level: 'degraded' } } };
    const calmFacts = factsOf({ type: STATUS_REPORT_TYPE, json: JSON.stringify(calm), sharing }, () => '55');
    expect(calmFacts.urgent).toBe(false);
    expect(calmFacts.stateFips).toBe('17');
  });

  it('reads an incident: severity decides urgency, the extension gives the state', () => {
    const incident = (severity: string) => JSON.stringify({ type: 'incident', name: 'x', extensions: { [RAMPART_EXTENSION_ID]: { extension_type: 'property-extension', severity, state_fips: '55' } } });
    expect(factsOf({ type: 'incident', json: incident('high'), sharing }, () => null).urgent).toBe(true);
    expect(factsOf({ type: 'incident', json: incident('moderate'), sharing }, () => null).urgent).toBe(false);
  });

  it('pulls observable values out of patterns (equality and IN, not negations) and out of text, defanged or not', () => {
    expect(patternValues("[domain-name:value = 'a.example.gov' OR url:value = 'https://b.example.gov/x'] AND [ipv4-addr:value IN ('192.0.2.1', '192.0.2.2')] AND [email-addr:value != 'c@d.example']")).toEqual([
      { kind: 'domain', value: 'a.example.gov' },
      { kind: 'url', value: 'https://b.example.gov/x' },
      { kind: 'ip', value: '192.0.2.1' },
      { kind: 'ip', value: '192.0.2.2' },
    ]);
    expect(patternValues('not a pattern')).toEqual([]);
    const found = textValues('Phish from clerk@vote-elections[.]example sent people to hxxps://results.example.gov/login and 198.51.100.9');
    expect(found).toContainEqual({ kind: 'email', value: 'clerk@vote-elections.example' });
    expect(found).toContainEqual({ kind: 'url', value: 'https://results.example.gov/login' });
    expect(found).toContainEqual({ kind: 'ip', value: '198.51.100.9' });
    expect(found).toContainEqual({ kind: 'domain', value: 'results.example.gov' });
  });
});

describe('watch-list hits', () => {
  it('domains cover subdomains, URL hosts and email domains but not look-alikes; ranges cover addresses; URLs cover what is under them', () => {
    const domain = { kind: 'domain' as const, value: 'elections.example.gov' };
    expect(valueHits(domain, { kind: 'domain', value: 'results.Elections.example.gov.' })).toBe(true);
    expect(valueHits(domain, { kind: 'domain', value: 'elections.example.gov.evil.example' })).toBe(false);
    expect(valueHits(domain, { kind: 'domain', value: 'notelections.example.gov' })).toBe(false);
    expect(valueHits(domain, { kind: 'url', value: 'https://www.elections.example.gov/a' })).toBe(true);
    expect(valueHits(domain, { kind: 'email', value: 'x@elections.example.gov' })).toBe(true);
    const range = { kind: 'cidr' as const, value: '198.51.100.0/24' };
    expect(valueHits(range, { kind: 'ip', value: '198.51.100.200' })).toBe(true);
    expect(valueHits(range, { kind: 'ip', value: '198.51.101.1' })).toBe(false);
    expect(valueHits(range, { kind: 'ip', value: '198.51.100.0/25' })).toBe(true);
    const url = { kind: 'url' as const, value: 'https://results.example.gov/county/' };
    expect(valueHits(url, { kind: 'url', value: 'HTTPS://Results.example.gov/county/dane' })).toBe(true);
    expect(valueHits(url, { kind: 'url', value: 'https://results.example.gov/state' })).toBe(false);
    const mail = { kind: 'email-domain' as const, value: 'clerk.example.gov' };
    expect(valueHits(mail, { kind: 'email', value: 'a@clerk.example.gov' })).toBe(true);
    expect(valueHits(mail, { kind: 'ip', value: '192.0.2.1' })).toBe(false);
    const facts = factsOf({ type: 'indicator', json: JSON.stringify({ pattern: "[domain-name:value = 'x.elections.example.gov']", pattern_type: 'stix' }), sharing }, () => null);
    expect(watchHits([domain, range], facts)).toEqual([domain]);
  });
});
