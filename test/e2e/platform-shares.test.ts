import { existsSync, mkdirSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { CHROMIUM, hasChromium, launchChromium } from './browser.ts';
import { startRealApp } from './real-app.ts';
import { expectDisabledWithReason, signIn } from './ui-flow.ts';

const skipReason = hasChromium() ? null : `${CHROMIUM} is absent: install Debian's chromium (apt-get install -y chromium) to run the browser test`;
if (skipReason !== null) console.warn(`\n!!!!! SKIPPING the platform-sharing browser test: ${skipReason} !!!!!\n`);

/**
 * Platform sharing in the browser: a county clerk records that a report was shared with a platform (told in
 * plain words when the address is not a web address), the platform records its response, and a visitor
 * who never signed in reads both in the public transparency log, on a phone too.
 */
describe.skipIf(skipReason !== null)('platform sharing in the browser (Chromium)', () => {
  it('a clerk records a share, the platform answers, the public log shows both', async () => {
    const shots = process.env['RAMPART_E2E_SCREENSHOTS'] ?? join(tmpdir(), 'rampart-e2e-screenshots');
    mkdirSync(shots, { recursive: true });
    const app = await startRealApp({ withPlatform: true });
    const browser = await launchChromium();
    try {
      const platform = app.platform;
      if (platform === null) throw new Error('no platform');
      const errors: string[] = [];
      const clerk = await (await browser.newContext({ viewport: { width: 1280, height: 900 } })).newPage();
      clerk.on('pageerror', (e) => errors.push(e.message));
      await signIn(clerk, app, app.county);
      await clerk.click('nav a:has-text("Platforms")');
      await clerk.waitForSelector('h1:has-text("Platform sharing")');
      await expectDisabledWithReason(clerk, 'button:has-text("Record and publish")', 'Fill in the platform, the report, the address of the post and why you shared it.');
      await clerk.selectOption('select[name=platform]', { label: platform.name });
      // The report's page address, as copied from the browser, names it.
      await clerk.fill('input[name=object_id]', `${app.baseUrl}/intel/${encodeURIComponent(platform.report)}`);
      await clerk.fill('input[name=url]', 'javascript:alert(1)');
      await clerk.fill('textarea[name=reason]', 'The video gives the wrong date for the election.');
      await clerk.click('button:has-text("Record and publish")');
      await clerk.waitForSelector('[role=alert]:has-text("Give the post\'s web address (http or https), not a javascript: address")');
      await clerk.fill('input[name=url]', 'https://social.example/videos/8841');
      await clerk.click('button:has-text("Record and publish")');
      const card = '[data-testid=platform-share]:has-text("https://social.example/videos/8841")';
      await clerk.waitForSelector(`${card}:has-text("No response recorded yet.")`);
      expect(await clerk.textContent(card)).toContain('(not named in the public log)');
      await clerk.screenshot({ path: join(shots, 'p01-clerk-shared.png'), fullPage: true });

      const trust = await (await browser.newContext({ viewport: { width: 1280, height: 900 } })).newPage();
      trust.on('pageerror', (e) => errors.push(e.message));
      await signIn(trust, app, platform.person);
      await trust.goto(`${app.baseUrl}/platform-shares`);
      await trust.waitForSelector(card);
      await trust.selectOption(`${card} select`, 'labelled');
      await trust.fill(`${card} input`, 'We added a label linking to the county clerk’s page.');
      await trust.click(`${card} button:has-text("Record the response")`);
      await trust.waitForSelector(`${card}:has-text("Response: Label or context added. We added a label linking to the county clerk’s page.")`);

      const visitor = await (await browser.newContext({ viewport: { width: 390, height: 844 } })).newPage();
      visitor.on('pageerror', (e) => errors.push(e.message));
      await visitor.goto(`${app.baseUrl}/transparency`);
      await visitor.waitForSelector(`[data-testid=log-entry]:has-text("told ${platform.name} about https://social.example/videos/8841: The video gives the wrong date for the election.")`);
      await visitor.waitForSelector('[data-testid=log-entry]:has-text("Platform response (labelled)")');
      expect(await visitor.content()).not.toContain(platform.report);
      expect(Number(await visitor.evaluate('document.documentElement.scrollWidth'))).toBeLessThanOrEqual(390);
      await visitor.screenshot({ path: join(shots, 'p02-public-log-phone.png'), fullPage: true });
      expect(errors).toEqual([]);
    } finally {
      await browser.close();
      await app.close();
    }
    expect(existsSync(join(shots, 'p02-public-log-phone.png'))).toBe(true);
  }, 300_000);
});
