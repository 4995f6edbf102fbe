/**
 * The election-security vocabulary: election functions (what adversaries target, and what a
 * jurisdiction reports on on election day), the assets behind them, status levels, phases and
 * contingencies. Pure data: the STIX extension, the validator, the roll-up and the web UI all read it.
 */

/** The three questions of election day; each election function bears on at most one. */
export const ELECTION_QUESTIONS = ['voting', 'counting', 'tallying'] as const;
export type ElectionQuestion = (typeof ELECTION_QUESTIONS)[number];

export const QUESTION_TEXT: Readonly<Record<ElectionQuestion, string>> = {
  voting: 'Is anything preventing voting?',
  counting: 'Is anything changing vote counts?',
  tallying: 'Is anything disrupting the tallying of votes?',
};

/** Kinds of election infrastructure, for `infrastructure` objects with the Rampart extension. */
export const ELECTION_ASSET_TYPES = [
  'voter-registration-system',
  'candidate-filing-system',
  'ballot-on-demand-printer',
  'mail-ballot-tracking',
  'e-pollbook',
  'ballot-marking-device',
  'tabulator',
  'election-management-system',
  'results-website',
  'election-office-website',
  'email',
  'network',
  'other',
] as const;
export type ElectionAssetType = (typeof ELECTION_ASSET_TYPES)[number];

/**
 * The election-function taxonomy. Ids kept from Rampart's first list (voter-registration, pollbooks,
 * ballot-delivery, voting, vote-counting, tallying, results-reporting, election-communications) keep
 * their meaning, so incidents already shared stay valid.
 */
export const ELECTION_FUNCTION_TAXONOMY = [
  { id: 'voter-registration', label: 'Voter registration', question: 'voting', assets: ['voter-registration-system', 'network'], description: 'Registering voters and keeping the voter list: the registration system and its online portal.' },
  { id: 'candidate-ballot-management', label: 'Candidate and ballot management', question: null, assets: ['candidate-filing-system', 'election-management-system'], description: 'Candidate filing, ballot content and ballot styles.' },
  { id: 'ballot-delivery', label: 'Ballot printing and delivery', question: 'voting', assets: ['ballot-on-demand-printer', 'mail-ballot-tracking'], description: 'Printing ballots and sending mail, absentee and overseas (UOCAVA) ballots.' },
  { id: 'pollbooks', label: 'Check-in and e-pollbooks', question: 'voting', assets: ['e-pollbook', 'network'], description: 'Checking voters in at polling places, on paper or electronic pollbooks.' },
  { id: 'ballot-marking', label: 'Ballot marking', question: 'voting', assets: ['ballot-marking-device'], description: 'Voters marking ballots, by hand or with a ballot-marking device.' },
  { id: 'voting', label: 'Casting ballots', question: 'voting', assets: ['tabulator'], description: 'Voters casting ballots: polling places open, drop boxes and scanners accepting ballots.' },
  { id: 'vote-counting', label: 'Tabulation', question: 'counting', assets: ['tabulator', 'election-management-system'], description: 'Counting the votes on cast ballots, at the precinct or centrally.' },
  { id: 'tallying', label: 'Aggregation', question: 'tallying', assets: ['election-management-system'], description: 'Adding up the counts of every precinct and tabulator into jurisdiction totals.' },
  { id: 'results-reporting', label: 'Election-night results reporting', question: 'tallying', assets: ['results-website', 'election-management-system'], description: 'Publishing unofficial results on election night.' },
  { id: 'canvass-certification', label: 'Canvass and certification', question: 'counting', assets: ['election-management-system'], description: 'The official canvass of the results and their certification.' },
  { id: 'audits', label: 'Audits', question: 'counting', assets: ['other'], description: 'Post-election audits, including risk-limiting audits.' },
  { id: 'election-communications', label: 'Communications', question: null, assets: ['election-office-website', 'email'], description: 'Public information: the election office website, email, phones and social media.' },
] as const satisfies readonly {
  readonly id: string;
  readonly label: string;
  readonly question: ElectionQuestion | null;
  readonly assets: readonly ElectionAssetType[];
  readonly description: string;
}[];

export type ElectionFunction = (typeof ELECTION_FUNCTION_TAXONOMY)[number]['id'];
export const ELECTION_FUNCTIONS: readonly ElectionFunction[] = ELECTION_FUNCTION_TAXONOMY.map((f) => f.id);

const FUNCTION_BY_ID: ReadonlyMap<string, (typeof ELECTION_FUNCTION_TAXONOMY)[number]> = new Map(ELECTION_FUNCTION_TAXONOMY.map((f) => [f.id, f]));

export function isElectionFunction(value: unknown): value is ElectionFunction {
  return typeof value === 'string' && FUNCTION_BY_ID.has(value);
}

export function functionLabel(fn: ElectionFunction): string {
  return FUNCTION_BY_ID.get(fn)?.label ?? fn;
}

/** The question a function bears on, or null (communications, ballot management). */
export function questionOf(fn: ElectionFunction): ElectionQuestion | null {
  return FUNCTION_BY_ID.get(fn)?.question ?? null;
}

/**
 * What kind of incident: a cyberattack, an influence operation (disinformation), physical, operational,
 * or a threat against election officials and workers (its own category: it goes to law enforcement).
 */
export const INCIDENT_CATEGORIES = ['cyber', 'influence', 'physical', 'operational', 'threat-to-election-workers'] as const;
export type IncidentCategory = (typeof INCIDENT_CATEGORIES)[number];

