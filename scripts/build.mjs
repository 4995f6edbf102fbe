#!/usr/bin/env node
// Compiles the server and CLI (src/, tests aside) into dist/ with esbuild: one JavaScript file per
// TypeScript file, the same folder layout (so files found beside a module — migrations, the
// warning lists, the knowledge base under ../kb — are where the code looks), packages left to
// node_modules. `node scripts/build.mjs` builds when a source is newer than the last build;
// `--force` always builds. bin/rampart.mjs calls ensureBuilt() before running dist/cli/main.js.
import { cpSync, existsSync, mkdirSync, readdirSync, renameSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { join, relative } from 'node:path';
import { fileURLToPath } from 'node:url';

const root = fileURLToPath(new URL('..', import.meta.url));
const src = join(root, 'src');
const dist = join(root, 'dist');
/** Written last, so a build cut short leaves no stamp and is redone. */
const STAMP = '.built';

function isTest(name) {
  return name.endsWith('.test.ts');
}

/** Every file under `dir`, as paths relative to it. */
function walk(dir, base = dir, out = []) {
  for (const entry of readdirSync(dir, { withFileTypes: true })) {
    const full = join(dir, entry.name);
    if (entry.isDirectory()) walk(full, base, out);
    else out.push(relative(base, full));
  }
  return out;
}

function newestSource() {
  let newest = statSync(fileURLToPath(import.meta.url)).mtimeMs;
  for (const file of walk(src)) if (!isTest(file)) newest = Math.max(newest, statSync(join(src, file)).mtimeMs);
  return newest;
}

/** Whether dist/ is missing, or older than a source file (or this script); false when there are no sources to build from. */
export function isStale() {
  if (!existsSync(src)) return false;
  const stamp = join(dist, STAMP);
  if (!existsSync(stamp)) return true;
  return statSync(stamp).mtimeMs < newestSource();
}

/** Relative imports of TypeScript files stay imports, of the .js file the same build writes beside it. */
const keepModulesApart = {
  name: 'keep-modules-apart',
  setup(build) {
    build.onResolve({ filter: /^\.\.?\/.*\.ts$/ }, (args) => ({ path: args.path.replace(/\.ts$/, '.js'), external: true }));
  },
};

/** Builds into a fresh folder and swaps it in, so a process starting meanwhile never sees half a build. */
export async function build() {
  let esbuild;
  try {
    esbuild = await import('esbuild');
  } catch {
    throw new Error('cannot build dist/: esbuild is not installed. Run `npm install` (with dev dependencies) and try again.');
  }
  const files = walk(src);
  const entryPoints = files.filter((f) => f.endsWith('.ts') && !isTest(f)).map((f) => join(src, f));
  const next = `${dist}.next-${process.pid}`;
  rmSync(next, { recursive: true, force: true });
  try {
    await buildInto(esbuild, entryPoints, files, next);
  } catch (error) {
    rmSync(next, { recursive: true, force: true });
    throw error;
  }
  const old = `${dist}.old-${process.pid}`;
  if (existsSync(dist)) renameSync(dist, old);
  try {
    renameSync(next, dist);
  } catch (error) {
    // Another process built at the same time and put its dist/ in place first: the same sources, so keep that one.
    if (!existsSync(join(dist, STAMP))) throw error;
    rmSync(next, { recursive: true, force: true });
  }
  rmSync(old, { recursive: true, force: true });
}

async function buildInto(esbuild, entryPoints, files, next) {
  await esbuild.build({
    entryPoints,
    outdir: next,
    outbase: src,
    bundle: true,
    packages: 'external',
    platform: 'node',
    format: 'esm',
    target: 'node20.19',
    logLevel: 'warning',
    plugins: [keepModulesApart],
  });
  // Data files read at run time beside their module (JSON imported by a module is inlined into it).
  for (const file of files.filter((f) => f.endsWith('.json'))) {
    mkdirSync(join(next, file, '..'), { recursive: true });
    cpSync(join(src, file), join(next, file));
  }
  writeFileSync(join(next, STAMP), `${new Date().toISOString()}\n`);
}

/** Builds when stale (saying so through `log`); returns whether it built. */
export async function ensureBuilt({ force = false, log = (message) => console.error(message) } = {}) {
  if (!force && !isStale()) return false;
  log(existsSync(join(dist, STAMP)) ? 'sources changed; rebuilding dist/…' : 'building dist/…');
  await build();
  return true;
}

if (process.argv[1] !== undefined && fileURLToPath(import.meta.url) === process.argv[1]) {
  try {
    const built = await ensureBuilt({ force: process.argv.includes('--force'), log: (message) => console.log(message) });
    if (!built) console.log('dist/ is up to date');
  } catch (error) {
    console.error(error instanceof Error ? error.message : String(error));
    process.exitCode = 1;
  }
}
