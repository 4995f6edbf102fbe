import { createRequire } from 'node:module';
import type { Page } from 'playwright-core';
import { describe, expect, it } from 'vitest';
import { CHROMIUM, hasChromium, launchChromium } from './browser.ts';
import { startRealApp } from './real-app.ts';
import { signIn } from './ui-flow.ts';

const skipReason = hasChromium() ? null : `${CHROMIUM} is absent: install Debian's chromium to run the browser test`;
const AXE = createRequire(import.meta.url).resolve('axe-core/axe.min.js');

/** The main pages, each with what shows once it has loaded. */
const PAGES: readonly (readonly [string, string])[] = [
  ['/', '.map svg path[data-fips]'],
  ['/elections', 'main h1'],
  ['/intel', '.list-total'],
  ['/intel?reference=only&type=intrusion-set', '.intel-table'],
  ['/report', 'main form'],
  ['/check-logs', 'main h1'],
  ['/support', 'main h1'],
  ['/platform-shares', 'main h1'],
  ['/statements', 'main h1'],
  ['/settings', 'main h1'],
  ['/settings/alerts', 'main h1'],
  ['/notifications', 'main h1'],
  ['/rumour-control', 'main h1'],
];

interface Violation {
  readonly id: string;
  readonly impact: string | null;
  readonly help: string;
  readonly nodes: readonly { readonly target: readonly unknown[] }[];
}

/** axe-core's serious and critical findings on the page as it stands (WCAG 2.1 A and AA rules). */
async function seriousViolations(page: Page): Promise<string[]> {
  await page.addScriptTag({ path: AXE });
  const found = await page.evaluate<Violation[]>(
    `axe.run(document, { runOnly: { type: 'tag', values: ['wcag2a', 'wcag2aa', 'wcag21a', 'wcag21aa'] } }).then((r) => r.violations.map((v) => ({ id: v.id, impact: v.impact, help: v.help, nodes: v.nodes.map((n) => ({ target: n.target })) })))`,
  );
  return found.filter((v) => v.impact === 'serious' || v.impact === 'critical').map((v) => `${v.id} (${v.impact ?? ''}): ${v.help} at ${v.nodes.slice(0, 3).map((n) => JSON.stringify(n.target)).join(', ')}`);
}

describe.skipIf(skipReason !== null)('accessibility of the main pages (axe-core, Chromium)', () => {
  it('has no serious or critical axe findings at desktop and phone width; the top menu moves focus to the content; focus rings show on checkboxes and radio buttons', async () => {
    const app = await startRealApp();
    const browser = await launchChromium();
    try {
      for (const [width, height] of [[1280, 900], [390, 844]] as const) {
        // axe is injected as a script: the page's Content-Security-Policy would refuse it.
        const page = await browser.newPage({ viewport: { width, height }, bypassCSP: true });
        await signIn(page, app, app.county);
        const problems: string[] = [];
        for (const [path, ready] of PAGES) {
          await page.goto(`${app.baseUrl}${path}`);
          await page.waitForSelector(ready);
          problems.push(...(await seriousViolations(page)).map((p) => `${path} at ${width}px: ${p}`));
        }
        expect(problems).toEqual([]);

        // Following a top-menu link puts the focus on the new page's main content.
        await page.goto(`${app.baseUrl}/`);
        await page.waitForSelector('.map svg path[data-fips]');
        if (width >= 800) {
          await page.click('nav[aria-label=Main] a:has-text("Intelligence")');
        } else {
          await page.locator('nav[aria-label=Main] a:has-text("Intelligence")').evaluate((a) => (a as unknown as { click(): void }).click());
        }
        await page.waitForSelector('.list-total');
        await expect.poll(() => page.evaluate(() => (globalThis as unknown as { document: { activeElement: { id: string } | null } }).document.activeElement?.id)).toBe('main');

        // A checkbox reached by the keyboard shows a solid ring.
        await page.goto(`${app.baseUrl}/intel?reference=only&type=intrusion-set`);
        const box = page.locator('.intel-table tbody input[type=checkbox]').first();
        await box.waitFor();
        await box.focus();
        await page.keyboard.press('Shift+Tab');
        await page.keyboard.press('Tab');
        const ring = await box.evaluate((el) => {
          const style = (globalThis as unknown as { getComputedStyle(e: unknown): { outlineStyle: string; outlineWidth: string } }).getComputedStyle(el);
          return { style: style.outlineStyle, width: style.outlineWidth };
        });
        expect(ring).toEqual({ style: 'solid', width: '3px' });
        // So does a radio button (the report form's category), reached by the keyboard.
        await page.goto(`${app.baseUrl}/report`);
        const radio = page.locator('input[type=radio][name=category]').first();
        await radio.waitFor();
        await radio.focus();
        await page.keyboard.press('Shift+Tab');
        await page.keyboard.press('Tab');
        expect(await radio.evaluate((el) => (globalThis as unknown as { getComputedStyle(e: unknown): { outlineStyle: string } }).getComputedStyle(el).outlineStyle)).toBe('solid');
        await page.close();
      }
    } finally {
      await browser.close();
      await app.close();
    }
  }, 400_000);
});
