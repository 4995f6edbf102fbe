import { parseStixId, type OrgId, type StixId } from '../domain/ids.ts';
import type { Reader, StixStore, StoredVersion } from '../store/types.ts';
import { liveObject, type Feed, type NamedChange, type SeenVersion } from './feed.ts';
import { readerKey } from './shared-lists.ts';

export interface FanOutDeps {
  readonly stix: Pick<StixStore, 'list' | 'seenBy'>;
  readonly ownerName?: (id: OrgId) => Promise<string | null>;
  readonly onError?: (error: unknown) => void;
}

const OPERATOR: Reader = { kind: 'operator' };
/** Versions read per query when a change's versions are read back. */
const PAGE = 200;

export interface FanOut {
  /** Hands `change` to `feeds` (the ones it may concern): at once to those taking their own round, after one query per version to the rest. */
  take(change: NamedChange, feeds: Iterable<Feed>): void;
  /** Resolves when every change taken so far has been offered (tests). */
  settled(): Promise<void>;
}

interface Group {
  readonly reader: Reader;
  /** Each feed with the reader it would ask with (its own object: the feed checks it still reads with it). */
  readonly feeds: { readonly feed: Feed; readonly lane: Reader }[];
}

/**
 * A stored change that names its versions, handed to the feeds it may concern. Each feed that would run
 * a shared round (src/alerts/feed.ts route) is grouped with the others whose shared reader holds the same
 * keys; the store is asked once per version which of those readers may see it (seenBy: one statement,
 * every arm under the one visibility predicate), each version's event is made once, and every feed of a
 * group that sees it sends it. A status report woke a few hundred feeds, each running its own round (its
 * credentials, a list query, an event per version): most of a post's cost on election day (docs/benchmarks.md).
 * A feed to which the change names its organization as owner or one of its own keys (the posting county's streams,
 * a TLP:RED version naming a person) is asked about with its whole reader, in a group of its own; a busy feed takes its round.
 */
export function storedFanOut(deps: FanOutDeps): FanOut {
  const onError = deps.onError ?? ((error: unknown) => console.error('rampart live feed: fan-out failed', error));
  let delivered: Promise<void> = Promise.resolve();
  const take = (change: NamedChange, feeds: Iterable<Feed>): void => {
    const groups = new Map<string, Group>();
    for (const feed of feeds) {
      try {
        const route = feed.route(change);
        if (route.kind === 'round') feed.notify(change);
        else if (route.kind === 'shared') {
          const key = readerKey(route.reader);
          const group = groups.get(key);
          if (group === undefined) groups.set(key, { reader: route.reader, feeds: [{ feed, lane: route.reader }] });
          else group.feeds.push({ feed, lane: route.reader });
        }
      } catch (error) {
        onError(error);
      }
    }
    if (groups.size === 0) return;
    const list = [...groups.values()];
    const answer = seenByGroups(deps, change, list.map((g) => g.reader));
    // Offered in the order the changes came, whatever order their queries finish in.
    delivered = delivered.then(async () => {
      let seen: SeenVersion[][];
      try {
        seen = await answer;
      } catch (error) {
        // The store could not say: every feed asks it in its own round, as before.
        onError(error);
        for (const g of list) for (const { feed } of g.feeds) feed.notify(change);
        return;
      }
      list.forEach((g, i) => {
        for (const { feed, lane } of g.feeds) {
          try {
            feed.offer(lane, change, seen[i] ?? []);
          } catch (error) {
            onError(error);
          }
        }
      });
    });
  };
  return { take, settled: () => delivered };
}

/** For each reader, the change's versions it may see, oldest first, as the events a feed sends. */
async function seenByGroups(deps: FanOutDeps, change: NamedChange, readers: readonly Reader[]): Promise<SeenVersion[][]> {
  const wanted = new Set<string>();
  const ids = new Set<StixId>();
  let from = Number.POSITIVE_INFINITY;
  for (const v of change.versions) {
    const id = parseStixId(v.id);
    if (!id.ok) continue;
    ids.add(id.value);
    wanted.add(`${v.added_us} ${id.value}`);
    from = Math.min(from, v.added_us);
  }
  const out: SeenVersion[][] = readers.map(() => []);
  if (ids.size === 0) return out;
  // The versions themselves (for their events), read once; only the ones the change names are sent, and only to readers the store says see them.
  const versions: StoredVersion[] = [];
  let cursor: string | null = null;
  do {
    const page = await deps.stix.list(OPERATOR, { ids: [...ids], versions: 'all', addedAfterUs: from - 1, limit: PAGE, ...(cursor === null ? {} : { cursor }) });
    if (!page.ok) throw new Error(`live feed: ${page.error.message}`);
    for (const v of page.value.items) if (wanted.has(`${v.addedUs} ${v.id}`)) versions.push(v);
    cursor = page.value.nextCursor;
  } while (cursor !== null);
  versions.sort((a, b) => a.addedUs - b.addedUs);
  const answers = await Promise.all(versions.map(async (v) => ({ seen: await deps.stix.seenBy(readers, v.id, v.addedUs), object: await liveObject(v, 'stored', deps.ownerName) })));
  versions.forEach((v, i) => {
    const answer = answers[i];
    if (answer === undefined) return;
    readers.forEach((_, r) => {
      if (answer.seen[r] === true) out[r]?.push({ addedUs: v.addedUs, object: answer.object });
    });
  });
  return out;
}
