import type { Problem } from '../domain/problem.ts';
import type { Result } from '../domain/result.ts';
import type { ListQuery, Page, Reader, StixStore, StoredVersion } from '../store/types.ts';

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

function readerKey(reader: Reader): string {
  switch (reader.kind) {
    case 'operator':
    case 'public':
      return reader.kind;
    case 'member':
      return `member ${reader.orgId} ${[...new Set(reader.keys)].sort().join(' ')}`;
  }
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
 * The part of a reader that colleagues share: its `user:` keys (which only TLP:RED audiences name)
 * set aside. A feed may use the shared answer only while no change since its position named one of
 * its own `user:` keys; otherwise it asks the store with its whole reader.
 */
export function sharedPart(reader: Reader): Reader {
  if (reader.kind !== 'member' || !reader.keys.some(isUserKey)) return reader;
  return { kind: 'member', orgId: reader.orgId, userId: null, keys: reader.keys.filter((k) => !isUserKey(k)) };
}

export function isUserKey(key: string): boolean {
  return key.startsWith('user:');
}
