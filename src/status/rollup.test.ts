import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { ELECTION_FUNCTIONS, type ElectionFunction, type StatusLevel } from '../domain/election.ts';
import type { OrgId, StixId } from '../domain/ids.ts';
import type { Phase } from '../stix/rampart-extension.ts';
import type { Expectation, StatusEntry } from '../store/elections.ts';
import { inDisplayOrder, reportEvery, rollUp, type Jurisdiction, type RollupParts } from './rollup.ts';

const DAY: Phase = { phase: 'election-day', start: '2026-11-03T10:00:00.000Z', end: '2026-11-04T08:00:00.000Z', report_every_minutes: 120 };
const election = { state_fips: ['55', '17'], phases: [DAY] };
const NOW = new Date('2026-11-03T18:00:00.000Z');
const j = (id: string, stateFips: string, kind: Jurisdiction['kind'] = 'local'): Jurisdiction => ({ id, name: id, kind, stateFips, countyFips: null });
const WI = j('wi', '55', 'state');
const DANE = j('dane', '55');
const ROCK = j('rock', '55');
const IL = j('il', '17', 'state');
const COOK = j('cook', '17');
const ALL = [WI, DANE, ROCK, IL, COOK];

let n = 0;
/** A report `minutesAgo` before NOW naming every function normal, except those given. */
function report(jurisdiction: Jurisdiction, minutesAgo: number, levels: Partial<Record<ElectionFunction, StatusLevel>> = {}, only?: readonly ElectionFunction[]): StatusEntry {
  n += 1;
  const base = Object.fromEntries((only ?? ELECTION_FUNCTIONS).map((f) => [f, 'normal']));
  const us = (NOW.getTime() - minutesAgo * 60_000) * 1000;
  return { id: `x-rampart-status-report--00000000-0000-4000-8000-${String(n).padStart(12, '0')}` as StixId, addedUs: us, jurisdictionRef: jurisdiction.id, stateFips: jurisdiction.stateFips, reportedUs: us, levels: { ...base, ...levels }, owner: jurisdiction.id as OrgId, tlp: 'amber' };
}
const expectation = (e: Partial<Expectation>): Expectation => ({ electionRef: 'e', stateFips: '55', jurisdictionRef: '', phase: '', reportEveryMinutes: null, declined: false, setBy: 'identity--x' as OrgId, setAtUs: 0, ...e });

const levels = (r: ReturnType<typeof rollUp>) => Object.fromEntries(r.states.flatMap((s) => s.jurisdictions.map((x) => [x.jurisdiction.id, x.level])));
const answers = (r: ReturnType<typeof rollUp>) => [r.questions.voting.answer, r.questions.counting.answer, r.questions.tallying.answer];

