import { Type, type Static } from '@sinclair/typebox';
import { TLP_LEVELS } from '../domain/tlp.ts';
import { AggregateSchema } from '../sharing/schemas.ts';
import { LOG_FORMATS } from './formats.ts';

export const MatchQuery = Type.Object(
  {
    format: Type.Union([Type.Literal('auto'), ...LOG_FORMATS.map((f) => Type.Literal(f))], { default: 'auto', description: 'Log format; auto recognises it from the first lines' }),
    publish: Type.Boolean({ default: false, description: 'Publish a STIX sighting of each hit, owned by your organization' }),
    include_warning_listed: Type.Boolean({ default: false, description: 'Let values on warning lists (private/documentation ranges, benign top domains) raise hits, flagged' }),
    tlp: Type.Union(TLP_LEVELS.map((t) => Type.Literal(t)), { default: 'green', description: 'TLP of published sightings' }),
    audience: Type.Optional(Type.String({ description: "Comma-separated audience keys of published sightings; default: your organization's default for the TLP" })),
  },
  { additionalProperties: false },
);
export type MatchQuery = Static<typeof MatchQuery>;

const LineReportSchema = Type.Object({ line: Type.Integer(), code: Type.String(), message: Type.String() });
const IndicatorProblemSchema = Type.Object({ id: Type.String(), code: Type.String(), message: Type.String() });

export const MatchReportSchema = Type.Object({
  format: Type.String(),
  lines: Type.Integer({ description: 'Lines read from the log, header, comment and blank lines included, numbered as in problems' }),
  malformed: Type.Integer({ description: 'Lines that could not be read; the first ones are listed in problems' }),
  problems: Type.Array(LineReportSchema),
  indicators: Type.Object({ equality: Type.Integer(), complex: Type.Integer(), unusable: Type.Array(IndicatorProblemSchema) }),
  hits: Type.Array(
    Type.Object({
      indicator: Type.String(),
      name: Type.Union([Type.String(), Type.Null()]),
      pattern: Type.String(),
      count: Type.Integer(),
      first_seen: Type.String(),
      last_seen: Type.String(),
      values: Type.Array(Type.String()),
      warning_lists: Type.Array(Type.String()),
    }),
  ),
  suppressed: Type.Record(Type.String(), Type.Integer(), { description: 'Matches dropped because the value is on a warning list, by list' }),
  sightings: Type.Array(Type.Object({ indicator: Type.String(), sighting: Type.String() })),
});

/** The summary is the sharing feature's anonymous aggregate: one computation, one shape (src/sharing/aggregates.ts). */
export const SightingSummarySchema = AggregateSchema;

export const IdParams = Type.Object({ id: Type.String({ pattern: '^[a-z0-9-]+--[0-9a-fA-F-]{36}$' }) });
export type IdParams = Static<typeof IdParams>;
