import { Type, type Static } from '@sinclair/typebox';
import { CONTINGENCIES, ELECTION_PHASES, ELECTION_QUESTIONS, ROLLUP_LEVELS, STATUS_LEVELS, type ElectionFunction, type StatusLevel } from '../domain/election.ts';
import { AudienceSchema, TlpSchema } from '../domain/schemas.ts';
import { ElectionSummarySchema } from '../elections/schemas.ts';

const literals = <T extends readonly string[]>(values: T) => Type.Unsafe<T[number]>(Type.Union(values.map((v) => Type.Literal(v))));
const Level = literals(ROLLUP_LEVELS);
const AnswerSchema = literals(['yes', 'no', 'unknown'] as const);
const When = Type.Union([Type.String(), Type.Null()]);
const LevelsSchema = Type.Unsafe<Partial<Record<ElectionFunction, StatusLevel>>>(Type.Record(Type.String(), literals(STATUS_LEVELS)));

export const CountsSchema = Type.Object(Object.fromEntries(ROLLUP_LEVELS.map((l) => [l, Type.Integer()])) as Record<(typeof ROLLUP_LEVELS)[number], ReturnType<typeof Type.Integer>>);

export const QuestionSchema = Type.Object({
  answer: AnswerSchema,
  question: Type.String(),
  /** The reports behind the answer (at most 50; report_count says how many). */
  reports: Type.Array(Type.String()),
  report_count: Type.Integer(),
  /** Required jurisdictions that leave the question open: no report, an overdue one, or one not naming every function of the question. */
  silent: Type.Integer(),
});

const Questions = <T extends ReturnType<typeof Type.Object> | typeof AnswerSchema>(schema: T) => Type.Object({ voting: schema, counting: schema, tallying: schema });

export const StateRowSchema = Type.Object({
  state_fips: Type.String(),
  name: Type.String(),
  declined: Type.Boolean(),
  /** The worst level of its required jurisdictions; null when none is known to this hub. */
  worst: Type.Union([Level, Type.Null()]),
  counts: CountsSchema,
  /** Local offices not counted for this reader: it is not part of the state's in-state sharing and none shared a report with it. */
  not_shared: Type.Integer(),
  answers: Questions(AnswerSchema),
  last_report: When,
  jurisdictions: Type.Integer(),
});

const PhaseNow = Type.Union([Type.Object({ phase: literals(ELECTION_PHASES), start: Type.String(), end: Type.String() }), Type.Null()]);

/** GET /api/v1/elections/{id}/rollup: the national picture over what the reader may see. */
export const RollupSchema = Type.Object({
  election: ElectionSummarySchema,
  generated_at: Type.String(),
  phase: PhaseNow,
  counts: CountsSchema,
  questions: Questions(QuestionSchema),
  states: Type.Array(StateRowSchema),
});
export type RollupView = Static<typeof RollupSchema>;

export const JurisdictionRowSchema = Type.Object({
  id: Type.String(),
  name: Type.String(),
  kind: literals(['state', 'territory', 'local'] as const),
  county_fips: Type.Union([Type.String(), Type.Null()]),
  required: Type.Boolean(),
  /** False for a local office of a state whose in-state sharing the reader is not part of, with no report shared with it: not counted. */
  shared: Type.Boolean(),
  level: Level,
  stale: Type.Boolean(),
  reported_at: When,
  report_id: Type.Union([Type.String(), Type.Null()]),
  every_minutes: Type.Integer(),
  functions: LevelsSchema,
  /**
   * What the jurisdiction's report says of each function that is not normal, in its own words: its note and the
   * contingencies it uses (paper pollbooks…). A function without either is left out; {} when all is normal.
   */
  details: Type.Record(Type.String(), Type.Object({ note: Type.Optional(Type.String()), contingencies: Type.Optional(Type.Array(literals(CONTINGENCIES))) }), {
    description: 'Election function → the note and contingencies its report gives, for the functions not normal that give either',
  }),
});

/** GET /api/v1/elections/{id}/rollup/{state}: one state and each of its jurisdictions. */
export const StateRollupSchema = Type.Object({
  election: ElectionSummarySchema,
  generated_at: Type.String(),
  phase: PhaseNow,
  state: StateRowSchema,
  questions: Questions(QuestionSchema),
  jurisdictions: Type.Array(JurisdictionRowSchema),
});
export type StateRollupView = Static<typeof StateRollupSchema>;

export const TimelineQuery = Type.Object(
  {
    state: Type.Optional(Type.String({ pattern: '^[0-9]{2}$', description: 'Only this state' })),
    jurisdiction: Type.Optional(Type.String({ pattern: '^identity--', description: 'Only this jurisdiction' })),
    before: Type.Optional(Type.String({ pattern: '^\\d{4}-\\d{2}-\\d{2}T\\d{2}:\\d{2}:\\d{2}(\\.\\d{1,6})?Z$', description: 'next_before of the previous page' })),
    limit: Type.Integer({ minimum: 1, maximum: 500, default: 50 }),
  },
  { additionalProperties: false },
);
export type TimelineQuery = Static<typeof TimelineQuery>;

