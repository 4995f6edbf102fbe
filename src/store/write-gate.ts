/**
 * At most `limit` of a process's write transactions open at once; the rest wait here, in order. PostgreSQL
 * serializes Rampart's STIX writes on one row anyway (the store's clock, lockClock): writers that wait
 * for that row inside an open transaction each hold one of the pool's connections doing nothing, and under
 * load they held all of them, so reads, /healthz included, queued behind writes they never touch
 * (docs/benchmarks.md, Election day under load, "Where the tail goes"). Waiting here costs no connection.
 */
export interface WriteGate {
  run<T>(work: () => Promise<T>): Promise<T>;
  /** Transactions open now and waiting to open (tests). */
  readonly counts: () => { readonly open: number; readonly waiting: number };
}

export function writeGate(limit: number): WriteGate {
  let open = 0;
  const waiting: (() => void)[] = [];
  const release = () => {
    const next = waiting.shift();
    if (next === undefined) open--;
    else next();
  };
  return {
    async run(work) {
      if (open < limit) open++;
      else await new Promise<void>((resolve) => waiting.push(resolve));
      try {
        return await work();
      } finally {
        release();
      }
    },
    counts: () => ({ open, waiting: waiting.length }),
  };
}

/** One gate per database and row (the same database opened once per process shares it between its repositories). */
const gates = new WeakMap<object, Map<string, WriteGate>>();

/** How many writers of one process may wait on one row inside PostgreSQL: one holding it, one ready behind it. */
export const WRITERS_PER_ROW = 2;

export function gateOf(database: object, row: string): WriteGate {
  let byRow = gates.get(database);
  if (byRow === undefined) {
    byRow = new Map();
    gates.set(database, byRow);
  }
  let gate = byRow.get(row);
  if (gate === undefined) {
    gate = writeGate(WRITERS_PER_ROW);
    byRow.set(row, gate);
  }
  return gate;
}
