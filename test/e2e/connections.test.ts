import { mkdirSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Page } from 'playwright-core';
import { describe, expect, it } from 'vitest';
import { TLP_MARKING_IDS } from '../../src/domain/tlp.ts';
import { CHROMIUM, hasChromium, launchChromium } from './browser.ts';
import { startRealApp } from './real-app.ts';
import { signIn, signOut } from './ui-flow.ts';

const skipReason = hasChromium() ? null : `${CHROMIUM} is absent: install Debian's chromium to run the browser test`;

const T = '2026-11-02T10:00:00.000Z';
const id = (type: string, n: number) => `${type}--7a000000-0000-4000-8000-${String(n).padStart(12, '0')}`;
const MALWARE = id('malware', 1);
const REPORT = id('report', 2);
const INDICATOR = id('indicator', 4);
const HIDDEN = id('indicator', 6);
const HIDDEN_NAME = 'Illinois-only phishing kit (fictional)';

const green = [TLP_MARKING_IDS.green];
const common = (type: string, n: number) => ({ type, spec_version: '2.1', id: id(type, n), created: T, modified: T });
const indicator = (n: number, name: string, domain: string, extra: Record<string, unknown> = {}) => ({
  ...common('indicator', n),
  name,
  pattern: `[domain-name:value = '${domain}']`,
  pattern_type: 'stix',
  valid_from: T,
  ...extra,
});

/** The county's bundle: a few connected items after thousands of filler indicators, so that sending it takes a while. */
function countyBundle(): string {
  const filler = Array.from({ length: 3000 }, (_, i) =>
    indicator(1000 + i, `Filler indicator ${i}`, `filler-${i}.example`, { object_marking_refs: green, description: `Padding so that the upload is large enough to show progress. ${'x'.repeat(500)}` }),
  );
  const objects = [
    ...filler,
    { ...common('malware', 1), name: 'BallotBot loader (fictional)', is_family: true, object_marking_refs: green },
    { ...common('report', 2), name: 'County weekly brief (fictional)', published: T, report_types: ['threat-report'], object_refs: [MALWARE, HIDDEN], object_marking_refs: green },
    { ...common('note', 3), content: 'Seen on two poll-book laptops (fictional)', object_refs: [MALWARE], object_marking_refs: green },
    indicator(4, 'Pollbook update domain (fictional)', 'pollbook-update.example', { object_marking_refs: green }),
    { ...common('sighting', 5), sighting_of_ref: INDICATOR, first_seen: '2026-11-03T14:05:00Z', last_seen: '2026-11-03T14:25:00Z', count: 3, object_marking_refs: green },
  ];
  return JSON.stringify({ type: 'bundle', id: 'bundle--7a000000-0000-4000-8000-000000000000', objects });
}

/** Illinois's two bundles: an indicator it keeps to itself (AMBER), and a link from it to the county's malware that it shares with everyone. */
function outsiderBundle(): string {
  const objects = [indicator(6, HIDDEN_NAME, 'il-kit.example', { object_marking_refs: [TLP_MARKING_IDS.amber] })];
  return JSON.stringify({ type: 'bundle', id: 'bundle--7a000000-0000-4000-8000-000000000001', objects });
}
function outsiderLink(): string {
  const objects = [{ ...common('relationship', 7), relationship_type: 'indicates', source_ref: HIDDEN, target_ref: MALWARE, object_marking_refs: green }];
  return JSON.stringify({ type: 'bundle', id: 'bundle--7a000000-0000-4000-8000-000000000002', objects });
}

/** Uploads a bundle through the page, returning the values the bar showed while sending and while the hub stored it. */
async function uploadBundle(page: Page, baseUrl: string, name: string, body: string, shareWith?: string): Promise<{ readonly sent: number[]; readonly stored: number[] }> {
  await page.goto(`${baseUrl}/intel/upload`);
  await page.setInputFiles('input[name=bundle]', { name, mimeType: 'application/json', buffer: Buffer.from(body) });
  if (shareWith !== undefined) await page.selectOption('select[name=audience]', { label: shareWith });
  const sent: number[] = [];
  const stored: number[] = [];
  await page.click('button:has-text("Upload this bundle")');
  const sending = page.locator('progress[aria-label="Upload progress"]');
  const storing = page.locator('progress[aria-label="Storing the items"]');
  for (;;) {
    if ((await page.locator('.upload-result, [role=alert]').count()) > 0) break;
    const a = await sending.getAttribute('value', { timeout: 50 }).catch(() => null);
    if (a !== null) sent.push(Number(a));
    const b = await storing.getAttribute('value', { timeout: 50 }).catch(() => null);
    if (b !== null) stored.push(Number(b));
    await page.waitForTimeout(25);
  }
  return { sent, stored };
}

