import { sql } from 'kysely';
import { afterEach, describe, expect, it } from 'vitest';
import type { OrgId, StixId } from '../domain/ids.ts';
import { remoteOwnerId } from '../domain/remote-owner.ts';
import { importObjects } from '../ingest/import.ts';
import { up as federationOwners } from './migrations/0010-federation-owners.ts';
import { federationRepository, type FeedRecord } from './federation.ts';
import { openStore, type RampartStore } from './index.ts';
import { testDatabase, testDialects, type TestDatabase } from '../../test/helpers/store.ts';

const ORG = 'identity--0000000a-0000-4000-8000-000000000000' as OrgId;
const OTHER = 'identity--0000000b-0000-4000-8000-000000000000' as OrgId;
const id = (n: number) => `indicator--${String(n).padStart(8, '0')}-0000-4000-8000-000000000000` as StixId;

const FEED: FeedRecord = {
  id: '6f1c0000-0000-4000-8000-000000000001',
  orgId: ORG,
  name: 'State hub',
  url: 'https://state.example/taxii2/',
  collection: 'community',
  direction: 'pull',
  credentialRef: 'env:STATE_KEY',
  intervalSeconds: 900,
  audience: ['state:06', 'community'],
  types: ['indicator'],
  createdAt: '2026-11-01T00:00:00.000Z',
  lastRunAt: null,
  lastStatus: null,
  lastMessage: null,
};

