import { describe, expect, it } from 'vitest';
import { functionLabel, type RollupLevel } from '../../src/domain/election.ts';
import { answerReason, countsWords, LEVEL_STYLE, noReportWords, notNormalWords, overdueWords, recordedByWords, reportLinkWords, silentStatesWords, statesByConcern, troubleNearby } from './election-words.ts';

describe('LEVEL_STYLE', () => {
  it('draws each level with its own symbol from blocks every system font carries, never an emoji', () => {
    const symbols = Object.values(LEVEL_STYLE).map((s) => s.symbol);
    expect(new Set(symbols).size).toBe(symbols.length);
    for (const symbol of symbols) {
      const cp = symbol.codePointAt(0) ?? 0;
      // ASCII, Geometric Shapes (U+25A0–25FF) or Dingbats (U+2700–27BF); Miscellaneous Technical (⏱, U+23F1) is emoji-only in most fonts.
      expect(cp < 0x80 || (cp >= 0x25a0 && cp <= 0x25ff) || (cp >= 0x2700 && cp <= 0x27bf), `${symbol} U+${cp.toString(16)}`).toBe(true);
    }
  });
});

describe('reportLinkWords', () => {
  it('gives each report link of a list its own words', () => {
    expect(reportLinkWords(0, 1)).toBe('See the report');
    expect([0, 1, 2].map((i) => reportLinkWords(i, 3))).toEqual(['See report 1 of 3', 'See report 2 of 3', 'See report 3 of 3']);
  });
});

describe('countsWords', () => {
  const counts = { normal: 1, stale: 0, degraded: 0, 'no-report': 2, disrupted: 0, 'compromise-confirmed': 0 };
  it('says the counts worst first, then the local offices whose status was not shared with the reader', () => {
    expect(countsWords(counts)).toBe('2 no report, 1 normal');
    expect(countsWords(counts, 102)).toBe('2 no report, 1 normal, 102 local offices not shared with you');
    expect(countsWords({ ...counts, 'no-report': 0 }, 1)).toBe('1 normal, 1 local office not shared with you');
  });
});

describe('noReportWords and overdueWords', () => {
  it('says "never" only where the reader would see a report, and an interval in hours rather than minutes', () => {
    expect(noReportWords({ required: true, shared: true })).toBe('never');
    expect(noReportWords({ required: true, shared: false })).toBe('—');
    expect(noReportWords({ required: false, shared: true })).toBe('not taking part');
    expect(overdueWords(120)).toBe('overdue: due every 2 hours');
    expect(overdueWords(30)).toBe('overdue: due every 30 minutes');
  });
});

describe('answerReason', () => {
  it('says that local offices which do not share their status with the reader are left out of the answer', () => {
    expect(answerReason('no', 1, 0)).toBe('Every jurisdiction expected to report has a current report that says so (1 report).');
    expect(answerReason('no', 1, 0, 102)).toBe('Every jurisdiction you see that is expected to report has a current report that says so (1 report). 102 local offices do not share their status with you and are not counted.');
    expect(answerReason('unknown', 0, 1, 1)).toBe('One jurisdiction has not given a current answer: no report, an overdue one, or one that leaves functions out. One local office does not share its status with you and is not counted.');
  });
});

describe('recordedByWords', () => {
  const election = { owner: 'identity--state', owner_name: 'Wisconsin Elections Commission', owner_is_hub: false };
  it("names the reader's own organization as theirs, the hub's elections as its administrators', others by name", () => {
    expect(recordedByWords(election, 'identity--state')).toBe('recorded by your organization');
    expect(recordedByWords(election, 'identity--county')).toBe('recorded by Wisconsin Elections Commission');
    expect(recordedByWords({ owner: 'identity--hub', owner_name: null, owner_is_hub: true }, 'identity--county')).toBe('recorded by the hub administrators');
    expect(recordedByWords({ owner: 'identity--remote', owner_name: null, owner_is_hub: false }, null)).toBe('recorded by another organization');
  });
});

