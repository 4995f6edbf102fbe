import { randomUUID } from 'node:crypto';
import type { AudienceKey } from './audience.ts';
import { err, ok, type Result } from './result.ts';

declare const brand: unique symbol;
/** A nominal type: a `T` that only a parser in this project can make. */
export type Brand<T, B extends string> = T & { readonly [brand]: B };

/** A STIX 2.1 identifier: `<type>--<uuid>`. */
export type StixId = Brand<string, 'StixId'>;
/** An organization's id: the STIX id of its `identity` object. */
export type OrgId = Brand<string, 'OrgId'>;
export type UserId = Brand<string, 'UserId'>;
export type GroupId = Brand<string, 'GroupId'>;
export type CollectionId = Brand<string, 'CollectionId'>;

// Lazy `*?`: the same ids, without backtracking from the end of the UUID.
const STIX_ID = /^([a-z0-9][a-z0-9-]*?[a-z0-9]|[a-z0-9])--[0-9a-fA-F]{8}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{12}$/;
const UUID = /^[0-9a-fA-F]{8}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{12}$/;

export interface IdError {
  readonly code: 'invalid-id';
  readonly message: string;
}

export function parseStixId(value: string): Result<StixId, IdError> {
  return STIX_ID.test(value)
    ? ok(value as StixId)
    : err({ code: 'invalid-id', message: `"${value}" is not a STIX identifier; expected <type>--<uuid>` });
}

/** The type part of a STIX id, e.g. `indicator` for `indicator--…`. */
export function stixIdType(id: StixId): string {
  return id.slice(0, id.indexOf('--'));
}

export function parseOrgId(value: string): Result<OrgId, IdError> {
  return /^identity--/.test(value) && STIX_ID.test(value)
    ? ok(value as OrgId)
    : err({ code: 'invalid-id', message: `"${value}" is not an organization id; expected identity--<uuid>` });
}

function uuidParser<T>(label: string) {
  return (value: string): Result<T, IdError> =>
    UUID.test(value) ? ok(value as T) : err({ code: 'invalid-id', message: `"${value}" is not a ${label} id; expected a UUID` });
}

export const parseUserId = uuidParser<UserId>('user');
export const parseGroupId = uuidParser<GroupId>('group');
export const parseCollectionId = uuidParser<CollectionId>('collection');

/** The id of an organization whose identity object has this UUID (a random or a derived one). */
export function orgIdOfUuid(uuid: string): OrgId {
  return `identity--${uuid}` as OrgId;
}

/** A STIX id of this type and UUID. */
export function stixIdOf(type: string, uuid: string): StixId {
  return `${type}--${uuid}` as StixId;
}

/** Fresh ids for new rows: random UUIDs. */
export const newUserId = (): UserId => randomUUID() as UserId;
export const newGroupId = (): GroupId => randomUUID() as GroupId;
export const newCollectionId = (): CollectionId => randomUUID() as CollectionId;
/** A collection id derived from a UUID computed elsewhere (e.g. a name-based one). */
export const collectionIdOfUuid = (uuid: string): CollectionId => uuid as CollectionId;

/** The organization an `org:` audience key names (its parser checked the id), or null for another kind of key. */
export function orgIdOfKey(key: AudienceKey): OrgId | null {
  return key.startsWith('org:') ? (key.slice(4) as OrgId) : null;
}

/** The group a `group:` audience key names, or null for another kind of key. */
export function groupIdOfKey(key: AudienceKey): GroupId | null {
  return key.startsWith('group:') ? (key.slice(6) as GroupId) : null;
}

/** An organization's id is the STIX id of its identity object. */
export function stixIdOfOrg(id: OrgId): StixId {
  return id as string as StixId;
}
