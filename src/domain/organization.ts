import { Type, type Static } from '@sinclair/typebox';
import { assertNever } from './assert-never.ts';
import type { AudienceKey } from './audience.ts';
import { type OrgId, type UserId, orgIdOfUuid } from './ids.ts';
import { stateByFips } from './organization-data.ts';
import { err, ok, type Result } from './result.ts';
import { TLP_MARKING_IDS } from './tlp.ts';
import { RAMPART_NAMESPACE, uuidV5 } from './uuid.ts';

/** Kinds of member organizations (issue #3, "Organizations and people"). */
export const ORG_KINDS = ['federal', 'state', 'territory', 'local', 'isac', 'private'] as const;
export type OrgKind = (typeof ORG_KINDS)[number];
export const OrgKindSchema = Type.Union(
  ORG_KINDS.map((k) => Type.Literal(k)),
  { description: 'federal agency, state (50 + DC), territory (AS, GU, MP, PR, VI), local election jurisdiction, ISAC, or private-sector partner' },
);

export const PARTNER_TYPES = ['vendor', 'platform', 'security-firm'] as const;
export type PartnerType = (typeof PARTNER_TYPES)[number];
export const PartnerTypeSchema = Type.Union(
  PARTNER_TYPES.map((k) => Type.Literal(k)),
  { description: 'What kind of private-sector partner: voting-system vendor, platform, or security firm' },
);

const FIPS2 = Type.String({ pattern: '^\\d{2}$', description: 'Two-digit state FIPS code, e.g. 55 for Wisconsin' });
const FIPS5 = Type.String({ pattern: '^\\d{5}$', description: 'Five-digit county FIPS code, e.g. 55025' });
const OCD_ID = Type.String({ pattern: '^ocd-division/country:us(/[a-z_]+:[^/\\s]+)+$', maxLength: 300, description: 'Open Civic Data division id, e.g. ocd-division/country:us/state:wi/county:dane' });
export const ORG_ID_PATTERN = '^identity--[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$';

/** What a hub-admin (or the CLI) gives to create an organization. */
export const NewOrganizationSchema = Type.Object(
  {
    kind: OrgKindSchema,
    name: Type.String({ minLength: 1, maxLength: 200, description: 'Full name, e.g. "Dane County Clerk" or "Wisconsin Elections Commission"' }),
    short_name: Type.Optional(Type.String({ minLength: 1, maxLength: 32, description: 'Abbreviation or postal code, e.g. CISA or WI' })),
    state_fips: Type.Optional({ ...FIPS2, description: 'States and territories: their own FIPS code; local jurisdictions: the state they belong to' }),
    county_fips: Type.Optional(FIPS5),
    ocd_id: Type.Optional(OCD_ID),
    partner_type: Type.Optional(PartnerTypeSchema),
  },
  { additionalProperties: false },
);
export type NewOrganization = Static<typeof NewOrganizationSchema>;

export const OrganizationSchema = Type.Object(
  {
    id: Type.String({ pattern: ORG_ID_PATTERN, description: 'The STIX id of the organization\'s identity object' }),
    kind: OrgKindSchema,
    name: Type.String(),
    short_name: Type.Union([Type.String(), Type.Null()]),
    state_fips: Type.Union([FIPS2, Type.Null()]),
    county_fips: Type.Union([FIPS5, Type.Null()]),
    ocd_id: Type.Union([Type.String(), Type.Null()]),
    partner_type: Type.Union([PartnerTypeSchema, Type.Null()]),
    seed: Type.Boolean({ description: 'Created by the first-start seed; an operator may change it' }),
    require_totp: Type.Boolean({ description: 'Members must sign in with a TOTP second factor' }),
    created_at: Type.String(),
  },
  { additionalProperties: false },
);
export type Organization = Omit<Static<typeof OrganizationSchema>, 'id'> & { readonly id: OrgId };

export interface OrgError {
  readonly code: 'invalid-organization';
  readonly message: string;
}

const invalid = (message: string): { ok: false; error: OrgError } => err({ code: 'invalid-organization', message });

