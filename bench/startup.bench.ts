/**
 * Start-up of the `rampart` command as users run it (node bin/rampart.mjs, the compiled dist/):
 * `rampart --version`, and `rampart match` of a 10-line log against a store of 90,000 indicators,
 * each the median wall-clock and CPU time (user + system, of the process itself) of --rounds runs (default 7),
 * printed beside `node -e 0` measured in the same rounds (a process that starts Node and does nothing), and the match
 * also beside itself with `--no-index-file` (its index built from the store at start, as the first match after the
 * indicators change builds it). On a busy machine the wall clock mostly measures the wait for a core; CPU time holds better.
 *   --indicators <n>   indicators in the store (default 90000)
 *   --rounds <n>       runs of each command (default 7)
 * The store is built once per indicator count under .bench-tmp/ (imported through `rampart import`).
 */
import { spawnSync } from 'node:child_process';
import { createWriteStream, existsSync, mkdirSync, readFileSync, renameSync, rmSync, writeFileSync } from 'node:fs';
import { once } from 'node:events';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { uuidV5 } from '../src/domain/uuid.ts';
import { ensureBuilt } from '../scripts/build.mjs';

const args = process.argv.slice(2);
const value = (name: string, fallback: string) => {
  const i = args.indexOf(name);
  return i >= 0 ? (args[i + 1] ?? fallback) : fallback;
};
const INDICATORS = Number(value('--indicators', '90000'));
const ROUNDS = Math.max(1, Number(value('--rounds', '7')));

const root = fileURLToPath(new URL('..', import.meta.url));
const BIN = path.join(root, 'bin', 'rampart.mjs');
const dir = path.join(root, '.bench-tmp', 'startup');
mkdirSync(dir, { recursive: true });

const NS = '6f1d1d2e-3c5e-4e0c-9d0b-3d4a7b0d9e21';
const ip = (n: number) => `10.${(n >>> 16) & 255}.${(n >>> 8) & 255}.${n & 255}`;
const domain = (n: number) => `host${n}.zone${n % 97}.example`;

/** The n-th indicator's pattern: mostly single values (as feeds are), one in ten a compound pattern. */
function pattern(n: number): string {
  if (n % 10 === 9) return `[network-traffic:dst_ref.value = '${ip(n * 7)}' AND network-traffic:dst_port = 4444]`;
  switch (n % 4) {
    case 0:
      return `[ipv4-addr:value = '${ip(n * 13)}']`;
    case 1:
      return `[domain-name:value = '${domain(n)}']`;
    case 2:
      return `[url:value = 'http://${domain(n)}/payload/${n}.php']`;
    default:
      return `[file:hashes.'SHA-256' = '${(n * 2654435761 >>> 0).toString(16).padStart(8, '0').repeat(8)}']`;
  }
}

async function writeBundle(file: string, count: number): Promise<void> {
  const out = createWriteStream(file);
  const owner = `identity--${uuidV5('bench-owner', NS)}`;
  const green = 'marking-definition--bab4a63c-aed9-4cf5-a766-dfca5abac2bb';
  out.write(`{"type":"bundle","id":"bundle--${uuidV5(`startup:${count}`, NS)}","objects":[`);
  out.write(`{"type":"identity","spec_version":"2.1","id":"${owner}","created":"2026-01-01T00:00:00.000Z","modified":"2026-01-01T00:00:00.000Z","name":"Bench feed","identity_class":"organization"}`);
  for (let n = 0; n < count; n++) {
    const id = `indicator--${uuidV5(`indicator:${n}`, NS)}`;
    const line = `,{"type":"indicator","spec_version":"2.1","id":"${id}","created":"2026-01-01T00:00:00.000Z","modified":"2026-01-01T00:00:00.000Z","created_by_ref":"${owner}","object_marking_refs":["${green}"],"name":"Bench indicator ${n}","indicator_types":["malicious-activity"],"pattern":"${pattern(n)}","pattern_type":"stix","valid_from":"2026-01-01T00:00:00Z"}`;
    if (!out.write(line)) await once(out, 'drain');
  }
  out.end(']}\n');
  await once(out, 'finish');
}

