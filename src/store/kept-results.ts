/**
 * A pure function's results kept by a key that names everything they depend on, at most `limit` of them (past it the
 * oldest is dropped): for work a request repeats with inputs seen before (a reader's sharing rule, a query's reading as
 * a value, a statement compiled with its values written in). A kept null is a result; nothing is kept as undefined.
 */
export function keptResults<V extends NonNullable<unknown> | null>(limit: number): (key: string, make: () => V) => V {
  const kept = new Map<string, V>();
  return (key, make) => {
    const found = kept.get(key);
    if (found !== undefined) return found;
    const made = make();
    if (kept.size >= limit) kept.delete(kept.keys().next().value ?? '');
    kept.set(key, made);
    return made;
  };
}
