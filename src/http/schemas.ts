import { STATUS_CODES } from 'node:http';
import { Type, type Static } from '@sinclair/typebox';
import { TLP_LEVELS } from '../domain/tlp.ts';

/** The schemas of the REST API: Fastify validates with them, OpenAPI is generated from them, types come from Static<>. */

const UTC_TIMESTAMP = '^\\d{4}-\\d{2}-\\d{2}T\\d{2}:\\d{2}:\\d{2}(\\.\\d{1,9})?Z$';
const STIX_ID = '^[a-z0-9][a-z0-9-]*--[0-9a-fA-F]{8}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{12}$';
const AUDIENCE_KEY = '^(public|community|org:identity--[0-9a-f-]{36}|state:\\d{2}|group:[0-9a-f-]{36}|user:[0-9a-f-]{36})$';

const Timestamp = (description: string) => Type.String({ pattern: UTC_TIMESTAMP, description: `${description} (RFC 3339, UTC, ending in Z)`, examples: ['2024-11-05T13:00:00Z'] });

export const ProblemSchema = Type.Object(
  {
    type: Type.String({ description: 'urn:rampart:problem:<code>' }),
    title: Type.String(),
    status: Type.Integer(),
    detail: Type.String({ description: 'What was wrong and what to do' }),
    code: Type.String({ description: 'Stable machine code' }),
    errors: Type.Optional(
      Type.Array(Type.Object({ id: Type.Optional(Type.String()), path: Type.Optional(Type.String()), code: Type.String(), message: Type.String() })),
    ),
  },
  { $id: 'Problem', description: 'RFC 9457 problem details' },
);

export const StixObjectSchema = Type.Object(
  { type: Type.String(), id: Type.String({ pattern: STIX_ID }) },
  { $id: 'StixObject', additionalProperties: true, description: 'A STIX 2.1 object, exactly as stored' },
);

export const TlpSchema = Type.Union(
  TLP_LEVELS.map((level) => Type.Literal(level)),
  { description: 'TLP 2.0 level' },
);
export const AudienceSchema = Type.Array(Type.String({ pattern: AUDIENCE_KEY }), {
  maxItems: 200,
  uniqueItems: true,
  description: 'Audience keys: public, community, org:<identity id>, state:<FIPS>, group:<uuid>, user:<uuid>',
});

export const SharingSchema = Type.Object(
  { owner: Type.String(), tlp: TlpSchema, audience: Type.Array(Type.String()) },
  { $id: 'Sharing' },
);

/** How many items a page holds, and where the next one starts: the same on every cursor-paged list. */
const PageLimit = Type.Integer({ minimum: 1, maximum: 1000, default: 100 });
const PageCursor = Type.Optional(Type.String({ minLength: 1, maxLength: 1000, description: 'next_cursor of the previous page' }));

export const ListObjectsQuery = Type.Object(
  {
    type: Type.Optional(Type.String({ pattern: '^[a-z0-9-]+(,[a-z0-9-]+)*$', description: 'STIX types, comma-separated' })),
    exclude_type: Type.Optional(Type.String({ pattern: '^[a-z0-9-]+(,[a-z0-9-]+)*$', description: 'STIX types to leave out, comma-separated (e.g. relationship)' })),
    q: Type.Optional(Type.String({ minLength: 1, maxLength: 200, description: 'Text to find in name or description (case-insensitive)' })),
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

export const ObjectListSchema = Type.Object({ items: Type.Array(Type.Ref(StixObjectSchema)), next_cursor: Type.Union([Type.String(), Type.Null()]) });

export const ObjectIdParams = Type.Object({ id: Type.String({ pattern: STIX_ID, description: 'STIX id' }) });
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

export const SignInBody = Type.Object(
  {
    email: Type.String({ minLength: 3, maxLength: 254 }),
    password: Type.String({ minLength: 1, maxLength: 1024 }),
    totp: Type.Optional(Type.String({ pattern: '^[0-9]{6}$', description: 'The 6-digit code of an authenticator app, when the account has one' })),
  },
  { additionalProperties: false },
);
export type SignInBody = Static<typeof SignInBody>;

export const MeSchema = Type.Object({
  via: Type.Union([Type.Literal('session'), Type.Literal('api-key')]),
  scope: Type.Union([Type.Literal('read'), Type.Literal('write')]),
  org_id: Type.String(),
  user_id: Type.Union([Type.String(), Type.Null()]),
  keys: Type.Array(Type.String()),
  user: Type.Optional(Type.Object({ id: Type.String(), email: Type.String(), name: Type.String() })),
  org: Type.Optional(Type.Object({ id: Type.String(), name: Type.String(), state_fips: Type.Union([Type.String(), Type.Null()]) })),
  groups: Type.Optional(Type.Array(Type.Object({ id: Type.String(), name: Type.String() }))),
  csrf_token: Type.Optional(Type.String({ description: `Send as X-CSRF-Token on cookie-authenticated writes` })),
  expires_at: Type.Optional(Type.String()),
});

/** Shared by every route's error responses in the OpenAPI document. */
export const problemResponses = (...statuses: number[]) =>
  Object.fromEntries(
    statuses.map((s) => [s, { description: `${STATUS_CODES[s] ?? 'Error'} (problem+json)`, content: { 'application/problem+json': { schema: Type.Ref(ProblemSchema) } } }]),
  );
