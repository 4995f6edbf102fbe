import type { AuditPort } from '../audit/audit-log.ts';
import type { GroupId, OrgId, UserId } from '../domain/ids.ts';
import { problem, type Problem } from '../domain/problem.ts';
import { err, ok, type Result } from '../domain/result.ts';
import type { GroupRecord, MembershipRecord, MembershipStatus, SharingRepository } from '../store/sharing-store.ts';
import type { OrgInfoPort } from './keys.ts';

export interface GroupsDeps {
  readonly repo: SharingRepository;
  readonly orgInfo: OrgInfoPort;
  readonly clock: { now(): Date };
  readonly newId: () => GroupId;
  readonly audit?: AuditPort;
}

export interface Actor {
  readonly orgId: OrgId;
  readonly userId: UserId | null;
}

export interface GroupView {
  readonly id: GroupId;
  readonly name: string;
  readonly created_by_org: OrgId;
  readonly created_at: string;
  /** The asking organization's own membership. */
  readonly status: MembershipStatus;
  /** Every organization in the group with its status; shown to accepted members only. */
  readonly members: readonly { readonly org_id: OrgId; readonly status: MembershipStatus }[] | null;
}

const MAX_NAME = 200;

function groupView(group: GroupRecord, own: MembershipRecord, members: readonly MembershipRecord[] | null): GroupView {
  return {
    id: group.id,
    name: group.name,
    created_by_org: group.createdByOrg,
    created_at: group.createdAt,
    status: own.status,
    members: members === null ? null : members.map((m) => ({ org_id: m.orgId, status: m.status })),
  };
}

const notFound = (id: string): Problem => problem('not-found', 'group-not-found', `No sharing group ${id} that your organization belongs to or is invited to`);

/** Creates a group (the caller's org-admin rights are checked by the route) with its organization as first member. */
export async function createGroup(deps: GroupsDeps, actor: Actor, name: string): Promise<Result<GroupView, Problem>> {
  const trimmed = name.trim();
  if (trimmed === '' || trimmed.length > MAX_NAME) return err(problem('invalid', 'invalid-group-name', `A group name must have 1 to ${MAX_NAME} characters`));
  const group: GroupRecord = { id: deps.newId(), name: trimmed, createdByOrg: actor.orgId, createdAt: deps.clock.now().toISOString() };
  await deps.repo.createGroup(group);
  await deps.audit?.record({ actorOrg: actor.orgId, actorUser: actor.userId, action: 'group-created', details: { group: group.id, name: trimmed } });
  const own = await deps.repo.membership(group.id, actor.orgId);
  if (own === null) throw new Error('a new group has no membership for its creator');
  return ok(groupView(group, own, [own]));
}

/** The groups the organization belongs to or is invited to. */
export async function listGroups(deps: GroupsDeps, orgId: OrgId): Promise<readonly GroupView[]> {
  const rows = await deps.repo.groupsOf(orgId);
  const out: GroupView[] = [];
  for (const { group, membership } of rows) {
    if (membership.status === 'declined') continue;
    out.push(groupView(group, membership, membership.status === 'accepted' ? await deps.repo.members(group.id) : null));
  }
  return out;
}

/** Invites an organization; only the organization that created the group invites. */
export async function invite(deps: GroupsDeps, actor: Actor, groupId: GroupId, orgId: OrgId): Promise<Result<GroupView, Problem>> {
  const group = await deps.repo.group(groupId);
  const own = group === null ? null : await deps.repo.membership(groupId, actor.orgId);
  if (group === null || own === null || own.status !== 'accepted') return err(notFound(groupId));
  if (group.createdByOrg !== actor.orgId) {
    return err(problem('forbidden', 'not-group-owner', `Only ${group.createdByOrg}, which created group ${groupId}, may invite organizations to it`));
  }
  if ((await deps.orgInfo(orgId)) === null) return err(problem('not-found', 'org-not-found', `No organization ${orgId}; check the id`));
  const existing = await deps.repo.membership(groupId, orgId);
  if (existing?.status === 'accepted') return err(problem('conflict', 'already-member', `${orgId} is already a member of group ${groupId}`));
  if (existing?.status === 'invited') return err(problem('conflict', 'already-invited', `${orgId} is already invited to group ${groupId}; its administrator must accept or decline`));
  await deps.repo.invite(groupId, orgId, actor.orgId, deps.clock.now().toISOString());
  await deps.audit?.record({ actorOrg: actor.orgId, actorUser: actor.userId, action: 'group-invited', subjectOrg: orgId, details: { group: groupId, org: orgId } });
  return ok(groupView(group, own, await deps.repo.members(groupId)));
}

