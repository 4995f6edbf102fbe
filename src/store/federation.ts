import type { Kysely } from 'kysely';
import { parseAudienceKey, type AudienceKey } from '../domain/audience.ts';
import type { OrgId, StixId } from '../domain/ids.ts';
import { parseTlp, type Tlp } from '../domain/tlp.ts';
import type { Database } from './db.ts';

// A type alias, not an interface: Kysely.withTables needs an index-signature-compatible shape.
/** The tables of migrations 0006-federation and 0010-federation-owners. */
export type FederationTables = {
  federation_feed: {
    id: string;
    org_id: string;
    name: string;
    url: string;
    collection: string;
    direction: string;
    credential_ref: string;
    interval_seconds: number;
    audience: string;
    types: string | null;
    created_at: string;
    last_run_at: string | null;
    last_status: string | null;
    last_message: string | null;
  };
  federation_cursor: { key: string; added_after: string | null; next: string | null; high_water: string | null; updated_at: string };
  federation_received: { source: string; object_id: string; owner: string; tlp: string; audience: string; withdrawn: number; received_at: string };
  federation_refusal: { source: string; object_id: string; version: string; code: string; message: string; refused_at: string };
};

export type FeedDirection = 'pull' | 'push';

/** A remote TAXII collection an organization pulls from or pushes to. */
export interface FeedRecord {
  readonly id: string;
  readonly orgId: OrgId;
  readonly name: string;
  readonly url: string;
  readonly collection: string;
  readonly direction: FeedDirection;
  /** Where the secret is (env:<VAR>), never the secret. */
  readonly credentialRef: string;
  readonly intervalSeconds: number;
  /** pull: the audience received objects may have at most; push: the keys whose objects are sent. */
  readonly audience: readonly AudienceKey[];
  readonly types: readonly string[] | null;
  readonly createdAt: string;
  readonly lastRunAt: string | null;
  readonly lastStatus: 'ok' | 'error' | null;
  readonly lastMessage: string | null;
}

/** Where a pull stands (see src/taxii/client/pull.ts); push feeds keep their last added time in addedAfter. */
export interface CursorRecord {
  readonly addedAfter: string | null;
  readonly next: string | null;
  readonly highWater: string | null;
}

export interface ReceivedRecord {
  readonly objectId: StixId;
  readonly owner: OrgId;
  readonly tlp: Tlp;
  readonly audience: readonly AudienceKey[];
  readonly withdrawn: boolean;
}

/** An object a pull did not store, and why (shown on the feed's status). */
export interface RefusalRecord {
  readonly objectId: string;
  /** The refused version's modified; '' when it has none. */
  readonly version: string;
  readonly code: string;
  readonly message: string;
  readonly refusedAt: string;
}

/** How many refusals each source keeps (the newest); the count goes on. */
export const REFUSALS_KEPT = 1000;

export interface FederationRepository {
  addFeed(feed: FeedRecord): Promise<void>;
  feed(id: string): Promise<FeedRecord | null>;
  /** Every feed, or one organization's. */
  feeds(orgId?: OrgId): Promise<readonly FeedRecord[]>;
  /**
   * Deletes the feed and its cursor. Its receipts stay: the objects it brought stay, shared as they are, and
   * are still known as received (not as this hub's own) when another feed brings them again.
   */
  deleteFeed(id: string): Promise<boolean>;
  recordRun(id: string, at: string, status: 'ok' | 'error', message: string): Promise<void>;
  cursor(key: string): Promise<CursorRecord | null>;
  saveCursor(key: string, cursor: CursorRecord, at: string): Promise<void>;
  /** Of `ids`, those that arrived through any source (any feed or CLI pull). */
  receivedAnywhere(ids: readonly StixId[]): Promise<ReadonlySet<StixId>>;
  received(source: string): Promise<readonly ReceivedRecord[]>;
  /** Records (or refreshes, clearing `withdrawn`) what came in through `source`. */
  recordReceived(source: string, records: readonly ReceivedRecord[], at: string): Promise<void>;
  setWithdrawn(source: string, ids: readonly StixId[], withdrawn: boolean): Promise<void>;
  /** Records what a pull refused (a version refused again keeps one row, with the latest reason), keeping the newest REFUSALS_KEPT. */
  recordRefusals(source: string, refusals: readonly Omit<RefusalRecord, 'refusedAt'>[], at: string): Promise<void>;
  /** The newest refusals of `source`, newest first. */
  refusals(source: string, limit: number): Promise<readonly RefusalRecord[]>;
  /** How many refusals each of `sources` keeps. */
  refusalCounts(sources: readonly string[]): Promise<ReadonlyMap<string, number>>;
}