/** Checks the rules a schema cannot express: which fields fit which kind, and that FIPS codes exist. */
export function checkOrganization(input: NewOrganization): Result<NewOrganization, OrgError> {
  const name = input.name.trim();
  if (name === '') return invalid('name must not be blank');
  const state = input.state_fips === undefined ? undefined : stateByFips(input.state_fips);
  if (input.state_fips !== undefined && state === undefined) return invalid(`state_fips ${input.state_fips} is not a US state, DC or territory FIPS code`);
  if (input.partner_type !== undefined && input.kind !== 'private') return invalid('partner_type applies only to private-sector partners (kind "private")');
  if ((input.county_fips !== undefined || input.ocd_id !== undefined) && input.kind !== 'local') return invalid('county_fips and ocd_id apply only to local election jurisdictions (kind "local")');
  switch (input.kind) {
    case 'state':
    case 'territory':
      if (state === undefined) return invalid(`a ${input.kind} needs its state_fips`);
      if (state.kind !== input.kind) return invalid(`FIPS ${state.fips} (${state.name}) is a ${state.kind}, not a ${input.kind}`);
      break;
    case 'local':
      if (state === undefined) return invalid('a local election jurisdiction needs the state_fips of the state it belongs to');
      if (input.county_fips !== undefined && !input.county_fips.startsWith(state.fips)) {
        return invalid(`county ${input.county_fips} is not in ${state.name} (its FIPS code must start with ${state.fips})`);
      }
      break;
    case 'private':
      if (input.partner_type === undefined) return invalid('a private-sector partner needs partner_type: vendor, platform or security-firm');
      if (state !== undefined) return invalid('state_fips applies only to states, territories and local jurisdictions');
      break;
    case 'federal':
    case 'isac':
      if (state !== undefined) return invalid('state_fips applies only to states, territories and local jurisdictions');
      break;
    default:
      return assertNever(input.kind);
  }
  return ok({ ...input, name });
}

/**
 * A stable id from what the organization is, so two hubs seeding or loading the same state,
 * county or agency give it the same STIX identity id (federation keeps owners straight).
 */
export function organizationId(input: NewOrganization): OrgId {
  const lower = (s: string) => s.trim().toLowerCase();
  let name: string;
  switch (input.kind) {
    case 'state':
    case 'territory':
      name = `state:${input.state_fips ?? lower(input.name)}`;
      break;
    case 'local':
      name = input.county_fips !== undefined ? `county:${input.county_fips}` : `local:${input.state_fips ?? ''}:${lower(input.name)}`;
      break;
    case 'federal':
      name = `federal:${lower(input.short_name ?? input.name)}`;
      break;
    case 'isac':
    case 'private':
      name = `${input.kind}:${lower(input.name)}`;
      break;
    default:
      return assertNever(input.kind);
  }
  return orgIdOfUuid(uuidV5(name, RAMPART_NAMESPACE));
}

function sectorsOf(org: Pick<Organization, 'kind' | 'partner_type'>): string[] {
  switch (org.kind) {
    case 'federal':
      return ['government', 'government-national'];
    case 'state':
    case 'territory':
      return ['government', 'government-regional'];
    case 'local':
      return ['government', 'government-local'];
    case 'isac':
      return ['non-profit'];
    case 'private':
      return org.partner_type === 'platform' ? ['technology', 'communications'] : ['technology'];
    default:
      return assertNever(org.kind);
  }
}

function describe(org: Organization): string {
  const state = org.state_fips === null ? undefined : stateByFips(org.state_fips);
  switch (org.kind) {
    case 'federal':
      return 'U.S. federal agency';
    case 'state':
      return `State election office (FIPS ${org.state_fips ?? '?'})`;
    case 'territory':
      return `Territory election office (FIPS ${org.state_fips ?? '?'})`;
    case 'local':
      return `Local election jurisdiction in ${state?.name ?? 'an unknown state'}${org.county_fips === null ? '' : ` (county FIPS ${org.county_fips})`}`;
    case 'isac':
      return 'Information sharing and analysis center';
    case 'private':
      return `Private-sector partner (${org.partner_type ?? 'partner'})`;
    default:
      return assertNever(org.kind);
  }
}

/**
 * The organization as a STIX 2.1 `identity`: its own creator (the owner), TLP:CLEAR. `modified`
 * is the record's own timestamp so that re-seeding an unchanged organization stores nothing new.
 */
export function identityOf(org: Organization, modified: string): Record<string, unknown> {
  return {
    type: 'identity',
    spec_version: '2.1',
    id: org.id,
    created_by_ref: org.id,
    created: org.created_at,
    modified,
    name: org.name,
    description: describe(org),
    identity_class: 'organization',
    sectors: sectorsOf(org),
    object_marking_refs: [TLP_MARKING_IDS.clear],
  };
}

/**
 * The audience keys every member of `org` reads with (DESIGN.md "who sees what"): public,
 * community, its own org, the person, and its state for state offices and local jurisdictions.
 * Sharing groups are added by the sharing service around this.
 */
export function baseKeysOf(org: Pick<Organization, 'id' | 'kind' | 'state_fips'>, userId: UserId | null): AudienceKey[] {
  const keys: AudienceKey[] = ['public', 'community', `org:${org.id}`];
  if (userId !== null) keys.push(`user:${userId}`);
  const hasState = org.kind === 'state' || org.kind === 'territory' || org.kind === 'local';
  if (hasState && org.state_fips !== null) keys.push(`state:${org.state_fips}`);
  return keys;
}
