import { mkdirSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Page } from 'playwright-core';
import { describe, expect, it } from 'vitest';
import { CHROMIUM, hasChromium, launchChromium } from './browser.ts';
import { startRealApp } from './real-app.ts';
import { signIn } from './ui-flow.ts';

const skipReason = hasChromium() ? null : `${CHROMIUM} is absent: install Debian's chromium (apt-get install -y chromium) to run the browser test`;
if (skipReason !== null) console.warn(`\n!!!!! SKIPPING the support-incident browser test: ${skipReason} !!!!!\n`);

const INCIDENT = 'incident--5c000000-0000-4000-8000-000000000001';
const TITLE = 'Results website defaced (fictional)';

/** Sends one JSON request from the signed-in page, with its CSRF token. */
async function send(page: Page, method: string, url: string, body: unknown): Promise<void> {
  const status = await page.evaluate(
    async ([m, u, b]) => {
      const me = (await (await fetch('/api/v1/me')).json()) as { csrf_token: string };
      const res = await fetch(u, { method: m, headers: { 'content-type': 'application/json', 'x-csrf-token': me.csrf_token }, body: JSON.stringify(b) });
      return res.status;
    },
    [method, url, body] as const,
  );
  expect(status, `${method} ${url}`).toBeLessThan(300);
}

describe.skipIf(skipReason !== null)('a support request asked from an incident (Chromium)', () => {
  it('links the request and the incident both ways, and shows the provider no link while the incident is not shared with it', async () => {
    const shots = process.env['RAMPART_E2E_SCREENSHOTS'] ?? join(tmpdir(), 'rampart-e2e-screenshots');
    mkdirSync(shots, { recursive: true });
    const app = await startRealApp({ withProvider: true });
    if (app.provider === null) throw new Error('start the app with a provider');
    const browser = await launchChromium();
    try {
      const provider = await (await browser.newContext({ viewport: { width: 1280, height: 900 } })).newPage();
      await signIn(provider, app, app.provider);
      await send(provider, 'PUT', '/api/v1/support/offerings/incident-response', { description: 'Incident response for election offices.', active: true });

      const county = await (await browser.newContext({ viewport: { width: 390, height: 844 } })).newPage();
      const errors: string[] = [];
      county.on('pageerror', (e) => errors.push(e.message));
      await signIn(county, app, app.county);
      const at = new Date().toISOString();
      await send(county, 'POST', '/api/v1/objects', { object: { type: 'incident', spec_version: '2.1', id: INCIDENT, created: at, modified: at, name: TITLE }, tlp: 'amber', audience: [`org:${app.orgs.county}`] });

      // From the incident's page, the clerk asks for help with it.
      await county.goto(`${app.baseUrl}/intel/${INCIDENT}`);
      await county.waitForSelector('.incident-support :text("No support has been asked about this incident.")');
      await county.click('a:has-text("Ask for help with this incident")');
      await county.waitForSelector(`[data-testid=ask-incident] a:has-text("${TITLE}")`);
      await county.selectOption('select[name=provider]', { label: 'Cybersecurity and Infrastructure Security Agency' });
      await county.selectOption('select[name=service]', 'incident-response');
      await county.fill('input[name=title]', 'Help us restore the results website');
      await county.fill('textarea[name=details]', 'The results page shows a defaced banner since 7 am. Call the clerk’s office.');
      await county.screenshot({ path: join(shots, 's10-ask-from-incident-phone.png'), fullPage: true });
      await county.click('button:has-text("Send request")');
      // The request names its incident, and leads back to it.
      await county.waitForSelector(`[data-testid=support-incident] a:has-text("${TITLE}")`);
      const requestUrl = county.url();
      await county.click(`[data-testid=support-incident] a:has-text("${TITLE}")`);
      await county.waitForSelector('.incident-support ul li a:has-text("Help us restore the results website")');
      await county.screenshot({ path: join(shots, 's11-incident-support-phone.png'), fullPage: true });
      expect(Number(await county.evaluate('document.documentElement.scrollWidth'))).toBeLessThanOrEqual(390);

      // CISA is asked, but the incident is not shared with it: no link and no title.
      await provider.goto(requestUrl);
      await provider.waitForSelector('[data-testid=support-status]');
      expect(await provider.locator('[data-testid=support-incident]').count()).toBe(0);
      expect(await provider.textContent('body')).not.toContain(TITLE);
      await provider.goto(`${app.baseUrl}/support`);
      await provider.waitForSelector('.support-list li:has-text("Help us restore the results website")');
      expect(await provider.textContent('body')).not.toContain(TITLE);

      // Once the county shares the incident with CISA, CISA sees the link.
      await send(county, 'PUT', `/api/v1/objects/${INCIDENT}/sharing`, { audience: [`org:${app.orgs.county}`, `org:${app.orgs.provider ?? ''}`] });
      await provider.goto(requestUrl);
      await provider.waitForSelector(`[data-testid=support-incident] a:has-text("${TITLE}")`);
      expect(errors).toEqual([]);
    } finally {
      await browser.close();
      await app.close();
    }
  }, 240_000);
});
