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
  /**
   * A local office of a state whose in-state sharing the reader is not part of, with no report shared with the
   * reader: what it reports is for its state, so its silence here is not counted (neither no-report nor normal).
   */
  readonly outOfView: boolean;
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
  /** Required local offices left out of the counts for this reader (see JurisdictionStatus.outOfView). */
  readonly outOfView: number;
  readonly questions: Readonly<Record<ElectionQuestion, QuestionAnswer>>;
  readonly lastReportUs: number | null;
  readonly jurisdictions: readonly JurisdictionStatus[];
}

export interface Rollup {
  readonly phase: Phase | null;
  readonly counts: Counts;
  readonly questions: Readonly<Record<ElectionQuestion, QuestionAnswer>>;
  readonly states: readonly StateRollup[];
  /** The first moment (epoch µs) from which the same reports would roll up differently (a report goes stale, a phase starts or ends); null: never. */
  readonly untilUs: number | null;
}

const QUESTION_FUNCTIONS: Readonly<Record<ElectionQuestion, readonly ElectionFunction[]>> = {
  voting: ELECTION_FUNCTION_TAXONOMY.filter((f) => f.question === 'voting').map((f) => f.id),
  counting: ELECTION_FUNCTION_TAXONOMY.filter((f) => f.question === 'counting').map((f) => f.id),
  tallying: ELECTION_FUNCTION_TAXONOMY.filter((f) => f.question === 'tallying').map((f) => f.id),
};
const BAD: ReadonlySet<StatusLevel> = new Set(['disrupted', 'compromise-confirmed']);
/** Between phases, or in a phase without regular reports, a report older than a day is overdue. */
const FALLBACK_MINUTES = 24 * 60;

const byName = new Intl.Collator('en');

/**
 * Jurisdictions in the order the roll-up shows them: each state's office first, then its local offices by
 * name. Sorting with a collator costs more than the rest of a national roll-up together, so the
 * jurisdictions port sorts once when it reads the organizations, and rollUp keeps the order it is given.
 */
export function inDisplayOrder(jurisdictions: readonly Jurisdiction[]): Jurisdiction[] {
  return [...jurisdictions].sort((a, b) => (a.kind === 'local' ? 1 : 0) - (b.kind === 'local' ? 1 : 0) || byName.compare(a.name, b.name));
}

const RANK = Object.fromEntries(ROLLUP_LEVELS.map((l, i) => [l, i])) as Readonly<Record<RollupLevel, number>>;
const zeroCounts = (): Record<RollupLevel, number> => ({ normal: 0, stale: 0, degraded: 0, 'no-report': 0, disrupted: 0, 'compromise-confirmed': 0 });
const worse = (a: RollupLevel, b: RollupLevel): RollupLevel => (RANK[b] > RANK[a] ? b : a);
const UNKNOWN: Readonly<Record<ElectionQuestion, Answer>> = Object.freeze({ voting: 'unknown', counting: 'unknown', tallying: 'unknown' });

/** The phase under way at `nowMs`, or null between phases. */
export function currentPhase(election: Pick<Election, 'phases'>, nowMs: number): Phase | null {
  return election.phases.find((p) => Date.parse(p.start) <= nowMs && nowMs < Date.parse(p.end)) ?? null;
}

/** Where a jurisdiction's interval in a phase comes from: its own setting, its state's, the election's, or Rampart's default. */
export type IntervalSource = 'jurisdiction' | 'state' | 'election' | 'rampart';

/** The minutes a state set for one of its jurisdictions ('' for all of them) in a phase ('' for every phase), if any. */
type Setting = (jurisdictionRef: string, phase: string) => number | undefined;

/** The expectations of one election, looked up by key instead of searched for each of thousands of jurisdictions. */
interface Expected {
  /** `state \n jurisdiction` ('' for the whole state) of each decline. */
  readonly declined: ReadonlySet<string>;
  /** `state \n jurisdiction \n phase` to minutes, the first row that sets it. */
  readonly minutes: ReadonlyMap<string, number>;
  /** States that set an interval or declined for one jurisdiction: the others' jurisdictions all follow the state. */
  readonly perJurisdiction: ReadonlySet<string>;
}

