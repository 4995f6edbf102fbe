import { randomUUID } from 'node:crypto';
import { fileURLToPath } from 'node:url';
import type { BrowserContext, Page } from 'playwright-core';
import { describe, expect, it } from 'vitest';
import { OPERATOR } from '../../src/accounts/context.ts';
import { createOrganization } from '../../src/accounts/organizations.ts';
import { createUser } from '../../src/accounts/users.ts';
import type { OrgId } from '../../src/domain/ids.ts';
import { TLP_MARKING_IDS } from '../../src/domain/tlp.ts';
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
/** Where screenshots go when RAMPART_SCREENSHOTS names a folder (to look at the phone layout by eye). */
const SHOTS = process.env['RAMPART_SCREENSHOTS'];
const PHONE = { viewport: { width: 390, height: 844 }, isMobile: true, hasTouch: true } as const;
const DESK = { viewport: { width: 1280, height: 900 } } as const;
const INCIDENT = 'E-pollbook vendor outage at two sites (fictional test)';
/** Shared with the county's own office only: its state may read a status that links it, never its name. */
const PRIVATE_INCIDENT = 'Phishing email to poll workers (fictional test)';
/** Fictional county offices (real Wisconsin county FIPS codes, so the county map has shapes). */
const COUNTIES: readonly (readonly [string, string])[] = [
  ['55025', 'Dane'], ['55059', 'Kenosha'], ['55001', 'Adams'], ['55003', 'Ashland'], ['55005', 'Barron'], ['55007', 'Bayfield'],
  ['55009', 'Brown'], ['55011', 'Buffalo'], ['55013', 'Burnett'], ['55015', 'Calumet'], ['55017', 'Chippewa'], ['55019', 'Clark'],
];
const skipReason = hasChromium() ? null : `${CHROMIUM} is absent: install Debian's chromium (apt-get install -y chromium) to run the browser test`;
if (skipReason !== null) console.warn(`\n!!!!! SKIPPING the election status sharing browser test: ${skipReason} !!!!!\n`);

async function shot(page: Page, name: string): Promise<void> {
  if (SHOTS !== undefined) await page.screenshot({ path: `${SHOTS}/${name}.png`, fullPage: true });
}

/** Nothing on a phone page scrolls sideways: wide tables scroll inside their own card. */
async function fitsWidth(page: Page): Promise<void> {
  const width = page.viewportSize()?.width ?? 0;
  // What sticks out (outside a table that scrolls in its card), named, so that a failure says where to look.
  const wide = await page.evaluate(`[...document.querySelectorAll('body *')].filter((e) => e.closest('.table-scroll') === null && e.getBoundingClientRect().right > ${width} + 1).slice(-5).map((e) => e.tagName + '.' + e.className + ' ' + Math.round(e.getBoundingClientRect().right))`);
  expect(wide).toEqual([]);
  expect(Number(await page.evaluate('document.documentElement.scrollWidth'))).toBeLessThanOrEqual(width);
}

