import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { CHROMIUM, hasChromium, launchChromium } from './browser.ts';
import { startRealApp } from './real-app.ts';
import { signIn, signOut } from './ui-flow.ts';

const skipReason = hasChromium() ? null : `${CHROMIUM} is absent: install Debian's chromium (apt-get install -y chromium) to run the browser test`;
if (skipReason !== null) console.warn(`\n!!!!! SKIPPING the MISP import end-to-end test: ${skipReason} !!!!!\n`);

const FIXTURE = readFileSync(new URL('../fixtures/misp/fictional-election-event.json', import.meta.url));
const EVENT_UUID = '4a1d7c2e-5b8f-4c3a-9e1d-2f6b8a0c4e71';

describe.skipIf(skipReason !== null)('MISP import in the web UI (Chromium)', () => {
  it('a county imports a MISP file with progress and notes; a STIX file is refused in plain words; another state sees only what was shared with the community', async () => {
    const app = await startRealApp();
    const browser = await launchChromium();
    try {
      const page = await browser.newPage({ viewport: { width: 1280, height: 900 } });
      const pageErrors: string[] = [];
      page.on('pageerror', (e) => pageErrors.push(e.message));
      await signIn(page, app, app.county);
      // An analyst looks for it where files are shared: Intelligence, Upload a bundle, then the MISP link there.
      await page.goto(`${app.baseUrl}/intel`);
      await page.click('a:has-text("Upload a bundle")');
      await page.click('a:has-text("Import MISP events")');
      await page.waitForSelector('h1:has-text("Import MISP events")');
      expect(await page.title()).toBe('Import MISP events · Rampart');

      await page.setInputFiles('input[name=misp]', { name: 'bundle.json', mimeType: 'application/json', buffer: Buffer.from('{"type":"bundle","id":"bundle--5d0092c5-5f74-4287-9642-33f4c354e56d","objects":[]}') });
      await page.click('button:has-text("Import")');
      const refusal = await page.waitForSelector('.import-misp [role=alert]');
      expect((await refusal.textContent()) ?? '').toContain('This is a STIX file, not a MISP file. Upload it on the “Upload a bundle” page instead.');
      // Said once, in the page's words: no command-line option or API route.
      expect((await refusal.textContent()) ?? '').not.toMatch(/--format|POST \/api/);
      expect(await page.locator('.import-misp [role=alert] li').count()).toBe(0);

      // A file that is not JSON at all: what to export from MISP, not the JSON parser's message.
      await page.setInputFiles('input[name=misp]', { name: 'notes.json', mimeType: 'application/json', buffer: Buffer.from('hello world') });
      await page.click('button:has-text("Import")');
      await page.waitForSelector('.import-misp [role=alert]:has-text("it is not JSON")');
      expect((await page.textContent('.import-misp [role=alert]')) ?? '').not.toContain('Unexpected token');

      await page.setInputFiles('input[name=misp]', { name: 'event.json', mimeType: 'application/json', buffer: FIXTURE });
      await page.click('button:has-text("Import")');
      await page.waitForSelector('.import-misp section:has-text("Imported")');
      const summary = (await page.textContent('.import-misp section')) ?? '';
      expect(summary).toContain('1 MISP event imported as');
      expect(summary).toContain('Shared more narrowly than in MISP');
      await signOut(page);

      await signIn(page, app, app.outsider);
      const event = await page.evaluate(async () => (await (await fetch('/api/v1/export/misp')).json()) as { response: { Event: { uuid: string; Attribute: { value: string }[] } }[] });
      const values = event.response.find((e) => e.Event.uuid === EVENT_UUID)?.Event.Attribute.map((a) => a.value) ?? [];
      expect(values).toContain('203.0.113.47');
      expect(values).not.toContain('ballot-results-update.example');
      expect(values).not.toContain('https://ballot-results-update.example/login');
      expect(pageErrors).toEqual([]);
    } finally {
      await browser.close();
      await app.close();
    }
  }, 240_000);
});
