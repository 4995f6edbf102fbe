import type { Kysely } from 'kysely';
import { canonicalJson } from '../domain/canonical-json.ts';
import { contentHashOf, entryHashOf, type Checkpoint, type TransparencyEntry, type TransparencyEvent } from '../domain/transparency.ts';
import type { Database } from './db.ts';

// A type alias, not an interface: Kysely.withTables needs an index-signature-compatible shape.
/** The tables of migration 0024-transparency-log. */
export type TransparencyTables = {
  transparency_entry: { seq: number; time: string; kind: string; content: string; content_hash: string; prev_hash: string; hash: string };
  transparency_head: { id: number; seq: number; hash: string };
  transparency_checkpoint: { id: number; tree_size: number; head_hash: string; time: string; hub: string; key_id: string; signature: string };
  platform_share: {
    id: string;
    object_id: string;
    object_public: number;
    shared_by_org: string;
    shared_by_user: string | null;
    platform_org: string;
    url: string;
    reason: string;
    shared_at: string;
    response: string | null;
    response_outcome: string | null;
    response_at: string | null;
    response_by_org: string | null;
    seq: number;
  };
};

export type PlatformShareRow = TransparencyTables['platform_share'];

/**
 * Appends events to the log inside the caller's transaction, so an entry exists exactly when what it records
 * was committed. Bumping the head row first takes SQLite's write lock or PostgreSQL's row lock: appenders queue.
 */
export async function appendTransparency(t: Kysely<TransparencyTables>, events: readonly TransparencyEvent[]): Promise<TransparencyEntry[]> {
  if (events.length === 0) return [];
  const head = await t
    .updateTable('transparency_head')
    .set((eb) => ({ seq: eb('seq', '+', events.length) }))
    .where('id', '=', 1)
    .returning(['seq', 'hash'])
    .executeTakeFirstOrThrow();
  let seq = Number(head.seq) - events.length;
  let prev = head.hash;
  const entries: TransparencyEntry[] = [];
  for (const event of events) {
    seq += 1;
    const content = JSON.parse(canonicalJson(event.content)) as Record<string, unknown>;
    const base = { seq, time: event.time, kind: event.kind, content_hash: contentHashOf(content), prev_hash: prev };
    const entry: TransparencyEntry = { ...base, content, hash: entryHashOf(base) };
    await t.insertInto('transparency_entry').values({ ...entry, content: canonicalJson(content) }).execute();
    entries.push(entry);
    prev = entry.hash;
  }
  await t.updateTable('transparency_head').set({ hash: prev }).where('id', '=', 1).execute();
  return entries;
}

const entryOf = (row: TransparencyTables['transparency_entry']): TransparencyEntry => ({ ...row, seq: Number(row.seq), content: JSON.parse(row.content) as Record<string, unknown> });
const checkpointOf = (row: TransparencyTables['transparency_checkpoint']): Checkpoint & { readonly id: number } => ({ ...row, id: Number(row.id), tree_size: Number(row.tree_size) });

/** The log's SQL: append (only inside a transaction with what it records), read in order, checkpoints. Nothing updates or deletes an entry. */
export interface TransparencyRepository {
  head(): Promise<{ readonly seq: number; readonly hash: string }>;
  /** Entries from `from` (seq, 1-based) in order, at most `limit`. */
  entries(from: number, limit: number): Promise<readonly TransparencyEntry[]>;
  /** Checkpoints oldest first, from `from` (1-based), at most `limit`. */
  checkpoints(from: number, limit: number): Promise<readonly (Checkpoint & { readonly id: number })[]>;
  latestCheckpoint(): Promise<(Checkpoint & { readonly id: number }) | null>;
  /** Signs the head as it is now (held still while `sign` runs) and keeps the checkpoint. */
  addCheckpoint(sign: (head: { readonly seq: number; readonly hash: string }) => Checkpoint): Promise<Checkpoint & { readonly id: number }>;
  /** A share and its log entry, in one transaction. */
  recordShare(row: Omit<PlatformShareRow, 'seq'>, event: (share: Omit<PlatformShareRow, 'seq'>) => TransparencyEvent): Promise<PlatformShareRow>;
  /** A platform's response and its log entry, in one transaction. */
  recordResponse(id: string, response: Pick<PlatformShareRow, 'response' | 'response_outcome' | 'response_at' | 'response_by_org'>, event: TransparencyEvent): Promise<PlatformShareRow | null>;
  share(id: string): Promise<PlatformShareRow | null>;
  /** Shares an organization made or received, newest first. */
  sharesOf(orgId: string, limit: number): Promise<readonly PlatformShareRow[]>;
}

