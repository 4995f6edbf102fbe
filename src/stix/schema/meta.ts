import { Type } from '@sinclair/typebox';
import { ExternalReference, Extensions, GranularMarking, Ref, Refs, StringList, Timestamp, TimestampMillis, sdo } from './common.ts';

/** STIX 2.1 Meta Objects (§7): marking definitions, language content, extension definitions. */

export const EXTENSION_TYPES = ['new-sdo', 'new-sco', 'new-sro', 'property-extension', 'toplevel-property-extension'] as const;
const ExtensionType = Type.Union(EXTENSION_TYPES.map((v) => Type.Literal(v)));

/** Marking definitions are not versioned: no `modified` (§7.2.1). TLP 2.0 ones use the extension form. */
export const MarkingDefinitionSchema = Type.Object({
  type: Type.String(),
  spec_version: Type.String(),
  id: Ref(['marking-definition']),
  created_by_ref: Type.Optional(Ref(['identity'])),
  created: Timestamp,
  name: Type.Optional(Type.String()),
  definition_type: Type.Optional(Type.String()),
  definition: Type.Optional(Type.Object({})),
  external_references: Type.Optional(Type.Array(ExternalReference, { minItems: 1 })),
  object_marking_refs: Type.Optional(Refs(['marking-definition'])),
  granular_markings: Type.Optional(Type.Array(GranularMarking, { minItems: 1 })),
  extensions: Type.Optional(Extensions),
});

/** The TLP 2.0 extension (OASIS cti-stix-common-objects) that TLP 2.0 marking definitions carry. */
export const TLP2_EXTENSION_ID = 'extension-definition--60a3c5c5-0d10-413e-aab3-9e08dde9e88d';
export const Tlp2ExtensionSchema = Type.Object({
  extension_type: Type.Literal('property-extension'),
  tlp_2_0: Type.Union(['clear', 'green', 'amber', 'amber+strict', 'red'].map((v) => Type.Literal(v))),
});

export const LanguageContentSchema = sdo({
  object_ref: Ref(),
  object_modified: Type.Optional(TimestampMillis),
  contents: Type.Record(Type.String(), Type.Record(Type.String(), Type.Unknown()), { minProperties: 1 }),
});

export const ExtensionDefinitionSchema = sdo({
  created_by_ref: Ref(['identity']),
  name: Type.String(),
  description: Type.Optional(Type.String()),
  schema: Type.String(),
  version: Type.String(),
  extension_types: Type.Array(ExtensionType, { minItems: 1 }),
  extension_properties: Type.Optional(StringList),
});

/** An entry of `extensions` keyed by an extension-definition id (§7.3). */
export const ExtensionEntrySchema = Type.Object({ extension_type: Type.Optional(ExtensionType) });

export const META_SCHEMAS = {
  'marking-definition': MarkingDefinitionSchema,
  'language-content': LanguageContentSchema,
  'extension-definition': ExtensionDefinitionSchema,
} as const;

/** A bundle's envelope (§8); its `objects` are streamed and validated one by one. */
export const BundleHeaderSchema = Type.Object({
  type: Type.Optional(Type.Literal('bundle')),
  id: Type.Optional(Ref(['bundle'])),
});