function expectedOf(expectations: readonly Expectation[]): Expected {
  const declined = new Set<string>();
  const minutes = new Map<string, number>();
  const perJurisdiction = new Set<string>();
  for (const e of expectations) {
    if (e.declined) declined.add(`${e.stateFips}\n${e.jurisdictionRef}`);
    const key = `${e.stateFips}\n${e.jurisdictionRef}\n${e.phase}`;
    if (e.reportEveryMinutes !== null && !minutes.has(key)) minutes.set(key, e.reportEveryMinutes);
    if (e.jurisdictionRef !== '' && (e.declined || e.reportEveryMinutes !== null)) perJurisdiction.add(e.stateFips);
  }
  return { declined, minutes, perJurisdiction };
}

const settingIn = (expected: Expected, stateFips: string): Setting => (j, p) => (expected.minutes.size === 0 ? undefined : expected.minutes.get(`${stateFips}\n${j}\n${p}`));

/** The interval of a jurisdiction, or (null) of any jurisdiction of the state without its own setting. */
function intervalWith(phase: Phase, jurisdictionRef: string | null, setting: Setting): { readonly minutes: number | null; readonly source: IntervalSource } {
  const own = jurisdictionRef === null ? undefined : (setting(jurisdictionRef, phase.phase) ?? setting(jurisdictionRef, ''));
  const state = own === undefined ? (setting('', phase.phase) ?? setting('', '')) : undefined;
  const minutes = own ?? state ?? phase.report_every_minutes ?? DEFAULT_REPORT_EVERY_MINUTES[phase.phase];
  const source: IntervalSource = own !== undefined ? 'jurisdiction' : state !== undefined ? 'state' : phase.report_every_minutes !== undefined ? 'election' : 'rampart';
  return { minutes: minutes === null || minutes <= 0 ? null : minutes, source };
}

/**
 * How often a jurisdiction reports during a phase and who decided it: the state's setting for it (this
 * phase, then every phase), then the state's for all its jurisdictions (likewise), then the election's,
 * then Rampart's default. `minutes` null: no regular report (a report then stays current for a day).
 */
export function intervalIn(phase: Phase, jurisdiction: Pick<Jurisdiction, 'id' | 'stateFips'>, expectations: readonly Expectation[]): { readonly minutes: number | null; readonly source: IntervalSource } {
  return intervalWith(phase, jurisdiction.id, settingIn(expectedOf(expectations), jurisdiction.stateFips));
}

/** How often a jurisdiction reports now (see intervalIn); between phases, or without regular reports, once a day. */
export function reportEvery(phase: Phase | null, jurisdiction: Jurisdiction, expectations: readonly Expectation[]): number {
  return (phase === null ? null : intervalIn(phase, jurisdiction, expectations).minutes) ?? FALLBACK_MINUTES;
}

/** Whether a state, or one jurisdiction, declined to report on the election. */
export function declinedBy(expectations: readonly Expectation[], stateFips: string, jurisdictionRef: string): boolean {
  return expectations.some((e) => e.declined && e.stateFips === stateFips && e.jurisdictionRef === jurisdictionRef);
}

function answersOf(report: StatusEntry | null, stale: boolean): Readonly<Record<ElectionQuestion, Answer>> {
  if (report === null) return UNKNOWN;
  const out = { voting: 'unknown', counting: 'unknown', tallying: 'unknown' } as Record<ElectionQuestion, Answer>;
  for (const q of ELECTION_QUESTIONS) {
    let bad = false;
    let unnamed = false;
    for (const f of QUESTION_FUNCTIONS[q]) {
      const l = report.levels[f];
      if (l === undefined) unnamed = true;
      else if (BAD.has(l)) bad = true;
    }
    // A reported disruption stands until a newer report says otherwise, overdue or not.
    out[q] = bad ? 'yes' : stale || unnamed ? 'unknown' : 'no';
  }
  return out;
}

/** What one question gathers over the required jurisdictions of a state, then of the nation. */
interface Tally {
  readonly yes: string[];
  readonly all: string[];
  silent: number;
  required: number;
}

const newTally = (): Tally => ({ yes: [], all: [], silent: 0, required: 0 });

function count(tally: Tally, s: JurisdictionStatus, q: ElectionQuestion): void {
  tally.required += 1;
  const a = s.answers[q];
  if (a === 'unknown') tally.silent += 1;
  if (s.report === null) return;
  if (a === 'yes') tally.yes.push(s.report.id);
  tally.all.push(s.report.id);
}

function answer(t: Tally): QuestionAnswer {
  if (t.yes.length > 0) return { answer: 'yes', reports: t.yes, silent: t.silent };
  if (t.silent > 0 || t.required === 0) return { answer: 'unknown', reports: [], silent: t.silent };
  return { answer: 'no', reports: t.all, silent: 0 };
}

