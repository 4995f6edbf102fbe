import { Type, type StringOptions } from '@sinclair/typebox';
import type { CollectionId, GroupId, OrgId, StixId, UserId } from './ids.ts';
import { TLP_LEVELS } from './tlp.ts';

/** TypeBox schemas of the core values (ids, timestamps, TLP, audience, sharing, pages) that every feature's API schemas build on. */

export const UTC_TIMESTAMP = '^\\d{4}-\\d{2}-\\d{2}T\\d{2}:\\d{2}:\\d{2}(\\.\\d{1,9})?Z$';
export const STIX_ID = '^[a-z0-9][a-z0-9-]*--[0-9a-fA-F]{8}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{12}$';
export const AUDIENCE_KEY = '^(public|community|org:identity--[0-9a-f-]{36}|state:\\d{2}|group:[0-9a-f-]{36}|user:[0-9a-f-]{36})$';

export const Timestamp = (description: string) => Type.String({ pattern: UTC_TIMESTAMP, description: `${description} (RFC 3339, UTC, ending in Z)`, examples: ['2024-11-05T13:00:00Z'] });

export const StixObjectSchema = Type.Object(
  { type: Type.String(), id: Type.String({ pattern: STIX_ID }) },
  { $id: 'StixObject', additionalProperties: true, description: 'A STIX 2.1 object, exactly as stored' },
);

/** A STIX object as JSON: its type and id, and whatever else it holds. */
export type StixObjectJson = Readonly<Record<string, unknown>> & { readonly type: string; readonly id: string };

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
export const PageLimit = Type.Integer({ minimum: 1, maximum: 1000, default: 100 });
export const PageCursor = Type.Optional(Type.String({ minLength: 1, maxLength: 1000, description: 'next_cursor of the previous page' }));

export const UUID = '^[0-9a-fA-F]{8}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{12}$';
export const ORG_ID = '^identity--[0-9a-fA-F]{8}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{12}$';

/**
 * Branded id schemas: the route schema is the parser, so a validated request carries StixId, OrgId…
 * (their patterns are those of src/domain/ids.ts) and no handler asserts a brand.
 */
export const StixIdString = (options: StringOptions = {}) => Type.Unsafe<StixId>(Type.String({ ...options, pattern: STIX_ID }));
export const OrgIdString = (options: StringOptions = {}) => Type.Unsafe<OrgId>(Type.String({ ...options, pattern: ORG_ID }));
export const UserIdString = (options: StringOptions = {}) => Type.Unsafe<UserId>(Type.String({ ...options, pattern: UUID }));
export const GroupIdString = (options: StringOptions = {}) => Type.Unsafe<GroupId>(Type.String({ ...options, pattern: UUID }));
export const CollectionIdString = (options: StringOptions = {}) => Type.Unsafe<CollectionId>(Type.String({ ...options, pattern: UUID }));
