import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { sql } from 'kysely';
import { DEMO_WATCHED_DOMAIN, seedDemo } from '../src/demo/seed-demo.ts';
import { notificationsStore } from '../src/store/notifications.ts';
import { prepareHub } from '../src/hub/first-start.ts';
import { orgIdOfUuid } from '../src/domain/ids.ts';
import { RAMPART_EXTENSION_ID } from '../src/stix/rampart-extension.ts';
import { composedHub, type ComposedHub, type Person } from './helpers/composed-hub.ts';
import { tableRows } from './helpers/store.ts';

/**
 * Rumour control through the composed hub: a county clerk previews, publishes, updates and withdraws
 * corrections; anyone reads them without signing in (JSON, Atom, the embed page); nothing that was not
 * shared with the public ever shows there.
 */
const IGNORED = { api_key: ['last_used_at'] };
let h: ComposedHub;
let clerk: Person;
let otherClerk: Person;
let stateAnalyst: Person;
let election: string;

const CORRECTION = {
  title: 'Polling places do not close at noon',
  rumour: 'Posts say polling places close at noon on election day.',
  reality: 'Polling places are open from 7 a.m. to 8 p.m. Anyone in line at 8 p.m. may vote.',
  official_links: [{ title: 'Wisconsin Elections Commission: voting hours', url: 'https://elections.wi.gov/voters/voting-hours' }],
  law_cited: ['Wis. Stat. § 6.78'],
  state_fips: '55',
  county_fips: ['55025'],
  phase: 'during',
};

async function call(who: Person | null, method: 'GET' | 'POST' | 'PUT', url: string, payload?: unknown, headers: Record<string, string> = {}) {
  const res = await h.hub.app.inject({ method, url, headers: { ...(who === null ? {} : { authorization: `Bearer ${who.key}` }), ...headers }, ...(payload === undefined ? {} : { payload: payload as object }) });
  return { status: res.statusCode, body: res.body.startsWith('{') ? res.json<Record<string, unknown>>() : {}, text: res.body, headers: res.headers };
}

async function refused(who: Person, method: 'POST' | 'PUT', url: string, payload: unknown, status: number, code: string): Promise<Record<string, unknown>> {
  const before = await tableRows(h.store.database, IGNORED);
  const res = await call(who, method, url, payload);
  expect([res.status, res.body['code']], res.text).toEqual([status, code]);
  expect(await tableRows(h.store.database, IGNORED)).toEqual(before);
  return res.body;
}

interface Item { id: string; title: string; status: string; withdrawn_reason: string | null; published: string; updated: string; publisher: string | null; election_name: string | null }
const publicItems = async (query = ''): Promise<Item[]> => {
  const res = await call(null, 'GET', `/api/v1/public/corrections${query}`);
  expect(res.status, res.text).toBe(200);
  return (res.body as { items: Item[] }).items;
};

beforeAll(async () => {
  h = await composedHub();
  const wisconsin = await h.state('55');
  const county = await h.organization({ kind: 'local', name: 'Dane County Clerk (fictional)', state_fips: '55' });
  clerk = await h.person(county, 'Clerk');
  otherClerk = await h.person(await h.organization({ kind: 'local', name: 'Cook County Clerk (fictional)', state_fips: '17' }), 'Other clerk');
  stateAnalyst = await h.person(wisconsin, 'State analyst', 'org-admin');
  const made = await call(stateAnalyst, 'POST', '/api/v1/elections', { name: 'General election 2026 (test)', election_type: 'general', election_date: '2026-11-03', state_fips: ['55'] });
  expect(made.status, made.text).toBe(201);
  election = (made.body['object'] as { id: string }).id;
});
afterAll(async () => {
  await h.close();
});

