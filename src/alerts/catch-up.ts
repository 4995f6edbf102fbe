import type { Reader, StixStore, StoredVersion } from '../store/types.ts';
import type { Change } from './bus.ts';

export interface CatchUpDeps {
  readonly stix: Pick<StixStore, 'list' | 'reshares'>;
  /** Milliseconds, the process's clock: how long a version has gone unnamed. */
  readonly now: () => number;
  /** A stored version (or a re-share) no change has named for this long is taken as lost (its change may still be on the way before). */
  readonly graceMs: number;
  /** Hands a change made up for lost versions or re-shares to the process's feeds, as if the bus had brought it. */
  readonly deliver: (change: Change) => void;
}

/**
 * What a process's live feeds would miss when a `stored` change does not reach it (NATS delivers at most
 * once; a process refuses a message it cannot read) or was never sent (a program writing straight into the
 * database): found once per process, not by every feed. Each scan reads the versions stored since the last
 * one (added_us follows commit order: the store's write lock, src/store/stix-write.ts lockClock), and a
 * version that no change has named within `graceMs` is handed to the feeds in a change naming it, which
 * they take as any other (src/alerts/fanout.ts: one seenBy per version and key set). A feed never sends a
 * version twice, so a change that comes after all costs a query, not a duplicate. Thousands of feeds each
 * reading what is new on their heartbeat were most of an idle server's work (docs/benchmarks.md).
 *
 * A `reshared` change lost on the way is found the same way in the store's log of re-shares (stix_reshare, in commit
 * order: a re-share takes the write lock): an entry no `reshared` change named within `graceMs` is handed on as one
 * naming its id, and every feed then reads that object with its own reader, so it reaches exactly the readers the
 * new audience names. (A version's new audience leaves no added time behind, so the versions' scan cannot find it.)
 */
export interface CatchUp {
  /** A change this process heard: the versions (or the re-share) it names are not lost. */
  heard(change: Change): void;
  /**
   * A stream opens: from now on every version stored is accounted for. The first call while none is open
   * reads where the store stands; a stream's first round must come after it resolves.
   */
  watch(): Promise<void>;
  /** A stream closed: when none is left, nothing is accounted for until the next watch(). */
  unwatch(): void;
  /** Reads what was stored and re-shared since the last scan and hands on what went unnamed too long; one scan at a time. */
  scan(): Promise<void>;
  /**
   * After a scan: every entry of the store's log (versions' added times, re-shares' logged times, one clock in commit order)
   * up to this time has been heard or handed on to the feeds by then; null while no stream is open or before the first scan.
   * (An entry read and not yet named within graceMs holds it back until it is handed on.)
   */
  readonly watermark: number | null;
}

const OPERATOR: Reader = { kind: 'operator' };
const PAGE = 200;
/** Versions read by one scan at most; the rest wait for the next. */
const MAX_PAGES = 5;
/** More lost versions than this and the made-up change names nothing: every feed reads what is new for it. */
const NAMED_LIMIT = 200;

interface Pending {
  readonly version: StoredVersion;
  readonly since: number;
}

const keyOf = (addedUs: number, id: string) => `${addedUs} ${id}`;

