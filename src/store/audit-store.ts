import type { Kysely } from 'kysely';
import type { Database } from './db.ts';

// A type alias, not an interface: Kysely.withTables needs an index-signature-compatible shape.
/** The tables of migration 0004-audit. */
export type AuditTables = {
  audit_entry: {
    seq: number;
    at: string;
    actor_org: string | null;
    actor_user: string | null;
    action: string;
    object_id: string | null;
    subject_org: string | null;
    details: string;
    prev_hash: string;
    hash: string;
  };
  audit_head: { id: number; seq: number; hash: string };
};

export type AuditRow = AuditTables['audit_entry'];
/** An entry before it is sealed into the chain: no seq, no hashes yet. */
export type AuditDraft = Omit<AuditRow, 'seq' | 'prev_hash' | 'hash'>;

export interface AuditHead {
  readonly seq: number;
  readonly hash: string;
}

/** SQL of the audit log: append under a lock on the head, read in order. Nothing updates or deletes. */
export interface AuditRepository {
  /** Appends one entry; `seal(prevHash)` gives its hash. Appends are serialized on the head row. */
  append(draft: AuditDraft, seal: (prevHash: string) => string): Promise<AuditRow>;
  /**
   * Appends several entries in this order in one transaction, each sealed on the hash of the one before
   * (`seal(prevHash, draft)`): one lock on the head, one insert, so an answer that records a read per
   * owner holds the head once instead of once per owner.
   */
  appendAll(drafts: readonly AuditDraft[], seal: (prevHash: string, draft: AuditDraft) => string): Promise<readonly AuditRow[]>;
  head(): Promise<AuditHead>;
  /** Entries in seq order, after `afterSeq`, at most `limit`. */
  page(afterSeq: number, limit: number): Promise<readonly AuditRow[]>;
  /** An organization's trail: what its people did, and what was done with its objects. */
  forOrg(orgId: string, afterSeq: number, limit: number): Promise<readonly AuditRow[]>;
}

const normalize = (row: AuditRow): AuditRow => ({ ...row, seq: Number(row.seq) });

export function auditRepository(database: Database<unknown>): AuditRepository {
  const db: Kysely<AuditTables> = database.db.withTables<AuditTables>();
  // Ten parameters a row: chunks stay far below SQLite's 32,766.
  const CHUNK = 1000;
  /** Inserts the entries and moves the head's hash to the last: on PostgreSQL one statement when they fit one chunk (a round trip less per append). */
  const insertAndSeal = async (trx: Kysely<AuditTables>, rows: readonly AuditRow[], hash: string): Promise<void> => {
    if (database.dialect === 'postgres' && rows.length <= CHUNK) {
      await trx.with('entries', (w) => w.insertInto('audit_entry').values(rows)).updateTable('audit_head').set({ hash }).where('id', '=', 1).execute();
      return;
    }
    for (let i = 0; i < rows.length; i += CHUNK) await trx.insertInto('audit_entry').values(rows.slice(i, i + CHUNK)).execute();
    await trx.updateTable('audit_head').set({ hash }).where('id', '=', 1).execute();
  };
  return {
    append(draft, seal) {
      return db.transaction().execute(async (trx) => {
        // Writing the head first takes the write lock at once (SQLite) or the row lock (PostgreSQL),
        // so concurrent appenders, even in other processes, queue instead of forking the chain.
        const head = await trx
          .updateTable('audit_head')
          .set((eb) => ({ seq: eb('seq', '+', 1) }))
          .where('id', '=', 1)
          .returning(['seq', 'hash'])
          .executeTakeFirstOrThrow();
        const row: AuditRow = { ...draft, seq: Number(head.seq), prev_hash: head.hash, hash: seal(head.hash) };
        await insertAndSeal(trx, [row], row.hash);
        return row;
      });
    },
    appendAll(drafts, seal) {
      if (drafts.length === 0) return Promise.resolve([]);
      return db.transaction().execute(async (trx) => {
        // The head moves by the whole run at once: the rows take the seqs after the one it held.
        const head = await trx
          .updateTable('audit_head')
          .set((eb) => ({ seq: eb('seq', '+', drafts.length) }))
          .where('id', '=', 1)
          .returning(['seq', 'hash'])
          .executeTakeFirstOrThrow();
        const first = Number(head.seq) - drafts.length + 1;
        const rows: AuditRow[] = [];
        let prev = head.hash;
        for (const [i, draft] of drafts.entries()) {
          const row: AuditRow = { ...draft, seq: first + i, prev_hash: prev, hash: seal(prev, draft) };
          rows.push(row);
          prev = row.hash;
        }
        await insertAndSeal(trx, rows, prev);
        return rows;
      });
    },
    async head() {
      const head = await db.selectFrom('audit_head').select(['seq', 'hash']).where('id', '=', 1).executeTakeFirstOrThrow();
      return { seq: Number(head.seq), hash: head.hash };
    },
    async page(afterSeq, limit) {
      const rows = await db.selectFrom('audit_entry').selectAll().where('seq', '>', afterSeq).orderBy('seq').limit(limit).execute();
      return rows.map(normalize);
    },
    async forOrg(orgId, afterSeq, limit) {
      const rows = await db
        .selectFrom('audit_entry')
        .selectAll()
        .where('seq', '>', afterSeq)
        .where((eb) => eb.or([eb('actor_org', '=', orgId), eb('subject_org', '=', orgId)]))
        .orderBy('seq')
        .limit(limit)
        .execute();
      return rows.map(normalize);
    },
  };
}
