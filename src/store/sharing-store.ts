import { batchedLookup } from './batched.ts';
import type { Kysely } from 'kysely';
import { parseAudienceKey, type AudienceKey } from '../domain/audience.ts';
import type { GroupId, OrgId, StixId } from '../domain/ids.ts';
import { parseTlp, type Tlp } from '../domain/tlp.ts';
import type { Database } from './db.ts';

// A type alias, not an interface: Kysely.withTables needs an index-signature-compatible shape.
/** The tables of migration 0003-sharing. */
export type SharingTables = {
  sharing_default: { org_id: string; tlp: string; audience: string; updated_at: string };
  sharing_group: { id: string; name: string; created_by_org: string; created_at: string };
  sharing_group_member: { group_id: string; org_id: string; status: string; invited_by_org: string; invited_at: string; answered_at: string | null };
  sharing_counting_org: { org_id: string; allow_counting: number };
  sharing_counting_record: { object_id: string; org_id: string; allow_counting: number };
};

export type MembershipStatus = 'invited' | 'accepted' | 'declined';

export interface GroupRecord {
  readonly id: GroupId;
  readonly name: string;
  readonly createdByOrg: OrgId;
  readonly createdAt: string;
}

export interface MembershipRecord {
  readonly groupId: GroupId;
  readonly orgId: OrgId;
  readonly status: MembershipStatus;
  readonly invitedByOrg: OrgId;
  readonly invitedAt: string;
  readonly answeredAt: string | null;
}

/** The key of one owner's record of an id in what countingOfObjects returns. */
export const countingKey = (id: string, owner: string): string => `${id} ${owner}`;

/** SQL of the sharing feature: defaults, groups and memberships, counting permissions. */
export interface SharingRepository {
  defaults(orgId: OrgId): Promise<ReadonlyMap<Tlp, readonly AudienceKey[]>>;
  /** Sets (audience) or clears (null) an org's default per TLP, all in one transaction. */
  setDefaults(orgId: OrgId, changes: ReadonlyMap<Tlp, readonly AudienceKey[] | null>, at: string): Promise<void>;
  /** Creates a group with its creator as an accepted member. */
  createGroup(group: GroupRecord): Promise<void>;
  group(id: GroupId): Promise<GroupRecord | null>;
  members(id: GroupId): Promise<readonly MembershipRecord[]>;
  membership(id: GroupId, orgId: OrgId): Promise<MembershipRecord | null>;
  /** The groups an organization belongs to or is invited to, with its own membership. */
  groupsOf(orgId: OrgId): Promise<readonly { readonly group: GroupRecord; readonly membership: MembershipRecord }[]>;
  /** Invites an org (again, after a decline); leaves an accepted membership as it is. */
  invite(id: GroupId, orgId: OrgId, invitedBy: OrgId, at: string): Promise<void>;
  /** Records the invited org's answer; false when there was no pending invitation. */
  answer(id: GroupId, orgId: OrgId, status: 'accepted' | 'declined', at: string): Promise<boolean>;
  acceptedGroups(orgId: OrgId): Promise<readonly GroupId[]>;
  /** Ends an organization's membership or invitation; false when it had neither. */
  removeMember(id: GroupId, orgId: OrgId): Promise<boolean>;
  countingOfOrgs(orgIds: readonly OrgId[]): Promise<ReadonlyMap<OrgId, boolean>>;
  /** The counting choices owners made for their records of `ids`, by countingKey(id, owner). */
  countingOfObjects(ids: readonly StixId[]): Promise<ReadonlyMap<string, boolean>>;
  setOrgCounting(orgId: OrgId, allow: boolean | null): Promise<void>;
  /** The owner's choice for its own record of `id` (migration 0017); null returns it to the default. */
  setObjectCounting(id: StixId, owner: OrgId, allow: boolean | null): Promise<void>;
}