describe.each(testDialects())('federation repository (%s)', (dialect) => {
  let db: TestDatabase | null = null;
  let store: RampartStore | null = null;
  afterEach(async () => {
    await store?.close();
    await db?.drop();
  });

  it('keeps feeds, cursors and receipts; deleting a feed drops its cursor, not its receipts', async () => {
    db = testDatabase(dialect);
    store = await openStore({ url: db.url });
    const repo = federationRepository(store.database);
    await repo.addFeed(FEED);
    await repo.addFeed({ ...FEED, id: '6f1c0000-0000-4000-8000-000000000002', orgId: OTHER, direction: 'push', types: null });
    expect(await repo.feed(FEED.id)).toEqual(FEED);
    expect((await repo.feeds(ORG)).map((f) => f.id)).toEqual([FEED.id]);
    expect(await repo.feeds()).toHaveLength(2);
    await repo.recordRun(FEED.id, '2026-11-05T08:00:00.000Z', 'error', 'taxii-network: refused');
    expect(await repo.feed(FEED.id)).toMatchObject({ lastRunAt: '2026-11-05T08:00:00.000Z', lastStatus: 'error', lastMessage: 'taxii-network: refused' });

    const source = `feed:${FEED.id}`;
    expect(await repo.cursor(source)).toBeNull();
    await repo.saveCursor(source, { addedAfter: null, next: 'abc', highWater: '2026-11-05T08:00:00.123456Z' }, '2026-11-05T08:00:01Z');
    await repo.saveCursor(source, { addedAfter: '2026-11-05T08:00:00.123456Z', next: null, highWater: '2026-11-05T08:00:00.123456Z' }, '2026-11-05T08:00:02Z');
    expect(await repo.cursor(source)).toEqual({ addedAfter: '2026-11-05T08:00:00.123456Z', next: null, highWater: '2026-11-05T08:00:00.123456Z' });

    await repo.recordReceived(source, [1, 2, 3].map((n) => ({ objectId: id(n), owner: OTHER, tlp: 'green' as const, audience: ['community' as const], withdrawn: false })), '2026-11-05T08:00:02Z');
    await repo.setWithdrawn(source, [id(2)], true);
    expect((await repo.received(source)).map((r) => [r.objectId, r.withdrawn])).toEqual([[id(1), false], [id(2), true], [id(3), false]]);
    // Receiving it again clears the withdrawal.
    await repo.recordReceived(source, [{ objectId: id(2), owner: OTHER, tlp: 'amber', audience: [`org:${ORG}`], withdrawn: false }], '2026-11-05T08:00:03Z');
    expect((await repo.received(source)).find((r) => r.objectId === id(2))).toEqual({ objectId: id(2), owner: OTHER, tlp: 'amber', audience: [`org:${ORG}`], withdrawn: false });
    expect([...(await repo.receivedAnywhere([id(1), id(4)]))]).toEqual([id(1)]);

    expect(await repo.deleteFeed(FEED.id)).toBe(true);
    expect(await repo.deleteFeed(FEED.id)).toBe(false);
    expect(await repo.cursor(source)).toBeNull();
    // Receipts outlive the feed, so its objects are never mistaken for this hub's own.
    expect([...(await repo.receivedAnywhere([id(1), id(2), id(3)]))].sort()).toEqual([id(1), id(2), id(3)]);
    expect(await repo.feeds()).toHaveLength(1);
  });

  it('keeps the newest refusals of each source, one per version, and drops them with the feed', async () => {
    db = testDatabase(dialect);
    store = await openStore({ url: db.url });
    const repo = federationRepository(store.database);
    await repo.addFeed(FEED);
    const source = `feed:${FEED.id}`;
    await repo.recordRefusals(source, [{ objectId: id(1), version: '2026-11-01T00:00:00.000Z', code: 'federation-owner-conflict', message: 'first' }], '2026-11-05T08:00:00.000Z');
    await repo.recordRefusals(source, [{ objectId: id(1), version: '2026-11-01T00:00:00.000Z', code: 'federation-owner-conflict', message: 'again' }, { objectId: id(2), version: '', code: 'tlp-red-not-federated', message: 'red' }], '2026-11-05T09:00:00.000Z');
    expect(await repo.refusals(source, 10)).toEqual([
      { objectId: id(1), version: '2026-11-01T00:00:00.000Z', code: 'federation-owner-conflict', message: 'again', refusedAt: '2026-11-05T09:00:00.000Z' },
      { objectId: id(2), version: '', code: 'tlp-red-not-federated', message: 'red', refusedAt: '2026-11-05T09:00:00.000Z' },
    ]);
    expect([...(await repo.refusalCounts([source, 'feed:other']))]).toEqual([[source, 2]]);
    await repo.deleteFeed(FEED.id);
    expect(await repo.refusals(source, 10)).toEqual([]);
  });

  it('migration 0010 re-owns objects received before it by remote owners bound to the hub they first came through', async () => {
    db = testDatabase(dialect);
    store = await openStore({ url: db.url });
    const repo = federationRepository(store.database);
    const database = store.database.db;
    await repo.addFeed(FEED);
    const other = { ...FEED, id: '6f1c0000-0000-4000-8000-000000000003', url: 'https://other.example/taxii2/' };
    await repo.addFeed(other);
    // As a pull stored them before: owned by their creator's own id; the second one withdrawn (shared with its owner alone).
    const object = (n: number, audience: string[]) => ({ type: 'indicator', spec_version: '2.1', id: id(n), created: '2026-10-01T00:00:00.000Z', modified: '2026-10-01T00:00:00.000Z', created_by_ref: OTHER, pattern: "[ipv4-addr:value = '203.0.113.1']", pattern_type: 'stix', valid_from: '2026-10-01T00:00:00Z', audience });
    for (const [n, audience] of [[1, ['community']], [2, [`org:${OTHER}`]], [3, ['community']]] as const) {
      const { audience: _a, ...stix } = object(n, [...audience]);
      expect((await importObjects(store.stix, [JSON.stringify(stix)], { hubOwner: ORG, tlp: 'green', audience })).ok).toBe(true);
    }
    await repo.recordReceived(`feed:${FEED.id}`, [1, 2].map((n) => ({ objectId: id(n), owner: OTHER, tlp: 'green' as const, audience: ['community' as const], withdrawn: false })), '2026-11-01T00:00:00Z');
    await repo.setWithdrawn(`feed:${FEED.id}`, [id(2)], true);
    // Object 1 came later through another hub too; object 3 only through a feed since deleted.
    await repo.recordReceived(`feed:${other.id}`, [{ objectId: id(1), owner: OTHER, tlp: 'green', audience: ['community'], withdrawn: false }], '2026-11-02T00:00:00Z');
    await repo.recordReceived('feed:6f1c0000-0000-4000-8000-0000000000ff', [{ objectId: id(3), owner: OTHER, tlp: 'green', audience: ['community'], withdrawn: false }], '2026-11-01T00:00:00Z');

    await sql`drop table federation_refusal`.execute(database);
    await federationOwners(database);

    const owner = remoteOwnerId('https://state.example', OTHER);
    const operator = { kind: 'operator' } as const;
    expect((await store.stix.get(operator, id(1)))?.sharing).toEqual({ owner, tlp: 'green', audience: ['community'] });
    expect((await store.stix.get(operator, id(2)))?.sharing).toEqual({ owner, tlp: 'green', audience: [`org:${owner}`] });
    expect((await store.stix.get(operator, id(3)))?.sharing.owner).toBe(OTHER);
    // The withdrawn object is readable by its remote owner alone now, not by an organization holding its creator's id.
    expect(await store.stix.get({ kind: 'member', orgId: OTHER, userId: null, keys: ['community', `org:${OTHER}`] }, id(2))).toBeNull();
    expect((await repo.received(`feed:${FEED.id}`)).map((r) => [r.objectId, r.owner])).toEqual([[id(1), owner], [id(2), owner]]);
    expect(await repo.received(`feed:${other.id}`)).toEqual([]);
  });
});
