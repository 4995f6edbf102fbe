import { Type, type Static } from '@sinclair/typebox';
import { SUPPORT_ACTIONS, SUPPORT_SERVICES, SUPPORT_STATUSES } from '../domain/support.ts';
import { StixIdString, Timestamp } from '../domain/schemas.ts';

const ORG_ID = '^identity--[0-9a-fA-F]{8}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{12}$';
const UUID = '^[0-9a-fA-F]{8}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{12}$';

export const ServiceSchema = Type.Union(SUPPORT_SERVICES.map((s) => Type.Literal(s)), { description: 'a service from the catalogue' });
const StatusSchema = Type.Union(SUPPORT_STATUSES.map((s) => Type.Literal(s)), { description: 'where the request stands' });
const ActionSchema = Type.Union(SUPPORT_ACTIONS.map((a) => Type.Literal(a)));

export const OfferingParams = Type.Object({ service: ServiceSchema });
export type OfferingParams = Static<typeof OfferingParams>;
export const OfferingBody = Type.Object(
  { description: Type.String({ minLength: 1, maxLength: 2000, description: 'what the service is and how to get it' }), active: Type.Boolean({ default: true }) },
  { additionalProperties: false },
);
export type OfferingBody = Static<typeof OfferingBody>;

const OrgRef = Type.Object({ id: Type.String(), name: Type.Union([Type.String(), Type.Null()]) });

export const OfferingSchema = Type.Object({ provider: OrgRef, service: ServiceSchema, service_label: Type.String(), description: Type.String(), active: Type.Boolean() });
export const OfferingListSchema = Type.Object({ items: Type.Array(OfferingSchema) });

/** No requester field on purpose: the requester is always the caller's organization. */
export const NewRequestBody = Type.Object(
  {
    provider_org: Type.String({ pattern: ORG_ID, description: 'the organization asked' }),
    service: ServiceSchema,
    title: Type.String({ minLength: 3, maxLength: 200 }),
    details: Type.String({ minLength: 1, maxLength: 10000 }),
    urgent: Type.Optional(Type.Boolean({ description: "help is needed now: the provider's contacts are emailed at once, and its backup contacts when nobody acknowledges in time" })),
    incident_id: Type.Optional(StixIdString({ description: 'the incident the request is about (one you may see); shown with the request only to readers who may see it' })),
  },
  { additionalProperties: false },
);
export type NewRequestBody = Static<typeof NewRequestBody>;

export const RequestParams = Type.Object({ id: Type.String({ pattern: UUID }) });
export type RequestParams = Static<typeof RequestParams>;

export const ActionBody = Type.Object({ action: ActionSchema, scheduled_for: Type.Optional(Timestamp('the date and time agreed')) }, { additionalProperties: false });
export type ActionBody = Static<typeof ActionBody>;

export const MessageBody = Type.Object({ body: Type.String({ minLength: 1, maxLength: 10000 }) }, { additionalProperties: false });
export type MessageBody = Static<typeof MessageBody>;

export const PartyBody = Type.Object({ org_id: Type.String({ pattern: ORG_ID }) }, { additionalProperties: false });
export type PartyBody = Static<typeof PartyBody>;

export const MessageSchema = Type.Object({ id: Type.String(), author: OrgRef, body: Type.String(), at: Type.String() });

export const RequestSchema = Type.Object({
  id: Type.String(),
  role: Type.Union([Type.Literal('requester'), Type.Literal('provider'), Type.Literal('party')]),
  requester: OrgRef,
  provider: OrgRef,
  parties: Type.Array(OrgRef),
  service: ServiceSchema,
  service_label: Type.String(),
  title: Type.String(),
  details: Type.String(),
  urgent: Type.Boolean(),
  status: StatusSchema,
  actions: Type.Array(ActionSchema, { description: 'what your organization may do to it now' }),
  scheduled_for: Type.Union([Type.String(), Type.Null()]),
  created_at: Type.String(),
  updated_at: Type.String(),
  messages: Type.Optional(Type.Array(MessageSchema)),
  incident: Type.Union([Type.Object({ id: Type.String(), title: Type.String() }), Type.Null()], { description: 'the incident it is about, when it has one and you may see it; null otherwise' }),
});
export const RequestListQuery = Type.Object({ incident: Type.Optional(StixIdString({ description: 'only the requests about this incident (none when you may not see it)' })) }, { additionalProperties: false });
export type RequestListQuery = Static<typeof RequestListQuery>;
export const RequestListSchema = Type.Object({ items: Type.Array(RequestSchema) });