export function transparencyRepository(database: Database<unknown>): TransparencyRepository {
  const db: Kysely<TransparencyTables> = database.db.withTables<TransparencyTables>();
  const share = async (id: string, q: Kysely<TransparencyTables> = db) => {
    const row = await q.selectFrom('platform_share').selectAll().where('id', '=', id).executeTakeFirst();
    return row === undefined ? null : { ...row, seq: Number(row.seq) };
  };
  return {
    async head() {
      const head = await db.selectFrom('transparency_head').select(['seq', 'hash']).where('id', '=', 1).executeTakeFirstOrThrow();
      return { seq: Number(head.seq), hash: head.hash };
    },
    async entries(from, limit) {
      return (await db.selectFrom('transparency_entry').selectAll().where('seq', '>=', from).orderBy('seq').limit(limit).execute()).map(entryOf);
    },
    async checkpoints(from, limit) {
      return (await db.selectFrom('transparency_checkpoint').selectAll().where('id', '>=', from).orderBy('id').limit(limit).execute()).map(checkpointOf);
    },
    async latestCheckpoint() {
      const row = await db.selectFrom('transparency_checkpoint').selectAll().orderBy('id', 'desc').limit(1).executeTakeFirst();
      return row === undefined ? null : checkpointOf(row);
    },
    addCheckpoint: (sign) =>
      db.transaction().execute(async (trx) => {
        // Holding the head row: no entry is appended between reading the head and keeping its signature.
        const head = await trx.updateTable('transparency_head').set((eb) => ({ seq: eb('seq', '+', 0) })).where('id', '=', 1).returning(['seq', 'hash']).executeTakeFirstOrThrow();
        const last = await trx.selectFrom('transparency_checkpoint').select('id').orderBy('id', 'desc').limit(1).executeTakeFirst();
        const signed = sign({ seq: Number(head.seq), hash: head.hash });
        const row = { id: Number(last?.id ?? 0) + 1, tree_size: signed.tree_size, head_hash: signed.head_hash, time: signed.time, hub: signed.hub, key_id: signed.key_id, signature: signed.signature };
        await trx.insertInto('transparency_checkpoint').values(row).execute();
        return row;
      }),
    recordShare: (row, event) =>
      db.transaction().execute(async (trx) => {
        const [entry] = await appendTransparency(trx, [event(row)]);
        if (entry === undefined) throw new Error('a share was logged without an entry');
        const stored = { ...row, seq: entry.seq };
        await trx.insertInto('platform_share').values(stored).execute();
        return stored;
      }),
    recordResponse: (id, response, event) =>
      db.transaction().execute(async (trx) => {
        await appendTransparency(trx, [event]);
        await trx.updateTable('platform_share').set(response).where('id', '=', id).execute();
        return share(id, trx);
      }),
    share: (id) => share(id),
    async sharesOf(orgId, limit) {
      const rows = await db
        .selectFrom('platform_share')
        .selectAll()
        .where((eb) => eb.or([eb('shared_by_org', '=', orgId), eb('platform_org', '=', orgId)]))
        .orderBy('shared_at', 'desc')
        .orderBy('id')
        .limit(limit)
        .execute();
      return rows.map((r) => ({ ...r, seq: Number(r.seq) }));
    },
  };
}
