import { Type, type Static } from '@sinclair/typebox';
import { ELECTION_ASSET_TYPES, ELECTION_FUNCTIONS, INCIDENT_CATEGORIES, SEVERITIES, STATUS_LEVELS } from '../domain/election.ts';

/** The Rampart project's own identity: creator of the extension definition. */
export const RAMPART_IDENTITY_ID = 'identity--cc8654b7-1ffc-487a-bf1c-ed29e18f0a33';
/** Stable id of the Rampart election extension (DESIGN.md: one extension-definition, never ad-hoc x_ fields). */
export const RAMPART_EXTENSION_ID = 'extension-definition--a3140afa-b094-40e5-a306-ffac0edbd842';
export const STATUS_REPORT_TYPE = 'x-rampart-status-report';

const literals = <T extends readonly string[]>(values: T) => Type.Union(values.map((v) => Type.Literal(v)));

/** Properties Rampart adds to `incident` and `infrastructure` objects under `extensions[RAMPART_EXTENSION_ID]`. */
export const ElectionPropertiesSchema = Type.Object(
  {
    extension_type: Type.Literal('property-extension'),
    election_functions: Type.Optional(Type.Array(literals(ELECTION_FUNCTIONS), { minItems: 1, uniqueItems: true })),
    incident_category: Type.Optional(literals(INCIDENT_CATEGORIES)),
    severity: Type.Optional(literals(SEVERITIES)),
    asset_type: Type.Optional(literals(ELECTION_ASSET_TYPES)),
    state_fips: Type.Optional(Type.String({ pattern: '^[0-9]{2}$' })),
    county_fips: Type.Optional(Type.String({ pattern: '^[0-9]{5}$' })),
    ocd_id: Type.Optional(Type.String({ pattern: '^ocd-division/' })),
  },
  { additionalProperties: false },
);
export type ElectionProperties = Static<typeof ElectionPropertiesSchema>;

/** The election-day status SDO declared by the same extension (extension_type new-sdo). */
export const StatusReportPropertiesSchema = Type.Object({
  jurisdiction_ref: Type.String({ pattern: '^identity--' }),
  election_date: Type.String({ pattern: '^[0-9]{4}-[0-9]{2}-[0-9]{2}$' }),
  functions: Type.Record(literals(ELECTION_FUNCTIONS), literals(STATUS_LEVELS)),
  summary: Type.Optional(Type.String({ maxLength: 4000 })),
});
export type StatusReportProperties = Static<typeof StatusReportPropertiesSchema>;

/** The published extension-definition object (fixed content: its id and created never change). */
export const RAMPART_EXTENSION_DEFINITION = {
  type: 'extension-definition',
  spec_version: '2.1',
  id: RAMPART_EXTENSION_ID,
  created_by_ref: RAMPART_IDENTITY_ID,
  created: '2026-11-25T00:00:00.000Z',
  modified: '2026-11-25T00:00:00.000Z',
  name: 'Rampart election security extension',
  description:
    'Election-specific properties for incident and infrastructure objects (affected election functions, incident category, severity, state and county FIPS, OCD-ID, asset type) and the x-rampart-status-report SDO for election-day status of a jurisdiction.',
  schema:
    'Property extension: election_functions (list of voter-registration | pollbooks | ballot-delivery | voting | vote-counting | tallying | results-reporting | election-communications), incident_category (cyber | influence | physical | operational), severity (low | moderate | high | critical), asset_type, state_fips (2 digits), county_fips (5 digits), ocd_id. New SDO x-rampart-status-report: jurisdiction_ref (identity), election_date (YYYY-MM-DD), functions (map of election function to normal | degraded | disrupted), summary.',
  version: '1.0.0',
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
