import { sql, type Kysely, type RawBuilder } from 'kysely';
import type { GroupId } from '../domain/ids.ts';
import type { Organization } from '../domain/organization.ts';
import { apiKeyOf, sessionOf } from './accounts-auth.ts';
import { organizationOf, userOf, type OrganizationRow } from './accounts-rows.ts';
import type { AccountTables, ApiKeyRow, SessionRow, UserRow } from './accounts-tables.ts';
import { batchedLookup } from './batched.ts';

/**
 * What a request's credentials stand on, read together: the API key or session, its person, the person's
 * organization (null if it is not registered) and the sharing groups that organization has accepted.
 */
export interface Credentials<T> {
  readonly via: T;
  readonly user: UserRow;
  readonly org: Organization | null;
  /** Accepted groups, in id order (as SharingRepository.acceptedGroups gives them). */
  readonly groups: readonly GroupId[];
}

export interface CredentialsStore {
  /** The API key `id` with its person, organization and groups; null when there is no such key. */
  credentialsOfKey(id: string): Promise<Credentials<ApiKeyRow> | null>;
  /** The session of `tokenHash` with its person, organization and groups; null when there is no such session. */
  credentialsOfSession(tokenHash: string): Promise<Credentials<SessionRow> | null>;
}

const KEY_COLUMNS = ['id', 'user_id', 'name', 'secret_hash', 'scope', 'created_at', 'last_used_at', 'expires_at', 'revoked_at'] as const satisfies readonly (keyof ApiKeyRow)[];
const SESSION_COLUMNS = ['token_hash', 'user_id', 'created_at', 'last_seen_at', 'expires_at', 'ip', 'user_agent'] as const satisfies readonly (keyof SessionRow)[];
const USER_COLUMNS = ['id', 'org_id', 'email', 'name', 'role', 'password_hash', 'totp_secret', 'totp_pending', 'totp_last_step', 'disabled_at', 'created_at'] as const satisfies readonly (keyof UserRow)[];
const ORG_COLUMNS = ['id', 'kind', 'name', 'short_name', 'state_fips', 'county_fips', 'ocd_id', 'partner_type', 'seed', 'require_totp', 'created_at', 'updated_at'] as const satisfies readonly (keyof OrganizationRow)[];

const selected = (alias: string, columns: readonly string[]) => columns.map((c) => `${alias}.${c} as ${alias}_${c}`).join(', ');
const picked = <T>(row: Readonly<Record<string, unknown>>, alias: string, columns: readonly string[]): T => Object.fromEntries(columns.map((c) => [c, row[`${alias}_${c}`]])) as T;

/**
 * One statement for the key (or session), its person, organization and groups, one row per accepted group
 * (one with no group when there is none), for every id asked in the same turn.
 */
function credentialsQuery(from: 'api_key' | 'account_session', column: 'id' | 'token_hash', columns: readonly string[], ids: readonly string[]): RawBuilder<Record<string, unknown>> {
  return sql<Record<string, unknown>>`select ${sql.raw(`${selected('c', columns)}, ${selected('u', USER_COLUMNS)}, ${selected('o', ORG_COLUMNS)}, g.group_id as g_group_id`)}
    from ${sql.table(from)} c
    join account_user u on u.id = c.user_id
    left join organization o on o.id = u.org_id
    left join sharing_group_member g on g.org_id = u.org_id and g.status = 'accepted'
    where c.${sql.raw(column)} in (${sql.join(ids)})`;
}

function credentialsOf<T>(rows: readonly Record<string, unknown>[], column: string, columns: readonly string[], via: (row: T) => T): Map<string, Credentials<T>> {
  const out = new Map<string, { via: T; user: UserRow; org: Organization | null; groups: GroupId[] }>();
  for (const row of rows) {
    const id = String(row[`c_${column}`]);
    let found = out.get(id);
    if (found === undefined) {
      const org = row['o_id'] === null || row['o_id'] === undefined ? null : organizationOf(picked<OrganizationRow>(row, 'o', ORG_COLUMNS));
      found = { via: via(picked<T>(row, 'c', columns)), user: userOf(picked<UserRow>(row, 'u', USER_COLUMNS)), org, groups: [] };
      out.set(id, found);
    }
    const group = row['g_group_id'];
    if (typeof group === 'string') found.groups.push(group as GroupId);
  }
  for (const found of out.values()) found.groups.sort((a, b) => (a < b ? -1 : a > b ? 1 : 0));
  return out;
}

/**
 * Every request with an API key or a session, and every live feed's round, reads its credentials again:
 * one statement instead of five (key, person, organization twice, groups), lookups of one turn together.
 * Nothing is kept between turns, so a revoked key or disabled person is refused at the next request.
 */
export function credentialsStore(db: Kysely<AccountTables>): CredentialsStore {
  const byKey = batchedLookup(async (ids: readonly string[]) => {
    const { rows } = await credentialsQuery('api_key', 'id', KEY_COLUMNS, ids).execute(db);
    return credentialsOf<ApiKeyRow>(rows, 'id', KEY_COLUMNS, apiKeyOf);
  });
  const bySession = batchedLookup(async (hashes: readonly string[]) => {
    const { rows } = await credentialsQuery('account_session', 'token_hash', SESSION_COLUMNS, hashes).execute(db);
    return credentialsOf<SessionRow>(rows, 'token_hash', SESSION_COLUMNS, sessionOf);
  });
  return { credentialsOfKey: (id) => byKey(id), credentialsOfSession: (hash) => bySession(hash) };
}
