import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { OrgId, StixId } from '../src/domain/ids.ts';
import { TLP_MARKING_IDS } from '../src/domain/tlp.ts';
import { account, startHub, type Account, type Hub } from './helpers/federation-hub.ts';

/**
 * Three real Rampart hubs on 127.0.0.1, each with its own SQLite store, TAXII server and federation:
 * California's state hub (S1, where a county publishes), the association's hub (A) and Florida's hub (S2).
 * An indicator goes county → state → association → another state's hub; audiences hold at every step;
 * a narrowing by the owner propagates hub by hub; objects coming back around the loop are not new.
 */

const org = (n: number) => `identity--${String(n).padStart(8, '0')}-0000-4000-8000-000000000000` as OrgId;
const COUNTY = org(1); // a California county, on S1
const CA = org(2); // California's state office
const VENDOR = org(3); // a vendor on S1, outside the state
const ASSOC = org(4); // the association
const FL = org(5); // Florida's state office
const FL_COUNTY = org(6); // a Florida county, on S2

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

const acct = {
  s1: { county: account(COUNTY, '06'), ca: account(CA, '06'), vendor: account(VENDOR, null), assoc: account(ASSOC, null) },
  a: { assoc: account(ASSOC, null), ca: account(CA, '06'), fl: account(FL, '12') },
  s2: { fl: account(FL, '12'), flCounty: account(FL_COUNTY, '12') },
};

let s1: Hub;
let a: Hub;
let s2: Hub;

beforeAll(async () => {
  s1 = await startHub(Object.values(acct.s1), { 'env:ASSOC_HUB_KEY': `bearer:${acct.a.ca.secret}` });
  a = await startHub(Object.values(acct.a), { 'env:S1_KEY': `bearer:${acct.s1.assoc.secret}` });
  s2 = await startHub(Object.values(acct.s2), { 'env:ASSOC_HUB_KEY': `basic:${FL}:${acct.a.fl.secret}` });
});

afterAll(async () => {
  for (const hub of [s1, a, s2]) {
    await hub.fed.scheduler.stop();
    await hub.server.stop();
    await hub.db.drop();
  }
});

async function visible(hub: Hub, who: Account, id: unknown): Promise<boolean> {
  const res = await hub.as(who).get(`/api/v1/objects/${String(id)}`);
  if (res.status !== 200 && res.status !== 404) throw new Error(`GET object answered ${res.status}: ${JSON.stringify(res.body)}`);
  return res.status === 200;
}

