import { Type, type Static } from '@sinclair/typebox';
import { ELECTION_PHASES, ELECTION_TYPES } from '../domain/election.ts';
import { AudienceSchema, StixIdString, Timestamp, TlpSchema } from '../domain/schemas.ts';

const literals = <T extends readonly string[]>(values: T) => Type.Unsafe<T[number]>(Type.Union(values.map((v) => Type.Literal(v))));
const FIPS2 = Type.String({ pattern: '^[0-9]{2}$', description: 'Two-digit state or territory FIPS code, e.g. 55' });
const DATE = Type.String({ pattern: '^[0-9]{4}-[0-9]{2}-[0-9]{2}$', description: 'A date, YYYY-MM-DD' });

export const PhaseBody = Type.Object(
  {
    phase: literals(ELECTION_PHASES),
    start: Timestamp('When the phase starts'),
    end: Timestamp('When the phase ends'),
    report_every_minutes: Type.Optional(Type.Integer({ minimum: 0, maximum: 10080, description: 'How often each jurisdiction reports during the phase; 0: no regular report' })),
  },
  { additionalProperties: false },
);

/** POST /api/v1/elections: what a state (for itself) or a hub-admin (for any states) records. */
export const NewElectionBody = Type.Object(
  {
    name: Type.String({ minLength: 1, maxLength: 200 }),
    description: Type.Optional(Type.String({ maxLength: 4000 })),
    election_type: Type.Optional(literals(ELECTION_TYPES)),
    election_date: DATE,
    state_fips: Type.Array(FIPS2, { minItems: 1, maxItems: 56, uniqueItems: true }),
    jurisdiction_refs: Type.Optional(Type.Array(Type.String({ pattern: '^identity--' }), { minItems: 1, maxItems: 5000, uniqueItems: true })),
    phases: Type.Optional(Type.Array(PhaseBody, { minItems: 1, maxItems: 12, description: 'Defaults: early voting the two weeks before, election day 10:00Z to 08:00Z the next day, canvass the two weeks after' })),
    tlp: Type.Optional(TlpSchema),
    audience: Type.Optional(AudienceSchema),
  },
  { additionalProperties: false },
);
export type NewElectionBody = Static<typeof NewElectionBody>;

export const ElectionSummarySchema = Type.Object({
  id: StixIdString(),
  name: Type.String(),
  election_type: Type.Union([literals(ELECTION_TYPES), Type.Null()]),
  election_date: Type.String(),
  state_fips: Type.Array(Type.String()),
  /** The phase under way now, or null between phases. */
  phase: Type.Union([literals(ELECTION_PHASES), Type.Null()]),
  owner: Type.String(),
  owner_name: Type.Union([Type.String(), Type.Null()]),
  owner_is_hub: Type.Boolean({ description: "recorded by this hub itself (its administrators: national elections), not by a member organization" }),
  tlp: TlpSchema,
});
export type ElectionSummary = Static<typeof ElectionSummarySchema>;

export const ElectionListSchema = Type.Object({ items: Type.Array(ElectionSummarySchema) });

export const ElectionDetailSchema = Type.Object({
  summary: ElectionSummarySchema,
  election: Type.Object({}, { additionalProperties: true, description: 'The x-rampart-election object as stored' }),
  phases: Type.Array(Type.Object({ phase: literals(ELECTION_PHASES), start: Type.String(), end: Type.String(), report_every_minutes: Type.Union([Type.Integer(), Type.Null()]) })),
});

export const ElectionIdParams = Type.Object({ id: Type.String({ pattern: '^x-rampart-election--[0-9a-fA-F-]{36}$', description: 'The election id' }) }, { additionalProperties: false });
export type ElectionIdParams = Static<typeof ElectionIdParams>;

/** PUT /api/v1/elections/{id}/expectations: a state office sets how its jurisdictions report, or declines. */
export const ExpectationBody = Type.Object(
  {
    state_fips: FIPS2,
    jurisdiction_ref: Type.Optional(Type.String({ pattern: '^identity--', description: 'One jurisdiction of the state; every one when absent' })),
    phase: Type.Optional(literals(ELECTION_PHASES)),
    report_every_minutes: Type.Optional(Type.Union([Type.Integer({ minimum: 0, maximum: 10080 }), Type.Null()], { description: 'null: back to the election’s own interval' })),
    declined: Type.Optional(Type.Boolean({ description: 'The state (or this jurisdiction) does not report on this election' })),
  },
  { additionalProperties: false },
);
export type ExpectationBody = Static<typeof ExpectationBody>;
