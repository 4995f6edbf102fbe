import { describe, expect, it } from 'vitest';
import type { OrgId } from '../domain/ids.ts';
import { rollUp } from '../status/rollup.ts';
import { validateStixObject } from '../stix/validate.ts';
import { statusIndexRow } from '../store/status-index.ts';
import type { StixId } from '../domain/ids.ts';
import { demoElectionId, electionDemo, type DemoJurisdiction, type DemoObject } from './election-demo.ts';

const org = (n: number) => `identity--d0000000-0000-4000-8000-${String(n).padStart(12, '0')}` as OrgId;
const NOW = new Date('2026-11-03T18:20:00.000Z');
const county: DemoJurisdiction = { id: org(1), name: 'Village of Demoville Clerk (fictional)', stateFips: '55', countyFips: null };
const wisconsin: DemoJurisdiction = { id: org(2), name: 'Wisconsin', stateFips: '55', countyFips: null };
const illinois: DemoJurisdiction = { id: org(3), name: 'Illinois', stateFips: '17', countyFips: null };
const counties: DemoJurisdiction[] = Array.from({ length: 60 }, (_, i) => ({ id: `identity--${(0x1000 + i * 7919).toString(16).padStart(8, '0')}-0000-4000-8000-0000000000${String(i).padStart(2, '0')}` as OrgId, name: `County ${i}`, stateFips: i < 40 ? '55' : '17', countyFips: `${i < 40 ? '55' : '17'}${String(i * 2 + 1).padStart(3, '0')}` }));

