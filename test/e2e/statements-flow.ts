import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import type { Browser, Page } from 'playwright-core';
import { expect } from 'vitest';
import { spawnRampart } from '../helpers/cli.ts';
import { signIn, type AppUnderTest, type Person } from './ui-flow.ts';

const hashOn = async (page: Page): Promise<string> => (await page.textContent('[data-testid=content-hash]')) ?? '';

async function openFromList(page: Page, app: AppUnderTest, title: string, section: string): Promise<void> {
  await page.goto(`${app.baseUrl}/statements`);
  await page.click(`section[aria-label="${section}"] [data-testid=statement-row] a:has-text("${title}")`);
  await page.waitForSelector(`h1:has-text("${title}")`);
}

async function approve(page: Page): Promise<void> {
  await page.click('button:has-text("Approve this exact text")');
  await page.waitForSelector('.success:has-text("Approved for")');
}

/**
 * Joint statements in the browser: a federal agency drafts a statement and names two co-signers (a
 * state office, on a phone, and a county office); each reads the exact text and its fingerprint and
 * approves; the drafter changes the text, which clears every approval (shown on every side, and a
 * co-signer who approves the old text is told to read it again); everyone approves again; the drafter
 * publishes it as TLP:CLEAR; a visitor who never signed in finds it with its signers; the signed copy
 * downloaded from the page verifies with `rampart verify` against the downloaded key set.
 */
