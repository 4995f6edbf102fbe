// vitest globalSetup: tests that start bin/rampart.mjs run the compiled dist/; build it once, before any test, so
// that parallel test files never find it stale and rebuild it at the same time.
import { ensureBuilt } from '../../scripts/build.mjs';

export default async function setup(): Promise<void> {
  await ensureBuilt({ log: (message) => console.log(message) });
}
