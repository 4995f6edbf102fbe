import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { OPERATOR } from '../src/accounts/context.ts';
import { createUser } from '../src/accounts/users.ts';
import { DEMO_COUNTY, seedDemo } from '../src/demo/seed-demo.ts';
import { orgIdOfUuid, stixIdOfOrg } from '../src/domain/ids.ts';
import { organizationId } from '../src/domain/organization.ts';
import { parseKeySet, verifyStatement } from '../src/statements/signing.ts';
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
});
