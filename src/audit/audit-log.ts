import type { OrgId, UserId } from '../domain/ids.ts';
import { auditRepository, type AuditAppend, type AuditDraft, type AuditRepository, type AuditRow, type AuditSeal } from '../store/audit-store.ts';
import type { Database } from '../store/db.ts';
import { canonicalJson, chainHash, entryHash, GENESIS_HASH, hashedText, type AuditAction, type AuditEntryView } from './entry.ts';

/** What happened, who did it, and to what. */
export interface AuditRecord {
  readonly actorOrg: OrgId | null;
  readonly actorUser: UserId | null;
  readonly action: AuditAction;
  readonly objectId?: string | null;
  /** The owner of the object concerned, so its trail shows who read or changed it. */
  readonly subjectOrg?: OrgId | null;
  readonly details?: Readonly<Record<string, unknown>>;
}

/** The narrow part other features use: record an event. */
export interface AuditPort {
  record(entry: AuditRecord): Promise<void>;
  /** Several events in this order, appended together (one lock on the chain's head for all of them). */
  recordAll(entries: readonly AuditRecord[]): Promise<void>;
}

/** Entries drafted now for a store write to append with its rows (IncomingObject.audit): one commit for both. */
export interface AuditDrafting {
  draft(entries: readonly AuditRecord[]): AuditAppend;
}

export type AuditFindingKind = 'edited' | 'dropped' | 'reordered';

export interface AuditFinding {
  readonly kind: AuditFindingKind;
  /** The seq of the entry where the break shows. */
  readonly seq: number;
  readonly message: string;
}

export interface AuditVerification {
  readonly entries: number;
  readonly head: { readonly seq: number; readonly hash: string };
  readonly findings: readonly AuditFinding[];
}

export interface AuditLog extends AuditPort, AuditDrafting {
  /** Walks the whole chain and reports every edited, dropped or reordered entry. */
  verify(): Promise<AuditVerification>;
  /** An organization's own trail, oldest first, after `afterSeq`. */
  trail(orgId: OrgId, afterSeq: number, limit: number): Promise<readonly AuditEntryView[]>;
  /** Every entry, oldest first, after `afterSeq` (the operator's view). */
  entries(afterSeq: number, limit: number): Promise<readonly AuditEntryView[]>;
}

export interface AuditClock {
  now(): Date;
}

function view(row: AuditRow): AuditEntryView {
  const details: unknown = JSON.parse(row.details);
  return {
    seq: row.seq,
    at: row.at,
    actor_org: row.actor_org,
    actor_user: row.actor_user,
    action: row.action,
    object_id: row.object_id,
    subject_org: row.subject_org,
    details: typeof details === 'object' && details !== null && !Array.isArray(details) ? (details as Record<string, unknown>) : {},
    hash: row.hash,
  };
}

const PAGE = 1000;

function draftOf(entry: AuditRecord, at: string): AuditDraft {
  return {
    at,
    actor_org: entry.actorOrg,
    actor_user: entry.actorUser,
    action: entry.action,
    object_id: entry.objectId ?? null,
    subject_org: entry.subjectOrg ?? null,
    details: canonicalJson(entry.details ?? {}),
  };
}

/** The chain's hash (entry.ts): sha256 of the previous hash then the entry's canonical JSON. */
const SEAL: AuditSeal = { text: hashedText, hash: chainHash };

/** The append-only, hash-chained audit log over the store's database. */
export function createAuditLog(store: { readonly database: Database<unknown> }, clock: AuditClock = { now: () => new Date() }): AuditLog {
  const repo: AuditRepository = auditRepository(store.database);
  return {
    async record(entry) {
      await repo.append(draftOf(entry, clock.now().toISOString()), SEAL);
    },
    async recordAll(entries) {
      const at = clock.now().toISOString();
      await repo.appendAll(
        entries.map((e) => draftOf(e, at)),
        SEAL,
      );
    },
    draft(entries) {
      const at = clock.now().toISOString();
      return { drafts: entries.map((e) => draftOf(e, at)), seal: SEAL };
    },
    verify: () => verifyChain(repo),
    async trail(orgId, afterSeq, limit) {
      return (await repo.forOrg(orgId, afterSeq, limit)).map(view);
    },
    async entries(afterSeq, limit) {
      return (await repo.page(afterSeq, limit)).map(view);
    },
  };
}

interface Link {
  readonly seq: number;
  readonly prev: string;
  readonly hash: string;
}

async function verifyChain(repo: AuditRepository): Promise<AuditVerification> {
  const findings: AuditFinding[] = [];
  const links: Link[] = [];
  for (let after = 0; ; ) {
    const rows = await repo.page(after, PAGE);
    for (const row of rows) {
      if (entryHash(row.prev_hash, row) !== row.hash) {
        findings.push({ kind: 'edited', seq: row.seq, message: `entry ${row.seq} was changed after it was written: its hash no longer matches its content` });
      }
      links.push({ seq: row.seq, prev: row.prev_hash, hash: row.hash });
    }
    const last = rows.at(-1);
    if (last === undefined || rows.length < PAGE) break;
    after = last.seq;
  }
  const seqOfHash = new Map<string, number>([[GENESIS_HASH, 0], ...links.map((l) => [l.hash, l.seq] as const)]);
  let expected = GENESIS_HASH;
  for (const link of links) {
    if (link.prev !== expected) findings.push(breakAt(link.seq, seqOfHash.get(link.prev)));
    expected = link.hash;
  }
  const head = await repo.head();
  if (head.hash !== expected) {
    const lastSeq = links.at(-1)?.seq ?? 0;
    findings.push({ kind: 'dropped', seq: head.seq, message: `the log ends at entry ${lastSeq} but was last written at entry ${head.seq}: entries at the end are missing` });
  }
  findings.sort((a, b) => a.seq - b.seq || a.kind.localeCompare(b.kind));
  return { entries: links.length, head, findings };
}

/** The entry before `seq` is not the one it was chained to: moved when that one is still here, else dropped. */
function breakAt(seq: number, linkedTo: number | undefined): AuditFinding {
  if (linkedTo === undefined) return { kind: 'dropped', seq, message: `the entry written just before entry ${seq} is missing` };
  const after = linkedTo === 0 ? 'the start of the log' : `entry ${linkedTo}`;
  return { kind: 'reordered', seq, message: `entry ${seq} is out of order: it was written right after ${after}` };
}
