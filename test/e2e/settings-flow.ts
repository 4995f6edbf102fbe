import { join } from 'node:path';
import type { Browser, Page } from 'playwright-core';
import { expect } from 'vitest';
import { totpCode } from '../../src/auth/totp.ts';
import { signIn, signOut, type AppUnderTest } from './ui-flow.ts';

/** Publishes an indicator shared with the whole community at TLP:GREEN, as the signed-in person; returns its id. */
async function publishIndicator(page: Page, name: string): Promise<string> {
  return page.evaluate(async (indicatorName) => {
    const me = (await (await fetch('/api/v1/me')).json()) as { csrf_token: string };
    const now = new Date().toISOString();
    const id = `indicator--${crypto.randomUUID()}`;
    const object = { type: 'indicator', spec_version: '2.1', id, created: now, modified: now, name: indicatorName, pattern: "[domain-name:value = 'vote-noon.example']", pattern_type: 'stix', valid_from: now };
    const res = await fetch('/api/v1/objects', {
      method: 'POST',
      headers: { 'content-type': 'application/json', 'x-csrf-token': me.csrf_token },
      body: JSON.stringify({ object, tlp: 'green', audience: ['community'] }),
    });
    if (!res.ok) throw new Error(`publishing failed: ${res.status} ${await res.text()}`);
    return id;
  }, name);
}

/**
 * An org-admin creates an API key and sees it exactly once; then the owner of an indicator narrows its
 * sharing from the community to its own state, and the other state's person no longer sees it.
 */
