import type { StixId } from '../domain/ids.ts';
import { err, ok, type Result } from '../domain/result.ts';
import type { Principal } from '../domain/principal.ts';
import { isoFromMicros, microsFromIso } from '../stix/timestamp.ts';
import { withdrawnKey, type TaxiiStore, type Withdrawn } from '../store/taxii.ts';
import type { StixStore, StoredVersion } from '../store/types.ts';
import type { TaxiiCollection } from './collections.ts';
import { taxiiError, type TaxiiError } from './errors.ts';
import type { NextSigner } from './next-token.ts';
import type { TaxiiQuery } from './query.ts';

export interface ReadDeps {
  readonly stix: StixStore;
  readonly taxii: TaxiiStore;
  readonly signer: NextSigner;
  /** Largest page the server returns (a larger `limit` is clamped, §3.4.1). */
  readonly maxPageSize: number;
  readonly nowMs: () => number;
}

/** One object version as TAXII serves it. */
export interface Row {
  readonly stored: StoredVersion;
  /** The TAXII "version": `modified`, else `created`, else date_added for objects with neither (SCOs). */
  readonly version: string;
}

/** A row's date_added as a TAXII timestamp (computed on demand: most rows never print it). */
export function dateAddedOf(row: Row): string {
  return isoFromMicros(row.stored.addedUs);
}

export interface PageOut {
  readonly rows: readonly Row[];
  readonly more: boolean;
  readonly next: string | null;
  /** X-TAXII-Date-Added-First/Last: of the rows, or (no rows) the added_after asked for, else the epoch. */
  readonly first: string;
  readonly last: string;
}

/** The version string of a stored object version (§3.4.2: objects without modified use created). */
export function versionOf(v: StoredVersion): string {
  if (v.modified !== null) return v.modified;
  const parsed: unknown = JSON.parse(v.json);
  if (typeof parsed === 'object' && parsed !== null && 'created' in parsed && typeof parsed.created === 'string') return parsed.created;
  return isoFromMicros(v.addedUs);
}

function isWithdrawn(w: Withdrawn | undefined, version: string): boolean {
  if (w === undefined) return false;
  return w.kind === 'all' || w.versions.has(version);
}

/** Hides what owners withdrew with DELETE (the object, or some of its versions). */
export async function withoutWithdrawn(taxii: TaxiiStore, items: readonly StoredVersion[]): Promise<Row[]> {
  if (items.length === 0) return [];
  const withdrawn = await taxii.withdrawn(items.map((v) => v.id));
  const rows: Row[] = [];
  for (const stored of items) {
    const version = versionOf(stored);
    if (!isWithdrawn(withdrawn.get(withdrawnKey(stored.id, stored.sharing.owner)), version)) rows.push({ stored, version });
  }
  return rows;
}

/** Every version of `id` in the collection that was not withdrawn, oldest version first. */
export async function versionsIn(deps: ReadDeps, collection: TaxiiCollection, id: StixId): Promise<Row[]> {
  const all = await deps.stix.versions(collection.reader, id);
  const inTypes = all.filter((v) => collection.types.length === 0 || collection.types.includes(v.type));
  const rows = await withoutWithdrawn(deps.taxii, inTypes);
  return rows.sort((a, b) => (microsFromIso(a.version) ?? 0) - (microsFromIso(b.version) ?? 0));
}

/** Keeps the rows match[version] asks for: first and last of each object, or exact versions. */
async function matchVersions(deps: ReadDeps, collection: TaxiiCollection, query: TaxiiQuery, rows: readonly Row[]): Promise<Row[]> {
  const m = query.version;
  if (m.all || (m.last && !m.first && m.exact.size === 0)) return [...rows];
  // The first version of each record: an id held by several owners has one record per owner.
  const firsts = new Map<string, string>();
  if (m.first) {
    for (const id of new Set(rows.map((r) => r.stored.id))) {
      for (const v of await versionsIn(deps, collection, id)) {
        const record = withdrawnKey(id, v.stored.sharing.owner);
        if (!firsts.has(record)) firsts.set(record, v.version);
      }
    }
  }
  return rows.filter((r) => (m.last && r.stored.isLatest) || (m.first && firsts.get(withdrawnKey(r.stored.id, r.stored.sharing.owner)) === r.version) || m.exact.has(microsFromIso(r.version) ?? -1));
}

function typesFor(collection: TaxiiCollection, query: TaxiiQuery): readonly string[] | undefined | null {
  if (collection.types.length === 0) return query.types;
  if (query.types === undefined) return collection.types;
  const both = query.types.filter((t) => collection.types.includes(t));
  return both.length === 0 ? null : both;
}

const EPOCH = '1970-01-01T00:00:00.000000Z';

/**
 * One page of a collection for manifest, objects, object-by-id and versions: ascending by date_added,
 * filtered in the store by the collection's reader, then by match[version] and withdrawals.
 * `scope` binds `next` to the endpoint; `versions` says whether the endpoint lists every version.
 */
export async function readPage(
  deps: ReadDeps,
  principal: Principal,
  collection: TaxiiCollection,
  scope: string,
  query: TaxiiQuery,
  options: { readonly ids?: readonly StixId[]; readonly everyVersion?: boolean },
): Promise<Result<PageOut, TaxiiError>> {
  let cursor: string | undefined;
  if (query.next !== undefined) {
    const opened = deps.signer.open(query.next, principal, scope, query, deps.nowMs());
    if (!opened.ok) return opened;
    cursor = opened.value;
  }
  const empty = query.addedAfterUs === undefined ? EPOCH : isoFromMicros(query.addedAfterUs);
  const none: PageOut = { rows: [], more: false, next: null, first: empty, last: empty };
  const types = typesFor(collection, query);
  // Only STIX 2.1 is stored; a query for other spec versions matches nothing (§3.4.2).
  if (types === null || (query.specVersions !== undefined && !query.specVersions.includes('2.1'))) return ok(none);
  const ids = options.ids ?? query.ids;
  const m = query.version;
  const everyVersion = options.everyVersion === true || m.all || m.first || m.exact.size > 0;
  const limit = Math.min(query.limit ?? deps.maxPageSize, deps.maxPageSize);
  const page = await deps.stix.list(collection.reader, {
    limit,
    versions: everyVersion ? 'all' : 'latest',
    ...(types === undefined ? {} : { types }),
    ...(ids === undefined ? {} : { ids }),
    ...(query.addedAfterUs === undefined ? {} : { addedAfterUs: query.addedAfterUs }),
    ...(cursor === undefined ? {} : { cursor }),
  });
  if (!page.ok) return err(taxiiError(400, 'invalid-next', `${page.error.message}; start again without next`));
  const visible = await withoutWithdrawn(deps.taxii, page.value.items);
  const rows = options.everyVersion === true ? visible : await matchVersions(deps, collection, query, visible);
  const nextCursor = page.value.nextCursor;
  const next = nextCursor === null ? null : deps.signer.sign(nextCursor, principal, scope, query, deps.nowMs());
  const firstRow = rows[0];
  const lastRow = rows[rows.length - 1];
  return ok({ rows, more: nextCursor !== null, next, first: firstRow === undefined ? empty : dateAddedOf(firstRow), last: lastRow === undefined ? empty : dateAddedOf(lastRow) });
}
