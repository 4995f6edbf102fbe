import { mkdirSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { CHROMIUM, hasChromium, launchChromium } from './browser.ts';
import { startRealApp } from './real-app.ts';
import { signIn } from './ui-flow.ts';

const skipReason = hasChromium() ? null : `${CHROMIUM} is absent: install Debian's chromium to run the browser test`;

describe.skipIf(skipReason !== null)('searching and filtering the Intelligence list (Chromium)', () => {
  it('finds by a domain named in text, shows how many match, filters by TLP, owner, label and dates, and sorts, at desktop and phone width', async () => {
    const shots = process.env['RAMPART_E2E_SCREENSHOTS'] ?? join(tmpdir(), 'rampart-e2e-screenshots');
    mkdirSync(shots, { recursive: true });
    const app = await startRealApp();
    const browser = await launchChromium();
    try {
      for (const [width, height, name] of [[1280, 900, 'desktop'], [390, 844, 'phone']] as const) {
        const page = await browser.newPage({ viewport: { width, height } });
        // On a phone the filters past Type fold under "More filters" (open once one is set), so the results start on the first screen.
        const moreFilters = async () => {
          if (name === 'phone' && (await page.locator('details.more-filters[open]').count()) === 0) await page.click('details.more-filters summary');
        };
        await signIn(page, app, app.county);
        // The knowledge base's entries cite attack.mitre.org pages: the domain finds them by value.
        await page.goto(`${app.baseUrl}/intel?q=attack.mitre.org&type=intrusion-set&reference=only`);
        await page.waitForSelector('.intel-table');
        const status = await page.textContent('.list-total');
        expect(status).toMatch(/^(1 item matches|[\d,]+ items match)$/);
        expect(await page.locator('.intel-table tbody tr').count()).toBeGreaterThan(0);
        await page.screenshot({ path: join(shots, `search-${name}.png`), fullPage: false });
        // The filters stay inside the page, whatever the longest organization's name in the owner list.
        expect(Number(await page.evaluate('document.documentElement.scrollWidth'))).toBeLessThanOrEqual(width);
        await moreFilters();
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
        // A knowledge-base entry's description reads as text: links, numbered references, no raw <br> or citation markup.
        await page.goto(`${app.baseUrl}/intel?q=influencers&reference=only`);
        await page.waitForSelector('.intel-table tbody tr a');
        expect(await page.locator('.intel-table .clamp').first().textContent()).not.toMatch(/<br|\(Citation:/);
        await page.goto(`${app.baseUrl}/intel?q=attack.mitre.org&type=intrusion-set&reference=only`);
        await page.click('.intel-table tbody tr:first-child td:nth-child(4) a');
        await page.waitForSelector('.description .markdown');
        const described = (await page.textContent('.description')) ?? '';
        expect(described).not.toMatch(/<br|\(Citation:/);
        expect(await page.locator('.description .references li').count()).toBeGreaterThan(0);
        await page.screenshot({ path: join(shots, `search-kb-entry-${name}.png`), fullPage: false });
        // Sort by name: the rows come A to Z, and "Best match" is offered only with a search.
        await page.goto(`${app.baseUrl}/intel?type=intrusion-set&reference=only`);
        await page.waitForSelector('.intel-table');
        expect(await page.locator('select[name=sort] option[value=relevance]').count()).toBe(0);
        await page.selectOption('select[name=sort]', 'name');
        await page.waitForURL((u) => u.search.includes('sort=name'));
        await expect
          .poll(async () => {
            const names = (await page.locator('.intel-table tbody tr td:nth-child(4) a').allTextContents()).map((n) => n.toLowerCase());
            return names.length > 1 && names.every((n, i) => i === 0 || (names[i - 1] ?? '') <= n);
          })
          .toBe(true);
        await page.fill('input[name=q]', 'group');
        await page.click('button:has-text("Search")');
        await page.waitForURL((u) => u.search.includes('q=group'));
        await page.selectOption('select[name=sort]', 'relevance');
        await page.waitForURL((u) => u.search.includes('sort=relevance'));
        await page.waitForSelector('.intel-table');
        // Owner, label and a date range narrow the list and sit in the address.
        await page.goto(`${app.baseUrl}/intel`);
        await page.waitForSelector('.list-total');
        if (name === 'phone') {
          const total = await page.locator('.list-total').boundingBox();
          expect(total?.y ?? height).toBeLessThan(height);
        } else {
          // On a wide screen the filters line up in rows: fields side by side share their top and bottom (the date fields were taller).
          const boxes = await page.evaluate<{ name: string; top: number; bottom: number }[]>(
            `[...document.querySelectorAll('form.toolbar input, form.toolbar select, form.toolbar > button')].map((e) => { const b = e.getBoundingClientRect(); return { name: e.name || e.textContent, top: Math.round(b.top), bottom: Math.round(b.bottom) }; })`,
          );
          const misaligned = boxes.flatMap((a) => boxes.filter((b) => a.name < b.name && a.top < b.bottom && b.top < a.bottom && (a.top !== b.top || a.bottom !== b.bottom)).map((b) => `${a.name} ${a.top}-${a.bottom} beside ${b.name} ${b.top}-${b.bottom}`));
          expect(misaligned).toEqual([]);
          expect(boxes.find((b) => b.name === 'since')?.top).toBe(boxes.find((b) => b.name === 'until')?.top);
        }
        await moreFilters();
        const ownerValue = await page.locator('select[name=owner] option').nth(1).getAttribute('value');
        expect(ownerValue).toMatch(/^identity--/);
        await page.selectOption('select[name=owner]', ownerValue ?? '');
        await page.waitForURL((u) => u.search.includes('owner=identity'));
        await page.fill('input[name=label]', 'no-such-label');
        await page.click('button:has-text("Search")');
        await page.waitForSelector('text=Nothing matches');
        expect(page.url()).toContain('label=no-such-label');
        await page.click('button:has-text("Clear filters")');
        await page.waitForURL((u) => !u.search.includes('owner='));
        await moreFilters();
        await page.fill('input[name=since]', '2000-01-01');
        await page.waitForURL((u) => u.search.includes('since=2000-01-01'));
        await page.fill('input[name=until]', '2000-01-02');
        await page.waitForURL((u) => u.search.includes('until=2000-01-02'));
        await page.waitForSelector('text=Nothing matches');
        await page.screenshot({ path: join(shots, `search-filters-${name}.png`), fullPage: false });
        // Save the search on screen, reopen it from the list, turn it into a watch rule, delete it.
        await page.goto(`${app.baseUrl}/intel?tlp=amber&sort=name`);
        await page.waitForSelector('.list-total');
        await page.click('button:has-text("Save this search")');
        await page.fill('input[name=saved-name]', `Amber by name ${name}`);
        await page.click('.save-search button[type=submit]');
        await page.waitForSelector(`.saved-list a:has-text("Amber by name ${name}")`);
        await page.goto(`${app.baseUrl}/intel`);
        await page.click(`.saved-list a:has-text("Amber by name ${name}")`);
        await page.waitForURL((u) => u.search.includes('tlp=amber') && u.search.includes('sort=name'));
        expect(await page.inputValue('select[name=sort]')).toBe('name');
        await page.click(`.saved-list li:has-text("Amber by name ${name}") button:has-text("Alert me")`);
        await page.waitForSelector(`text=Watching "Amber by name ${name}"`);
        await page.screenshot({ path: join(shots, `search-saved-${name}.png`), fullPage: false });
        await page.click(`.saved-list li:has-text("Amber by name ${name}") button:has-text("Delete")`);
        await page.waitForSelector(`text=Deleted "Amber by name ${name}".`);
        expect(await page.locator(`.saved-list a:has-text("Amber by name ${name}")`).count()).toBe(0);
        await page.close();
      }
    } finally {
      await browser.close();
      await app.close();
    }
  }, 240_000);
});
