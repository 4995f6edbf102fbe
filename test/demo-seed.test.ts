import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { sql } from 'kysely';
import { describe, expect, it } from 'vitest';
import { OPERATOR } from '../src/accounts/context.ts';
import { createUser } from '../src/accounts/users.ts';
import { demoItems, type DemoOrgs } from '../src/demo/demo-data.ts';
import { demoElectionDayStart, demoElectionId } from '../src/demo/election-demo.ts';
import { DEMO_COUNTY, seedDemo } from '../src/demo/seed-demo.ts';
import { orgIdOfUuid, parseStixId, stixIdOfOrg } from '../src/domain/ids.ts';
import { importObjects } from '../src/ingest/import.ts';
import { organizationId } from '../src/domain/organization.ts';
import { LISTED_ELSEWHERE } from '../src/domain/listed-elsewhere.ts';
import { parseKeySet, verifyStatement } from '../src/statements/signing.ts';
import { prepareHub } from '../src/hub/first-start.ts';
import { composedHub, type ComposedHub } from './helpers/composed-hub.ts';
import { testDialects } from './helpers/store.ts';

const HUB_OWNER = orgIdOfUuid('cc8654b7-1ffc-487a-bf1c-ed29e18f0a33');
const VILLAGE = 'Village of Demoville Clerk (fictional)';

async function seed(demo: ComposedHub) {
  const dir = mkdtempSync(join(tmpdir(), 'rampart-demo-'));
  const seeded = await seedDemo(demo.hub.auth.context, demo.store.stix, { hubOwner: HUB_OWNER, credentialsFile: join(dir, 'demo.json'), publishing: demo.hub.publishing });
  expect(seeded.ok, seeded.ok ? '' : seeded.error.message).toBe(true);
  return seeded.ok ? seeded.value : [];
}

