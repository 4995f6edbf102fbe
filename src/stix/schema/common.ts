import { FormatRegistry, Type, type TSchema } from '@sinclair/typebox';
import { isStixTimestamp } from '../timestamp.ts';

/**
 * Building blocks shared by every STIX 2.1 object schema. Extra keywords on a schema
 * (`stixRef`) and formats (`stix-timestamp`) let the validator turn a TypeBox error into a precise code.
 */

/** `<type>--<uuid>` with an RFC 4122 UUID (OASIS common/identifier.json). */
export const UUID_PATTERN = '[0-9a-fA-F]{8}-[0-9a-fA-F]{4}-[1-5][0-9a-fA-F]{3}-[89abAB][0-9a-fA-F]{3}-[0-9a-fA-F]{12}';
// Lazy `+?`: the same names, but matching tries short type names first instead of backtracking from the end of the UUID (twice as fast).
export const TYPE_NAME_PATTERN = '[a-z][a-z0-9-]+?[a-z0-9]';
export const IDENTIFIER_PATTERN = `^${TYPE_NAME_PATTERN}--${UUID_PATTERN}$`;

// TypeBox's format registry is process-wide; registering the same checks twice is harmless.
FormatRegistry.Set('stix-timestamp', (value) => isStixTimestamp(value));
FormatRegistry.Set('stix-timestamp-millis', (value) => isStixTimestamp(value, true));

export const Timestamp = Type.String({ format: 'stix-timestamp' });
export const TimestampMillis = Type.String({ format: 'stix-timestamp-millis' });

/** A STIX identifier, optionally restricted to the given object types. */
export function Ref(types?: readonly string[]) {
  if (types === undefined) return Type.String({ pattern: IDENTIFIER_PATTERN, stixRef: [] });
  return Type.String({ pattern: `^(${types.join('|')})--${UUID_PATTERN}$`, stixRef: types });
}

export function Refs(types?: readonly string[]) {
  return Type.Array(Ref(types), { minItems: 1 });
}

/** A list of strings (open vocabularies, aliases, labels): STIX forbids empty lists. */
export const StringList = Type.Array(Type.String(), { minItems: 1 });

export const ExternalReference = Type.Object({
  source_name: Type.String(),
  description: Type.Optional(Type.String()),
  url: Type.Optional(Type.String()),
  hashes: Type.Optional(Type.Record(Type.String(), Type.String())),
  external_id: Type.Optional(Type.String()),
});

export const KillChainPhase = Type.Object({
  kill_chain_name: Type.String(),
  phase_name: Type.String(),
});

export const GranularMarking = Type.Object({
  selectors: Type.Array(Type.String({ pattern: '^([a-z0-9_-]{3,249}(\\.(\\[\\d+\\]|[a-z0-9_-]{1,250}))*|id)$' }), { minItems: 1 }),
  lang: Type.Optional(Type.String()),
  marking_ref: Type.Optional(Ref(['marking-definition'])),
});

export const Hashes = Type.Record(Type.String({ pattern: '^[a-zA-Z0-9_-]{3,250}$' }), Type.String(), { minProperties: 1 });

export const Extensions = Type.Record(Type.String(), Type.Object({}), { minProperties: 1 });

/** Properties every SDO and SRO has (STIX 2.1 §3.2). */
export const CommonSdoProperties = {
  type: Type.String(),
  spec_version: Type.String(),
  id: Ref(),
  created_by_ref: Type.Optional(Ref(['identity'])),
  created: TimestampMillis,
  modified: TimestampMillis,
  revoked: Type.Optional(Type.Boolean()),
  labels: Type.Optional(StringList),
  confidence: Type.Optional(Type.Integer({ minimum: 0, maximum: 100 })),
  lang: Type.Optional(Type.String()),
  external_references: Type.Optional(Type.Array(ExternalReference, { minItems: 1 })),
  object_marking_refs: Type.Optional(Refs(['marking-definition'])),
  granular_markings: Type.Optional(Type.Array(GranularMarking, { minItems: 1 })),
  extensions: Type.Optional(Extensions),
};

/** Properties every SCO has (STIX 2.1 §6.1). */
export const CommonScoProperties = {
  type: Type.String(),
  spec_version: Type.Optional(Type.String()),
  id: Ref(),
  object_marking_refs: Type.Optional(Refs(['marking-definition'])),
  granular_markings: Type.Optional(Type.Array(GranularMarking, { minItems: 1 })),
  defanged: Type.Optional(Type.Boolean()),
  extensions: Type.Optional(Extensions),
};


/** An SDO/SRO schema: the common properties plus the type's own. Unknown (custom) properties are checked by rules. */
export function sdo<P extends Record<string, TSchema>>(own: P) {
  return Type.Object({ ...CommonSdoProperties, ...own });
}

export function sco<P extends Record<string, TSchema>>(own: P) {
  return Type.Object({ ...CommonScoProperties, ...own });
}
