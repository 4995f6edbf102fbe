import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { OrgId, StixId } from '../src/domain/ids.ts';
import { TLP_MARKING_IDS } from '../src/domain/tlp.ts';
import type { NewOrganization } from '../src/domain/organization.ts';
import { startHub, type Account, type Hub } from './helpers/federation-hub.ts';

/**
 * Three real Rampart hubs on 127.0.0.1, each with its own SQLite store, TAXII server and federation:
 * California's state hub (S1, where a county publishes), the association's hub (A) and Florida's hub (S2).
 * An indicator goes county → state → association → another state's hub; audiences hold at every step;
 * a narrowing by the owner propagates hub by hub; objects coming back around the loop are not new.
 */

function indicator(n: number, tlp: 'green' | 'amber'): Record<string, unknown> {
  return {
    type: 'indicator',
    spec_version: '2.1',
    id: `indicator--${String(n).padStart(8, '0')}-1111-4111-8111-111111111111`,
    created: '2026-10-01T12:00:00.000Z',
    modified: '2026-10-01T12:00:00.000Z',
    name: `Phishing sender ${n}`,
    pattern: `[email-addr:value = 'ballots${n}@phish.example']`,
    pattern_type: 'stix',
    valid_from: '2026-10-01T12:00:00Z',
    object_marking_refs: [TLP_MARKING_IDS[tlp]],
  };
}

const GREEN = indicator(1, 'green'); // county → state and association (GREEN)
const AMBER = indicator(2, 'amber'); // county → state and association (AMBER)
const STATE_ONLY = indicator(3, 'amber'); // county → state only

const secrets: Record<string, string> = {};
let s1: Hub<'county' | 'ca' | 'vendor' | 'assoc'>;
let a: Hub<'assoc' | 'ca' | 'fl'>;
let s2: Hub<'fl' | 'flCounty'>;
let COUNTY: OrgId;
let ASSOC: OrgId;

// The same organization gets the same identity id on every hub (it is derived from its kind, state and name).
const ORGS = {
  county: { kind: 'local', name: 'Los Angeles County Registrar', state_fips: '06', county_fips: '06037' },
  ca: { kind: 'state', name: 'California Secretary of State', state_fips: '06' },
  vendor: { kind: 'private', name: 'Ballot Printing Co', partner_type: 'vendor' },
  assoc: { kind: 'isac', name: 'Election Officials Association' },
  fl: { kind: 'state', name: 'Florida Division of Elections', state_fips: '12' },
  flCounty: { kind: 'local', name: 'Miami-Dade County Elections', state_fips: '12', county_fips: '12086' },
} satisfies Record<string, NewOrganization>;

beforeAll(async () => {
  s1 = await startHub({ county: ORGS.county, ca: ORGS.ca, vendor: ORGS.vendor, assoc: ORGS.assoc }, secrets);
  a = await startHub({ assoc: ORGS.assoc, ca: ORGS.ca, fl: ORGS.fl }, secrets);
  s2 = await startHub({ fl: ORGS.fl, flCounty: ORGS.flCounty }, secrets);
  COUNTY = s1.accounts.county.orgId;
  ASSOC = s1.accounts.assoc.orgId;
  expect(a.accounts.assoc.orgId).toBe(ASSOC);
  // Each hub's feeds use the keys the other hubs gave them: Bearer from S1 and A, HTTP Basic (email + key) from S2.
  secrets['env:S1_KEY'] = `bearer:${s1.accounts.assoc.secret}`;
  secrets['env:ASSOC_HUB_KEY_CA'] = `bearer:${a.accounts.ca.secret}`;
  secrets['env:ASSOC_HUB_KEY_FL'] = `basic:${a.accounts.fl.email}:${a.accounts.fl.secret}`;
});

afterAll(async () => {
  for (const hub of [s1, a, s2]) await hub.stop();
});

async function visible(hub: Hub<string>, who: Account, id: unknown): Promise<boolean> {
  const res = await hub.as(who).get(`/api/v1/objects/${String(id)}`);
  if (res.status !== 200 && res.status !== 404) throw new Error(`GET object answered ${res.status}: ${JSON.stringify(res.body)}`);
  return res.status === 200;
}