describe.each(testDialects())('the demo seed on %s', (dialect) => {
  it('names its own office as a fictional village, never a 73rd Wisconsin county, and the state offices as offices', async () => {
    const demo = await composedHub({}, dialect);
    try {
      const accounts = await seed(demo);
      expect(accounts.map((a) => [a.email, a.org])).toEqual([
        ['clerk@demoville.example', VILLAGE],
        ['analyst@wi-elections.example', 'Wisconsin Elections Commission (fictional)'],
        ['analyst@il-elections.example', 'Illinois State Board of Elections (fictional)'],
        ['liaison@cisa-demo.example', 'Cybersecurity and Infrastructure Security Agency'],
      ]);
      const wisconsin = await demo.hub.auth.context.accounts.listOrganizations({ stateFips: '55', kind: 'local' });
      // The 72 real counties from the Census data, and beside them one office that is plainly not a county.
      expect(wisconsin.filter((o) => o.county_fips !== null)).toHaveLength(72);
      expect(wisconsin.filter((o) => o.county_fips === null).map((o) => o.name)).toEqual([VILLAGE]);
      // Seeding again changes nothing: no second rename, no second office.
      await seed(demo);
      expect((await demo.hub.auth.context.accounts.listOrganizations({ stateFips: '55', kind: 'local' })).length).toBe(wisconsin.length);
    } finally {
      await demo.close();
    }
  }, 120_000);

  it("renames the office an earlier demo created in place, so its id (in the audit log and on what it shared) stays, and disables the clerk's old account", async () => {
    const demo = await composedHub({}, dialect);
    try {
      const ctx = demo.hub.auth.context;
      const earlier = await demo.organization({ kind: 'local', name: 'Lakeshore County Clerk (fictional demo office)', short_name: 'Lakeshore', state_fips: '55' });
      const clerk = await createUser(ctx, OPERATOR, { email: 'clerk@lakeshore-county.example', name: 'Casey Demo (county clerk)', role: 'org-admin', password: 'correct horse battery staple', org_id: earlier });
      expect(clerk.ok).toBe(true);
      await seed(demo);
      expect(await ctx.accounts.getOrganization(earlier)).toMatchObject({ name: VILLAGE, short_name: 'Demoville' });
      expect(await ctx.accounts.getOrganization(organizationId(DEMO_COUNTY))).toBeNull();
      expect((await ctx.accounts.userByEmail('clerk@demoville.example'))?.org_id).toBe(earlier);
      expect((await ctx.accounts.userByEmail('clerk@lakeshore-county.example'))?.disabled_at).not.toBeNull();
      const identity = await demo.store.stix.get({ kind: 'operator' }, stixIdOfOrg(earlier));
      expect(JSON.parse(identity?.json ?? '{}')).toMatchObject({ id: earlier, name: VILLAGE });
    } finally {
      await demo.close();
    }
  }, 120_000);

  it('publishes joint statements through the statement service: the public page shows the signed Wisconsin and Demoville one, which verifies, once', async () => {
    const demo = await composedHub({}, dialect);
    try {
      await seed(demo);
      const get = async (url: string) => {
        const answer = await demo.hub.app.inject({ method: 'GET', url });
        expect(answer.statusCode, answer.body).toBe(200);
        return answer.json<Record<string, unknown>>();
      };
      const listed = (await get('/api/v1/public/statements'))['items'] as { id: string; title: string; signers: string[] }[];
      // Only the public one: the phishing statement is TLP:GREEN, for members.
      expect(listed.map((s) => s.signers)).toEqual([['Wisconsin Elections Commission (fictional)', VILLAGE]]);
      const keys = parseKeySet(await get('/.well-known/rampart-keys.json'));
      expect(keys).not.toBeNull();
      if (keys === null) return;
      const report = verifyStatement(await get(`/api/v1/public/statements/${listed[0]?.id ?? ''}`), keys);
      expect(report).toMatchObject({ ok: true, changed: [], problems: [] });
      expect(report.signers.map((s) => s.status)).toEqual(['valid', 'valid']);
      // The members' statement: CISA's, co-signed by Wisconsin, in both offices' statement lists.
      const statements = demo.hub.publishing.statements.repo;
      const cisa = (await demo.hub.auth.context.accounts.userByEmail('liaison@cisa-demo.example'))?.org_id;
      const wisconsin = await demo.state('55');
      expect(cisa).toBeDefined();
      const ofCisa = await statements.listFor(cisa as typeof wisconsin);
      expect(ofCisa.map((s) => [s.status, s.tlp, s.signers.map((x) => x.org_id)])).toEqual([['published', 'green', [cisa, wisconsin]]]);
      expect((await statements.listFor(wisconsin)).map((s) => s.status)).toEqual(['published', 'published']);
      // Seeding again publishes nothing twice.
      await seed(demo);
      expect(((await get('/api/v1/public/statements'))['items'] as unknown[]).length).toBe(1);
      expect((await statements.listFor(wisconsin)).length).toBe(2);
    } finally {
      await demo.close();
    }
  }, 120_000);

  it('keeps the story on the first demo election day when started again on a later day, so its statements and correction still follow the rumour they answer', async () => {
    const demo = await composedHub({}, dialect);
    try {
      const dir = mkdtempSync(join(tmpdir(), 'rampart-demo-'));
      let orgs: DemoOrgs | null = null;
      const at = (now: string) =>
        seedDemo(demo.hub.auth.context, demo.store.stix, {
          hubOwner: HUB_OWNER,
          credentialsFile: join(dir, 'demo.json'),
          publishing: demo.hub.publishing,
          now: new Date(now),
          beforeStory: (seen) => Promise.resolve(void (orgs = seen)),
        });
      const storyTypes = ['threat-actor', 'campaign', 'indicator', 'infrastructure', 'incident', 'note', 'report'];
      const story = async () => {
        const page = await demo.store.stix.list({ kind: 'operator' }, { versions: 'all', limit: 1000, types: storyTypes });
        if (!page.ok) throw new Error(page.error.message);
        return page.value.items.filter((v) => !v.json.includes('"identity_class"')).map((v) => JSON.parse(v.json) as { name?: string; modified: string });
      };
      const times = async () => {
        const latest = await story();
        const named = (start: string) => Date.parse(latest.filter((o) => o.name?.startsWith(start) === true).map((o) => o.modified).sort().at(-1) ?? '');
        const wisconsin = await demo.state('55');
        const statements = await demo.hub.publishing.statements.repo.listFor(wisconsin);
        const published = (start: string) => statements.find((x) => x.title.startsWith(start))?.published_at ?? Number.NaN;
        return {
          campaign: named('Operation Paper Ballot'),
          phishingStatement: published('Joint statement: phishing'),
          rumour: named('False rumour'),
          correction: named('Rumour control:'),
          publicStatement: published('Joint statement: polling places'),
          lastDay: latest.map((o) => o.modified).sort().at(-1)?.slice(0, 10),
        };
      };

      const first = await at('2026-11-03T14:20:00Z');
      expect(first.ok, first.ok ? '' : first.error.message).toBe(true);
      const firstStory = await story();
      const before = await times();
      expect(before.lastDay).toBe('2026-11-03');
      expect(before.campaign).toBeLessThan(before.phishingStatement);
      expect(before.phishingStatement).toBeLessThan(before.rumour);
      expect(before.rumour).toBeLessThan(before.correction);
      expect(before.correction).toBeLessThan(before.publicStatement);

      // Two days later: that day's election is under way (as every day), and the story is where it was: no new version
      // of any of its items, every item still before the statements and the correction that answer it.
      const later = await at('2026-11-05T09:10:00Z');
      expect(later.ok, later.ok ? '' : later.error.message).toBe(true);
      const today = parseStixId(demoElectionId(new Date('2026-11-05T09:10:00Z')));
      expect(today.ok && (await demo.store.stix.get({ kind: 'operator' }, today.value)) !== null).toBe(true);
      expect((await story()).length).toBe(firstStory.length);
      expect(await times()).toEqual(before);

      // A database a start on a later day already moved (as before this fix: the items dated that day, the statements
      // the first): the next start still starts, and adds nothing.
      if (orgs === null) throw new Error('the demo told the story to nobody');
      for (const item of demoItems(orgs, demoElectionDayStart(new Date('2026-11-05T09:10:00Z')))) {
        const moved = await importObjects(demo.store.stix, [JSON.stringify(item.object)], { hubOwner: HUB_OWNER, owner: item.owner, tlp: item.tlp, audience: item.audience, onConflict: 'replace' });
        expect(moved.ok).toBe(true);
      }
      const moved = (await story()).length;
      const again = await at('2026-11-06T08:00:00Z');
      expect(again.ok, again.ok ? '' : again.error.message).toBe(true);
      expect((await story()).length).toBe(moved);
    } finally {
      await demo.close();
    }
  }, 120_000);

  it('a start on a later day adds that day’s election without alerting anyone to its status reports, as on the first day', async () => {
    const demo = await composedHub({}, dialect);
    try {
      const dir = mkdtempSync(join(tmpdir(), 'rampart-demo-'));
      const start = async (now: string) => {
        const demoOptions = { accounts: demo.hub.auth.context, credentialsFile: join(dir, 'demo.json'), publishing: demo.hub.publishing, now: new Date(now) };
        const prepared = await prepareHub(demo.store, { hubOwner: HUB_OWNER, demo: demoOptions });
        expect(prepared.ok, prepared.ok ? '' : prepared.error.message).toBe(true);
        await demo.hub.notifier.start();
        await demo.hub.notifier.round();
        await demo.hub.notifier.stop();
      };
      const count = async (table: 'notify_alert' | 'notify_delivery') => Number((await sql<{ n: number | string }>`select count(*) as n from ${sql.table(table)}`.execute(demo.store.database.db)).rows[0]?.n ?? 0);
      await start('2026-11-03T14:20:00Z');
      // The story alerts its readers (rumour-control.test.ts says which alerts); the election's status reports do not.
      const alerts = await count('notify_alert');
      const deliveries = await count('notify_delivery');
      expect(alerts).toBeGreaterThan(0);
      await start('2026-11-05T09:10:00Z');
      const today = parseStixId(demoElectionId(new Date('2026-11-05T09:10:00Z')));
      expect(today.ok && (await demo.store.stix.get({ kind: 'operator' }, today.value)) !== null).toBe(true);
      expect([await count('notify_alert'), await count('notify_delivery')]).toEqual([alerts, deliveries]);
    } finally {
      await demo.close();
    }
  }, 120_000);

  it("counts on the dashboard what each demo office's Intelligence list shows, and the election-day status reports apart", async () => {
    const demo = await composedHub({}, dialect);
    try {
      await seed(demo);
      const accounts = demo.hub.auth.context.accounts;
      const counted = new Map<string, number[]>();
      for (const email of ['clerk@demoville.example', 'analyst@wi-elections.example', 'analyst@il-elections.example', 'liaison@cisa-demo.example']) {
        const org = (await accounts.userByEmail(email))?.org_id;
        if (org === undefined) throw new Error(`no demo person ${email}`);
        const who = await demo.person(org, `Reader beside ${email}`);
        const get = async (url: string) => {
          const answer = await demo.hub.app.inject({ method: 'GET', url, headers: { authorization: `Bearer ${who.key}` } });
          expect(answer.statusCode, answer.body).toBe(200);
          return answer.json<Record<string, unknown>>();
        };
        const dashboard = await get('/api/v1/dashboard');
        const sum = (rows: unknown) => (rows as { count: number }[]).reduce((n, r) => n + r.count, 0);
        // The list as it opens: no type chosen, so what is listed elsewhere is left out (web/src/list-query.ts).
        const list = await get(`/api/v1/objects?exclude_type=${LISTED_ELSEWHERE.join(',')}&order=desc`);
        expect(sum(dashboard['by_type']), email).toBe(list['total']);
        expect(Object.values(dashboard['by_tlp'] as Record<string, number>).reduce((a, b) => a + b, 0), email).toBe(list['total']);
        const reports = await get('/api/v1/objects?type=x-rampart-status-report&limit=1');
        const elsewhere = dashboard['listed_elsewhere'] as { type: string; count: number }[];
        expect(elsewhere.find((r) => r.type === 'x-rampart-status-report')?.count ?? 0, email).toBe(reports['total']);
        expect((dashboard['by_type'] as { type: string }[]).map((r) => r.type), email).not.toContain('x-rampart-status-report');
        counted.set(email, [Number(list['total']), Number(reports['total'])]);
      }
      // Not agreement on nothing: the state office sees the story and its counties' status reports.
      expect(counted.get('analyst@wi-elections.example')?.every((n) => n > 10)).toBe(true);
    } finally {
      await demo.close();
    }
  }, 120_000);

  it('shares the story in story order, its correction and statements among it, so the newest shared is the newest in the story', async () => {
    const demo = await composedHub({}, dialect);
    try {
      await seed(demo);
      const types = ['threat-actor', 'campaign', 'indicator', 'infrastructure', 'incident', 'note', 'report'];
      const page = await demo.store.stix.list({ kind: 'operator' }, { versions: 'latest', limit: 1000, types });
      expect(page.ok).toBe(true);
      if (!page.ok) return;
      const story = page.value.items.filter((v) => !v.json.includes('"identity_class"')).sort((a, b) => a.addedUs - b.addedUs);
      const times = story.map((v) => String((JSON.parse(v.json) as { modified?: unknown }).modified));
      expect(times.length).toBeGreaterThan(15);
      expect(times).toEqual([...times].sort());
      // The phishing statement (days before election day) is shared before the rumour, the public one after the correction.
      const names = story.map((v) => String((JSON.parse(v.json) as { name?: unknown }).name));
      const at = (start: string) => names.findIndex((n) => n.startsWith(start));
      expect(at('Joint statement: phishing')).toBeLessThan(at('False rumour'));
      expect(at('Rumour control:')).toBeLessThan(at('Joint statement: polling places'));
    } finally {
      await demo.close();
    }
  }, 120_000);
});
