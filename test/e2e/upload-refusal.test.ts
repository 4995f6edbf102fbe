import { mkdirSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { TLP_MARKING_IDS } from '../../src/domain/tlp.ts';
import { CHROMIUM, hasChromium, launchChromium } from './browser.ts';
import { startRealApp } from './real-app.ts';
import { signIn } from './ui-flow.ts';

const skipReason = hasChromium() ? null : `${CHROMIUM} is absent: install Debian's chromium to run the browser test`;
const T = '2026-11-02T10:00:00.000Z';
const SHARED = 'indicator--7b000000-0000-4000-8000-000000000001';
const OWN = 'indicator--7b000000-0000-4000-8000-000000000002';
const indicator = (id: string, name: string, domain: string) => ({ type: 'indicator', spec_version: '2.1', id, created: T, modified: T, name, pattern: `[domain-name:value = '${domain}']`, pattern_type: 'stix', valid_from: T, object_marking_refs: [TLP_MARKING_IDS.green] });

describe.skipIf(skipReason !== null)('uploading items another organization made (Chromium)', () => {
  it('says in plain words that they are already here and stores the rest when asked', async () => {
    const shots = process.env['RAMPART_E2E_SCREENSHOTS'] ?? join(tmpdir(), 'rampart-e2e-screenshots');
    mkdirSync(shots, { recursive: true });
    const app = await startRealApp();
    const browser = await launchChromium();
    try {
      // Illinois shares an indicator with every member; the county downloads it and uploads it again with one of its own.
      const illinois = await browser.newContext();
      const session = await illinois.request.post(`${app.baseUrl}/api/v1/session`, { data: app.outsider });
      const csrf = ((await session.json()) as { csrf_token: string }).csrf_token;
      const shared = await illinois.request.post(`${app.baseUrl}/api/v1/import?tlp=green&audience=community`, {
        data: JSON.stringify({ type: 'bundle', id: 'bundle--7b000000-0000-4000-8000-000000000000', objects: [{ ...indicator(SHARED, 'Illinois phishing domain (fictional)', 'il-phish.example'), created_by_ref: app.orgs.outsider }] }),
        headers: { 'x-csrf-token': csrf, 'content-type': 'application/stix+json' },
      });
      expect(shared.status(), await shared.text()).toBe(200);
      await illinois.close();

      const page = await browser.newPage({ viewport: { width: 1280, height: 900 } });
      await signIn(page, app, app.county);
      const got = await page.request.get(`${app.baseUrl}/api/v1/objects/${SHARED}`);
      expect(got.status()).toBe(200);
      const received = ((await got.json()) as { object: Record<string, unknown> }).object;
      const file = JSON.stringify({ type: 'bundle', id: 'bundle--7b000000-0000-4000-8000-000000000003', objects: [received, indicator(OWN, 'County look-alike domain (fictional)', 'county-lookalike.example')] });
      await page.goto(`${app.baseUrl}/intel/upload`);
      // A file that is not JSON: what a bundle is and what to choose, once, never "byte 0x68 cannot start a JSON document".
      await page.setInputFiles('input[name=bundle]', { name: 'notes.json', mimeType: 'application/json', buffer: Buffer.from('hello world') });
      await page.click('button:has-text("Upload this bundle")');
      const notJson = page.locator('[role=alert]:has-text("This file is not a STIX bundle")');
      await notJson.waitFor();
      expect(await notJson.textContent()).not.toMatch(/0x|byte/);
      expect(await notJson.locator('li').count()).toBe(0);
      await page.setInputFiles('input[name=bundle]', { name: 'export.json', mimeType: 'application/json', buffer: Buffer.from(file) });
      await page.click('button:has-text("Upload this bundle")');
      const refusal = page.locator('.upload-refusal');
      await refusal.waitFor();
      expect(await refusal.locator('h2').textContent()).toBe('Nothing was stored');
      const said = (await refusal.textContent()) ?? '';
      await page.screenshot({ path: join(shots, 'upload-refused.png'), fullPage: true });
      expect(said).toContain('1 of the 2 items in this file cannot be stored');
      expect(said).toContain('1 is already here: another organization made it and shared it with you, and only its maker can change it.');
      expect(said).not.toContain('created_by_ref');
      await page.screenshot({ path: join(shots, 'upload-refused.png'), fullPage: true });

      await refusal.getByRole('button', { name: 'Store the other 1 item' }).click();
      await page.locator('.upload-result').waitFor();
      expect(await page.textContent('.upload-result')).toContain('1 added');
      expect(await page.locator('.upload-refusal').count()).toBe(0);
      expect(await page.isChecked('input[name=skip_invalid]')).toBe(true);
      await page.screenshot({ path: join(shots, 'upload-rest-stored.png'), fullPage: true });
    } finally {
      await browser.close();
      await app.close();
    }
  }, 180_000);
});