describe('statesByConcern', () => {
  const state = (name: string, worst: RollupLevel | null, more: Partial<{ declined: boolean; not_shared: number; last_report: string | null }> = {}) => ({ name, worst, declined: false, not_shared: 0, last_report: null, ...more });
  it('puts the states with something to say first, worst level first, and names the silent ones apart', () => {
    const states = [
      state('Alabama', 'no-report'),
      state('Illinois', 'no-report', { last_report: '2026-11-03T12:00:00Z' }),
      state('Iowa', 'normal', { last_report: '2026-11-03T12:00:00Z' }),
      state('Ohio', 'degraded', { last_report: '2026-11-03T12:00:00Z' }),
      state('Texas', 'no-report', { declined: true }),
      state('Utah', 'no-report', { not_shared: 12 }),
      state('Wisconsin', 'disrupted', { last_report: '2026-11-03T12:00:00Z' }),
      state('Guam', null),
    ];
    const { telling, silent } = statesByConcern(states);
    expect(telling.map((s) => s.name)).toEqual(['Wisconsin', 'Illinois', 'Utah', 'Ohio', 'Iowa', 'Texas']);
    expect(silent.map((s) => s.name)).toEqual(['Alabama', 'Guam']);
  });
  it('says how many silent states it names', () => {
    expect(silentStatesWords(1)).toBe('No report has reached you from this state or territory:');
    expect(silentStatesWords(54)).toBe('No report has reached you from these 54 states and territories:');
  });
});

describe('notNormalWords', () => {
  it('says the function and its level, then the jurisdiction’s own note and what it uses instead', () => {
    expect(notNormalWords('pollbooks', 'degraded', { note: 'E-pollbooks down at 3 sites', contingencies: ['paper-pollbooks', 'provisional-ballots'] })).toEqual({
      what: 'Check-in and e-pollbooks: degraded',
      said: '“E-pollbooks down at 3 sites” Using paper pollbooks, provisional ballots.',
    });
    expect(notNormalWords('voting', 'disrupted', { note: '  Power cut at one polling place ' })).toEqual({ what: `${functionLabel('voting')}: disrupted`, said: '“Power cut at one polling place”' });
    expect(notNormalWords('voting', 'disrupted', { contingencies: ['other'] }).said).toBeNull();
    expect(notNormalWords('pollbooks', 'compromise-confirmed', undefined)).toEqual({ what: 'Check-in and e-pollbooks: compromise confirmed', said: null });
  });
});

describe('troubleNearby', () => {
  const row = (id: string, level: 'normal' | 'degraded' | 'disrupted' | 'compromise-confirmed' | 'no-report' | 'stale', county: string | null, extra: { required?: boolean; shared?: boolean } = {}) => ({ id, level, county_fips: county, required: extra.required ?? true, shared: extra.shared ?? true });
  it('lists the trouble of the state but the reader’s own, its county first, then worst first; silence and what is not shared left out', () => {
    const rows = [
      row('me', 'disrupted', '55025'),
      row('far-degraded', 'degraded', '55001'),
      row('far-disrupted', 'disrupted', '55003'),
      row('near-degraded', 'degraded', '55025'),
      row('far-compromise', 'compromise-confirmed', '55005'),
      row('silent', 'no-report', '55025'),
      row('overdue', 'stale', '55025'),
      row('fine', 'normal', '55025'),
      row('hidden', 'disrupted', '55007', { shared: false }),
      row('not-taking-part', 'disrupted', '55009', { required: false }),
    ];
    expect(troubleNearby(rows, { id: 'me', county_fips: '55025' }).map((r) => r.id)).toEqual(['near-degraded', 'far-compromise', 'far-disrupted', 'far-degraded']);
    expect(troubleNearby(rows, { id: 'me', county_fips: null }).map((r) => r.id)).toEqual(['far-compromise', 'far-disrupted', 'far-degraded', 'near-degraded']);
  });
});
