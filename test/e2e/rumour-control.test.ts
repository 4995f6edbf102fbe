import { existsSync, mkdirSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { CHROMIUM, hasChromium, launchChromium } from './browser.ts';
import { startRealApp } from './real-app.ts';
import { runRumourFlow } from './rumour-flow.ts';

const skipReason = hasChromium() ? null : `${CHROMIUM} is absent: install Debian's chromium (apt-get install -y chromium) to run the browser test`;
if (skipReason !== null) console.warn(`\n!!!!! SKIPPING the rumour-control browser test: ${skipReason} !!!!!\n`);

describe.skipIf(skipReason !== null)('rumour control in the browser (Chromium)', () => {
  it('a clerk previews and publishes a correction; a visitor who never signed in finds it; a withdrawal stays visible', async () => {
    const shots = process.env['RAMPART_E2E_SCREENSHOTS'] ?? join(tmpdir(), 'rampart-e2e-screenshots');
    mkdirSync(shots, { recursive: true });
    const app = await startRealApp();
    const browser = await launchChromium();
    try {
      await runRumourFlow(browser, app, shots);
    } finally {
      await browser.close();
      await app.close();
    }
    expect(existsSync(join(shots, 'r03-public-phone.png'))).toBe(true);
  }, 300_000);
});