describe('the roll-up, against hand-worked situations', () => {
  it('everyone silent: every jurisdiction no-report, every question unknown, nothing normal', () => {
    const r = rollUp(election, ALL, [], [], NOW);
    expect(levels(r)).toEqual({ wi: 'no-report', dane: 'no-report', rock: 'no-report', il: 'no-report', cook: 'no-report' });
    expect(r.counts).toMatchObject({ normal: 0, 'no-report': 5 });
    expect(answers(r)).toEqual(['unknown', 'unknown', 'unknown']);
    expect(r.questions.voting.silent).toBe(5);
  });

  it('all fresh and normal: no, no, no, with every report behind each answer', () => {
    const reports = ALL.map((x) => report(x, 30));
    const r = rollUp(election, ALL, [], reports, NOW);
    expect(r.counts).toMatchObject({ normal: 5, 'no-report': 0, stale: 0 });
    expect(answers(r)).toEqual(['no', 'no', 'no']);
    expect(r.questions.counting.reports).toHaveLength(5);
    expect(r.states.map((s) => s.worst)).toEqual(['normal', 'normal']);
  });

  it('one silent county makes its state and the nation unknown, never normal', () => {
    const r = rollUp(election, ALL, [], [report(WI, 10), report(DANE, 10), report(IL, 10), report(COOK, 10)], NOW);
    expect(levels(r)['rock']).toBe('no-report');
    expect(answers(r)).toEqual(['unknown', 'unknown', 'unknown']);
    expect(r.states.map((s) => [s.stateFips, s.worst, s.questions.voting.answer])).toEqual([
      ['17', 'normal', 'no'],
      ['55', 'no-report', 'unknown'],
    ]);
  });

  it('a reader outside a state sees it through what was shared with it: its silent counties are left out, never its state office', () => {
    // A federal reader: part of neither state's in-state sharing. Illinois' office shared its status with it, Wisconsin's did not; Rock County did.
    const r = rollUp(election, ALL, [], [report(IL, 10), report(ROCK, 10)], NOW, () => false);
    expect(r.states.map((s) => [s.stateFips, s.worst, s.outOfView, s.counts.normal, s.counts['no-report']])).toEqual([
      ['17', 'normal', 1, 1, 0],
      ['55', 'no-report', 1, 1, 1],
    ]);
    expect(r.states.flatMap((s) => s.jurisdictions.filter((x) => x.outOfView).map((x) => x.jurisdiction.id))).toEqual(['cook', 'dane']);
    expect(r.states.map((s) => s.questions.voting.answer)).toEqual(['no', 'unknown']);
    expect(r.counts).toMatchObject({ normal: 2, 'no-report': 1 });
    // A reader of Wisconsin's in-state sharing counts Dane's silence there.
    const inWisconsin = rollUp(election, ALL, [], [report(IL, 10), report(ROCK, 10)], NOW, (fips) => fips === '55');
    expect(inWisconsin.states.map((s) => [s.stateFips, s.outOfView, s.counts['no-report']])).toEqual([
      ['17', 1, 0],
      ['55', 0, 2],
    ]);
  });

  it('a normal report older than the interval is stale (unknown); a disruption stands even when overdue', () => {
    const r = rollUp(election, ALL, [], [report(WI, 121), report(DANE, 300, { voting: 'disrupted' }), report(ROCK, 119), report(IL, 5), report(COOK, 5)], NOW);
    expect(levels(r)).toMatchObject({ wi: 'stale', dane: 'disrupted', rock: 'normal' });
    expect(r.states.find((s) => s.stateFips === '55')?.jurisdictions.find((x) => x.jurisdiction.id === 'dane')?.stale).toBe(true);
    expect(answers(r)).toEqual(['yes', 'unknown', 'unknown']);
    expect(r.questions.voting.reports).toHaveLength(1);
    expect(r.counts).toMatchObject({ normal: 3, stale: 1, disrupted: 1 });
  });

  it('mixed levels: degraded is not "preventing"; disrupted tabulation changes counts; a confirmed compromise of results reporting disrupts tallying', () => {
    const reports = [report(WI, 10), report(DANE, 10, { pollbooks: 'degraded' }), report(ROCK, 10, { 'vote-counting': 'disrupted' }), report(IL, 10), report(COOK, 10, { 'results-reporting': 'compromise-confirmed' })];
    const r = rollUp(election, ALL, [], reports, NOW);
    expect(answers(r)).toEqual(['no', 'yes', 'yes']);
    expect(levels(r)).toMatchObject({ dane: 'degraded', rock: 'disrupted', cook: 'compromise-confirmed' });
    expect(r.states.map((s) => s.worst)).toEqual(['compromise-confirmed', 'disrupted']);
  });

  it('a report that does not name every function of a question leaves that question unknown', () => {
    const reports = [...ALL.filter((x) => x !== COOK).map((x) => report(x, 10)), report(COOK, 10, {}, ['pollbooks', 'voting'])];
    const r = rollUp(election, ALL, [], reports, NOW);
    expect(levels(r)['cook']).toBe('normal');
    expect(answers(r)).toEqual(['unknown', 'unknown', 'unknown']);
  });

  it('partially shared: what the reader was not given counts as silent, so a federal reader sees unknown', () => {
    // The store gives a federal reader only Illinois' reports (Wisconsin shared with itself only).
    const r = rollUp(election, ALL, [], [report(IL, 10), report(COOK, 10)], NOW);
    expect(r.states.map((s) => [s.stateFips, s.counts.normal, s.counts['no-report'], s.questions.voting.answer])).toEqual([
      ['17', 2, 0, 'no'],
      ['55', 0, 3, 'unknown'],
    ]);
    expect(answers(r)).toEqual(['unknown', 'unknown', 'unknown']);
  });

  it('a state that declines is left out of the counts and the answers; a state interval overrides the election’s', () => {
    const declined = [expectation({ stateFips: '55', declined: true })];
    const r = rollUp(election, ALL, declined, [report(IL, 10), report(COOK, 10)], NOW);
    expect(r.states.map((s) => [s.stateFips, s.declined, s.worst])).toEqual([
      ['17', false, 'normal'],
      ['55', true, null],
    ]);
    expect(answers(r)).toEqual(['no', 'no', 'no']);
    const tight = [expectation({ stateFips: '17', phase: 'election-day', reportEveryMinutes: 5 })];
    expect(levels(rollUp(election, ALL, tight, [report(IL, 10), report(COOK, 4)], NOW))).toMatchObject({ il: 'stale', cook: 'normal' });
    const perCounty = [expectation({ stateFips: '17', phase: 'election-day', reportEveryMinutes: 5 }), expectation({ stateFips: '17', jurisdictionRef: 'il', reportEveryMinutes: 60 })];
    expect(levels(rollUp(election, ALL, perCounty, [report(IL, 10), report(COOK, 10)], NOW))).toMatchObject({ il: 'normal', cook: 'stale' });
  });

  it('between phases a report stays fresh for a day; listed jurisdictions narrow who takes part', () => {
    expect(reportEvery(null, DANE, [])).toBe(1440);
    const after = new Date('2026-11-05T12:00:00.000Z');
    const r = rollUp(election, ALL, [], ALL.map((x) => report(x, -60 * 40)), after);
    expect(r.phase).toBeNull();
    expect(r.counts.normal).toBe(5);
    const listed = rollUp({ ...election, jurisdiction_refs: ['dane'] }, ALL, [], [], NOW);
    expect(listed.states.flatMap((s) => s.jurisdictions.map((x) => x.jurisdiction.id)).sort()).toEqual(['dane', 'il', 'wi']);
  });

  it('lists each state office first, then its local offices by name, in the order the port gives them', () => {
    const order = inDisplayOrder([j('Zavala', '55'), j('adams', '55'), WI, j('Éclair', '55'), j('Dane', '55')]);
    expect(order.map((x) => x.name)).toEqual(['wi', 'adams', 'Dane', 'Éclair', 'Zavala']);
    const r = rollUp(election, order, [], [], NOW);
    expect(r.states.find((s) => s.stateFips === '55')?.jurisdictions.map((x) => x.jurisdiction.name)).toEqual(['wi', 'adams', 'Dane', 'Éclair', 'Zavala']);
  });
});

