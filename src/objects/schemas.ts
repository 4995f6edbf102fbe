import { Type, type Static } from '@sinclair/typebox';
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
        description: 'The reference library (MITRE ATT&CK, DISARM) is left out unless asked for: include adds it, only lists nothing else',
      }),
    ),
    modified_from: Type.Optional(Timestamp('Only versions modified at or after')),
    modified_to: Type.Optional(Timestamp('Only versions modified at or before')),
    added_after: Type.Optional(Timestamp('Only objects added to this hub after')),
    order: Type.Optional(Type.Union([Type.Literal('asc'), Type.Literal('desc')], { description: 'asc (default): oldest added first; desc: newest first. Next pages keep the order of the first.' })),
    limit: PageLimit,
    cursor: PageCursor,
  },
  { additionalProperties: false },
);
export type ListObjectsQuery = Static<typeof ListObjectsQuery>;

export const ObjectListSchema = Type.Object({
  items: Type.Array(Type.Ref(StixObjectSchema)),
  next_cursor: Type.Union([Type.String(), Type.Null()]),
  total: Type.Integer({ minimum: 0, description: 'How many objects you may see match the query, over all pages' }),
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
