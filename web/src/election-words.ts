import { CONTINGENCY_TEXT, functionLabel, isElectionFunction, STATUS_LEVEL_TEXT, type RollupLevel, type StatusLevel } from '../../src/domain/election.ts';
import type { ApiResponse } from './api.ts';
import { everyWords } from './expectation-words.ts';

/** A yes/no/unknown answer of the national roll-up, as the API gives it. */
type Answer = ApiResponse<'/api/v1/elections/{id}/rollup'>['states'][number]['answers']['voting'];

/**
 * Symbols come from the Geometric Shapes and Dingbats blocks, which the usual system fonts carry (an emoji such as
 * ⏱ shows as an empty box where no emoji font is installed). Level colours chosen from the Okabe–Ito palette, which stays distinguishable with the common
 * colour-vision deficiencies; every level also has its own word and symbol, and `no-report` is never
 * a colour at all but a hatched, outlined shape, so silence cannot be mistaken for "normal".
 */
export const LEVEL_STYLE: Readonly<Record<RollupLevel, { readonly fill: string; readonly text: string; readonly symbol: string }>> = {
  normal: { fill: '#56B4E9', text: '#0b2a3d', symbol: '✓' },
  stale: { fill: '#C9CED6', text: '#17202b', symbol: '◷' },
  degraded: { fill: '#F0E442', text: '#3d3700', symbol: '▲' },
  'no-report': { fill: 'url(#no-report-hatch)', text: '#17202b', symbol: '?' },
  disrupted: { fill: '#D55E00', text: '#ffffff', symbol: '■' },
  'compromise-confirmed': { fill: '#3A0F4F', text: '#ffffff', symbol: '✖' },
};

/** States that do not take part (or declined) are drawn plain, without a level. */
export const NOT_TAKING_PART = '#EEF1F4';

export function levelWords(level: RollupLevel | null): string {
  return level === null ? 'not taking part' : STATUS_LEVEL_TEXT[level];
}

/**
 * Who recorded an election, in the reader's words: their own organization, this hub's administrators (national
 * elections, owned by the hub's identity, which no member organization is), or the organization by name.
 */
export function recordedByWords(election: { readonly owner: string; readonly owner_name: string | null; readonly owner_is_hub: boolean }, readerOrgId: string | null): string {
  if (readerOrgId !== null && election.owner === readerOrgId) return 'recorded by your organization';
  if (election.owner_is_hub) return 'recorded by the hub administrators';
  return `recorded by ${election.owner_name ?? 'another organization'}`;
}

export const ANSWER_WORDS: Readonly<Record<Answer, string>> = { yes: 'Yes', no: 'No', unknown: 'Unknown' };

/**
 * Why a question has its answer, in a sentence for officials; then, when local offices did not share their status with
 * the reader, that the answer leaves them out (a federal reader's "No" speaks only for what states shared with it).
 */
export function answerReason(answer: Answer, reports: number, silent: number, notShared = 0): string {
  const out = notShared === 0 ? '' : notShared === 1 ? ' One local office does not share its status with you and is not counted.' : ` ${notShared} local offices do not share their status with you and are not counted.`;
  switch (answer) {
    case 'yes':
      return `${reports === 1 ? 'One jurisdiction reports' : `${reports} jurisdictions report`} a disruption or a confirmed compromise.${out}`;
    case 'no':
      return `Every jurisdiction ${notShared === 0 ? '' : 'you see that is '}expected to report has a current report that says so (${reports} report${reports === 1 ? '' : 's'}).${out}`;
    case 'unknown':
      return `${silent === 0 ? 'No jurisdiction is expected to report yet.' : `${silent === 1 ? 'One jurisdiction has' : `${silent} jurisdictions have`} not given a current answer: no report, an overdue one, or one that leaves functions out.`}${out}`;
  }
}

/** The levels worst first, as the roll-up ranks them (silence above a degraded report: it may hide anything). */
const WORST_FIRST: readonly RollupLevel[] = ['compromise-confirmed', 'disrupted', 'no-report', 'degraded', 'stale', 'normal'];

/** What the national list needs of a state's row. */
interface StateLine {
  readonly name: string;
  readonly declined: boolean;
  readonly worst: RollupLevel | null;
  readonly not_shared: number;
  readonly last_report: string | null;
}

/**
 * The national list in the order a reader looks: states with something to say, worst level first (then by name),
 * and apart from them the states from which nothing reached the reader at all (no report shared, nothing declined,
 * no local office known to keep its status from them), which a reader only needs named once, not row by row.
 */
