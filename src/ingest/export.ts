import { randomUUID } from 'node:crypto';
import type { Problem } from '../domain/problem.ts';
import { err, ok, type Result } from '../domain/result.ts';
import type { ListQuery, Reader, StixStore } from '../store/types.ts';

export interface ExportQuery {
  readonly types?: readonly string[];
  /** Only versions added to this hub after this instant (microseconds since the epoch). */
  readonly addedAfterUs?: number;
  /** latest (default) or every stored version. */
  readonly versions?: 'latest' | 'all';
  /** Objects per store page (default 1000). */
  readonly pageSize?: number;
}

/**
 * Streams a STIX 2.1 bundle of what `reader` may see: a fresh bundle id and each object's stored
 * bytes, unchanged, joined with commas. The first page is fetched before anything is emitted, so a
 * bad query surfaces as an error value rather than a half-written bundle.
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
        yield (firstItem ? ',"objects":[\n' : ',\n') + page.items.map((v) => v.json).join(',\n');
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
