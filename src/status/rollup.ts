import {
  DEFAULT_REPORT_EVERY_MINUTES,
  ELECTION_FUNCTION_TAXONOMY,
  ELECTION_QUESTIONS,
  ROLLUP_LEVELS,
  type ElectionFunction,
  type ElectionQuestion,
  type RollupLevel,
  type StatusLevel,
} from '../domain/election.ts';
import type { Election, Phase } from '../stix/rampart-extension.ts';
import type { Expectation, StatusEntry } from '../store/elections.ts';

/** A jurisdiction that may take part in an election (from the organizations the hub knows). */
export interface Jurisdiction {
  readonly id: string;
  readonly name: string;
  readonly kind: 'state' | 'territory' | 'local';
  readonly stateFips: string;
  readonly countyFips: string | null;
}

export type Answer = 'yes' | 'no' | 'unknown';

export interface QuestionAnswer {
  readonly answer: Answer;
  /** yes: the reports of a disruption or compromise; no: the reports behind it (fresh, naming every function). */
  readonly reports: readonly string[];
  /** Jurisdictions whose silence (no report, overdue, or a report not naming every function of the question) leaves it open. */
  readonly silent: number;
}

export type Counts = Readonly<Record<RollupLevel, number>>;

export interface JurisdictionStatus {
  readonly jurisdiction: Jurisdiction;
  /** Expected to report (its state takes part and neither declined it). */
  readonly required: boolean;
  /** What it counts as: a posted worst level, or derived no-report / stale. */
  readonly level: RollupLevel;
  /** Its last report is older than its interval (its posted level still shows when worse than stale). */
  readonly stale: boolean;
  readonly report: StatusEntry | null;
  readonly everyMinutes: number;
  readonly answers: Readonly<Record<ElectionQuestion, Answer>>;
}

export interface StateRollup {
  readonly stateFips: string;
  readonly declined: boolean;
  readonly worst: RollupLevel | null;
  readonly counts: Counts;
  readonly questions: Readonly<Record<ElectionQuestion, QuestionAnswer>>;
  readonly lastReportUs: number | null;
  readonly jurisdictions: readonly JurisdictionStatus[];
}

export interface Rollup {
  readonly phase: Phase | null;
  readonly counts: Counts;
  readonly questions: Readonly<Record<ElectionQuestion, QuestionAnswer>>;
  readonly states: readonly StateRollup[];
}

const QUESTION_FUNCTIONS: Readonly<Record<ElectionQuestion, readonly ElectionFunction[]>> = {
  voting: ELECTION_FUNCTION_TAXONOMY.filter((f) => f.question === 'voting').map((f) => f.id),
  counting: ELECTION_FUNCTION_TAXONOMY.filter((f) => f.question === 'counting').map((f) => f.id),
  tallying: ELECTION_FUNCTION_TAXONOMY.filter((f) => f.question === 'tallying').map((f) => f.id),
};
const BAD: ReadonlySet<StatusLevel> = new Set(['disrupted', 'compromise-confirmed']);
/** Between phases, or in a phase without regular reports, a report older than a day is overdue. */
const FALLBACK_MINUTES = 24 * 60;

/** One collator for every sort: String.localeCompare builds one per call, the bulk of a national roll-up's time. */
const byName = new Intl.Collator('en');

const zeroCounts = (): Record<RollupLevel, number> => Object.fromEntries(ROLLUP_LEVELS.map((l) => [l, 0])) as Record<RollupLevel, number>;
const rank = (l: RollupLevel) => ROLLUP_LEVELS.indexOf(l);
const worse = (a: RollupLevel, b: RollupLevel): RollupLevel => (rank(b) > rank(a) ? b : a);

/** The phase under way at `nowMs`, or null between phases. */
export function currentPhase(election: Pick<Election, 'phases'>, nowMs: number): Phase | null {
  return election.phases.find((p) => Date.parse(p.start) <= nowMs && nowMs < Date.parse(p.end)) ?? null;
}

/** Where a jurisdiction's interval in a phase comes from: its own setting, its state's, the election's, or Rampart's default. */
export type IntervalSource = 'jurisdiction' | 'state' | 'election' | 'rampart';

/**
 * How often a jurisdiction reports during a phase and who decided it: the state's setting for it (this
 * phase, then every phase), then the state's for all its jurisdictions (likewise), then the election's,
 * then Rampart's default. `minutes` null: no regular report (a report then stays current for a day).
 */
export function intervalIn(phase: Phase, jurisdiction: Pick<Jurisdiction, 'id' | 'stateFips'>, expectations: readonly Expectation[]): { readonly minutes: number | null; readonly source: IntervalSource } {
  const pick = (j: string, p: string) => expectations.find((e) => e.stateFips === jurisdiction.stateFips && e.jurisdictionRef === j && e.phase === p && e.reportEveryMinutes !== null);
  const own = pick(jurisdiction.id, phase.phase) ?? pick(jurisdiction.id, '');
  const state = own === undefined ? (pick('', phase.phase) ?? pick('', '')) : undefined;
  const set = own ?? state;
  const minutes = set?.reportEveryMinutes ?? phase.report_every_minutes ?? DEFAULT_REPORT_EVERY_MINUTES[phase.phase];
  const source: IntervalSource = own !== undefined ? 'jurisdiction' : state !== undefined ? 'state' : phase.report_every_minutes !== undefined ? 'election' : 'rampart';
  return { minutes: minutes === null || minutes === undefined || minutes <= 0 ? null : minutes, source };
}

