import { mkdirSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, it } from 'vitest';
import { CHROMIUM, hasChromium, launchChromium } from './browser.ts';
import { startRealApp } from './real-app.ts';
import { runSettingsFlow } from './settings-flow.ts';

const skipReason = hasChromium() ? null : `${CHROMIUM} is absent: install Debian's chromium (apt-get install -y chromium) to run the browser test`;
if (skipReason !== null) console.warn(`\n!!!!! SKIPPING the settings and sharing end-to-end test: ${skipReason} !!!!!\n`);

describe.skipIf(skipReason !== null)('web UI settings and sharing end to end (Chromium)', () => {
  it('an org-admin sees a new API key once; narrowing sharing hides an object from the other state', async () => {
    const shots = process.env['RAMPART_E2E_SCREENSHOTS'] ?? join(tmpdir(), 'rampart-e2e-screenshots');
    mkdirSync(shots, { recursive: true });
    const app = await startRealApp({ countyRole: 'org-admin' });
    const browser = await launchChromium();
    try {
      await runSettingsFlow(browser, app, shots);
    } finally {
      await browser.close();
      await app.close();
    }
  }, 240_000);
});
