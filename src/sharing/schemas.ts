import { Type, type Static } from '@sinclair/typebox';
import { AudienceSchema, GroupIdString, OrgIdString, StixIdString, TlpSchema } from '../domain/schemas.ts';

/** REST schemas of the sharing routes: Fastify validates with them, OpenAPI shows them, types come from Static<>. */


const MaybeAudience = Type.Optional(Type.Union([AudienceSchema, Type.Null()], { description: 'An audience, or null to return to the built-in default' }));

export const DefaultsBody = Type.Object(
  {
    defaults: Type.Object(
      { clear: MaybeAudience, green: MaybeAudience, amber: MaybeAudience, 'amber+strict': MaybeAudience, red: MaybeAudience },
      { additionalProperties: false, minProperties: 1 },
    ),
  },
  { additionalProperties: false },
);
export type DefaultsBody = Static<typeof DefaultsBody>;

export const DefaultsSchema = Type.Object({
  defaults: Type.Array(
    Type.Object({
      tlp: TlpSchema,
      audience: Type.Union([Type.Array(Type.String()), Type.Null()], { description: 'null: TLP:RED has no default, name people each time' }),
      source: Type.Union([Type.Literal('organization'), Type.Literal('built-in')]),
    }),
  ),
});

export const ReshareBody = Type.Object(
  {
    audience: AudienceSchema,
    tlp: Type.Optional(TlpSchema),
    allow_counting: Type.Optional(Type.Union([Type.Boolean(), Type.Null()], { description: 'May anonymous aggregates count this object? null: the default' })),
  },
  { additionalProperties: false },
);
export type ReshareBody = Static<typeof ReshareBody>;

export const ReshareSchema = Type.Object({
  id: Type.String(),
  changed: Type.Boolean(),
  sharing: Type.Object({ owner: Type.String(), tlp: TlpSchema, audience: Type.Array(Type.String()) }),
});

export const ObjectParams = Type.Object({ id: StixIdString({ description: 'STIX id' }) });
export type ObjectParams = Static<typeof ObjectParams>;
export const GroupParams = Type.Object({ id: GroupIdString({ description: 'Sharing group id' }) });
export type GroupParams = Static<typeof GroupParams>;
export const MemberParams = Type.Object({ id: GroupIdString({ description: 'Sharing group id' }), org_id: OrgIdString({ description: 'Member organization' }) });
export type MemberParams = Static<typeof MemberParams>;
export const LeftSchema = Type.Object({ left: Type.String() });

export const CreateGroupBody = Type.Object({ name: Type.String({ minLength: 1, maxLength: 200 }) }, { additionalProperties: false });
export type CreateGroupBody = Static<typeof CreateGroupBody>;
export const InviteBody = Type.Object({ org_id: OrgIdString({ description: 'The invited organization' }) }, { additionalProperties: false });
export type InviteBody = Static<typeof InviteBody>;

const MembershipStatus = Type.Union([Type.Literal('invited'), Type.Literal('accepted'), Type.Literal('declined')]);
export const GroupSchema = Type.Object({
  id: Type.String(),
  name: Type.String(),
  created_by_org: Type.String(),
  created_at: Type.String(),
  status: MembershipStatus,
  members: Type.Union([Type.Array(Type.Object({ org_id: Type.String(), status: MembershipStatus })), Type.Null()]),
});
export const GroupListSchema = Type.Object({ groups: Type.Array(GroupSchema) });

export const CountingBody = Type.Object(
  { allow_counting: Type.Union([Type.Boolean(), Type.Null()], { description: 'Let anonymous aggregates count your sightings; null: only those shared with the community' }) },
  { additionalProperties: false },
);
export type CountingBody = Static<typeof CountingBody>;

/**
 * Anonymous sighting counts, the same for GET /api/v1/aggregates/sightings/{id} and
 * GET /api/v1/objects/{id}/sightings/summary. A sighting is counted when its owner allowed counting or the reader may see it.
 */
export const AggregateSchema = Type.Object(
  {
    indicator: Type.String(),
    sightings: Type.Integer({ description: "Times sighted: the sum of the counted sightings' count (1 for a sighting without one)" }),
    jurisdictions: Type.Integer({ description: 'Distinct owner organizations that are election offices: local jurisdictions, state and territory offices' }),
    other_organizations: Type.Integer({ description: 'Distinct owner organizations that are not election offices (federal, ISAC, private sector)' }),
    organizations: Type.Integer({ description: 'All distinct owner organizations: jurisdictions + other_organizations' }),
    states: Type.Integer({ description: 'Distinct states and territories of those election offices' }),
    text: Type.String({ description: 'e.g. "sighted 12 times by 4 jurisdictions in 2 states"' }),
    last_sighted: Type.Union([Type.String(), Type.Null()], {
      description: 'When the counted sightings were last seen (their latest last_seen, else first_seen, else created), to the hour; null when none was counted',
    }),
  },
  { description: 'Numbers only, never who' },
);
