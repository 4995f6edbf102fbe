import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { OrgId, StixId } from '../src/domain/ids.ts';
import { hubOrigin, remoteOwnerId } from '../src/domain/remote-owner.ts';
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

    // Owned here by the county as received from S1: a remote owner no local organization is.
    const got = await a.as(a.accounts.assoc).get(`/api/v1/objects/${String(GREEN['id'])}`);
    expect(got.body).toMatchObject({ object: { created_by_ref: COUNTY }, sharing: { owner: remoteOwnerId(hubOrigin(s1.url), COUNTY), tlp: 'green', audience: ['community'] } });
    const amber = await a.as(a.accounts.assoc).get(`/api/v1/objects/${String(AMBER['id'])}`);
    expect(amber.body).toMatchObject({ sharing: { owner: remoteOwnerId(hubOrigin(s1.url), COUNTY), tlp: 'amber', audience: [`org:${ASSOC}`] } });
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
    expect((await s2.store.stix.get({ kind: 'operator' }, GREEN['id'] as StixId))?.sharing).toEqual({ owner: remoteOwnerId(hubOrigin(a.url), COUNTY), tlp: 'green', audience: ['community'] });
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
    expect(seen.body).toMatchObject({ object: { revoked: true, created_by_ref: COUNTY }, sharing: { owner: remoteOwnerId(hubOrigin(a.url), COUNTY), tlp: 'green', audience: ['community'] } });
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

/**
 * Issue 15, item 4: a received object's versions come only from its owner, through the hub it came from.
 * A fourth hub (C) offers versions of objects the association's hub (A) received from California's hub
 * (S1): one published on C by another organization, one by an organization on C that shares the county's
 * identity id. Then an organization on A itself shares the county's identity id. Nothing A serves changes.
 */
