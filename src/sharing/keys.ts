import { assertNever } from '../domain/assert-never.ts';
import type { AudienceKey } from '../domain/audience.ts';
import type { GroupId, OrgId, UserId } from '../domain/ids.ts';
import { baseKeysOf, type OrgKind } from '../domain/organization.ts';
import type { SharingRepository } from '../store/sharing-store.ts';

export type { OrgKind } from '../domain/organization.ts';

/** The facts about an organization that sharing needs, from the accounts feature. */
export interface OrgInfo {
  readonly kind: OrgKind;
  /** The state or territory FIPS code of states, territories and local jurisdictions; null otherwise. */
  readonly stateFips: string | null;
}

/** Looks an organization up; null when there is no such organization. */
export type OrgInfoPort = (orgId: OrgId) => Promise<OrgInfo | null>;

/** The state key an organization reads with: states, territories and their local jurisdictions. */
export function stateKeyOf(info: OrgInfo | null): AudienceKey | null {
  if (info === null || info.stateFips === null) return null;
  switch (info.kind) {
    case 'state':
    case 'territory':
    case 'local':
      return `state:${info.stateFips}`;
    case 'federal':
    case 'isac':
    case 'private':
      return null;
    default:
      return assertNever(info.kind);
  }
}

/**
 * The audience keys a member reads with: public, community, its organization, the person,
 * its state (state and local offices), and each sharing group its organization has accepted.
 */
export async function keysOf(deps: { readonly repo: SharingRepository; readonly orgInfo: OrgInfoPort }, orgId: OrgId, userId: UserId | null): Promise<AudienceKey[]> {
  const [info, groups] = await Promise.all([deps.orgInfo(orgId), deps.repo.acceptedGroups(orgId)]);
  return keysFrom(orgId, info, userId, groups);
}

/** keysOf from what the caller has already read: the organization's kind and state (null when unknown) and its accepted groups. */
export function keysFrom(orgId: OrgId, info: OrgInfo | null, userId: UserId | null, groups: readonly GroupId[]): AudienceKey[] {
  // An organization the accounts feature does not know reads with no state; its own org key still holds.
  const keys = baseKeysOf({ id: orgId, kind: info?.kind ?? 'private', state_fips: info?.stateFips ?? null }, userId);
  for (const group of groups) keys.push(`group:${group}`);
  return keys;
}

/**
 * keysOf for many organizations whose kind and state the caller has already read (the alert matcher's
 * directory, once per pass), with person null: only their groups are read, all in one query.
 */
export async function keysOfKnown(deps: { readonly repo: SharingRepository }, orgs: readonly { readonly id: OrgId; readonly kind: OrgKind; readonly stateFips: string | null }[]): Promise<Map<OrgId, AudienceKey[]>> {
  const groups = await Promise.all(orgs.map((o) => deps.repo.acceptedGroups(o.id)));
  return new Map(orgs.map((o, i) => [o.id, keysFrom(o.id, o, null, groups[i] ?? [])]));
}

/** The OrgInfoPort over the accounts store's organizations. */
export function orgInfoFrom(accounts: { getOrganization(id: OrgId): Promise<{ readonly kind: OrgKind; readonly state_fips: string | null } | null> }): OrgInfoPort {
  return async (orgId) => {
    const org = await accounts.getOrganization(orgId);
    return org === null ? null : { kind: org.kind, stateFips: org.state_fips };
  };
}