/** The invited organization accepts (it then reads with group:<id>) or declines. */
export async function answer(deps: GroupsDeps, actor: Actor, groupId: GroupId, answer: 'accepted' | 'declined'): Promise<Result<GroupView, Problem>> {
  const group = await deps.repo.group(groupId);
  if (group === null) return err(notFound(groupId));
  const done = await deps.repo.answer(groupId, actor.orgId, answer, deps.clock.now().toISOString());
  if (!done) return err(problem('not-found', 'no-invitation', `Your organization has no pending invitation to group ${groupId}`));
  await deps.audit?.record({
    actorOrg: actor.orgId,
    actorUser: actor.userId,
    action: answer === 'accepted' ? 'group-accepted' : 'group-declined',
    subjectOrg: group.createdByOrg,
    details: { group: groupId },
  });
  const own = await deps.repo.membership(groupId, actor.orgId);
  if (own === null) throw new Error('an answered invitation has no membership row');
  return ok(groupView(group, own, answer === 'accepted' ? await deps.repo.members(groupId) : null));
}

/** An accepted member leaves; its people stop reading with group:<id> at once. The creator stays. */
export async function leave(deps: GroupsDeps, actor: Actor, groupId: GroupId): Promise<Result<{ readonly left: GroupId }, Problem>> {
  const group = await deps.repo.group(groupId);
  const own = group === null ? null : await deps.repo.membership(groupId, actor.orgId);
  if (group === null || own?.status !== 'accepted') return err(notFound(groupId));
  if (group.createdByOrg === actor.orgId) return err(problem('conflict', 'creator-cannot-leave', `Your organization created group ${groupId} and looks after it; remove the other members instead of leaving`));
  await deps.repo.removeMember(groupId, actor.orgId);
  await deps.audit?.record({ actorOrg: actor.orgId, actorUser: actor.userId, action: 'group-left', subjectOrg: group.createdByOrg, details: { group: groupId } });
  return ok({ left: groupId });
}

/** The creator removes a member or withdraws an invitation; the removed organization loses group:<id> at once. */
export async function removeMember(deps: GroupsDeps, actor: Actor, groupId: GroupId, orgId: OrgId): Promise<Result<GroupView, Problem>> {
  const group = await deps.repo.group(groupId);
  const own = group === null ? null : await deps.repo.membership(groupId, actor.orgId);
  if (group === null || own?.status !== 'accepted') return err(notFound(groupId));
  if (group.createdByOrg !== actor.orgId) return err(problem('forbidden', 'not-group-owner', `Only ${group.createdByOrg}, which created group ${groupId}, may remove its members`));
  if (orgId === actor.orgId) return err(problem('conflict', 'creator-cannot-leave', `Your organization created group ${groupId}; it cannot remove itself`));
  if (!(await deps.repo.removeMember(groupId, orgId))) return err(problem('not-found', 'not-a-member', `${orgId} is neither a member of group ${groupId} nor invited to it`));
  await deps.audit?.record({ actorOrg: actor.orgId, actorUser: actor.userId, action: 'group-member-removed', subjectOrg: orgId, details: { group: groupId, org: orgId } });
  return ok(groupView(group, own, await deps.repo.members(groupId)));
}
