import Fastify, { type FastifyInstance } from 'fastify';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { OrgId, StixId } from '../domain/ids.ts';
import { remoteOwnerId } from '../domain/remote-owner.ts';
import { TLP_MARKING_IDS } from '../domain/tlp.ts';
import { federationRepository, type FederationRepository } from '../store/federation.ts';
import { openStore, type RampartStore } from '../store/index.ts';
import { testDatabase, type TestDatabase } from '../../test/helpers/store.ts';
import { taxiiClient, type CollectionLocation } from '../taxii/client/client.ts';
import { taxiiTransport } from '../taxii/client/transport.ts';
import { importObjects } from '../ingest/import.ts';
import { exampleStatus } from '../../test/helpers/rampart-examples.ts';
import { remoteIdentity, runPull, type PullDeps } from './pull.ts';

/** A remote TAXII collection (test double) that can go down mid-pull and drop objects from its manifest. */
const MEDIA = 'application/taxii+json;version=2.1';
const OWNER = 'identity--0000000e-0000-4000-8000-000000000000' as OrgId;
const RECEIVER = 'identity--0000000f-0000-4000-8000-000000000000' as OrgId;
const HUB = 'identity--00000010-0000-4000-8000-000000000000' as OrgId;

function ind(n: number, extra: Record<string, unknown>): Record<string, unknown> {
  return { type: 'indicator', spec_version: '2.1', id: `indicator--${String(n).padStart(8, '0')}-3333-4333-8333-333333333333`, created: '2026-10-03T00:00:00.000Z', modified: '2026-10-03T00:00:00.000Z', pattern: `[ipv4-addr:value = '203.0.113.${n}']`, pattern_type: 'stix', valid_from: '2026-10-03T00:00:00Z', ...extra };
}
const OBJECTS = [
  ind(1, { created_by_ref: OWNER, object_marking_refs: [TLP_MARKING_IDS.green] }),
  ind(2, { created_by_ref: OWNER, object_marking_refs: [TLP_MARKING_IDS.red] }),
  ind(3, {}), // no marking, no creator
  { ...ind(4, { created_by_ref: OWNER }), pattern: undefined }, // an indicator without a pattern
  ind(5, { created_by_ref: OWNER, object_marking_refs: [TLP_MARKING_IDS.amber] }),
];
const idOf = (i: number) => String(OBJECTS[i]?.['id']) as StixId;
// The fifth object as the server writes it: a custom property whose number format JSON.stringify would change.
const RAW5 = JSON.stringify(OBJECTS[4]).replace(/\}$/, ', "x_weight": 1.50}');
const textOf = (o: Record<string, unknown>) => (o === OBJECTS[4] ? RAW5 : JSON.stringify(o));

let app: FastifyInstance;
let url = '';
let down = false;
let served = 0;
const hidden = new Set<string>();
let db: TestDatabase;
let store: RampartStore;
let repo: FederationRepository;
let deps: PullDeps;
let location: CollectionLocation;

beforeAll(async () => {
  app = Fastify();
  app.addHook('onRequest', async (_request, reply) => (down ? reply.code(503).send('down') : undefined));
  const added = (i: number) => `2026-10-03T00:00:0${i}.000001Z`;
  app.get<{ Querystring: Record<string, string> }>('/root/collections/c/objects/', (request, reply) => {
    const after = request.query['added_after'];
    const from = after === undefined ? 0 : OBJECTS.findIndex((_o, i) => added(i) > after);
    const start = request.query['next'] === undefined ? (from < 0 ? OBJECTS.length : from) : Number(request.query['next']);
    const slice = OBJECTS.slice(start, start + 2);
    const more = start + 2 < OBJECTS.length;
    served++;
    if (slice.length === 0) return reply.type(MEDIA).send({});
    return reply
      .type(MEDIA)
      .header('x-taxii-date-added-first', added(start))
      .header('x-taxii-date-added-last', added(start + slice.length - 1))
      .send(`{"more":${String(more)},${more ? `"next":"${start + 2}",` : ''}"objects":[${slice.map(textOf).join(',')}]}`);
  });
  app.get('/root/collections/c/manifest/', (_request, reply) =>
    reply.type(MEDIA).send({ more: false, objects: OBJECTS.filter((o) => !hidden.has(String(o['id']))).map((o, i) => ({ id: o['id'], date_added: added(i), version: o['modified'] })) }),
  );
  await app.listen({ host: '127.0.0.1', port: 0 });
  const address = app.server.address();
  url = `http://127.0.0.1:${typeof address === 'object' && address !== null ? address.port : 0}`;
  db = testDatabase('sqlite');
  store = await openStore({ url: db.url });
  repo = federationRepository(store.database);
  const client = taxiiClient(taxiiTransport({ auth: { kind: 'none' }, retry: { retries: 0 } }));
  deps = { stix: store.stix, repo, client, now: () => new Date(), hubOwner: HUB, localOrganizations: () => Promise.resolve(new Set()) };
  location = {
    apiRootUrl: `${url}/root/`,
    apiRoot: { title: 'r', versions: [MEDIA], max_content_length: 1_000_000 },
    collectionUrl: `${url}/root/collections/c/`,
    collection: { id: 'c', title: 'c', can_read: true, can_write: false },
  };
});
afterAll(async () => {
  await app.close();
  await store.close();
  await db.drop();
});

