import { spawnSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import type { AppUnderTest } from './ui-flow.ts';

const root = fileURLToPath(new URL('../..', import.meta.url));

/** What the end-to-end test starts: the real HTTP app over a temporary SQLite store, with two accounts. */
const PARTS = ['src/http/app.ts', 'src/store/index.ts', 'src/auth'] as const;

/** The parts of the app this test needs that do not exist yet (the test is skipped, loudly, until they do). */
export function missingAppParts(): string[] {
  return PARTS.filter((p) => !existsSync(`${root}${p}`));
}

/** Builds web/dist when its sources changed, exactly as `npm start` does. */
export function buildWeb(): void {
  const run = spawnSync(process.execPath, [`${root}scripts/build-web.mjs`], { cwd: root, stdio: 'inherit' });
  if (run.status !== 0) throw new Error('scripts/build-web.mjs failed; see its output above');
}

/**
 * Starts buildApp from src/http/app.ts on 127.0.0.1 (a free port) with a temporary SQLite store,
 * a county office in Wisconsin (55) and a state office in Illinois (17), one person each, created
 * through the accounts service.
 */
export function startRealApp(): Promise<AppUnderTest & { readonly close: () => Promise<void> }> {
  buildWeb();
  return Promise.reject(
    new Error('test/e2e/real-app.ts: wire buildApp (src/http/app.ts), openStore and the accounts service here now that they exist (see the report of the web UI engineer)'),
  );
}
