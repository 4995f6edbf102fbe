import { sql, type Kysely, type RawBuilder } from 'kysely';
import { appendCtes, chainedRows, mergedAppends, type AuditAppend } from './audit-store.ts';
import type { StatusIndexParts } from './status-index.ts';
import type { StixAudienceTable, StixTables, StixValueTable, StixVersionTable } from './stix-tables.ts';
import { audienceRows, isPublic, newStates, noteInserted, planBatch, rowsOf, valueRowsOf, type MicroClock } from './stix-write.ts';
import { anyIdMayBeStored } from './stored-ids.ts';
import type { ConflictPolicy, IncomingObject, InsertedSoFar, PutOutcome } from './types.ts';

/**
 * A batch PostgreSQL writes in one autocommitted statement (putAlone), planned before any connection is taken: the
 * outcomes its writer answers with, and its rows with added times counted from 0 (the statement adds the first one
 * it reserves).
 */
export interface AloneBatch {
  readonly outcomes: readonly PutOutcome[];
  readonly types: readonly string[];
  readonly rows: readonly StixVersionTable[];
  readonly audiences: readonly StixAudienceTable[];
  readonly refs: readonly { ref: string; added_us: number }[];
  readonly statuses: readonly { at: number; parts: StatusIndexParts }[];
  readonly values: readonly StixValueTable[];
  /** The audit log's entries the items carry (IncomingObject.audit), appended by the same statement; null when none. */
  readonly audit: AuditAppend | null;
}

/** Versions a batch may hold to be written alone: a status report, an election, a few minted objects. */
const ALONE_MAX = 100;

/**
 * The batch as one statement, when it can be: every item's id minted for this write (so nothing stored is read and
 * nothing stored changes: no version replaced, demoted or reshared) and none made public (the transparency log's
 * entry is written by the transaction path). Null otherwise. The outcomes are those putBatch gives the same items.
 */
export function planAlone(items: readonly IncomingObject[], policy: ConflictPolicy): AloneBatch | null {
  if (items.length === 0 || items.length > ALONE_MAX || items.some((item) => item.minted !== true)) return null;
  // Minted ids only: nothing to look up, so every record starts new, as putBatch's loadState would find them.
  const { state, lookup } = newStates(items, anyIdMayBeStored);
  if (lookup.size > 0) return null;
  const { outcomes, inserts, replaced } = planBatch(items, policy, state);
  if (replaced.length > 0) return null;
  const { rows, refs, statuses } = rowsOf(inserts, 0);
  if (rows.some((row) => row.tlp === 'clear' && isPublic(row.tlp, JSON.parse(row.audience) as string[]))) return null;
  const audits = mergedAppends(auditsOf(items, outcomes));
  // Entries under several seals take the transaction path (the log has one seal: this does not happen).
  if (audits.length > 1) return null;
  return { outcomes, types: [...new Set(inserts.map((i) => i.item.type))].sort(), rows, audiences: audienceRows(rows), refs, statuses, values: valueRowsOf(rows), audit: audits[0] ?? null };
}

/** The audit entries the items of a batch carry for their outcomes (IncomingObject.audit), in the batch's order. */
export function auditsOf(items: readonly IncomingObject[], outcomes: readonly PutOutcome[]): AuditAppend[] {
  const out: AuditAppend[] = [];
  for (const [i, item] of items.entries()) {
    const kind = outcomes[i]?.kind;
    if (item.audit !== undefined && (kind === 'added' || kind === 'new-version')) out.push(item.audit(kind));
  }
  return out;
}

const column = (values: readonly unknown[], type: string): RawBuilder<unknown> => sql`${values}::${sql.raw(type)}[]`;

/**
 * Writes a planned batch in one autocommitted statement (PostgreSQL): the change count and the clock's reservation as
 * putBatch makes them (the clock's row first: the main query reads it, so it is updated before the inserts, which run
 * after), and every row with its added time, `first + offset`, computed in the statement. The clock's row is held for
 * this one round trip: added times still follow commit order. Triggers fire as for the transaction's inserts
 * (stix_fts_term's, once for the statement). Returns the first added time, and notes the versions in `inserted`.
 */
