import { describe, expect, it } from 'vitest';
import { CHROMIUM, hasChromium, launchChromium } from './browser.ts';
import { startRealApp } from './real-app.ts';

const skipReason = hasChromium() ? null : `${CHROMIUM} is absent: install Debian's chromium (apt-get install -y chromium) to run the browser test`;
if (skipReason !== null) console.warn(`\n!!!!! SKIPPING the live feed browser test: ${skipReason} !!!!!\n`);

describe.skipIf(skipReason !== null)('live feed in the web UI (Chromium)', () => {
  it('an Illinois analyst on the dashboard sees "1 new item" when a county shares with the community, and the item after clicking it', async () => {
    const app = await startRealApp();
    const browser = await launchChromium();
    try {
      const reader = await browser.newContext();
      expect((await reader.request.post(`${app.baseUrl}/api/v1/session`, { data: app.outsider })).status()).toBe(200);
      const page = await reader.newPage();
      await page.goto(`${app.baseUrl}/`);
      await page.getByText('Live', { exact: true }).waitFor({ timeout: 15_000 });

      const writer = await browser.newContext();
      const signedIn = await writer.request.post(`${app.baseUrl}/api/v1/session`, { data: app.county });
      const csrf = ((await signedIn.json()) as { csrf_token: string }).csrf_token;
      const at = '2026-11-02T10:00:00.000Z';
      const object = { type: 'indicator', spec_version: '2.1', id: 'indicator--7a7a7a7a-0000-4000-8000-00000000abcd', created: at, modified: at, name: 'Live browser check (fictional)', pattern: "[ipv4-addr:value = '203.0.113.9']", pattern_type: 'stix', valid_from: at };
      const hidden = { ...object, id: 'indicator--7a7a7a7a-0000-4000-8000-00000000abce', name: 'Wisconsin only (fictional)' };
      for (const [o, tlp, audience] of [[hidden, 'amber', ['state:55']], [object, 'green', ['community']]] as const) {
        const posted = await writer.request.post(`${app.baseUrl}/api/v1/objects`, { data: { object: o, tlp, audience }, headers: { 'x-csrf-token': csrf } });
        expect(posted.status()).toBe(201);
      }

      const badge = page.getByText('1 new item: show');
      await badge.waitFor({ timeout: 15_000 });
      await badge.click();
      await page.getByText('Live browser check (fictional)').first().waitFor({ timeout: 15_000 });
      expect(await page.getByText('Wisconsin only (fictional)').count()).toBe(0);
    } finally {
      await browser.close();
      await app.close();
    }
  }, 120_000);
});
