import { randomUUID } from 'node:crypto';
import { createServer } from 'node:http';
import { createRequire } from 'node:module';
import type { APIRequestContext, Browser, Page } from 'playwright-core';
import { describe, expect, it } from 'vitest';
import { TLP_MARKING_IDS } from '../../src/domain/tlp.ts';
import { CHROMIUM, hasChromium, launchChromium } from './browser.ts';
import { misalignedChoices } from './choice-alignment.ts';
import { cutPlaceholders } from './placeholders.ts';
import { startRealApp } from './real-app.ts';
import { signIn, type Person } from './ui-flow.ts';

const skipReason = hasChromium() ? null : `${CHROMIUM} is absent: install Debian's chromium to run the browser test`;
const AXE = createRequire(import.meta.url).resolve('axe-core/axe.min.js');

/** The main pages, each with what shows once it has loaded. */
const PAGES: readonly (readonly [string, string])[] = [
  ['/', '.map svg path[data-fips]'],
  ['/elections', 'main h1'],
  ['/intel', '.list-total'],
  ['/intel?reference=only&type=intrusion-set', '.intel-table'],
  ['/report', 'main form'],
  ['/check-logs', 'main h1'],
  ['/support', 'main h1'],
  ['/platform-shares', 'main h1'],
  ['/statements', 'main h1'],
  ['/settings', 'main h1'],
  ['/settings/alerts', 'main h1'],
  ['/notifications', 'main h1'],
  ['/rumour-control', 'main h1'],
];

/** Forms whose fields show examples, not among the pages above, each with what shows once it has loaded. */
const FORMS: readonly (readonly [string, string])[] = [
  ['/new', 'main input[placeholder]'],
  ['/statements/new', 'main input[placeholder]'],
  ['/rumour-control/write', 'main input[placeholder]'],
];

interface Violation {
  readonly id: string;
  readonly impact: string | null;
  readonly help: string;
  readonly nodes: readonly { readonly target: readonly unknown[] }[];
}

/** axe-core's serious and critical findings on the page as it stands (WCAG 2.1 A and AA rules); `iframes: false` leaves out frames from elsewhere. */
async function seriousViolations(page: Page, options: { readonly iframes?: boolean } = {}): Promise<string[]> {
  await page.addScriptTag({ path: AXE });
  const found = await page.evaluate<Violation[]>(
    `axe.run(document, { iframes: ${String(options.iframes ?? true)}, runOnly: { type: 'tag', values: ['wcag2a', 'wcag2aa', 'wcag21a', 'wcag21aa'] } }).then((r) => r.violations.map((v) => ({ id: v.id, impact: v.impact, help: v.help, nodes: v.nodes.map((n) => ({ target: n.target })) })))`,
  );
  return found.filter((v) => v.impact === 'serious' || v.impact === 'critical').map((v) => `${v.id} (${v.impact ?? ''}): ${v.help} at ${v.nodes.slice(0, 3).map((n) => JSON.stringify(n.target)).join(', ')}`);
}

/**
 * What is wrong with the wide tables on the page: the page itself scrolls sideways, a table is wider
 * than its card without scrolling inside it, or one scrolls without the visible hint above it.
 */
const WIDE_TABLE_PROBLEMS = `(() => {
  const out = [];
  const root = document.documentElement;
  if (root.scrollWidth > root.clientWidth + 1) out.push('the page scrolls sideways (' + root.scrollWidth + 'px)');
  for (const table of document.querySelectorAll('main table')) {
    const name = table.className || 'table';
    const box = table.closest('.table-scroll');
    if (box === null) {
      if (table.scrollWidth > table.parentElement.clientWidth + 1) out.push(name + ' is wider than its card and does not scroll inside it');
      continue;
    }
    if (getComputedStyle(box).overflowX !== 'auto') out.push(name + ' is in a box that does not scroll');
    if (box.scrollWidth <= box.clientWidth + 1) continue;
    const hint = box.parentElement.querySelector(':scope > .scroll-hint');
    const shown = hint !== null && hint.getBoundingClientRect().height > 0 && getComputedStyle(hint).visibility === 'visible';
    if (!shown) out.push(name + ' scrolls sideways with no visible hint');
  }
  // A table that scrolls anyway has no reason to squeeze a column until its words stack up a few a line
  // (a name, a person): a cell of three lines or more with fewer than 16 characters a line is squeezed. Times may wrap.
  for (const cell of document.querySelectorAll('main .table-scroll td:not(.when)')) {
    const link = cell.querySelector('a');
    const text = link ?? [...cell.childNodes].find((n) => n.nodeType === 3 && n.textContent.trim() !== '');
    if (text === undefined) continue;
    const range = document.createRange();
    range.selectNodeContents(text);
    const lines = new Set([...range.getClientRects()].filter((r) => r.width > 0).map((r) => Math.round(r.top))).size;
    const chars = text.textContent.trim().length;
    if (lines >= 3 && chars / lines < 16) out.push((cell.closest('table').className || 'table') + ': "' + text.textContent.trim() + '" is squeezed to ' + lines + ' lines');
  }
  return out;
})()`;

