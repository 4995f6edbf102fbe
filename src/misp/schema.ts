import { Type, type Static, type TSchema } from '@sinclair/typebox';
import { Value } from '@sinclair/typebox/value';
import type { ProblemDetail } from '../domain/problem.ts';
import { err, ok, type Result } from '../domain/result.ts';
import { pointerToPath } from '../stix/json-path.ts';

/**
 * The MISP core format (MISP's own JSON export, feeds and PyMISP files) as far as Rampart reads it.
 * MISP writes numbers as strings ("distribution": "5") and PyMISP as numbers, so both are accepted;
 * everything Rampart does not read (ids, RelatedEvent…) passes through unchecked.
 */
const IntLike = Type.Union([Type.Integer({ minimum: 0 }), Type.String({ pattern: '^[0-9]+$' })]);
/** 0 your organisation, 1 this community, 2 connected communities, 3 all communities, 4 a sharing group, 5 inherit. */
const DistributionLike = Type.Union([Type.Integer({ minimum: 0, maximum: 5 }), Type.String({ pattern: '^[0-5]$' })], { description: 'a MISP distribution level, 0 to 5' });
const Text = Type.String({ maxLength: 1_000_000 });
const Opt = <T extends TSchema>(schema: T) => Type.Optional(Type.Union([schema, Type.Null()]));

export const MispTag = Type.Object({ name: Type.String({ minLength: 1, maxLength: 10_000 }) });
export type MispTag = Static<typeof MispTag>;

export const MispSharingGroup = Type.Object({ uuid: Opt(Type.String()), name: Opt(Type.String()) });

export const MispGalaxyCluster = Type.Object({
  value: Type.String(),
  type: Opt(Type.String()),
  tag_name: Opt(Type.String()),
  meta: Type.Optional(Type.Object({ external_id: Type.Optional(Type.Array(Type.String())) })),
});
export type MispGalaxyCluster = Static<typeof MispGalaxyCluster>;

export const MispGalaxy = Type.Object({ type: Opt(Type.String()), name: Opt(Type.String()), GalaxyCluster: Type.Optional(Type.Array(MispGalaxyCluster)) });
export type MispGalaxy = Static<typeof MispGalaxy>;

/** A MISP sighting: type 0 a sighting, 1 a false positive, 2 an expiration; `attribute_uuid` names its attribute when it sits on the event. */
export const MispSighting = Type.Object({
  uuid: Opt(Type.String()),
  type: Opt(IntLike),
  date_sighting: IntLike,
  source: Opt(Text),
  attribute_uuid: Opt(Type.String()),
  Organisation: Opt(Type.Object({ name: Opt(Type.String()), uuid: Opt(Type.String()) })),
});
export type MispSighting = Static<typeof MispSighting>;

/** A MISP event report: a Markdown write-up of the event (`@[attribute](uuid)` and `@[object](uuid)` point at its items). */
export const MispEventReport = Type.Object({
  uuid: Opt(Type.String()),
  name: Type.String({ maxLength: 100_000 }),
  content: Opt(Text),
  distribution: Opt(DistributionLike),
  sharing_group_id: Opt(IntLike),
  SharingGroup: Opt(MispSharingGroup),
  timestamp: Opt(IntLike),
  deleted: Opt(Type.Boolean()),
});
export type MispEventReport = Static<typeof MispEventReport>;

export const MispAttribute = Type.Object({
  uuid: Opt(Type.String()),
  type: Type.String({ minLength: 1, maxLength: 100 }),
  category: Opt(Type.String()),
  value: Type.Union([Text, Type.Number()]),
  to_ids: Opt(Type.Union([Type.Boolean(), Type.Literal('0'), Type.Literal('1')])),
  distribution: Opt(DistributionLike),
  sharing_group_id: Opt(IntLike),
  SharingGroup: Opt(MispSharingGroup),
  comment: Opt(Text),
  timestamp: Opt(IntLike),
  first_seen: Opt(Type.String()),
  last_seen: Opt(Type.String()),
  deleted: Opt(Type.Boolean()),
  object_relation: Opt(Type.String()),
  Tag: Type.Optional(Type.Array(MispTag)),
  Galaxy: Type.Optional(Type.Array(MispGalaxy)),
  Sighting: Type.Optional(Type.Array(MispSighting)),
  /** Proposals (changes not yet accepted by the event's creator): counted, not carried. */
  ShadowAttribute: Type.Optional(Type.Array(Type.Unknown())),
});
export type MispAttribute = Static<typeof MispAttribute>;

