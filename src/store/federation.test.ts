import { afterEach, describe, expect, it } from 'vitest';
import type { OrgId, StixId } from '../domain/ids.ts';
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
});
