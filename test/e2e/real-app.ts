import { spawnSync } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { OPERATOR } from '../../src/accounts/context.ts';
import { createOrganization } from '../../src/accounts/organizations.ts';
import { createUser } from '../../src/accounts/users.ts';
import type { OrgId } from '../../src/domain/ids.ts';
import type { Federation } from '../../src/federation/index.ts';
import { startServer } from '../../src/http/server.ts';
import { publishObject } from '../../src/objects/service.ts';
import { composeHub } from '../../src/hub/compose.ts';
import { prepareHub } from '../../src/hub/first-start.ts';
import { openStore } from '../../src/store/index.ts';
import { testDatabase } from '../helpers/store.ts';
import type { AppUnderTest, Person } from './ui-flow.ts';
import { TEST_POLICY } from '../helpers/accounts.ts';

const root = fileURLToPath(new URL('../..', import.meta.url));
const HUB = 'identity--cc8654b7-1ffc-487a-bf1c-ed29e18f0a33' as OrgId;
const PASSWORD = 'correct horse battery staple';

/** Builds web/dist when its sources changed, exactly as `npm start` does. */
export function buildWeb(): void {
  const run = spawnSync(process.execPath, [`${root}scripts/build-web.mjs`], { cwd: root, stdio: 'inherit' });
  if (run.status !== 0) throw new Error('scripts/build-web.mjs failed; see its output above');
}

/**
 * Starts the hub exactly as `rampart serve` composes it, on 127.0.0.1 (a free port) over a temporary
 * SQLite store, seeded as on a first start, with a county office in Wisconsin (55) and the state office
 * of Illinois (17), one person each (analysts; the county's may be an org-admin), created through the accounts service.
 */
export async function startRealApp(
  options: { readonly countyRole?: 'analyst' | 'org-admin'; readonly withProvider?: boolean; readonly withPlatform?: boolean; readonly withStateAdmin?: boolean } = {},
): Promise<
  AppUnderTest & {
    readonly federation: Federation;
    readonly provider: Person | null;
    readonly platform: { readonly person: Person; readonly name: string; readonly report: string } | null;
    /** An administrator of the county's state office (Wisconsin), who records its elections. */
    readonly stateAdmin: Person | null;
    readonly orgs: { readonly county: OrgId; readonly outsider: OrgId; readonly provider: OrgId | null };
    readonly close: () => Promise<void>;
  }
> {
  buildWeb();
  const db = testDatabase('sqlite');
  const store = await openStore({ url: db.url });
  const hub = await composeHub({ store, hubOwner: HUB, authPolicy: TEST_POLICY, http: { webDist: `${root}web/dist` } });
  const prepared = await prepareHub(store, { hubOwner: HUB });
  if (!prepared.ok) throw new Error(prepared.error.message);
  const ctx = hub.auth.context;
  const county = await createOrganization(ctx, OPERATOR, { kind: 'local', name: 'Pine Hollow County Clerk (fictional)', state_fips: '55' });
  if (!county.ok) throw new Error(county.error.message);
  const illinois = (await ctx.accounts.listOrganizations({ stateFips: '17' })).find((o) => o.kind === 'state');
  if (illinois === undefined) throw new Error('the seed has no Illinois state office');
  const people = {
    county: { email: 'clerk@pine-hollow.example', password: PASSWORD },
    outsider: { email: 'analyst@il-demo.example', password: PASSWORD },
  };
  for (const [who, org] of [['county', county.value.id], ['outsider', illinois.id]] as const) {
    const made = await createUser(ctx, OPERATOR, { email: people[who].email, name: `${who} (fictional)`, role: who === 'county' ? (options.countyRole ?? 'analyst') : 'analyst', password: PASSWORD, org_id: org });
    if (!made.ok) throw new Error(made.error.message);
  }
  // A support provider (CISA, seeded on first start) with one analyst, for the support tests.
  let provider: Person | null = null;
  let providerOrg: OrgId | null = null;
  if (options.withProvider === true) {
    const cisa = (await ctx.accounts.listOrganizations({ kind: 'federal' })).find((o) => o.name.includes('Cybersecurity'));
    if (cisa === undefined) throw new Error('the seed has no CISA');
    provider = { email: 'analyst@cisa-demo.example', password: PASSWORD };
    providerOrg = cisa.id;
    const made = await createUser(ctx, OPERATOR, { email: provider.email, name: 'CISA analyst (fictional)', role: 'analyst', password: PASSWORD, org_id: cisa.id });
    if (!made.ok) throw new Error(made.error.message);
  }
  // A social-media platform partner with one person, and a TLP:AMBER report of the county shared with it, for the platform-sharing test.
  let platform: { person: Person; name: string; report: string } | null = null;
  if (options.withPlatform === true) {
    const name = 'Example Social (fictional)';
    const org = await createOrganization(ctx, OPERATOR, { kind: 'private', name, partner_type: 'platform' });
    if (!org.ok) throw new Error(org.error.message);
    const person = { email: 'trust@social.example', password: PASSWORD };
    const made = await createUser(ctx, OPERATOR, { email: person.email, name: 'Trust and safety (fictional)', role: 'analyst', password: PASSWORD, org_id: org.value.id });
    if (!made.ok) throw new Error(made.error.message);
    const report = `report--${crypto.randomUUID()}`;
    const at = new Date().toISOString();
    const written = await publishObject({ stix: store.stix, sharing: hub.sharing, clock: { now: () => new Date() } }, { orgId: county.value.id, userId: null, keys: [], scope: 'write' }, {
      object: { type: 'report', spec_version: '2.1', id: report, created: at, modified: at, published: at, name: 'Video falsely claims ballots are thrown away', object_refs: [county.value.id] },
      tlp: 'amber',
      audience: [`org:${county.value.id}`, `org:${org.value.id}`],
      path: '$',
    });
    if (!written.ok) throw new Error(written.error.message);
    platform = { person, name, report };
  }
  let stateAdmin: Person | null = null;
  if (options.withStateAdmin === true) {
    const wisconsin = (await ctx.accounts.listOrganizations({ stateFips: '55' })).find((o) => o.kind === 'state');
    if (wisconsin === undefined) throw new Error('the seed has no Wisconsin state office');
    stateAdmin = { email: 'director@wi-demo.example', password: PASSWORD };
    const made = await createUser(ctx, OPERATOR, { email: stateAdmin.email, name: 'Wisconsin director (fictional)', role: 'org-admin', password: PASSWORD, org_id: wisconsin.id });
    if (!made.ok) throw new Error(made.error.message);
  }
  const server = await startServer({ app: hub.app, host: '127.0.0.1', port: 0, handleSignals: false, onClose: () => store.close() });
  return {
    baseUrl: server.url,
    county: people.county,
    countyState: '55',
    outsider: people.outsider,
    federation: hub.federation,
    provider,
    platform,
    stateAdmin,
    orgs: { county: county.value.id, outsider: illinois.id, provider: providerOrg },
    close: async () => {
      await server.stop();
      await db.drop();
    },
  };
}
