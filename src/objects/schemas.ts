import { Type, type Static } from '@sinclair/typebox';
import { RANKED_AMONG } from '../store/stix-read.ts';
import { AudienceSchema, PageCursor, PageLimit, SharingSchema, StixIdString, StixObjectSchema, Timestamp, TlpSchema } from '../domain/schemas.ts';

/** The schemas of /api/v1/objects: Fastify validates with them, OpenAPI is generated from them, types come from Static<>. */

export const ListObjectsQuery = Type.Object(
  {
    type: Type.Optional(Type.String({ pattern: '^[a-z0-9-]+(,[a-z0-9-]+)*$', description: 'STIX types, comma-separated' })),
    exclude_type: Type.Optional(Type.String({ pattern: '^[a-z0-9-]+(,[a-z0-9-]+)*$', description: 'STIX types to leave out, comma-separated (e.g. relationship)' })),
    q: Type.Optional(Type.String({ minLength: 1, maxLength: 200, description: 'What to find: an IP address or CIDR block (finds addresses inside it and blocks around it), a domain (with its subdomains), a URL, an email address or a file hash, in indicator patterns and in text; otherwise words, each a whole word or its start, in name or description' })),
    tlp: Type.Optional(Type.String({ pattern: '^(clear|green|amber|amber\\+strict|red)(,(clear|green|amber|amber\\+strict|red))*$', description: 'TLPs, comma-separated (clear, green, amber, amber+strict, red)' })),
    owner: Type.Optional(Type.String({ pattern: '^identity--[0-9a-f-]{36}(,identity--[0-9a-f-]{36})*$', description: 'Owner organizations (STIX identity ids), comma-separated' })),
    label: Type.Optional(Type.String({ minLength: 1, maxLength: 500, description: 'STIX labels, comma-separated: objects carrying any of them' })),
    severity: Type.Optional(Type.String({ pattern: '^(low|moderate|high|critical)(,(low|moderate|high|critical))*$', description: 'Incident severities, comma-separated (low, moderate, high, critical)' })),
    state: Type.Optional(Type.String({ pattern: '^[0-9]{2}(,[0-9]{2})*$', description: 'States (2-digit FIPS codes), comma-separated' })),
    reference: Type.Optional(
      Type.Union([Type.Literal('include'), Type.Literal('only')], {
        description: 'The reference library (MITRE ATT&CK, DISARM, the member directory, marking and extension definitions) is left out unless asked for: include adds it, only lists nothing else',
      }),
    ),
    modified_from: Type.Optional(Timestamp('Only versions modified at or after')),
    modified_to: Type.Optional(Timestamp('Only versions modified at or before')),
    added_after: Type.Optional(Timestamp('Only objects added to this hub after')),
    sort: Type.Optional(
      Type.Union([Type.Literal('added'), Type.Literal('modified'), Type.Literal('name'), Type.Literal('relevance')], {
        description:
          `added (default): by when added to this hub; modified: by the time the version was modified; name: by name, letter case aside (unnamed items last); relevance: best match of q first (needs q; words are ranked by full text among the newest ${RANKED_AMONG.toLocaleString('en-US')} matches you may see, so a common word's older matches are left out of this order; an address or other value ranks nothing, so newest modified first). order applies to added, modified and name.`,
      }),
    ),
    order: Type.Optional(Type.Union([Type.Literal('asc'), Type.Literal('desc')], { description: 'asc (default): oldest (or A to Z) first; desc: newest (or Z to A) first. Next pages keep the sort and order of the first.' })),
    limit: PageLimit,
    cursor: PageCursor,
  },
  { additionalProperties: false },
);
export type ListObjectsQuery = Static<typeof ListObjectsQuery>;

export const ObjectListSchema = Type.Object({
  items: Type.Array(Type.Ref(StixObjectSchema)),
  next_cursor: Type.Union([Type.String(), Type.Null()]),
  total: Type.Integer({ minimum: 0, description: 'How many objects you may see match the query, over all pages, counted up to 1,000 (see total_capped)' }),
  total_capped: Type.Boolean({ description: 'true when more than `total` (1,000) objects match: counting stops there' }),
});

export const ObjectIdParams = Type.Object({ id: StixIdString({ description: 'STIX id' }) });
export type ObjectIdParams = Static<typeof ObjectIdParams>;

export const ObjectDetailSchema = Type.Object({
  object: Type.Ref(StixObjectSchema),
  versions: Type.Array(Type.Object({ modified: Type.Union([Type.String(), Type.Null()]), added: Type.String() })),
  sharing: Type.Ref(SharingSchema),
});

export const RelatedQuery = Type.Object(
  {
    limit: PageLimit,
    cursor: PageCursor,
  },
  { additionalProperties: false },
);
export type RelatedQuery = Static<typeof RelatedQuery>;

export const RelatedListSchema = Type.Object({
  items: Type.Array(
    Type.Object({
      relationship: Type.Ref(StixObjectSchema),
      direction: Type.Union([Type.Literal('out'), Type.Literal('in')], { description: 'out: this object is the source_ref; in: it is the target_ref' }),
      other: Type.Union(
        [Type.Object({ id: Type.String(), type: Type.String(), name: Type.Union([Type.String(), Type.Null()]), revoked: Type.Boolean() }), Type.Null()],
        { description: 'The object at the other end, or null when it has not been shared with you' },
      ),
    }),
  ),
  next_cursor: Type.Union([Type.String(), Type.Null()]),
});

