import { Type, type Static, type TSchema } from '@sinclair/typebox';
import {
  CONTINGENCIES,
  ELECTION_ASSET_TYPES,
  ELECTION_FUNCTIONS,
  ELECTION_PHASES,
  ELECTION_TYPES,
  CASE_STATUSES,
  IMPACT_LEVELS,
  INCIDENT_CATEGORIES,
  SEVERITIES,
  STATUS_LEVELS,
  type ElectionFunction,
} from '../domain/election.ts';
import { Ref, Refs, Timestamp } from './schema/common.ts';

import { ELECTION_TYPE, RAMPART_EXTENSION_ID, RAMPART_IDENTITY_ID, STATUS_REPORT_TYPE } from './rampart-ids.ts';

export { ELECTION_TYPE, RAMPART_EXTENSION_ID, RAMPART_IDENTITY_ID, STATUS_REPORT_TYPE };

/** A union of string literals whose static type keeps the literals. */
const literals = <T extends readonly string[]>(values: T) => Type.Unsafe<T[number]>(Type.Union(values.map((v) => Type.Literal(v))));
const FIPS2 = Type.String({ pattern: '^[0-9]{2}$' });
const FIPS5 = Type.String({ pattern: '^[0-9]{5}$' });
const DATE = Type.String({ pattern: '^[0-9]{4}-[0-9]{2}-[0-9]{2}$' });

/** Properties Rampart adds to `incident` and `infrastructure` objects under `extensions[RAMPART_EXTENSION_ID]`. */
/** Voters and places appear only as counts, never as people. */
const Count = Type.Integer({ minimum: 0, maximum: 1_000_000_000 });

/** Who an incident was referred to in law enforcement, and when (threats to election officials and workers). */
export const LawEnforcementReferralSchema = Type.Object(
  {
    agency: Type.String({ minLength: 1, maxLength: 200 }),
    referred_at: Timestamp,
    reference: Type.Optional(Type.String({ minLength: 1, maxLength: 200 })),
  },
  { additionalProperties: false },
);
export type LawEnforcementReferral = Static<typeof LawEnforcementReferralSchema>;

/** Where a rumour correction stands in its election: before voting starts, while voting runs, or after (counting, canvass, certification). */
export const RUMOUR_PHASES = ['before', 'during', 'after'] as const;
export type RumourPhase = (typeof RUMOUR_PHASES)[number];
/** A correction is published, or withdrawn by its owner (it stays on the public pages, marked withdrawn). */
export const CORRECTION_STATUSES = ['published', 'withdrawn'] as const;
export type CorrectionStatus = (typeof CORRECTION_STATUSES)[number];

/** An official source a reader can check: a title and an https address. */
export const OfficialLinkSchema = Type.Object(
  { title: Type.String({ minLength: 1, maxLength: 200 }), url: Type.String({ pattern: '^https://[^\\s]+$', maxLength: 2000 }) },
  { additionalProperties: false },
);

/** Rumour control (on a `report` with report_types rumour-control): the rumour, the reality, where to get the facts, the law, where and when it applies. */
export const RumourControlSchema = Type.Object(
  {
    rumour: Type.String({ minLength: 1, maxLength: 2000 }),
    reality: Type.String({ minLength: 1, maxLength: 4000 }),
    official_links: Type.Array(OfficialLinkSchema, { minItems: 1, maxItems: 10 }),
    law_cited: Type.Optional(Type.Array(Type.String({ minLength: 1, maxLength: 300 }), { minItems: 1, maxItems: 10 })),
    state_fips: FIPS2,
    county_fips: Type.Optional(Type.Array(FIPS5, { minItems: 1, maxItems: 200, uniqueItems: true })),
    election_ref: Type.Optional(Ref([ELECTION_TYPE])),
    /** The election's name as the public should read it (the election object itself is rarely public). */
    election_name: Type.Optional(Type.String({ minLength: 1, maxLength: 200 })),
    phase: literals(RUMOUR_PHASES),
    status: literals(CORRECTION_STATUSES),
    withdrawn_reason: Type.Optional(Type.String({ minLength: 1, maxLength: 1000 })),
  },
  { additionalProperties: false },
);
export type RumourControl = Static<typeof RumourControlSchema>;