/** Ids in every TAXII collection `who` may read on `hub`. */
async function taxiiIds(hub: Hub<string>, who: Account): Promise<Set<string>> {
  const roots = (await hub.as(who).get('/taxii2/', true)).body as { api_roots: string[] };
  const root = roots.api_roots[0] ?? '';
  const cols = (await hub.as(who).get(`${new URL(root, hub.url).pathname}collections/`, true)).body as { collections?: { id: string }[] };
  const ids = new Set<string>();
  for (const c of cols.collections ?? []) {
    const env = (await hub.as(who).get(`${new URL(root, hub.url).pathname}collections/${c.id}/objects/`, true)).body as { objects?: { id: string }[] };
    for (const o of env.objects ?? []) ids.add(o.id);
  }
  return ids;
}

async function addFeed(hub: Hub<string>, who: Account, body: Record<string, unknown>): Promise<string> {
  const res = await hub.as(who).post('/api/v1/feeds', { interval_seconds: 3600, ...body });
  expect(res.status, JSON.stringify(res.body)).toBe(201);
  return (res.body as { id: string }).id;
}

interface RunBody {
  run: { status: string; message: string; pull?: { added: number; newVersions: number; unchanged: number; loops: number; withdrawn: number; restored: number; rejected: number } };
}
async function run(hub: Hub<string>, who: Account, feedId: string): Promise<NonNullable<RunBody['run']['pull']>> {
  const res = await hub.as(who).post(`/api/v1/feeds/${feedId}/run`, {});
  expect(res.status, JSON.stringify(res.body)).toBe(200);
  const body = res.body as RunBody;
  expect(body.run.status, body.run.message).toBe('ok');
  if (body.run.pull === undefined) throw new Error('not a pull');
  return body.run.pull;
}