describe('writing a correction', () => {
  it('previews exactly what would be published and stores nothing', async () => {
    const before = await tableRows(h.store.database, IGNORED);
    const res = await call(clerk, 'POST', '/api/v1/corrections/preview', { ...CORRECTION, election_id: election });
    expect(res.status, res.text).toBe(200);
    const object = res.body['object'] as Record<string, unknown>;
    expect(object).toMatchObject({ type: 'report', report_types: ['rumour-control'], name: CORRECTION.title, description: CORRECTION.reality, created_by_ref: clerk.orgId, object_refs: [election] });
    expect((object['extensions'] as Record<string, Record<string, unknown>>)[RAMPART_EXTENSION_ID]?.['rumour_control']).toMatchObject({ status: 'published', election_name: 'General election 2026 (test)', phase: 'during' });
    expect(res.body['correction']).toMatchObject({ title: CORRECTION.title, state_name: 'Wisconsin', publisher: 'Dane County Clerk (fictional)' });
    expect(await tableRows(h.store.database, IGNORED)).toEqual(before);
  });

  it('refuses what cannot be published, naming the field, and stores nothing', async () => {
    expect((await refused(clerk, 'POST', '/api/v1/corrections', { ...CORRECTION, county_fips: ['17031'] }, 422, 'county-not-in-state'))['errors']).toEqual([expect.objectContaining({ path: '$.county_fips[0]' })]);
    await refused(clerk, 'POST', '/api/v1/corrections', { ...CORRECTION, state_fips: '03' }, 422, 'unknown-state');
    await refused(clerk, 'POST', '/api/v1/corrections', { ...CORRECTION, election_id: 'x-rampart-election--00000000-0000-4000-8000-000000000000' }, 422, 'unknown-election');
    await refused(otherClerk, 'POST', '/api/v1/corrections', { ...CORRECTION, state_fips: '17', county_fips: [], election_id: election }, 422, 'unknown-election');
    await refused(clerk, 'POST', '/api/v1/corrections', { ...CORRECTION, official_links: [] }, 400, 'invalid-request');
    await refused(clerk, 'POST', '/api/v1/corrections', { ...CORRECTION, official_links: [{ title: 'Plain web', url: 'http://example.org' }] }, 400, 'invalid-request');
    await refused(clerk, 'POST', '/api/v1/corrections', { ...CORRECTION, phase: 'whenever' }, 400, 'invalid-request');
    await refused(clerk, 'POST', '/api/v1/corrections', { ...CORRECTION, tlp: 'green' }, 400, 'invalid-request');
    const anonymous = await call(null, 'POST', '/api/v1/corrections', CORRECTION);
    expect(anonymous.status).toBe(401);
  });

  it('refuses a malformed rumour_control on every write path, not only this form', async () => {
    const report = {
      type: 'report', spec_version: '2.1', id: 'report--5a000000-0000-4000-8000-000000000001', created: '2026-11-03T08:00:00.000Z', modified: '2026-11-03T08:00:00.000Z', name: 'Hand-made', published: '2026-11-03T08:00:00.000Z', report_types: ['rumour-control'], object_refs: [clerk.orgId],
      extensions: { [RAMPART_EXTENSION_ID]: { extension_type: 'property-extension', rumour_control: { rumour: 'x', reality: 'y', official_links: [], state_fips: '55', phase: 'during', status: 'published' } } },
    };
    const res = await refused(clerk, 'POST', '/api/v1/objects', { object: report, tlp: 'clear', audience: ['public'] }, 422, 'invalid-stix-object');
    expect(JSON.stringify(res['errors'])).toContain('official_links');
    const onIncident = { ...report, type: 'incident', id: 'incident--5a000000-0000-4000-8000-000000000002' };
    const wrong = await refused(clerk, 'POST', '/api/v1/objects', { object: { ...onIncident, extensions: { [RAMPART_EXTENSION_ID]: { extension_type: 'property-extension', rumour_control: { ...CORRECTION_EXT } } } }, tlp: 'clear', audience: ['public'] }, 422, 'invalid-stix-object');
    expect(JSON.stringify(wrong['errors'])).toContain('rumour-control-not-a-report');
  });
});

const CORRECTION_EXT = { rumour: 'x', reality: 'y', official_links: [{ title: 'a', url: 'https://example.org' }], state_fips: '55', phase: 'during', status: 'published' };

