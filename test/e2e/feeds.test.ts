import { mkdirSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { CHROMIUM, hasChromium, launchChromium } from './browser.ts';
import { startRealApp } from './real-app.ts';
import { signIn } from './ui-flow.ts';

const skipReason = hasChromium() ? null : `${CHROMIUM} is absent: install Debian's chromium (apt-get install -y chromium) to run the browser test`;
if (skipReason !== null) console.warn(`\n!!!!! SKIPPING the feeds end-to-end test: ${skipReason} !!!!!\n`);

describe.skipIf(skipReason !== null)('the Feeds page (Chromium)', () => {
  it("shows how many objects a feed's pulls did not store, and why", async () => {
    const shots = process.env['RAMPART_E2E_SCREENSHOTS'] ?? join(tmpdir(), 'rampart-e2e-screenshots');
    mkdirSync(shots, { recursive: true });
    const app = await startRealApp({ countyRole: 'org-admin' });
    const browser = await launchChromium();
    try {
      const page = await browser.newPage({ viewport: { width: 1280, height: 900 } });
      await signIn(page, app, app.county);
      const feedId = await page.evaluate(async () => {
        const me = (await (await fetch('/api/v1/me')).json()) as { csrf_token: string };
        const res = await fetch('/api/v1/feeds', {
          method: 'POST',
          headers: { 'content-type': 'application/json', 'x-csrf-token': me.csrf_token },
          body: JSON.stringify({ name: 'State hub', url: 'http://127.0.0.1:9/taxii2/', collection: 'community', direction: 'pull', credential_ref: 'none', interval_seconds: 3600 }),
        });
        if (!res.ok) throw new Error(`adding the feed failed: ${res.status} ${await res.text()}`);
        return ((await res.json()) as { id: string }).id;
      });
      // As a pull records them (src/federation/pull.ts): another owner's version of a received object.
      const message = 'indicator--0b0b0b0b-0b0b-4b0b-8b0b-0b0b0b0b0b0b (modified 2026-10-09T12:00:00.000Z) was not stored: this hub already holds it from another owner or received through another hub';
      await app.federation.repo.recordRefusals(`feed:${feedId}`, [{ objectId: 'indicator--0b0b0b0b-0b0b-4b0b-8b0b-0b0b0b0b0b0b', version: '2026-10-09T12:00:00.000Z', code: 'federation-owner-conflict', message }], new Date().toISOString());

      await page.goto(`${app.baseUrl}/feeds`);
      await page.click('button:has-text("1 object was not stored: why?")');
      const section = await page.waitForSelector('section[aria-label="Objects not stored from State hub"]');
      expect(await section.textContent()).toContain(message);
      await page.screenshot({ path: join(shots, '30-feed-refusals.png'), fullPage: true });
    } finally {
      await browser.close();
      await app.close();
    }
  }, 240_000);
});
