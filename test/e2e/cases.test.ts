import { existsSync, mkdirSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { CHROMIUM, hasChromium, launchChromium } from './browser.ts';
import { runCaseFlow } from './cases-flow.ts';
import { startRealApp } from './real-app.ts';

const skipReason = hasChromium() ? null : `${CHROMIUM} is absent: install Debian's chromium (apt-get install -y chromium) to run the browser test`;
if (skipReason !== null) console.warn(`\n!!!!! SKIPPING the case-work browser test: ${skipReason} !!!!!\n`);

describe.skipIf(skipReason !== null)('incidents as cases in the browser (Chromium)', () => {
  it('a clerk files an incident, adds a note, links an indicator, refers it, closes it, and the map counts it no more', async () => {
    const shots = process.env['RAMPART_E2E_SCREENSHOTS'] ?? join(tmpdir(), 'rampart-e2e-screenshots');
    mkdirSync(shots, { recursive: true });
    const app = await startRealApp();
    const browser = await launchChromium();
    try {
      await runCaseFlow(browser, app, shots);
    } finally {
      await browser.close();
      await app.close();
    }
    expect(existsSync(join(shots, 'c05-map-after-close.png'))).toBe(true);
  }, 300_000);
});