describe('publishing, updating and withdrawing', () => {
  let id = '';
  it('publishes TLP:CLEAR to the public, readable without signing in, with ETag and Cache-Control', async () => {
    const res = await call(clerk, 'POST', '/api/v1/corrections', { ...CORRECTION, election_id: election });
    expect(res.status, res.text).toBe(201);
    expect(res.body['sharing']).toEqual({ owner: clerk.orgId, tlp: 'clear', audience: ['public'] });
    id = (res.body['object'] as { id: string }).id;
    const list = await call(null, 'GET', '/api/v1/public/corrections');
    expect(list.status).toBe(200);
    expect(list.headers['cache-control']).toBe('public, no-cache');
    expect((await call(null, 'GET', '/rumour-control/feed.atom')).headers['cache-control']).toBe('public, max-age=60, stale-while-revalidate=60');
    const etag = String(list.headers['etag']);
    expect(etag).toMatch(/^"[\w-]+"$/);
    expect((await call(null, 'GET', '/api/v1/public/corrections', undefined, { 'if-none-match': etag })).status).toBe(304);
    expect((list.body as { items: Item[] }).items).toEqual([expect.objectContaining({ id, title: CORRECTION.title, status: 'published', publisher: 'Dane County Clerk (fictional)', election_name: 'General election 2026 (test)' })]);
    expect((await call(null, 'GET', `/api/v1/public/corrections/${id}`)).body).toMatchObject({ id, reality: CORRECTION.reality });
  });

  it('filters by state, county, election and words', async () => {
    const second = await call(clerk, 'POST', '/api/v1/corrections', { ...CORRECTION, title: 'You can vote with a Wisconsin ID', rumour: 'You need a passport.', reality: 'A Wisconsin driver licence or ID card is enough.', county_fips: [], phase: 'before' });
    expect(second.status, second.text).toBe(201);
    const secondId = (second.body['object'] as { id: string }).id;
    expect((await publicItems()).map((i) => i.id)).toEqual([secondId, id]);
    expect((await publicItems('?state=55')).map((i) => i.id)).toEqual([secondId, id]);
    expect(await publicItems('?state=17')).toEqual([]);
    expect((await publicItems(`?election=${election}`)).map((i) => i.id)).toEqual([id]);
    expect((await publicItems('?county=55025')).map((i) => i.id)).toEqual([secondId, id]);
    expect((await publicItems('?county=55001')).map((i) => i.id)).toEqual([secondId]);
    expect((await publicItems('?q=PASSPORT')).map((i) => i.id)).toEqual([secondId]);
    expect((await publicItems('?q=6.78%20noon')).map((i) => i.id)).toEqual([id]);
    const bad = await call(null, 'GET', '/api/v1/public/corrections?state=Wisconsin');
    expect([bad.status, bad.body['code']]).toEqual([400, 'invalid-request']);
  });

  it('updates as a new version: first publication kept, the change dated; only the publisher may', async () => {
    await refused(otherClerk, 'PUT', `/api/v1/corrections/${id}`, { ...CORRECTION, reality: 'Changed by someone else' }, 403, 'not-owner');
    const res = await call(clerk, 'PUT', `/api/v1/corrections/${id}`, { ...CORRECTION, election_id: election, reality: 'Polling places are open 7 a.m. to 8 p.m.; anyone in line at 8 p.m. votes.' });
    expect([res.status, res.body['outcome']], res.text).toEqual([201, 'new-version']);
    const item = (await publicItems(`?election=${election}`))[0];
    expect(item).toMatchObject({ id, status: 'published' });
    expect(item && item.updated > item.published).toBe(true);
  });

  it('withdraws: still on the public pages, marked withdrawn with the reason, and no longer changeable', async () => {
    await refused(clerk, 'POST', `/api/v1/corrections/${id}/withdraw`, {}, 400, 'invalid-request');
    const res = await call(clerk, 'POST', `/api/v1/corrections/${id}/withdraw`, { reason: 'Superseded by the state-wide correction.' });
    expect(res.status, res.text).toBe(201);
    expect((await publicItems(`?election=${election}`))[0]).toMatchObject({ id, status: 'withdrawn', withdrawn_reason: 'Superseded by the state-wide correction.' });
    await refused(clerk, 'PUT', `/api/v1/corrections/${id}`, CORRECTION, 409, 'correction-withdrawn');
    await refused(clerk, 'POST', `/api/v1/corrections/${id}/withdraw`, { reason: 'again' }, 409, 'correction-withdrawn');
    const feed = await call(null, 'GET', '/rumour-control/feed.atom?state=55');
    expect(feed.text).toContain('<title>Withdrawn: Polling places do not close at noon</title>');
    const mine = await call(clerk, 'GET', '/api/v1/corrections');
    expect((mine.body as { items: Item[] }).items.map((i) => i.status).sort()).toEqual(['published', 'withdrawn']);
  });
});

