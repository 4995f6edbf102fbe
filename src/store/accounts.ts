import type { Kysely } from 'kysely';
import type { OrgId, UserId } from '../domain/ids.ts';
import type { OrgKind, Organization } from '../domain/organization.ts';
import type { Database } from './db.ts';
import { batchedLookup } from './batched.ts';
import { accountsAuthStore, type AccountsAuthStore } from './accounts-auth.ts';
import type { AccountTables, UserRole, UserRow } from './accounts-tables.ts';
import { organizationOf, userOf } from './accounts-rows.ts';
import { credentialsStore, type CredentialsStore } from './credentials.ts';

export type { AccountTables, ApiKeyRow, EnrolmentCodeRow, SessionRow, ThrottleRow, UserRole, UserRow } from './accounts-tables.ts';
export { USER_ROLES } from './accounts-tables.ts';

export interface OrganizationFilter {
  readonly kind?: OrgKind;
  /** Any of these kinds (e.g. state and territory). */
  readonly kinds?: readonly OrgKind[];
  readonly stateFips?: string;
  readonly ids?: readonly OrgId[];
}

export type OrganizationPatch = Partial<Pick<Organization, 'name' | 'short_name' | 'ocd_id' | 'partner_type'>>;

export type UserPatch = Partial<Pick<UserRow, 'name' | 'role' | 'password_hash' | 'totp_secret' | 'totp_pending' | 'totp_last_step' | 'disabled_at'>>;

/** Organizations and people: the SQL of src/accounts and src/auth, the same on SQLite and PostgreSQL. */
export interface AccountsStore extends AccountsAuthStore, CredentialsStore {
  /** Inserts organizations whose id (or county) is not stored yet; returns how many were new. */
  insertOrganizations(orgs: readonly Organization[]): Promise<number>;
  getOrganization(id: OrgId): Promise<Organization | null>;
  listOrganizations(filter?: OrganizationFilter): Promise<Organization[]>;
  setRequireTotp(id: OrgId, required: boolean, at: string): Promise<void>;
  /** Changes what an operator may change; the organization is no longer seed data afterwards. */
  updateOrganization(id: OrgId, patch: OrganizationPatch, at: string): Promise<void>;
  /** false when the email is already taken (compared lower-case). */
  insertUser(row: UserRow): Promise<boolean>;
  userById(id: UserId): Promise<UserRow | null>;
  userByEmail(email: string): Promise<UserRow | null>;
  listUsers(orgId?: OrgId): Promise<UserRow[]>;
  updateUser(id: UserId, patch: UserPatch): Promise<void>;
  /** People with a TOTP secret or a pending enrolment. */
  usersWithTotp(): Promise<UserRow[]>;
  /** Sets `column` to `to` only while it still holds `from` (so a concurrent enrolment is not overwritten); false otherwise. */
  replaceTotpValue(id: UserId, column: 'totp_secret' | 'totp_pending', from: string, to: string): Promise<boolean>;
}

type OrganizationRow = AccountTables['organization'];

const INSERT_CHUNK = 400;

export function accountsStore(database: Database<unknown>): AccountsStore {
  const db: Kysely<AccountTables> = database.db.withTables<AccountTables>();
  // Read for every request and every live feed's round (credentials checked again): lookups of one turn share a query.
  const organizationsById = batchedLookup(async (ids: readonly OrgId[]) => {
    const rows = await db.selectFrom('organization').selectAll().where('id', 'in', ids).execute();
    return new Map(rows.map((row) => [row.id as OrgId, organizationOf(row)]));
  });
  const usersById = batchedLookup(async (ids: readonly UserId[]) => {
    const rows = await db.selectFrom('account_user').selectAll().where('id', 'in', ids).execute();
    return new Map(rows.map((row) => [row.id, userOf(row)]));
  });
  return {
    ...accountsAuthStore(db),
    ...credentialsStore(db),
    async insertOrganizations(orgs) {
      let added = 0;
      for (let i = 0; i < orgs.length; i += INSERT_CHUNK) {
        const rows: OrganizationRow[] = orgs.slice(i, i + INSERT_CHUNK).map((o) => ({
          id: o.id,
          kind: o.kind,
          name: o.name,
          short_name: o.short_name,
          state_fips: o.state_fips,
          county_fips: o.county_fips,
          ocd_id: o.ocd_id,
          partner_type: o.partner_type,
          seed: o.seed ? 1 : 0,
          require_totp: o.require_totp ? 1 : 0,
          created_at: o.created_at,
          updated_at: o.created_at,
        }));
        const result = await db.insertInto('organization').values(rows).onConflict((oc) => oc.doNothing()).executeTakeFirst();
        added += Number(result.numInsertedOrUpdatedRows ?? 0n);
      }
      return added;
    },
    getOrganization: (id) => organizationsById(id),
    async listOrganizations(filter = {}) {
      let query = db.selectFrom('organization').selectAll();
      if (filter.kind !== undefined) query = query.where('kind', '=', filter.kind);
      if (filter.kinds !== undefined) {
        if (filter.kinds.length === 0) return [];
        query = query.where('kind', 'in', filter.kinds);
      }
      if (filter.stateFips !== undefined) query = query.where('state_fips', '=', filter.stateFips);
      if (filter.ids !== undefined) {
        if (filter.ids.length === 0) return [];
        query = query.where('id', 'in', filter.ids);
      }
      const rows = await query.orderBy('kind').orderBy('state_fips').orderBy('name').orderBy('id').execute();
      return rows.map(organizationOf);
    },
    async setRequireTotp(id, required, at) {
      await db.updateTable('organization').set({ require_totp: required ? 1 : 0, updated_at: at }).where('id', '=', id).execute();
    },
    async updateOrganization(id, patch, at) {
      await db.updateTable('organization').set({ ...patch, seed: 0, updated_at: at }).where('id', '=', id).execute();
    },
    async insertUser(row) {
      const result = await db.insertInto('account_user').values({ ...row, email: row.email.toLowerCase() }).onConflict((oc) => oc.doNothing()).executeTakeFirst();
      return Number(result.numInsertedOrUpdatedRows ?? 0n) === 1;
    },
    userById: (id) => usersById(id),
    async userByEmail(email) {
      const row = await db.selectFrom('account_user').selectAll().where('email', '=', email.trim().toLowerCase()).executeTakeFirst();
      return row === undefined ? null : userOf(row);
    },
    async listUsers(orgId) {
      let query = db.selectFrom('account_user').selectAll();
      if (orgId !== undefined) query = query.where('org_id', '=', orgId);
      const rows = await query.orderBy('email').execute();
      return rows.map(userOf);
    },
    async updateUser(id, patch) {
      if (Object.keys(patch).length === 0) return;
      await db.updateTable('account_user').set(patch).where('id', '=', id).execute();
    },
    async usersWithTotp() {
      const rows = await db
        .selectFrom('account_user')
        .selectAll()
        .where((eb) => eb.or([eb('totp_secret', 'is not', null), eb('totp_pending', 'is not', null)]))
        .orderBy('email')
        .execute();
      return rows.map(userOf);
    },
    async replaceTotpValue(id, column, from, to) {
      const result = await db.updateTable('account_user').set({ [column]: to }).where('id', '=', id).where(column, '=', from).executeTakeFirst();
      return Number(result.numUpdatedRows) === 1;
    },
  };
}

export type { UserRole as Role };