const SharingRequest = Type.Object({ tlp: Type.Optional(TlpSchema), audience: Type.Optional(AudienceSchema) }, { additionalProperties: false });

/** `{ object, sharing? }` (or `{ object, tlp?, audience? }`, as the web UI sends it), or a bare STIX object. */
export const CreateObjectBody = Type.Union([
  Type.Object(
    {
      object: Type.Object({}, { additionalProperties: true, description: 'The STIX 2.1 object' }),
      sharing: Type.Optional(SharingRequest),
      tlp: Type.Optional(TlpSchema),
      audience: Type.Optional(AudienceSchema),
    },
    { additionalProperties: false },
  ),
  Type.Ref(StixObjectSchema),
]);
export type CreateObjectBody = Static<typeof CreateObjectBody>;

export const WrittenObjectSchema = Type.Object({
  outcome: Type.Union([Type.Literal('added'), Type.Literal('new-version'), Type.Literal('unchanged')]),
  object: Type.Ref(StixObjectSchema),
  sharing: Type.Ref(SharingSchema),
});

/** An object you may see, as connections, graphs and exports describe it. */
const SharedSummarySchema = Type.Object({
  shared: Type.Literal(true),
  id: Type.String(),
  type: Type.String(),
  title: Type.Union([Type.String(), Type.Null()], { description: 'A readable title: its name, else a value or excerpt; a sighting reads "Sighting of <indicator> by <organization> on <day>"' }),
  tlp: TlpSchema,
  owner: Type.String({ description: 'The owner organization (STIX identity id)' }),
  revoked: Type.Boolean(),
});

/** An object you may not see: only the id that the object referring to it holds. */
const HiddenRefSchema = Type.Object(
  { shared: Type.Literal(false), id: Type.String({ description: 'The id the referring object holds' }) },
  { description: 'Not shared with you: nothing about it beyond the id the referring object already holds' },
);

const RefSummary = Type.Union([SharedSummarySchema, HiddenRefSchema]);

export const ConnectionsQuery = Type.Object({ limit: PageLimit, cursor: PageCursor }, { additionalProperties: false });
export type ConnectionsQuery = Static<typeof ConnectionsQuery>;

export const ConnectionsSchema = Type.Object({
  refers_to: Type.Array(Type.Object({ via: Type.String({ description: 'The property holding the reference, e.g. object_refs, sighting_of_ref, target_ref' }), target: RefSummary }), {
    description: 'Everything the object refers to (all but created_by_ref and object_marking_refs), at most 500',
  }),
  refers_to_total: Type.Integer({ minimum: 0, description: 'How many references the object holds in all' }),
  referred_by: Type.Array(
    Type.Object({
      via: Type.Array(Type.String(), { description: 'The properties of the referring object that hold this id' }),
      object: SharedSummarySchema,
      relationship: Type.Union([
        Type.Object({
          type: Type.String({ description: 'relationship_type' }),
          direction: Type.Union([Type.Literal('out'), Type.Literal('in')], { description: 'out: this object is the source_ref; in: it is the target_ref' }),
          other: RefSummary,
        }),
        Type.Null(),
      ]),
    }),
    { description: 'The objects you may see that refer to this one (reports, notes, opinions, groupings, sightings, relationships), newest first' },
  ),
  next_cursor: Type.Union([Type.String(), Type.Null()], { description: 'Next page of referred_by' }),
});

export const GraphQuery = Type.Object(
  { hops: Type.Integer({ minimum: 1, maximum: 2, default: 2, description: 'How many steps out from the object (1 or 2)' }) },
  { additionalProperties: false },
);
export type GraphQuery = Static<typeof GraphQuery>;

export const GraphSchema = Type.Object({
  root: Type.String(),
  nodes: Type.Array(
    Type.Union([
      Type.Composite([SharedSummarySchema, Type.Object({ key: Type.String({ description: 'The node key edges use: the object id' }), hop: Type.Integer({ minimum: 0 }) })]),
      Type.Object(
        { shared: Type.Literal(false), key: Type.String({ description: 'hidden-N: no id, type, title or owner' }), hop: Type.Integer({ minimum: 0 }) },
        { description: 'An object referred to that is not shared with you' },
      ),
    ]),
  ),
  edges: Type.Array(Type.Object({ source: Type.String(), target: Type.String(), label: Type.String({ description: 'e.g. "refers to", "sighting of", "indicates"' }) })),
  truncated: Type.Boolean({ description: 'True when the graph was cut at 150 nodes or 50 referrers of one object' }),
});

export const SelectionExportBody = Type.Object(
  {
    ids: Type.Array(StixIdString(), { minItems: 1, maxItems: 1000, description: 'The selected objects; those you may not see are left out' }),
    format: Type.Union([Type.Literal('stix'), Type.Literal('csv')], { description: 'stix: a STIX 2.1 bundle; csv: one row per object (columns in docs/connections.md)' }),
  },
  { additionalProperties: false },
);
export type SelectionExportBody = Static<typeof SelectionExportBody>;

export const TitlesBody = Type.Object(
  { ids: Type.Array(StixIdString(), { minItems: 1, maxItems: 1000, description: 'Objects to title; those you may not see are left out' }) },
  { additionalProperties: false },
);
export type TitlesBody = Static<typeof TitlesBody>;

export const TitlesSchema = Type.Object({
  items: Type.Array(Type.Object({ id: Type.String(), title: Type.Union([Type.String(), Type.Null()]) }), {
    description: 'The readable title of each object you may see, in the order asked (a sighting: "Sighting of <indicator> by <organization> on <day>")',
  }),
});