const cpuFile = path.join(dir, 'cpu.txt');
const reportCpu = new URL('./fixtures/report-cpu.mjs', import.meta.url).href;

/** Runs `node <command>`; its wall-clock time and the CPU time it reported as it exited, in ms. */
function run(command: readonly string[]): { readonly wall: number; readonly cpu: number } {
  rmSync(cpuFile, { force: true });
  const started = process.hrtime.bigint();
  const result = spawnSync(process.execPath, ['--import', reportCpu, ...command], { cwd: root, encoding: 'utf8', env: { ...process.env, RAMPART_BENCH_CPU_FILE: cpuFile } });
  const wall = Number(process.hrtime.bigint() - started) / 1e6;
  if (result.status !== 0) throw new Error(`${command.join(' ')} exited with ${String(result.status)}: ${result.stderr}`);
  return { wall, cpu: Number(readFileSync(cpuFile, 'utf8').trim()) };
}

const median = (xs: readonly number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)] ?? NaN;

await ensureBuilt({ log: (message) => console.log(message) });
const db = path.join(dir, `indicators-${INDICATORS}.sqlite`);
if (!existsSync(db)) {
  console.log(`building a store of ${INDICATORS.toLocaleString('en-US')} indicators (once, kept in ${path.relative(root, dir)})…`);
  const bundle = path.join(dir, 'indicators.json');
  await writeBundle(bundle, INDICATORS);
  const partial = `${db}.partial`;
  rmSync(partial, { force: true });
  run([BIN, 'import', bundle, '--db', partial]);
  renameSync(partial, db);
  rmSync(bundle, { force: true });
}
const log = path.join(dir, 'ten-lines.log');
writeFileSync(
  log,
  Array.from({ length: 10 }, (_, i) => `${ip(i * 13 * 4)} - - [03/Nov/2026:10:00:0${i} +0000] "GET /results/${i}.json HTTP/1.1" 200 512 "http://${domain(i * 4 + 1)}/" "Mozilla/5.0"`).join('\n') + '\n',
);

const commands = {
  'node -e 0': ['-e', '0'],
  'rampart --version': [BIN, '--version'],
  [`rampart match (10 lines, ${INDICATORS.toLocaleString('en-US')} indicators)`]: [BIN, 'match', log, '--db', db],
  // The same match building its index from the store at start, as it does the first time after indicators change.
  ['rampart match --no-index-file (index built at start)']: [BIN, 'match', log, '--db', db, '--no-index-file'],
} as const;
const times = new Map<string, { wall: number[]; cpu: number[] }>(Object.keys(commands).map((k) => [k, { wall: [], cpu: [] }]));
run([BIN, 'match', log, '--db', db]); // warm the page cache, and write the persisted index (src/matching/persisted-index.ts)
for (let round = 0; round < ROUNDS; round++) {
  for (const [name, command] of Object.entries(commands)) {
    const t = run(command);
    times.get(name)?.wall.push(t.wall);
    times.get(name)?.cpu.push(t.cpu);
  }
}
const reference = times.get('node -e 0');
const [wall0, cpu0] = [median(reference?.wall ?? []), median(reference?.cpu ?? [])];
console.log(`median of ${ROUNDS} runs:${' '.repeat(33)}wall clock${' '.repeat(17)}CPU`);
for (const [name, t] of times) {
  const [wall, cpu] = [median(t.wall), median(t.cpu)];
  console.log(`  ${name.padEnd(48)} ${wall.toFixed(0).padStart(6)} ms ${(wall / wall0).toFixed(1).padStart(5)}x   ${cpu.toFixed(0).padStart(6)} ms ${(cpu / cpu0).toFixed(1).padStart(5)}x`);
}
console.log('(ratios: times node -e 0)');