type Tallies = Record<ElectionQuestion, Tally>;
const newTallies = (): Tallies => ({ voting: newTally(), counting: newTally(), tallying: newTally() });
const answers = (t: Tallies): Record<ElectionQuestion, QuestionAnswer> => ({ voting: answer(t.voting), counting: answer(t.counting), tallying: answer(t.tallying) });

/**
 * One state's part of a roll-up, as rollUp builds it: the state's row and what it adds to the nation's questions,
 * kept (RollupParts) with what it was built from, so that a roll-up after a new report rebuilds only the states
 * whose reports changed. Every input is compared, not assumed: the same jurisdictions and the same report object for
 * each of them, the same expectations and in-state view, the same phase, and a clock before the first moment at which
 * one of its reports goes stale.
 */
export interface StatePart {
  readonly row: StateRollup;
  readonly tallies: Readonly<Record<ElectionQuestion, Readonly<Tally>>>;
  /** The first moment (epoch µs) at which one of its reports goes stale; null: none will. */
  readonly untilUs: number | null;
  readonly builtUs: number;
  readonly phase: Phase | null;
  readonly expectations: readonly Expectation[];
  readonly inView: boolean;
  readonly members: readonly Jurisdiction[];
  /** The report counted for each of `members`, in order (null: none). */
  readonly reports: readonly (StatusEntry | null)[];
}

/** Each state's part of the last roll-ups built over one reader's reports, by state FIPS code (see StatePart). */
export type RollupParts = Map<string, StatePart>;

function stillHolds(part: StatePart, phase: Phase | null, expectations: readonly Expectation[], inView: boolean, members: readonly Jurisdiction[], byJurisdiction: ReadonlyMap<string, StatusEntry>, nowUs: number): boolean {
  if (part.phase !== phase || part.expectations !== expectations || part.inView !== inView || part.builtUs > nowUs) return false;
  if (part.untilUs !== null && nowUs >= part.untilUs) return false;
  if (part.members.length !== members.length) return false;
  for (let i = 0; i < members.length; i++) {
    const j = members[i] as Jurisdiction;
    if (part.members[i] !== j || part.reports[i] !== (byJurisdiction.get(j.id) ?? null)) return false;
  }
  return true;
}

/**
 * The roll-up of an election at `now` over the reports a reader may see (`latest`: the newest visible
 * report of each jurisdiction, from the store). Every participating jurisdiction is counted: one
 * without a report is `no-report`, one whose report is older than its interval is `stale` (or its
 * posted level when worse); only a fresh report whose functions are all normal counts as `normal`.
 * The three questions are yes when any report shows a disruption or compromise of one of their
 * functions, no only when every required jurisdiction has a fresh report naming all of them, and
 * unknown otherwise. Jurisdictions are listed per state in the order given (see inDisplayOrder).
 *
 * `localsInView` says of a state whether the reader is part of its in-state sharing (where local offices share
 * their status by default). In a state it is not, a local office without a report shared with the reader is
 * left out of its counts (`outOfView`): a federal reader sees a state through what the state office, and any
 * county, shared with it, not as a hundred silent counties. The state office is always counted.
 *
 * `parts`: each state's part of earlier roll-ups over the same reader's reports; a state whose part still holds
 * (StatePart) is taken from it, and the others are built and put there.
 */
