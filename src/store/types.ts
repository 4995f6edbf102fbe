import type { AudienceKey } from '../domain/audience.ts';
import type { OrgId, StixId, UserId } from '../domain/ids.ts';
import type { Problem } from '../domain/problem.ts';
import type { Result } from '../domain/result.ts';
import type { Tlp } from '../domain/tlp.ts';
import type { TransparencyEvent } from '../domain/transparency.ts';
import type { AuditAppend } from './audit-store.ts';

/**
 * Who is reading. Every read in the store takes one; there is no read without it.
 * - `member`: a person or machine of an organization; sees objects its org owns, or whose
 *   audience shares a key with `keys` (the org's keys: community, org:<id>, state:<fips>,
 *   group:<id>…, user:<id>).
 * - `public`: the anonymous public pages; sees only audience `public`.
 * - `operator`: the person holding the database (CLI on the server itself); sees everything.
 */
export type Reader =
  | { readonly kind: 'member'; readonly orgId: OrgId; readonly userId: UserId | null; readonly keys: readonly AudienceKey[] }
  | { readonly kind: 'public' }
  | { readonly kind: 'operator' }
  /**
   * What is shared with one of `keys`, owning nothing: the part several organizations' readers have in
   * common (their keys but `org:` and `user:` ones). Never a principal; live feeds ask once with it for
   * all those readers (src/alerts/shared-lists.ts).
   */
  | { readonly kind: 'audience'; readonly keys: readonly AudienceKey[] };

/** A reader that is a member organization's person or machine: the only kind that writes. */
export type MemberReader = Extract<Reader, { readonly kind: 'member' }>;

/**
 * How an object is shared: set by its owner, the same for all its versions. A stored object is one
 * record per (id, owner): an observable, or an id written by someone who could not see another
 * owner's record of it, may have several records, each with its own sharing.
 */
export interface Sharing {
  readonly owner: OrgId;
  readonly tlp: Tlp;
  readonly audience: readonly AudienceKey[];
}

/** One STIX object version ready to store: parsed, validated, with its exact bytes. */
export interface IncomingObject {
  readonly id: StixId;
  readonly type: string;
  readonly created: string | null; // SCOs have no created/modified
  readonly modified: string | null;
  readonly revoked: boolean;
  readonly name: string | null;
  readonly description: string | null;
  /** The object's JSON exactly as it should be served back (custom properties and timestamp precision kept). */
  readonly json: string;
  readonly sharing: Sharing;
  /**
   * The audience is only the import's default for a new object: a new version of an object already
   * known keeps the audience of the version before it instead, and is refused (tlp-audience-mismatch)
   * when its TLP does not allow that audience. Never a silent re-share to a default.
   */
  readonly audienceDefault?: boolean;
  /**
   * The object's text as it came, when the hub added its TLP marking to `json` (src/ingest/prepare.ts): a version stored
   * as it came, before the hub wrote markings in, is the same version, so importing the same file again changes nothing.
   */
  readonly asReceived?: string;
  /**
   * The TLP is only the import's default: the object carries no TLP marking and the import asked for none. It holds
   * for a new object; a version already stored under another TLP, the same apart from the marking, is unchanged.
   */
  readonly tlpDefault?: boolean;
  /** What the object points at (`stixRefs` of its parsed JSON), when the caller has parsed it; otherwise the store parses `json`. */
  readonly refs?: readonly string[];
  /**
   * What the public transparency log says of this version. Every version stored TLP:CLEAR with audience public
   * is logged in the same transaction (not when it is unchanged), its content completed with the version's id,
   * modified and sha256; the store logs nothing for any other. Without this, the entry is a notice (type, name,
   * owner): so a path that forgets to say anything (import, TAXII, federation) still records what it made public.
   * REFERENCE_DATA: material the hub itself keeps public and that no member made public, not logged.
   */
  readonly transparency?: TransparencyEvent | typeof REFERENCE_DATA;
  /**
   * The id was made by the writer for this write (a random UUID, e.g. a status report's): no record of it can be
   * stored yet, so the store does not look for one.
   */
  readonly minted?: boolean;
  /**
   * The audit log's entries for this object's write, appended with it: in the write's one statement or in its
   * transaction, so the version and its entries commit together. Asked once the outcome is known; nothing is
   * appended for a version unchanged or refused.
   */
  readonly audit?: (outcome: 'added' | 'new-version') => AuditAppend;
}