export const SEVERITIES = ['low', 'moderate', 'high', 'critical'] as const;
export type Severity = (typeof SEVERITIES)[number];

/** How much an incident touched election operations. */
export const IMPACT_LEVELS = ['none', 'minor', 'moderate', 'major'] as const;
export type ImpactLevel = (typeof IMPACT_LEVELS)[number];

/** Where an incident stands as a case: new → acknowledged → investigating → contained → resolved, and reopened. */
export const CASE_STATUSES = ['new', 'acknowledged', 'investigating', 'contained', 'resolved', 'reopened'] as const;
export type CaseStatus = (typeof CASE_STATUSES)[number];

/** Levels a jurisdiction posts per function, from best to worst. */
export const STATUS_LEVELS = ['normal', 'degraded', 'disrupted', 'compromise-confirmed'] as const;
export type StatusLevel = (typeof STATUS_LEVELS)[number];

export function isStatusLevel(value: unknown): value is StatusLevel {
  return typeof value === 'string' && (STATUS_LEVELS as readonly string[]).includes(value);
}

/**
 * What the roll-up shows for a jurisdiction: a posted level, or one of the two derived, never posted:
 * `no-report` (expected and nothing received that the reader may see) and `stale` (the last report is
 * older than the expectation). Ordered from best to worst for "the worst level of a state".
 */
export const ROLLUP_LEVELS = ['normal', 'stale', 'degraded', 'no-report', 'disrupted', 'compromise-confirmed'] as const;
export type RollupLevel = (typeof ROLLUP_LEVELS)[number];

/** The worst of some levels (posted or derived); `normal` when there are none. */
export function worstOf<L extends RollupLevel>(levels: Iterable<L>): L | 'normal' {
  let worst: L | 'normal' = 'normal';
  for (const level of levels) if (ROLLUP_LEVELS.indexOf(level) > ROLLUP_LEVELS.indexOf(worst)) worst = level;
  return worst;
}

export const STATUS_LEVEL_TEXT: Readonly<Record<RollupLevel, string>> = {
  normal: 'Normal',
  degraded: 'Degraded',
  disrupted: 'Disrupted',
  'compromise-confirmed': 'Compromise confirmed',
  'no-report': 'No report',
  stale: 'Report overdue',
};

/**
 * A status report's `functions` in a few words: "all normal", or the worst level and the functions not normal,
 * worst first ("disrupted (Check-in and e-pollbooks, Casting ballots)"); "reported" when none can be read.
 */
export function statusReportWords(functions: unknown): string {
  const levels: { readonly fn: ElectionFunction; readonly level: StatusLevel }[] = [];
  if (typeof functions === 'object' && functions !== null) {
    for (const [fn, status] of Object.entries(functions as Record<string, unknown>)) {
      const level: unknown = typeof status === 'object' && status !== null && 'level' in status ? status.level : undefined;
      if (isElectionFunction(fn) && isStatusLevel(level)) levels.push({ fn, level });
    }
  }
  const notNormal = levels.filter((l) => l.level !== 'normal').sort((a, b) => STATUS_LEVELS.indexOf(b.level) - STATUS_LEVELS.indexOf(a.level));
  const worst = notNormal[0];
  if (worst === undefined) return levels.length === 0 ? 'reported' : 'all normal';
  return `${STATUS_LEVEL_TEXT[worst.level].toLowerCase()} (${notNormal.map((l) => functionLabel(l.fn)).join(', ')})`;
}

/** What an office falls back on while a function is degraded or disrupted. */
export const CONTINGENCIES = [
  'paper-pollbooks',
  'provisional-ballots',
  'emergency-paper-ballots',
  'extended-hours',
  'backup-equipment',
  'alternate-site',
  'hand-count',
  'manual-results-reporting',
  'other',
] as const;
export type Contingency = (typeof CONTINGENCIES)[number];

export const CONTINGENCY_TEXT: Readonly<Record<Contingency, string>> = {
  'paper-pollbooks': 'Paper pollbooks',
  'provisional-ballots': 'Provisional ballots',
  'emergency-paper-ballots': 'Emergency paper ballots',
  'extended-hours': 'Extended hours',
  'backup-equipment': 'Backup equipment',
  'alternate-site': 'Alternate site',
  'hand-count': 'Hand count',
  'manual-results-reporting': 'Results reported by hand',
  other: 'Other (see note)',
};

/** Phases of an election, in calendar order. */
export const ELECTION_PHASES = ['registration-deadline', 'early-voting', 'absentee-voting', 'election-day', 'canvass', 'certification'] as const;
export type ElectionPhase = (typeof ELECTION_PHASES)[number];

export const PHASE_TEXT: Readonly<Record<ElectionPhase, string>> = {
  'registration-deadline': 'Registration deadline',
  'early-voting': 'Early voting',
  'absentee-voting': 'Absentee voting',
  'election-day': 'Election day',
  canvass: 'Canvass',
  certification: 'Certification',
};

/** How often each jurisdiction reports during a phase unless the election or its state says otherwise; null: no regular report. */
export const DEFAULT_REPORT_EVERY_MINUTES: Readonly<Record<ElectionPhase, number | null>> = {
  'registration-deadline': null,
  'early-voting': 24 * 60,
  'absentee-voting': 24 * 60,
  'election-day': 120,
  canvass: 24 * 60,
  certification: null,
};

export const ELECTION_TYPES = ['general', 'primary', 'special', 'runoff', 'municipal'] as const;
export type ElectionType = (typeof ELECTION_TYPES)[number];
