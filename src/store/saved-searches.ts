import { randomUUID } from 'node:crypto';
import type { Kysely } from 'kysely';
import type { OrgId, UserId } from '../domain/ids.ts';
import type { Database } from './db.ts';

/** The table of migration 0031-saved-searches. */
export type SavedSearchTables = {
  saved_search: { id: string; user_id: string; org_id: string; name: string; query: string; created_at: number };
};

export interface SavedSearchRow {
  readonly id: string;
  readonly name: string;
  /** The list's query as JSON text, written by the service from its schema. */
  readonly query: string;
  readonly createdAt: number;
}

/** A person's saved searches: each read and write names the person, so nobody reaches another's. */
export function savedSearchRepository(database: Database<unknown>) {
  const db: Kysely<SavedSearchTables> = database.db.withTables<SavedSearchTables>();
  return {
    async list(userId: UserId): Promise<readonly SavedSearchRow[]> {
      const rows = await db.selectFrom('saved_search').select(['id', 'name', 'query', 'created_at']).where('user_id', '=', userId).orderBy('name').orderBy('id').execute();
      return rows.map((r) => ({ id: r.id, name: r.name, query: r.query, createdAt: Number(r.created_at) }));
    },
    async nameTaken(userId: UserId, name: string): Promise<boolean> {
      return (await db.selectFrom('saved_search').select('id').where('user_id', '=', userId).where('name', '=', name).executeTakeFirst()) !== undefined;
    },
    async add(row: { readonly userId: UserId; readonly orgId: OrgId; readonly name: string; readonly query: string; readonly at: number }): Promise<SavedSearchRow> {
      const id = randomUUID();
      await db.insertInto('saved_search').values({ id, user_id: row.userId, org_id: row.orgId, name: row.name, query: row.query, created_at: row.at }).execute();
      return { id, name: row.name, query: row.query, createdAt: row.at };
    },
    /** True when the person had a saved search of that id. */
    async remove(userId: UserId, id: string): Promise<boolean> {
      const r = await db.deleteFrom('saved_search').where('user_id', '=', userId).where('id', '=', id).executeTakeFirst();
      return Number(r.numDeletedRows) > 0;
    },
  };
}

export type SavedSearchRepository = ReturnType<typeof savedSearchRepository>;