/** The wide-table problems once the page has settled (the hint shows after the table is measured). */
async function tableProblems(page: Page): Promise<string[]> {
  let found: string[] = [];
  for (let tries = 0; tries < 20; tries += 1) {
    found = await page.evaluate<string[]>(WIDE_TABLE_PROBLEMS);
    if (found.length === 0) break;
    await page.waitForTimeout(100);
  }
  return found;
}

/** Follows a link of the top menu (by script on a phone, where the menu is folded) and expects the focus on the new page's main content. */
async function followTopMenu(page: Page, label: string, width: number): Promise<void> {
  const link = page.locator(`nav[aria-label=Main] a:text-is("${label}")`);
  const before = page.url();
  if (width >= 800) await link.click();
  else await link.evaluate((a) => (a as unknown as { click(): void }).click());
  await page.waitForURL((u) => u.toString() !== before);
  await expect.poll(() => page.evaluate(() => (globalThis as unknown as { document: { activeElement: { id: string } | null } }).document.activeElement?.id), { message: `focus after "${label}" from ${before}` }).toBe('main');
}

/** A signed-in API client in its own browser context, for building the pages' content. */
async function apiAs(browser: Browser, baseUrl: string, who: Person): Promise<{ readonly request: APIRequestContext; readonly send: <T>(method: 'POST' | 'PUT', path: string, data: unknown) => Promise<T> }> {
  const context = await browser.newContext();
  const signedIn = await context.request.post(`${baseUrl}/api/v1/session`, { data: who });
  expect(signedIn.status()).toBe(200);
  const csrf = ((await signedIn.json()) as { csrf_token: string }).csrf_token;
  return {
    request: context.request,
    send: async <T,>(method: 'POST' | 'PUT', path: string, data: unknown): Promise<T> => {
      const res = await context.request.fetch(`${baseUrl}${path}`, { method, data, headers: { 'x-csrf-token': csrf } });
      expect(res.status(), `${method} ${path}: ${await res.text()}`).toBeLessThan(300);
      return (await res.json()) as T;
    },
  };
}

/** A web server on 127.0.0.1 that answers every request with one HTML page. */
async function serveHtml(html: string): Promise<{ readonly url: string; readonly close: () => Promise<void> }> {
  const server = createServer((_request, response) => response.writeHead(200, { 'content-type': 'text/html; charset=utf-8' }).end(html));
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const address = server.address();
  if (address === null || typeof address === 'string') throw new Error('no port');
  return { url: `http://127.0.0.1:${address.port}`, close: () => new Promise<void>((resolve) => server.close(() => resolve())) };
}