export async function runSettingsFlow(browser: Browser, app: AppUnderTest, shots: string): Promise<void> {
  const page = await browser.newPage({ viewport: { width: 1280, height: 900 } });
  const pageErrors: string[] = [];
  page.on('pageerror', (e) => pageErrors.push(e.message));
  const unique = `heron${Date.now().toString(36)}`;

  await signIn(page, app, app.county);
  await page.click('.topbar a:has-text("Settings")');
  await page.waitForSelector('#people');
  await page.fill('input[name=key-name]', `SIEM ${unique}`);
  await page.click('button:has-text("Create key")');
  const shown = await page.waitForSelector('[data-testid=new-key]');
  const key = (await shown.textContent()) ?? '';
  expect(key).toMatch(/^rk_/);
  expect(await page.textContent('.keys-table')).toContain(`SIEM ${unique}`);
  await page.waitForSelector(`.org-keys-table td:has-text("SIEM ${unique}")`);
  await page.screenshot({ path: join(shots, '11-api-key-once.png'), fullPage: true });
  await page.click('button:has-text("I have stored it")');
  await page.reload();
  await page.waitForSelector(`.keys-table td:has-text("SIEM ${unique}")`);
  expect(await page.content()).not.toContain(key);

  const id = await publishIndicator(page, `Rumour domain ${unique}`);

  // At a phone's width the page does not scroll sideways, and each settings table keeps its headers over their own columns
  // (after the indicator: it is the Intelligence list's row; the marking definitions are reference, kept out of the list).
  await page.setViewportSize({ width: 390, height: 844 });
  for (const path of ['/settings', '/intel']) {
    await page.goto(`${app.baseUrl}${path}`);
    await page.waitForSelector(path === '/settings' ? '.people-table td' : '.intel-table td');
    expect(Number(await page.evaluate('document.documentElement.scrollWidth')), path).toBeLessThanOrEqual(390);
  }
  await page.goto(`${app.baseUrl}/settings`);
  await page.waitForSelector('.people-table td');
  const headers = page.locator('.people-table th');
  expect(await headers.allTextContents()).toEqual(['Name', 'Email', 'Role', 'Authenticator', 'Status']);
  const firstRow = page.locator('.people-table tbody tr').first().locator('td');
  for (let i = 0; i < 5; i++) {
    const [th, td] = [await headers.nth(i).boundingBox(), await firstRow.nth(i).boundingBox()];
    expect(th?.width ?? 0).toBeGreaterThan(0);
    expect(Math.abs((th?.x ?? 0) - (td?.x ?? -100))).toBeLessThan(1);
  }
  // The audit trail names the indicator by its kind and the start of its number, which a phone shows on one line, and links its page.
  const audited = page.locator(`#audit a[href="/intel/${encodeURIComponent(id)}"]`).first();
  expect(await audited.textContent()).toBe(`Indicator ${id.slice('indicator--'.length, 'indicator--'.length + 8)}`);
  expect(await audited.getAttribute('title')).toBe(id);
  await page.screenshot({ path: join(shots, '11b-settings-phone.png'), fullPage: true });
  await page.setViewportSize({ width: 1280, height: 900 });

  // "Check my logs" finds it in an uploaded JSON-lines DNS log; a file of no known kind is met with the page's "Format" list, not "give --format".
  await page.click('.topbar a:has-text("Check my logs")');
  await page.setInputFiles('input[name=log]', { name: 'notes.txt', mimeType: 'text/plain', buffer: Buffer.from('hello world\n') });
  await page.click('button:has-text("Check this log")');
  await page.waitForSelector('.check-logs [role=alert]:has-text("Choose its kind under “Format”")');
  expect(await page.textContent('.check-logs [role=alert]')).not.toContain('--format');
  const log = ['{"ts":1762178706.5,"query":"vote-noon.example"}', '{"ts":1762178707.5,"query":"county-results.example"}'].join('\n');
  await page.setInputFiles('input[name=log]', { name: 'dns.jsonl', mimeType: 'application/x-ndjson', buffer: Buffer.from(`${log}\n`) });
  await page.click('button:has-text("Check this log")');
  await page.waitForSelector('.hits-table');
  expect(await page.textContent('.hits-table')).toContain(`Rumour domain ${unique}`);
  expect(await page.textContent('.match-results')).toContain('2 lines read');
  await page.screenshot({ path: join(shots, '13-check-logs.png'), fullPage: true });
  await signOut(page);

  // Shared with the community: the other state's person sees it, the owner by name, no internal ids.
  await signIn(page, app, app.outsider);
  await page.goto(`${app.baseUrl}/intel/${id}`);
  await page.waitForSelector('.sharing-panel');
  expect(await page.textContent('.detail h1')).toContain(unique);
  const outsiderView = (await page.textContent('.sharing-panel')) ?? '';
  expect(outsiderView).toContain('The whole Rampart community');
  expect(outsiderView).toContain('Pine Hollow County Clerk');
  expect(outsiderView).not.toContain('identity--');
  expect(await page.isVisible('button:has-text("Change sharing")')).toBe(false);
  await signOut(page);

  // The owner narrows it to its own state; the server's refusal of an empty audience is shown first.
  await signIn(page, app, app.county);
  await page.goto(`${app.baseUrl}/intel/${id}`);
  await page.waitForSelector('.sightings-summary');
  await page.click('button:has-text("Change sharing")');
  await page.uncheck('input[name=sharing-audience][value=community]');
  await page.click('button:has-text("Save sharing")');
  const refusal = await page.waitForSelector('.sharing-form [role=alert]');
  expect((await refusal.textContent()) ?? '').toMatch(/empty/i);
  // Headed in words, as every other refusal, not with the HTTP reason phrase ("Unprocessable Entity").
  expect((await refusal.textContent()) ?? '').toMatch(/^Please check what you entered\. /);
  await page.check(`input[name=sharing-audience][value="state:${app.countyState}"]`);
  await page.click('button:has-text("Save sharing")');
  await page.waitForSelector('.sharing-panel .audience-words:has-text("Wisconsin")');
  // Under its heading "Shared with", the audience is said once, not as "Shared with: Visible to: …".
  expect(await page.textContent('.sharing-panel .audience-words')).not.toMatch(/^Visible to/);
  await page.screenshot({ path: join(shots, '12-sharing-narrowed.png'), fullPage: true });
  await signOut(page);

  await signIn(page, app, app.outsider);
  await page.goto(`${app.baseUrl}/intel/${id}`);
  const refused = await page.waitForSelector('[role=alert]');
  expect(await refused.textContent()).not.toContain(unique);

  // Setting up an authenticator shows the setup link as a QR code beside the secret to type, and a code from that secret confirms it.
  await page.goto(`${app.baseUrl}/settings/totp`);
  await page.click('button:has-text("Set up an authenticator")');
  const qr = await page.waitForSelector('svg[data-testid=totp-qr][role=img]');
  expect(await qr.getAttribute('aria-label')).toMatch(/^QR code of the authenticator setup link/);
  expect((await (await qr.$('path'))?.getAttribute('d'))?.length ?? 0).toBeGreaterThan(500);
  const secret = ((await page.textContent('[data-testid=totp-secret]')) ?? '').replace(/\s/g, '');
  expect(secret).toMatch(/^[A-Z2-7]{32}$/);
  await page.screenshot({ path: join(shots, '14-totp-qr.png'), fullPage: true });
  await page.fill('input[name=totp-code]', totpCode(secret, new Date()));
  await page.click('button:has-text("Confirm")');
  await page.waitForSelector('.success:has-text("Your authenticator is set up")');
  expect(pageErrors).toEqual([]);
  await page.close();
}
