import { sql, type Kysely, type RawBuilder } from 'kysely';
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

/**
 * How an entry is sealed into the chain: its hash is `hash(prev hash, text(entry))`, which must be sha256 of the
 * previous hash then the text, in hex (src/audit/entry.ts, entryHash): PostgreSQL computes the same in the
 * appending statement, and the rows it returns are checked against `hash`.
 */
export interface AuditSeal {
  text(draft: AuditDraft): string;
  hash(prevHash: string, text: string): string;
}

/** Entries to append with a write (IncomingObject.audit), in its statement or transaction: one commit for both. */
export interface AuditAppend {
  readonly drafts: readonly AuditDraft[];
  readonly seal: AuditSeal;
}

type Executor = Kysely<AuditTables>;

/** In the caller's transaction: the head moved by the whole run, the rows take the seqs after the one it held, then inserted. */
async function appendRows(trx: Executor, drafts: readonly AuditDraft[], seal: AuditSeal): Promise<AuditRow[]> {
  // Writing the head first takes the write lock at once (SQLite) or the row lock (PostgreSQL),
  // so concurrent appenders, even in other processes, queue instead of forking the chain.
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
    const row: AuditRow = { ...draft, seq: first + i, prev_hash: prev, hash: seal.hash(prev, seal.text(draft)) };
    rows.push(row);
    prev = row.hash;
  }
  for (let i = 0; i < rows.length; i += CHUNK) await trx.insertInto('audit_entry').values(rows.slice(i, i + CHUNK)).execute();
  await trx.updateTable('audit_head').set({ hash: prev }).where('id', '=', 1).execute();
  return rows;
}

/** Ten parameters a row: chunks stay far below SQLite's 32,766. */
const CHUNK = 1000;

/**
 * PostgreSQL: the common table expressions that append `drafts` in one statement (`with recursive` before them): the
 * head row locked (FOR UPDATE waits for another appender and then reads the head it left; `after`, a CTE of the same
 * statement, is read first, so a lock it takes is taken before the head's), each entry's hash chained on the one before
 * by a recursive CTE (sha256 of the previous hash then the entry's text, hex: what `seal.hash` computes, checked on
 * the rows returned), the entries inserted and the head moved to the last. `audit_links` selects the links made.
 */
export function appendCtes(drafts: readonly AuditDraft[], seal: AuditSeal, after: string | null): { readonly ctes: RawBuilder<unknown>; readonly links: RawBuilder<unknown>; readonly texts: readonly string[] } {
  const texts = drafts.map((d) => seal.text(d));
  const column = <K extends keyof AuditDraft>(k: K) => drafts.map((d) => d[k]);
  const head =
    after === null
      ? sql`audit_head_row as (select seq, hash from audit_head where id = 1 for update)`
      : sql`audit_head_row as (select h.seq, h.hash from audit_head h, ${sql.table(after)} where h.id = 1 for update of h)`;
  const ctes = sql`${head},
    audit_input as (
      select * from unnest(${column('at')}::text[], ${column('actor_org')}::text[], ${column('actor_user')}::text[], ${column('action')}::text[],
        ${column('object_id')}::text[], ${column('subject_org')}::text[], ${column('details')}::text[], ${texts}::text[])
        with ordinality as t(at, actor_org, actor_user, action, object_id, subject_org, details, text, i)
    ),
    audit_chain (i, prev_hash, hash) as (
      select c.i, h.hash, encode(sha256(convert_to(h.hash || c.text, 'UTF8')), 'hex') from audit_head_row h join audit_input c on c.i = 1
      union all
      select c.i, ch.hash, encode(sha256(convert_to(ch.hash || c.text, 'UTF8')), 'hex') from audit_chain ch join audit_input c on c.i = ch.i + 1
    ),
    audit_entries as (
      insert into audit_entry (seq, at, actor_org, actor_user, action, object_id, subject_org, details, prev_hash, hash)
      select h.seq + c.i, c.at, c.actor_org, c.actor_user, c.action, c.object_id, c.subject_org, c.details, ch.prev_hash, ch.hash
      from audit_input c join audit_chain ch on ch.i = c.i cross join audit_head_row h
    ),
    audit_moved as (update audit_head set seq = (select seq from audit_head_row) + ${drafts.length}, hash = (select hash from audit_chain where i = ${drafts.length}) where id = 1)`;
  const links = sql`select ch.i, h.seq + ch.i as seq, ch.prev_hash, ch.hash from audit_chain ch cross join audit_head_row h order by ch.i`;
  return { ctes, links, texts };
}