describe.skipIf(skipReason !== null)('connections, the graph, downloading chosen items and uploading a bundle (Chromium)', () => {
  it('shows what links to an item without naming what is not shared, draws its graph, downloads a selection, uploads with progress, at desktop and phone width', async () => {
    const shots = process.env['RAMPART_E2E_SCREENSHOTS'] ?? join(tmpdir(), 'rampart-e2e-screenshots');
    mkdirSync(shots, { recursive: true });
    const app = await startRealApp();
    const browser = await launchChromium();
    try {
      // Illinois uploads at phone width: a small bundle, stored at once.
      const phone = await browser.newPage({ viewport: { width: 390, height: 844 } });
      await signIn(phone, app, app.outsider);
      // Without a choice, the usual audience of a state office: itself.
      await uploadBundle(phone, app.baseUrl, 'illinois.json', outsiderBundle());
      expect(await phone.textContent('.upload-result')).toContain('1 added');
      await uploadBundle(phone, app.baseUrl, 'illinois-link.json', outsiderLink(), 'Everyone in the Rampart community');
      expect(await phone.textContent('.upload-result')).toContain('1 added');
      await phone.screenshot({ path: join(shots, 'upload-phone.png'), fullPage: true });
      await signOut(phone);
      await phone.close();

      // The county uploads about 2 MB at desktop width, its sending slowed so the bar moves through real byte counts.
      const desktop = await browser.newPage({ viewport: { width: 1280, height: 900 }, acceptDownloads: true });
      await signIn(desktop, app, app.county);
      const cdp = await desktop.context().newCDPSession(desktop);
      await cdp.send('Network.enable');
      await cdp.send('Network.emulateNetworkConditions', { offline: false, latency: 0, downloadThroughput: -1, uploadThroughput: 1_000_000 });
      const body = countyBundle();
      expect(body.length).toBeGreaterThan(1_500_000);
      const seen = await uploadBundle(desktop, app.baseUrl, 'county.json', body);
      await cdp.send('Network.emulateNetworkConditions', { offline: false, latency: 0, downloadThroughput: -1, uploadThroughput: -1 });
      expect(seen.sent.some((v) => v > 0 && v < 100), `sending: ${seen.sent.join(',')}`).toBe(true);
      // Then the hub says how much of the file it has stored, as it goes.
      expect(seen.stored.some((v) => v > 0), `storing: ${seen.stored.join(',')}`).toBe(true);
      expect(await desktop.textContent('.upload-result')).toContain('3,005 added');
      await desktop.screenshot({ path: join(shots, 'upload-desktop.png'), fullPage: true });

      for (const [page, name] of [[desktop, 'desktop'], [null, 'phone']] as const) {
        const p = page ?? (await browser.newPage({ viewport: { width: 390, height: 844 }, acceptDownloads: true }));
        const cspErrors: string[] = [];
        p.on('console', (m) => {
          if (m.text().includes('Content Security Policy')) cspErrors.push(m.text());
        });
        if (page === null) await signIn(p, app, app.county);

        // The malware's page: what refers to it, and the link from Illinois's indicator only as "Not shared with you".
        await p.goto(`${app.baseUrl}/intel/${MALWARE}`);
        await p.waitForSelector('.connections ul[aria-label="Referred to by"] li');
        const referred = await p.textContent('.connections ul[aria-label="Referred to by"]');
        // Each by its name, its kind a small label beside it (never "Report: …" or "Identity: …").
        expect(await p.evaluate<string[][]>(`[...document.querySelectorAll('.connections ul[aria-label="Referred to by"] li')].map((li) => [li.querySelector('a')?.textContent, li.querySelector('.type-tag')?.textContent])`)).toEqual(
          expect.arrayContaining([
            ['County weekly brief (fictional)', 'Report'],
            ['Seen on two poll-book laptops (fictional)', 'Note'],
          ]),
        );
        expect(referred).not.toMatch(/(Report|Note|Identity): /);
        // Relationships, either way, are listed apart as links, never as something that "refers to" the item.
        expect(referred).not.toContain('indicates');
        expect(await p.textContent('.connections ul[aria-label="Links"]')).toContain('Not shared with you indicates this');
        expect(await p.textContent('body')).not.toContain(HIDDEN_NAME);
        await p.click('button:has-text("Show the graph")');
        await p.waitForSelector('.graph-canvas[data-drawn=yes] canvas');
        expect(await p.getAttribute('.graph-canvas', 'aria-label')).toMatch(/^Graph of 2 items shared with you around this one and 1 not shared with you\./);
        await p.locator('.graph-card').scrollIntoViewIfNeeded();
        await p.screenshot({ path: join(shots, `graph-${name}.png`), fullPage: false });
        // Each key of the legend keeps its mark on the line of its words: a phone wraps between keys, never between a mark and its words.
        const keys = await p.evaluate<{ words: string; oneLine: boolean }[]>(`[...document.querySelectorAll('.graph-legend li')].map((li) => {
          const mark = li.querySelector('.dot').getBoundingClientRect();
          const box = li.getBoundingClientRect();
          return { words: li.textContent.trim(), oneLine: box.height < 2 * mark.height + 12 };
        })`);
        expect(keys).toEqual([
          { words: 'shared with you (choose one to open it)', oneLine: true },
          { words: 'not shared with you', oneLine: true },
        ]);
        // Drawn without breaking the page's CSP (Cytoscape's inline <style> is not needed).
        expect(cspErrors).toEqual([]);
        // The keyboard way in: the graph's items as links; Enter on one opens it.
        await p.click('.graph-list summary');
        const listed = p.locator('.graph-list a', { hasText: 'County weekly brief (fictional)' });
        await listed.focus();
        await p.keyboard.press('Enter');
        await p.waitForURL((u) => decodeURIComponent(u.pathname) === `/intel/${REPORT}`);
        await p.screenshot({ path: join(shots, `connections-${name}.png`), fullPage: true });

        // The report refers to Illinois's indicator: listed, but only as "Not shared with you".
        await p.goto(`${app.baseUrl}/intel/${REPORT}`);
        await p.waitForSelector('.connections ul[aria-label="This refers to"] li');
        const refersTo = await p.textContent('.connections ul[aria-label="This refers to"]');
        expect(refersTo).toContain('Not shared with you');
        expect(refersTo).toContain('BallotBot loader (fictional) Malware');
        // Its kind in words, never the STIX vocabulary's "threat-report".
        expect(await p.textContent('.facts div:has(dt:text-is("Kind of report")) dd')).toBe('Threat report');

        // The indicator's page says how often and when it was last sighted; the sighting has a readable title.
        await p.goto(`${app.baseUrl}/intel/${INDICATOR}`);
        await p.waitForSelector('.sightings-last');
        expect(await p.textContent('.sightings-summary')).toContain('Sighted 3 times by 1 jurisdiction in 1 state');
        // Its STIX id is folded under the title, there for whoever needs it.
        expect(await p.isVisible('.item-id code')).toBe(false);
        await p.click('.item-id summary');
        expect(await p.textContent('.item-id code')).toBe(INDICATOR);
        // What it looks for in words, with the STIX pattern beside it for analysts.
        expect(await p.textContent('.facts div:has(dt:text-is("Looks for")) dd')).toBe('The domain pollbook-update.example');
        expect(await p.textContent('.facts div:has(dt:text-is("As a STIX pattern")) dd')).toBe("[domain-name:value = 'pollbook-update.example']");
        expect(await p.textContent('.sightings-last')).toMatch(/^Last sighted (3 Nov 2026|Nov 3, 2026), between \d\d:00 and \d\d:00\.$/);
        await p.goto(`${app.baseUrl}/intel?type=sighting`);
        const sightingTitle = 'Sighting of Pollbook update domain (fictional) by Pine Hollow County Clerk (fictional) on 2026-11-03';
        await p.waitForSelector(`.intel-table a:has-text("${sightingTitle}")`);
        await p.goto(`${app.baseUrl}/intel/${id('sighting', 5)}`);
        await p.waitForSelector(`.detail h1:has-text("${sightingTitle}")`, { timeout: 10_000 }).catch(async (e: unknown) => {
          await p.screenshot({ path: join(shots, `debug-sighting-${name}.png`), fullPage: true });
          throw e;
        });

        // Tick two items and download them as CSV and as STIX.
        await p.goto(`${app.baseUrl}/intel?q=fictional`);
        await p.waitForSelector('.intel-table tbody tr');
        await p.check('input[aria-label="Choose BallotBot loader (fictional)"]');
        await p.check('input[aria-label="Choose County weekly brief (fictional)"]');
        expect(await p.textContent('.selection-count')).toBe('2 items chosen');
        await p.screenshot({ path: join(shots, `selection-${name}.png`), fullPage: false });
        const [csv] = await Promise.all([p.waitForEvent('download', { timeout: 30_000 }).catch(async (e: unknown) => {
          await p.screenshot({ path: join(shots, `debug-${name}.png`), fullPage: true });
          throw e;
        }), p.click('button:has-text("Download as CSV")')]);
        const lines = readFileSync(await csv.path(), 'utf8').trimEnd().split('\r\n');
        expect(lines[0]).toBe('id,type,title,tlp,owner,owner_name,created,modified,revoked,labels,pattern,description');
        expect(lines.slice(1).map((l) => l.split(',').slice(0, 4).join(',')).sort()).toEqual([`${MALWARE},malware,BallotBot loader (fictional),green`, `${REPORT},report,County weekly brief (fictional),green`]);
        const [stix] = await Promise.all([p.waitForEvent('download'), p.click('button:has-text("Download as STIX")')]);
        const bundle = JSON.parse(readFileSync(await stix.path(), 'utf8')) as { objects: { id: string }[] };
        expect(bundle.objects.map((o) => o.id).sort()).toEqual([MALWARE, REPORT].sort());
        await p.close();
      }
    } finally {
      await browser.close();
      await app.close();
    }
  }, 300_000);
});
