import type { Problem } from '../domain/problem.ts';
import type { Result } from '../domain/result.ts';
import type { ListQuery, Page, Reader, StixStore, StoredVersion } from '../store/types.ts';
import { visibilityKey } from '../store/visibility.ts';

type ListResult = Result<Page<StoredVersion>, Problem>;

/**
 * One store query for every live feed whose reader holds the same keys and asks the same question
 * (same position, same ids): the colleagues of one organization wake on the same change and would
 * otherwise each run the identical query. The store's reader-bound list still decides what is seen.
 */
export interface SharedLists {
  /** A change was published: answers read before it may be out of date, so none is reused after it. */
  changed(): void;
  list(reader: Reader, query: ListQuery): Promise<ListResult>;
}

// A feed asks with the same reader object round after round (a new one only when its credentials are
// read again): its key and its shared part are made once per reader, not once per round.
const keyOf = new WeakMap<Reader, string>();
const sharedParts = new WeakMap<Reader, Reader>();

/** The same string for readers that hold the same keys (and organization): feeds are grouped by it. */
export function readerKey(reader: Reader): string {
  let key = keyOf.get(reader);
  if (key === undefined) {
    key = visibilityKey(reader);
    keyOf.set(reader, key);
  }
  return key;
}

export function sharedLists(stix: Pick<StixStore, 'list'>): SharedLists {
  // Answers of the current generation only: every change starts a new one.
  let answers = new Map<string, Promise<ListResult>>();
  return {
    changed() {
      if (answers.size > 0) answers = new Map();
    },
    list(reader, query) {
      const key = `${readerKey(reader)}\n${JSON.stringify(query)}`;
      let answer = answers.get(key);
      if (answer === undefined) {
        const generation = answers;
        answer = stix.list(reader, query);
        generation.set(key, answer);
        // A failed query is not kept: the next feed asks again.
        void answer.then(
          (r) => {
            if (!r.ok) generation.delete(key);
          },
          () => generation.delete(key),
        );
      }
      return answer;
    },
  };
}

/**
 * The part of a reader that others share: its keys but the ones naming its own organization (`org:`)
 * or a person (`user:`, which only TLP:RED audiences name), and without the objects its organization
 * owns. Every local office of a state shares one (public, community, state:<fips> and its groups'
 * keys). A feed may use the shared answer only while no change since its position named one of its own
 * keys or its organization as owner; otherwise it asks the store with its whole reader.
 */
export function sharedPart(reader: Reader): Reader {
  if (reader.kind !== 'member') return reader;
  let part = sharedParts.get(reader);
  if (part === undefined) {
    part = { kind: 'audience', keys: reader.keys.filter((k) => !isOwnKey(reader, k)) };
    sharedParts.set(reader, part);
  }
  return part;
}

/** A key of this reader that no reader of another organization holds: its own `org:` key, a person's `user:` key. */
export function isOwnKey(reader: Reader, key: string): boolean {
  return key.startsWith('user:') || (reader.kind === 'member' && key === `org:${reader.orgId}`);
}