function parseAudienceJson(text: string): readonly AudienceKey[] {
  const value: unknown = JSON.parse(text);
  if (!Array.isArray(value)) throw new Error(`sharing_default.audience is not a JSON array: ${text}`);
  return value.map((item) => {
    const parsed = parseAudienceKey(String(item));
    if (!parsed.ok) throw new Error(`sharing_default.audience holds a bad key: ${parsed.error.message}`);
    return parsed.value;
  });
}

function status(value: string): MembershipStatus {
  if (value === 'invited' || value === 'accepted' || value === 'declined') return value;
  throw new Error(`sharing_group_member.status holds "${value}"`);
}

type GroupRow = SharingTables['sharing_group'];
type MemberRow = SharingTables['sharing_group_member'];

const groupOf = (r: GroupRow): GroupRecord => ({ id: r.id as GroupId, name: r.name, createdByOrg: r.created_by_org as OrgId, createdAt: r.created_at });
const memberOf = (r: MemberRow): MembershipRecord => ({
  groupId: r.group_id as GroupId,
  orgId: r.org_id as OrgId,
  status: status(r.status),
  invitedByOrg: r.invited_by_org as OrgId,
  invitedAt: r.invited_at,
  answeredAt: r.answered_at,
});

// Large IN lists are split so neither SQLite's nor PostgreSQL's parameter limit is reached.
const CHUNK = 500;
function chunks<T>(items: readonly T[]): T[][] {
  const out: T[][] = [];
  for (let i = 0; i < items.length; i += CHUNK) out.push(items.slice(i, i + CHUNK));
  return out;
}