describe('the roll-up from kept state parts', () => {
  const STATES = ['55', '17', '06'];
  const PLACES: Jurisdiction[] = STATES.flatMap((fips) => [j(`office-${fips}`, fips, 'state'), ...[1, 2, 3].map((k) => j(`county-${fips}-${k}`, fips))]);
  const three = { state_fips: STATES, phases: [DAY] };
  const stepArb = fc.oneof(
    fc.record({ kind: fc.constant('report' as const), place: fc.nat(PLACES.length - 1), minutesAgo: fc.integer({ min: 0, max: 300 }), level: fc.constantFrom<StatusLevel>('normal', 'degraded', 'disrupted', 'compromise-confirmed'), only: fc.boolean() }),
    fc.record({ kind: fc.constant('clock' as const), minutes: fc.integer({ min: 0, max: 200 }) }),
    fc.record({ kind: fc.constant('state' as const), scope: fc.constantFrom(...STATES) }),
  );
  const expectationsArb = fc.array(
    fc.record({ stateFips: fc.constantFrom(...STATES), place: fc.option(fc.nat(PLACES.length - 1), { nil: undefined }), minutes: fc.option(fc.integer({ min: 5, max: 240 }), { nil: null }), declined: fc.boolean() }),
    { maxLength: 3 },
  );

  it('equals the roll-up built anew, after any reports, clock moves and state views in between', () => {
    fc.assert(
      fc.property(expectationsArb, fc.array(stepArb, { minLength: 1, maxLength: 40 }), fc.boolean(), (specs, steps, federal) => {
        const expectations = specs.map((e) => expectation({ stateFips: e.stateFips, jurisdictionRef: e.place === undefined ? '' : (PLACES[e.place]?.id ?? ''), reportEveryMinutes: e.minutes, declined: e.declined }));
        const inView = (fips: string) => !federal || fips === '06';
        const parts: RollupParts = new Map();
        let latest = new Map<string, StatusEntry>();
        let now = NOW;
        for (const step of steps) {
          if (step.kind === 'report') {
            const place = PLACES[step.place] as Jurisdiction;
            const posted = report(place, step.minutesAgo, { voting: step.level }, step.only ? ['voting', 'pollbooks'] : undefined);
            // A copy for each change, as the cache's merge makes one: the parts' reports are compared by identity.
            latest = new Map(latest).set(place.id, { ...posted, reportedUs: posted.reportedUs + (now.getTime() - NOW.getTime()) * 1000 });
          } else if (step.kind === 'clock') now = new Date(now.getTime() + step.minutes * 60_000);
          else {
            const members = PLACES.filter((p) => p.stateFips === step.scope);
            expect(rollUp({ ...three, state_fips: [step.scope] }, members, expectations, latest, now, inView, parts)).toEqual(rollUp({ ...three, state_fips: [step.scope] }, members, expectations, [...latest.values()], now, inView));
            continue;
          }
          expect(rollUp(three, PLACES, expectations, latest, now, inView, parts)).toEqual(rollUp(three, PLACES, expectations, [...latest.values()], now, inView));
        }
      }),
      { numRuns: 300 },
    );
  });

  it('rebuilds only the states whose reports changed', () => {
    const parts: RollupParts = new Map();
    // The same expectations, as an entry of the roll-up cache holds them.
    const none: Expectation[] = [];
    const latest = new Map([[DANE.id, report(DANE, 10)]]);
    const first = rollUp(election, ALL, none, latest, NOW, () => true, parts);
    const illinois = parts.get('17');
    latest.set(DANE.id, report(DANE, 5, { voting: 'disrupted' }));
    const second = rollUp(election, ALL, none, new Map(latest), NOW, () => true, parts);
    expect(parts.get('17')).toBe(illinois);
    expect(second.states.find((s) => s.stateFips === '17')).toBe(first.states.find((s) => s.stateFips === '17'));
    expect(second.states.find((s) => s.stateFips === '55')?.worst).toBe('disrupted');
    expect(second.questions.voting.answer).toBe('yes');
  });
});
