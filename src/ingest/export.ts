import { randomUUID } from 'node:crypto';
import type { Problem } from '../domain/problem.ts';
import { err, ok, type Result } from '../domain/result.ts';
import type { ListQuery, Reader, StixStore, StoredVersion } from '../store/types.ts';
import { microsFromIso } from '../stix/timestamp.ts';
import { servedText } from '../stix/tlp-marking.ts';

export interface ExportQuery {
  readonly types?: readonly string[];
  /** Only versions added to this hub after this instant (microseconds since the epoch). */
  readonly addedAfterUs?: number;
  /** latest (default) or every stored version. */
  readonly versions?: 'latest' | 'all';
  /** Objects per store page (default 1000). */
  readonly pageSize?: number;
  /** The reference library (ATT&CK, DISARM) left out or the only thing exported; absent: everything. */
  readonly reference?: 'exclude' | 'only';
  /** Told each page of versions before its bytes are sent (the route records the reads in the audit log there). */
  readonly onPage?: (versions: readonly StoredVersion[]) => Promise<void>;
}

const TYPE_NAME = /^[a-z][a-z0-9-]+[a-z0-9]$/;

/** A refused export filter: which one (`type` or `since`), and why. */
export interface ExportFilterError {
  readonly field: 'type' | 'since';
  readonly code: 'invalid-type' | 'invalid-timestamp';
  readonly message: string;
}

/**
 * Parses the filters every export path takes (CLI flags, REST query): comma-separated STIX type
 * names and an RFC 3339 `since`. No types (or only empty items) means every type.
 */
export function parseExportFilters(rawTypes: readonly string[] | undefined, since: string | undefined): Result<Pick<ExportQuery, 'types' | 'addedAfterUs'>, ExportFilterError> {
  const types = (rawTypes ?? []).flatMap((t) => t.split(',')).map((t) => t.trim()).filter((t) => t !== '');
  const badType = types.find((t) => !TYPE_NAME.test(t));
  if (badType !== undefined) return err({ field: 'type', code: 'invalid-type', message: `"${badType}" is not a STIX type name` });
  const addedAfterUs = since === undefined ? undefined : microsFromIso(since);
  if (addedAfterUs === null) {
    return err({ field: 'since', code: 'invalid-timestamp', message: `"${since ?? ''}" is not an RFC 3339 UTC timestamp such as 2026-11-01T00:00:00Z` });
  }
  return ok({ ...(types.length === 0 ? {} : { types }), ...(addedAfterUs === undefined ? {} : { addedAfterUs }) });
}

/**
 * Streams a STIX 2.1 bundle of what `reader` may see: a fresh bundle id and each object's stored
 * bytes, unchanged but for the TLP marking of a version stored without one (src/stix/tlp-marking.ts), joined with commas. The first page is fetched before anything is emitted, so a
 * bad query surfaces as an error value rather than a half-written bundle. `query.onPage` hears of each page before it
 * is sent, so a reader who stops the download part-way is recorded as having read only what was sent.
 */
export async function exportBundle(
  store: StixStore,
  reader: Reader,
  query: ExportQuery,
  newUuid: () => string = randomUUID,
): Promise<Result<AsyncGenerator<string>, Problem>> {
  const base: ListQuery = {
    limit: query.pageSize ?? 1000,
    versions: query.versions ?? 'latest',
    ...(query.types === undefined ? {} : { types: query.types }),
    ...(query.addedAfterUs === undefined ? {} : { addedAfterUs: query.addedAfterUs }),
    ...(query.reference === undefined ? {} : { reference: query.reference }),
  };
  const first = await store.list(reader, base);
  if (!first.ok) return err(first.error);
  async function* chunks(): AsyncGenerator<string> {
    // An empty bundle omits `objects`: STIX forbids an empty list.
    yield `{"type":"bundle","id":"bundle--${newUuid()}"`;
    let page = first.ok ? first.value : { items: [], nextCursor: null };
    let firstItem = true;
    for (;;) {
      if (page.items.length > 0) {
        await query.onPage?.(page.items);
        yield (firstItem ? ',"objects":[\n' : ',\n') + page.items.map((v) => servedText(v.json, v.type, v.sharing.tlp)).join(',\n');
        firstItem = false;
      }
      if (page.nextCursor === null) break;
      const next = await store.list(reader, { ...base, cursor: page.nextCursor });
      if (!next.ok) throw new Error(`export paging failed: ${next.error.message}`);
      page = next.value;
    }
    yield firstItem ? '}\n' : '\n]}\n';
  }
  return ok(chunks());
}