/**
 * Marks a version of the hub's own public reference material: the knowledge base (ATT&CK, DISARM), Rampart's
 * identity and extension definition, the directory of organizations' identities. Only the hub's start-up and
 * directory code sets it; the transparency log records what members make public, not the directory.
 */
export const REFERENCE_DATA = 'reference-data';

export type PutOutcome =
  | { readonly kind: 'added' }
  | { readonly kind: 'new-version' }
  | { readonly kind: 'unchanged' }
  | { readonly kind: 'rejected'; readonly code: string; readonly message: string };

/** Same id and `modified` but different bytes: refuse (default) or replace with the newer import. */
export type ConflictPolicy = 'reject' | 'replace';

export interface StoredVersion {
  readonly id: StixId;
  readonly type: string;
  readonly modified: string | null;
  /** Microseconds since the epoch when this version was added: monotonic per store. */
  readonly addedUs: number;
  readonly json: string;
  readonly sharing: Sharing;
  readonly revoked: boolean;
  readonly isLatest: boolean;
}

/**
 * What log matching reads of an indicator: its latest version's id, owner, name, STIX pattern and validity, not
 * the rest of its JSON. Times are null when the JSON holds none.
 */
export interface IndicatorFields {
  readonly id: StixId;
  readonly addedUs: number;
  readonly owner: OrgId;
  readonly name: string | null;
  readonly pattern: string;
  readonly validFrom: string | null;
  readonly validUntil: string | null;
}

export interface ListQuery {
  readonly types?: readonly string[];
  /** Leave these types out, e.g. relationships from a list people read. */
  readonly excludeTypes?: readonly string[];
  readonly ids?: readonly StixId[];
  /** An observable value (IP, block, domain, URL, email, hash) or words over name and description (see stix-read.ts textMatch). */
  readonly text?: string;
  /** Only versions of these TLPs. */
  readonly tlps?: readonly string[];
  /** Only objects owned by these organizations. */
  readonly owners?: readonly string[];
  /** Only objects carrying one of these labels (STIX `labels`). */
  readonly labels?: readonly string[];
  /** Only incidents (and others with the Rampart extension) of these severities. */
  readonly severities?: readonly string[];
  /**
   * The reference library (ATT&CK, DISARM: objects its publishers own or created, and x-mitre- ones; the
   * version's stored flag, src/stix/reference-library.ts): left out (`exclude`) or the only ones (`only`).
   */
  readonly reference?: 'exclude' | 'only';
  /** Only objects about these states (2-digit FIPS, the Rampart extension's or a status report's state_fips). */
  readonly states?: readonly string[];
  readonly modifiedFrom?: string;
  readonly modifiedTo?: string;
  readonly addedAfterUs?: number;
  /** Only versions that point at this object: sightings of it (sighting_of_ref), relationships from or to it. */
  readonly refersTo?: StixId;
  /** latest (default): only the newest version of each object; all: every version. */
  readonly versions?: 'latest' | 'all';
  /** asc (default): oldest added first; desc: newest first. A cursor continues in the order it was given for. */
  readonly order?: 'asc' | 'desc';
  /**
   * added (default): by the time added to this hub; modified: by the version's modified time; name: by name,
   * letter case aside; relevance: best match of `text` first (words ranked by the full-text index among the
   * newest RANKED_AMONG matches the reader may see; a value query ranks nothing, so newest modified first).
   * `order` applies to added, modified and name.
   */
  readonly sort?: 'added' | 'modified' | 'name' | 'relevance';
  readonly limit: number;
  /** Opaque cursor returned by a previous page. */
  readonly cursor?: string;
}

/** What count takes: a list's filters, and how far to count. */
export type CountQuery = Omit<ListQuery, 'limit' | 'cursor'> & {
  /** Count no further than this: the answer is then at most atMost + 1, and above atMost means "more than atMost". */
  readonly atMost?: number;
};

export interface Page<T> {
  readonly items: readonly T[];
  readonly nextCursor: string | null;
}

export interface PutSummary {
  readonly outcomes: readonly PutOutcome[];
}

/** A write transaction: several batches that commit or roll back together. */
export interface StixWriter {
  putBatch(items: readonly IncomingObject[], policy: ConflictPolicy): Promise<readonly PutOutcome[]>;
  /**
   * The owners of the records of `ids` that `reader` may see, this transaction's own batches included
   * (its own records always). Read through the transaction: a read on the store itself would wait for
   * it (SQLite has one connection).
   */
  visibleOwners(reader: Reader, ids: readonly StixId[]): Promise<ReadonlyMap<StixId, readonly OrgId[]>>;
  /**
   * The versions this write's batches inserted, as stored (the store's own writer says; wrappers may not): all of them once
   * write() has answered (on PostgreSQL a write of one batch of minted ids is sent after `fn` answers).
   */
  inserted?(): InsertedVersions;
}