const operator = { kind: 'operator' } as const;

describe('federation pull', () => {
  it('resumes after a failure from the last stored page', async () => {
    const plan = { source: 'feed:t', location, receiver: RECEIVER, limit: 2 };
    served = 0;
    const pages: number[] = [];
    const failing = await runPull(deps, {
      ...plan,
      onPage: (s) => {
        pages.push(s.objects);
        down = true; // the remote dies after the first page
      },
    });
    down = false;
    expect(failing).toMatchObject({ ok: false, error: { code: 'taxii-unavailable' } });
    expect(pages).toEqual([2]);
    expect(await repo.cursor('feed:t')).toEqual({ addedAfter: null, next: '2', highWater: '2026-10-03T00:00:01.000001Z' });

    const resumed = await runPull(deps, plan);
    if (!resumed.ok) throw new Error(resumed.error.message);
    // Only the three objects after the stored page were asked for again.
    expect(resumed.value).toMatchObject({ objects: 3, pages: 2, added: 2, rejected: 1 });
    expect(resumed.value.position).toEqual({ addedAfter: '2026-10-03T00:00:04.000001Z', next: null, highWater: '2026-10-03T00:00:04.000001Z' });
    expect(served).toBe(3);
  });

  it('keeps TLP, owns objects by their creator through this remote, never receives RED, and gives creator-less objects the remote identity', async () => {
    const REMOTE_OWNER = remoteOwnerId(url, OWNER);
    expect((await store.stix.get(operator, idOf(0)))?.sharing).toEqual({ owner: REMOTE_OWNER, tlp: 'green', audience: ['community'] });
    expect(await store.stix.get(operator, idOf(1))).toBeNull();
    expect((await store.stix.get(operator, idOf(2)))?.sharing).toEqual({ owner: remoteIdentity(url), tlp: 'amber', audience: [`org:${RECEIVER}`] });
    expect(await store.stix.get(operator, idOf(3))).toBeNull();
    const fifth = await store.stix.get(operator, idOf(4));
    expect(fifth?.sharing).toEqual({ owner: REMOTE_OWNER, tlp: 'amber', audience: [`org:${RECEIVER}`] });
    expect(fifth?.json).toBe(RAW5);
    const again = await runPull(deps, { source: 'feed:t', location, receiver: RECEIVER, since: '2000-01-01T00:00:00Z' });
    expect(again.ok && again.value).toMatchObject({ objects: 5, added: 0, unchanged: 3, rejected: 2 });
    const reasons = again.ok ? again.value.rejections.map((r) => [r.id, r.code]) : [];
    expect(reasons).toContainEqual([idOf(1), 'tlp-red-not-federated']);
    expect(reasons.map((r) => r[0])).toContain(idOf(3));
  });

  it('narrows what vanished from the remote manifest, and restores it when it comes back', async () => {
    hidden.add(idOf(0));
    const events: string[] = [];
    const narrowed = await runPull({ ...deps, onReshare: (e) => void events.push(`${e.id} ${e.before.audience.join(',')} -> ${e.after.audience.join(',')} by ${e.by.orgId}`) }, { source: 'feed:t', location, receiver: RECEIVER });
    const REMOTE_OWNER = remoteOwnerId(url, OWNER);
    expect(events).toEqual([`${idOf(0)} community -> org:${REMOTE_OWNER} by ${HUB}`]);
    expect(narrowed.ok && narrowed.value).toMatchObject({ objects: 0, withdrawn: 1, restored: 0 });
    expect((await store.stix.get(operator, idOf(0)))?.sharing).toEqual({ owner: REMOTE_OWNER, tlp: 'green', audience: [`org:${REMOTE_OWNER}`] });
    expect((await store.stix.get(operator, idOf(4)))?.sharing.audience).toEqual([`org:${RECEIVER}`]);
    hidden.clear();
    const restored = await runPull(deps, { source: 'feed:t', location, receiver: RECEIVER });
    expect(restored.ok && restored.value).toMatchObject({ withdrawn: 0, restored: 1 });
    expect((await store.stix.get(operator, idOf(0)))?.sharing.audience).toEqual(['community']);
    // With narrowing propagation off, a vanished object keeps its audience.
    hidden.add(idOf(0));
    const off = await runPull(deps, { source: 'feed:t', location, receiver: RECEIVER, propagateNarrowing: false });
    expect(off.ok && off.value.withdrawn).toBe(0);
    expect((await store.stix.get(operator, idOf(0)))?.sharing.audience).toEqual(['community']);
  });

  it("skips this hub's own objects coming back, and stores newer versions of them with the sharing chosen here", async () => {
    const older = ind(6, { created_by_ref: OWNER, object_marking_refs: [TLP_MARKING_IDS.green] });
    const same = ind(7, { created_by_ref: OWNER, object_marking_refs: [TLP_MARKING_IDS.green] });
    const local = JSON.stringify({ type: 'bundle', id: 'bundle--6a6a6a6a-6a6a-4a6a-8a6a-6a6a6a6a6a6a', objects: [older, same] });
    expect((await importObjects(store.stix, [local], { hubOwner: HUB, audience: ['state:06'] })).ok).toBe(true);
    OBJECTS.push({ ...older, modified: '2026-10-04T00:00:00.000Z' }, same);
    hidden.clear();
    const pulled = await runPull(deps, { source: 'feed:t', location, receiver: RECEIVER });
    expect(pulled.ok && pulled.value).toMatchObject({ objects: 2, loops: 1, newVersions: 1, added: 0 });
    const updated = await store.stix.get(operator, older['id'] as StixId);
    expect(updated?.modified).toBe('2026-10-04T00:00:00.000Z');
    expect(updated?.sharing.audience).toEqual(['state:06']);
    expect((await repo.receivedAnywhere([older['id'] as StixId, same['id'] as StixId])).size).toBe(0);
  });

  it("refuses, and reports on the source, remote versions of this hub's objects from another creator, of a local organization's, or that change a TLP", async () => {
    const LOCAL_ORG = 'identity--00000011-0000-4000-8000-000000000000' as OrgId;
    const byLocalOrg = ind(8, { created_by_ref: LOCAL_ORG, object_marking_refs: [TLP_MARKING_IDS.amber] });
    const kb = ind(9, { created_by_ref: OWNER, object_marking_refs: [TLP_MARKING_IDS.green] });
    expect((await importObjects(store.stix, [JSON.stringify(byLocalOrg)], { hubOwner: HUB, audience: [`org:${LOCAL_ORG}`] })).ok).toBe(true);
    expect((await importObjects(store.stix, [JSON.stringify(kb)], { hubOwner: HUB, audience: ['state:06'] })).ok).toBe(true);
    const later = '2026-10-05T00:00:00.000Z';
    OBJECTS.length = 0;
    OBJECTS.push(
      { ...byLocalOrg, modified: later, object_marking_refs: [TLP_MARKING_IDS.green] }, // the local organization's object
      { ...kb, modified: later, created_by_ref: RECEIVER }, // another creator
      { ...kb, modified: '2026-10-06T00:00:00.000Z', object_marking_refs: [TLP_MARKING_IDS.clear] }, // a TLP change
    );
    const before = await Promise.all([byLocalOrg, kb].map((o) => store.stix.versions(operator, o['id'] as StixId)));
    const pulled = await runPull({ ...deps, localOrganizations: (ids) => Promise.resolve(new Set(ids.filter((id) => id === LOCAL_ORG))) }, { source: 'feed:local', location, receiver: RECEIVER, since: '2000-01-01T00:00:00Z', propagateNarrowing: false });
    if (!pulled.ok) throw new Error(pulled.error.message);
    expect(pulled.value).toMatchObject({ objects: 3, added: 0, newVersions: 0, rejected: 3, conflicts: 3 });
    expect(pulled.value.rejections.map((r) => r.code)).toEqual(['federation-owner-conflict', 'federation-owner-conflict', 'federation-tlp-change']);
    expect(await Promise.all([byLocalOrg, kb].map((o) => store.stix.versions(operator, o['id'] as StixId)))).toEqual(before);
    const refusals = await repo.refusals('feed:local', 10);
    expect(refusals.map((r) => [r.objectId, r.version, r.code]).sort()).toEqual(
      [
        [byLocalOrg['id'], later, 'federation-owner-conflict'],
        [kb['id'], later, 'federation-owner-conflict'],
        [kb['id'], '2026-10-06T00:00:00.000Z', 'federation-tlp-change'],
      ].sort(),
    );
    expect((await repo.refusalCounts(['feed:local', 'feed:none'])).get('feed:local')).toBe(3);
  });

  it('refuses a pulled object holding voter personal data, naming the field and kind, and stores nothing of it', async () => {
    const leaky = ind(12, { created_by_ref: OWNER, object_marking_refs: [TLP_MARKING_IDS.green], description: 'Caller read out SSN 219-09-9999 (invented)' });
    OBJECTS.length = 0;
    OBJECTS.push(leaky);
    const pulled = await runPull(deps, { source: 'feed:privacy', location, receiver: RECEIVER, since: '2000-01-01T00:00:00Z' });
    if (!pulled.ok) throw new Error(pulled.error.message);
    expect(pulled.value).toMatchObject({ objects: 1, added: 0, rejected: 1 });
    const [rejection] = pulled.value.rejections;
    expect(rejection).toMatchObject({ id: leaky['id'], code: 'voter-personal-data', path: '$.objects[0].description' });
    expect(rejection?.message).toContain('a social security number');
    expect(rejection?.message).not.toContain('219');
    expect(await store.stix.versions(operator, leaky['id'] as StixId)).toEqual([]);
  });

  it('refuses pulled status reports with no functions or an unknown level (issue 10), naming the field, and stores nothing of them', async () => {
    const status = (n: number, functions: unknown): Record<string, unknown> => ({
      ...exampleStatus({ id: `x-rampart-status-report--${String(n).padStart(8, '0')}-4444-4444-8444-444444444444`, functions }),
      created_by_ref: OWNER,
      object_marking_refs: [TLP_MARKING_IDS.green],
    });
    const empty = status(1, {});
    const unknown = status(2, { voting: { level: 'fine' } });
    OBJECTS.length = 0;
    OBJECTS.push(empty, unknown);
    const pulled = await runPull(deps, { source: 'feed:status', location, receiver: RECEIVER, since: '2000-01-01T00:00:00Z' });
    if (!pulled.ok) throw new Error(pulled.error.message);
    expect(pulled.value).toMatchObject({ objects: 2, added: 0, rejected: 2 });
    expect(pulled.value.rejections.map((r) => [r.id, r.code])).toEqual([
      [empty['id'], 'no-functions'],
      [unknown['id'], 'unknown-status-level'],
    ]);
    for (const o of [empty, unknown]) expect(await store.stix.versions(operator, o['id'] as StixId)).toEqual([]);
  });

  it('takes an observable recorded here by another owner as the remote owner\'s own record, beside the local one, refusing nothing', async () => {
    const LOCAL_ORG = 'identity--00000012-0000-4000-8000-000000000000' as OrgId;
    const domain = { type: 'domain-name', spec_version: '2.1', id: 'domain-name--3c10e5a2-2f0e-5a5f-9b1c-7a1f0e2d3c4b', value: 'secret-c2.example', object_marking_refs: [TLP_MARKING_IDS.green] };
    expect((await importObjects(store.stix, [JSON.stringify(domain)], { hubOwner: HUB, owner: LOCAL_ORG, audience: [`org:${LOCAL_ORG}`] })).ok).toBe(true);
    const local = await store.stix.versions(operator, domain.id as StixId);
    OBJECTS.length = 0;
    OBJECTS.push(domain);
    const pulled = await runPull({ ...deps, localOrganizations: () => Promise.resolve(new Set([LOCAL_ORG])) }, { source: 'feed:sco', location, receiver: RECEIVER, since: '2000-01-01T00:00:00Z', propagateNarrowing: false });
    if (!pulled.ok) throw new Error(pulled.error.message);
    expect(pulled.value).toMatchObject({ objects: 1, added: 1, rejected: 0, conflicts: 0, loops: 0 });
    const records = await store.stix.list(operator, { ids: [domain.id as StixId], limit: 10 });
    expect(records.ok ? records.value.items.map((r) => r.sharing) : records.error).toEqual(
      expect.arrayContaining([
        { owner: LOCAL_ORG, tlp: 'green', audience: [`org:${LOCAL_ORG}`] },
        { owner: remoteIdentity(url), tlp: 'green', audience: ['community'] },
      ]),
    );
    // The local organization's record is as it was.
    expect((await store.stix.versions({ kind: 'member', orgId: LOCAL_ORG, userId: null, keys: [`org:${LOCAL_ORG}`] }, domain.id as StixId)).filter((v) => v.sharing.owner === LOCAL_ORG)).toEqual(local);
    expect(await repo.refusals('feed:sco', 10)).toEqual([]);
  });
});
