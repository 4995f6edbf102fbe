import { mkdirSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { CHROMIUM, hasChromium, launchChromium } from './browser.ts';
import { startRealApp } from './real-app.ts';
import { expectDisabledWithReason, expectEnabled, signIn } from './ui-flow.ts';

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
  it('adds a push feed by choosing its partner by name and naming the server setting of its key, never typing an audience key', async () => {
    const shots = process.env['RAMPART_E2E_SCREENSHOTS'] ?? join(tmpdir(), 'rampart-e2e-screenshots');
    mkdirSync(shots, { recursive: true });
    const app = await startRealApp({ countyRole: 'org-admin' });
    const browser = await launchChromium();
    try {
      const page = await browser.newPage({ viewport: { width: 390, height: 844 } });
      const errors: string[] = [];
      page.on('pageerror', (e) => errors.push(e.message));
      await signIn(page, app, app.county);
      await page.goto(`${app.baseUrl}/feeds`);
      await page.fill('input[name=feed-name]', 'CISA hub');
      await page.fill('input[name=feed-url]', 'http://127.0.0.1:9/taxii2/');
      await page.fill('input[name=feed-collection]', 'election-partners');
      // The places are named and ordered as on the sharing forms (audienceChoices); a pull may keep what it brings in inside the organization.
      const places = async () => (await page.locator('.feed-audience .choices label').allTextContents()).map((t) => t.trim());
      await expect.poll(places).toEqual([
        'My state: Wisconsin (state office and its local offices)',
        'My organization only: Pine Hollow County Clerk (fictional)',
        'Everyone in the Rampart community',
      ]);
      await page.selectOption('select[name=feed-direction]', 'push');
      await expect.poll(places).toEqual(['My state: Wisconsin (state office and its local offices)', 'Everyone in the Rampart community']);
      // A push sends what is shared with its partner: until one is chosen, the button says so.
      await expectDisabledWithReason(page, 'button:has-text("Add feed")', 'Choose who this feed sends to: tick a place or add the partner organization below.');
      // The organization's own key is not offered to a push (what it kept inside itself never leaves).
      expect(await page.locator('input[name=feed-audience][value^="org:"]').count()).toBe(0);
      expect(await page.locator(`select[name=feed-add-org] option[value="${app.orgs.county}"]`).count()).toBe(0);
      await page.selectOption('select[name=feed-add-org]', { label: 'Cybersecurity and Infrastructure Security Agency' });
      await page.click('.feed-audience .add-place:has(select[name=feed-add-org]) button:has-text("Add")');
      await page.waitForSelector('ul[aria-label="Also chosen"] li:has-text("Cybersecurity and Infrastructure Security Agency")');
      // Each "Add" row goes back to its first line once added, its button waiting for the next choice.
      expect(await page.inputValue('select[name=feed-add-org]')).toBe('');
      expect(await page.isDisabled('.feed-audience .add-place:has(select[name=feed-add-org]) button')).toBe(true);
      await page.selectOption('select[name=feed-add-state]', { label: 'Illinois' });
      await page.click('.feed-audience .add-place:has(select[name=feed-add-state]) button:has-text("Add")');
      await page.waitForSelector('ul[aria-label="Also chosen"] li:has-text("Illinois (state office and its local offices)")');
      expect(await page.inputValue('select[name=feed-add-state]')).toBe('');
      // The secret stays on the server: the form asks for the name of the setting that holds it, in words.
      await page.check('label:has-text("With a password or key kept on this hub’s server") input');
      await expectDisabledWithReason(page, 'button:has-text("Add feed")', 'Give the name of the server setting that holds the password or key.');
      await page.fill('input[name=feed-credential]', '9 hub');
      await page.waitForSelector('.field-error:has-text("A setting name uses only capital letters, digits and underscores")');
      await page.fill('input[name=feed-credential]', 'cisa_hub_token');
      expect(await page.inputValue('input[name=feed-credential]')).toBe('CISA_HUB_TOKEN');
      await expectEnabled(page, 'button:has-text("Add feed")');
      const text = await page.textContent('form.feed-form');
      expect(text).not.toMatch(/env:|org:|state:\d|\^/);
      expect(Number(await page.evaluate('document.documentElement.scrollWidth'))).toBeLessThanOrEqual(390);
      await page.screenshot({ path: join(shots, '31-feed-form-phone.png'), fullPage: true });
      await page.click('button:has-text("Add feed")');
      await page.waitForSelector('.feeds-table :text("Sends what is shared with: Cybersecurity and Infrastructure Security Agency; Illinois (state office and its local offices)")');
      await page.waitForSelector('.feeds-table :text("Signs in with the password or key in the server setting CISA_HUB_TOKEN")');
      const feeds = await page.evaluate(async () => ((await (await fetch('/api/v1/feeds')).json()) as { feeds: { audience: string[]; credential_ref: string; direction: string }[] }).feeds);
      const cisa = (await page.evaluate(async () => ((await (await fetch('/api/v1/orgs')).json()) as { id: string; name: string }[]).find((o) => o.name === 'Cybersecurity and Infrastructure Security Agency')?.id)) ?? 'missing';
      expect(feeds.map((f) => [f.direction, f.audience, f.credential_ref])).toEqual([['push', [`org:${cisa}`, 'state:17'], 'env:CISA_HUB_TOKEN']]);
      expect(errors).toEqual([]);
    } finally {
      await browser.close();
      await app.close();
    }
  }, 240_000);
});
