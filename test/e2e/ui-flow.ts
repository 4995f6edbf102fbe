import { join } from 'node:path';
import type { Browser, Page } from 'playwright-core';
import { expect } from 'vitest';

export interface Person {
  readonly email: string;
  readonly password: string;
}

/** A running Rampart with two organizations in different states and one person in each. */
export interface AppUnderTest {
  readonly baseUrl: string;
  /** A local election office in state `countyState`. */
  readonly county: Person;
  readonly countyState: string;
  /** An organization in another state: must never see what the county shares with its own state. */
  readonly outsider: Person;
}

/** Signs `who` in through the sign-in page and waits for the dashboard's map. */
export async function signIn(page: Page, app: AppUnderTest, who: Person): Promise<void> {
  await page.goto(`${app.baseUrl}/signin`);
  await page.fill('input[name=email]', who.email);
  await page.fill('input[name=password]', who.password);
  await page.click('button[type=submit]');
  await page.waitForSelector('.map svg path[data-fips]');
}

/** A submit button that cannot be used yet: disabled, with `reason` beside it and named as its description for screen readers. */
export async function expectDisabledWithReason(page: Page, button: string, reason: string): Promise<void> {
  const locator = page.locator(button);
  await locator.waitFor();
  expect(await locator.isDisabled()).toBe(true);
  const described = await locator.getAttribute('aria-describedby');
  expect(described).not.toBeNull();
  const hint = page.locator(`[id="${described ?? ''}"]`);
  expect(await hint.isVisible()).toBe(true);
  expect(await hint.textContent()).toBe(reason);
}

/** The same button once it can be used: enabled, with no reason left beside it. */
export async function expectEnabled(page: Page, button: string): Promise<void> {
  const locator = page.locator(button);
  await expect.poll(() => locator.isEnabled()).toBe(true);
  expect(await locator.getAttribute('aria-describedby')).toBeNull();
}

export async function signOut(page: Page): Promise<void> {
  // On a phone, Sign out is the last line of the folded menu.
  const menu = page.locator('.menu-toggle');
  if (await menu.isVisible()) await menu.click();
  await page.click('.topbar button:visible:has-text("Sign out")');
  await page.waitForURL(/\/signin/);
}

const mapCount = async (page: Page, fips: string): Promise<number> => Number(await page.getAttribute(`.map path[data-fips="${fips}"]`, 'data-count'));

/**
 * The two-minute path of a county clerk, end to end in a real browser: sign in, see the map,
 * report a false rumour to the state, find it in the list; then a second organization's
 * person does not see it anywhere. Screenshots go to `shots`.
 */
