#!/usr/bin/env node
// Builds the web UI into web/dist only when a web source is newer than the last build,
// so `npm start` stays fast. `--force` always builds.
import { spawnSync } from 'node:child_process';
import { existsSync, readdirSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';

const root = fileURLToPath(new URL('..', import.meta.url));
const web = join(root, 'web');
const stamp = join(web, 'dist', 'index.html');
// The UI also bundles the domain rules and schemas it imports from src/.
const sources = [join(web, 'src'), join(web, 'public'), join(web, 'index.html'), join(web, 'vite.config.ts'), join(root, 'src', 'domain'), join(root, 'src', 'dashboard', 'schema.ts'), join(root, 'src', 'stix', 'rampart-extension.ts'), join(root, 'package-lock.json')];

function newest(path) {
  if (!existsSync(path)) return 0;
  const s = statSync(path);
  if (!s.isDirectory()) return s.mtimeMs;
  let max = s.mtimeMs;
  for (const entry of readdirSync(path)) max = Math.max(max, newest(join(path, entry)));
  return max;
}

const force = process.argv.includes('--force');
const built = existsSync(stamp) ? statSync(stamp).mtimeMs : 0;
const changed = Math.max(...sources.map(newest));
if (!force && built > 0 && built >= changed) {
  console.log('web UI is up to date (web/dist)');
  process.exit(0);
}

const vite = join(root, 'node_modules', 'vite', 'bin', 'vite.js');
if (!existsSync(vite)) {
  if (built > 0) {
    console.warn('web UI sources changed but Vite is not installed (npm install --include=dev); serving the existing web/dist');
    process.exit(0);
  }
  console.error('cannot build the web UI: Vite is not installed. Run `npm install` (with dev dependencies) and try again.');
  process.exit(1);
}
console.log(built === 0 ? 'building the web UI (web/dist)…' : 'web UI sources changed; rebuilding web/dist…');
const run = spawnSync(process.execPath, [vite, 'build', '--logLevel', 'warn', web], { cwd: root, stdio: 'inherit' });
process.exit(run.status ?? 1);
