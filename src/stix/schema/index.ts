import { Type, type TSchema } from '@sinclair/typebox';
import { TypeCompiler, type TypeCheck } from '@sinclair/typebox/compiler';
import { sco, sdo } from './common.ts';
import { META_SCHEMAS } from './meta.ts';
import { SCO_SCHEMAS } from './scos.ts';
import { SDO_SCHEMAS } from './sdos.ts';
import { SRO_SCHEMAS } from './sros.ts';

export * from './common.ts';
export * from './meta.ts';
export * from './scos.ts';
export * from './sdos.ts';
export * from './sros.ts';

/** Which family of STIX object a type belongs to; custom types are SDO-like or SCO-like by their properties. */
export type ObjectKind = 'sdo' | 'sro' | 'sco' | 'meta';

export const SDO_TYPES: ReadonlySet<string> = new Set(Object.keys(SDO_SCHEMAS));
export const SRO_TYPES: ReadonlySet<string> = new Set(Object.keys(SRO_SCHEMAS));
export const SCO_TYPES: ReadonlySet<string> = new Set(Object.keys(SCO_SCHEMAS));
export const META_TYPES: ReadonlySet<string> = new Set(Object.keys(META_SCHEMAS));

/** Custom objects (§11.2) carry the common properties; their own are free-form. */
export const CustomSdoSchema = sdo({});
export const CustomScoSchema = sco({});

export interface CompiledSchema {
  readonly kind: ObjectKind;
  readonly custom: boolean;
  readonly check: TypeCheck<TSchema>;
  /** Property names the schema defines; any other top-level property is a custom property. */
  readonly known: ReadonlySet<string>;
}

function compile(kind: ObjectKind, custom: boolean, schema: TSchema & { properties: Record<string, TSchema> }): CompiledSchema {
  return { kind, custom, check: TypeCompiler.Compile(schema), known: new Set(Object.keys(schema.properties)) };
}

// Compiled once per process: TypeCompiler output is pure code, safe to share.
let table: Map<string, CompiledSchema> | undefined;
let customSdo: CompiledSchema | undefined;
let customSco: CompiledSchema | undefined;

function compiledTable(): Map<string, CompiledSchema> {
  if (table !== undefined) return table;
  const t = new Map<string, CompiledSchema>();
  for (const [type, schema] of Object.entries(SDO_SCHEMAS)) t.set(type, compile('sdo', false, schema));
  for (const [type, schema] of Object.entries(SRO_SCHEMAS)) t.set(type, compile('sro', false, schema));
  for (const [type, schema] of Object.entries(SCO_SCHEMAS)) t.set(type, compile('sco', false, schema));
  for (const [type, schema] of Object.entries(META_SCHEMAS)) t.set(type, compile('meta', false, schema));
  table = t;
  return t;
}

/** The compiled schema for a STIX type; a custom type is judged SDO-like when it has `created` or `modified`. */
export function compiledSchemaFor(type: string, looksLikeSdo: boolean): CompiledSchema {
  const known = compiledTable().get(type);
  if (known !== undefined) return known;
  if (looksLikeSdo) return (customSdo ??= compile('sdo', true, CustomSdoSchema));
  return (customSco ??= compile('sco', true, CustomScoSchema));
}

/** A JSON object: what every STIX object and every bundle is. */
export const JsonObject = Type.Record(Type.String(), Type.Unknown());