export function statesByConcern<S extends StateLine>(states: readonly S[]): { readonly telling: readonly S[]; readonly silent: readonly S[] } {
  const rank = (s: S) => (s.declined ? WORST_FIRST.length : s.worst === null ? WORST_FIRST.length + 1 : WORST_FIRST.indexOf(s.worst));
  const silent = states.filter((s) => !s.declined && s.last_report === null && s.not_shared === 0 && (s.worst === 'no-report' || s.worst === null));
  const telling = states.filter((s) => !silent.includes(s)).sort((a, b) => rank(a) - rank(b) || a.name.localeCompare(b.name, 'en'));
  return { telling, silent };
}

/** "No report has reached you from 3 states and territories:" / "from Alabama:" before the silent states' names. */
export function silentStatesWords(count: number): string {
  return count === 1 ? 'No report has reached you from this state or territory:' : `No report has reached you from these ${count} states and territories:`;
}

/**
 * "3 normal, 1 degraded, 2 no report": a state's counts in words, worst first, zeros left out; then the local
 * offices whose status was not shared with the reader ("102 local offices not shared with you").
 */
export function countsWords(counts: Readonly<Record<RollupLevel, number>>, notShared = 0): string {
  const parts = WORST_FIRST.filter((l) => counts[l] > 0).map((l) => `${counts[l]} ${STATUS_LEVEL_TEXT[l].toLowerCase()}`);
  if (notShared > 0) parts.push(`${notShared} local office${notShared === 1 ? '' : 's'} not shared with you`);
  return parts.length === 0 ? 'no jurisdictions known' : parts.join(', ');
}

/** A report link's words before the server's title for it arrives: distinct for each link ("See report 2 of 3"). */
export function reportLinkWords(index: number, of: number): string {
  return of === 1 ? 'See the report' : `See report ${index + 1} of ${of}`;
}

/** A jurisdiction's row of a state's list, as the API gives it. */
type JurisdictionRow = ApiResponse<'/api/v1/elections/{id}/rollup/{state}'>['jurisdictions'][number];

/**
 * The "last report" cell when there is no report to link: "never" only when the reader would see one had it been
 * sent; a local office that does not share its status with the reader may well have reported, so it says that.
 */
export function noReportWords(j: Pick<JurisdictionRow, 'required' | 'shared'>): string {
  if (!j.required) return 'not taking part';
  // Its level already says "Not shared with you": no second time, and never "never".
  return j.shared ? 'never' : '—';
}

/** "(overdue: due every 2 hours)": the interval in words, never a count of minutes. */
export function overdueWords(everyMinutes: number): string {
  return `overdue: due ${everyWords(everyMinutes)}`;
}

/**
 * A function that is not normal in a jurisdiction's row, in two parts: what it is and how bad ("Check-in and
 * e-pollbooks: degraded"), then what the jurisdiction itself said of it, its note in its own words and what it uses
 * instead ("“E-pollbooks down at 3 sites” Using paper pollbooks."); null when its report says neither.
 */
export function notNormalWords(fn: string, level: StatusLevel, detail: JurisdictionRow['details'][string] | undefined): { readonly what: string; readonly said: string | null } {
  const what = `${isElectionFunction(fn) ? functionLabel(fn) : fn}: ${STATUS_LEVEL_TEXT[level].toLowerCase()}`;
  const note = detail?.note?.trim() ?? '';
  // "Other (see note)" says nothing beside the note itself.
  const instead = (detail?.contingencies ?? []).filter((c) => c !== 'other').map((c) => CONTINGENCY_TEXT[c].toLowerCase());
  const parts = [note === '' ? null : `“${note}”`, instead.length === 0 ? null : `Using ${instead.join(', ')}.`].filter((p) => p !== null);
  return { what, said: parts.length === 0 ? null : parts.join(' ') };
}

/** What a jurisdiction row needs for "what's wrong nearby". */
export interface NearbyRow {
  readonly id: string;
  readonly county_fips: string | null;
  readonly required: boolean;
  readonly shared: boolean;
  readonly level: RollupLevel;
}

/** Real trouble, worst first: a confirmed compromise, a disruption, a degraded function (silence is counted elsewhere). */
const TROUBLE: readonly RollupLevel[] = ['compromise-confirmed', 'disrupted', 'degraded'];

/**
 * The jurisdictions of the reader's state in trouble, other than the reader's own: those of its county first, then
 * the worst first. Only what was shared with the reader and takes part.
 */
export function troubleNearby<R extends NearbyRow>(rows: readonly R[], own: { readonly id: string; readonly county_fips: string | null }): R[] {
  const near = (r: R) => (own.county_fips !== null && r.county_fips === own.county_fips ? 0 : 1);
  return rows
    .filter((r) => r.id !== own.id && r.required && r.shared && TROUBLE.includes(r.level))
    .sort((a, b) => near(a) - near(b) || TROUBLE.indexOf(a.level) - TROUBLE.indexOf(b.level));
}
