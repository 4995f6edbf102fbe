import fc from 'fast-check';
import type { GroupId, OrgId, UserId } from '../../src/domain/ids.ts';
import type { OrgInfo } from '../../src/sharing/keys.ts';
import { createSharingService, type SharingService } from '../../src/sharing/service.ts';
import type { RampartStore } from '../../src/store/index.ts';
import type { Reader } from '../../src/store/types.ts';
import { FIPS, KINDS, type Membership, type ModelOrg, type ModelPeople, type ModelReader } from './visibility-oracle.ts';

/*
 * The people of the visibility property tests (test/visibility-property.test.ts and
 * test/version-visibility-property.test.ts): random organizations, their people and sharing groups,
 * built in a real store through the sharing service. What the rule says of them is the oracle's
 * (visibility-oracle.ts), which shares no code with this.
 */

/** One audience key to pick: its kind (public … user) and which one of that kind. */
export const keyChoice = fc.record({ kind: fc.integer({ min: 0, max: 5 }), n: fc.nat(50) });

/** The organizations and groups of a generated world, to spread into its fc.record: up to `orgs` organizations, up to `groups` groups whose members answer with one of `answers`. */
export function peopleArbs(options: { readonly orgs: number; readonly groups: number; readonly answers: readonly Membership[] }) {
  return {
    orgs: fc.array(fc.record({ kind: fc.constantFrom(...KINDS), fips: fc.constantFrom(...FIPS), users: fc.integer({ min: 1, max: 2 }) }), { minLength: 3, maxLength: options.orgs }),
    groups: fc.array(fc.record({ creator: fc.nat(20), members: fc.array(fc.constantFrom(...options.answers), { minLength: options.orgs, maxLength: options.orgs }) }), { maxLength: options.groups }),
  };
}

export interface PeopleSpec {
  readonly orgs: readonly { readonly kind: ModelOrg['kind']; readonly fips: string; readonly users: number }[];
  readonly groups: readonly { readonly creator: number; readonly members: readonly Membership[] }[];
}

export const uuid = (prefix: string, n: number) => `${prefix}-0000-4000-8000-${n.toString(16).padStart(12, '0')}`;
/** Organization ids follow their index, so a test can name an organization without the world. */
export const orgIdOf = (i: number) => `identity--${uuid('0000000a', i + 1)}` as OrgId;

/** The model's organizations (a state, territory or local office in its state), people and groups (the creator always a member). */
export function buildPeople(spec: PeopleSpec): ModelPeople {
  let userN = 0;
  const orgs: ModelOrg[] = spec.orgs.map((o, i) => ({
    id: orgIdOf(i),
    kind: o.kind,
    fips: o.kind === 'state' || o.kind === 'territory' || o.kind === 'local' ? o.fips : null,
    users: Array.from({ length: o.users }, () => uuid('0000000b', ++userN) as UserId),
  }));
  const groups = spec.groups.map((g, i) => {
    const creator = g.creator % orgs.length;
    return { id: uuid('0000000c', i + 1) as GroupId, creator, members: orgs.map((_, j): Membership => (j === creator ? 'accepted' : (g.members[j] ?? 'none'))) };
  });
  return { orgs, groups };
}

/** The sharing service over `store` for these people, with their groups created, invitations sent and answered as the model says. */
export async function sharingFor(store: RampartStore, people: ModelPeople): Promise<{ readonly service: SharingService; readonly actor: (org: number) => { orgId: OrgId; userId: null } }> {
  const info = new Map<string, OrgInfo>(people.orgs.map((o) => [o.id, { kind: o.kind, stateFips: o.fips }]));
  const groupIds = people.groups.map((g) => g.id);
  let nextGroup = 0;
  const service = createSharingService({ store, orgInfo: (id) => Promise.resolve(info.get(id) ?? null), newId: () => groupIds[nextGroup++] ?? ('unused' as GroupId) });
  const actor = (i: number) => ({ orgId: people.orgs[i]?.id ?? ('' as OrgId), userId: null });
  for (const g of people.groups) {
    const made = await service.createGroup(actor(g.creator), `group ${g.id}`);
    if (!made.ok || made.value.id !== g.id) throw new Error('group creation failed');
    for (const [j, m] of g.members.entries()) {
      if (m === 'none' || j === g.creator) continue;
      const invited = await service.invite(actor(g.creator), g.id, people.orgs[j]?.id ?? ('' as OrgId));
      if (!invited.ok) throw new Error(invited.error.message);
      if (m !== 'invited') await service.answer(actor(j), g.id, m === 'accepted' ? 'accepted' : 'declined');
    }
  }
  return { service, actor };
}

/** The store's reader for a model reader, its keys from the sharing service. */
export async function readerFor(service: SharingService, people: ModelPeople, r: ModelReader): Promise<Reader> {
  if (r.kind === 'public') return { kind: 'public' };
  const org = people.orgs[r.org]?.id ?? ('' as OrgId);
  return { kind: 'member', orgId: org, userId: r.user, keys: await service.keysOf(org, r.user) };
}

/** A model reader in an assertion's message. */
export const describeReader = (people: ModelPeople, r: ModelReader) => (r.kind === 'public' ? 'public' : `${people.orgs[r.org]?.kind ?? '?'} org ${r.org} user ${r.user ?? '-'}`);
