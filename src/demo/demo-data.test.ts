import { describe, expect, it } from 'vitest';
import { audienceKind } from '../domain/audience.ts';
import type { OrgId } from '../domain/ids.ts';
import { TLP_MARKING_IDS } from '../domain/tlp.ts';
import { RAMPART_EXTENSION_DEFINITION, RAMPART_IDENTITY } from '../stix/rampart-extension.ts';
import { validateStixObject } from '../stix/validate.ts';
import { loadOasisValidator } from '../../test/helpers/oasis.ts';
import { demoElectionDayStart } from './election-demo.ts';
import { DEMO_COUNTY_INCIDENT_ID, demoCorrection, demoItems, demoStatements, type DemoOrgs } from './demo-data.ts';

const orgs: DemoOrgs = {
  state: { id: 'identity--11111111-1111-4111-8111-111111111111' as OrgId, fips: '55' },
  county: { id: 'identity--22222222-2222-4222-8222-222222222222' as OrgId },
  otherState: { id: 'identity--33333333-3333-4333-8333-333333333333' as OrgId, fips: '17' },
  federal: { id: 'identity--44444444-4444-4444-8444-444444444444' as OrgId },
};

describe('the demo story', () => {
  const items = demoItems(orgs);
  const oasis = loadOasisValidator();

  it('happens around the demo election: everything before now, the rumour corrected on the election day the map shows', () => {
    const now = new Date('2027-03-09T18:20:00.000Z');
    const start = demoElectionDayStart(now);
    const dated = demoItems(orgs, start);
    const day = start.toISOString().slice(0, 10);
    for (const item of dated) {
      const created = typeof item.object['created'] === 'string' ? item.object['created'] : '';
      expect(Date.parse(created), String(item.object['id'])).toBeLessThanOrEqual(now.getTime());
      expect(Date.parse(created), String(item.object['id'])).toBeGreaterThan(start.getTime() - 30 * 24 * 3_600_000);
    }
    const correction = demoCorrection(orgs, start);
    expect(correction.at.slice(0, 10)).toBe(day);
    expect(Date.parse(correction.at)).toBeLessThanOrEqual(now.getTime());
    // The same ids as the fixed story: only the times move.
    expect(dated.map((i) => i.object['id'])).toEqual(items.map((i) => i.object['id']));
  });

  it('comes in story order, so the dashboard lists it newest first as it was seeded, and nothing refers to what comes later', () => {
    for (const dated of [items, demoItems(orgs, demoElectionDayStart(new Date('2027-03-09T18:20:00.000Z')))]) {
      const times = dated.map((i) => String(i.object['modified']));
      expect(times).toEqual([...times].sort());
      const when = new Map(dated.map((i) => [i.object['id'], String(i.object['modified'])]));
      for (const { object } of dated) {
        const listed: unknown = object['object_refs'];
        const refs = [object['source_ref'], object['target_ref'], ...(Array.isArray(listed) ? (listed as unknown[]) : [])].filter((r) => typeof r === 'string');
        for (const ref of refs) expect(Date.parse(when.get(ref) ?? '1970-01-01T00:00:00.000Z'), `${String(object['id'])} refers to ${String(ref)}`).toBeLessThanOrEqual(Date.parse(String(object['modified'])));
      }
    }
  });

  it("has the county's phishing incident worked as a case: contained, with a note, linked to the federal indicator its emails matched", () => {
    const incident = items.find((i) => i.object['type'] === 'incident' && i.owner === orgs.county.id)?.object;
    expect(incident?.['id']).toBe(DEMO_COUNTY_INCIDENT_ID);
    const ext = (incident?.['extensions'] as Record<string, Record<string, unknown>> | undefined) ?? {};
    expect(Object.values(ext)[0]?.['case_status']).toBe('contained');
    const about = (type: string) => items.filter((i) => i.object['type'] === type && i.owner === orgs.county.id && (i.object['target_ref'] === incident?.['id'] || (i.object['object_refs'] as unknown[] | undefined)?.includes(incident?.['id'])));
    expect(about('note')).toHaveLength(1);
    const link = about('relationship')[0]?.object;
    expect(link?.['relationship_type']).toBe('indicates');
    const indicator = items.find((i) => i.object['id'] === link?.['source_ref']);
    expect(indicator?.object['pattern']).toBe("[domain-name:value = 'ballot-update-portal.example']");
    expect(indicator?.owner).toBe(orgs.federal.id);
  });

  it('tells a story of several kinds of objects', () => {
    const types = new Set(items.map((i) => i.object['type']));
    for (const t of ['indicator', 'incident', 'report']) expect(types, t).toContain(t);
  });

  it('is valid STIX 2.1 by our validator and the official OASIS schemas', () => {
    for (const [n, item] of items.entries()) {
      const ours = validateStixObject(item.object, `$[${n}]`);
      expect(ours.ok ? [] : ours.error, String(item.object['id'])).toEqual([]);
      expect(oasis.validate(item.object).errors, String(item.object['id'])).toEqual([]);
    }
    for (const object of [RAMPART_EXTENSION_DEFINITION, RAMPART_IDENTITY]) expect(oasis.validate(object).errors).toEqual([]);
  });

  it('marks each object with the TLP it is shared under, owned by its creator, in an audience that TLP allows', () => {
    for (const { object, owner, tlp, audience } of items) {
      expect(object['created_by_ref']).toBe(owner);
      expect(object['object_marking_refs']).toEqual([TLP_MARKING_IDS[tlp]]);
      expect(audience.length).toBeGreaterThan(0);
      const kinds = audience.map(audienceKind);
      if (tlp === 'green') expect(kinds).not.toContain('public');
      if (tlp === 'amber') for (const k of kinds) expect(['org', 'state', 'group']).toContain(k);
      if (tlp === 'amber+strict') for (const k of kinds) expect(k).toBe('org');
      if (tlp === 'red') for (const k of kinds) expect(k).toBe('user');
    }
  });

  it('uses only documentation addresses and example domains', () => {
    const text = JSON.stringify(items.map((i) => i.object));
    for (const ip of text.match(/\b\d{1,3}(\.\d{1,3}){3}\b/g) ?? []) expect(ip).toMatch(/^(192\.0\.2|198\.51\.100|203\.0\.113)\./);
    for (const domain of text.match(/\b[a-z0-9-]+(\.[a-z0-9-]+)*\.(com|net|org|ru|info|gov|us)\b/g) ?? []) expect(domain).toMatch(/example|\.gov$|\.us$/);
  });

  it('describes each named item in words of its own, never by repeating its name', () => {
    for (const { object } of items) {
      if (typeof object['name'] !== 'string') continue;
      const name = object['name'].replace(/ \(fictional\)$/, '').toLowerCase();
      const description = typeof object['description'] === 'string' ? object['description'] : '';
      expect(description.length, String(object['id'])).toBeGreaterThan(name.length + 40);
      expect(description.toLowerCase().startsWith(name), String(object['id'])).toBe(false);
      expect(description, String(object['id'])).toMatch(/fictional/i);
    }
  });

  it('has joint statements in story order: the phishing one before election day, the public correction after the rumour and its correction', () => {
    const start = demoElectionDayStart(new Date('2027-03-09T18:20:00.000Z'));
    const statements = demoStatements(start);
    const correction = demoCorrection(orgs, start);
    const rumour = demoItems(orgs, start).find((i) => String(i.object['name']).startsWith('False rumour'));
    const [phishing, noon] = statements;
    expect(Date.parse(phishing?.published ?? '')).toBeLessThan(start.getTime());
    expect(noon?.tlp).toBe('clear');
    expect(noon?.author).toBe('state');
    expect(noon?.cosigners).toEqual(['county']);
    expect(Date.parse(noon?.drafted ?? '')).toBeGreaterThan(Date.parse(correction.at));
    expect(Date.parse(noon?.drafted ?? '')).toBeGreaterThan(Date.parse(String(rumour?.object['created'])));
    for (const s of statements) {
      // Every co-signer approves 15 minutes apart, the author last, before publication.
      expect(Date.parse(s.drafted) + 15 * 60_000 * (s.cosigners.length + 1)).toBeLessThan(Date.parse(s.published));
      expect(Date.parse(s.published)).toBeLessThan(start.getTime() + 7 * 3_600_000);
      expect(s.text).toMatch(/fictional/);
      expect(s.cosigners).not.toContain(s.author);
      for (const domain of s.text.match(/\b[a-z0-9-]+(\.[a-z0-9-]+)+\b/g) ?? []) expect(domain).toMatch(/\.example$/);
    }
  });

  it("has Illinois's own note call the rumour Wisconsin's", () => {
    const note = items.find((i) => i.owner === orgs.otherState.id && i.object['type'] === 'note');
    expect(String(note?.object['content'])).toMatch(/Wisconsin.*noon rumour/);
  });

  it('names the state office in its public words by its name, never "the state election office"', () => {
    const correction = demoCorrection(orgs);
    const words = JSON.stringify([correction.body, demoStatements().map((s) => s.text)]);
    expect(words).not.toMatch(/state election office/i);
    expect(correction.body.official_links?.[0]?.title).toMatch(/^Wisconsin Elections Commission:/);
  });
});
