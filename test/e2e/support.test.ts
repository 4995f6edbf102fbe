import { existsSync, mkdirSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { CHROMIUM, hasChromium, launchChromium } from './browser.ts';
import { startRealApp } from './real-app.ts';
import { runSupportFlow } from './support-flow.ts';

const skipReason = hasChromium() ? null : `${CHROMIUM} is absent: install Debian's chromium (apt-get install -y chromium) to run the browser test`;
if (skipReason !== null) console.warn(`\n!!!!! SKIPPING the support browser test: ${skipReason} !!!!!\n`);

describe.skipIf(skipReason !== null)('support requests in the browser (Chromium)', () => {
  it('a county asks CISA for a scan; both sides follow it live from request to completion', async () => {
    const shots = process.env['RAMPART_E2E_SCREENSHOTS'] ?? join(tmpdir(), 'rampart-e2e-screenshots');
    mkdirSync(shots, { recursive: true });
    const app = await startRealApp({ withProvider: true });
    const browser = await launchChromium();
    try {
      await runSupportFlow(browser, app, shots);
    } finally {
      await browser.close();
      await app.close();
    }
    expect(existsSync(join(shots, 's05-support-list-phone.png'))).toBe(true);
  }, 300_000);
});