export async function putAlone(db: Kysely<StixTables>, batch: AloneBatch, clock: MicroClock, inserted: InsertedSoFar): Promise<number> {
  const n = batch.rows.length;
  if (n === 0) return 0;
  const now = clock();
  const { rows, audiences, refs, statuses, values } = batch;
  const at = (list: readonly { added_us: number }[]) => column(list.map((r) => r.added_us), 'int8');
  const inserts: RawBuilder<unknown>[] = [
    sql`bumped as (insert into stix_change (type, n) select t, 1 from unnest(${column(batch.types, 'text')}) as t on conflict (type) do update set n = stix_change.n + 1)`,
    sql`versions as (insert into stix_version (added_us, id, type, modified, mod_key, revoked, is_latest, name, description, json, owner, tlp, audience, named_users, reference)
      select clock.first + r.at, r.id, r.type, r.modified, r.mod_key, r.revoked, r.is_latest, r.name, r.description, r.json, r.owner, r.tlp, r.audience, r.named_users, r.reference
      from clock, unnest(${at(rows)}, ${column(rows.map((r) => r.id), 'text')}, ${column(rows.map((r) => r.type), 'text')}, ${column(rows.map((r) => r.modified), 'text')},
        ${column(rows.map((r) => r.mod_key), 'text')}, ${column(rows.map((r) => r.revoked), 'int4')}, ${column(rows.map((r) => r.is_latest), 'int4')}, ${column(rows.map((r) => r.name), 'text')},
        ${column(rows.map((r) => r.description), 'text')}, ${column(rows.map((r) => r.json), 'text')}, ${column(rows.map((r) => r.owner), 'text')}, ${column(rows.map((r) => r.tlp), 'text')},
        ${column(rows.map((r) => r.audience), 'text')}, ${column(rows.map((r) => r.named_users), 'text')}, ${column(rows.map((r) => r.reference), 'int4')})
        as r(at, id, type, modified, mod_key, revoked, is_latest, name, description, json, owner, tlp, audience, named_users, reference))`,
  ];
  if (audiences.length > 0) {
    inserts.push(sql`audiences as (insert into stix_audience (key, added_us, reference, is_latest, type) select r.key, clock.first + r.at, r.reference, r.is_latest, r.type
      from clock, unnest(${column(audiences.map((a) => a.key), 'text')}, ${at(audiences)}, ${column(audiences.map((a) => a.reference), 'int4')},
        ${column(audiences.map((a) => a.is_latest), 'int4')}, ${column(audiences.map((a) => a.type), 'text')}) as r(key, at, reference, is_latest, type))`);
  }
  if (refs.length > 0) {
    inserts.push(sql`refs as (insert into stix_ref (ref, added_us) select r.ref, clock.first + r.at from clock, unnest(${column(refs.map((r) => r.ref), 'text')}, ${at(refs)}) as r(ref, at))`);
  }
  if (statuses.length > 0) {
    const parts = statuses.map((s) => s.parts);
    // A report is never fresher than its receipt: the earlier of the time it claims and its added time (least ignores a null claim).
    inserts.push(sql`statuses as (insert into status_report (added_us, election_ref, jurisdiction_ref, state_fips, reported_us, trusted, levels)
      select clock.first + r.at, r.election_ref, r.jurisdiction_ref, r.state_fips, least(r.claimed, clock.first + r.at), r.trusted, r.levels
      from clock, unnest(${column(statuses.map((s) => s.at), 'int8')}, ${column(parts.map((p) => p.election_ref), 'text')}, ${column(parts.map((p) => p.jurisdiction_ref), 'text')},
        ${column(parts.map((p) => p.state_fips), 'text')}, ${column(parts.map((p) => p.claimedUs), 'int8')}, ${column(parts.map((p) => p.trusted), 'int4')}, ${column(parts.map((p) => p.levels), 'text')})
        as r(at, election_ref, jurisdiction_ref, state_fips, claimed, trusted, levels))`);
  }
  if (values.length > 0) {
    inserts.push(sql`search_values as (insert into stix_value (kind, value, prefix, added_us, owner, audience) select r.kind, r.value, r.prefix, clock.first + r.at, r.owner, r.audience
      from clock, unnest(${column(values.map((v) => v.kind), 'text')}, ${column(values.map((v) => v.value), 'text')}, ${column(values.map((v) => v.prefix), 'int4')}, ${at(values)},
        ${column(values.map((v) => v.owner), 'text')}, ${column(values.map((v) => v.audience), 'text')}) as r(kind, value, prefix, at, owner, audience))`);
  }
  // The audit entries last: their head row is locked after the clock's (appendCtes reads `clock` first), the order every write keeps.
  const audit = batch.audit === null ? null : appendCtes(batch.audit.drafts, batch.audit.seal, 'clock');
  if (audit !== null) inserts.push(audit.ctes);
  const links = audit === null ? sql`null` : sql`(select json_agg(l order by l.i) from (${audit.links}) l)`;
  const { rows: result } = await sql<{ first: number; links: { i: number; seq: number; prev_hash: string; hash: string }[] | null }>`
    with recursive clock as (update stix_clock set last_us = greatest(last_us + ${n}, ${now + n - 1}) where one = 1 returning last_us - ${n - 1} as first),
    ${sql.join(inserts, sql`, `)}
    select first, ${links} as links from clock`.execute(db);
  const first = Number(result[0]?.first ?? Number.NaN);
  if (!Number.isFinite(first)) throw new Error('stix_clock has no row');
  if (audit !== null && batch.audit !== null) chainedRows(batch.audit.drafts, batch.audit.seal, audit.texts, result[0]?.links ?? []);
  noteInserted(
    inserted,
    rows.map((r) => ({ ...r, added_us: first + r.added_us })),
    batch.audiences.map((a) => ({ ...a, added_us: first + a.added_us })),
  );
  return first;
}
