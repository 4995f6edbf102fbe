import { existsSync, mkdirSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { CHROMIUM, hasChromium, launchChromium } from './browser.ts';
import { startRealApp } from './real-app.ts';
import { runStatementsFlow } from './statements-flow.ts';

const skipReason = hasChromium() ? null : `${CHROMIUM} is absent: install Debian's chromium (apt-get install -y chromium) to run the browser test`;
if (skipReason !== null) console.warn(`\n!!!!! SKIPPING the joint-statements browser test: ${skipReason} !!!!!\n`);

describe.skipIf(skipReason !== null)('joint statements in the browser (Chromium)', () => {
  it('draft → co-signed by two organizations → an edit clears the approvals → approved again → published → public page → rampart verify', async () => {
    const shots = process.env['RAMPART_E2E_SCREENSHOTS'] ?? join(tmpdir(), 'rampart-e2e-screenshots');
    mkdirSync(shots, { recursive: true });
    const downloads = mkdtempSync(join(tmpdir(), 'rampart-statement-'));
    const app = await startRealApp({ withProvider: true });
    const browser = await launchChromium();
    try {
      await runStatementsFlow(browser, app, shots, downloads);
    } finally {
      await browser.close();
      await app.close();
      rmSync(downloads, { recursive: true, force: true });
    }
    expect(existsSync(join(shots, 's07-public-phone.png'))).toBe(true);
  }, 300_000);
});
