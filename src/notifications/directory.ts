import type { AudienceKey } from '../domain/audience.ts';
import type { OrgId, UserId } from '../domain/ids.ts';
import type { OrgKind } from '../domain/organization.ts';
import type { Reader } from '../store/types.ts';

/** A person who can be told of something: active, with an email address. */
export interface Person {
  readonly id: UserId;
  readonly orgId: OrgId;
  readonly email: string;
  readonly name: string;
  readonly role: string;
}

export interface OrgFacts {
  readonly id: OrgId;
  readonly kind: OrgKind;
  readonly stateFips: string | null;
  readonly name: string;
}

/** Who there is to tell, from the accounts feature; built by the hub. */
export interface Directory {
  /** Every person who is not disabled. */
  people(): Promise<readonly Person[]>;
  /** One person, or null when unknown or disabled. */
  person(id: UserId): Promise<Person | null>;
  organizations(): Promise<readonly OrgFacts[]>;
  organization(id: OrgId): Promise<OrgFacts | null>;
}

/** The audience keys a member reads with (the sharing service's keysOf). */
export type KeysOf = (orgId: OrgId, userId: UserId | null) => Promise<readonly AudienceKey[]>;

/** The store reader of a person, or of an organization as a whole (its webhooks), with the keys they read with now. */
export async function readerOf(keysOf: KeysOf, orgId: OrgId, userId: UserId | null): Promise<Reader> {
  return { kind: 'member', orgId, userId, keys: await keysOf(orgId, userId) };
}