/** A version a write inserted: its id, added time, owner and audience keys as stored (never its content). */
export interface InsertedVersion {
  readonly id: string;
  readonly addedUs: number;
  readonly owner: string;
  readonly audience: readonly string[];
}

/** A record whose sharing a write changed (a new version with another audience or TLP): its id, owner and when its re-share was logged. */
export interface ResharedRecord {
  readonly id: string;
  readonly owner: string;
  readonly atUs: number;
}

/**
 * How many versions a write inserted, and the first of them (at most INSERTED_KEPT: an import's million are only counted);
 * the records whose sharing it changed, each once (a store that does not say: none).
 */
export interface InsertedVersions {
  readonly count: number;
  readonly first: readonly InsertedVersion[];
  readonly reshared?: readonly ResharedRecord[];
}

/** What a write notes as it goes (InsertedVersions). */
export interface InsertedSoFar {
  count: number;
  first: InsertedVersion[];
  reshared: ResharedRecord[];
}

export const INSERTED_KEPT = 1000;

/** Entries of the log of re-shares, and the number of the last one read (or where the log stands). */
export interface ReshareLog {
  readonly through: number;
  readonly entries: readonly ReshareEntry[];
}

/** One entry of the log of re-shares: its number, the id and owner of the record re-shared, and when, on the store's clock (null: logged before migration 0048). */
export interface ReshareEntry {
  readonly seq: number;
  readonly id: StixId;
  readonly owner: string;
  readonly atUs: number | null;
}

export interface StixStore {
  /** Runs `fn` in one transaction; if it returns an error Result (or throws) nothing it wrote is kept. */
  write<T, E>(fn: (writer: StixWriter) => Promise<Result<T, E>>): Promise<Result<T, E>>;
  get(reader: Reader, id: StixId): Promise<StoredVersion | null>;
  versions(reader: Reader, id: StixId): Promise<readonly StoredVersion[]>;
  list(reader: Reader, query: ListQuery): Promise<Result<Page<StoredVersion>, Problem>>;
  /** For each reader, whether it may see the version of `id` stored at `addedUs` (in one query, however many readers). */
  seenBy(readers: readonly Reader[], id: StixId, addedUs: number): Promise<boolean[]>;
  count(reader: Reader, query?: CountQuery): Promise<number>;
  /** list, and count of the same filters up to `atMost` (`counted`, as count answers it), sharing what a search looks up. */
  listCounted(reader: Reader, query: ListQuery, atMost: number): Promise<Result<Page<StoredVersion> & { readonly counted: number }, Problem>>;
  /**
   * The indicators the reader may see whose latest version is not revoked and has a STIX pattern (pattern_type
   * stix), added after `afterUs`, oldest first, at most `limit`.
   */
  indicators(reader: Reader, page: { readonly afterUs?: number; readonly limit: number }): Promise<readonly IndicatorFields[]>;
  /**
   * A mark that differs after any write that changes versions of `type` (added, replaced, demoted, reshared), for caches
   * of data derived from them: equal marks mean nothing of that type changed in between. Reveals nothing of any object.
   */
  changeMark(type: string): Promise<string>;
  /** The change marks of several types (each exactly what changeMark gives), in their order, read in one statement. */
  changeMarks(types: readonly string[]): Promise<readonly string[]>;
  /**
   * Changes who `sharing.owner`'s record of `id` is shared with (owner only; the check lives in the sharing service); other owners' records of the id are untouched.
   * Returns when the re-share was logged, on the store's clock (a tick as a version's added time), or null when it changed nothing.
   */
  reshare(id: StixId, sharing: Sharing): Promise<number | null>;
  /**
   * The log of re-shares (each a record whose sharing changed, in the order committed): `after` null gives where it
   * stands (the newest entry's number, 0 when empty) and no entries; a number gives the entries logged after it, oldest
   * first, at most `limit`. Names ids only, never an audience: a reader still asks for the object with its own reader.
   */
  reshares(after: number | null, limit: number): Promise<ReshareLog>;
  /**
   * The entries of the log of re-shares made after `afterUs` on the store's clock (a live feed's cursor), oldest first, at most
   * `limit`. Names ids only: a reader still asks for each object with its own reader.
   */
  resharedAfter(afterUs: number, limit: number): Promise<readonly ReshareEntry[]>;
  close(): Promise<void>;
}