describe('the public pages show only what was shared with the public', () => {
  const sdo = (type: string, n: number, extra: Record<string, unknown>) => ({ type, spec_version: '2.1', id: `${type}--6b000000-0000-4000-8000-00000000000${n}`, created: '2026-11-03T08:00:00.000Z', modified: '2026-11-03T08:00:00.000Z', ...extra });
  const shaped = (n: number, title: string) =>
    sdo('report', n, { name: title, published: '2026-11-03T08:00:00.000Z', report_types: ['rumour-control'], object_refs: [clerk.orgId], extensions: { [RAMPART_EXTENSION_ID]: { extension_type: 'property-extension', rumour_control: { ...CORRECTION_EXT, rumour: title } } } });
  const secrets: { object: Record<string, unknown>; tlp: string; audience: string[] }[] = [];

  beforeAll(async () => {
    secrets.push({ object: shaped(1, 'SECRET-GREEN community correction'), tlp: 'green', audience: ['community'] });
    secrets.push({ object: shaped(2, 'SECRET-CLEAR but only for the state'), tlp: 'clear', audience: ['state:55'] });
    secrets.push({ object: shaped(3, 'SECRET-AMBER'), tlp: 'amber', audience: [`org:${clerk.orgId}`] });
    secrets.push({ object: sdo('indicator', 4, { name: 'SECRET-indicator', pattern: "[ipv4-addr:value = '203.0.113.7']", pattern_type: 'stix', valid_from: '2026-11-03T08:00:00Z' }), tlp: 'green', audience: ['community'] });
    for (const s of secrets) expect((await call(clerk, 'POST', '/api/v1/objects', s)).status).toBe(201);
    const open = sdo('indicator', 5, { name: 'Public phishing domain (fictional)', pattern: "[domain-name:value = 'vote-wi.example']", pattern_type: 'stix', valid_from: '2026-11-03T08:00:00Z' });
    expect((await call(stateAnalyst, 'POST', '/api/v1/objects', { object: open, tlp: 'clear', audience: ['public'] })).status).toBe(201);
    // A hand-made correction shared with the public is as public as one from the form.
    expect((await call(clerk, 'POST', '/api/v1/objects', { object: shaped(6, 'Hand-made public correction'), tlp: 'clear', audience: ['public'] })).status).toBe(201);
  });

  it('never shows a non-public object on the JSON list, the notices, the feed or the embed page', async () => {
    const pages = ['/api/v1/public/corrections', '/api/v1/public/corrections?state=55', '/api/v1/public/notices', '/rumour-control/feed.atom', '/rumour-control/feed.atom?county=55025', '/rumour-control/embed?state=55'];
    for (const page of pages) {
      const res = await call(null, 'GET', page);
      expect(res.status, page).toBe(200);
      expect(res.text, page).not.toContain('SECRET');
      for (const s of secrets) expect(res.text, page).not.toContain(String(s.object['id']));
    }
    for (const s of secrets) expect((await call(null, 'GET', `/api/v1/public/corrections/${String(s.object['id'])}`)).status).toBe(404);
  });

  it('lists every other CLEAR object shared with the public, so "The public" means what it says', async () => {
    const notices = await call(null, 'GET', '/api/v1/public/notices');
    expect((notices.body as { items: { name: string }[] }).items.map((i) => i.name)).toContain('Public phishing domain (fictional)');
    expect((await publicItems()).map((i) => i.title)).toContain('Hand-made public correction');
  });

  it('serves the widget script and an embed page any site may frame, escaping what officials wrote', async () => {
    const made = await call(clerk, 'POST', '/api/v1/corrections', { ...CORRECTION, title: '<script>alert(1)</script> & more', county_fips: ['55025'] });
    expect(made.status, made.text).toBe(201);
    const embed = await call(null, 'GET', '/rumour-control/embed?county=55025');
    expect(embed.headers['content-type']).toBe('text/html; charset=utf-8');
    expect(embed.headers['content-security-policy']).toContain("default-src 'none'");
    expect(embed.text).toContain('&lt;script&gt;alert(1)&lt;/script&gt; &amp; more');
    expect(embed.text).not.toContain('<script>');
    const widget = await call(null, 'GET', '/rumour-control/widget.js');
    expect(widget.headers['content-type']).toBe('text/javascript; charset=utf-8');
    expect(widget.text).toContain('/rumour-control/embed');
    const feed = await call(null, 'GET', '/rumour-control/feed.atom');
    expect(feed.headers['content-type']).toBe('application/atom+xml; charset=utf-8');
    expect(feed.text).toMatch(/^<\?xml version="1.0" encoding="utf-8"\?>\n<feed xmlns="http:\/\/www.w3.org\/2005\/Atom">/);
  });
});