function audienceOf(text: string, where: string): readonly AudienceKey[] {
  const value: unknown = JSON.parse(text);
  if (!Array.isArray(value)) throw new Error(`${where} is not a JSON array: ${text}`);
  return value.map((item) => {
    const parsed = parseAudienceKey(String(item));
    if (!parsed.ok) throw new Error(`${where} holds a bad key: ${parsed.error.message}`);
    return parsed.value;
  });
}

function typesOf(text: string | null): readonly string[] | null {
  if (text === null) return null;
  const value: unknown = JSON.parse(text);
  if (!Array.isArray(value)) throw new Error(`federation_feed.types is not a JSON array: ${text}`);
  return value.map(String);
}

type FeedRow = FederationTables['federation_feed'];

function feedOf(r: FeedRow): FeedRecord {
  if (r.direction !== 'pull' && r.direction !== 'push') throw new Error(`federation_feed.direction holds "${r.direction}"`);
  const status = r.last_status;
  if (status !== null && status !== 'ok' && status !== 'error') throw new Error(`federation_feed.last_status holds "${status}"`);
  return {
    id: r.id,
    orgId: r.org_id as OrgId,
    name: r.name,
    url: r.url,
    collection: r.collection,
    direction: r.direction,
    credentialRef: r.credential_ref,
    intervalSeconds: Number(r.interval_seconds),
    audience: audienceOf(r.audience, 'federation_feed.audience'),
    types: typesOf(r.types),
    createdAt: r.created_at,
    lastRunAt: r.last_run_at,
    lastStatus: status,
    lastMessage: r.last_message,
  };
}

// Large IN lists are split so neither SQLite's nor PostgreSQL's parameter limit is reached.
const CHUNK = 500;

