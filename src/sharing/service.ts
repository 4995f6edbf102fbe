import type { AuditPort } from '../audit/audit-log.ts';
import type { AudienceKey } from '../domain/audience.ts';
import { type GroupId, type OrgId, type StixId, type UserId, newGroupId } from '../domain/ids.ts';
import type { Problem } from '../domain/problem.ts';
import type { Result } from '../domain/result.ts';
import type { Tlp } from '../domain/tlp.ts';
import type { Database } from '../store/db.ts';
import { sharingRepository, type SharingRepository } from '../store/sharing-store.ts';
import type { Reader, Sharing, StixStore } from '../store/types.ts';
import { sightingAggregate, type SightingAggregate } from './aggregates.ts';
import { decide, effectiveDefaults, setDefaults, type DefaultView } from './decide.ts';
import { answer, createGroup, invite, leave, listGroups, removeMember, type Actor, type GroupView } from './groups.ts';
import { keysOf, keysOfKnown, type OrgInfoPort, type OrgKind } from './keys.ts';
import { reshare, type ReshareEvent, type ReshareRequest } from './reshare.ts';

export interface SharingServiceDeps {
  /** The store's STIX objects and its database (the sharing tables live beside them). */
  readonly store: { readonly stix: StixStore; readonly database: Database<unknown> };
  readonly orgInfo: OrgInfoPort;
  readonly clock?: { now(): Date };
  readonly newId?: () => GroupId;
  readonly audit?: AuditPort;
  /** Told after every re-share, so live feeds can drop or add the object for their subscribers. */
  readonly onReshare?: (event: ReshareEvent) => void | Promise<void>;
}

export interface SharingService {
  /** The SharingPort of port.ts. */
  decide(owner: OrgId, tlp: Tlp, audience: readonly AudienceKey[] | undefined): Promise<Result<Sharing, Problem>>;
  /** The audience keys a member reads with; the auth service builds principals with it. */
  keysOf(orgId: OrgId, userId: UserId | null): Promise<AudienceKey[]>;
  /** keysOf(id, null) of organizations whose kind and state are already known, in one query. */
  keysOfKnown(orgs: readonly { readonly id: OrgId; readonly kind: OrgKind; readonly stateFips: string | null }[]): Promise<Map<OrgId, AudienceKey[]>>;
  defaults(orgId: OrgId): Promise<readonly DefaultView[]>;
  /** An org-admin changes the defaults of their own organization (the route checks the role). */
  setDefaults(actor: Actor, changes: ReadonlyMap<Tlp, readonly AudienceKey[] | null>): Promise<Result<readonly DefaultView[], Problem>>;
  reshare(actor: Actor, reader: Reader, id: StixId, request: ReshareRequest): Promise<Result<{ readonly sharing: Sharing; readonly changed: boolean }, Problem>>;
  createGroup(actor: Actor, name: string): Promise<Result<GroupView, Problem>>;
  listGroups(orgId: OrgId): Promise<readonly GroupView[]>;
  invite(actor: Actor, groupId: GroupId, orgId: OrgId): Promise<Result<GroupView, Problem>>;
  answer(actor: Actor, groupId: GroupId, answer: 'accepted' | 'declined'): Promise<Result<GroupView, Problem>>;
  leave(actor: Actor, groupId: GroupId): Promise<Result<{ readonly left: GroupId }, Problem>>;
  removeMember(actor: Actor, groupId: GroupId, orgId: OrgId): Promise<Result<GroupView, Problem>>;
  sightingAggregate(reader: Reader, indicator: StixId): Promise<Result<SightingAggregate, Problem>>;
  /** An org-wide choice to let (or not let, or null: default) its sightings be counted. */
  setOrgCounting(orgId: OrgId, allow: boolean | null): Promise<void>;
}

export function createSharingService(deps: SharingServiceDeps): SharingService {
  const repo: SharingRepository = sharingRepository(deps.store.database);
  const clock = deps.clock ?? { now: () => new Date() };
  const base = { repo, orgInfo: deps.orgInfo };
  const groupDeps = { ...base, clock, newId: deps.newId ?? newGroupId, ...(deps.audit === undefined ? {} : { audit: deps.audit }) };
  const reshareDeps = {
    ...base,
    stix: deps.store.stix,
    clock,
    setObjectCounting: (id: StixId, owner: OrgId, allow: boolean | null) => repo.setObjectCounting(id, owner, allow),
    ...(deps.audit === undefined ? {} : { audit: deps.audit }),
    ...(deps.onReshare === undefined ? {} : { onReshare: deps.onReshare }),
  };
  return {
    decide: (owner, tlp, audience) => decide(base, owner, tlp, audience),
    keysOf: (orgId, userId) => keysOf(base, orgId, userId),
    keysOfKnown: (orgs) => keysOfKnown(base, orgs),
    defaults: (orgId) => effectiveDefaults(base, orgId),
    async setDefaults(actor, changes) {
      const result = await setDefaults(base, actor.orgId, changes, clock.now().toISOString());
      if (result.ok) {
        const details = Object.fromEntries([...changes].map(([tlp, audience]) => [tlp, audience]));
        await deps.audit?.record({ actorOrg: actor.orgId, actorUser: actor.userId, action: 'defaults-changed', details });
      }
      return result;
    },
    reshare: (actor, reader, id, request) => reshare(reshareDeps, actor, reader, id, request),
    createGroup: (actor, name) => createGroup(groupDeps, actor, name),
    listGroups: (orgId) => listGroups(groupDeps, orgId),
    invite: (actor, groupId, orgId) => invite(groupDeps, actor, groupId, orgId),
    answer: (actor, groupId, reply) => answer(groupDeps, actor, groupId, reply),
    leave: (actor, groupId) => leave(groupDeps, actor, groupId),
    removeMember: (actor, groupId, orgId) => removeMember(groupDeps, actor, groupId, orgId),
    sightingAggregate: (reader, indicator) => sightingAggregate({ ...base, stix: deps.store.stix }, reader, indicator),
    setOrgCounting: (orgId, allow) => repo.setOrgCounting(orgId, allow),
  };
}