describe.skipIf(skipReason !== null)('election-day status: sharing, linked incidents and reporting expectations in the web UI (Chromium)', () => {
  it('a county posts with its own TLP and audience and a linked incident; only who it names reads it; the state adjusts expectations and counties turn overdue or silent', async () => {
    buildWeb();
    let offsetMs = 0;
    const db = testDatabase('sqlite');
    const store = await openStore({ url: db.url });
    const hub = await composeHub({ store, hubOwner: HUB, authPolicy: TEST_POLICY, clock: { now: () => new Date(Date.now() + offsetMs) }, http: { webDist: `${root}web/dist` } });
    const prepared = await prepareHub(store, { hubOwner: HUB });
    if (!prepared.ok) throw new Error(prepared.error.message);
    const ctx = hub.auth.context;
    const county: Record<string, OrgId> = {};
    for (const [fips, name] of COUNTIES) {
      const made = await createOrganization(ctx, OPERATOR, { kind: 'local', name: `${name} County Clerk (fictional test)`, state_fips: '55', county_fips: fips });
      if (!made.ok) throw new Error(made.error.message);
      county[name] = made.value.id;
    }
    const dane = county['Dane'] ?? '';
    const kenosha = county['Kenosha'] ?? '';
    const wisconsin = (await ctx.accounts.listOrganizations({ stateFips: '55' })).find((o) => o.kind === 'state');
    if (wisconsin === undefined) throw new Error('the seed has no Wisconsin office');
    const people = {
      clerk: { email: 'clerk@dane-test.example', org: dane, role: 'analyst' },
      colleague: { email: 'deputy@dane-test.example', org: dane, role: 'analyst' },
      director: { email: 'director@wi-test.example', org: wisconsin.id, role: 'org-admin' },
    } as const;
    for (const p of Object.values(people)) {
      const made = await createUser(ctx, OPERATOR, { email: p.email, name: 'test person (fictional)', role: p.role, password: PASSWORD, org_id: p.org });
      if (!made.ok) throw new Error(made.error.message);
    }
    const server = await startServer({ app: hub.app, host: '127.0.0.1', port: 0, handleSignals: false, onClose: () => store.close() });
    const browser = await launchChromium();
    const signIn = async (who: keyof typeof people, options: typeof PHONE | typeof DESK): Promise<{ context: BrowserContext; csrf: string }> => {
      const context = await browser.newContext(options);
      const res = await context.request.post(`${server.url}/api/v1/session`, { data: { email: people[who].email, password: PASSWORD } });
      expect(res.status()).toBe(200);
      return { context, csrf: ((await res.json()) as { csrf_token: string }).csrf_token };
    };
    try {
      const director = await signIn('director', DESK);
      const recorded = await director.context.request.post(`${server.url}/api/v1/elections`, {
        data: {
          name: 'Spring election (fictional test)',
          election_date: new Date().toISOString().slice(0, 10),
          state_fips: ['55'],
          phases: [{ phase: 'election-day', start: new Date(Date.now() - 3_600_000).toISOString(), end: new Date(Date.now() + 12 * 3_600_000).toISOString(), report_every_minutes: 120 }],
        },
        headers: { 'x-csrf-token': director.csrf },
      });
      expect(recorded.status()).toBe(201);
      const election = ((await recorded.json()) as { object: { id: string } }).object.id;
      const electionPath = `${server.url}/elections/${encodeURIComponent(election)}`;

      // The clerk's office shared an incident with its state earlier in the day.
      const clerkPhone = await signIn('clerk', PHONE);
      const now = new Date().toISOString();
      const incidentId = `incident--${randomUUID()}`;
      const shared = await clerkPhone.context.request.post(`${server.url}/api/v1/objects`, {
        data: { object: { type: 'incident', spec_version: '2.1', id: incidentId, created: now, modified: now, created_by_ref: dane, name: INCIDENT, object_marking_refs: [TLP_MARKING_IDS.amber] }, tlp: 'amber', audience: ['state:55'] },
        headers: { 'x-csrf-token': clerkPhone.csrf },
      });
      expect(shared.status(), await shared.text()).toBe(201);
      const privateId = `incident--${randomUUID()}`;
      const kept = await clerkPhone.context.request.post(`${server.url}/api/v1/objects`, {
        data: { object: { type: 'incident', spec_version: '2.1', id: privateId, created: now, modified: now, created_by_ref: dane, name: PRIVATE_INCIDENT, object_marking_refs: [TLP_MARKING_IDS['amber+strict']] }, tlp: 'amber+strict', audience: [`org:${dane}`] },
        headers: { 'x-csrf-token': clerkPhone.csrf },
      });
      expect(kept.status(), await kept.text()).toBe(201);

      // On a phone: AMBER+STRICT to the county's own office only, e-pollbooks degraded and linked to the incident.
      const post = await clerkPhone.context.newPage();
      await post.goto(`${electionPath}/status`);
      await post.getByText('Who sees it').waitFor();
      expect(await post.getByTestId('sharing-line').innerText()).toContain('Wisconsin (state office and its local offices)');
      await shot(post, 'phone-post-start');
      await post.getByRole('button', { name: 'Change' }).tap();
      await post.locator('label.tlp-option', { hasText: 'TLP:AMBER+STRICT' }).tap();
      await post.locator('input[name=status-tlp][value="amber+strict"]:checked').waitFor({ state: 'attached' });
      // Only audiences AMBER+STRICT allows are offered: the state is gone, the county's own office is chosen.
      expect(await post.locator('input[name=status-audience][value="state:55"]').count()).toBe(0);
      expect(await post.locator(`input[name=status-audience][value="org:${dane}"]`).isChecked()).toBe(true);
      const pollbooks = post.locator('fieldset[data-function=pollbooks]');
      await pollbooks.locator('label.level-degraded').tap();
      await pollbooks.getByLabel('What is happening (short)').fill('Two sites on paper pollbooks since 7:40');
      await pollbooks.getByRole('button', { name: 'Link an incident' }).tap();
      await pollbooks.getByText(PRIVATE_INCIDENT).waitFor();
      // Typing narrows the list to the incidents whose words match.
      await pollbooks.getByLabel('Find an incident you can see').fill('vendor outage');
      await pollbooks.locator('.incident-choices li').filter({ hasText: INCIDENT }).waitFor();
      await pollbooks.locator('.incident-choices li').filter({ hasText: PRIVATE_INCIDENT }).waitFor({ state: 'detached' });
      await fitsWidth(post);
      await shot(post, 'phone-post-linking');
      await pollbooks.getByText(INCIDENT).tap();
      await pollbooks.getByRole('button', { name: 'Done linking' }).tap();
      await pollbooks.locator('.linked-incidents').getByText(INCIDENT).waitFor();
      await shot(post, 'phone-post-filled');
      await fitsWidth(post);
      await post.getByRole('button', { name: 'Send status' }).tap();
      await post.waitForURL((u) => decodeURIComponent(u.pathname) === `/elections/${election}`);
      await fitsWidth(post);

      const mine = (await (await clerkPhone.context.request.get(`${server.url}/api/v1/elections/${encodeURIComponent(election)}/my-status`)).json()) as { last: { report_id: string } };
      const reportId = mine.last.report_id;
      const stored = (await (await clerkPhone.context.request.get(`${server.url}/api/v1/objects/${reportId}`)).json()) as { sharing: { tlp: string; audience: string[] } };
      expect(stored.sharing).toMatchObject({ tlp: 'amber+strict', audience: [`org:${dane}`] });

      // A colleague in the same office may read it, with the linked incident by name.
      const colleague = await signIn('colleague', DESK);
      const read = await colleague.context.newPage();
      await read.goto(`${server.url}/intel/${reportId}`);
      await read.getByText('Linked incidents').waitFor();
      await read.locator('.status-incidents').getByRole('link', { name: INCIDENT }).waitFor();
      await read.getByText('Degraded: Two sites on paper pollbooks since 7:40').waitFor();

      // The state director may not: the report is not found, and Dane stays "no report" on the state's page, never normal.
      const desk = await director.context.newPage();
      await desk.goto(`${server.url}/intel/${reportId}`);
      await desk.getByText('Not found').first().waitFor();
      await desk.goto(`${electionPath}?state=55`);
      await desk.locator(`tr[data-jurisdiction="${dane}"][data-level="no-report"]`).waitFor({ timeout: 20_000 });

      // At desktop width: a refusal of the hub for a TLP/audience mismatch reads in plain words.
      const clerkDesk = await signIn('clerk', DESK);
      const again = await clerkDesk.context.newPage();
      await again.goto(`${electionPath}/status`);
      await again.getByRole('button', { name: 'Change' }).click();
      await again.locator(`input[name=status-audience][value="org:${dane}"]`).check();
      // What reaches the hub names a person at TLP:AMBER (as an outdated form might): the hub refuses it.
      await again.route('**/status', async (route) => {
        const body = route.request().postDataJSON() as Record<string, unknown>;
        await route.continue({ postData: JSON.stringify({ ...body, audience: ['user:00000000-0000-4000-8000-000000000000'] }) });
      });
      await again.getByRole('button', { name: 'Everything is normal' }).click();
      await again.getByRole('button', { name: 'Yes, send it' }).click();
      const refusal = again.getByRole('alert').filter({ hasText: 'TLP:AMBER cannot go to everyone you chose' });
      await refusal.waitFor();
      expect(await refusal.innerText()).not.toMatch(/user:|state:|org:/);
      await shot(again, 'desk-post-refused');
      await again.unroute('**/status');
      await again.getByRole('button', { name: 'Everything is normal' }).click();
      await again.locator('#confirm-text').getByText('TLP:AMBER, shared with Wisconsin (state office and its local offices) and Dane County Clerk (fictional test) (your organization)').waitFor();
      await again.getByRole('button', { name: 'Yes, send it' }).click();
      await again.waitForURL((u) => decodeURIComponent(u.pathname) === `/elections/${election}`);
      await desk.locator(`tr[data-jurisdiction="${dane}"][data-level="normal"]`).waitFor({ timeout: 20_000 });

      // The director asks Dane for a status every 15 minutes; 20 minutes later its report is overdue.
      const plan = await director.context.newPage();
      await plan.goto(`${electionPath}/expectations?state=55`);
      await plan.getByText('Wisconsin: reporting expectations').waitFor();
      await plan.selectOption(`select[name="every-${dane}-election-day"]`, '15');
      await plan.getByText('Saved: on election day, Dane County Clerk (fictional test) reports every 15 minutes.').waitFor();
      await shot(plan, 'desk-expectations');
      await desk.reload();
      await desk.locator(`tr[data-jurisdiction="${dane}"][data-level="normal"]`).waitFor();
      offsetMs = 20 * 60_000;
      await desk.reload();
      await desk.locator(`tr[data-jurisdiction="${dane}"][data-level="stale"]`).waitFor();
      await desk.locator(`tr[data-jurisdiction="${dane}"]`).getByText('overdue: due every 15 minutes').waitFor();

      // The table fits a 1280-pixel screen: nothing in it to scroll sideways.
      expect(Number(await plan.evaluate("(() => { const el = document.querySelector('.expectations .table-scroll'); return el.scrollWidth - el.clientWidth; })()"))).toBeLessThanOrEqual(1);

      // Kenosha leaves the election and comes back: out of the counts, then "no report" until it reports.
      // The box shows the choice at once, while the hub is still saving it (held here), instead of snapping back.
      let answer: () => void = () => undefined;
      const held = new Promise<void>((resolve) => {
        answer = resolve;
      });
      await plan.route('**/expectations', async (route) => {
        if (route.request().method() === 'PUT') await held;
        await route.continue();
      });
      await plan.locator(`input[name="takes-part-${kenosha}"]`).click();
      expect(await plan.locator(`input[name="takes-part-${kenosha}"]`).isChecked()).toBe(false);
      expect(await plan.locator(`tr[data-jurisdiction="${kenosha}"] .check`).innerText()).toMatch(/No$/);
      answer();
      await plan.getByText('Kenosha County Clerk (fictional test) no longer takes part').waitFor();
      await plan.unroute('**/expectations');
      expect(await plan.locator(`input[name="takes-part-${kenosha}"]`).isChecked()).toBe(false);
      await desk.reload();
      await desk.locator(`tr[data-jurisdiction="${kenosha}"][data-level="not-taking-part"]`).waitFor();
      await plan.locator(`input[name="takes-part-${kenosha}"]`).click();
      await plan.getByText('Kenosha County Clerk (fictional test) takes part again').waitFor();
      await desk.reload();
      await desk.locator(`tr[data-jurisdiction="${kenosha}"][data-level="no-report"]`).waitFor();
      await shot(desk, 'desk-state');

      // A status the state may read links an incident it may not: the incident is not named to it.
      await again.goto(`${electionPath}/status`);
      const pollbooksAgain = again.locator('fieldset[data-function=pollbooks]');
      await pollbooksAgain.locator('label.level-degraded').click();
      await pollbooksAgain.getByRole('button', { name: 'Link an incident' }).click();
      await pollbooksAgain.getByLabel('Find an incident you can see').fill('phishing');
      await pollbooksAgain.locator('.incident-choices li').filter({ hasText: PRIVATE_INCIDENT }).getByRole('checkbox').check();
      await pollbooksAgain.getByRole('button', { name: 'Done linking' }).click();
      await again.getByRole('button', { name: 'Send status' }).click();
      await again.waitForURL((u) => decodeURIComponent(u.pathname) === `/elections/${election}`);
      const latest = (await (await clerkDesk.context.request.get(`${server.url}/api/v1/elections/${encodeURIComponent(election)}/my-status`)).json()) as { last: { report_id: string } };
      await desk.goto(`${server.url}/intel/${latest.last.report_id}`);
      await desk.locator('.status-incidents').getByText('An incident not shared with you').waitFor();
      expect(await desk.locator('body').innerText()).not.toContain(PRIVATE_INCIDENT);
      await read.goto(`${server.url}/intel/${latest.last.report_id}`);
      await read.locator('.status-incidents').getByRole('link', { name: PRIVATE_INCIDENT }).waitFor();

      // The same pages on the director's phone: nothing runs off the side; the wide table says it scrolls.
      const directorPhone = await signIn('director', PHONE);
      const small = await directorPhone.context.newPage();
      await small.goto(`${electionPath}?state=55`);
      await small.locator(`tr[data-jurisdiction="${dane}"][data-level="degraded"]`).waitFor({ timeout: 20_000 });
      await fitsWidth(small);
      // The long page starts as the state at a glance and a list; the map and the timeline are folded away.
      expect(await small.locator('details.map-section').count()).toBe(1);
      expect(await small.locator('details.map-section[open], details.timeline-section[open]').count()).toBe(0);
      // The counts narrow the list: only the silent ones.
      await small.locator('.filter-chip', { hasText: 'No report' }).tap();
      await small.locator(`tr[data-jurisdiction="${dane}"]`).waitFor({ state: 'detached' });
      expect(await small.locator(`tr[data-jurisdiction="${kenosha}"]`).count()).toBe(1);
      await shot(small, 'phone-state');
      await small.locator('details.map-section > summary').tap();
      await small.locator('path[data-fips="55025"]').waitFor({ timeout: 20_000 });
      await fitsWidth(small);
      await shot(small, 'phone-state-map');
      await small.goto(`${electionPath}/expectations?state=55`);
      await small.getByText('Swipe sideways to see every column →').waitFor();
      await fitsWidth(small);
      await shot(small, 'phone-expectations');
      await small.goto(electionPath);
      await small.locator('tr[data-fips="55"]').waitFor();
      await fitsWidth(small);
      await shot(small, 'phone-nation');
    } finally {
      await browser.close();
      await server.stop();
      await db.drop();
    }
  }, 240_000);
});
