import { join } from 'node:path';
import type { Browser } from 'playwright-core';
import { expect } from 'vitest';
import { misalignedChoices } from './choice-alignment.ts';
import { expectDisabledWithReason, expectEnabled, signIn, type AppUnderTest, type Person } from './ui-flow.ts';

/**
 * A support request from asking to completion, both sides in their own browser at once: CISA offers
 * a vulnerability scan; a county asks for it and writes; CISA, its page open, sees the message arrive
 * through the live feed, accepts, schedules and completes, and the county's open page follows each step.
 */
export async function runSupportFlow(browser: Browser, app: AppUnderTest & { readonly provider: Person | null }, shots: string): Promise<void> {
  if (app.provider === null) throw new Error('start the app with a provider');
  const providerContext = await browser.newContext({ viewport: { width: 1280, height: 900 } });
  const countyContext = await browser.newContext({ viewport: { width: 1280, height: 900 } });
  const provider = await providerContext.newPage();
  const county = await countyContext.newPage();
  const pageErrors: string[] = [];
  for (const p of [provider, county]) p.on('pageerror', (e) => pageErrors.push(e.message));
  const unique = `heron${Date.now().toString(36)}`;

  // CISA publishes the service in its catalogue.
  await signIn(provider, app, app.provider);
  await provider.click('nav a:has-text("Support")');
  await provider.waitForSelector('h1:has-text("Support")');
  // A provider is not told to ask for help: the page says what it is for on that side.
  await provider.waitForSelector('.page-head p:has-text("What election offices ask your organization for, and the services it offers them.")');
  // A provider's page is for offering: the form is open though it offers nothing yet (an election office's is folded, below).
  await provider.waitForSelector('select[name=offer-service]');
  await provider.selectOption('select[name=offer-service]', 'vulnerability-scanning');
  // Not usable yet: the button says why beside it, rather than sitting greyed out without a word.
  await expectDisabledWithReason(provider, 'button:has-text("Offer this service")', 'Say what the service is and how it works first.');
  await provider.fill('input[name=offer-description]', 'Free external scans of election office websites and networks.');
  await expectEnabled(provider, 'button:has-text("Offer this service")');
  await provider.click('button:has-text("Offer this service")');
  await provider.waitForSelector('li:has-text("Vulnerability scanning") .pill:has-text("offered")');
  // A listed service is no longer offered to add again: the form starts on one not listed yet.
  if ((await provider.locator('select[name=offer-service] option[value="vulnerability-scanning"]').count()) !== 0) throw new Error('the add form still offers a service already listed');
  if ((await provider.locator('select[name=offer-service] option').count()) === 0) throw new Error('the add form offers no service though some are not listed');

  // The county asks for it.
  await signIn(county, app, app.county);
  await county.click('nav a:has-text("Support")');
  await county.waitForSelector('form.ask-form');
  // A county office offers no service: the page leads with asking, the offer form folded behind its button.
  await county.waitForSelector('button:has-text("Offer a service to others")');
  if ((await county.locator('select[name=offer-service]').count()) !== 0) throw new Error('the county sees the offer form though it offers nothing');
  await county.selectOption('select[name=provider]', { label: 'Cybersecurity and Infrastructure Security Agency' });
  await county.selectOption('select[name=service]', 'vulnerability-scanning');
  // Not ready to send: what is still missing is said beside the button, as for "Offer this service" and "Send message".
  await county.fill('input[name=title]', 'IT');
  await expectDisabledWithReason(county, 'button:has-text("Send request")', 'Give your request a title (at least 3 characters). Add the details: what you need, by when, and who to contact.');
  await county.fill('input[name=title]', `Scan our results website (${unique})`);
  await expectDisabledWithReason(county, 'button:has-text("Send request")', 'Add the details: what you need, by when, and who to contact.');
  await county.fill('textarea[name=details]', 'Before election night, please scan results.example.gov. Contact the clerk’s office.');
  await expectEnabled(county, 'button:has-text("Send request")');
  // Urgent: CISA's support contacts are emailed at once, and its backup contacts if nobody acknowledges in time.
  await county.check('input[name=urgent]');
  await county.screenshot({ path: join(shots, 's01-ask.png'), fullPage: true });
  // Its long label wraps (to four lines on a phone): the box stays beside the first line, not the middle of them.
  for (const width of [1280, 390]) {
    await county.setViewportSize({ width, height: width === 390 ? 844 : 900 });
    const urgent = await misalignedChoices(county);
    expect([width, urgent.wrapped >= 1, urgent.misaligned]).toEqual([width, true, []]);
  }
  await county.locator('label:has(input[name=urgent])').screenshot({ path: join(shots, 's01b-urgent-phone.png') });
  await county.setViewportSize({ width: 1280, height: 900 });
  await county.click('button:has-text("Send request")');
  await county.waitForSelector('[data-testid=support-status]:has-text("Waiting for an answer")');
  await county.waitForSelector('.type-tag .urgent-tag:has-text("Urgent")');
  const requestUrl = county.url();
  // Who sees it: each organization with how it takes part in words, never "Name (fictional) (asked of)"; "Add" says what it waits for.
  const seers = await county.locator('section:has(h2:has-text("Who sees this request")) li').allInnerTexts();
  expect(seers.map((s) => s.replace(/^.* — /, ''))).toEqual(['asked for help', 'asked to help']);
  expect(seers.join(' ')).not.toContain(') (');
  await expectDisabledWithReason(county, 'section:has(h2:has-text("Who sees this request")) button[type=submit]', 'Choose an organization above first.');

  // CISA opens it from its list; the county's message arrives there live.
  await provider.goto(`${app.baseUrl}/support`);
  await provider.click(`a:has-text("${unique}")`);
  await provider.waitForSelector('button:has-text("Accept")');
  expect(provider.url()).toBe(requestUrl);
  await expectDisabledWithReason(county, 'button:has-text("Send message")', 'Write your message above first.');
  await county.fill('textarea[name=message]', 'Our IT contact is in on Tuesdays.');
  await expectEnabled(county, 'button:has-text("Send message")');
  await county.click('button:has-text("Send message")');
  await provider.waitForSelector('[data-testid=messages] li:has-text("Our IT contact is in on Tuesdays.")');

  // CISA accepts, schedules and completes; the county's open page follows.
  await provider.click('button:has-text("Accept")');
  await county.waitForSelector('[data-testid=support-status]:has-text("Accepted")');
  await provider.fill('input[name=scheduled_for]', '2026-10-20T14:00');
  await provider.click('button:has-text("Schedule")');
  await county.waitForSelector('[data-testid=scheduled-for]');
  await provider.fill('textarea[name=message]', 'See you on Tuesday 20 October at 2 pm.');
  await provider.click('button:has-text("Send message")');
  await county.waitForSelector('[data-testid=messages] li:has-text("See you on Tuesday")');
  await provider.screenshot({ path: join(shots, 's02-provider.png'), fullPage: true });
  await provider.click('button:has-text("Mark completed")');
  await county.waitForSelector('[data-testid=support-status]:has-text("Completed")');
  await county.screenshot({ path: join(shots, 's03-county-completed.png'), fullPage: true });
  await county.setViewportSize({ width: 390, height: 844 });
  await county.screenshot({ path: join(shots, 's04-county-phone.png'), fullPage: true });
  expect(Number(await county.evaluate('document.documentElement.scrollWidth'))).toBeLessThanOrEqual(390);
  await county.goto(`${app.baseUrl}/support`);
  await county.waitForSelector(`li:has-text("${unique}") .pill:has-text("Completed")`);
  await county.screenshot({ path: join(shots, 's05-support-list-phone.png'), fullPage: true });
  expect(pageErrors).toEqual([]);
  await providerContext.close();
  await countyContext.close();
}
