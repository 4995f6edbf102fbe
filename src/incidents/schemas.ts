import { Type, type Static } from '@sinclair/typebox';
import { CASE_STATUSES } from '../domain/election.ts';
import { AudienceSchema, StixIdString, StixObjectSchema, Timestamp, TlpSchema } from '../domain/schemas.ts';

export const IncidentParams = Type.Object({ id: StixIdString({ description: 'the incident id' }) });
export type IncidentParams = Static<typeof IncidentParams>;

const UUID = '^[0-9a-fA-F]{8}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{12}$';

export const CaseChangeBody = Type.Object(
  {
    status: Type.Optional(Type.Union(CASE_STATUSES.map((s) => Type.Literal(s)), { description: 'new → acknowledged → investigating → contained → resolved; resolved → reopened' })),
    assignee: Type.Optional(Type.Union([Type.String({ pattern: UUID, description: 'a person of your organization' }), Type.Null()])),
    referral: Type.Optional(
      Type.Object(
        {
          agency: Type.String({ minLength: 1, maxLength: 200, description: 'who it was referred to, e.g. "FBI field office, Milwaukee"' }),
          referred_at: Type.Optional(Timestamp('when; now when left out')),
          reference: Type.Optional(Type.String({ maxLength: 200, description: 'their case or report number' })),
        },
        { additionalProperties: false },
      ),
    ),
  },
  { additionalProperties: false, minProperties: 1 },
);
export type CaseChangeBody = Static<typeof CaseChangeBody>;

export const NoteBody = Type.Object(
  {
    content: Type.String({ minLength: 1, maxLength: 20000 }),
    tlp: Type.Optional(TlpSchema),
    audience: Type.Optional(AudienceSchema),
  },
  { additionalProperties: false },
);
export type NoteBody = Static<typeof NoteBody>;

export const LinkBody = Type.Object({ target_id: StixIdString({ description: 'an indicator, technique, threat actor, intrusion set, campaign or other item you may see' }) }, { additionalProperties: false });
export type LinkBody = Static<typeof LinkBody>;

export const CorroborateBody = Type.Object(
  {
    incident_id: StixIdString({ description: 'your own incident that saw the same' }),
    tlp: Type.Optional(TlpSchema),
    audience: Type.Optional(AudienceSchema),
  },
  { additionalProperties: false },
);
export type CorroborateBody = Static<typeof CorroborateBody>;

export const MembersSchema = Type.Array(Type.Object({ id: Type.String(), name: Type.String() }));

export const TimelineSchema = Type.Object({
  items: Type.Array(
    Type.Object({
      at: Type.String(),
      kind: Type.Union([Type.Literal('version'), Type.Literal('note')]),
      object: Type.Ref(StixObjectSchema),
      tlp: TlpSchema,
      owner: Type.String(),
      owner_name: Type.Union([Type.String(), Type.Null()]),
    }),
  ),
});