export function federationRepository(database: Database<unknown>): FederationRepository {
  const db: Kysely<FederationTables> = database.db.withTables<FederationTables>();
  return {
    async addFeed(f) {
      await db
        .insertInto('federation_feed')
        .values({
          id: f.id,
          org_id: f.orgId,
          name: f.name,
          url: f.url,
          collection: f.collection,
          direction: f.direction,
          credential_ref: f.credentialRef,
          interval_seconds: f.intervalSeconds,
          audience: JSON.stringify(f.audience),
          types: f.types === null ? null : JSON.stringify(f.types),
          created_at: f.createdAt,
          last_run_at: f.lastRunAt,
          last_status: f.lastStatus,
          last_message: f.lastMessage,
        })
        .execute();
    },
    async feed(id) {
      const row = await db.selectFrom('federation_feed').selectAll().where('id', '=', id).executeTakeFirst();
      return row === undefined ? null : feedOf(row);
    },
    async feeds(orgId) {
      let query = db.selectFrom('federation_feed').selectAll().orderBy('created_at').orderBy('id');
      if (orgId !== undefined) query = query.where('org_id', '=', orgId);
      return (await query.execute()).map(feedOf);
    },
    async deleteFeed(id) {
      return db.transaction().execute(async (trx) => {
        await trx.deleteFrom('federation_cursor').where('key', '=', `feed:${id}`).execute();
        await trx.deleteFrom('federation_refusal').where('source', '=', `feed:${id}`).execute();
        const result = await trx.deleteFrom('federation_feed').where('id', '=', id).executeTakeFirst();
        return Number(result.numDeletedRows) > 0;
      });
    },
    async recordRun(id, at, status, message) {
      await db.updateTable('federation_feed').set({ last_run_at: at, last_status: status, last_message: message }).where('id', '=', id).execute();
    },
    async cursor(key) {
      const row = await db.selectFrom('federation_cursor').selectAll().where('key', '=', key).executeTakeFirst();
      return row === undefined ? null : { addedAfter: row.added_after, next: row.next, highWater: row.high_water };
    },
    async saveCursor(key, cursor, at) {
      const values = { added_after: cursor.addedAfter, next: cursor.next, high_water: cursor.highWater, updated_at: at };
      await db
        .insertInto('federation_cursor')
        .values({ key, ...values })
        .onConflict((oc) => oc.column('key').doUpdateSet(values))
        .execute();
    },
    async receivedAnywhere(ids) {
      const found = new Set<StixId>();
      for (let i = 0; i < ids.length; i += CHUNK) {
        const rows = await db.selectFrom('federation_received').select('object_id').where('object_id', 'in', ids.slice(i, i + CHUNK)).execute();
        for (const r of rows) found.add(r.object_id as StixId);
      }
      return found;
    },
    async received(source) {
      const rows = await db.selectFrom('federation_received').selectAll().where('source', '=', source).orderBy('object_id').execute();
      return rows.map((r) => {
        const tlp = parseTlp(r.tlp);
        if (tlp === undefined) throw new Error(`federation_received.tlp holds "${r.tlp}"`);
        return { objectId: r.object_id as StixId, owner: r.owner as OrgId, tlp, audience: audienceOf(r.audience, 'federation_received.audience'), withdrawn: r.withdrawn === 1 };
      });
    },
    async recordReceived(source, records, at) {
      if (records.length === 0) return;
      await db.transaction().execute(async (trx) => {
        for (let i = 0; i < records.length; i += CHUNK) {
          const rows = records.slice(i, i + CHUNK).map((r) => ({
            source,
            object_id: r.objectId,
            owner: r.owner,
            tlp: r.tlp,
            audience: JSON.stringify(r.audience),
            withdrawn: r.withdrawn ? 1 : 0,
            received_at: at,
          }));
          await trx
            .insertInto('federation_received')
            .values(rows)
            .onConflict((oc) =>
              oc.columns(['source', 'object_id']).doUpdateSet((eb) => ({ owner: eb.ref('excluded.owner'), tlp: eb.ref('excluded.tlp'), audience: eb.ref('excluded.audience'), withdrawn: eb.ref('excluded.withdrawn') })),
            )
            .execute();
        }
      });
    },
    async setWithdrawn(source, ids, withdrawn) {
      for (let i = 0; i < ids.length; i += CHUNK) {
        await db.updateTable('federation_received').set({ withdrawn: withdrawn ? 1 : 0 }).where('source', '=', source).where('object_id', 'in', ids.slice(i, i + CHUNK)).execute();
      }
    },
    async recordRefusals(source, refusals, at) {
      if (refusals.length === 0) return;
      await db.transaction().execute(async (trx) => {
        for (let i = 0; i < refusals.length; i += CHUNK) {
          const rows = refusals.slice(i, i + CHUNK).map((r) => ({ source, object_id: r.objectId, version: r.version, code: r.code, message: r.message, refused_at: at }));
          await trx
            .insertInto('federation_refusal')
            .values(rows)
            .onConflict((oc) => oc.columns(['source', 'object_id', 'version']).doUpdateSet((eb) => ({ code: eb.ref('excluded.code'), message: eb.ref('excluded.message'), refused_at: eb.ref('excluded.refused_at') })))
            .execute();
        }
        // A remote offering endless bad objects must not fill the database: only the newest are kept.
        const cutoff = await trx.selectFrom('federation_refusal').select('refused_at').where('source', '=', source).orderBy('refused_at', 'desc').offset(REFUSALS_KEPT).limit(1).executeTakeFirst();
        if (cutoff !== undefined) await trx.deleteFrom('federation_refusal').where('source', '=', source).where('refused_at', '<', cutoff.refused_at).execute();
      });
    },
    async refusals(source, limit) {
      const rows = await db.selectFrom('federation_refusal').selectAll().where('source', '=', source).orderBy('refused_at', 'desc').orderBy('object_id').limit(limit).execute();
      return rows.map((r) => ({ objectId: r.object_id, version: r.version, code: r.code, message: r.message, refusedAt: r.refused_at }));
    },
    async refusalCounts(sources) {
      const counts = new Map<string, number>();
      if (sources.length === 0) return counts;
      const rows = await db.selectFrom('federation_refusal').select(['source', (eb) => eb.fn.countAll<string | number>().as('n')]).where('source', 'in', sources).groupBy('source').execute();
      for (const r of rows) counts.set(r.source, Number(r.n));
      return counts;
    },
  };
}
