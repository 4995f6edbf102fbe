import { Type, type Static } from '@sinclair/typebox';
import { TlpSchema } from '../domain/schemas.ts';

export const ImportQuery = Type.Object(
  {
    on_conflict: Type.Union([Type.Literal('reject'), Type.Literal('replace')], { default: 'reject', description: 'Same id and modified, different content' }),
    skip_invalid: Type.Boolean({ default: false, description: 'Store the valid objects even when some are rejected' }),
    tlp: Type.Optional(TlpSchema),
    audience: Type.Optional(Type.String({ maxLength: 10_000, description: 'Comma-separated audience keys for objects of the upload' })),
  },
  { additionalProperties: false },
);
export type ImportQuery = Static<typeof ImportQuery>;

/** The same summary `rampart import --json` prints. */
export const ImportSummarySchema = Type.Object({
  stored: Type.Boolean(),
  objects: Type.Integer(),
  added: Type.Integer(),
  newVersions: Type.Integer(),
  unchanged: Type.Integer(),
  rejected: Type.Integer(),
  rejections: Type.Array(Type.Object({ id: Type.Optional(Type.String()), path: Type.Optional(Type.String()), code: Type.String(), message: Type.String() })),
});
