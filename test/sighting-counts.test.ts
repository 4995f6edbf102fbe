import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { AudienceKey } from '../src/domain/audience.ts';
import type { OrgId, StixId } from '../src/domain/ids.ts';
import { ok } from '../src/domain/result.ts';
import { harness, ORG_A, ORG_B, type Harness } from './helpers/http.ts';
import { matchPlugin } from '../src/matching/routes.ts';
import type { OrgInfo } from '../src/sharing/keys.ts';
import { sharingRoutes } from '../src/sharing/routes.ts';
import { createSharingService } from '../src/sharing/service.ts';
import { openStore, type RampartStore } from '../src/store/index.ts';
import { sharingRepository } from '../src/store/sharing-store.ts';
import { testDatabase, testDialects, type TestDatabase } from './helpers/store.ts';
import type { Sharing } from '../src/store/types.ts';

const org = (n: number) => `identity--0d000000-0000-4000-8000-0000000000${String(n).padStart(2, '0')}` as OrgId;
const OWNER = org(1); // a local office in state 55, owner of the indicator
const FEDERAL = org(2);
const VENDOR = org(3);
const COUNTY_55 = org(4);
const STATE_48 = org(5);
const COUNTY_48 = org(6);
const ORGS = new Map<OrgId, OrgInfo>([
  [ORG_A, { kind: 'local', stateFips: '55' }],
  [ORG_B, { kind: 'state', stateFips: '17' }],
  [OWNER, { kind: 'local', stateFips: '55' }],
  [FEDERAL, { kind: 'federal', stateFips: null }],
  [VENDOR, { kind: 'private', stateFips: '06' }],
  [COUNTY_55, { kind: 'local', stateFips: '55' }],
  [STATE_48, { kind: 'state', stateFips: '48' }],
  [COUNTY_48, { kind: 'local', stateFips: '48' }],
]);
const INDICATOR = 'indicator--5c000000-0000-4000-8000-000000000001' as StixId;
const OTHER = 'indicator--5c000000-0000-4000-8000-000000000002' as StixId;

interface Counts {
  readonly sightings: number;
  readonly jurisdictions: number;
  readonly other_organizations: number;
  readonly organizations: number;
  readonly states: number;
  readonly text: string;
  readonly last_sighted: string | null;
}

