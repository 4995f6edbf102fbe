import { mkdirSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { OPERATOR } from '../../src/accounts/context.ts';
import { createOrganization } from '../../src/accounts/organizations.ts';
import { createUser } from '../../src/accounts/users.ts';
import { functionLabel } from '../../src/domain/election.ts';
import type { OrgId } from '../../src/domain/ids.ts';
import { startServer } from '../../src/http/server.ts';
import { composeHub } from '../../src/hub/compose.ts';
import { prepareHub } from '../../src/hub/first-start.ts';
import { openStore } from '../../src/store/index.ts';
import { testDatabase } from '../helpers/store.ts';
import { CHROMIUM, hasChromium, launchChromium } from './browser.ts';
import { buildWeb } from './real-app.ts';
import { TEST_POLICY } from '../helpers/accounts.ts';

const root = fileURLToPath(new URL('../..', import.meta.url));
const HUB = 'identity--cc8654b7-1ffc-487a-bf1c-ed29e18f0a33' as OrgId;
const PASSWORD = 'correct horse battery staple';
const skipReason = hasChromium() ? null : `${CHROMIUM} is absent: install Debian's chromium (apt-get install -y chromium) to run the browser test`;
if (skipReason !== null) console.warn(`\n!!!!! SKIPPING the election-day browser test: ${skipReason} !!!!!\n`);

describe.skipIf(skipReason !== null)('election day in the web UI (Chromium)', () => {
  it('a county posts "everything is normal" on a phone-sized page and the state director’s county map changes without a reload', async () => {
    buildWeb();
    const db = testDatabase('sqlite');
    const store = await openStore({ url: db.url });
    const hub = await composeHub({ store, hubOwner: HUB, authPolicy: TEST_POLICY, http: { webDist: `${root}web/dist` } });
    const prepared = await prepareHub(store, { hubOwner: HUB });
    if (!prepared.ok) throw new Error(prepared.error.message);
    const ctx = hub.auth.context;
    const dane = await createOrganization(ctx, OPERATOR, { kind: 'local', name: 'Dane County Clerk (fictional test)', state_fips: '55', county_fips: '55025' });
    if (!dane.ok) throw new Error(dane.error.message);
    const wisconsin = (await ctx.accounts.listOrganizations({ stateFips: '55' })).find((o) => o.kind === 'state');
    if (wisconsin === undefined) throw new Error('the seed has no Wisconsin office');
    const clerk = { email: 'clerk@dane-test.example', password: PASSWORD };
    const director = { email: 'director@wi-test.example', password: PASSWORD };
    for (const [person, org, role] of [[clerk, dane.value.id, 'analyst'], [director, wisconsin.id, 'org-admin']] as const) {
      const made = await createUser(ctx, OPERATOR, { email: person.email, name: 'test person (fictional)', role, password: PASSWORD, org_id: org });
      if (!made.ok) throw new Error(made.error.message);
    }
    const server = await startServer({ app: hub.app, host: '127.0.0.1', port: 0, handleSignals: false, onClose: () => store.close() });
    const browser = await launchChromium();
    try {
      const desk = await browser.newContext({ viewport: { width: 1280, height: 900 } });
      const signedIn = await desk.request.post(`${server.url}/api/v1/session`, { data: director });
      const csrf = ((await signedIn.json()) as { csrf_token: string }).csrf_token;
      const today = new Date().toISOString().slice(0, 10);
      const start = new Date(Date.now() - 3_600_000).toISOString();
      const end = new Date(Date.now() + 12 * 3_600_000).toISOString();
      const recorded = await desk.request.post(`${server.url}/api/v1/elections`, {
        data: { name: 'Spring election (fictional test)', election_date: today, state_fips: ['55'], phases: [{ phase: 'election-day', start, end, report_every_minutes: 120 }] },
        headers: { 'x-csrf-token': csrf },
      });
      expect(recorded.status()).toBe(201);
      const election = ((await recorded.json()) as { object: { id: string } }).object.id;

      const map = await desk.newPage();
      await map.goto(`${server.url}/elections/${encodeURIComponent(election)}?state=55`);
      const county = map.locator('path[data-fips="55025"]');
      await county.waitFor({ timeout: 20_000 });
      expect(await county.getAttribute('data-level')).toBe('no-report');
      await map.getByText('Live', { exact: true }).first().waitFor({ timeout: 15_000 });
      await map.locator('tr[data-jurisdiction]').first().waitFor();
      await map.evaluate('window.scrollTo(0, 600)');
      const scrolled = Number(await map.evaluate('window.scrollY'));
      expect(scrolled).toBeGreaterThan(0);

      const phone = await browser.newContext({ viewport: { width: 390, height: 844 }, isMobile: true, hasTouch: true });
      const post = await phone.newPage();
      await post.goto(`${server.url}/signin`);
      await post.fill('input[type=email]', clerk.email);
      await post.fill('input[type=password]', clerk.password);
      await post.click('button[type=submit]');
      await post.waitForURL((u) => !u.pathname.startsWith('/signin'));
      // From the dashboard, one tap to the status form of the election under way.
      await post.goto(`${server.url}/`);
      await post.getByRole('link', { name: 'Post your status' }).tap();
      await post.waitForURL((u) => u.pathname.endsWith('/status'));
      await post.getByRole('button', { name: 'Everything is normal' }).tap();
      await post.getByText('Send “everything is normal”?').waitFor();
      // The confirmation opens below the fold on a phone: it comes into sight whole, its "Yes" button focused.
      await post.waitForFunction(
        "(() => { const box = document.querySelector('[role=alertdialog]')?.getBoundingClientRect(); return box !== undefined && box.top >= 0 && box.bottom <= window.innerHeight && document.activeElement?.textContent === 'Yes, send it'; })()",
        undefined,
        { timeout: 10_000 },
      );
      await post.getByRole('button', { name: 'Yes, send it' }).tap();
      await post.waitForURL((u) => u.pathname === `/elections/${encodeURIComponent(election)}` || u.pathname === `/elections/${election}`);
      // The clerk is told it went, on their own state's page.
      await post.getByRole('status').getByText('Your status was sent.').waitFor();
      expect(new URL(post.url()).searchParams.get('state')).toBe('55');
      // Nothing on the phone page scrolls sideways.
      expect(Number(await post.evaluate('document.documentElement.scrollWidth'))).toBeLessThanOrEqual(390);

      await map.locator('path[data-fips="55025"][data-level="normal"]').waitFor({ timeout: 15_000 });
      // The page read its numbers again where its reader was: it never went blank (back to the top) in between.
      expect(Number(await map.evaluate('window.scrollY'))).toBe(scrolled);
      await map.locator('tr[data-jurisdiction] >> text=Dane County Clerk (fictional test)').waitFor();
      expect(await map.locator(`tr[data-jurisdiction="${dane.value.id}"]`).getAttribute('data-level')).toBe('normal');

      // The state director sees how often the counties report now (the election's two hours), then sets a tighter
      // interval for election day; the county's report still counts as current.
      await map.getByText('Your state’s reporting').waitFor();
      const every = map.locator('.state-settings select');
      await every.waitFor();
      expect(await every.inputValue()).toBe('');
      expect(await every.locator('option:checked').textContent()).toBe('as the election says (every 2 hours)');
      expect(await map.getByRole('button', { name: 'Save' }).isDisabled()).toBe(true);
      await every.selectOption('30');
      await map.getByRole('button', { name: 'Save' }).click();
      await map.getByText('Saved: on election day your jurisdictions report every 30 minutes; a report older than that shows as overdue.').waitFor();
      // The page reads its numbers again after the change (within a few seconds); the choice stays.
      await expect.poll(() => every.inputValue(), { timeout: 10_000 }).toBe('30');
      expect(await map.locator(`tr[data-jurisdiction="${dane.value.id}"]`).getAttribute('data-level')).toBe('normal');

      // The state office reports too; then the director opens Dane's own timeline from its row: Dane's reports only.
      const stateReport = await desk.request.post(`${server.url}/api/v1/elections/${encodeURIComponent(election)}/status`, {
        data: { functions: { voting: { level: 'normal' } } },
        headers: { 'x-csrf-token': csrf },
      });
      expect(stateReport.status(), await stateReport.text()).toBe(201);
      await map.reload();
      await map.locator('.status-timeline li strong', { hasText: 'Wisconsin' }).first().waitFor({ timeout: 15_000 });
      await map.locator(`tr[data-jurisdiction="${dane.value.id}"] th a`).click();
      await map.waitForURL((u) => u.searchParams.get('timeline') === dane.value.id);
      await map.getByText('Timeline: Dane County Clerk (fictional test)').waitFor();
      await expect.poll(async () => [...new Set(await map.locator('.status-timeline li strong').allTextContents())]).toEqual(['Dane County Clerk (fictional test)']);

      // Left open, the page moves all its "how long ago" on together, every minute: the header, the director's own status,
      // a row, the timeline. After five minutes without news it reads again, and says what the server says.
      const open = await desk.newPage();
      await open.clock.install();
      await open.goto(`${server.url}/elections/${encodeURIComponent(election)}?state=55`);
      const ago = () =>
        Promise.all([
          open.locator('.page-head p.muted:not(.small)').textContent(),
          open.locator('.your-status-line').textContent(),
          open.locator(`tr[data-jurisdiction="${dane.value.id}"] td[data-label="Last report"] a`).textContent(),
          open.locator('.status-timeline li > span.muted').first().textContent(),
        ]).then((texts) => texts.map((t) => /just now|\d+ min ago|\d+ hours? ago/.exec(t ?? '')?.[0] ?? t));
      await open.locator(`tr[data-jurisdiction="${dane.value.id}"] td[data-label="Last report"] a`).waitFor({ timeout: 15_000 });
      await open.locator('.status-timeline li').first().waitFor({ timeout: 15_000 });
      await open.locator('.your-status-line', { hasText: 'Posted' }).waitFor({ timeout: 15_000 });
      expect(await ago()).toEqual(['just now', 'just now', expect.stringMatching(/^(just now|\d min ago)$/), 'just now']);
      await open.clock.fastForward('04:00');
      await expect.poll(ago, { timeout: 10_000 }).toEqual(['4 min ago', expect.stringMatching(/^[45] min ago$/), expect.stringMatching(/^[45] min ago$/), expect.stringMatching(/^[45] min ago$/)]);
      await open.clock.fastForward('01:30');
      await expect.poll(ago, { timeout: 10_000 }).toEqual(['just now', 'just now', expect.stringMatching(/^(just now|\d min ago)$/), 'just now']);
      await open.close();

      // Voting is disrupted in Dane: on the national page the report behind "Yes" is a link that says which report it is.
      const clerkSession = await phone.request.post(`${server.url}/api/v1/session`, { data: clerk });
      const clerkCsrf = ((await clerkSession.json()) as { csrf_token: string }).csrf_token;
      const disrupted = await phone.request.post(`${server.url}/api/v1/elections/${encodeURIComponent(election)}/status`, {
        data: { functions: { voting: { level: 'disrupted', note: 'Power cut at one polling place (fictional)' } } },
        headers: { 'x-csrf-token': clerkCsrf },
      });
      expect(disrupted.status(), await disrupted.text()).toBe(201);
      await map.goto(`${server.url}/elections/${encodeURIComponent(election)}`);
      const links = map.locator('.question[data-question="voting"] .report-links a');
      await links.first().waitFor({ timeout: 15_000 });
      await map.locator('.question[data-question="voting"] .report-links a', { hasText: 'Dane County' }).waitFor({ timeout: 15_000 });
      const names = await links.allTextContents();
      expect(names).toEqual([expect.stringMatching(/^Election-day status of Dane County Clerk \(fictional test\).*disrupted/)]);

      // Check-in is degraded too: the state's list says what the county itself said of each function, not the level
      // alone, on a desk and on a phone (where each row is a card).
      const troubled = await phone.request.post(`${server.url}/api/v1/elections/${encodeURIComponent(election)}/status`, {
        data: {
          functions: {
            voting: { level: 'disrupted', note: 'Power cut at one polling place (fictional)' },
            pollbooks: { level: 'degraded', note: 'E-pollbooks down at 3 sites (fictional)', contingencies: ['paper-pollbooks'] },
            'vote-counting': { level: 'normal' },
          },
        },
        headers: { 'x-csrf-token': clerkCsrf },
      });
      expect(troubled.status(), await troubled.text()).toBe(201);
      const wanted = [
        `${functionLabel('voting')}: disrupted. “Power cut at one polling place (fictional)”`,
        'Check-in and e-pollbooks: degraded. “E-pollbooks down at 3 sites (fictional)” Using paper pollbooks.',
      ];
      const shots = process.env['RAMPART_E2E_SCREENSHOTS'] ?? join(tmpdir(), 'rampart-e2e-screenshots');
      mkdirSync(shots, { recursive: true });
      for (const [page, shot] of [
        [map, 'e01-jurisdiction-notes-desktop.png'],
        [post, 'e02-jurisdiction-notes-phone.png'],
      ] as const) {
        await page.goto(`${server.url}/elections/${encodeURIComponent(election)}?state=55`);
        if (page === post) {
          // On a phone the clerk's first screen is their own status and the way to post; the long list of
          // jurisdictions starts folded (the page was over 8,000 px tall), and choosing a level opens it on those.
          const own = page.locator('.your-status');
          await own.getByText('Posted').waitFor({ timeout: 15_000 });
          expect(await own.locator('.level-badge').first().textContent()).toContain('Disrupted');
          const box = await page.locator('.your-status a:has-text("Post your status")').boundingBox();
          expect(box !== null && box.y + box.height <= 844).toBe(true);
          expect(await page.locator('tr[data-jurisdiction]').count()).toBe(0);
          expect(Number(await page.evaluate('document.documentElement.scrollHeight'))).toBeLessThan(3000);
          await page.locator('.filter-chip', { hasText: 'Needs attention' }).tap();
        }
        const cell = page.locator(`tr[data-jurisdiction="${dane.value.id}"] td[data-label="Not normal"] li`);
        await expect.poll(() => cell.allTextContents(), { timeout: 15_000 }).toEqual(wanted);
        expect(await cell.first().isVisible()).toBe(true);
        await page.locator(`tr[data-jurisdiction="${dane.value.id}"]`).scrollIntoViewIfNeeded();
        await page.screenshot({ path: join(shots, shot) });
      }
      // The note wraps inside the phone's card: nothing scrolls sideways.
      expect(Number(await post.evaluate('document.documentElement.scrollWidth'))).toBeLessThanOrEqual(390);
    } finally {
      await browser.close();
      await server.stop();
      await db.drop();
    }
  }, 180_000);
});
