import { Type } from '@sinclair/typebox';
import { Value } from '@sinclair/typebox/value';
import type { Kysely } from 'kysely';
import { parseAudienceKey, type AudienceKey } from '../domain/audience.ts';
import type { CollectionId, OrgId, StixId } from '../domain/ids.ts';

/** A collection an org-admin defines by filter: objects of `types` (all when empty) shared with `audienceKey`. */
export interface FilterCollection {
  readonly id: CollectionId;
  readonly orgId: OrgId;
  readonly title: string;
  readonly description: string | null;
  readonly alias: string | null;
  readonly types: readonly string[];
  readonly audienceKey: AudienceKey;
}

/** Versions of one object withdrawn from TAXII: every version ('all') or the listed `modified` values. */
export type Withdrawn = { readonly kind: 'all' } | { readonly kind: 'versions'; readonly versions: ReadonlySet<string> };

/** The TAXII server's own tables (migration 0005); STIX objects stay in the StixStore. */
export interface TaxiiStore {
  addCollection(collection: FilterCollection, atUs: number): Promise<'added' | 'alias-taken'>;
  collections(orgId: OrgId): Promise<readonly FilterCollection[]>;
  removeCollection(orgId: OrgId, id: CollectionId): Promise<boolean>;
  putStatus(id: string, orgId: OrgId, atUs: number, body: string): Promise<void>;
  /** A status body, only for the organization that posted it. */
  status(orgId: OrgId, id: string): Promise<string | null>;
  /** Forgets statuses created before `beforeUs`. */
  purgeStatuses(beforeUs: number): Promise<void>;
  /** Withdraws versions of `orgId`'s own record of `id` (other owners' records of the id stay served). */
  withdraw(id: StixId, versions: 'all' | readonly string[], orgId: OrgId, atUs: number): Promise<void>;
  /** Serves `orgId`'s records of `ids` again: it published new versions after withdrawing them. */
  restore(ids: readonly StixId[], orgId: OrgId): Promise<void>;
  /** Which records of `ids` are (partly) withdrawn, by withdrawnKey(id, owner). */
  withdrawn(ids: readonly StixId[]): Promise<ReadonlyMap<string, Withdrawn>>;
}

interface TaxiiTables {
  taxii_collection: { id: string; org_id: string; title: string; description: string | null; alias: string | null; types: string; audience_key: string; created_us: number };
  taxii_status: { id: string; org_id: string; created_us: number; body: string };
  taxii_withdrawn: { object_id: string; version: string; org_id: string; withdrawn_us: number };
}

/** The key of one owner's record of an id in what `withdrawn` returns. */
export const withdrawnKey = (id: string, owner: string): string => `${id} ${owner}`;

const TypesJson = Type.Array(Type.String());
const ALL = '*';
// SQLite allows 32766 bound parameters; stay far below on both dialects.
const CHUNK = 5000;

function collectionOf(row: TaxiiTables['taxii_collection']): FilterCollection {
  const types: unknown = JSON.parse(row.types);
  const key = parseAudienceKey(row.audience_key);
  if (!Value.Check(TypesJson, types) || !key.ok) throw new Error(`taxii_collection ${row.id} holds a malformed row`);
  return { id: row.id as CollectionId, orgId: row.org_id as OrgId, title: row.title, description: row.description, alias: row.alias, types, audienceKey: key.value };
}

/** The TaxiiStore over the store's Kysely connection (SQLite or PostgreSQL). */
export function taxiiStore(database: Kysely<unknown>): TaxiiStore {
  const db = database as unknown as Kysely<TaxiiTables>;
  return {
    async addCollection(c, atUs) {
      if (c.alias !== null) {
        const taken = await db.selectFrom('taxii_collection').select('id').where('org_id', '=', c.orgId).where('alias', '=', c.alias).executeTakeFirst();
        if (taken !== undefined) return 'alias-taken';
      }
      await db
        .insertInto('taxii_collection')
        .values({ id: c.id, org_id: c.orgId, title: c.title, description: c.description, alias: c.alias, types: JSON.stringify(c.types), audience_key: c.audienceKey, created_us: atUs })
        .execute();
      return 'added';
    },
    async collections(orgId) {
      const rows = await db.selectFrom('taxii_collection').selectAll().where('org_id', '=', orgId).orderBy('created_us').orderBy('id').execute();
      return rows.map(collectionOf);
    },
    async removeCollection(orgId, id) {
      const result = await db.deleteFrom('taxii_collection').where('org_id', '=', orgId).where('id', '=', id).executeTakeFirst();
      return result.numDeletedRows > 0n;
    },
    async putStatus(id, orgId, atUs, body) {
      await db.insertInto('taxii_status').values({ id, org_id: orgId, created_us: atUs, body }).execute();
    },
    async status(orgId, id) {
      const row = await db.selectFrom('taxii_status').select('body').where('id', '=', id).where('org_id', '=', orgId).executeTakeFirst();
      return row?.body ?? null;
    },
    async purgeStatuses(beforeUs) {
      await db.deleteFrom('taxii_status').where('created_us', '<', beforeUs).execute();
    },
    async withdraw(id, versions, orgId, atUs) {
      const values = (versions === 'all' ? [ALL] : versions).map((version) => ({ object_id: id, version, org_id: orgId, withdrawn_us: atUs }));
      if (values.length === 0) return;
      await db.insertInto('taxii_withdrawn').values(values).onConflict((oc) => oc.columns(['object_id', 'org_id', 'version']).doNothing()).execute();
    },
    async restore(ids, orgId) {
      const unique = [...new Set(ids)];
      for (let i = 0; i < unique.length; i += CHUNK) await db.deleteFrom('taxii_withdrawn').where('org_id', '=', orgId).where('object_id', 'in', unique.slice(i, i + CHUNK)).execute();
    },
    async withdrawn(ids) {
      const found = new Map<string, Withdrawn>();
      // Withdrawals are rare: one indexed probe spares the 1000-id lookup of every page.
      if ((await db.selectFrom('taxii_withdrawn').select('object_id').limit(1).executeTakeFirst()) === undefined) return found;
      const unique = [...new Set(ids)];
      for (let i = 0; i < unique.length; i += CHUNK) {
        const rows = await db.selectFrom('taxii_withdrawn').select(['object_id', 'org_id', 'version']).where('object_id', 'in', unique.slice(i, i + CHUNK)).execute();
        for (const row of rows) {
          const key = withdrawnKey(row.object_id, row.org_id);
          const current = found.get(key);
          if (row.version === ALL || current?.kind === 'all') found.set(key, { kind: 'all' });
          else found.set(key, { kind: 'versions', versions: new Set([...(current?.versions ?? []), row.version]) });
        }
      }
      return found;
    },
  };
}
