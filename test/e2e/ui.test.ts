import { existsSync, mkdirSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { CHROMIUM, hasChromium, launchChromium } from './browser.ts';
import { startRealApp } from './real-app.ts';
import { runUiFlow } from './ui-flow.ts';

const skipReason = hasChromium() ? null : `${CHROMIUM} is absent: install Debian's chromium (apt-get install -y chromium) to run the browser test`;
if (skipReason !== null) console.warn(`\n!!!!! SKIPPING the web UI end-to-end test: ${skipReason} !!!!!\n`);

describe.skipIf(skipReason !== null)('web UI end to end (Chromium)', () => {
  it('a county clerk signs in, sees the map, reports a rumour and finds it; another state sees none of it', async () => {
    const shots = process.env['RAMPART_E2E_SCREENSHOTS'] ?? join(tmpdir(), 'rampart-e2e-screenshots');
    mkdirSync(shots, { recursive: true });
    const app = await startRealApp();
    const browser = await launchChromium();
    try {
      await runUiFlow(browser, app, shots);
    } finally {
      await browser.close();
      await app.close();
    }
    expect(existsSync(join(shots, '02-dashboard.png'))).toBe(true);
  }, 240_000);
});