export function rollUp(
  election: Pick<Election, 'state_fips' | 'phases' | 'jurisdiction_refs'>,
  jurisdictions: readonly Jurisdiction[],
  expectations: readonly Expectation[],
  latest: readonly StatusEntry[] | ReadonlyMap<string, StatusEntry>,
  now: Date,
  localsInView: (stateFips: string) => boolean = () => true,
  parts?: RollupParts,
): Rollup {
  const nowUs = now.getTime() * 1000;
  const phase = currentPhase(election, now.getTime());
  let untilUs: number | null = null;
  const changesAt = (us: number | null) => {
    if (us !== null && us >= nowUs && (untilUs === null || us < untilUs)) untilUs = us;
  };
  for (const p of election.phases) {
    changesAt(Date.parse(p.start) * 1000);
    changesAt(Date.parse(p.end) * 1000);
  }
  let byJurisdiction: ReadonlyMap<string, StatusEntry>;
  if (Array.isArray(latest)) {
    const map = new Map<string, StatusEntry>();
    for (const e of latest as readonly StatusEntry[]) map.set(e.jurisdictionRef, e);
    byJurisdiction = map;
  } else byJurisdiction = latest as ReadonlyMap<string, StatusEntry>;
  let expected: Expected | null = null;
  const listed = election.jurisdiction_refs === undefined ? null : new Set<string>(election.jurisdiction_refs);
  const states: StateRollup[] = [];
  const national = zeroCounts();
  const nationalTallies = newTallies();
  const byState = new Map<string, Jurisdiction[]>();
  for (const j of jurisdictions) {
    if (listed !== null && j.kind === 'local' && !listed.has(j.id)) continue;
    const list = byState.get(j.stateFips);
    if (list === undefined) byState.set(j.stateFips, [j]);
    else list.push(j);
  }
  for (const fips of [...election.state_fips].sort()) {
    const members = byState.get(fips) ?? [];
    const inView = localsInView(fips);
    const kept = parts?.get(fips);
    let part: StatePart;
    if (kept !== undefined && stillHolds(kept, phase, expectations, inView, members, byJurisdiction, nowUs)) part = kept;
    else {
      expected ??= expectedOf(expectations);
      part = statePart(fips, members, expected, expectations, byJurisdiction, phase, nowUs, inView);
      parts?.set(fips, part);
    }
    changesAt(part.untilUs);
    states.push(part.row);
    for (const level of ROLLUP_LEVELS) national[level] += part.row.counts[level];
    for (const q of ELECTION_QUESTIONS) {
      const n = nationalTallies[q];
      const t = part.tallies[q];
      n.yes.push(...t.yes);
      n.all.push(...t.all);
      n.silent += t.silent;
      n.required += t.required;
    }
  }
  return { phase, counts: national, questions: answers(nationalTallies), states, untilUs };
}

/** One state's part of a roll-up (rollUp), built anew. */
function statePart(
  fips: string,
  members: readonly Jurisdiction[],
  expected: Expected,
  expectations: readonly Expectation[],
  byJurisdiction: ReadonlyMap<string, StatusEntry>,
  phase: Phase | null,
  nowUs: number,
  inView: boolean,
): StatePart {
  let untilUs: number | null = null;
  const declined = expected.declined.has(`${fips}\n`);
  const setting = settingIn(expected, fips);
  // Most states set nothing per jurisdiction: their interval is worked out once, not for each county.
  const own = expected.perJurisdiction.has(fips);
  const stateMinutes = (phase === null ? null : intervalWith(phase, null, setting).minutes) ?? FALLBACK_MINUTES;
  const statuses: JurisdictionStatus[] = [];
  const reports: (StatusEntry | null)[] = [];
  const counts = zeroCounts();
  const tallies = newTallies();
  let worst: RollupLevel | null = null;
  let lastReportUs: number | null = null;
  let outOfView = 0;
  for (const j of members) {
    const required = !declined && !(own && expected.declined.has(`${fips}\n${j.id}`));
    const report = byJurisdiction.get(j.id) ?? null;
    reports.push(report);
    const everyMinutes = own ? ((phase === null ? null : intervalWith(phase, j.id, setting).minutes) ?? FALLBACK_MINUTES) : stateMinutes;
    const stale = report !== null && report.reportedUs < nowUs - everyMinutes * 60_000_000;
    let level: RollupLevel = 'no-report';
    if (report !== null) {
      if (!stale) {
        const at = report.reportedUs + everyMinutes * 60_000_000;
        if (at >= nowUs && (untilUs === null || at < untilUs)) untilUs = at;
      }
      level = stale ? 'stale' : 'normal';
      for (const l of Object.values(report.levels)) level = worse(level, l);
      lastReportUs = Math.max(lastReportUs ?? 0, report.reportedUs);
    }
    const hidden = required && !inView && j.kind === 'local' && report === null;
    const status: JurisdictionStatus = { jurisdiction: j, required, outOfView: hidden, level, stale, report, everyMinutes, answers: answersOf(report, stale) };
    statuses.push(status);
    if (hidden) outOfView += 1;
    if (!required || hidden) continue;
    counts[level] += 1;
    worst = worst === null ? level : worse(worst, level);
    for (const q of ELECTION_QUESTIONS) count(tallies[q], status, q);
  }
  const row: StateRollup = { stateFips: fips, declined, worst, counts, outOfView, questions: answers(tallies), lastReportUs, jurisdictions: statuses };
  return { row, tallies, untilUs, builtUs: nowUs, phase, expectations, inView, members, reports };
}