describe('the public pages read no sign-in', () => {
  it("costs a signed-in visitor's cookie no session lookup; a member route still reads it", async () => {
    const lookups = vi.spyOn(h.hub.auth, 'session');
    try {
      const headers = { cookie: 'rampart_session=not-a-real-session' };
      for (const url of ['/api/v1/public/corrections', '/rumour-control/feed.atom', '/api/v1/public/statements', '/api/v1/public/transparency/entries']) {
        const res = await h.hub.app.inject({ method: 'GET', url, headers });
        expect(res.statusCode, `${url}: ${res.body}`).toBe(200);
      }
      expect(lookups).not.toHaveBeenCalled();
      const mine = await h.hub.app.inject({ method: 'GET', url: '/api/v1/corrections', headers });
      expect(mine.statusCode).toBe(401);
      expect(lookups).toHaveBeenCalledTimes(1);
    } finally {
      lookups.mockRestore();
    }
  });
});

describe('the demo', () => {
  it('keeps the story as it is on a later start the same day: its times follow the election seeded that morning, not the hour of the start', async () => {
    const demo = await composedHub({});
    try {
      const dir = mkdtempSync(join(tmpdir(), 'rampart-demo-'));
      const options = { hubOwner: orgIdOfUuid('cc8654b7-1ffc-487a-bf1c-ed29e18f0a33'), credentialsFile: join(dir, 'demo.json'), publishing: demo.hub.publishing };
      const versions = async () => Number((await sql<{ n: number }>`select count(*) as n from stix_version`.execute(demo.store.database.db)).rows[0]?.n ?? 0);
      const first = await seedDemo(demo.hub.auth.context, demo.store.stix, { ...options, now: new Date('2026-11-03T14:20:00Z') });
      expect(first.ok, first.ok ? '' : first.error.message).toBe(true);
      const before = await versions();
      // Three hours later, same UTC day: nothing new is published (a new version of each story item would alert its readers again).
      const later = await seedDemo(demo.hub.auth.context, demo.store.stix, { ...options, now: new Date('2026-11-03T17:45:00Z') });
      expect(later.ok, later.ok ? '' : later.error.message).toBe(true);
      expect(await versions()).toBe(before);
    } finally {
      await demo.close();
    }
  }, 120_000);

  it("publishes the demo story's correction through rumour control, once: on the public pages, in the transparency log, under a checkpoint", async () => {
    const demo = await composedHub({ transparencyCheckpointMs: 0 });
    try {
      const dir = mkdtempSync(join(tmpdir(), 'rampart-demo-'));
      const options = { hubOwner: orgIdOfUuid('cc8654b7-1ffc-487a-bf1c-ed29e18f0a33'), credentialsFile: join(dir, 'demo.json'), publishing: demo.hub.publishing };
      const firstStarts: boolean[] = [];
      for (let start = 0; start < 2; start++) {
        const seeded = await seedDemo(demo.hub.auth.context, demo.store.stix, { ...options, beforeStory: (_orgs, firstStart) => Promise.resolve(void firstStarts.push(firstStart)) });
        expect(seeded.ok, seeded.ok ? '' : seeded.error.message).toBe(true);
      }
      // Only the start that created the demo county counts as the first (first-start.ts adds its watched domain then only).
      expect(firstStarts).toEqual([true, false]);
      const get = async <T,>(url: string) => {
        const res = await demo.hub.app.inject({ method: 'GET', url });
        expect(res.statusCode, res.body).toBe(200);
        return res.json<T>();
      };
      const corrections = (await get<{ items: Item[] }>('/api/v1/public/corrections')).items;
      expect(corrections.map((i) => [i.title, i.publisher])).toEqual([['Rumour control: polling places do not close at noon (fictional)', 'Wisconsin Elections Commission (fictional)']]);
      const log = (await get<{ entries: { kind: string; content: Record<string, unknown> }[] }>('/api/v1/public/transparency/entries')).entries;
      // The correction, then the joint statement of Wisconsin and the village that repeats it an hour later (the phishing statement is for members).
      expect(log.map((e) => e.kind)).toEqual(['correction-published', 'statement-published']);
      expect((log[0]?.content['object'] as { id: string } | undefined)?.id).toBe(corrections[0]?.id);
      expect(log[1]?.content['title']).toBe('Joint statement: polling places in Wisconsin are open until the legal closing time, not noon (fictional)');
      expect(await get('/api/v1/public/transparency/checkpoints/latest')).toMatchObject({ size: 2, checkpoint: { tree_size: 2 } });
    } finally {
      await demo.close();
    }
  });

  it('leaves the county clerk a few unread alerts, which the alert matcher made from the story as it was shared', async () => {
    const demo = await composedHub({});
    try {
      const dir = mkdtempSync(join(tmpdir(), 'rampart-demo-'));
      const prepared = await prepareHub(demo.store, { hubOwner: orgIdOfUuid('cc8654b7-1ffc-487a-bf1c-ed29e18f0a33'), demo: { accounts: demo.hub.auth.context, credentialsFile: join(dir, 'demo.json'), publishing: demo.hub.publishing } });
      expect(prepared.ok, prepared.ok ? '' : prepared.error.message).toBe(true);
      await demo.hub.notifier.start();
      await demo.hub.notifier.round();
      await demo.hub.notifier.stop();
      const unread = async (email: string) => {
        const person = await demo.hub.auth.context.accounts.userByEmail(email);
        const { rows } = await sql<{ name: string | null }>`select v.name from notify_alert a left join stix_version v on v.id = a.object_id and v.is_latest = 1 where a.user_id = ${person?.id ?? ''} and a.read_at is null order by v.name`.execute(demo.store.database.db);
        return rows.map((r) => r.name);
      };
      // The CISA and Wisconsin statement on the phishing names the watched domain too.
      expect(await unread('clerk@demoville.example')).toEqual([
        'Credential harvesting page (fictional)',
        'False rumour: "polling places close at noon" (fictional)',
        'Joint statement: phishing emails to election offices ahead of election day (fictional)',
        'Phishing domain impersonating a state voter portal (fictional)',
      ]);
      // The election's hundred status reports came before the matcher's starting point: no flood for the state analyst.
      expect((await unread('analyst@wi-elections.example')).length).toBeLessThanOrEqual(3);
      // The clerk removes the demo's watched domain; the next start does not put it back.
      const notify = notificationsStore(demo.store.database);
      const clerk = await demo.hub.auth.context.accounts.userByEmail('clerk@demoville.example');
      const watched = await notify.watchItems(clerk?.org_id);
      expect(watched.map((w) => w.value)).toEqual([DEMO_WATCHED_DOMAIN]);
      for (const w of watched) await notify.deleteWatchItem(w.org_id, w.id);
      const again = await prepareHub(demo.store, { hubOwner: orgIdOfUuid('cc8654b7-1ffc-487a-bf1c-ed29e18f0a33'), demo: { accounts: demo.hub.auth.context, credentialsFile: join(dir, 'demo.json'), publishing: demo.hub.publishing } });
      expect(again.ok, again.ok ? '' : again.error.message).toBe(true);
      expect(await notify.watchItems(clerk?.org_id)).toEqual([]);
    } finally {
      await demo.close();
    }
  }, 120_000);
});

