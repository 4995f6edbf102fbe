import { randomUUID } from 'node:crypto';
import { mkdirSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { Page } from 'playwright-core';
import { describe, expect, it } from 'vitest';
import { createApiKey } from '../../src/accounts/api-keys.ts';
import { OPERATOR } from '../../src/accounts/context.ts';
import { createOrganization } from '../../src/accounts/organizations.ts';
import { createUser } from '../../src/accounts/users.ts';
import type { OrgId } from '../../src/domain/ids.ts';
import { startServer } from '../../src/http/server.ts';
import { composeHub } from '../../src/hub/compose.ts';
import { prepareHub } from '../../src/hub/first-start.ts';
import { openStore } from '../../src/store/index.ts';
import { incident, indicator, memoryMailer, post } from '../helpers/notifications.ts';
import { testDatabase } from '../helpers/store.ts';
import { CHROMIUM, hasChromium, launchChromium } from './browser.ts';
import { buildWeb } from './real-app.ts';
import { signIn } from './ui-flow.ts';
import { TEST_POLICY } from '../helpers/accounts.ts';

const root = fileURLToPath(new URL('../..', import.meta.url));
const HUB = 'identity--cc8654b7-1ffc-487a-bf1c-ed29e18f0a33' as OrgId;
const PASSWORD = 'correct horse battery staple';

const skipReason = hasChromium() ? null : `${CHROMIUM} is absent: install Debian's chromium (apt-get install -y chromium) to run the browser test`;
if (skipReason !== null) console.warn(`\n!!!!! SKIPPING the alerts end-to-end test: ${skipReason} !!!!!\n`);

/** Reloads until the top bar's unread count reads `n` (matching runs in the background after a write). */
async function untilUnread(page: Page, n: number): Promise<void> {
  for (;;) {
    const label = await page.getAttribute('.alerts-link', 'aria-label');
    if (label === (n === 0 ? 'Alerts, none unread' : `Alerts, ${n} unread`)) return;
    await page.waitForTimeout(200);
    await page.reload();
    await page.waitForSelector('.alerts-link');
  }
}

describe.skipIf(skipReason !== null)('alerts in the web UI (Chromium)', () => {
  it('a state office person sets up a watch list, sees the unread count, reads and acknowledges alerts, at desktop and phone width', async () => {
    const shots = process.env['RAMPART_E2E_SCREENSHOTS'] ?? join(tmpdir(), 'rampart-e2e-screenshots');
    mkdirSync(shots, { recursive: true });
    buildWeb();
    const db = testDatabase('sqlite');
    const store = await openStore({ url: db.url });
    const hub = await composeHub({ store, hubOwner: HUB, authPolicy: TEST_POLICY, http: { webDist: `${root}web/dist` }, notifications: { mailer: memoryMailer(), pollMs: 200 } });
    const prepared = await prepareHub(store, { hubOwner: HUB });
    if (!prepared.ok) throw new Error(prepared.error.message);
    const ctx = hub.auth.context;
    const county = await createOrganization(ctx, OPERATOR, { kind: 'local', name: 'Pine Hollow County Clerk (fictional)', state_fips: '55' });
    if (!county.ok) throw new Error(county.error.message);
    const wisconsin = (await ctx.accounts.listOrganizations({ stateFips: '55' })).find((o) => o.kind === 'state');
    if (wisconsin === undefined) throw new Error('the seed has no Wisconsin state office');
    const person = { email: 'duty-officer@wi-demo.example', password: PASSWORD };
    const made = await createUser(ctx, OPERATOR, { email: person.email, name: 'Duty officer (fictional)', role: 'org-admin', password: PASSWORD, org_id: wisconsin.id });
    const clerk = await createUser(ctx, OPERATOR, { email: 'clerk@pine-hollow.example', name: 'Clerk (fictional)', role: 'analyst', password: PASSWORD, org_id: county.value.id });
    if (!made.ok || !clerk.ok) throw new Error('people not created');
    const clerkRow = await ctx.accounts.userByEmail('clerk@pine-hollow.example');
    if (clerkRow === null) throw new Error('clerk not stored');
    const key = await createApiKey(ctx, OPERATOR, clerkRow, { name: 'e2e', scope: 'write' });
    if (!key.ok) throw new Error(key.error.message);
    const server = await startServer({ app: hub.app, host: '127.0.0.1', port: 0, handleSignals: false, onClose: () => store.close() });
    await hub.notifier.start();
    const app = { baseUrl: server.url, county: person, countyState: '55', outsider: person };
    const browser = await launchChromium();
    try {
      const page = await browser.newPage({ viewport: { width: 1280, height: 900 } });
      const pageErrors: string[] = [];
      page.on('pageerror', (e) => pageErrors.push(e.message));
      await signIn(page, app, person);
      expect(await page.getAttribute('.alerts-link', 'aria-label')).toBe('Alerts, none unread');

      // Alert settings: the standard rules show; a bad domain is refused in words; the office's domain is watched.
      await page.goto(`${server.url}/settings/alerts`);
      await page.waitForSelector('#watch-list');
      expect(await page.textContent('#my-rules')).toContain('Incidents and status changes in our state');
      await page.fill('#watch-list input[placeholder="countyclerk.example.gov"]', 'not a domain');
      await page.click('#watch-list button:has-text("Watch")');
      expect(await page.textContent('#watch-list [role=alert]')).toContain('is not a domain name');
      await page.fill('#watch-list input[placeholder="countyclerk.example.gov"]', 'elections.wi-demo.example');
      await page.click('#watch-list button:has-text("Watch")');
      await page.waitForSelector('.watch-table td:has-text("elections.wi-demo.example")');
      // A webhook at a plain http:// address is refused in one sentence, not that sentence again as "body.url: …" below it.
      await page.fill('#webhooks input[type=url]', 'http://soc.example.gov/rampart');
      await page.click('#webhooks button:has-text("Add webhook")');
      await page.waitForSelector('#webhooks [role=alert]:has-text("must start with https://")');
      expect(await page.locator('#webhooks [role=alert] li').count()).toBe(0);
      // The form to add a rule is folded until asked for (open, it is several screens of a phone).
      expect(await page.locator('#my-rules form.rule-form').count()).toBe(0);
      await page.click('#my-rules button.add-rule-toggle:has-text("Add a rule for me")');
      expect(await page.getAttribute('#my-rules button.add-rule-toggle', 'aria-expanded')).toBe('true');
      await page.fill('#my-rules input[placeholder="pollbook, results website"]', 'tabulator');
      await page.click('#my-rules button:has-text("Add rule")');
      await page.waitForSelector('#my-rules td:has-text("tabulator")');
      await page.screenshot({ path: join(shots, '30-alert-settings.png'), fullPage: true });

      // The county reports; matching runs in the background.
      const urgent = incident('Ransomware on the county pollbook server (fictional)', { severity: 'critical' });
      const naming = indicator('Lookalike of the state results site (fictional)', "[domain-name:value = 'results.elections.wi-demo.example']");
      await post(hub, key.value.key, urgent.object, 'amber', ['state:55']);
      await post(hub, key.value.key, naming.object, 'green', ['community']);
      await untilUnread(page, 2);
      await page.screenshot({ path: join(shots, '31-unread-count.png') });

      await page.click('.alerts-link');
      await page.waitForSelector('.notification-list .notification');
      expect(await page.locator('.notification.unread').count()).toBe(2);
      expect(await page.textContent('.notification.urgent')).toContain('Ransomware on the county pollbook server');
      await page.screenshot({ path: join(shots, '32-notifications.png'), fullPage: true });
      await page.click('.notification.urgent button:has-text("Acknowledge")');
      await page.waitForSelector('.notification.urgent:has-text("Acknowledged")');
      await page.click('button.notification-title:has-text("Lookalike of the state results site")');
      await page.waitForURL(/\/intel\/indicator--/);
      await page.waitForSelector('h1:has-text("Lookalike of the state results site")');
      await untilUnread(page, 0);

      // The notification plan: Rampart's standard rules off (so only the rules made below match), and the
      // duty officer a backup contact for status changes and a primary one for support requests, each saved by the server.
      await page.goto(`${server.url}/settings/alerts`);
      await page.waitForSelector('#plan select');
      await page.getByLabel('Use Rampart’s standard rules for an organization like ours').uncheck();
      await expect.poll(() => page.isChecked('#plan input[type=checkbox]')).toBe(false);
      const statusContact = '#plan select[aria-label="Duty officer (fictional): contact for status changes"]';
      await page.selectOption(statusContact, 'backup');
      await expect.poll(() => page.inputValue(statusContact)).toBe('backup');
      // Support requests are a kind of the plan too: the duty officer hears of every request asked of the office.
      const supportContact = '#plan select[aria-label="Duty officer (fictional): contact for support requests"]';
      await page.selectOption(supportContact, 'primary');
      await expect.poll(() => page.inputValue(supportContact)).toBe('primary');
      await page.reload();
      await page.waitForSelector('#my-rules td:has-text("tabulator")');
      expect(await page.textContent('#my-rules')).not.toContain('Incidents and status changes in our state');

      // A rule over every kind of criterion the form offers, in plain words: incidents marked TLP:AMBER, shared
      // with my state, about check-in and e-pollbooks, high or critical, in Wisconsin, mentioning "pollbook".
      await page.click('#my-rules button.add-rule-toggle');
      const form = page.locator('#my-rules form.rule-form');
      await form.getByRole('checkbox', { name: 'Incidents', exact: true }).check();
      await form.getByRole('checkbox', { name: 'TLP:AMBER', exact: true }).check();
      await form.getByRole('checkbox', { name: 'My state', exact: true }).check();
      await form.getByRole('checkbox', { name: 'Check-in and e-pollbooks', exact: true }).check();
      await form.getByLabel('Incidents at least this severe').selectOption('high');
      await form.getByLabel('Only in these states').selectOption('55');
      await form.locator('ul[aria-label="Chosen states"] li:has-text("Wisconsin")').waitFor();
      await form.getByLabel('Only if it mentions (words or phrases, separated by commas)').fill('pollbook');
      await form.locator('label:has(select):has-text("Email") select').selectOption('immediate');
      await form.getByLabel('Name (optional)').fill('Serious pollbook incidents here');
      await form.getByRole('button', { name: 'Add rule' }).click();
      await page.waitForSelector('#my-rules td:has-text("Serious pollbook incidents here")');
      const described = await page.textContent('#my-rules td:has-text("Serious pollbook incidents here")');
      expect(described).toContain('marked TLP:AMBER');
      expect(described).toContain('shared with my state');
      expect(described).toContain('about check-in and e-pollbooks');
      // A second rule: reports naming an ATT&CK technique found through the form's search (the reference library).
      await form.getByRole('checkbox', { name: 'Reports, advisories and joint statements', exact: true }).check();
      await form.getByLabel('Find a technique or threat actor').fill('Spearphishing Attachment');
      await form.getByRole('button', { name: 'Find', exact: true }).click();
      const add = form.locator('.named-picker button:has-text("Add")').first();
      await add.waitFor();
      await add.click();
      await form.locator('.named-picker .chosen-list li').first().waitFor();
      await form.getByLabel('Name (optional)').fill('Reports naming spearphishing');
      await form.getByRole('button', { name: 'Add rule' }).click();
      await page.waitForSelector('#my-rules td:has-text("Reports naming spearphishing")');
      await page.screenshot({ path: join(shots, '35-rule-form.png'), fullPage: true });

      // What matches reaches the notification centre; what misses one criterion (low severity) does not.
      // The same search the form made (web/src/members-first.ts): no member shared a match, so its first answer is the
      // library's best match, the technique the rule names.
      const technique = await hub.app.inject({ method: 'GET', url: `/api/v1/objects?q=${encodeURIComponent('Spearphishing Attachment')}&type=attack-pattern,threat-actor,intrusion-set,campaign&reference=only&sort=relevance&order=desc&limit=10`, headers: { authorization: `Bearer ${key.value.key}` } });
      const techniqueId = (JSON.parse(technique.body) as { items: { id: string }[] }).items[0]?.id ?? '';
      expect(techniqueId).toMatch(/^attack-pattern--/);
      const pollbook = (name: string, severity: string) => {
        const made = incident(name, { severity, description: `${name}: the e-pollbook sync failed at 40 sites` });
        const ext = (made.object['extensions'] as Record<string, Record<string, unknown>>)[Object.keys(made.object['extensions'] as object)[0] ?? ''];
        if (ext !== undefined) ext['election_functions'] = ['pollbooks'];
        return made;
      };
      const serious = pollbook('Pollbook outage in three towns (fictional)', 'high');
      const minor = pollbook('Pollbook printer jam (fictional)', 'low');
      await post(hub, key.value.key, serious.object, 'amber', ['state:55']);
      await post(hub, key.value.key, minor.object, 'amber', ['state:55']);
      const reportId = `report--${randomUUID()}`;
      const report = { type: 'report', spec_version: '2.1', id: reportId, created: '2026-11-03T10:00:00.000Z', modified: '2026-11-03T10:00:00.000Z', name: 'Spearphishing wave against county clerks (fictional)', published: '2026-11-03T10:00:00.000Z', report_types: ['threat-report'], object_refs: [techniqueId] };
      await post(hub, key.value.key, report, 'green', ['community']);
      await untilUnread(page, 2);
      await page.click('.alerts-link');
      await page.waitForSelector('.notification.unread');
      const unread = await page.locator('.notification.unread').allTextContents();
      expect(unread.some((t) => t.includes('Pollbook outage in three towns') && t.includes('Serious pollbook incidents here'))).toBe(true);
      expect(unread.some((t) => t.includes('Spearphishing wave against county clerks') && t.includes('Reports naming spearphishing'))).toBe(true);
      expect(unread.some((t) => t.includes('Pollbook printer jam'))).toBe(false);
      await page.screenshot({ path: join(shots, '36-rule-alerts.png'), fullPage: true });

      // At a phone's width the alert pages do not scroll sideways.
      await page.setViewportSize({ width: 390, height: 844 });
      for (const [path, ready, shot] of [
        ['/notifications', '.notification', '33-notifications-phone.png'],
        ['/settings/alerts', '.watch-table td', '34-alert-settings-phone.png'],
      ] as const) {
        await page.goto(`${server.url}${path}`);
        await page.waitForSelector(ready);
        expect(Number(await page.evaluate('document.documentElement.scrollWidth')), path).toBeLessThanOrEqual(390);
        await page.screenshot({ path: join(shots, shot), fullPage: true });
      }
      expect(pageErrors).toEqual([]);
    } finally {
      await browser.close();
      await hub.notifier.stop();
      await server.stop();
      await db.drop();
    }
  }, 240_000);
});