describe('nobody takes over a received object', () => {
  let c: Hub<'rogue' | 'county' | 'assoc'>;
  let fromC: string;
  const LATER = '2026-10-09T12:00:00.000Z';
  // The county's second AMBER indicator, shared with the association only.
  const SECOND = indicator(6, 'amber');
  const greenTakeover = (object: Record<string, unknown>, creator: OrgId) => ({ ...object, modified: LATER, created_by_ref: creator, name: 'Nothing to see here', object_marking_refs: [TLP_MARKING_IDS.green] });

  /** Everything about `ids` that A serves: the stored versions, and what Florida (a community member there) can read by REST, export and TAXII. */
  async function servedByA(ids: readonly unknown[]): Promise<unknown> {
    const versions = await Promise.all(ids.map((id) => a.store.stix.versions({ kind: 'operator' }, id as StixId)));
    const exported = (await a.as(a.accounts.fl).get('/api/v1/export?versions=all')).body as { objects: { id: string }[] };
    const taxii = await taxiiIds(a, a.accounts.fl);
    return {
      versions: versions.map((vs) => vs.map((v) => ({ json: v.json, sharing: v.sharing }))),
      florida: await Promise.all(ids.map((id) => visible(a, a.accounts.fl, id))),
      exported: exported.objects.filter((o) => ids.includes(o.id)).length,
      taxii: ids.filter((id) => taxii.has(String(id))).length,
    };
  }

  beforeAll(async () => {
    c = await startHub({ rogue: { kind: 'private', name: 'Totally Legit Security', partner_type: 'security-firm' }, county: ORGS.county, assoc: ORGS.assoc }, secrets);
    expect(c.accounts.county.orgId).toBe(COUNTY);
    secrets['env:C_KEY'] = `bearer:${c.accounts.assoc.secret}`;
  });
  afterAll(async () => {
    await c.stop();
  });

  it('a third hub offering later TLP:GREEN versions of received objects is refused and reported on the feed; A serves nothing new', async () => {
    expect((await s1.as(s1.accounts.county).post('/api/v1/objects', { object: SECOND, audience: [`org:${ASSOC}`] })).status).toBe(201);
    const fromS1 = (await a.as(a.accounts.assoc).get('/api/v1/feeds')).body as { feeds: { id: string; url: string }[] };
    const s1Feed = fromS1.feeds.find((f) => f.url === `${s1.url}/taxii2/`)?.id ?? '';
    expect(await run(a, a.accounts.assoc, s1Feed)).toMatchObject({ added: 1 });
    const before = await servedByA([AMBER['id'], SECOND['id']]);
    expect(before).toMatchObject({ florida: [false, false], exported: 0, taxii: 0 });

    // Another organization on C publishes the county's AMBER indicator's id; C's copy of the county publishes the second one's.
    const rogue = await c.as(c.accounts.rogue).post('/api/v1/objects', { object: greenTakeover(AMBER, c.accounts.rogue.orgId), audience: ['community'] });
    expect(rogue.status, JSON.stringify(rogue.body)).toBe(201);
    const twin = await c.as(c.accounts.county).post('/api/v1/objects', { object: greenTakeover(SECOND, COUNTY), audience: ['community'] });
    expect(twin.status, JSON.stringify(twin.body)).toBe(201);

    fromC = await addFeed(a, a.accounts.assoc, { name: 'Hub C', url: `${c.url}/taxii2/`, collection: 'community', direction: 'pull', credential_ref: 'env:C_KEY' });
    const pulled = await run(a, a.accounts.assoc, fromC);
    expect(pulled).toMatchObject({ newVersions: 0, rejected: 2, conflicts: 2 });
    expect(await servedByA([AMBER['id'], SECOND['id']])).toEqual(before);

    // The feed's status says how many and why, without naming the owner or the hub the objects came from.
    const status = (await a.as(a.accounts.assoc).get(`/api/v1/feeds/${fromC}`)).body as { refused: number; refusals: { id: string; version: string; code: string; message: string }[] };
    expect(status.refused).toBe(2);
    expect(status.refusals.map((r) => [r.id, r.version, r.code]).sort()).toEqual(
      [
        [AMBER['id'], LATER, 'federation-owner-conflict'],
        [SECOND['id'], LATER, 'federation-owner-conflict'],
      ].sort(),
    );
    for (const r of status.refusals) {
      expect(r.message).toContain('not stored');
      expect(r.message).not.toContain(COUNTY);
      expect(r.message).not.toContain(s1.url);
    }
    const listed = (await a.as(a.accounts.assoc).get('/api/v1/feeds')).body as { feeds: { id: string; refused: number }[] };
    expect(listed.feeds.find((f) => f.id === fromC)?.refused).toBe(2);

    // The county's own next version still arrives, through the hub the object came from.
    const next = await s1.as(s1.accounts.county).post('/api/v1/objects', { object: { ...SECOND, modified: '2026-10-10T00:00:00.000Z', name: 'Phishing sender 6 (update)' }, audience: [`org:${ASSOC}`] });
    expect(next.status, JSON.stringify(next.body)).toBe(201);
    expect(await run(a, a.accounts.assoc, s1Feed)).toMatchObject({ newVersions: 1, conflicts: 0 });
    expect((await a.store.stix.get({ kind: 'operator' }, SECOND['id'] as StixId))?.sharing).toEqual({ owner: remoteOwnerId(hubOrigin(s1.url), COUNTY), tlp: 'amber', audience: [`org:${ASSOC}`] });
    // And C's versions stay refused on the next pull of C.
    expect(await run(a, a.accounts.assoc, fromC)).toMatchObject({ newVersions: 0, added: 0 });
  });

  it("an organization on A that shares the county's identity id can neither see, re-share, version, revoke nor import over what A received", async () => {
    const local = await a.addAccount('county', ORGS.county);
    expect(local.orgId).toBe(COUNTY);
    const received = (v: { sharing: { owner: string } }) => v.sharing.owner !== COUNTY;
    /** What A serves of the records it received of `ids`: another organization's own records of the same ids aside. */
    const receivedServed = async (ids: readonly unknown[]) => {
      const versions = await Promise.all(ids.map((id) => a.store.stix.versions({ kind: 'operator' }, id as StixId)));
      const exported = (await a.as(a.accounts.fl).get('/api/v1/export?versions=all')).body as { objects: { id: string; name?: string }[] };
      return {
        versions: versions.map((vs) => vs.filter(received).map((v) => ({ json: v.json, sharing: v.sharing }))),
        exported: exported.objects.filter((o) => ids.includes(o.id) && o.name !== 'Nothing to see here').map((o) => JSON.stringify(o)),
      };
    };
    const before = await receivedServed([AMBER['id'], SECOND['id']]);
    const id = String(AMBER['id']);
    expect(await visible(a, local, id)).toBe(false);

    // Re-share and revoke of the received id answer exactly as for an id nobody holds (docs/sharing-and-audit.md).
    const nobody = 'indicator--0e0e0e0e-0e0e-4e0e-8e0e-0e0e0e0e0e0e';
    for (const [path, body] of [['sharing', { audience: ['community'] }], ['revoke', {}]] as const) {
      const call = (target: string) => (path === 'sharing' ? a.as(local).put(`/api/v1/objects/${target}/sharing`, body) : a.as(local).post(`/api/v1/objects/${target}/revoke`, body));
      const [held, free] = [await call(id), await call(nobody)];
      expect([held.status, JSON.stringify(held.body).replaceAll(id, 'ID')]).toEqual([404, JSON.stringify(free.body).replaceAll(nobody, 'ID')]);
    }
    // Publishing that id is answered as for a free id: it becomes the local organization's own record, and the received one stays as it was.
    const posted = await a.as(local).post('/api/v1/objects', { object: greenTakeover(AMBER, COUNTY), audience: ['community'] });
    expect([posted.status, (posted.body as { outcome: string; sharing: { owner: string } }).sharing.owner]).toEqual([201, COUNTY]);
    const imported = await a.as(local).post('/api/v1/import?audience=community', { type: 'bundle', id: 'bundle--0d0d0d0d-0d0d-4d0d-8d0d-0d0d0d0d0d0d', objects: [greenTakeover(AMBER, COUNTY)] });
    expect(imported.status, JSON.stringify(imported.body)).toBe(200);
    const roots = (await a.as(local).get('/taxii2/', true)).body as { api_roots: string[] };
    const root = new URL(roots.api_roots[0] ?? '', a.url).pathname;
    const viaTaxii = await a.as(local).post(`${root}collections/my-organization/objects/`, { objects: [greenTakeover(SECOND, COUNTY)] }, true);
    expect(viaTaxii.status, JSON.stringify(viaTaxii.body)).toBe(202);
    expect(viaTaxii.body).toMatchObject({ success_count: 1, failure_count: 0 });

    expect(await receivedServed([AMBER['id'], SECOND['id']])).toEqual(before);
    // The local organization reads its own record only, never the received AMBER one.
    const own = await a.as(local).get(`/api/v1/objects/${id}`);
    expect(own.body).toMatchObject({ object: { name: 'Nothing to see here' }, sharing: { owner: COUNTY } });
    expect((own.body as { versions: unknown[] }).versions).toHaveLength(1);
  });
});
