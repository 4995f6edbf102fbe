import { Type } from '@sinclair/typebox';
import { Ref, Refs, Timestamp, sdo } from './common.ts';

/** STIX 2.1 Relationship Objects (§5). Which object types the refs may name is a rule in validate-rules.ts. */

export const RelationshipSchema = sdo({
  relationship_type: Type.String({ pattern: '^[a-z0-9-]+$' }),
  description: Type.Optional(Type.String()),
  source_ref: Ref(),
  target_ref: Ref(),
  start_time: Type.Optional(Timestamp),
  stop_time: Type.Optional(Timestamp),
});

export const SightingSchema = sdo({
  description: Type.Optional(Type.String()),
  first_seen: Type.Optional(Timestamp),
  last_seen: Type.Optional(Timestamp),
  count: Type.Optional(Type.Integer({ minimum: 0, maximum: 999999999 })),
  sighting_of_ref: Ref(),
  observed_data_refs: Type.Optional(Refs(['observed-data'])),
  where_sighted_refs: Type.Optional(Refs(['identity', 'location'])),
  summary: Type.Optional(Type.Boolean()),
});

export const SRO_SCHEMAS = {
  relationship: RelationshipSchema,
  sighting: SightingSchema,
} as const;
