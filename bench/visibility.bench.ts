/**
 * The cost of the visibility predicate. `npm run bench:visibility` builds a store of 1,000,000
 * objects shared among 10,000 organizations (bench/fixtures/visibility-world.ts), then lists 1,000
 * objects as members of several kinds of organization (with the predicate) and as the operator
 * (the same query without it), in the same run, and prints the ratio (target ≤ 1.5×).
 *   --objects <n>  objects (default 1000000)     --orgs <n>  organizations (default 10000)
 *   --db <path|postgres://…>  keep the world there and reuse it on the next run (default: a temp SQLite file)
 *   --pg           use RAMPART_TEST_DATABASE_URL (schema bench_visibility, kept for reuse)
 *   --runs <n>     timed pairs per query (default 41; medians of the times and of the per-pair ratios are printed)
 */
import { rmSync } from 'node:fs';
import { benchDatabase } from './fixtures/bench-db.ts';
import { interleaved, quantile } from './fixtures/paired.ts';
import { analyze, FIRST_ADDED_US, loadInChunks } from './fixtures/store-rows.ts';
import { openStore, type RampartStore } from '../src/store/index.ts';
import type { ListQuery, Reader } from '../src/store/types.ts';
import { buildObjects, buildOrgs, readerOf, type Org } from './fixtures/visibility-world.ts';

const args = process.argv.slice(2);
const value = (name: string) => {
  const i = args.indexOf(name);
  return i >= 0 ? args[i + 1] : undefined;
};
const OBJECTS = Number(value('--objects') ?? 1_000_000);
const ORGS = Number(value('--orgs') ?? 10_000);
const RUNS = Number(value('--runs') ?? 41);
/** Untimed pairs before each measurement, so the JIT has compiled both paths (the first dozens of runs are slower). */
const WARM_UP = 20;
const OPERATOR: Reader = { kind: 'operator' };

async function populate(store: RampartStore, orgs: readonly Org[]): Promise<void> {
  const have = await store.stix.count(OPERATOR, { versions: 'all' });
  if (have === OBJECTS) {
    console.log(`reusing the world already in the database (${have.toLocaleString('en-US')} objects)`);
    return;
  }
  if (have !== 0) throw new Error(`the database holds ${have} objects, not ${OBJECTS}; use a fresh --db`);
  const start = performance.now();
  await loadInChunks(store.database, OBJECTS, (from, to) => buildObjects(orgs, from, to));
  await analyze(store.database);
  console.log(` in ${((performance.now() - start) / 1000).toFixed(1)} s`);
}

interface Timing {
  readonly wall: number;
  readonly cpu: number;
  readonly items: number;
}

async function once(store: RampartStore, reader: Reader, query: ListQuery): Promise<Timing> {
  const cpu = process.cpuUsage();
  const t = performance.now();
  const page = await store.stix.list(reader, query);
  const wall = performance.now() - t;
  const used = process.cpuUsage(cpu);
  if (!page.ok) throw new Error(page.error.message);
  return { wall, cpu: (used.user + used.system) / 1000, items: page.value.items.length };
}

const mid = (xs: readonly number[]) => quantile(xs, 0.5);

interface Paired {
  readonly operator: Timing;
  readonly member: Timing;
  /** Median over the runs of member / operator, each pair measured back to back. */
  readonly wallRatio: number;
  readonly cpuRatio: number;
}

/**
 * Operator and member alternate run by run, so both see the same machine load. The ratio is the
 * median of the per-pair ratios: on this shared machine single queries fall into two clusters
 * (about 2.5 and 5 ms for the same query, for operator and member alike), and a median of each side
 * taken apart lands in either cluster by chance, which swung the printed ratio by ±0.5.
 */
async function pair(store: RampartStore, reader: Reader, query: ListQuery): Promise<Paired> {
  const { reference: op, subject: mem } = await interleaved(RUNS, WARM_UP, () => once(store, OPERATOR, query), () => once(store, reader, query));
  const median = (ts: Timing[]): Timing => ({ wall: mid(ts.map((t) => t.wall)), cpu: mid(ts.map((t) => t.cpu)), items: ts[0]?.items ?? 0 });
  const ratios = (of: (t: Timing) => number) => mid(mem.map((m, i) => of(m) / of(op[i] ?? m)));
  return { operator: median(op), member: median(mem), wallRatio: ratios((t) => t.wall), cpuRatio: ratios((t) => t.cpu) };
}

const { url, temp } = benchDatabase('visibility', args);
const store = await openStore({ url });
try {
  const orgs = buildOrgs(ORGS);
  await populate(store, orgs);
  const local = orgs.find((o) => o.kind === 'local' && o.groups.length > 0);
  const state = orgs.find((o) => o.kind === 'state');
  const partner = orgs.find((o) => o.kind === 'partner');
  if (local === undefined || state === undefined || partner === undefined) throw new Error('the world lacks a kind of organization');
  const readers: [string, Reader][] = [
    ['local election office', readerOf(local)],
    ['state election office', readerOf(state)],
    ['federal/private partner', readerOf(partner)],
  ];
  const middle = FIRST_ADDED_US + Math.floor(OBJECTS / 2);
  const queries: [string, ListQuery][] = [
    ['first page', { limit: 1000 }],
    ['page from the middle', { limit: 1000, addedAfterUs: middle }],
    ['newest first (the intelligence page)', { limit: 1000, order: 'desc' }],
  ];
  console.log(`${store.dialect}: ${OBJECTS.toLocaleString('en-US')} objects, ${ORGS.toLocaleString('en-US')} organizations; list 1,000 objects; median of ${RUNS} runs`);
  let worstWall = 0;
  let worstCpu = 0;
  for (const [qName, query] of queries) {
    console.log(`  ${qName}:`);
    for (const [rName, reader] of readers) {
      const { operator, member, wallRatio: wall, cpuRatio: cpu } = await pair(store, reader, query);
      worstWall = Math.max(worstWall, wall);
      worstCpu = Math.max(worstCpu, cpu);
      const keys = reader.kind === 'member' ? reader.keys.length : 0;
      console.log(
        `    ${rName.padEnd(24)} (${keys} keys) ${member.wall.toFixed(2)} ms wall / ${member.cpu.toFixed(2)} ms CPU for ${member.items} objects; ` +
          `operator ${operator.wall.toFixed(2)} ms / ${operator.cpu.toFixed(2)} ms for ${operator.items} = ${wall.toFixed(2)}x wall, ${cpu.toFixed(2)}x CPU`,
      );
    }
  }
  console.log(`worst ratio with the predicate: ${worstWall.toFixed(2)}x wall, ${worstCpu.toFixed(2)}x CPU (target ≤ 1.5x)`);
} finally {
  await store.close();
  if (temp !== null) rmSync(temp, { recursive: true, force: true });
}