describe.each(testDialects())('anonymous sighting counts on %s', (dialect) => {
  let db: TestDatabase;
  let store: RampartStore;
  let h: Harness;
  let n = 0;
  let vendorSighting = '' as StixId;

  const put = async (type: string, owner: OrgId, sharing: Omit<Sharing, 'owner'>, extra: Record<string, unknown>, revoked = false) => {
    const id = (type === 'indicator' ? INDICATOR : `sighting--5d000000-0000-4000-8000-${String(++n).padStart(12, '0')}`) as StixId;
    const object = { type, spec_version: '2.1', id, created: '2026-11-03T00:00:00.000Z', modified: '2026-11-03T00:00:00.000Z', created_by_ref: owner, ...(revoked ? { revoked } : {}), ...extra };
    const stored = await store.stix.write(async (w) => ok(await w.putBatch([{ id, type, created: object.created, modified: object.modified, revoked, name: null, description: null, json: JSON.stringify(object), sharing: { owner, ...sharing } }], 'reject')));
    if (!stored.ok || stored.value[0]?.kind !== 'added') throw new Error(`${id} not stored`);
    return id;
  };
  const sighting = (owner: OrgId, audience: readonly AudienceKey[], count: number | null, of = INDICATOR, revoked = false) =>
    put('sighting', owner, { tlp: audience.includes('community') ? 'green' : 'amber', audience }, { sighting_of_ref: of, where_sighted_refs: [owner], ...(count === null ? {} : { count }) }, revoked);

  beforeEach(async () => {
    db = testDatabase(dialect);
    store = await openStore({ url: db.url });
    const sharing = createSharingService({ store, orgInfo: (id) => Promise.resolve(ORGS.get(id) ?? null) });
    h = await harness({
      stix: store.stix,
      sharing,
      plugins: [sharingRoutes({ sharing, isOrgAdmin: () => Promise.resolve(false) }), matchPlugin({ stix: store.stix, sharing, clock: { now: () => new Date() }, sightingCounts: (reader, id) => sharing.sightingAggregate(reader, id) })],
    });
    await put('indicator', OWNER, { tlp: 'green', audience: ['community'] }, { pattern: "[domain-name:value = 'ballots.example']", pattern_type: 'stix', valid_from: '2026-11-01T00:00:00Z' });
    const repo = sharingRepository(store.database);
    await sighting(ORG_A, [`org:${ORG_A}`], 3); // A's own, kept to itself: A sees it, nobody else counts it
    await sighting(ORG_B, ['community'], 2); // counted by default (shared with the community)
    await sighting(FEDERAL, ['community'], 5); // counted; not an election office
    vendorSighting = await sighting(VENDOR, [`org:${VENDOR}`], null);
    await repo.setObjectCounting(vendorSighting, VENDOR, true); // opted in; no count means once
    await sighting(COUNTY_55, [`org:${COUNTY_55}`, `org:${ORG_A}`], 4); // not allowed, but A may see it
    await repo.setOrgCounting(COUNTY_55, false);
    await repo.setObjectCounting(await sighting(STATE_48, ['community'], 7), STATE_48, false); // refused, yet everyone may see it
    await sighting(COUNTY_48, [`org:${COUNTY_48}`], 6); // its organization opted in
    await repo.setOrgCounting(COUNTY_48, true);
    await sighting(ORG_B, ['community'], 100, INDICATOR, true); // revoked
    await sighting(ORG_B, ['community'], 100, OTHER); // of another indicator
  });
  afterEach(async () => {
    await h.close();
    await store.close();
    await db.drop();
  });

  const both = async (key: string): Promise<[Counts, Counts]> => {
    const headers = { authorization: `Bearer ${key}` };
    const summary = await h.app.inject({ method: 'GET', url: `/api/v1/objects/${INDICATOR}/sightings/summary`, headers });
    const aggregate = await h.app.inject({ method: 'GET', url: `/api/v1/aggregates/sightings/${INDICATOR}`, headers });
    expect([summary.statusCode, aggregate.statusCode]).toEqual([200, 200]);
    return [summary.json(), aggregate.json()];
  };

  it('gives the same numbers on both endpoints: consented or visible sightings, times by count, election offices apart', async () => {
    const [summaryA, aggregateA] = await both(h.a.readKey);
    expect(summaryA).toEqual(aggregateA);
    // A: its own 3, B 2, federal 5, vendor 1, county-55 4 (visible to A), state-48 7 (visible), county-48 6 (opted in).
    expect(aggregateA).toEqual({ indicator: INDICATOR, sightings: 28, jurisdictions: 5, other_organizations: 2, organizations: 7, states: 3, text: 'sighted 28 times by 5 jurisdictions in 3 states and 2 other organizations', last_sighted: '2026-11-03T00:00:00Z' });
    const [summaryB, aggregateB] = await both(h.b.readKey);
    expect(summaryB).toEqual(aggregateB);
    // B sees neither A's sighting nor county-55's, and neither owner allowed counting them.
    expect(aggregateB).toEqual({ indicator: INDICATOR, sightings: 21, jurisdictions: 3, other_organizations: 2, organizations: 5, states: 2, text: 'sighted 21 times by 3 jurisdictions in 2 states and 2 other organizations', last_sighted: '2026-11-03T00:00:00Z' });
  });

  it('says when the counted sightings were last seen, to the hour, and only from sightings that were counted', async () => {
    const seen = (at: string) => ({ sighting_of_ref: INDICATOR, where_sighted_refs: [FEDERAL], first_seen: '2026-11-03T01:00:00Z', last_seen: at });
    // Counted for everyone (shared with the community): moves the time for A and B alike.
    await put('sighting', FEDERAL, { tlp: 'green', audience: ['community'] }, seen('2026-11-04T16:47:12.345Z'));
    // Later still, but kept to A and never counted: only A, who may see it, gets its time.
    await put('sighting', ORG_A, { tlp: 'amber', audience: [`org:${ORG_A}`] }, seen('2026-11-05T09:05:00Z'));
    expect((await both(h.b.readKey))[1].last_sighted).toBe('2026-11-04T16:00:00Z');
    expect((await both(h.a.readKey))[1].last_sighted).toBe('2026-11-05T09:00:00Z');
  });

  it('moves both endpoints together when an owner changes its consent', async () => {
    await sharingRepository(store.database).setOrgCounting(ORG_A, true);
    const [summaryB, aggregateB] = await both(h.b.readKey);
    expect(summaryB).toEqual(aggregateB);
    expect(aggregateB).toMatchObject({ sightings: 24, jurisdictions: 4, states: 3 });
  });

  it("keeps each owner's counting choice to its own record when another organization holds the same sighting id", async () => {
    // B cannot see the vendor's sighting: publishing that id makes B's own record, which B keeps to itself and will not have counted.
    const object = { type: 'sighting', spec_version: '2.1', id: vendorSighting, created: '2026-11-04T00:00:00.000Z', modified: '2026-11-04T00:00:00.000Z', sighting_of_ref: INDICATOR, where_sighted_refs: [ORG_B], count: 9 };
    const headers = { authorization: `Bearer ${h.b.writeKey}` };
    const posted = await h.app.inject({ method: 'POST', url: '/api/v1/objects', headers, payload: { object, tlp: 'amber', audience: [`org:${ORG_B}`] } });
    expect([posted.statusCode, posted.json<{ outcome: string }>().outcome]).toEqual([201, 'added']);
    const refused = await h.app.inject({ method: 'PUT', url: `/api/v1/objects/${vendorSighting}/sharing`, headers, payload: { audience: [`org:${ORG_B}`], allow_counting: false } });
    expect(refused.statusCode, refused.body).toBe(200);
    // A still counts the vendor's (it opted in), not B's; B counts its own 9 besides.
    expect((await both(h.a.readKey))[1]).toMatchObject({ sightings: 28, organizations: 7 });
    expect((await both(h.b.readKey))[1]).toMatchObject({ sightings: 30, organizations: 5 });
  });

  it('documents one response shape for both endpoints in the OpenAPI document', async () => {
    type Doc = { paths: Record<string, { get?: { responses: Record<string, { content?: Record<string, { schema: { properties?: Record<string, unknown> } }> }> } }> };
    const doc = (await h.app.inject({ method: 'GET', url: '/api/v1/openapi.json' })).json<Doc>();
    const fields = (path: string) => Object.keys(doc.paths[path]?.get?.responses['200']?.content?.['application/json']?.schema.properties ?? {}).sort();
    const expected = ['indicator', 'jurisdictions', 'last_sighted', 'organizations', 'other_organizations', 'sightings', 'states', 'text'];
    expect(fields('/api/v1/objects/{id}/sightings/summary')).toEqual(expected);
    expect(fields('/api/v1/aggregates/sightings/{id}')).toEqual(expected);
  });
});
