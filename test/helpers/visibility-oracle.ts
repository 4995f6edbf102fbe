import type { AudienceKey } from '../../src/domain/audience.ts';
import type { GroupId, OrgId, UserId } from '../../src/domain/ids.ts';
import type { Tlp } from '../../src/domain/tlp.ts';
import type { OrgKind } from '../../src/sharing/keys.ts';

/*
 * Tests only: the sharing rule re-stated from the TLP 2.0 definitions and DESIGN.md ("who sees what",
 * "each version is bounded by its own marking"), for the property tests to hold the store to. It
 * shares no code with the store's predicate, keysOf or src/domain/sharing-rule.ts.
 */

export type KeyKind = 'public' | 'community' | 'org' | 'state' | 'group' | 'user';

/** TLP 2.0 as DESIGN.md narrows it: who each level may be disclosed to. */
export const MAY_NAME: Record<Tlp, readonly KeyKind[]> = {
  clear: ['public', 'community', 'org', 'state', 'group', 'user'], // disclosure is not limited
  green: ['community', 'org', 'state', 'group', 'user'], // the community, never the public
  amber: ['org', 'state', 'group'], // named organizations (a state or a group is a set of them)
  'amber+strict': ['org'], // the named organization only
  red: ['user'], // named individual recipients only
};
export const TLPS: readonly Tlp[] = ['clear', 'green', 'amber', 'amber+strict', 'red'];
export const KINDS: readonly OrgKind[] = ['federal', 'state', 'territory', 'local', 'isac', 'private'];
export const FIPS = ['06', '48', '72'] as const;
export type Membership = 'none' | 'invited' | 'accepted' | 'declined';

export interface ModelOrg {
  readonly id: OrgId;
  readonly kind: OrgKind;
  readonly fips: string | null;
  readonly users: readonly UserId[];
}
export interface ModelGroup {
  readonly id: GroupId;
  readonly creator: number;
  readonly members: Membership[];
}
export interface ModelPeople {
  readonly orgs: readonly ModelOrg[];
  readonly groups: readonly ModelGroup[];
}
export type ModelReader = { readonly kind: 'public' } | { readonly kind: 'member'; readonly org: number; readonly user: UserId | null };

export const kindOf = (key: string): KeyKind => (key.includes(':') ? key.slice(0, key.indexOf(':')) : key) as KeyKind;

/** Whether one audience key names `reader`: public and community every member, a state its offices, a group its accepted members, a user the person. */
export function names(world: ModelPeople, reader: Extract<ModelReader, { kind: 'member' }>, key: AudienceKey): boolean {
  const me = world.orgs[reader.org];
  if (me === undefined) throw new Error('no such org');
  const value = key.slice(key.indexOf(':') + 1);
  switch (kindOf(key)) {
    case 'public':
    case 'community':
      return true;
    case 'org':
      return value === me.id;
    case 'state':
      return (me.kind === 'state' || me.kind === 'territory' || me.kind === 'local') && me.fips === value;
    case 'group':
      return world.groups.some((g) => g.id === value && g.members[reader.org] === 'accepted');
    case 'user':
      return reader.user !== null && value === reader.user;
  }
}

/** Whether `reader` may read something of `owner` marked `tlp` and shared with `audience`. */
export function reaches(world: ModelPeople, reader: ModelReader, owner: number, tlp: Tlp, audience: readonly AudienceKey[]): boolean {
  if (reader.kind === 'public') return tlp === 'clear' && audience.includes('public');
  if (reader.org === owner) return true; // an organization always sees what it owns
  return audience.some((key) => names(world, reader, key));
}

/**
 * Who an older version is shared with, when the object's newest audience is `current`: only the
 * keys its own TLP may name, and for RED only the people it named (`named`) itself.
 */
export function olderAudience(tlp: Tlp, named: readonly AudienceKey[], current: readonly AudienceKey[]): AudienceKey[] {
  return current.filter((key) => MAY_NAME[tlp].includes(kindOf(key)) && (tlp !== 'red' || named.includes(key)));
}

/** Picks keys the TLP allows, naming orgs, states, groups and people of the world. */
export function audienceFor(world: ModelPeople, tlp: Tlp, choices: readonly { kind: number; n: number }[]): AudienceKey[] {
  const allowed = MAY_NAME[tlp];
  const users = world.orgs.flatMap((o) => o.users);
  const keys = choices.map(({ kind, n }): AudienceKey => {
    const k = allowed[kind % allowed.length] ?? 'org';
    const group = world.groups[n % Math.max(1, world.groups.length)];
    switch (k) {
      case 'public':
      case 'community':
        return k;
      case 'org':
        return `org:${world.orgs[n % world.orgs.length]?.id ?? ''}`;
      case 'state':
        return `state:${FIPS[n % FIPS.length] ?? '06'}`;
      case 'group':
        return group === undefined ? `state:${FIPS[n % FIPS.length] ?? '06'}` : `group:${group.id}`;
      case 'user':
        return `user:${users[n % users.length] ?? ''}`;
    }
  });
  return [...new Set(keys)];
}

export function readersOf(world: ModelPeople): ModelReader[] {
  return [{ kind: 'public' }, ...world.orgs.flatMap((o, i): ModelReader[] => [{ kind: 'member', org: i, user: null }, ...o.users.map((u): ModelReader => ({ kind: 'member', org: i, user: u }))])];
}