export const ElectionPropertiesSchema = Type.Object({
  extension_type: Type.Literal('property-extension'),
  election_functions: Type.Optional(Type.Array(literals(ELECTION_FUNCTIONS), { minItems: 1, uniqueItems: true })),
  incident_category: Type.Optional(literals(INCIDENT_CATEGORIES)),
  severity: Type.Optional(literals(SEVERITIES)),
  asset_type: Type.Optional(literals(ELECTION_ASSET_TYPES)),
  state_fips: Type.Optional(FIPS2),
  county_fips: Type.Optional(FIPS5),
  ocd_id: Type.Optional(Type.String({ pattern: '^ocd-division/' })),
  impact: Type.Optional(literals(IMPACT_LEVELS)),
  voters_affected: Type.Optional(Count),
  polling_places_affected: Type.Optional(Count),
  jurisdictions_affected: Type.Optional(Count),
  case_status: Type.Optional(literals(CASE_STATUSES)),
  /** The person in the owner organization working the case (a Rampart user id). */
  assignee: Type.Optional(Type.String({ pattern: '^[0-9a-fA-F]{8}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{12}$' })),
  law_enforcement_referral: Type.Optional(LawEnforcementReferralSchema),
  rumour_control: Type.Optional(RumourControlSchema),
});
export type ElectionProperties = Static<typeof ElectionPropertiesSchema>;

/** The marker every object of a new SDO type carries (STIX 2.1 §7.3). */
const NewSdoExtensions = Type.Record(Type.String(), Type.Object({}), { minProperties: 1 });

/** One function's state in a status report. */
export const FunctionStatusSchema = Type.Object(
  {
    level: literals(STATUS_LEVELS),
    /** A short note a reader can act on, e.g. "2 of 9 sites on paper pollbooks since 07:40". */
    note: Type.Optional(Type.String({ minLength: 1, maxLength: 500 })),
    contingencies: Type.Optional(Type.Array(literals(CONTINGENCIES), { minItems: 1, uniqueItems: true })),
    incident_refs: Type.Optional(Refs(['incident'])),
  },
  { additionalProperties: false },
);
export type FunctionStatus = Static<typeof FunctionStatusSchema>;

const functionsSchema = (): TSchema =>
  Type.Object(Object.fromEntries(ELECTION_FUNCTIONS.map((f) => [f, Type.Optional(FunctionStatusSchema)])), { additionalProperties: false, minProperties: 1 });

/** `x-rampart-status-report` (new SDO): a jurisdiction's election-day status, per election function. */
export const StatusReportSchema = Type.Object({
  type: Type.Literal(STATUS_REPORT_TYPE),
  id: Ref([STATUS_REPORT_TYPE]),
  created: Timestamp,
  modified: Timestamp,
  created_by_ref: Type.Optional(Ref(['identity'])),
  extensions: NewSdoExtensions,
  election_ref: Ref([ELECTION_TYPE]),
  jurisdiction_ref: Ref(['identity']),
  state_fips: FIPS2,
  county_fips: Type.Optional(FIPS5),
  functions: Type.Unsafe<Partial<Record<ElectionFunction, FunctionStatus>>>(functionsSchema()),
  summary: Type.Optional(Type.String({ maxLength: 4000 })),
});
export type StatusReport = Static<typeof StatusReportSchema>;

export const PhaseSchema = Type.Object(
  {
    phase: literals(ELECTION_PHASES),
    start: Timestamp,
    end: Timestamp,
    /** How often each participating jurisdiction reports during the phase; 0: no regular report. */
    report_every_minutes: Type.Optional(Type.Integer({ minimum: 0, maximum: 10080 })),
  },
  { additionalProperties: false },
);
export type Phase = Static<typeof PhaseSchema>;