export async function runStatementsFlow(browser: Browser, app: AppUnderTest & { readonly provider: Person | null }, shots: string, downloads: string): Promise<void> {
  if (app.provider === null) throw new Error('the statements flow needs the federal provider (startRealApp({ withProvider: true }))');
  const desktop = { viewport: { width: 1280, height: 900 } };
  const phone = { viewport: { width: 390, height: 844 }, isMobile: true, hasTouch: true };
  const contexts = await Promise.all([browser.newContext({ ...desktop, acceptDownloads: true }), browser.newContext(phone), browser.newContext(desktop), browser.newContext(desktop)]);
  const [drafter, state, county, visitor] = await Promise.all(contexts.map((c) => c.newPage()));
  if (drafter === undefined || state === undefined || county === undefined || visitor === undefined) throw new Error('no page');
  const pageErrors: string[] = [];
  for (const p of [drafter, state, county, visitor]) p.on('pageerror', (e) => pageErrors.push(e.message));
  const title = `Joint statement on the general election (${Date.now().toString(36)})`;
  const firstText = 'We have no evidence that any voting system deleted or lost votes.\n\nEvery ballot cast will be counted and checked before results are certified.';
  const newText = 'We have no evidence that any voting system deleted, changed or lost votes.\n\nEvery ballot cast will be counted and checked before results are certified.';

  // 1. Draft: plain words for what is missing, then co-signers from the directory.
  await signIn(drafter, app, app.provider);
  await drafter.click('nav a:has-text("Statements")');
  await drafter.click('a:has-text("Draft a joint statement")');
  await drafter.waitForSelector('h1:has-text("Draft a joint statement")');
  await drafter.click('button:has-text("Save the draft and ask for approval")');
  await drafter.waitForSelector('[role=alert]:has-text("Give the statement a title.")');
  await drafter.waitForSelector('[role=alert]:has-text("Choose at least one other organization to sign it with you.")');
  await drafter.fill('input[name=title]', title);
  await drafter.fill('textarea[name=text]', firstText);
  await drafter.fill('input[name=find-org]', 'Illinois');
  await drafter.click('button:text-is("Add Illinois")');
  await drafter.fill('input[name=find-org]', 'Pine Hollow');
  await drafter.click('button:has-text("Add Pine Hollow County Clerk")');
  expect(await drafter.isChecked('input[name=tlp][value=clear]')).toBe(true);
  await drafter.screenshot({ path: join(shots, 's01-draft.png'), fullPage: true });
  await drafter.click('button:has-text("Save the draft and ask for approval")');
  await drafter.waitForSelector('.success:has-text("Draft saved.")');
  expect(await drafter.locator('[data-testid=signer]').allTextContents()).toEqual([expect.stringContaining('Waiting for approval'), expect.stringContaining('Illinois'), expect.stringContaining('Pine Hollow')]);
  expect(await drafter.isDisabled('button:has-text("Publish the statement")')).toBe(true);
  const statementUrl = drafter.url().replace(/\?.*$/, '');
  const firstHash = await hashOn(drafter);
  await approve(drafter);

  // 2. The state office, on a phone: sees it waiting, reads the exact text and its fingerprint, approves.
  await signIn(state, app, app.outsider);
  await openFromList(state, app, title, 'Waiting for you');
  expect(await state.textContent('[data-testid=statement-text]')).toBe(firstText);
  expect(await hashOn(state)).toBe(firstHash);
  await state.screenshot({ path: join(shots, 's02-cosigner-phone.png'), fullPage: true });
  expect(Number(await state.evaluate('document.documentElement.scrollWidth'))).toBeLessThanOrEqual(390);
  await approve(state);
  expect(await state.locator('[data-testid=signer]:has-text("Illinois")').textContent()).toContain('Approved');

  // 3. The county office opens it, but the drafter changes the text before the county approves.
  await signIn(county, app, app.county);
  await openFromList(county, app, title, 'Waiting for you');
  expect(await hashOn(county)).toBe(firstHash);
  await drafter.goto(statementUrl);
  await drafter.click('a:has-text("Change the text or signers")');
  await drafter.waitForSelector('[data-testid=reset-warning]:has-text("2 organizations have approved the current text")');
  await drafter.fill('textarea[name=text]', newText);
  await drafter.click('button:has-text("Save the change and ask everyone to approve again")');
  await drafter.waitForSelector('.success:has-text("Every approval was cleared")');
  await drafter.waitForSelector('[data-testid=approvals-reset]');
  const signers = await drafter.locator('[data-testid=signer]').allTextContents();
  expect(signers.filter((t) => t.includes('that approval was cleared by the change'))).toHaveLength(2);
  expect(signers.every((t) => !t.includes('Approved 1') && /Waiting for approval/.test(t))).toBe(true);
  const newHash = await hashOn(drafter);
  expect(newHash).not.toBe(firstHash);
  await drafter.screenshot({ path: join(shots, 's03-after-edit.png'), fullPage: true });

  // The county approves what it read: refused, told to read the new text, which the page now shows.
  await county.click('button:has-text("Approve this exact text")');
  await county.waitForSelector('[role=alert]:has-text("The text was changed while you were reading it.")');
  await county.waitForSelector(`[data-testid=content-hash]:text-is("${newHash}")`);
  expect(await county.textContent('[data-testid=statement-text]')).toBe(newText);
  await approve(county);

  // The state office sees the approvals were cleared, and approves the new text.
  await state.goto(`${app.baseUrl}/statements`);
  await state.waitForSelector(`section[aria-label="Waiting for you"] [data-testid=statement-row]:has-text("Text changed: approvals cleared")`);
  await state.screenshot({ path: join(shots, 's04a-list-phone.png'), fullPage: true });
  await openFromList(state, app, title, 'Waiting for you');
  await state.waitForSelector('[data-testid=approvals-reset]');
  expect(await hashOn(state)).toBe(newHash);
  await state.screenshot({ path: join(shots, 's04-cosigner-reset-phone.png'), fullPage: true });
  await approve(state);

  // 4. The drafter approves the new text and publishes.
  await drafter.goto(statementUrl);
  await approve(drafter);
  await drafter.waitForSelector('text=Every organization approved this text.');
  await drafter.click('button:has-text("Publish the statement")');
  await drafter.waitForSelector('.success:has-text("Published.")');
  await drafter.waitForSelector('section[aria-label="Signed copy"]');
  await drafter.screenshot({ path: join(shots, 's05-published.png'), fullPage: true });

  // 5. Anyone, without signing in, finds it on the public page with its signers.
  await visitor.goto(`${app.baseUrl}/rumour-control`);
  const card = `[data-testid=joint-statement]:has-text("${title}")`;
  await visitor.waitForSelector(card);
  const shown = (await visitor.textContent(card)) ?? '';
  // Voters read this page: how to check it is said in words, not as a command to type.
  expect(shown).toContain('anyone can check that it is genuine');
  expect(shown).not.toContain('rampart verify');
  expect(shown).toContain('deleted, changed or lost votes');
  expect(shown).toMatch(/Signed by Cybersecurity and Infrastructure Security Agency.*, Illinois, Pine Hollow County Clerk \(fictional\)/);
  await visitor.screenshot({ path: join(shots, 's06-public-desktop.png'), fullPage: true });
  await visitor.setViewportSize({ width: 390, height: 844 });
  await visitor.reload();
  await visitor.waitForSelector(card);
  await visitor.screenshot({ path: join(shots, 's07-public-phone.png'), fullPage: true });
  expect(Number(await visitor.evaluate('document.documentElement.scrollWidth'))).toBeLessThanOrEqual(390);

  // 6. The signed copy and the key set, downloaded from the page, verify offline with `rampart verify`.
  const saved: string[] = [];
  for (const link of ['a:has-text("Download the signed copy")', 'a:has-text("Download the public keys")']) {
    const [download] = await Promise.all([drafter.waitForEvent('download'), drafter.click(link)]);
    const file = join(downloads, download.suggestedFilename());
    await download.saveAs(file);
    saved.push(file);
  }
  const [statementFile, keysFile] = saved as [string, string];
  expect(JSON.parse(readFileSync(statementFile, 'utf8'))).toMatchObject({ type: 'report', report_types: ['joint-statement'], name: title, description: newText });
  const verified = spawnRampart(['verify', statementFile, '--keys', keysFile]);
  expect(verified.status, verified.stdout + verified.stderr).toBe(0);
  expect(verified.stdout).toContain('VALID: every signer and the hub signed exactly this statement');
  expect(verified.stdout.match(/: valid signature/g)).toHaveLength(4); // three organizations and the hub
  // The same file with one word changed does not verify, and says what changed.
  const tampered = join(downloads, 'tampered.json');
  const original = JSON.parse(readFileSync(statementFile, 'utf8')) as Record<string, unknown>;
  writeFileSync(tampered, JSON.stringify({ ...original, description: newText.replace('no evidence', 'evidence') }));
  const refused = spawnRampart(['verify', tampered, '--keys', keysFile]);
  expect(refused.status).toBe(1);
  expect(refused.stdout).toContain('changed since it was signed: text');

  expect(pageErrors).toEqual([]);
  await Promise.all(contexts.map((c) => c.close()));
}
