/** Most keys one batched query asks for (SQLite allows 999 parameters in older builds). */
const MAX_BATCH = 500;

/**
 * A point lookup (a row by its key) whose calls made in the same turn of the event loop are answered by
 * one query for all their keys. Every open live feed checks its reader's credentials again before each
 * round (API key, person, organization, groups: src/http/auth.ts currentReader); one stored status wakes
 * hundreds of feeds at once, and one query per feed per lookup made PostgreSQL the bottleneck of
 * election day (docs/benchmarks.md, Election day under load). Nothing is kept between turns: each call
 * is answered by a query sent after it was made, so it sees every write committed before it, as before.
 */
export function batchedLookup<K extends string, V>(fetchMany: (keys: readonly K[]) => Promise<ReadonlyMap<K, V>>): (key: K) => Promise<V | null> {
  let waiting: Map<K, { resolve: (v: V | null) => void; reject: (e: unknown) => void }[]> | null = null;

  const flush = async (batch: Map<K, { resolve: (v: V | null) => void; reject: (e: unknown) => void }[]>) => {
    const keys = [...batch.keys()];
    for (let i = 0; i < keys.length; i += MAX_BATCH) {
      const part = keys.slice(i, i + MAX_BATCH);
      try {
        const found = await fetchMany(part);
        for (const key of part) for (const w of batch.get(key) ?? []) w.resolve(found.get(key) ?? null);
      } catch (error) {
        for (const key of part) for (const w of batch.get(key) ?? []) w.reject(error);
      }
    }
  };

  return (key) =>
    new Promise<V | null>((resolve, reject) => {
      if (waiting === null) {
        const batch = new Map<K, { resolve: (v: V | null) => void; reject: (e: unknown) => void }[]>();
        waiting = batch;
        setImmediate(() => {
          waiting = null;
          void flush(batch);
        });
      }
      const list = waiting.get(key);
      if (list === undefined) waiting.set(key, [{ resolve, reject }]);
      else list.push({ resolve, reject });
    });
}
