import { Type, type Static, type TSchema } from '@sinclair/typebox';
import { TypeCompiler } from '@sinclair/typebox/compiler';
import { err, ok, type Result } from '../../domain/result.ts';

/** TAXII 2.1 resources as a client reads them (§4, §5): required fields checked, anything extra kept. */

export const DiscoverySchema = Type.Object({
  title: Type.String(),
  description: Type.Optional(Type.String()),
  contact: Type.Optional(Type.String()),
  default: Type.Optional(Type.String()),
  api_roots: Type.Optional(Type.Array(Type.String())),
});
export type Discovery = Static<typeof DiscoverySchema>;

export const ApiRootSchema = Type.Object({
  title: Type.String(),
  description: Type.Optional(Type.String()),
  versions: Type.Array(Type.String()),
  max_content_length: Type.Number(),
});
export type ApiRoot = Static<typeof ApiRootSchema>;

export const CollectionSchema = Type.Object({
  id: Type.String(),
  title: Type.String(),
  description: Type.Optional(Type.String()),
  alias: Type.Optional(Type.String()),
  can_read: Type.Boolean(),
  can_write: Type.Boolean(),
  media_types: Type.Optional(Type.Array(Type.String())),
});
export type Collection = Static<typeof CollectionSchema>;

export const CollectionsSchema = Type.Object({ collections: Type.Optional(Type.Array(CollectionSchema)) });

/** STIX objects are only required to be JSON objects with a type and id here; the import pipeline validates them. */
export const StixObjectSchema = Type.Object({ type: Type.String(), id: Type.String() }, { additionalProperties: true });
export type LooseStixObject = Static<typeof StixObjectSchema> & Readonly<Record<string, unknown>>;

export const EnvelopeSchema = Type.Object({
  more: Type.Optional(Type.Boolean()),
  next: Type.Optional(Type.String()),
  objects: Type.Optional(Type.Array(StixObjectSchema)),
});
export type Envelope = Static<typeof EnvelopeSchema>;

export const ManifestRecordSchema = Type.Object({
  id: Type.String(),
  date_added: Type.String(),
  version: Type.String(),
  media_type: Type.Optional(Type.String()),
});
export type ManifestRecord = Static<typeof ManifestRecordSchema>;

export const ManifestSchema = Type.Object({
  more: Type.Optional(Type.Boolean()),
  next: Type.Optional(Type.String()),
  objects: Type.Optional(Type.Array(ManifestRecordSchema)),
});
export type Manifest = Static<typeof ManifestSchema>;

export const StatusDetailsSchema = Type.Object({ id: Type.String(), version: Type.String(), message: Type.Optional(Type.String()) });
export type StatusDetails = Static<typeof StatusDetailsSchema>;

export const StatusSchema = Type.Object({
  id: Type.String(),
  status: Type.Union([Type.Literal('complete'), Type.Literal('pending')]),
  request_timestamp: Type.Optional(Type.String()),
  total_count: Type.Number(),
  success_count: Type.Number(),
  failure_count: Type.Number(),
  pending_count: Type.Number(),
  successes: Type.Optional(Type.Array(StatusDetailsSchema)),
  failures: Type.Optional(Type.Array(StatusDetailsSchema)),
  pendings: Type.Optional(Type.Array(StatusDetailsSchema)),
});
export type Status = Static<typeof StatusSchema>;

export const ErrorSchema = Type.Object({
  title: Type.String(),
  description: Type.Optional(Type.String()),
  error_code: Type.Optional(Type.String()),
  http_status: Type.Optional(Type.String()),
});
export type TaxiiErrorBody = Static<typeof ErrorSchema>;

/** A parser for one resource: the first mismatch, with its JSON path, is the error. */
export function resourceParser<S extends TSchema>(schema: S, name: string): (value: unknown) => Result<Static<S>, string> {
  const check = TypeCompiler.Compile(schema);
  return (value) => {
    if (check.Check(value)) return ok(value);
    const first = check.Errors(value).First();
    const where = first === undefined || first.path === '' ? '' : ` at ${first.path}`;
    return err(`not a TAXII 2.1 ${name}${where}: ${first?.message ?? 'unexpected shape'}`);
  };
}

export const parseDiscovery = resourceParser(DiscoverySchema, 'discovery resource');
export const parseApiRoot = resourceParser(ApiRootSchema, 'api-root resource');
export const parseCollection = resourceParser(CollectionSchema, 'collection resource');
export const parseCollections = resourceParser(CollectionsSchema, 'collections resource');
export const parseEnvelope = resourceParser(EnvelopeSchema, 'envelope');
export const parseManifest = resourceParser(ManifestSchema, 'manifest resource');
export const parseStatus = resourceParser(StatusSchema, 'status resource');
export const parseErrorBody = resourceParser(ErrorSchema, 'error resource');