describe.skipIf(skipReason !== null)('accessibility of the main pages (axe-core, Chromium)', () => {
  it('has no serious or critical axe findings at desktop and phone width; the top menu moves focus to the content; focus rings show on checkboxes and radio buttons', async () => {
    const app = await startRealApp();
    const browser = await launchChromium();
    try {
      for (const [width, height] of [[1280, 900], [390, 844]] as const) {
        // axe is injected as a script: the page's Content-Security-Policy would refuse it.
        const page = await browser.newPage({ viewport: { width, height }, bypassCSP: true });
        await signIn(page, app, app.county);
        if (width > 700) {
          // The top menu's pages take two lines at most on a laptop and on a tablet, with an unread count of 99+ beside them.
          await page.waitForSelector('.topbar .alerts-link');
          await page.evaluate(`(() => { const a = document.querySelector('.topbar .alerts-link'); const b = document.createElement('span'); b.className = 'unread-badge'; b.textContent = '99+'; a.querySelector('.unread-badge')?.remove(); a.append(b); })()`);
          const lines = () => page.evaluate<number>(`new Set([...document.querySelectorAll('.topbar nav .nav-link')].filter((e) => e.offsetParent !== null).map((e) => Math.round(e.getBoundingClientRect().top))).size`);
          expect(await lines(), `lines of the top menu at ${width}px`).toBeLessThanOrEqual(2);
          await page.setViewportSize({ width: 800, height });
          expect(await lines(), 'lines of the top menu at 800px').toBeLessThanOrEqual(2);
          await page.setViewportSize({ width, height });
        }
        const problems: string[] = [];
        let wrapped = 0;
        for (const [path, ready] of PAGES) {
          await page.goto(`${app.baseUrl}${path}`);
          await page.waitForSelector(ready);
          problems.push(...(await seriousViolations(page)).map((p) => `${path} at ${width}px: ${p}`));
          if (width < 800) problems.push(...(await tableProblems(page)).map((p) => `${path} at ${width}px: ${p}`));
          // An example in a field is read whole on a phone, never cut off mid-word.
          if (width < 800) problems.push(...(await cutPlaceholders(page)).map((p) => `${path} at ${width}px: ${p}`));
          // A checkbox or radio button beside a label that wraps sits by its first line (choice-alignment.ts).
          const choices = await misalignedChoices(page);
          wrapped += choices.wrapped;
          problems.push(...choices.misaligned.map((m) => `${path} at ${width}px: the box of “${m.label}” is ${m.off} px off its label's first line`));
        }
        // The forms with examples in their fields that the pages above do not show.
        if (width < 800) {
          for (const [path, ready] of FORMS) {
            await page.goto(`${app.baseUrl}${path}`);
            await page.waitForSelector(ready);
            problems.push(...(await cutPlaceholders(page)).map((p) => `${path} at ${width}px: ${p}`));
          }
        }
        expect(problems).toEqual([]);
        // The report form's choices wrap on a phone: the check above looked at some.
        if (width < 800) expect(wrapped).toBeGreaterThan(0);

        // Following a top-menu link puts the focus on the new page's main content.
        await page.goto(`${app.baseUrl}/`);
        await page.waitForSelector('.map svg path[data-fips]');
        if (width >= 800) {
          expect(await page.isVisible('.menu-toggle')).toBe(false);
          await page.click('nav[aria-label=Main] a:has-text("Intelligence")');
        } else {
          // On a phone the menu is folded behind one button: the page's title is on the first screen, not below ten links.
          expect(await page.isVisible('nav[aria-label=Main] a:has-text("Intelligence")')).toBe(false);
          expect((await page.locator('main h1').boundingBox())?.y).toBeLessThan(120);
          const toggle = page.locator('button.menu-toggle');
          expect(await toggle.getAttribute('aria-expanded')).toBe('false');
          await toggle.click();
          expect(await toggle.getAttribute('aria-expanded')).toBe('true');
          problems.push(...(await seriousViolations(page)).map((p) => `the open menu at ${width}px: ${p}`));
          expect(problems).toEqual([]);
          await page.click('nav[aria-label=Main] a:has-text("Intelligence")');
        }
        await page.waitForSelector('.list-total');
        await expect.poll(() => page.evaluate(() => (globalThis as unknown as { document: { activeElement: { id: string } | null } }).document.activeElement?.id)).toBe('main');
        // Following a link folds the phone menu again and the new page starts at its top.
        expect(await page.isVisible('nav[aria-label=Main] a:has-text("Dashboard")')).toBe(width >= 800);
        expect(await page.evaluate(() => (globalThis as unknown as { scrollY: number }).scrollY)).toBe(0);

        // A checkbox reached by the keyboard shows a solid ring.
        await page.goto(`${app.baseUrl}/intel?reference=only&type=intrusion-set`);
        const box = page.locator('.intel-table tbody input[type=checkbox]').first();
        await box.waitFor();
        await box.focus();
        await page.keyboard.press('Shift+Tab');
        await page.keyboard.press('Tab');
        const ring = await box.evaluate((el) => {
          const style = (globalThis as unknown as { getComputedStyle(e: unknown): { outlineStyle: string; outlineWidth: string } }).getComputedStyle(el);
          return { style: style.outlineStyle, width: style.outlineWidth };
        });
        expect(ring).toEqual({ style: 'solid', width: '3px' });
        // So does a radio button (the report form's category), reached by the keyboard.
        await page.goto(`${app.baseUrl}/report`);
        const radio = page.locator('input[type=radio][name=category]').first();
        await radio.waitFor();
        await radio.focus();
        await page.keyboard.press('Shift+Tab');
        await page.keyboard.press('Tab');
        expect(await radio.evaluate((el) => (globalThis as unknown as { getComputedStyle(e: unknown): { outlineStyle: string } }).getComputedStyle(el).outlineStyle)).toBe('solid');
        await page.close();
      }
    } finally {
      await browser.close();
      await app.close();
    }
  }, 400_000);

  it('has no serious or critical axe findings on an item and its connections, the upload page, cases, support, election day, the editors and the signed-out pages, at desktop and phone width; wide tables scroll in their card with a hint; the top menu moves focus to the content', async () => {
    const app = await startRealApp({ withProvider: true, withStateAdmin: true });
    const browser = await launchChromium();
    let countySite: { readonly url: string; readonly close: () => Promise<void> } | null = null;
    try {
      if (app.provider === null || app.stateAdmin === null || app.orgs.provider === null) throw new Error('start the app with a provider and a state administrator');
      const county = await apiAs(browser, app.baseUrl, app.county);
      const outsider = await apiAs(browser, app.baseUrl, app.outsider);
      const provider = await apiAs(browser, app.baseUrl, app.provider);
      const director = await apiAs(browser, app.baseUrl, app.stateAdmin);
      const now = new Date().toISOString();

      // An indicator with a report and a sighting that refer to it, for an item's page with its connections.
      const indicator = `indicator--${randomUUID()}`;
      const report = `report--${randomUUID()}`;
      const common = { spec_version: '2.1', created: now, modified: now, object_marking_refs: [TLP_MARKING_IDS.green] };
      for (const object of [
        { ...common, type: 'indicator', id: indicator, name: "Fake results site copying the county's election-night page (fictional)", pattern: "[domain-name:value = 'results-wi.example']", pattern_type: 'stix', valid_from: now },
        { ...common, type: 'report', id: report, name: 'Weekly brief (fictional)', published: now, report_types: ['threat-report'], object_refs: [indicator] },
        { ...common, type: 'sighting', id: `sighting--${randomUUID()}`, sighting_of_ref: indicator, first_seen: now, last_seen: now, count: 2 },
      ]) {
        await county.send('POST', '/api/v1/objects', { object, tlp: 'green', audience: ['state:55'] });
      }
      // A published correction and a published joint statement, for the public pages.
      await county.send('POST', '/api/v1/corrections', {
        title: 'Ballots with a coffee stain are counted (fictional)',
        rumour: 'A video claims stained mail ballots are thrown away.',
        reality: 'A damaged ballot is copied onto a fresh ballot by two inspectors and counted.',
        official_links: [{ title: 'Wisconsin Elections Commission: absentee voting', url: 'https://elections.wi.gov/voters/absentee' }],
        state_fips: '55',
        phase: 'after',
      });
      const correction = ((await (await county.request.get(`${app.baseUrl}/api/v1/public/corrections`)).json()) as { items: { id: string }[] }).items[0]?.id;
      if (correction === undefined) throw new Error('the correction is not public');
      const statement = await county.send<{ id: string; content_hash: string }>('POST', '/api/v1/statements', { title: 'Every ballot counts (fictional)', text: 'Every ballot cast will be counted and checked before results are certified.', cosigners: [app.orgs.outsider], tlp: 'clear' });
      for (const signer of [county, outsider]) await signer.send('POST', `/api/v1/statements/${statement.id}/approve`, { content_hash: statement.content_hash });
      await county.send('POST', `/api/v1/statements/${statement.id}/publish`, {});
      // A support request, and an election of the county's state going on now.
      await provider.send('PUT', '/api/v1/support/offerings/vulnerability-scanning', { description: 'Free external scans of election office websites.', active: true });
      const asked = await county.send<{ id: string }>('POST', '/api/v1/support/requests', { provider_org: app.orgs.provider, service: 'vulnerability-scanning', title: 'Scan our results website', details: 'Please scan results.example.gov before election night.' });
      const recorded = await director.send<{ object: { id: string } }>('POST', '/api/v1/elections', {
        // A long name, as the demo's: a menu of elections must not push a phone page sideways.
        name: 'Spring election (fictional, dated the day the accessibility test started)',
        election_date: now.slice(0, 10),
        state_fips: ['55'],
        phases: [{ phase: 'election-day', start: new Date(Date.now() - 3_600_000).toISOString(), end: new Date(Date.now() + 12 * 3_600_000).toISOString(), report_every_minutes: 120 }],
      });
      const election = encodeURIComponent(recorded.object.id);
      // The county's own website (another origin) with the rumour-control widget on it.
      countySite = await serveHtml(`<!doctype html><html lang="en"><head><title>Pine Hollow County elections</title></head><body><main><h1>Elections</h1><script src="${app.baseUrl}/rumour-control/widget.js" data-state="55"></script></main></body></html>`);

      for (const [width, height] of [[1280, 900], [390, 844]] as const) {
        const page = await browser.newPage({ viewport: { width, height }, bypassCSP: true });
        await signIn(page, app, app.county);
        const problems: string[] = [];
        const check = async (what: string, options: { readonly iframes?: boolean; readonly menu?: string } = {}) => {
          problems.push(...(await seriousViolations(page, options)).map((p) => `${what} at ${width}px: ${p}`));
          if (width < 800) problems.push(...(await tableProblems(page)).map((p) => `${what} at ${width}px: ${p}`));
          if (width < 800) problems.push(...(await cutPlaceholders(page)).map((p) => `${what} at ${width}px: ${p}`));
          problems.push(...(await misalignedChoices(page)).misaligned.map((m) => `${what} at ${width}px: the box of “${m.label}” is ${m.off} px off its label's first line`));
          if (options.menu !== undefined) await followTopMenu(page, options.menu, width);
        };
        const visit = async (path: string, ready: string, options: { readonly menu?: string } = {}) => {
          await page.goto(`${app.baseUrl}${path}`);
          await page.waitForSelector(ready);
          await check(path, options);
        };

        // A case: an incident reported through the form, with a note on its timeline.
        await page.goto(`${app.baseUrl}/report`);
        await page.fill('textarea[name=whatHappened]', 'Two poll workers got threatening calls at home (fictional).');
        await page.check('input[name=category][value=threat-to-election-workers]');
        await page.check('input[name=severity][value=high]');
        await page.click('button[type=submit]:has-text("Send report")');
        await page.waitForSelector('.case-card');
        await page.fill('.note-form textarea', 'Sheriff informed (fictional).');
        await page.click('.note-form button:has-text("Add note")');
        await page.waitForSelector('.timeline-note');
        const incident = new URL(page.url()).pathname;
        await check(`the case ${incident}`, { menu: 'Intelligence' });

        await visit('/intel', '.intel-table tbody tr');
        await visit(`/intel/${indicator}`, 'section.connections li', { menu: 'Report' });
        await visit(`/intel/${report}`, 'section.connections li', { menu: 'Intelligence' });
        await visit('/new', 'form.report', { menu: 'Intelligence' });
        await visit(`/support/${asked.id}`, '[data-testid=support-status]', { menu: 'Support' });
        // On a phone the list of jurisdictions starts folded: checked folded, then open.
        await page.goto(`${app.baseUrl}/elections/${election}?state=55`);
        await page.waitForSelector('.state-glance');
        if (width < 800) {
          await check(`/elections/${election}?state=55 (folded)`);
          await page.click('.jurisdictions-section > summary');
        }
        await page.waitForSelector('tr[data-jurisdiction]');
        await check(`/elections/${election}?state=55`, { menu: 'Election day' });
        // The status form's example of what is happening shows once a function is not normal: read whole on a phone too.
        await page.goto(`${app.baseUrl}/elections/${election}/status`);
        await page.locator('.level-option input[type=radio]:not([value=normal])').first().check();
        await page.waitForSelector('.function-detail input[type=text]');
        if (width < 800) problems.push(...(await cutPlaceholders(page)).map((p) => `the status form at ${width}px: ${p}`));
        await visit(`/elections/${election}/status`, 'main h1', { menu: 'Dashboard' });
        await visit(`/elections/${election}/expectations?state=55`, '.expectations-table', { menu: 'Election day' });
        await visit(`/statements/${statement.id}`, '[data-testid=statement-text]', { menu: 'Statements' });
        await visit('/statements/new', 'main h1', { menu: 'Statements' });
        await visit('/rumour-control/write', 'main h1', { menu: 'Rumour control' });
        await visit('/import/misp', 'main h1', { menu: 'Settings' });
        await visit('/feeds', 'main h1', { menu: 'Settings' });
        await visit('/settings/totp', 'main h1', { menu: 'Settings' });
        await visit('/settings/alerts', 'main h1');
        // The form to add a rule, folded until asked for, checked open.
        await page.click('#my-rules button.add-rule-toggle');
        await page.waitForSelector('#my-rules form.rule-form');
        await check('/settings/alerts with the rule form open', { menu: 'Settings' });

        // The upload page, with a file chosen and then with the problems the hub found in it.
        await visit('/intel/upload', 'input[name=bundle]');
        await page.setInputFiles('input[name=bundle]', { name: 'broken.json', mimeType: 'application/json', buffer: Buffer.from(JSON.stringify({ type: 'bundle', id: `bundle--${randomUUID()}`, objects: [{ type: 'indicator', id: `indicator--${randomUUID()}`, spec_version: '2.1' }] })) });
        await page.waitForSelector('text=broken.json');
        await check('/intel/upload with a file chosen');
        await page.click('button:has-text("Upload this bundle")');
        await page.waitForSelector('main [role=alert] li');
        await check('/intel/upload with its problems', { menu: 'Intelligence' });

        // Signed out: sign-in (and its refusal), the public rumour-control pages with the joint statement, the transparency log, the embed page and a county site with the widget.
        const visitor = await browser.newPage({ viewport: { width, height }, bypassCSP: true });
        const outside = async (path: string, ready: string, options: { readonly iframes?: boolean; readonly menu?: string } = {}) => {
          await visitor.goto(path.startsWith('http') ? path : `${app.baseUrl}${path}`);
          await visitor.waitForSelector(ready);
          problems.push(...(await seriousViolations(visitor, options)).map((p) => `${path} (signed out) at ${width}px: ${p}`));
          if (width < 800) problems.push(...(await tableProblems(visitor)).map((p) => `${path} (signed out) at ${width}px: ${p}`));
          if (options.menu !== undefined) await followTopMenu(visitor, options.menu, width);
        };
        await outside('/signin', 'input[name=email]');
        await visitor.fill('input[name=email]', app.county.email);
        await visitor.fill('input[name=password]', 'not the password');
        await visitor.click('button[type=submit]');
        await visitor.waitForSelector('[role=alert]');
        problems.push(...(await seriousViolations(visitor)).map((p) => `/signin refused at ${width}px: ${p}`));
        await outside('/rumour-control', 'section:has(h2:has-text("Joint statements")) a', { menu: 'Transparency log' });
        await outside(`/rumour-control?id=${encodeURIComponent(correction)}`, '[data-testid=correction]', { menu: 'Transparency log' });
        await outside('/rumour-control?state=55', '[data-testid=correction]', { menu: 'Transparency log' });
        await outside('/transparency', '[data-testid=log-entry]', { menu: 'Rumour control' });
        await outside('/rumour-control/embed?state=55', 'article');
        await outside(`${countySite.url}/elections`, 'iframe[title]', { iframes: false });
        await visitor.close();

        expect(problems).toEqual([]);
        await page.close();
      }
    } finally {
      await countySite?.close();
      await browser.close();
      await app.close();
    }
  }, 400_000);
});