export const TimelineSchema = Type.Object({
  items: Type.Array(
    Type.Object({
      report_id: Type.String(),
      jurisdiction_ref: Type.String(),
      jurisdiction_name: Type.String(),
      state_fips: Type.String(),
      reported_at: Type.String(),
      worst: literals(STATUS_LEVELS),
      /** Functions whose level differs from the jurisdiction's previous report shown (from: null when there is none on the page). */
      changes: Type.Array(Type.Object({ function: Type.String(), from: Type.Union([literals(STATUS_LEVELS), Type.Null()]), to: literals(STATUS_LEVELS) })),
      tlp: TlpSchema,
    }),
  ),
  next_before: When,
});
export type TimelineView = Static<typeof TimelineSchema>;

const FunctionStatusView = Type.Object({
  level: literals(STATUS_LEVELS),
  note: Type.Optional(Type.String()),
  contingencies: Type.Optional(Type.Array(Type.String())),
  incident_refs: Type.Optional(Type.Array(Type.String())),
});

/** GET /api/v1/elections/{id}/my-status: what the posting screen starts from. */
export const MyStatusSchema = Type.Object({
  election: ElectionSummarySchema,
  jurisdiction: Type.Union([Type.Object({ id: Type.String(), name: Type.String(), state_fips: Type.String(), county_fips: Type.Union([Type.String(), Type.Null()]) }), Type.Null()]),
  last: Type.Union([Type.Object({ report_id: Type.String(), reported_at: Type.String(), functions: Type.Record(Type.String(), FunctionStatusView), summary: Type.Union([Type.String(), Type.Null()]) }), Type.Null()]),
  default_sharing: Type.Object({ tlp: TlpSchema, audience: Type.Array(Type.String()) }),
});
export type MyStatusView = Static<typeof MyStatusSchema>;

/** POST /api/v1/elections/{id}/status: a jurisdiction's status (the STIX validator checks functions, naming the field). */
export const PostStatusBody = Type.Object(
  {
    functions: Type.Record(Type.String(), Type.Unknown(), { description: 'Election function → {level, note, contingencies, incident_refs}; at least one' }),
    summary: Type.Optional(Type.String({ maxLength: 4000 })),
    jurisdiction_ref: Type.Optional(Type.String({ pattern: '^identity--', description: 'The jurisdiction reported on; your own organization when absent (a state office may report for its jurisdictions)' })),
    tlp: Type.Optional(TlpSchema),
    audience: Type.Optional(AudienceSchema),
  },
  { additionalProperties: false },
);
export type PostStatusBody = Static<typeof PostStatusBody>;

export const StateParams = Type.Object(
  { id: Type.String({ pattern: '^x-rampart-election--[0-9a-fA-F-]{36}$' }), state: Type.String({ pattern: '^[0-9]{2}$', description: 'State FIPS code' }) },
  { additionalProperties: false },
);
export type StateParams = Static<typeof StateParams>;

export const QUESTION_KEYS = ELECTION_QUESTIONS;

const Minutes = Type.Union([Type.Integer(), Type.Null()]);

/** GET /api/v1/elections/{id}/expectations?state=: one state's reporting expectations, per phase and per jurisdiction. */
export const ExpectationsQuery = Type.Object({ state: Type.String({ pattern: '^[0-9]{2}$', description: 'The state (FIPS code) whose expectations to read' }) }, { additionalProperties: false });
export type ExpectationsQuery = Static<typeof ExpectationsQuery>;

export const ExpectationsSchema = Type.Object({
  election: ElectionSummarySchema,
  state: Type.Object({ state_fips: Type.String(), name: Type.String(), declined: Type.Boolean() }),
  /** Whether you may change them: administrators of the state's own election office only. */
  can_change: Type.Boolean(),
  phases: Type.Array(
    Type.Object({
      phase: literals(ELECTION_PHASES),
      start: Type.String(),
      end: Type.String(),
      /** As the election (or Rampart's default) says; null: no regular report. */
      election_minutes: Minutes,
      /** As the state set it for all its jurisdictions; null: not set. */
      state_minutes: Minutes,
      /** What a jurisdiction without its own setting is expected to do. */
      minutes: Minutes,
    }),
  ),
  jurisdictions: Type.Array(
    Type.Object({
      id: Type.String(),
      name: Type.String(),
      kind: literals(['state', 'territory', 'local'] as const),
      county_fips: Type.Union([Type.String(), Type.Null()]),
      declined: Type.Boolean(),
      phases: Type.Array(
        Type.Object({
          phase: literals(ELECTION_PHASES),
          /** Set by the state for this jurisdiction; null: not set. */
          own_minutes: Minutes,
          /** In effect; null: no regular report (a report stays current for a day). */
          minutes: Minutes,
          source: literals(['jurisdiction', 'state', 'election', 'rampart'] as const),
        }),
      ),
    }),
  ),
});
export type ExpectationsView = Static<typeof ExpectationsSchema>;
