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
    const hub = await composeHub({ store, hubOwner: HUB, http: { webDist: `${root}web/dist` }, notifications: { mailer: memoryMailer(), pollMs: 200 } });
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