export function sharingRepository(database: Database<unknown>): SharingRepository {
  const db: Kysely<SharingTables> = database.db.withTables<SharingTables>();
  // Part of every reader's keys, read again before each live feed's round: lookups of one turn share a query.
  const acceptedGroupsOf = batchedLookup(async (orgIds: readonly OrgId[]) => {
    const rows = await db.selectFrom('sharing_group_member').select(['org_id', 'group_id']).where('org_id', 'in', orgIds).where('status', '=', 'accepted').orderBy('group_id').execute();
    const out = new Map<OrgId, GroupId[]>();
    for (const r of rows) {
      const list = out.get(r.org_id as OrgId);
      if (list === undefined) out.set(r.org_id as OrgId, [r.group_id as GroupId]);
      else list.push(r.group_id as GroupId);
    }
    return out;
  });
  return {
    async defaults(orgId) {
      const rows = await db.selectFrom('sharing_default').select(['tlp', 'audience']).where('org_id', '=', orgId).execute();
      const out = new Map<Tlp, readonly AudienceKey[]>();
      for (const row of rows) {
        const tlp = parseTlp(row.tlp);
        if (tlp === undefined) throw new Error(`sharing_default.tlp holds "${row.tlp}"`);
        out.set(tlp, parseAudienceJson(row.audience));
      }
      return out;
    },
    async setDefaults(orgId, changes, at) {
      await db.transaction().execute(async (trx) => {
        for (const [tlp, audience] of changes) {
          await trx.deleteFrom('sharing_default').where('org_id', '=', orgId).where('tlp', '=', tlp).execute();
          if (audience !== null) await trx.insertInto('sharing_default').values({ org_id: orgId, tlp, audience: JSON.stringify(audience), updated_at: at }).execute();
        }
      });
    },
    async createGroup(group) {
      await db.transaction().execute(async (trx) => {
        await trx.insertInto('sharing_group').values({ id: group.id, name: group.name, created_by_org: group.createdByOrg, created_at: group.createdAt }).execute();
        await trx
          .insertInto('sharing_group_member')
          .values({ group_id: group.id, org_id: group.createdByOrg, status: 'accepted', invited_by_org: group.createdByOrg, invited_at: group.createdAt, answered_at: group.createdAt })
          .execute();
      });
    },
    async group(id) {
      const row = await db.selectFrom('sharing_group').selectAll().where('id', '=', id).executeTakeFirst();
      return row === undefined ? null : groupOf(row);
    },
    async members(id) {
      const rows = await db.selectFrom('sharing_group_member').selectAll().where('group_id', '=', id).orderBy('invited_at').orderBy('org_id').execute();
      return rows.map(memberOf);
    },
    async membership(id, orgId) {
      const row = await db.selectFrom('sharing_group_member').selectAll().where('group_id', '=', id).where('org_id', '=', orgId).executeTakeFirst();
      return row === undefined ? null : memberOf(row);
    },
    async groupsOf(orgId) {
      const rows = await db
        .selectFrom('sharing_group_member as m')
        .innerJoin('sharing_group as g', 'g.id', 'm.group_id')
        .select(['g.id', 'g.name', 'g.created_by_org', 'g.created_at', 'm.group_id', 'm.org_id', 'm.status', 'm.invited_by_org', 'm.invited_at', 'm.answered_at'])
        .where('m.org_id', '=', orgId)
        .orderBy('g.created_at')
        .orderBy('g.id')
        .execute();
      return rows.map((r) => ({ group: groupOf(r), membership: memberOf(r) }));
    },
    async invite(id, orgId, invitedBy, at) {
      await db.transaction().execute(async (trx) => {
        // Write first: it takes SQLite's write lock at once, so another process cannot slip in between.
        await trx.deleteFrom('sharing_group_member').where('group_id', '=', id).where('org_id', '=', orgId).where('status', '!=', 'accepted').execute();
        const accepted = await trx.selectFrom('sharing_group_member').select('status').where('group_id', '=', id).where('org_id', '=', orgId).executeTakeFirst();
        if (accepted !== undefined) return;
        await trx.insertInto('sharing_group_member').values({ group_id: id, org_id: orgId, status: 'invited', invited_by_org: invitedBy, invited_at: at, answered_at: null }).execute();
      });
    },
    async answer(id, orgId, answer, at) {
      const result = await db
        .updateTable('sharing_group_member')
        .set({ status: answer, answered_at: at })
        .where('group_id', '=', id)
        .where('org_id', '=', orgId)
        .where('status', '=', 'invited')
        .executeTakeFirst();
      return result.numUpdatedRows > 0n;
    },
    acceptedGroups: async (orgId) => (await acceptedGroupsOf(orgId)) ?? [],
    async removeMember(id, orgId) {
      const result = await db.deleteFrom('sharing_group_member').where('group_id', '=', id).where('org_id', '=', orgId).where('status', 'in', ['invited', 'accepted']).executeTakeFirst();
      return result.numDeletedRows > 0n;
    },
    async countingOfOrgs(orgIds) {
      const out = new Map<OrgId, boolean>();
      for (const part of chunks(orgIds)) {
        const rows = await db.selectFrom('sharing_counting_org').selectAll().where('org_id', 'in', part).execute();
        for (const r of rows) out.set(r.org_id as OrgId, Number(r.allow_counting) === 1);
      }
      return out;
    },
    async countingOfObjects(ids) {
      const out = new Map<string, boolean>();
      for (const part of chunks([...new Set(ids)])) {
        const rows = await db.selectFrom('sharing_counting_record').selectAll().where('object_id', 'in', part).execute();
        for (const r of rows) out.set(countingKey(r.object_id, r.org_id), Number(r.allow_counting) === 1);
      }
      return out;
    },
    async setOrgCounting(orgId, allow) {
      await db.transaction().execute(async (trx) => {
        await trx.deleteFrom('sharing_counting_org').where('org_id', '=', orgId).execute();
        if (allow !== null) await trx.insertInto('sharing_counting_org').values({ org_id: orgId, allow_counting: allow ? 1 : 0 }).execute();
      });
    },
    async setObjectCounting(id, owner, allow) {
      await db.transaction().execute(async (trx) => {
        await trx.deleteFrom('sharing_counting_record').where('object_id', '=', id).where('org_id', '=', owner).execute();
        if (allow !== null) await trx.insertInto('sharing_counting_record').values({ object_id: id, org_id: owner, allow_counting: allow ? 1 : 0 }).execute();
      });
    },
  };
}