/** The links PostgreSQL made, each checked against the log's own hash: the rows as appended. */
export function chainedRows(drafts: readonly AuditDraft[], seal: AuditSeal, texts: readonly string[], chained: readonly { i: number | string; seq: number | string; prev_hash: string; hash: string }[]): AuditRow[] {
  return drafts.map((draft, i) => {
    const link = chained[i];
    const text = texts[i] as string;
    if (link === undefined || Number(link.i) !== i + 1 || link.hash !== seal.hash(link.prev_hash, text)) {
      throw new Error(`audit entry ${i + 1} of ${drafts.length} was sealed differently by PostgreSQL than by the log's hash`);
    }
    return { ...draft, seq: Number(link.seq), prev_hash: link.prev_hash, hash: link.hash };
  });
}

/** PostgreSQL, one statement (autocommitted, or in the caller's transaction): appendCtes and their links. */
async function appendInOne(db: Executor, drafts: readonly AuditDraft[], seal: AuditSeal): Promise<AuditRow[]> {
  const { ctes, links, texts } = appendCtes(drafts, seal, null);
  const { rows } = await sql<{ i: number | string; seq: number | string; prev_hash: string; hash: string }>`with recursive ${ctes} ${links}`.execute(db);
  return chainedRows(drafts, seal, texts, rows);
}

/** Appends what a write carries (IncomingObject.audit) inside its transaction, in their order: one run per seal. */
export async function appendInTransaction(trx: Executor, dialect: 'sqlite' | 'postgres', appends: readonly AuditAppend[]): Promise<void> {
  for (const { drafts, seal } of mergedAppends(appends)) {
    if (dialect === 'postgres' && drafts.length <= CHUNK) await appendInOne(trx, drafts, seal);
    else await appendRows(trx, drafts, seal);
  }
}

/** Appends of one seal one after another, run together (a write's seals are the log's one seal). */
export function mergedAppends(appends: readonly AuditAppend[]): AuditAppend[] {
  const merged: { drafts: AuditDraft[]; seal: AuditSeal }[] = [];
  for (const append of appends) {
    const last = merged.at(-1);
    if (last !== undefined && last.seal === append.seal) last.drafts.push(...append.drafts);
    else if (append.drafts.length > 0) merged.push({ drafts: [...append.drafts], seal: append.seal });
  }
  return merged;
}

/** SQL of the audit log: append under a lock on the head, read in order. Nothing updates or deletes. */
export interface AuditRepository {
  /** Appends one entry, sealed on the hash before it. Appends are serialized on the head row. */
  append(draft: AuditDraft, seal: AuditSeal): Promise<AuditRow>;
  /**
   * Appends several entries in this order, each sealed on the hash of the one before: one lock on the head, one
   * insert, so an answer that records a read per owner holds the head once instead of once per owner. On
   * PostgreSQL one statement (head locked, entries chained and inserted, head moved): one round trip.
   */
  appendAll(drafts: readonly AuditDraft[], seal: AuditSeal): Promise<readonly AuditRow[]>;
  head(): Promise<AuditHead>;
  /** Entries in seq order, after `afterSeq`, at most `limit`. */
  page(afterSeq: number, limit: number): Promise<readonly AuditRow[]>;
  /** An organization's trail: what its people did, and what was done with its objects. */
  forOrg(orgId: string, afterSeq: number, limit: number): Promise<readonly AuditRow[]>;
}

const normalize = (row: AuditRow): AuditRow => ({ ...row, seq: Number(row.seq) });

export function auditRepository(database: Database<unknown>): AuditRepository {
  const db: Kysely<AuditTables> = database.db.withTables<AuditTables>();
  const appendIn = (drafts: readonly AuditDraft[], seal: AuditSeal): Promise<AuditRow[]> => db.transaction().execute((trx) => appendRows(trx, drafts, seal));

  const appendAll = (drafts: readonly AuditDraft[], seal: AuditSeal): Promise<AuditRow[]> => {
    if (drafts.length === 0) return Promise.resolve([]);
    return database.dialect === 'postgres' && drafts.length <= CHUNK ? appendInOne(db, drafts, seal) : appendIn(drafts, seal);
  };

  return {
    async append(draft, seal) {
      const [row] = await appendAll([draft], seal);
      if (row === undefined) throw new Error('one entry appended gives one row');
      return row;
    },
    appendAll,
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