describe('the demo election', () => {
  const objects = electionDemo({ now: NOW, hubOwner: org(9), county, wisconsin, illinois, federal: org(8), counties });

  it('is valid STIX, owned and shared as the story says, and seeded once per day', () => {
    for (const [i, o] of objects.entries()) {
      const checked = validateStixObject(o.object, `$[${i}]`);
      expect(checked.ok ? [] : checked.error).toEqual([]);
      expect(o.object['created_by_ref']).toBe(o.owner);
    }
    expect(objects[0]?.object['id']).toBe(demoElectionId(NOW));
    expect(demoElectionId(new Date('2026-11-03T23:59:00.000Z'))).toBe(demoElectionId(NOW));
    const statuses = objects.slice(1);
    expect(statuses.every((s) => s.object['jurisdiction_ref'] === s.owner)).toBe(true);
    expect(statuses.filter((s) => s.audience.includes(`org:${org(8)}`)).map((s) => s.owner)).toEqual([illinois.id]);
  });

  it('is under way, with silent, overdue, degraded and disrupted jurisdictions in Wisconsin', () => {
    const election = objects[0]?.object as { state_fips: string[]; phases: { phase: 'election-day'; start: string; end: string; report_every_minutes?: number }[] };
    const latest = objects.slice(1).map((o, i) => statusIndexRow(NOW.getTime() * 1000 + i, 'x-rampart-status-report', JSON.stringify(o.object), o.owner)).flatMap((row) => (row === null ? [] : [{ id: `x-rampart-status-report--${String(row.added_us)}` as StixId, addedUs: row.added_us, jurisdictionRef: row.jurisdiction_ref, stateFips: row.state_fips, reportedUs: row.reported_us, levels: JSON.parse(row.levels) as Record<string, never>, owner: row.jurisdiction_ref as OrgId, tlp: 'amber' as const }]));
    // Newest per jurisdiction, as the store gives it.
    const newest = new Map<string, (typeof latest)[number]>();
    for (const e of latest) if ((newest.get(e.jurisdictionRef)?.reportedUs ?? -1) < e.reportedUs) newest.set(e.jurisdictionRef, e);
    const r = rollUp(election, [county, wisconsin, illinois, ...counties].map((j) => ({ ...j, kind: j.countyFips === null && j !== county ? 'state' as const : 'local' as const })), [], [...newest.values()], NOW);
    expect(r.phase?.phase).toBe('election-day');
    const wi = r.states.find((s) => s.stateFips === '55');
    expect(wi?.counts['no-report']).toBeGreaterThan(0);
    expect(wi?.counts.stale).toBeGreaterThan(0);
    expect(wi?.counts.degraded).toBeGreaterThan(0);
    expect(r.states.find((s) => s.stateFips === '06')?.counts['no-report']).toBe(0);
    expect(r.questions.voting.answer).not.toBe('no');

    // The federal liaison sees only Illinois' own status: Illinois is normal on its map, Wisconsin (which shared nothing with it) has no report.
    const federal = rollUp(election, [county, wisconsin, illinois, ...counties].map((j) => ({ ...j, kind: j.countyFips === null && j !== county ? 'state' as const : 'local' as const })), [], [...newest.values()].filter((e) => e.jurisdictionRef === illinois.id), NOW, () => false);
    expect(federal.states.filter((s) => s.stateFips === '17' || s.stateFips === '55').map((s) => [s.stateFips, s.worst])).toEqual([
      ['17', 'normal'],
      ['55', 'no-report'],
    ]);
  });

  it("says every trouble in its own words: no two Wisconsin counties share a note, and the election's name says its day is the demo's", () => {
    const notes = objects.slice(1).filter((o) => o.object['state_fips'] === '55').flatMap((o) => Object.values(o.object['functions'] as Record<string, { note?: string }>).flatMap((f) => (f.note === undefined ? [] : [f.note])));
    const troubled = objects.slice(1).filter((o) => o.object['state_fips'] === '55' && Object.values(o.object['functions'] as Record<string, { level: string }>).some((f) => f.level !== 'normal'));
    expect(troubled.length).toBeGreaterThan(2);
    expect(new Set(notes).size).toBe(notes.length);
    expect(objects[0]?.object['name']).toBe('General Election of November 3, 2026 (fictional, dated the day the demo started)');
  });

  it("gives every troubled Illinois county its own note, in the story's words, across all 102 counties", () => {
    const illinoisCounties: DemoJurisdiction[] = Array.from({ length: 102 }, (_, i) => ({ id: `identity--${(0x2000 + i * 104729).toString(16).padStart(8, '0')}-0000-4000-8000-${String(i).padStart(12, '0')}` as OrgId, name: `County ${i}`, stateFips: '17', countyFips: `17${String(i * 2 + 1).padStart(3, '0')}` }));
    const all = electionDemo({ now: NOW, hubOwner: org(9), county, wisconsin, illinois, federal: org(8), counties: [...counties, ...illinoisCounties] });
    const notesOf = (o: DemoObject) => Object.values(o.object['functions'] as Record<string, { note?: string }>).flatMap((f) => (f.note === undefined ? [] : [f.note]));
    for (const [i, o] of all.entries()) {
      const checked = validateStixObject(o.object, `$[${i}]`);
      expect(checked.ok ? [] : checked.error).toEqual([]);
    }
    const illinoisNotes = all.slice(1).filter((o) => o.object['state_fips'] === '17').flatMap(notesOf);
    expect(illinoisNotes.length).toBeGreaterThan(5);
    expect(illinoisNotes.every((n) => n.endsWith('(fictional)'))).toBe(true);
    // Not one note in the whole demo election repeats another.
    const notes = all.slice(1).flatMap(notesOf);
    expect(new Set(notes).size).toBe(notes.length);
  });

  it("has Illinois speak of the noon rumour as Wisconsin's: it is about Wisconsin's polling places", () => {
    const illinoisWords = objects.filter((o) => o.object['state_fips'] === '17').flatMap((o) => Object.values(o.object['functions'] as Record<string, { note?: string }>).flatMap((f) => (f.note === undefined ? [] : [f.note])));
    const aboutNoon = illinoisWords.filter((n) => /noon/.test(n));
    expect(aboutNoon.length).toBeGreaterThan(0);
    for (const note of aboutNoon) expect(note).toMatch(/Wisconsin/);
  });
});
