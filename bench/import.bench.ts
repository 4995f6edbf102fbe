/**
 * Import throughput and memory. `npm run bench:import` generates a synthetic bundle of 200,000 mixed
 * objects, imports it into a fresh SQLite store, and prints objects/s beside the raw rate of
 * JSON.parse + bare prepared INSERTs of the same rows measured in the same run.
 *   --objects <n>   bundle size (default 200000)
 *   --pg            also on PostgreSQL (RAMPART_TEST_DATABASE_URL, also used when set)
 *   --rss           generate a ~1 GB bundle and report the importing process's peak RSS (< 500 MB)
 */
import { spawnSync } from 'node:child_process';
import { createReadStream, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { setFlagsFromString } from 'node:v8';
import { runInNewContext } from 'node:vm';
import type { OrgId } from '../src/domain/ids.ts';
import { importObjects } from '../src/ingest/import.ts';
import { bareInsertBaseline, type BaselineRow } from './fixtures/import-baseline.ts';
import { testDatabase, type TestDatabase } from '../test/helpers/store.ts';
import type { StixStore } from '../src/store/types.ts';
import { openStoreFromOptions, type OpenedStore } from '../src/cli/options.ts';
import { writeSyntheticBundle } from './fixtures/stix-bundle.ts';


/** A writer that accepts and discards: measures the pipeline (read, split, parse, validate, share) alone. */
const discardingStore = {
  write: (fn: Parameters<StixStore['write']>[0]) => fn({ putBatch: (items) => Promise.resolve(items.map(() => ({ kind: 'added' as const }))), visibleOwners: () => Promise.resolve(new Map()) }),
} as unknown as StixStore;

// Each measurement starts from a collected heap, so none pays for the previous one's garbage
// (the baselines leave a whole parsed bundle behind).
setFlagsFromString('--expose-gc');
const gc = runInNewContext('gc') as () => void;

/** Wall time, and this process's CPU time (user + system): under load, the figure least distorted for in-process SQLite. */
interface Measured {
  readonly objects: number;
  readonly seconds: number;
  readonly cpu: number;
}

const cpuSeconds = (since: NodeJS.CpuUsage) => {
  const used = process.cpuUsage(since);
  return (used.user + used.system) / 1e6;
};

const HUB = 'identity--cc8654b7-1ffc-487a-bf1c-ed29e18f0a33' as OrgId;
const args = process.argv.slice(2);
const flag = (name: string) => args.includes(name);
const value = (name: string) => {
  const i = args.indexOf(name);
  return i >= 0 ? args[i + 1] : undefined;
};

async function importFile(url: string | null, file: string): Promise<Measured> {
  const store: OpenedStore = url === null ? { stix: discardingStore, close: () => Promise.resolve() } : await openStoreFromOptions({ db: url });
  try {
    const start = performance.now();
    const cpuStart = process.cpuUsage();
    const result = await importObjects(store.stix, createReadStream(file, { highWaterMark: 1 << 20 }), { hubOwner: HUB });
    const seconds = (performance.now() - start) / 1000;
    const cpu = cpuSeconds(cpuStart);
    if (!result.ok) throw new Error(`import failed: ${result.error.code}: ${result.error.message}`);
    if (result.value.rejected > 0) throw new Error(`import rejected ${result.value.rejected} objects`);
    return { objects: result.value.objects, seconds, cpu };
  } finally {
    await store.close();
  }
}

/** Reference: JSON.parse of every object plus bare prepared INSERTs of the same rows, no validation. */
async function baseline(url: string | null, file: string): Promise<Measured> {
  const doc = JSON.parse(readFileSync(file, 'utf8')) as { objects: unknown[] };
  const texts = doc.objects.map((o) => JSON.stringify(o));
  gc();
  const start = performance.now();
  const cpuStart = process.cpuUsage();
  const rows = texts.map((text): BaselineRow => {
    const o = JSON.parse(text) as { id: string; type: string; modified?: string };
    return { id: o.id, type: o.type, modified: o.modified ?? null, json: text };
  });
  if (url !== null) {
    await bareInsertBaseline({ url, rows });
  }
  return { objects: rows.length, seconds: (performance.now() - start) / 1000, cpu: cpuSeconds(cpuStart) };
}

function line(label: string, r: Measured): { wall: number; cpu: number } {
  gc();
  const rate = r.objects / r.seconds;
  const perCpu = Math.round(r.objects / r.cpu).toLocaleString('en-US');
  console.log(`${label.padEnd(44)} ${r.objects} objects in ${r.seconds.toFixed(2)} s = ${Math.round(rate).toLocaleString('en-US')} objects/s (this process's CPU ${r.cpu.toFixed(2)} s = ${perCpu} objects/CPU-s)`);
  return { wall: rate, cpu: r.objects / r.cpu };
}

async function throughput(dir: string): Promise<void> {
  const objects = Number(value('--objects') ?? 200_000);
  const bundle = await writeSyntheticBundle(path.join(dir, 'bundle.json'), objects);
  console.log(`bundle: ${bundle.objects} objects, ${(bundle.bytes / 1e6).toFixed(1)} MB`);
  gc();
  const parse = line('reference: JSON.parse of each object', await baseline(null, bundle.path));
  const alone = line('pipeline alone (read+split+parse+validate)', await importFile(null, bundle.path));
  console.log(`pipeline alone / JSON.parse = ${(parse.wall / alone.wall).toFixed(2)}x slower`);
  const targets: [string, (n: number) => string][] = [['sqlite', (n) => path.join(dir, `store-${n}.sqlite`)]];
  const pg = process.env['RAMPART_TEST_DATABASE_URL'];
  // Each PostgreSQL run gets a fresh schema (dropped afterwards), so a second run measures inserts again, not 'unchanged'.
  const schemas: TestDatabase[] = [];
  const freshPg = () => {
    const db = testDatabase('postgres');
    schemas.push(db);
    return db.url;
  };
  if (pg !== undefined && pg !== '') targets.push(['postgres', freshPg]);
  else if (flag('--pg')) console.log('--pg given but RAMPART_TEST_DATABASE_URL is not set; skipping PostgreSQL');
  for (const [name, url] of targets) {
    const raw = line(`${name}: raw JSON.parse + bare INSERT`, await baseline(url(1), bundle.path));
    const ours = line(`${name}: rampart import (stream+validate+store)`, await importFile(url(2), bundle.path));
    console.log(`${name}: import is ${(raw.wall / ours.wall).toFixed(2)}x slower than raw by wall time, ${(raw.cpu / ours.cpu).toFixed(2)}x by this process's CPU time (target ≤ 3x; import target ≥ 20,000 objects/s)`);
  }
  for (const db of schemas) await db.drop();
}

function rss(dir: string): void {
  const file = path.join(dir, 'big.json');
  const self = fileURLToPath(import.meta.url);
  // The import runs in its own process so its peak RSS excludes generating the file.
  const gen = spawnSync(process.execPath, [path.resolve('bin/run-ts.mjs'), self, '--generate', file], { stdio: 'inherit' });
  if (gen.status !== 0) throw new Error('generating the 1 GB bundle failed');
  const run = spawnSync(process.execPath, [path.resolve('bin/run-ts.mjs'), self, '--rss-child', file, path.join(dir, 'rss.sqlite')], { stdio: 'inherit' });
  if (run.status !== 0) throw new Error('the RSS import failed');
}

const dir = mkdtempSync(path.join(tmpdir(), 'rampart-bench-import-'));
try {
  if (flag('--generate')) {
    const b = await writeSyntheticBundle(value('--generate') ?? '', 0, { targetBytes: 1_000_000_000, pad: 300 });
    console.log(`bundle: ${b.objects} objects, ${(b.bytes / 1e9).toFixed(2)} GB`);
  } else if (flag('--rss-child')) {
    const [file, db] = args.slice(args.indexOf('--rss-child') + 1);
    const r = await importFile(db ?? null, file ?? '');
    line('sqlite: rampart import of the 1 GB bundle', r);
    console.log(`peak RSS of the importing process: ${Math.round(process.resourceUsage().maxRSS / 1024)} MB (target < 500 MB)`);
  } else if (flag('--rss')) {
    rss(dir);
  } else {
    await throughput(dir);
  }
} finally {
  rmSync(dir, { recursive: true, force: true });
}
