import type { Problem } from '../domain/problem.ts';
import type { Result } from '../domain/result.ts';
import type { Expectation, StatusEntry, StatusMark } from '../store/elections.ts';
import type { VisibleElection } from '../elections/service.ts';
import type { Jurisdiction, RollupParts } from './rollup.ts';

/**
 * What one reader's roll-ups of one election are built from, as read under `mark` (StatusMark): the election as
 * the reader sees it, the states' expectations, and the newest visible counted report of each jurisdiction (what
 * ElectionStatusRepository.latest gives). `views` keeps what was built from it, per scope, until the clock
 * passes the first moment it would change (a report going stale, a phase starting or ending).
 */
export interface ReaderElection {
  readonly mark: StatusMark;
  readonly found: VisibleElection;
  readonly expectations: readonly Expectation[];
  readonly latest: ReadonlyMap<string, StatusEntry>;
  readonly views: Map<string, BuiltView>;
  /**
   * Each state's part of the roll-ups built from it (rollup.ts StatePart), handed on to the entry caught up from it:
   * after a new report, a roll-up rebuilds only the states whose reports changed. Each part is checked against what
   * it is used with, so a part built from an older entry is never taken for a changed state.
   */
  readonly parts: RollupParts;
  /**
   * A person's entry (service.ts, readerElection): the organization-level entry it was merged from, and the newest
   * report of each jurisdiction that the person's own `user:` keys show. Null for every other entry.
   */
  readonly person: { readonly from: ReaderElection; readonly latest: ReadonlyMap<string, StatusEntry> } | null;
}

export interface BuiltView {
  /** The jurisdictions it was built over, as the jurisdictions port gave them (the port reads them anew every so often). */
  readonly jurisdictions: readonly Jurisdiction[];
  readonly builtUs: number;
  /** The first moment (epoch µs) at which it would read differently; null: never, by the clock alone. */
  readonly untilUs: number | null;
  readonly view: unknown;
  /** The first answer from it as JSON, with the election summary and generated_at it was serialized with (service.ts, jsonOf). */
  json: { readonly summary: string; readonly at: string; readonly text: string } | null;
}

/**
 * A bounded, least-recently-used map of ReaderElection per (election, reader's visibility), one per process.
 * The key holds everything the store's visibility predicate reads of the reader (its kind, organization and
 * audience keys), so two readers share an entry only when the predicate cannot tell them apart. Bounded by
 * entries and by the reports they hold together (an operator's entry holds one per jurisdiction of the nation).
 */
export interface RollupCache {
  get(key: string): ReaderElection | undefined;
  /** Stores `next` unless another request stored a newer entry since `previous` was read. */
  replace(key: string, previous: ReaderElection | undefined, next: ReaderElection): void;
  /** The read of `key` under way (started by `reading`), and the status mark it was started under. */
  pending(key: string): Reading | undefined;
  /**
   * Runs `read` as the read of `key` under way until it settles, so that the requests that find the entry
   * missing or out of date at once (a herd of first reads) wait for one read instead of each making its own.
   */
  reading(key: string, mark: StatusMark, read: () => Promise<Result<ReaderElection, Problem>>): Promise<Result<ReaderElection, Problem>>;
  readonly size: number;
}

export interface Reading {
  readonly mark: StatusMark;
  readonly entry: Promise<Result<ReaderElection, Problem>>;
}

export function rollupCache(limits: { readonly entries?: number; readonly reports?: number } = {}): RollupCache {
  const maxEntries = limits.entries ?? 1000;
  const maxReports = limits.reports ?? 200_000;
  const map = new Map<string, ReaderElection>();
  const underWay = new Map<string, Reading>();
  let reports = 0;
  const drop = (key: string) => {
    const old = map.get(key);
    if (old === undefined) return;
    reports -= old.latest.size;
    map.delete(key);
  };
  return {
    get(key) {
      const entry = map.get(key);
      if (entry === undefined) return undefined;
      map.delete(key);
      map.set(key, entry);
      return entry;
    },
    replace(key, previous, next) {
      if (map.get(key) !== previous) return;
      drop(key);
      map.set(key, next);
      reports += next.latest.size;
      for (const oldest of map.keys()) {
        if (map.size <= 1 || (map.size <= maxEntries && reports <= maxReports)) break;
        drop(oldest);
      }
    },
    pending(key) {
      return underWay.get(key);
    },
    reading(key, mark, read) {
      const entry = read();
      const reading: Reading = { mark, entry };
      underWay.set(key, reading);
      const done = () => {
        if (underWay.get(key) === reading) underWay.delete(key);
      };
      entry.then(done, done);
      return entry;
    },
    get size() {
      return map.size;
    },
  };
}

/** The newest of two reports of a jurisdiction, as ElectionStatusRepository.latest orders them. */
const newer = (a: StatusEntry, b: StatusEntry): boolean => a.reportedUs > b.reportedUs || (a.reportedUs === b.reportedUs && a.addedUs > b.addedUs);

/** The newest report per jurisdiction of `latest` and `added` together (null: `added` changes nothing). */
export function merged(latest: ReadonlyMap<string, StatusEntry>, added: readonly StatusEntry[]): Map<string, StatusEntry> | null {
  let out: Map<string, StatusEntry> | null = null;
  for (const e of added) {
    const before = (out ?? latest).get(e.jurisdictionRef);
    if (before !== undefined && !newer(e, before)) continue;
    out ??= new Map<string, StatusEntry>(latest);
    out.set(e.jurisdictionRef, e);
  }
  return out;
}

export function byJurisdiction(entries: readonly StatusEntry[]): Map<string, StatusEntry> {
  return merged(new Map<string, StatusEntry>(), entries) ?? new Map<string, StatusEntry>();
}

/** Whether two lists hold the same jurisdictions, object for object (the port gives the same objects until it reads anew). */
export function sameJurisdictions(a: readonly Jurisdiction[], b: readonly Jurisdiction[]): boolean {
  if (a.length !== b.length) return false;
  for (let i = 0; i < a.length; i++) if (a[i] !== b[i]) return false;
  return true;
}