/** How often a jurisdiction reports now (see intervalIn); between phases, or without regular reports, once a day. */
export function reportEvery(phase: Phase | null, jurisdiction: Jurisdiction, expectations: readonly Expectation[]): number {
  return (phase === null ? null : intervalIn(phase, jurisdiction, expectations).minutes) ?? FALLBACK_MINUTES;
}

/** Whether a state, or one jurisdiction, declined to report on the election. */
export function declinedBy(expectations: readonly Expectation[], stateFips: string, jurisdictionRef: string): boolean {
  return expectations.some((e) => e.declined && e.stateFips === stateFips && e.jurisdictionRef === jurisdictionRef);
}

function answersOf(report: StatusEntry | null, stale: boolean): Record<ElectionQuestion, Answer> {
  const out = {} as Record<ElectionQuestion, Answer>;
  for (const q of ELECTION_QUESTIONS) {
    const fns = QUESTION_FUNCTIONS[q];
    if (report === null) out[q] = 'unknown';
    // A reported disruption stands until a newer report says otherwise, overdue or not.
    else if (fns.some((f) => { const l = report.levels[f]; return l !== undefined && BAD.has(l); })) out[q] = 'yes';
    else if (stale || fns.some((f) => report.levels[f] === undefined)) out[q] = 'unknown';
    else out[q] = 'no';
  }
  return out;
}

function question(statuses: readonly JurisdictionStatus[], q: ElectionQuestion): QuestionAnswer {
  const required = statuses.filter((s) => s.required);
  const yes = required.filter((s) => s.answers[q] === 'yes');
  const silent = required.filter((s) => s.answers[q] === 'unknown').length;
  if (yes.length > 0) return { answer: 'yes', reports: yes.flatMap((s) => (s.report === null ? [] : [s.report.id])), silent };
  if (silent > 0 || required.length === 0) return { answer: 'unknown', reports: [], silent };
  return { answer: 'no', reports: required.flatMap((s) => (s.report === null ? [] : [s.report.id])), silent: 0 };
}

function questions(statuses: readonly JurisdictionStatus[]): Record<ElectionQuestion, QuestionAnswer> {
  return { voting: question(statuses, 'voting'), counting: question(statuses, 'counting'), tallying: question(statuses, 'tallying') };
}

/**
 * The roll-up of an election at `now` over the reports a reader may see (`latest`: the newest visible
 * report of each jurisdiction, from the store). Every participating jurisdiction is counted: one
 * without a report is `no-report`, one whose report is older than its interval is `stale` (or its
 * posted level when worse); only a fresh report whose functions are all normal counts as `normal`.
 * The three questions are yes when any report shows a disruption or compromise of one of their
 * functions, no only when every required jurisdiction has a fresh report naming all of them, and
 * unknown otherwise.
 */
export function rollUp(election: Pick<Election, 'state_fips' | 'phases' | 'jurisdiction_refs'>, jurisdictions: readonly Jurisdiction[], expectations: readonly Expectation[], latest: readonly StatusEntry[], now: Date): Rollup {
  const nowMs = now.getTime();
  const phase = currentPhase(election, nowMs);
  const byJurisdiction = new Map(latest.map((e) => [e.jurisdictionRef, e]));
  const listed = election.jurisdiction_refs === undefined ? null : new Set<string>(election.jurisdiction_refs);
  const states: StateRollup[] = [];
  const all: JurisdictionStatus[] = [];
  const national = zeroCounts();
  const byState = new Map<string, Jurisdiction[]>();
  for (const j of jurisdictions) {
    if (listed !== null && j.kind === 'local' && !listed.has(j.id)) continue;
    const list = byState.get(j.stateFips);
    if (list === undefined) byState.set(j.stateFips, [j]);
    else list.push(j);
  }
  for (const fips of [...election.state_fips].sort()) {
    const declined = declinedBy(expectations, fips, '');
    const members = byState.get(fips) ?? [];
    const statuses: JurisdictionStatus[] = [];
    const counts = zeroCounts();
    let worst: RollupLevel | null = null;
    let lastReportUs: number | null = null;
    for (const j of members) {
      const required = !declined && !declinedBy(expectations, fips, j.id);
      const report = byJurisdiction.get(j.id) ?? null;
      const everyMinutes = reportEvery(phase, j, expectations);
      const stale = report !== null && report.reportedUs < nowMs * 1000 - everyMinutes * 60_000_000;
      let level: RollupLevel = 'no-report';
      if (report !== null) {
        level = stale ? 'stale' : 'normal';
        for (const l of Object.values(report.levels)) level = worse(level, l);
        lastReportUs = Math.max(lastReportUs ?? 0, report.reportedUs);
      }
      const status: JurisdictionStatus = { jurisdiction: j, required, level, stale, report, everyMinutes, answers: answersOf(report, stale) };
      statuses.push(status);
      if (!required) continue;
      counts[level] += 1;
      national[level] += 1;
      worst = worst === null ? level : worse(worst, level);
    }
    statuses.sort((a, b) => (a.jurisdiction.kind === 'local' ? 1 : 0) - (b.jurisdiction.kind === 'local' ? 1 : 0) || byName.compare(a.jurisdiction.name, b.jurisdiction.name));
    all.push(...statuses);
    states.push({ stateFips: fips, declined, worst, counts, questions: questions(statuses), lastReportUs, jurisdictions: statuses });
  }
  return { phase, counts: national, questions: questions(all), states };
}
