import { mkdirSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { CHROMIUM, hasChromium, launchChromium } from './browser.ts';
import { startRealApp } from './real-app.ts';
import { signIn } from './ui-flow.ts';

const skipReason = hasChromium() ? null : `${CHROMIUM} is absent: install Debian's chromium to run the browser test`;

describe.skipIf(skipReason !== null)('searching and filtering the Intelligence list (Chromium)', () => {
  it('finds by a domain named in text, shows how many match, and filters by TLP, at desktop and phone width', async () => {
    const shots = process.env['RAMPART_E2E_SCREENSHOTS'] ?? join(tmpdir(), 'rampart-e2e-screenshots');
    mkdirSync(shots, { recursive: true });
    const app = await startRealApp();
    const browser = await launchChromium();
    try {
      for (const [width, height, name] of [[1280, 900, 'desktop'], [390, 844, 'phone']] as const) {
        const page = await browser.newPage({ viewport: { width, height } });
        await signIn(page, app, app.county);
        // The knowledge base's entries cite attack.mitre.org pages: the domain finds them by value.
        await page.goto(`${app.baseUrl}/intel?q=attack.mitre.org&type=intrusion-set&reference=only`);
        await page.waitForSelector('.intel-table');
        const status = await page.textContent('.list-total');
        expect(status).toMatch(/^[\d,]+ items? match$/);
        expect(await page.locator('.intel-table tbody tr').count()).toBeGreaterThan(0);
        await page.screenshot({ path: join(shots, `search-${name}.png`), fullPage: false });
        await page.selectOption('select[name=tlp]', 'red');
        await page.waitForSelector('text=Nothing matches');
        expect(page.url()).toContain('tlp=red');
        expect(await page.textContent('.list-total')).toBe('0 items match');
        await page.click('button:has-text("Clear filters")');
        await page.waitForURL((u) => !u.search.includes('tlp='));
        // Outside the reference library the knowledge base stays out of the working list.
        await page.goto(`${app.baseUrl}/intel?q=attack.mitre.org`);
        await page.waitForSelector('.list-total');
        await page.screenshot({ path: join(shots, `search-working-${name}.png`), fullPage: false });
        expect(await page.textContent('.list-total')).toBe('0 items match');
        await page.screenshot({ path: join(shots, `search-working-${name}.png`), fullPage: false });
        await page.close();
      }
    } finally {
      await browser.close();
      await app.close();
    }
  }, 240_000);
});
