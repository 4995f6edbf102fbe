import { err, ok, type Result } from '../../domain/result.ts';
import type { TaxiiClient } from './client.ts';
import { taxiiError, type TaxiiClientError } from './errors.ts';
import type { LooseStixObject } from './resources.ts';

/**
 * Where a pull stands, saved after every page so a pull that crashed resumes where it stopped.
 * While paging with the server's `next`, added_after stays the run's start (§3.5: next goes with the same
 * filters); highWater is the latest date_added fully stored, where to restart if the token has expired.
 */
export interface PullPosition {
  readonly addedAfter: string | null;
  readonly next: string | null;
  readonly highWater: string | null;
}

export const START: PullPosition = { addedAfter: null, next: null, highWater: null };

export interface PulledPage {
  readonly objects: readonly LooseStixObject[];
  /** Each object's exact text as the server sent it, in the same order; null when unavailable. */
  readonly texts: readonly string[] | null;
  /** The position to save once this page's objects are stored. */
  readonly position: PullPosition;
  /** True on the last page of this run. */
  readonly done: boolean;
}

export interface PullOptions {
  readonly position: PullPosition;
  /** Objects per page asked for; the server may send fewer (default 1000). */
  readonly limit?: number;
  readonly types?: readonly string[];
}

/** Orders TAXII/STIX timestamps of any fractional precision (string order fails for `05Z` against `05.5Z`). */
export function compareTimestamps(a: string, b: string): number {
  const key = (t: string) => {
    const m = /^(\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d)(?:\.(\d+))?Z$/i.exec(t.trim());
    return m === null ? t : `${m[1] ?? ''}.${(m[2] ?? '').padEnd(9, '0').slice(0, 9)}`;
  };
  const x = key(a);
  const y = key(b);
  return x < y ? -1 : x > y ? 1 : 0;
}

function later(a: string | null, b: string | null): string | null {
  if (a === null) return b;
  if (b === null) return a;
  return compareTimestamps(a, b) >= 0 ? a : b;
}

/**
 * Pages through a collection's objects from `position`: by the server's `next` when it gives one, else by
 * setting added_after to the page's X-TAXII-Date-Added-Last (§3.5). An expired or refused `next` restarts
 * once from the high-water mark. Yields each page with the position to save after storing it; ends after
 * the page with more=false, or with an error value.
 */
export async function* pullPages(client: TaxiiClient, collectionUrl: string, options: PullOptions): AsyncGenerator<Result<PulledPage, TaxiiClientError>> {
  let position = options.position;
  let restarted = false;
  for (;;) {
    const response = await client.objects(collectionUrl, {
      limit: options.limit ?? 1000,
      ...(options.types === undefined ? {} : { types: options.types }),
      ...(position.addedAfter === null ? {} : { addedAfter: position.addedAfter }),
      ...(position.next === null ? {} : { next: position.next }),
    });
    if (!response.ok) {
      const tokenRefused = position.next !== null && (response.error.code === 'taxii-rejected' || response.error.code === 'taxii-not-found');
      if (tokenRefused && !restarted) {
        restarted = true;
        position = { addedAfter: position.highWater ?? position.addedAfter, next: null, highWater: position.highWater };
        continue;
      }
      yield response;
      return;
    }
    restarted = false;
    const { resource: envelope, dateAddedLast, texts } = response.value;
    const objects = envelope.objects ?? [];
    const highWater = later(position.highWater, dateAddedLast);
    const more = envelope.more === true;
    const next = envelope.next ?? '';
    if (!more) {
      yield ok({ objects, texts, position: { addedAfter: highWater ?? position.addedAfter, next: null, highWater }, done: true });
      return;
    }
    if (next !== '') {
      position = { addedAfter: position.addedAfter, next, highWater };
    } else if (objects.length === 0) {
      // more=true with an empty page happens when objects were deleted meanwhile (§3.5): nothing left to read.
      yield ok({ objects, texts, position: { addedAfter: highWater ?? position.addedAfter, next: null, highWater }, done: true });
      return;
    } else if (dateAddedLast === null || (position.addedAfter !== null && compareTimestamps(dateAddedLast, position.addedAfter) <= 0)) {
      // The objects in hand are good; store them, then stop: asking again would return the same page forever.
      yield ok({ objects, texts, position: { ...position, highWater }, done: false });
      yield err(
        taxiiError(
          'taxii-cannot-page',
          `${collectionUrl} says more objects remain but gives neither "next" nor a later X-TAXII-Date-Added-Last header, so the client cannot ask for the next page; ask a larger --limit or report it to the server's operator`,
          { url: collectionUrl },
        ),
      );
      return;
    } else {
      position = { addedAfter: dateAddedLast, next: null, highWater };
    }
    yield ok({ objects, texts, position, done: false });
  }
}