describe('a correction written from a false-rumour incident', () => {
  it('links the two for readers of the incident only; the public correction names no incident', async () => {
    const at = '2026-11-03T10:00:00.000Z';
    const incident = (n: number, name: string) => ({
      type: 'incident',
      spec_version: '2.1',
      id: `incident--5d000000-0000-4000-8000-00000000000${n}`,
      created: at,
      modified: at,
      name,
      extensions: { [RAMPART_EXTENSION_ID]: { extension_type: 'property-extension', incident_category: 'influence', severity: 'moderate', state_fips: '55' } },
    });
    const rumour = incident(1, 'Texts say the polls close at noon (fictional)');
    const hidden = incident(2, 'Cook County rumour (fictional)');
    expect((await call(clerk, 'POST', '/api/v1/objects', { object: rumour, tlp: 'amber', audience: ['state:55'] })).status).toBe(201);
    expect((await call(otherClerk, 'POST', '/api/v1/objects', { object: { ...hidden, extensions: { [RAMPART_EXTENSION_ID]: { extension_type: 'property-extension', incident_category: 'influence', severity: 'low', state_fips: '17' } } }, tlp: 'amber', audience: [`org:${otherClerk.orgId}`] })).status).toBe(201);
    // An incident the writer may not see is refused as one that does not exist, before anything is stored.
    const other = await refused(clerk, 'POST', '/api/v1/corrections', { ...CORRECTION, incident_id: hidden.id }, 422, 'incident-not-found');
    const none = await refused(clerk, 'POST', '/api/v1/corrections', { ...CORRECTION, incident_id: 'incident--5d000000-0000-4000-8000-0000000000ff' }, 422, 'incident-not-found');
    expect(other).toEqual(none);

    const res = await call(clerk, 'POST', '/api/v1/corrections', { ...CORRECTION, title: 'The polls do not close at noon', incident_id: rumour.id });
    expect(res.status, res.text).toBe(201);
    const correction = (res.body['object'] as { id: string }).id;
    // The incident's readers (the county, its state office) see which correction answers it, and back.
    for (const who of [clerk, stateAnalyst]) {
      const links = await call(who, 'GET', `/api/v1/objects/${rumour.id}/connections`);
      const answers = (links.body['referred_by'] as { relationship: { type: string; other: { id?: string } } | null }[]).filter((r) => r.relationship?.type === 'answers');
      expect(answers.map((r) => r.relationship?.other.id)).toEqual([correction]);
      expect((await call(who, 'GET', `/api/v1/objects/${correction}/connections`)).text).toContain(rumour.id);
    }
    // Neither the public nor another state's clerk learns of the incident from the correction.
    expect((await call(null, 'GET', `/api/v1/public/corrections/${correction}`)).text).not.toContain(rumour.id);
    expect((await call(null, 'GET', '/rumour-control/feed.atom')).text).not.toContain(rumour.id);
    const seenElsewhere = await call(otherClerk, 'GET', `/api/v1/objects/${correction}/connections`);
    expect(seenElsewhere.status).toBe(200);
    expect(seenElsewhere.text).not.toContain(rumour.id);
    expect(seenElsewhere.text).not.toContain('answers');
  });
});
