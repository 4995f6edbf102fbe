#!/usr/bin/env node
// Runs the compiled CLI in dist/. In a source checkout it first rebuilds dist/ when a source file
// is newer than the last build (a fresh clone builds once); an installed package without src/ runs dist/ as it is.
// `rampart --version` alone answers from package.json: no build check and no CLI loaded, so it starts as fast as Node.
import { existsSync, readFileSync } from 'node:fs';

const args = process.argv.slice(2);
if (args.length === 1 && (args[0] === '--version' || args[0] === '-V')) {
  console.log(JSON.parse(readFileSync(new URL('../package.json', import.meta.url), 'utf8')).version);
} else {
  const source = new URL('../src/', import.meta.url);
  if (existsSync(source)) {
    const { ensureBuilt } = await import('../scripts/build.mjs');
    try {
      await ensureBuilt();
    } catch (error) {
      if (!existsSync(new URL('../dist/cli/main.js', import.meta.url))) {
        console.error(error instanceof Error ? error.message : String(error));
        process.exit(1);
      }
      console.error(`warning: ${error instanceof Error ? error.message : String(error)}; running the existing dist/`);
    }
  }
  await import('../dist/cli/main.js');
}