/** A MISP object's link to another object or attribute of the event (`referenced_uuid`), with MISP's free-text relationship type. */
export const MispObjectReference = Type.Object({
  uuid: Opt(Type.String()),
  referenced_uuid: Type.String({ minLength: 1 }),
  relationship_type: Type.String({ maxLength: 1000 }),
  comment: Opt(Text),
  timestamp: Opt(IntLike),
  deleted: Opt(Type.Boolean()),
});
export type MispObjectReference = Static<typeof MispObjectReference>;

export const MispObject = Type.Object({
  uuid: Opt(Type.String()),
  name: Type.String({ minLength: 1 }),
  first_seen: Opt(Type.String()),
  last_seen: Opt(Type.String()),
  ObjectReference: Type.Optional(Type.Array(MispObjectReference)),
  comment: Opt(Text),
  distribution: Opt(DistributionLike),
  sharing_group_id: Opt(IntLike),
  SharingGroup: Opt(MispSharingGroup),
  timestamp: Opt(IntLike),
  deleted: Opt(Type.Boolean()),
  Attribute: Type.Optional(Type.Array(MispAttribute)),
});
export type MispObject = Static<typeof MispObject>;

export const MispOrg = Type.Object({ name: Type.String(), uuid: Opt(Type.String()) });

export const MispEvent = Type.Object({
  uuid: Type.String({ minLength: 1 }),
  info: Type.String({ maxLength: 100_000 }),
  date: Opt(Type.String({ pattern: '^\\d{4}-\\d{2}-\\d{2}$' })),
  timestamp: Opt(IntLike),
  publish_timestamp: Opt(IntLike),
  published: Opt(Type.Boolean()),
  threat_level_id: Opt(IntLike),
  analysis: Opt(IntLike),
  distribution: Opt(DistributionLike),
  sharing_group_id: Opt(IntLike),
  SharingGroup: Opt(MispSharingGroup),
  Orgc: Opt(MispOrg),
  Tag: Type.Optional(Type.Array(MispTag)),
  Galaxy: Type.Optional(Type.Array(MispGalaxy)),
  Attribute: Type.Optional(Type.Array(MispAttribute)),
  Object: Type.Optional(Type.Array(MispObject)),
  Sighting: Type.Optional(Type.Array(MispSighting)),
  EventReport: Type.Optional(Type.Array(MispEventReport)),
  ShadowAttribute: Type.Optional(Type.Array(Type.Unknown())),
});
export type MispEvent = Static<typeof MispEvent>;

/** One event of a file, with where it sits (`$.Event`, `$.response[2].Event`…) for error messages. */
export interface LocatedEvent {
  readonly path: string;
  readonly event: MispEvent;
}

const isRecord = (v: unknown): v is Record<string, unknown> => typeof v === 'object' && v !== null && !Array.isArray(v);

/** A bare event has MISP's own keys: an `info` and a `uuid`, and neither STIX's `type` nor a wrapper. */
const looksLikeEvent = (v: Record<string, unknown>): boolean => 'info' in v && 'uuid' in v && !('type' in v);

/** What Rampart reads, in words rather than JSON shapes: the refusals below end with it. */
const WHAT_IT_READS = 'Rampart reads MISP events as MISP exports them: one event (MISP JSON export or a feed file), a list of events, or the results of a MISP search';