describe('federation between three Rampart hubs', () => {
  let assocFromS1: string;
  let flFromAssoc: string;
  let caFromAssoc: string;

  it('a county publishes on its state hub: the state and the association may see it, a vendor may not', async () => {
    for (const [object, audience] of [
      [GREEN, ['state:06', `org:${ASSOC}`]],
      [AMBER, ['state:06', `org:${ASSOC}`]],
      [STATE_ONLY, ['state:06']],
    ] as const) {
      const res = await s1.as(s1.accounts.county).post('/api/v1/objects', { object, audience });
      expect(res.status, JSON.stringify(res.body)).toBe(201);
    }
    expect(await visible(s1, s1.accounts.ca, GREEN['id'])).toBe(true);
    expect(await visible(s1, s1.accounts.assoc, GREEN['id'])).toBe(true);
    expect(await visible(s1, s1.accounts.assoc, STATE_ONLY['id'])).toBe(false);
    expect(await visible(s1, s1.accounts.vendor, GREEN['id'])).toBe(false);
    expect(await taxiiIds(s1, s1.accounts.vendor)).not.toContain(GREEN['id']);
  });

  it('the association pulls from the state hub: owner and TLP kept, AMBER stays inside the association', async () => {
    assocFromS1 = await addFeed(a, a.accounts.assoc, { name: 'California', url: `${s1.url}/taxii2/`, collection: 'my-organization', direction: 'pull', credential_ref: 'env:S1_KEY' });
    const pulled = await run(a, a.accounts.assoc, assocFromS1);
    // The association's own identity object is in its collection on S1 too, but it was made here: not re-imported.
    expect(pulled).toMatchObject({ added: 2, rejected: 0, loops: 1 });

    const got = await a.as(a.accounts.assoc).get(`/api/v1/objects/${String(GREEN['id'])}`);
    expect(got.body).toMatchObject({ object: { created_by_ref: COUNTY }, sharing: { owner: COUNTY, tlp: 'green', audience: ['community'] } });
    const amber = await a.as(a.accounts.assoc).get(`/api/v1/objects/${String(AMBER['id'])}`);
    expect(amber.body).toMatchObject({ sharing: { owner: COUNTY, tlp: 'amber', audience: [`org:${ASSOC}`] } });
    expect(await visible(a, a.accounts.assoc, STATE_ONLY['id'])).toBe(false);

    // Florida, a member of the association's hub, sees the GREEN indicator but not the AMBER one.
    expect(await visible(a, a.accounts.fl, GREEN['id'])).toBe(true);
    expect(await visible(a, a.accounts.fl, AMBER['id'])).toBe(false);
    const flSees = await taxiiIds(a, a.accounts.fl);
    expect(flSees).toContain(GREEN['id']);
    expect(flSees).not.toContain(AMBER['id']);
  });

  it("another state's hub pulls from the association over HTTP Basic: only the GREEN indicator arrives", async () => {
    flFromAssoc = await addFeed(s2, s2.accounts.fl, { name: 'Association', url: `${a.url}/taxii2/`, collection: 'community', direction: 'pull', credential_ref: 'env:ASSOC_HUB_KEY_FL' });
    const pulled = await run(s2, s2.accounts.fl, flFromAssoc);
    expect(pulled).toMatchObject({ added: 1, rejected: 0 });
    expect(await visible(s2, s2.accounts.flCounty, GREEN['id'])).toBe(true);
    expect(await visible(s2, s2.accounts.fl, AMBER['id'])).toBe(false);
    expect(await s2.store.stix.get({ kind: 'operator' }, AMBER['id'] as StixId)).toBeNull();
    expect((await s2.store.stix.get({ kind: 'operator' }, GREEN['id'] as StixId))?.sharing).toEqual({ owner: COUNTY, tlp: 'green', audience: ['community'] });
  });

  it('objects coming back around the loop are not new, and a second pull changes nothing', async () => {
    caFromAssoc = await addFeed(s1, s1.accounts.ca, { name: 'Association', url: `${a.url}/taxii2/`, collection: 'community', direction: 'pull', credential_ref: 'env:ASSOC_HUB_KEY_CA' });
    const back = await run(s1, s1.accounts.ca, caFromAssoc);
    expect(back).toMatchObject({ added: 0, loops: 1 });
    expect((await s1.store.stix.get({ kind: 'operator' }, GREEN['id'] as StixId))?.sharing.audience).toEqual(['state:06', `org:${ASSOC}`]);
    const again = await run(a, a.accounts.assoc, assocFromS1);
    expect(again).toMatchObject({ added: 0, withdrawn: 0 });
  });

  it('a narrowing by the owner (over REST) propagates: state hub → association → the other state', async () => {
    const narrow = await s1.as(s1.accounts.county).put(`/api/v1/objects/${String(GREEN['id'])}/sharing`, { audience: ['state:06'] });
    expect(narrow.status, JSON.stringify(narrow.body)).toBe(200);
    expect(await visible(s1, s1.accounts.assoc, GREEN['id'])).toBe(false);

    expect(await run(a, a.accounts.assoc, assocFromS1)).toMatchObject({ withdrawn: 1 });
    expect(await visible(a, a.accounts.fl, GREEN['id'])).toBe(false);
    expect(await visible(a, a.accounts.assoc, GREEN['id'])).toBe(false);
    expect(await taxiiIds(a, a.accounts.fl)).not.toContain(GREEN['id']);
    expect(await visible(a, a.accounts.assoc, AMBER['id'])).toBe(true);

    expect(await run(s2, s2.accounts.fl, flFromAssoc)).toMatchObject({ withdrawn: 1 });
    expect(await visible(s2, s2.accounts.flCounty, GREEN['id'])).toBe(false);
    expect(await taxiiIds(s2, s2.accounts.flCounty)).not.toContain(GREEN['id']);

    // The owner widens again: the indicator comes back down the same path.
    const widen = await s1.as(s1.accounts.county).put(`/api/v1/objects/${String(GREEN['id'])}/sharing`, { audience: ['state:06', `org:${ASSOC}`] });
    expect(widen.status, JSON.stringify(widen.body)).toBe(200);
    expect(await run(a, a.accounts.assoc, assocFromS1)).toMatchObject({ restored: 1 });
    expect(await run(s2, s2.accounts.fl, flFromAssoc)).toMatchObject({ restored: 1 });
    expect(await visible(s2, s2.accounts.flCounty, GREEN['id'])).toBe(true);
  });

  it("the owner's revocation travels as a new version, hub by hub", async () => {
    const revoked = await s1.as(s1.accounts.county).post(`/api/v1/objects/${String(GREEN['id'])}/revoke`, {});
    expect(revoked.status, JSON.stringify(revoked.body)).toBe(201);
    expect(await run(a, a.accounts.assoc, assocFromS1)).toMatchObject({ newVersions: 1, added: 0 });
    expect(await run(s2, s2.accounts.fl, flFromAssoc)).toMatchObject({ newVersions: 1, added: 0 });
    const seen = await s2.as(s2.accounts.flCounty).get(`/api/v1/objects/${String(GREEN['id'])}`);
    expect(seen.body).toMatchObject({ object: { revoked: true }, sharing: { owner: COUNTY, tlp: 'green', audience: ['community'] } });
  });

  it('the scheduler runs due feeds and lists their outcome', async () => {
    await a.fed.repo.recordRun(assocFromS1, '2000-01-01T00:00:00.000Z', 'ok', 'long ago');
    await a.fed.scheduler.tick();
    const list = await a.as(a.accounts.assoc).get('/api/v1/feeds');
    const feed = (list.body as { feeds: { id: string; last_status: string; last_run_at: string; last_message: string }[] }).feeds.find((f) => f.id === assocFromS1);
    expect(feed?.last_status).toBe('ok');
    expect(feed?.last_run_at.startsWith('2000')).toBe(false);
    expect(feed?.last_message).toMatch(/^pulled/);
  });
  it("a push feed sends the organization's own objects shared with the partner, and nothing else", async () => {
    const FL_OWN = indicator(4, 'green');
    const COUNTY_OWN = indicator(5, 'green');
    expect((await s2.as(s2.accounts.fl).post('/api/v1/objects', { object: FL_OWN, audience: ['state:12', `org:${ASSOC}`] })).status).toBe(201);
    expect((await s2.as(s2.accounts.flCounty).post('/api/v1/objects', { object: COUNTY_OWN, audience: ['state:12', `org:${ASSOC}`] })).status).toBe(201);
    secrets['env:ASSOC_HUB_KEY_FL_BEARER'] = `bearer:${a.accounts.fl.secret}`;
    const own = await s2.as(s2.accounts.fl).post('/api/v1/feeds', { name: 'To the association', url: `${a.url}/taxii2/`, collection: 'community', direction: 'push', credential_ref: 'env:ASSOC_HUB_KEY_FL_BEARER', audience: [`org:${s2.accounts.fl.orgId}`] });
    expect((own.body as { code: string }).code).toBe('push-audience-too-wide');
    const feed = await addFeed(s2, s2.accounts.fl, { name: 'To the association', url: `${a.url}/taxii2/`, collection: 'community', direction: 'push', credential_ref: 'env:ASSOC_HUB_KEY_FL_BEARER', audience: [`org:${ASSOC}`] });
    const res = await s2.as(s2.accounts.fl).post(`/api/v1/feeds/${feed}/run`, {});
    const body = res.body as { run: { status: string; message: string; push?: { sent: number; succeeded: number; failed: number } } };
    expect(body.run.status, body.run.message).toBe('ok');
    // Only Florida's own indicator: the county's, though shared with the association too, is the county's to send.
    expect(body.run.push).toMatchObject({ sent: 1, succeeded: 1, failed: 0 });
    expect(await visible(a, a.accounts.assoc, FL_OWN['id'])).toBe(true);
    expect((await a.store.stix.get({ kind: 'operator' }, FL_OWN['id'] as StixId))?.sharing.owner).toBe(s2.accounts.fl.orgId);
    expect(await a.store.stix.get({ kind: 'operator' }, COUNTY_OWN['id'] as StixId)).toBeNull();
    // The next run sends only what was added since.
    const again = (await s2.as(s2.accounts.fl).post(`/api/v1/feeds/${feed}/run`, {})).body as { run: { push?: { sent: number } } };
    expect(again.run.push?.sent).toBe(0);
  });
});