export function storeCatchUp(deps: CatchUpDeps): CatchUp {
  // The newest added time accounted for; null while no stream is open.
  let through: number | null = null;
  let watching: Promise<void> | null = null;
  let watchers = 0;
  // Bumped by unwatch(): a scan begun before does not move `through` afterwards.
  let generation = 0;
  // Named by a change, not yet read by a scan; read by a scan, not yet named by a change.
  const named = new Map<string, number>();
  const pending = new Map<string, Pending>();
  let scanning: Promise<void> | null = null;
  // The log of re-shares: the last entry accounted for (null while no stream is open); ids heard in a `reshared`
  // change and not yet found in the log, each with the number of the scans begun when heard; entries found, not yet heard.
  let reshareThrough: number | null = null;
  const heardReshares = new Map<string, number[]>();
  const pendingReshares = new Map<number, { readonly id: string; readonly owner: string; readonly atUs: number | null; readonly since: number }>();
  let scansBegun = 0;
  let watermark: number | null = null;

  const newest = async (): Promise<number> => {
    const page = await deps.stix.list(OPERATOR, { versions: 'all', order: 'desc', limit: 1 });
    if (!page.ok) throw new Error(`live feed catch-up: ${page.error.message}`);
    return page.value.items[0]?.addedUs ?? 0;
  };

  /**
   * Reads the log of re-shares since the last scan and hands on, by id, the entries no `reshared` change named in time.
   * Returns up to when the log is now accounted for (+Infinity: read to its end; null: not read).
   */
  async function scanReshares(started: number, begun: number): Promise<number | null> {
    const from = reshareThrough;
    if (from === null) return null;
    const read: { seq: number; id: string; owner: string; atUs: number | null }[] = [];
    let last = from;
    let complete = false;
    for (let pages = 0; pages < MAX_PAGES; pages++) {
      const log = await deps.stix.reshares(last, PAGE);
      read.push(...log.entries);
      last = log.through;
      if (log.entries.length < PAGE) {
        complete = true;
        break;
      }
    }
    if (started !== generation) return null;
    const now = deps.now();
    for (const entry of read) {
      const heard = heardReshares.get(entry.id);
      if (heard !== undefined && heard.length > 0) {
        heard.shift();
        if (heard.length === 0) heardReshares.delete(entry.id);
      } else pendingReshares.set(entry.seq, { id: entry.id, owner: entry.owner, atUs: entry.atUs, since: now });
    }
    // A name heard before this scan began was committed before it (changes are sent after the commit): when the scan
    // read the whole log and did not find it, that re-share changed nothing and logged nothing, and it must not stand
    // for a later entry of the same id whose own change is lost.
    if (complete) {
      for (const [id, heard] of heardReshares) {
        const kept = heard.filter((scan) => scan > begun);
        if (kept.length === 0) heardReshares.delete(id);
        else heardReshares.set(id, kept);
      }
    }
    reshareThrough = last;
    // Each record once (id and owner), with when its newest lost re-share was logged (a feed's cursor moves past it).
    const due = new Map<string, { id: string; owner: string; at: number | null }>();
    for (const [seq, p] of pendingReshares) {
      if (now - p.since < deps.graceMs) continue;
      pendingReshares.delete(seq);
      const key = `${p.id} ${p.owner}`;
      const known = due.get(key)?.at;
      due.set(key, { id: p.id, owner: p.owner, at: p.atUs === null ? (known ?? null) : Math.max(known ?? 0, p.atUs) });
    }
    for (const { id, owner, at } of due.values()) deps.deliver({ kind: 'reshared', id, owner, ...(at === null ? {} : { at_us: at }) });
    // Entries read and not yet handed on hold the watermark back; a log read in part is accounted for up to its last entry read.
    let upTo = complete ? Number.POSITIVE_INFINITY : (read.at(-1)?.atUs ?? Number.POSITIVE_INFINITY);
    for (const p of pendingReshares.values()) if (p.atUs !== null) upTo = Math.min(upTo, p.atUs - 1);
    return upTo;
  }

  const hand = (versions: readonly StoredVersion[]): void => {
    if (versions.length === 0) return;
    if (versions.length > NAMED_LIMIT) {
      deps.deliver({ kind: 'stored', count: versions.length });
      return;
    }
    const audience = new Set<string>();
    const owners = new Set<string>();
    for (const v of versions) {
      owners.add(v.sharing.owner);
      for (const key of v.sharing.audience) audience.add(key);
    }
    deps.deliver({ kind: 'stored', count: versions.length, audience: [...audience], owners: [...owners], versions: versions.map((v) => ({ id: v.id, added_us: v.addedUs })) });
  };

  async function scanOnce(): Promise<void> {
    if (watching === null) return;
    await watching;
    const started = generation;
    const begun = ++scansBegun;
    // The versions first, then the log of re-shares: a re-share logged before the newest version read committed before that
    // read, so the log read after it holds every one, and the watermark may reach that version.
    const versionsUpTo = await scanVersions(started);
    if (started !== generation || versionsUpTo === null) return;
    const resharesUpTo = await scanReshares(started, begun);
    if (started !== generation || resharesUpTo === null) return;
    watermark = Math.max(watermark ?? 0, Math.min(versionsUpTo, resharesUpTo));
  }

  /** Reads the versions stored since the last scan and hands on what went unnamed too long; returns up to when they are accounted for. */
  async function scanVersions(started: number): Promise<number | null> {
    const from = through;
    if (from === null) return null;
    const read: StoredVersion[] = [];
    let cursor: string | null = null;
    for (let pages = 0; pages < MAX_PAGES; pages++) {
      const page = await deps.stix.list(OPERATOR, { addedAfterUs: from, versions: 'all', limit: PAGE, ...(cursor === null ? {} : { cursor }) });
      if (!page.ok) throw new Error(`live feed catch-up: ${page.error.message}`);
      read.push(...page.value.items);
      cursor = page.value.nextCursor;
      if (cursor === null) break;
    }
    if (started !== generation) return null;
    const now = deps.now();
    let last = from;
    for (const v of read) {
      last = Math.max(last, v.addedUs);
      const key = keyOf(v.addedUs, v.id);
      if (!named.delete(key)) pending.set(key, { version: v, since: now });
    }
    // A name the scans went past without finding its version (replaced meanwhile) is kept no longer.
    for (const [key, addedUs] of named) if (addedUs <= last) named.delete(key);
    through = last;
    if (pending.size > NAMED_LIMIT && cursor !== null) {
      // A large write nobody announced: every feed reads what is new for it, and the scans go on from the newest.
      const count = pending.size;
      pending.clear();
      const jump = await newest();
      if (started !== generation) return null;
      through = Math.max(last, jump);
      deps.deliver({ kind: 'stored', count });
      // Each feed reads with its whole reader from where it stood (a personal round): everything up to the jump is handed on.
      return through;
    }
    const due: StoredVersion[] = [];
    for (const [key, p] of pending) {
      if (now - p.since < deps.graceMs) continue;
      pending.delete(key);
      due.push(p.version);
    }
    hand(due);
    let upTo = last;
    for (const p of pending.values()) upTo = Math.min(upTo, p.version.addedUs - 1);
    return upTo;
  }

  return {
    heard(change) {
      if (through === null) return;
      if (change.kind === 'reshared') {
        for (const [seq, p] of pendingReshares) {
          if (p.id !== change.id) continue;
          pendingReshares.delete(seq);
          return;
        }
        heardReshares.set(change.id, [...(heardReshares.get(change.id) ?? []), scansBegun + 1]);
        return;
      }
      if (change.kind !== 'stored') return;
      if (change.versions === undefined) {
        // Every feed reads what is new for it on this change: what was stored before it is found.
        pending.clear();
        return;
      }
      for (const v of change.versions) {
        const key = keyOf(v.added_us, v.id);
        if (!pending.delete(key) && v.added_us > through) named.set(key, v.added_us);
      }
    },
    watch() {
      watchers++;
      if (watching === null) {
        const opened = generation;
        const read: Promise<void> = Promise.all([newest(), deps.stix.reshares(null, 0)]).then(
          ([n, log]) => {
            if (opened !== generation) return;
            through = n;
            reshareThrough = log.through;
          },
          (error: unknown) => {
            if (watching === read) watching = null;
            throw error;
          },
        );
        watching = read;
      }
      return watching;
    },
    unwatch() {
      watchers = Math.max(0, watchers - 1);
      if (watchers > 0) return;
      generation++;
      watching = null;
      through = null;
      reshareThrough = null;
      named.clear();
      pending.clear();
      heardReshares.clear();
      pendingReshares.clear();
      watermark = null;
    },
    scan() {
      scanning ??= scanOnce().finally(() => {
        scanning = null;
      });
      return scanning;
    },
    get watermark() {
      return through === null ? null : watermark;
    },
  };
}
