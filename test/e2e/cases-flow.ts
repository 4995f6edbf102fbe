import { join } from 'node:path';
import type { Browser, Page } from 'playwright-core';
import { expect } from 'vitest';
import { expectDisabledWithReason, expectEnabled, signIn, type AppUnderTest } from './ui-flow.ts';

const mapCount = async (page: Page, fips: string): Promise<number> => Number((await page.getAttribute(`.map path[data-fips="${fips}"]`, 'data-count')) ?? '0');

/**
 * A county clerk works a case in a real browser: shares an indicator (the pattern checked as it is
 * typed), reports a threat to poll workers, adds a note, links the indicator, records the referral to
 * law enforcement, closes the case, and sees the state's open count on the map go back down.
 * Screenshots at desktop and phone width go to `shots`.
 */
export async function runCaseFlow(browser: Browser, app: AppUnderTest, shots: string): Promise<void> {
  const page = await browser.newPage({ viewport: { width: 1280, height: 900 } });
  const pageErrors: string[] = [];
  page.on('pageerror', (e) => pageErrors.push(e.message));
  page.on('dialog', (d) => void d.accept());
  const unique = `kestrel${Date.now().toString(36)}`;

  await signIn(page, app, app.county);
  const openBefore = await mapCount(page, app.countyState);

  // An indicator, its pattern checked as it is typed.
  await page.click('nav a:has-text("Intelligence")');
  await page.click('a:has-text("Share something new")');
  await page.waitForSelector('form.report');
  await page.fill('input[name=title]', `Caller number ${unique}`);
  await page.fill('input[name=pattern]', "[domain-name:value = 'threats.example'");
  await page.waitForSelector('[data-testid=pattern-check].field-error');
  expect(await page.isDisabled('button[type=submit]')).toBe(true);
  await page.screenshot({ path: join(shots, 'c01-indicator-pattern-error.png'), fullPage: true });
  // Typed as a bare domain, it is named in words and the pattern is one press away (no parser jargon).
  // Written safe as threat reports write it ("defanged"), it is read as the domain it stands for.
  await page.fill('input[name=pattern]', 'threats[.]example');
  expect(await page.textContent('[data-testid=pattern-check]')).toBe('That is a domain name, not yet a STIX pattern: use the pattern below.');
  await page.fill('input[name=pattern]', 'threats.example');
  expect(await page.textContent('[data-testid=pattern-check]')).toBe('That is a domain name, not yet a STIX pattern: use the pattern below.');
  await page.click('.pattern-suggestion button');
  expect(await page.inputValue('input[name=pattern]')).toBe("[domain-name:value = 'threats.example']");
  await page.waitForSelector('[data-testid=pattern-check]:has-text("reads correctly")');
  await page.click('button[type=submit]:has-text("Share")');
  await page.waitForSelector('.success');
  expect(await page.textContent('.detail h1')).toContain(unique);
  // A note about it, from its page.
  await page.click('a:has-text("Write a note about this item")');
  await page.waitForSelector('form.report');
  await page.fill('textarea[name=text]', `Seen in calls to two towns (${unique}).`);
  await page.click('button[type=submit]:has-text("Share")');
  await page.waitForSelector('.type-tag:has-text("Note")');

  // The incident: a threat to election workers.
  await page.click('nav a:has-text("Report")');
  await page.waitForSelector('form.report');
  await page.fill('textarea[name=whatHappened]', `Two poll workers got threatening calls at home (${unique}). We told them to report any more.`);
  await page.check('input[name=category][value=threat-to-election-workers]');
  await page.check('input[name=severity][value=high]');
  await page.click('button[type=submit]:has-text("Send report")');
  await page.waitForSelector('.case-card');
  const incidentUrl = page.url().replace(/\?.*$/, '');
  expect(await page.textContent('[data-testid=case-status]')).toBe('New');

  // A note on the timeline.
  await expectDisabledWithReason(page, '.note-form button:has-text("Add note")', 'Write the note above first.');
  await page.fill('.note-form textarea', `Sheriff informed; patrols near the workers' homes (${unique}).`);
  await expectEnabled(page, '.note-form button:has-text("Add note")');
  await page.click('.note-form button:has-text("Add note")');
  await page.waitForSelector(`.timeline-note:has-text("Sheriff informed")`);

  // Link the indicator.
  await page.fill('.link-items input[type=search]', unique);
  await page.click('.link-items button:has-text("Search")');
  await page.click('.link-results button:has-text("Link")');
  // In the Links list (the note, which names the same word, is listed under "Referred to by" already).
  await page.waitForSelector(`ul.related[aria-label="Links"] li:has-text("${unique}")`);
  expect(await page.textContent('ul.related[aria-label="Links"]')).toContain('indicates');

  // The referral to law enforcement: who and when.
  await page.fill('input[placeholder^="e.g. FBI"]', 'FBI field office (fictional)');
  await page.click('button:has-text("Record referral")');
  await page.waitForSelector('[data-testid=referral]:has-text("FBI field office (fictional)")');
  // Edit: a new version with a count of voters affected (never names).
  await page.click('.owner-actions button:has-text("Edit")');
  await page.fill('input[name=voters_affected]', '40');
  await page.selectOption('select[name=impact]', 'minor');
  await page.click('button:has-text("Publish new version")');
  await page.waitForSelector('.facts dd:has-text("40")');
  await page.click('button:has-text("Mark investigating")');
  await page.waitForSelector('[data-testid=case-status]:has-text("Investigating")');
  await page.screenshot({ path: join(shots, 'c02-case-desktop.png'), fullPage: true });

  await page.setViewportSize({ width: 390, height: 844 });
  await page.screenshot({ path: join(shots, 'c03-case-phone.png'), fullPage: true });
  expect(Number(await page.evaluate('document.documentElement.scrollWidth'))).toBeLessThanOrEqual(390);
  await page.setViewportSize({ width: 1280, height: 900 });

  // Close the case: it leaves the map of open incidents.
  await page.goto(`${app.baseUrl}/`);
  await page.waitForSelector('.map svg path[data-fips]');
  expect(await mapCount(page, app.countyState)).toBe(openBefore + 1);
  await page.goto(incidentUrl);
  await page.click('button:has-text("Close the case")');
  await page.waitForSelector('[data-testid=case-status]:has-text("Closed")');
  // The timeline follows once the server has recorded the change.
  await page.waitForSelector('[data-testid=timeline]:has-text("Closed (resolved)")');
  await page.screenshot({ path: join(shots, 'c04-closed.png'), fullPage: true });
  await page.goto(`${app.baseUrl}/`);
  await page.waitForSelector('.map svg path[data-fips]');
  expect(await mapCount(page, app.countyState)).toBe(openBefore);
  await page.screenshot({ path: join(shots, 'c05-map-after-close.png'), fullPage: true });
  expect(pageErrors).toEqual([]);
  await page.close();
}