/** `x-rampart-election` (new SDO): an election, its participating states and its phases. */
export const ElectionSchema = Type.Object({
  type: Type.Literal(ELECTION_TYPE),
  id: Ref([ELECTION_TYPE]),
  created: Timestamp,
  modified: Timestamp,
  created_by_ref: Type.Optional(Ref(['identity'])),
  extensions: NewSdoExtensions,
  name: Type.String({ minLength: 1, maxLength: 200 }),
  description: Type.Optional(Type.String({ maxLength: 4000 })),
  election_type: Type.Optional(literals(ELECTION_TYPES)),
  election_date: DATE,
  state_fips: Type.Array(FIPS2, { minItems: 1, uniqueItems: true }),
  /** When set, only these jurisdictions take part; otherwise every local jurisdiction of the states does. */
  jurisdiction_refs: Type.Optional(Refs(['identity'])),
  phases: Type.Array(PhaseSchema, { minItems: 1 }),
});
export type Election = Static<typeof ElectionSchema>;

/** The published extension-definition object (its id never changes; a new version when the vocabulary grows). */
export const RAMPART_EXTENSION_DEFINITION = {
  type: 'extension-definition',
  spec_version: '2.1',
  id: RAMPART_EXTENSION_ID,
  created_by_ref: RAMPART_IDENTITY_ID,
  created: '2026-11-25T00:00:00.000Z',
  // 2.2.0 added rumour_control (corrections on the public pages); 2.1.0 added impact, the counts, the case properties and the threat-to-election-workers category.
  modified: '2026-12-05T01:00:00.000Z',
  name: 'Rampart election security extension',
  description:
    'Election-specific properties for incident and infrastructure objects, and two new SDOs: x-rampart-election (an election, its states and phases) and x-rampart-status-report (a jurisdiction\'s election-day status per election function).',
  schema: [
    `Property extension on incident and infrastructure: election_functions (list of ${ELECTION_FUNCTIONS.join(' | ')}), incident_category (${INCIDENT_CATEGORIES.join(' | ')}), severity (${SEVERITIES.join(' | ')}), asset_type (${ELECTION_ASSET_TYPES.join(' | ')}), state_fips (2 digits), county_fips (5 digits), ocd_id, impact (${IMPACT_LEVELS.join(' | ')}), voters_affected, polling_places_affected, jurisdictions_affected (whole numbers: voters appear only as counts), case_status (${CASE_STATUSES.join(' | ')}), assignee (a user id in the owner organization), law_enforcement_referral ({agency, referred_at, reference}), rumour_control (on a report with report_types rumour-control: {rumour, reality, official_links: list of {title, url (https)}, law_cited (list), state_fips, county_fips (list), election_ref, election_name, phase: ${RUMOUR_PHASES.join(' | ')}, status: ${CORRECTION_STATUSES.join(' | ')}, withdrawn_reason}).`,
    `New SDO x-rampart-election: name, description, election_type (${ELECTION_TYPES.join(' | ')}), election_date (YYYY-MM-DD), state_fips (list of 2-digit FIPS codes), jurisdiction_refs (identities; all local jurisdictions of the states when absent), phases (list of {phase: ${ELECTION_PHASES.join(' | ')}, start, end (timestamps), report_every_minutes}).`,
    `New SDO x-rampart-status-report: election_ref, jurisdiction_ref (identity), state_fips, county_fips, functions (dictionary of election function to {level: ${STATUS_LEVELS.join(' | ')}, note, contingencies (list of ${CONTINGENCIES.join(' | ')}), incident_refs}; at least one function), summary. no-report and stale are derived by readers, never posted.`,
    'Documented in Rampart docs/elections.md.',
  ].join(' '),
  version: '2.2.0',
  extension_types: ['property-extension', 'new-sdo'],
} as const;

export const RAMPART_IDENTITY = {
  type: 'identity',
  spec_version: '2.1',
  id: RAMPART_IDENTITY_ID,
  created: '2026-11-25T00:00:00.000Z',
  modified: '2026-11-25T00:00:00.000Z',
  name: 'Rampart project',
  identity_class: 'organization',
  description: 'Publisher of the Rampart election security STIX extension.',
} as const;
