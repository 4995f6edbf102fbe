import { join } from 'node:path';
import type { Browser } from 'playwright-core';
import { expect } from 'vitest';
import { signIn, type AppUnderTest } from './ui-flow.ts';

/**
 * Rumour control in the browser: a county clerk writes a correction, is told in plain words what is
 * missing, previews exactly what the public will see and publishes; a visitor who never signed in finds
 * it on the public page (desktop and phone), narrows by state and words; the clerk withdraws it and the
 * public page keeps it, marked withdrawn. Screenshots at each step.
 */
export async function runRumourFlow(browser: Browser, app: AppUnderTest, shots: string): Promise<void> {
  const clerkContext = await browser.newContext({ viewport: { width: 1280, height: 900 } });
  const visitorContext = await browser.newContext({ viewport: { width: 1280, height: 900 } });
  const clerk = await clerkContext.newPage();
  const visitor = await visitorContext.newPage();
  const pageErrors: string[] = [];
  for (const p of [clerk, visitor]) p.on('pageerror', (e) => pageErrors.push(e.message));
  // The public pages ask only what always answers: no request of a visitor fails (a browser logs each failure as a
  // console error), not even the question whether someone is signed in, and nothing else reaches the console as an error.
  const publicFailures: string[] = [];
  visitor.on('response', (r) => {
    if (r.url().includes('/api/') && r.status() >= 400) publicFailures.push(`${r.status()} ${r.url()}`);
  });
  visitor.on('console', (m) => {
    if (m.type() === 'error') publicFailures.push(`console: ${m.text()}`);
  });
  const unique = `heron${Date.now().toString(36)}`;

  await signIn(clerk, app, app.county);
  await clerk.click('nav a:has-text("Rumour control")');
  await clerk.click('a:has-text("Write a correction")');
  await clerk.waitForSelector('h1:has-text("Write a correction")');
  // Nothing filled in: plain words say what is missing, and nothing is sent.
  await clerk.click('button:has-text("Preview")');
  await clerk.waitForSelector('[role=alert]:has-text("Write the rumour as people are hearing it.")');
  await clerk.fill('input[placeholder^="e.g. Polls"]', `Ballots are not thrown away (${unique})`);
  await clerk.fill('textarea[placeholder="What people are hearing or reading"]', 'A video claims mail ballots with a coffee stain are thrown away.');
  await clerk.fill('textarea[placeholder="What is true, in plain words"]', 'A damaged ballot is copied onto a fresh ballot by two election inspectors, one from each party, and counted.');
  await clerk.fill('[aria-label="Name of official page 1"]', 'Wisconsin Elections Commission: absentee voting');
  await clerk.fill('[aria-label="Address of official page 1"]', 'http://elections.wi.gov/voters/absentee');
  await clerk.fill('textarea[placeholder^="For example: Wis."]', 'Wis. Stat. § 7.51(2)(c)');
  // Counties are picked by name within the state, never typed as codes.
  await clerk.fill('[aria-label="Find a county by name"]', 'Dane');
  await clerk.check('.county-choices label:has-text("Dane") input');
  await clerk.waitForSelector('.county-picker p:has-text("Chosen: Dane.")');
  await clerk.click('label:has-text("After voting") input');
  await clerk.click('button:has-text("Preview")');
  await clerk.waitForSelector('[role=alert]:has-text("must be a secure web address starting with https://")');
  await clerk.fill('[aria-label="Address of official page 1"]', 'https://elections.wi.gov/voters/absentee');
  await clerk.click('button:has-text("Preview")');
  await clerk.waitForSelector('section[aria-label=Preview] h2:has-text("what the public will see")');
  await clerk.waitForSelector('section[aria-label=Preview] [data-testid=correction]:has-text("county: Dane")');
  await clerk.screenshot({ path: join(shots, 'r01-preview.png'), fullPage: true });
  await clerk.click('button:has-text("Publish to the public")');
  await clerk.waitForSelector('.success:has-text("Published.")');

  // A visitor who never signed in.
  await visitor.goto(`${app.baseUrl}/rumour-control`);
  const card = `[data-testid=correction]:has-text("${unique}")`;
  await visitor.waitForSelector(card);
  expect(await visitor.textContent(card)).toContain('copied onto a fresh ballot');
  await visitor.selectOption('.filters select >> nth=0', '55');
  await visitor.waitForURL(/state=55/);
  await visitor.waitForSelector(card);
  await visitor.fill('input[type=search]', 'coffee');
  await visitor.click('.filters button:has-text("Search")');
  await visitor.waitForURL(/q=coffee/);
  await visitor.waitForSelector(card);
  await visitor.screenshot({ path: join(shots, 'r02-public-desktop.png'), fullPage: true });
  await visitor.fill('input[type=search]', 'nothing-like-this');
  await visitor.click('.filters button:has-text("Search")');
  await visitor.waitForSelector('text=No corrections match.');
  await visitor.setViewportSize({ width: 390, height: 844 });
  await visitor.goto(`${app.baseUrl}/rumour-control`);
  await visitor.waitForSelector(card);
  await visitor.screenshot({ path: join(shots, 'r03-public-phone.png'), fullPage: true });
  expect(Number(await visitor.evaluate('document.documentElement.scrollWidth'))).toBeLessThanOrEqual(390);

  // The embed page a county site frames.
  await visitor.goto(`${app.baseUrl}/rumour-control/embed?state=55`);
  await visitor.waitForSelector(`article:has-text("${unique}")`);
  await visitor.screenshot({ path: join(shots, 'r04-embed-phone.png'), fullPage: true });

  // Withdrawn: still public, marked withdrawn with the reason.
  await clerk.click(`${card} button:has-text("Withdraw")`);
  await clerk.fill(`${card} .withdraw-box input`, 'Replaced by the state-wide correction.');
  await clerk.click(`${card} button:has-text("Withdraw it")`);
  await clerk.waitForSelector('.success:has-text("Withdrawn.")');
  await visitor.setViewportSize({ width: 1280, height: 900 });
  await visitor.goto(`${app.baseUrl}/rumour-control?state=55`);
  await visitor.waitForSelector(`${card} .withdrawn-note:has-text("Replaced by the state-wide correction.")`);
  await clerk.screenshot({ path: join(shots, 'r05-clerk-after-withdraw.png'), fullPage: true });

  // A false rumour reported as an incident is answered from its page: the form starts from its words and its state.
  await clerk.goto(`${app.baseUrl}/report`);
  await clerk.getByLabel(/Describe it/).fill(`Texts say our polling place moved to the high school; it did not (${unique}).`);
  await clerk.getByLabel('False rumour or disinformation').check();
  await clerk.getByLabel(/^Moderate/).check();
  await clerk.click('button:has-text("Send report")');
  await clerk.waitForURL(/\/intel\/incident--[^?]+\?reported=1/);
  const incidentId = decodeURIComponent(new URL(clerk.url()).pathname.slice('/intel/'.length));
  await clerk.click('.answer-rumour a:has-text("Write a public correction")');
  await clerk.waitForSelector('.answering:has-text("Answering False rumour: Texts say our polling place moved")');
  expect(await clerk.inputValue('textarea[placeholder="What people are hearing or reading"]')).toBe(`Texts say our polling place moved to the high school; it did not (${unique}).`);
  expect(await clerk.inputValue('.write-correction form select >> nth=0')).toBe(app.countyState);
  // The headline, the reality and where to check are still the writer's to give.
  expect(await clerk.inputValue('input[placeholder^="e.g. Polls"]')).toBe('');
  await clerk.screenshot({ path: join(shots, 'r05b-answer-rumour.png'), fullPage: true });
  // A reload keeps the incident it answers.
  await clerk.reload();
  await clerk.waitForSelector('.answering:has-text("Answering False rumour: Texts say our polling place moved")');
  await clerk.fill('input[placeholder^="e.g. Polls"]', `Your polling place has not moved (${unique})`);
  await clerk.fill('textarea[placeholder="What is true, in plain words"]', 'Every polling place is where it was at the last election. Check yours on MyVote Wisconsin.');
  await clerk.fill('[aria-label="Name of official page 1"]', 'MyVote Wisconsin: find my polling place');
  await clerk.fill('[aria-label="Address of official page 1"]', 'https://myvote.wi.gov/en-us/Find-My-Polling-Place');
  await clerk.click('button:has-text("Preview")');
  await clerk.click('button:has-text("Publish to the public")');
  // Published and linked to its incident: the message says so, and the correction keeps the link in the list below.
  await clerk.waitForSelector('.success:has-text("It is linked to the incident False rumour: Texts say our polling place moved")');
  const answering = clerk.locator(`[data-testid=correction]:has-text("Your polling place has not moved (${unique})") [data-testid=correction-incident]`);
  await answering.waitFor();
  expect(await answering.textContent()).toContain('False rumour: Texts say our polling place moved');
  await clerk.reload();
  await answering.waitFor();
  // The incident shows the correction that answers it.
  await answering.locator('a').click();
  await clerk.waitForURL((u) => decodeURIComponent(u.pathname) === `/intel/${incidentId}`);
  await clerk.waitForSelector(`.answer-rumour [data-testid=incident-corrections] a:has-text("Your polling place has not moved (${unique})")`);
  // Answered already: the button asks for another correction, not a first one.
  expect(await clerk.locator('.answer-rumour a.button').textContent()).toBe('Write another public correction');
  await clerk.screenshot({ path: join(shots, 'r05c-incident-answered.png'), fullPage: true });
  // The public correction names no incident.
  await visitor.goto(`${app.baseUrl}/rumour-control`);
  await visitor.waitForSelector(`[data-testid=correction]:has-text("Your polling place has not moved (${unique})")`);
  expect(await visitor.content()).not.toContain(incidentId);
  // Someone the report was not shared with gets an empty form: nothing of it, not even its name.
  const outsiderContext = await browser.newContext({ viewport: { width: 390, height: 844 } });
  const outsider = await outsiderContext.newPage();
  await signIn(outsider, app, app.outsider);
  const looked = outsider.waitForResponse((r) => r.url().includes(`/api/v1/objects/${incidentId}`));
  await outsider.goto(`${app.baseUrl}/rumour-control/write?from=${encodeURIComponent(incidentId)}`);
  expect((await looked).status()).toBe(404);
  await outsider.waitForSelector('h1:has-text("Write a correction")');
  expect(await outsider.isVisible('.answering')).toBe(false);
  expect(await outsider.inputValue('textarea[placeholder="What people are hearing or reading"]')).toBe('');
  expect(await outsider.textContent('body')).not.toContain(unique);
  await outsiderContext.close();

  // The transparency log: the publication and the withdrawal, newest first; the clerk has the hub sign a checkpoint, the visitor sees it.
  await visitor.goto(`${app.baseUrl}/transparency`);
  await visitor.waitForSelector('[data-testid=checkpoint], [data-testid=no-checkpoint]');
  await clerk.goto(`${app.baseUrl}/transparency`);
  await clerk.waitForSelector(`[data-testid=log-entry]:has-text("withdrew a correction: “Ballots are not thrown away (${unique})” (Replaced by the state-wide correction.)")`);
  await clerk.click('button:has-text("Ask the hub to sign a checkpoint now")');
  await clerk.waitForSelector('[data-testid=checkpoint]:has-text("signed")');
  await visitor.goto(`${app.baseUrl}/transparency`);
  await visitor.waitForSelector(`[data-testid=log-entry]:has-text("published a correction: “Ballots are not thrown away (${unique})”")`);
  expect(await visitor.textContent('[data-testid=checkpoint]')).toMatch(/^\d+ entr(y|ies), signed /);
  expect(await visitor.isVisible('button:has-text("Ask the hub to sign a checkpoint now")')).toBe(false);
  await visitor.screenshot({ path: join(shots, 'r06-transparency-log.png'), fullPage: true });
  await visitor.goto(`${app.baseUrl}/signin`);
  await visitor.waitForSelector('input[name=email]');
  expect(pageErrors).toEqual([]);
  expect(publicFailures).toEqual([]);
  await clerkContext.close();
  await visitorContext.close();
}
