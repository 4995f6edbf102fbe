/**
 * `npm run bench`: every benchmark in bench/, one after the other (never in parallel: each prints
 * its figure beside a reference measured in the same run, and a second load would skew both).
 * Extra arguments are passed to each benchmark.
 */
import { spawnSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { fileURLToPath } from 'node:url';

const BENCHES = ['import', 'visibility', 'taxii', 'match', 'startup', 'fanout', 'rollup', 'search', 'public', 'load'] as const;
const root = fileURLToPath(new URL('..', import.meta.url));
const runner = fileURLToPath(new URL('../bin/run-ts.mjs', import.meta.url));

let failed = 0;
for (const name of BENCHES) {
  const file = fileURLToPath(new URL(`./${name}.bench.ts`, import.meta.url));
  if (!existsSync(file)) {
    console.log(`\n=== bench:${name}: bench/${name}.bench.ts is missing, skipped`);
    continue;
  }
  console.log(`\n=== bench:${name}`);
  const run = spawnSync(process.execPath, ['--expose-gc', runner, file, ...process.argv.slice(2)], { cwd: root, stdio: 'inherit' });
  if (run.status !== 0) {
    failed++;
    console.log(`=== bench:${name} exited with ${String(run.status ?? run.signal)}`);
  }
}
process.exitCode = failed === 0 ? 0 : 1;
