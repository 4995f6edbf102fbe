import { batchedLookup } from './batched.ts';
import type { Kysely } from 'kysely';
import type { UserId } from '../domain/ids.ts';
import type { AccountTables, ApiKeyRow, EnrolmentCodeRow, SessionRow, ThrottleRow } from './accounts-tables.ts';

/** Sessions, API keys and sign-in throttling: the SQL of src/auth. */
export interface AccountsAuthStore {
  insertSession(row: SessionRow): Promise<void>;
  sessionByHash(tokenHash: string): Promise<SessionRow | null>;
  touchSession(tokenHash: string, at: number): Promise<void>;
  deleteSession(tokenHash: string): Promise<void>;
  /** Deletes every session of the person (disabled, password changed); returns how many. */
  deleteUserSessions(userId: UserId): Promise<number>;
  insertApiKey(row: ApiKeyRow): Promise<void>;
  apiKeyById(id: string): Promise<ApiKeyRow | null>;
  listApiKeys(userId: UserId): Promise<ApiKeyRow[]>;
  /** Marks the key revoked when it belongs to `userId` and is not yet; false otherwise. */
  revokeApiKey(id: string, userId: UserId, at: number): Promise<boolean>;
  touchApiKey(id: string, at: number): Promise<void>;
  throttle(subject: string): Promise<ThrottleRow | null>;
  putThrottle(row: ThrottleRow): Promise<void>;
  clearThrottle(subject: string): Promise<void>;
  /** Deletes throttle rows whose window began before `before` and that are not locked after `now`. */
  pruneThrottle(before: number, now: number): Promise<number>;
  /** Stores the person's enrolment code, replacing any earlier one. */
  putEnrolmentCode(row: EnrolmentCodeRow): Promise<void>;
  enrolmentCode(userId: UserId): Promise<EnrolmentCodeRow | null>;
  /** Deletes the person's code (used, or no longer needed once they have an authenticator). */
  deleteEnrolmentCode(userId: UserId): Promise<void>;
}

const n = (v: number | string): number => Number(v);
const nn = (v: number | string | null): number | null => (v === null ? null : Number(v));

export function sessionOf(row: SessionRow): SessionRow {
  return { ...row, created_at: n(row.created_at), last_seen_at: n(row.last_seen_at), expires_at: n(row.expires_at) };
}

export function apiKeyOf(row: ApiKeyRow): ApiKeyRow {
  if (row.scope !== 'read' && row.scope !== 'write') throw new Error(`API key ${row.id} has unknown scope ${String(row.scope)}`);
  return { ...row, created_at: n(row.created_at), last_used_at: nn(row.last_used_at), expires_at: nn(row.expires_at), revoked_at: nn(row.revoked_at) };
}

export function accountsAuthStore(db: Kysely<AccountTables>): AccountsAuthStore {
  // Credentials are read again before every round of every live feed: lookups of one turn share a query.
  const sessionsByHash = batchedLookup(async (hashes: readonly string[]) => {
    const rows = await db.selectFrom('account_session').selectAll().where('token_hash', 'in', hashes).execute();
    return new Map(rows.map((row) => [row.token_hash, sessionOf(row)]));
  });
  const apiKeysById = batchedLookup(async (ids: readonly string[]) => {
    const rows = await db.selectFrom('api_key').selectAll().where('id', 'in', ids).execute();
    return new Map(rows.map((row) => [row.id, apiKeyOf(row)]));
  });
  // Each key's last use, once a minute: the keys touched in one turn in one statement, with the latest time of them.
  let touching: { ids: Set<string>; at: number; done: Promise<void> } | null = null;
  const touchKeys = (id: string, at: number): Promise<void> => {
    if (touching === null) {
      const batch: { ids: Set<string>; at: number; done: Promise<void> } = { ids: new Set(), at, done: Promise.resolve() };
      batch.done = new Promise<void>((resolve) => setImmediate(resolve)).then(async () => {
        if (touching === batch) touching = null;
        const ids = [...batch.ids];
        for (let i = 0; i < ids.length; i += 500) await db.updateTable('api_key').set({ last_used_at: batch.at }).where('id', 'in', ids.slice(i, i + 500)).execute();
      });
      touching = batch;
    }
    touching.ids.add(id);
    touching.at = Math.max(touching.at, at);
    return touching.done;
  };
  return {
    async putEnrolmentCode(row) {
      await db.transaction().execute(async (tx) => {
        await tx.deleteFrom('totp_enrolment_code').where('user_id', '=', row.user_id).execute();
        await tx.insertInto('totp_enrolment_code').values(row).execute();
      });
    },
    async enrolmentCode(userId) {
      const row = await db.selectFrom('totp_enrolment_code').selectAll().where('user_id', '=', userId).executeTakeFirst();
      return row === undefined ? null : { ...row, created_at: n(row.created_at), expires_at: n(row.expires_at) };
    },
    async deleteEnrolmentCode(userId) {
      await db.deleteFrom('totp_enrolment_code').where('user_id', '=', userId).execute();
    },
    async insertSession(row) {
      await db.insertInto('account_session').values(row).execute();
    },
    sessionByHash: (tokenHash) => sessionsByHash(tokenHash),
    async touchSession(tokenHash, at) {
      await db.updateTable('account_session').set({ last_seen_at: at }).where('token_hash', '=', tokenHash).execute();
    },
    async deleteSession(tokenHash) {
      await db.deleteFrom('account_session').where('token_hash', '=', tokenHash).execute();
    },
    async deleteUserSessions(userId) {
      const result = await db.deleteFrom('account_session').where('user_id', '=', userId).executeTakeFirst();
      return Number(result.numDeletedRows);
    },
    async insertApiKey(row) {
      await db.insertInto('api_key').values(row).execute();
    },
    apiKeyById: (id) => apiKeysById(id),
    async listApiKeys(userId) {
      const rows = await db.selectFrom('api_key').selectAll().where('user_id', '=', userId).orderBy('created_at').orderBy('id').execute();
      return rows.map(apiKeyOf);
    },
    async revokeApiKey(id, userId, at) {
      const result = await db
        .updateTable('api_key')
        .set({ revoked_at: at })
        .where('id', '=', id)
        .where('user_id', '=', userId)
        .where('revoked_at', 'is', null)
        .executeTakeFirst();
      return Number(result.numUpdatedRows) === 1;
    },
    touchApiKey: (id, at) => touchKeys(id, at),
    async throttle(subject) {
      const row = await db.selectFrom('login_throttle').selectAll().where('subject', '=', subject).executeTakeFirst();
      return row === undefined ? null : { ...row, failures: n(row.failures), window_start: n(row.window_start), locked_until: nn(row.locked_until) };
    },
    async putThrottle(row) {
      await db
        .insertInto('login_throttle')
        .values(row)
        .onConflict((oc) => oc.column('subject').doUpdateSet({ failures: row.failures, window_start: row.window_start, locked_until: row.locked_until }))
        .execute();
    },
    async clearThrottle(subject) {
      await db.deleteFrom('login_throttle').where('subject', '=', subject).execute();
    },
    async pruneThrottle(before, now) {
      const result = await db
        .deleteFrom('login_throttle')
        .where('window_start', '<', before)
        .where((eb) => eb.or([eb('locked_until', 'is', null), eb('locked_until', '<=', now)]))
        .executeTakeFirst();
      return Number(result.numDeletedRows);
    },
  };
}