/** What a document that holds no MISP event is instead, in words that say what to do. */
function notAnEvent(doc: unknown): string {
  if (!isRecord(doc)) return `this is ${Array.isArray(doc) ? 'an empty list' : doc === null ? 'an empty value (null)' : typeof doc === 'string' ? 'a piece of text' : `a lone ${typeof doc}`}, not a MISP event. ${WHAT_IT_READS}`;
  if (typeof doc['type'] === 'string' && (doc['type'] === 'bundle' || 'spec_version' in doc)) return 'this is a STIX file, not MISP: upload it as STIX instead (Upload items in the web UI; rampart import without --format misp; REST: POST /api/v1/import)';
  if ('GalaxyCluster' in doc) return `this is a MISP galaxy (a list of named threats), not an event. ${WHAT_IT_READS}`;
  if ('SharingGroup' in doc) return `this is a MISP sharing group, not an event. ${WHAT_IT_READS}`;
  if ('Object' in doc || 'Attribute' in doc) return `this holds MISP attributes or objects without the event around them (its title and id). Export the whole event from MISP instead. ${WHAT_IT_READS}`;
  return `this is not a MISP event. ${WHAT_IT_READS}`;
}

/** A schema error in words: what the field should hold and what it holds, never a JSON shape. */
function fieldWords(message: string, value: unknown): string {
  const should: Readonly<Record<string, string>> = {
    'expected string': 'should be text',
    'expected number': 'should be a number',
    'expected integer': 'should be a whole number',
    'expected boolean': 'should be true or false',
    'expected array': 'should be a list',
    'expected object': 'should be a group of fields',
    'expected union value': 'is not a value MISP writes here',
    'expected required property': 'is missing',
  };
  const words = should[message.toLowerCase()] ?? message.toLowerCase();
  if (value === undefined) return words;
  const holds = Array.isArray(value) ? 'a list' : isRecord(value) ? 'a group of fields' : (JSON.stringify(value)?.slice(0, 80) ?? 'nothing');
  return `${words}; it holds ${holds}`;
}

/**
 * The events of a parsed MISP document. Accepted shapes: `{"Event": {...}}` (MISP export, feed
 * file), a bare event (PyMISP), `{"response": [...]}` (MISP's REST search) and a list of either.
 */
export function mispEventsOf(doc: unknown): Result<LocatedEvent[], ProblemDetail> {
  const candidates: { path: string; value: unknown }[] = [];
  const take = (value: unknown, path: string): boolean => {
    if (!isRecord(value)) return false;
    if ('Event' in value) candidates.push({ path: `${path}.Event`, value: value['Event'] });
    else if (looksLikeEvent(value)) candidates.push({ path, value });
    else return false;
    return true;
  };
  const list = Array.isArray(doc) ? { items: doc, path: '$' } : isRecord(doc) && Array.isArray(doc['response']) ? { items: doc['response'] as unknown[], path: '$.response' } : null;
  if (list !== null) {
    for (const [i, item] of list.items.entries()) {
      if (!take(item, `${list.path}[${i}]`)) return err({ path: `${list.path}[${i}]`, code: 'not-a-misp-event', message: notAnEvent(item) });
    }
    if (candidates.length === 0) return err({ path: list.path, code: 'not-a-misp-event', message: 'the list is empty: it holds no MISP event to import' });
  } else if (!take(doc, '$')) {
    return err({ path: '$', code: 'not-a-misp-event', message: notAnEvent(doc) });
  }
  const events: LocatedEvent[] = [];
  const problems: ProblemDetail[] = [];
  for (const c of candidates) {
    if (!Value.Check(MispEvent, c.value)) {
      for (const e of Value.Errors(MispEvent, c.value)) {
        problems.push({ path: pointerToPath(c.path, e.path), code: 'invalid-misp-event', message: fieldWords(e.message, e.value) });
        if (problems.length >= 20) break;
      }
      continue;
    }
    events.push({ path: c.path, event: c.value });
  }
  const first = problems[0];
  if (first !== undefined) return err({ ...first, message: problems.length > 1 ? `${first.message} (and ${problems.length - 1} more problems)` : first.message });
  return ok(events);
}