export async function runUiFlow(browser: Browser, app: AppUnderTest, shots: string): Promise<void> {
  const page = await browser.newPage({ viewport: { width: 1280, height: 900 } });
  const pageErrors: string[] = [];
  page.on('pageerror', (e) => pageErrors.push(e.message));
  const unique = `zebra${Date.now().toString(36)}`;

  // Signed-out people asking for a page land on sign-in.
  await page.goto(`${app.baseUrl}/intel`);
  await page.waitForURL(/\/signin\?next=%2Fintel/);
  // Before anything is typed, "Sign in" says what it waits for instead of sitting greyed out.
  await expectDisabledWithReason(page, 'button[type=submit]', 'Enter your work email and password.');
  expect(await page.locator('[data-testid=signed-in-already]').count()).toBe(0);
  // A wrong password shows the server's own words, not a generic failure.
  await page.fill('input[name=email]', app.county.email);
  await page.fill('input[name=password]', `${app.county.password}-wrong`);
  await page.click('button[type=submit]');
  const error = await page.waitForSelector('.signin [role=alert]');
  expect((await error.textContent())?.length ?? 0).toBeGreaterThan(5);
  await page.screenshot({ path: join(shots, '01-signin-error.png') });

  // What the outsider sees in the county's state before the report: the report must not change it.
  await signIn(page, app, app.outsider);
  const outsiderBefore = await mapCount(page, app.countyState);
  await signOut(page);

  await signIn(page, app, app.county);
  expect(await page.locator('.map path[data-fips]').count()).toBeGreaterThanOrEqual(51);
  expect(await page.locator('.territories li').count()).toBe(5);
  const before = await mapCount(page, app.countyState);
  await page.screenshot({ path: join(shots, '02-dashboard.png'), fullPage: true });
  // Back on the sign-in page while signed in (a bookmark): it says who is signed in and leads to the dashboard.
  await page.goto(`${app.baseUrl}/signin`);
  await page.waitForSelector('[data-testid=signed-in-already]:has-text("You are already signed in as")');
  await page.click('[data-testid=signed-in-already] a:has-text("Go to the dashboard")');
  await page.waitForSelector('.map svg path[data-fips]');
  // A link cut short (an email's line break, a typo): nothing here, in words, never the id's pattern.
  for (const path of ['/intel/report--1b4e28ba', '/support/1b4e28ba', '/statements/1b4e28ba']) {
    await page.goto(`${app.baseUrl}${path}`);
    const refused = page.locator('main [role=alert]');
    await refused.waitFor();
    expect(await refused.textContent(), path).toBe('Not found. There is nothing at this address: the link may be cut short or mistyped. Check it, or find what you are looking for from the menu.');
    // And a way back to the list the item would be in.
    expect(await page.locator('main a').count(), path).toBeGreaterThan(0);
  }
  await page.goto(`${app.baseUrl}/`);
  await page.waitForSelector('.map svg path[data-fips]');

  // Report a rumour: the defaults share it with the reporter's state at TLP:AMBER.
  await page.click('a:has-text("Report an incident or rumour")');
  await page.waitForSelector('form.report');
  expect(await page.isChecked(`input[name=audience][value="state:${app.countyState}"]`)).toBe(true);
  expect(await page.isDisabled('input[name=audience][value=public]')).toBe(true);
  await page.fill('textarea[name=whatHappened]', `Texts claim our polling places close at noon (${unique}). They are open until 8 pm.`);
  await page.check('input[name=category][value=influence]');
  await page.check('input[name=functions][value=voting]');
  await page.check('input[name=severity][value=high]');
  await page.screenshot({ path: join(shots, '03-report.png'), fullPage: true });
  await page.click('button[type=submit]:has-text("Send report")');
  await page.waitForSelector('.success');
  const detailUrl = page.url();
  expect(await page.textContent('.detail h1')).toContain(unique);
  expect(await page.textContent('.detail')).toContain('TLP:AMBER');
  await page.screenshot({ path: join(shots, '04-detail.png'), fullPage: true });

  await page.goto(`${app.baseUrl}/intel?q=${unique}`);
  await page.waitForSelector('.intel-table');
  expect(await page.locator('.intel-table tbody tr').count()).toBe(1);
  await page.screenshot({ path: join(shots, '05-list.png'), fullPage: true });

  // The list leaves relationships out (the knowledge base alone holds thousands); an item's Connections card shows them, linked.
  await page.goto(`${app.baseUrl}/intel`);
  await page.waitForSelector('.intel-table');
  expect(await page.locator('.intel-table .type-cell').allTextContents()).not.toContain('Relationship');
  // The reference library is called so wherever it is offered: the link says the name its page and the dashboard use.
  await page.click('a:has-text("Reference library (ATT&CK, DISARM, members)")');
  await page.waitForSelector('main h1:has-text("Reference library")');
  await page.goto(`${app.baseUrl}/intel?q=ALLANITE&type=intrusion-set&reference=only`);
  await page.waitForSelector('.intel-table');
  await page.click('.intel-table a');
  await page.waitForSelector('.connections ul[aria-label="Links"] li');
  const related = await page.textContent('.connections ul[aria-label="Links"]');
  expect(related).toContain('This uses');
  expect(await page.locator('.related a').count()).toBeGreaterThan(1);
  await page.screenshot({ path: join(shots, '05b-related.png'), fullPage: true });

  await page.goto(`${app.baseUrl}/`);
  await page.waitForSelector('.map svg path[data-fips]');
  expect(await mapCount(page, app.countyState)).toBe(before + 1);
  await signOut(page);

  // Someone in another state sees none of it: not in search, not by its address, not on the map.
  await signIn(page, app, app.outsider);
  expect(await mapCount(page, app.countyState)).toBe(outsiderBefore);
  await page.goto(`${app.baseUrl}/intel?q=${unique}`);
  await page.waitForSelector('text=Nothing matches');
  await page.goto(detailUrl.replace(/\?.*$/, ''));
  const refused = await page.waitForSelector('[role=alert]');
  expect(await refused.textContent()).not.toContain(unique);
  await page.screenshot({ path: join(shots, '06-outsider.png'), fullPage: true });
  await signOut(page);

  // The public page needs no sign-in.
  await page.goto(`${app.baseUrl}/rumour-control`);
  await page.waitForSelector('h1:has-text("Rumour control")');
  await page.screenshot({ path: join(shots, '07-rumour-control.png'), fullPage: true });
  expect(pageErrors).toEqual([]);
  await page.close();
}
