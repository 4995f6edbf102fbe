import { defineConfig } from 'vitest/config';

export default defineConfig({
  test: {
    include: ['src/**/*.test.ts', 'test/**/*.test.ts', 'web/src/**/*.test.ts'],
    testTimeout: 60_000,
    hookTimeout: 60_000,
    pool: 'forks',
    // Tests that start bin/rampart.mjs run the compiled dist/: built once here, not by each test at once.
    globalSetup: ['test/helpers/build-dist.ts'],
  },
});