/** Ids in every TAXII collection `who` may read on `hub`. */
async function taxiiIds(hub: Hub, who: Account): Promise<Set<string>> {
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

async function addFeed(hub: Hub, who: Account, body: Record<string, unknown>): Promise<string> {
  const res = await hub.as(who).post('/api/v1/feeds', { interval_seconds: 3600, ...body });
  expect(res.status, JSON.stringify(res.body)).toBe(201);
  return (res.body as { id: string }).id;
}

interface RunBody {
  run: { status: string; message: string; pull?: { added: number; unchanged: number; loops: number; withdrawn: number; restored: number; rejected: number } };
}
async function run(hub: Hub, who: Account, feedId: string): Promise<NonNullable<RunBody['run']['pull']>> {
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
      const res = await s1.as(acct.s1.county).post('/api/v1/objects', { object, audience });
      expect(res.status, JSON.stringify(res.body)).toBe(201);
    }
    expect(await visible(s1, acct.s1.ca, GREEN['id'])).toBe(true);
    expect(await visible(s1, acct.s1.assoc, GREEN['id'])).toBe(true);
    expect(await visible(s1, acct.s1.assoc, STATE_ONLY['id'])).toBe(false);
    expect(await visible(s1, acct.s1.vendor, GREEN['id'])).toBe(false);
    expect(await taxiiIds(s1, acct.s1.vendor)).not.toContain(GREEN['id']);
  });

  it('the association pulls from the state hub: owner and TLP kept, AMBER stays inside the association', async () => {
    assocFromS1 = await addFeed(a, acct.a.assoc, { name: 'California', url: `${s1.url}/taxii2/`, collection: 'my-organization', direction: 'pull', credential_ref: 'env:S1_KEY' });
    const pulled = await run(a, acct.a.assoc, assocFromS1);
    expect(pulled).toMatchObject({ added: 2, rejected: 0, loops: 0 });

    const got = await a.as(acct.a.assoc).get(`/api/v1/objects/${String(GREEN['id'])}`);
    expect(got.body).toMatchObject({ object: { created_by_ref: COUNTY }, sharing: { owner: COUNTY, tlp: 'green', audience: ['community'] } });
    const amber = await a.as(acct.a.assoc).get(`/api/v1/objects/${String(AMBER['id'])}`);
    expect(amber.body).toMatchObject({ sharing: { owner: COUNTY, tlp: 'amber', audience: [`org:${ASSOC}`] } });
    expect(await visible(a, acct.a.assoc, STATE_ONLY['id'])).toBe(false);

    // Florida, a member of the association's hub, sees the GREEN indicator but not the AMBER one.
    expect(await visible(a, acct.a.fl, GREEN['id'])).toBe(true);
    expect(await visible(a, acct.a.fl, AMBER['id'])).toBe(false);
    const flSees = await taxiiIds(a, acct.a.fl);
    expect(flSees).toContain(GREEN['id']);
    expect(flSees).not.toContain(AMBER['id']);
  });

  it("another state's hub pulls from the association over HTTP Basic: only the GREEN indicator arrives", async () => {
    flFromAssoc = await addFeed(s2, acct.s2.fl, { name: 'Association', url: `${a.url}/taxii2/`, collection: 'community', direction: 'pull', credential_ref: 'env:ASSOC_HUB_KEY' });
    const pulled = await run(s2, acct.s2.fl, flFromAssoc);
    expect(pulled).toMatchObject({ added: 1, rejected: 0 });
    expect(await visible(s2, acct.s2.flCounty, GREEN['id'])).toBe(true);
    expect(await visible(s2, acct.s2.fl, AMBER['id'])).toBe(false);
    expect(await s2.store.stix.get({ kind: 'operator' }, AMBER['id'] as StixId)).toBeNull();
    expect((await s2.store.stix.get({ kind: 'operator' }, GREEN['id'] as StixId))?.sharing).toEqual({ owner: COUNTY, tlp: 'green', audience: ['community'] });
  });

  it('objects coming back around the loop are not new, and a second pull changes nothing', async () => {
    caFromAssoc = await addFeed(s1, acct.s1.ca, { name: 'Association', url: `${a.url}/taxii2/`, collection: 'community', direction: 'pull', credential_ref: 'env:ASSOC_HUB_KEY' });
    const back = await run(s1, acct.s1.ca, caFromAssoc);
    expect(back).toMatchObject({ added: 0, loops: 1 });
    expect((await s1.store.stix.get({ kind: 'operator' }, GREEN['id'] as StixId))?.sharing.audience).toEqual(['state:06', `org:${ASSOC}`]);
    const again = await run(a, acct.a.assoc, assocFromS1);
    expect(again).toMatchObject({ added: 0, withdrawn: 0 });
  });

  it('a narrowing by the owner propagates: state hub → association → the other state', async () => {
    await s1.store.stix.reshare(GREEN['id'] as StixId, { owner: COUNTY, tlp: 'green', audience: ['state:06'] });
    expect(await visible(s1, acct.s1.assoc, GREEN['id'])).toBe(false);

    expect(await run(a, acct.a.assoc, assocFromS1)).toMatchObject({ withdrawn: 1 });
    expect(await visible(a, acct.a.fl, GREEN['id'])).toBe(false);
    expect(await visible(a, acct.a.assoc, GREEN['id'])).toBe(false);
    expect(await taxiiIds(a, acct.a.fl)).not.toContain(GREEN['id']);
    expect(await visible(a, acct.a.assoc, AMBER['id'])).toBe(true);

    expect(await run(s2, acct.s2.fl, flFromAssoc)).toMatchObject({ withdrawn: 1 });
    expect(await visible(s2, acct.s2.flCounty, GREEN['id'])).toBe(false);
    expect(await taxiiIds(s2, acct.s2.flCounty)).not.toContain(GREEN['id']);

    // The owner widens again: the indicator comes back down the same path.
    await s1.store.stix.reshare(GREEN['id'] as StixId, { owner: COUNTY, tlp: 'green', audience: ['state:06', `org:${ASSOC}`] });
    expect(await run(a, acct.a.assoc, assocFromS1)).toMatchObject({ restored: 1 });
    expect(await run(s2, acct.s2.fl, flFromAssoc)).toMatchObject({ restored: 1 });
    expect(await visible(s2, acct.s2.flCounty, GREEN['id'])).toBe(true);
  });

  it('the scheduler runs due feeds and lists their outcome', async () => {
    await a.fed.repo.recordRun(assocFromS1, '2000-01-01T00:00:00.000Z', 'ok', 'long ago');
    await a.fed.scheduler.tick();
    const list = await a.as(acct.a.assoc).get('/api/v1/feeds');
    const feed = (list.body as { feeds: { id: string; last_status: string; last_run_at: string; last_message: string }[] }).feeds.find((f) => f.id === assocFromS1);
    expect(feed?.last_status).toBe('ok');
    expect(feed?.last_run_at.startsWith('2000')).toBe(false);
    expect(feed?.last_message).toMatch(/^pulled/);
  });
});
