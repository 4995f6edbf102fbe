import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { OrgId, StixId, UserId } from '../domain/ids.ts';
import { err, ok } from '../domain/result.ts';
import { openStore, type RampartStore } from '../store/index.ts';
import type { IncomingObject, ListQuery, Reader, Sharing, StixStore, StoredVersion } from '../store/types.ts';
import { inProcessBus, type ChangeBus } from './bus.ts';
import { cachedNames, liveObject, openFeed, parseResumeId, resumeId, RESUME_SENT_MAX, type LiveEvent } from './feed.ts';
import { publishingStixStore } from './publishing-store.ts';
import { sharedLists, sharedPart, type SharedLists } from './shared-lists.ts';

const OWNER = 'identity--0a000000-0000-4000-8000-00000000000a' as OrgId;
const OTHER = 'identity--0b000000-0000-4000-8000-00000000000b' as OrgId;
const reader: Reader = { kind: 'member', orgId: OTHER, userId: null, keys: ['community', `org:${OTHER}`] };

function object(n: number, sharing: Sharing): IncomingObject {
  const id = `indicator--00000000-0000-4000-8000-${n.toString(16).padStart(12, '0')}` as StixId;
  const modified = '2026-11-02T10:00:00.000Z';
  const json = JSON.stringify({ type: 'indicator', spec_version: '2.1', id, created: modified, modified, name: `n${n}` });
  return { id, type: 'indicator', created: modified, modified, revoked: false, name: `n${n}`, description: null, json, sharing };
}
const community: Sharing = { owner: OWNER, tlp: 'green', audience: ['community'] };
const ownerOnly: Sharing = { owner: OWNER, tlp: 'amber', audience: [`org:${OWNER}`] };

describe('a resume point as an event id', () => {
  it('reads back what it wrote, a plain number (an id of the previous version) as a time, and nothing else', () => {
    const through = 1_796_593_320_279_000;
    for (const sent of [[], [through + 1], [through + 6000, through + 5, through + 1_000_000_000]]) expect(parseResumeId(resumeId({ through, sent }))).toEqual({ through, sent });
    expect(parseResumeId('1796593320279000')).toEqual({ through, sent: [] });
    const many = Array.from({ length: RESUME_SENT_MAX }, (_, i) => through + i + 1);
    expect(parseResumeId(resumeId({ through, sent: many }))).toEqual({ through, sent: many });
    for (const bad of ['', '-1', 'abc', '9'.repeat(17), '1-', '1-0', '1-a..b', '1-A', `1-${Array.from({ length: RESUME_SENT_MAX + 1 }, () => '1').join('.')}`]) expect(parseResumeId(bad), bad).toBeNull();
  });
});

describe('the live feed of one reader', () => {
  let store: RampartStore;
  let bus: ChangeBus;
  let stix: StixStore;
  let queries: ListQuery[];

  beforeEach(async () => {
    store = await openStore({ url: ':memory:' });
    bus = inProcessBus();
    stix = publishingStixStore(store.stix, bus);
    queries = [];
  });
  afterEach(async () => {
    await bus.close();
    await store.close();
  });

  const counted: Pick<StixStore, 'list'> = {
    list: (r, q) => {
      queries.push(q);
      return stix.list(r, q);
    },
  };
  const put = (items: readonly IncomingObject[]) => stix.write(async (w) => ok(await w.putBatch(items, 'reject')));

  function listen(cursor = 0, pageSize?: number, resumed = false) {
    const sent: LiveEvent[] = [];
    const errors: unknown[] = [];
    const log = resumed ? { resharedAfter: (afterUs: number, limit: number) => store.stix.resharedAfter(afterUs, limit) } : {};
    const feed = openFeed({ stix: counted, ownerName: () => Promise.resolve('Owner County'), ...log, ...(pageSize === undefined ? {} : { pageSize }) }, reader, cursor, (events) => {
      sent.push(...events);
      return Promise.resolve();
    }, (e) => errors.push(e));
    const stop = bus.subscribe((c) => feed.notify(c));
    return { feed, sent, errors, stop };
  }

  it('names at most RESUME_SENT_MAX entries in an id; a resume from it sends again only those left out, never misses one', async () => {
    const { feed, sent } = listen();
    const count = RESUME_SENT_MAX + 30;
    for (let i = 1; i <= count; i++) {
      await put([object(1000 + i, community)]);
      await feed.settled();
    }
    expect(sent).toHaveLength(count);
    const ids = sent.map((e) => e.lastId ?? '');
    const last = parseResumeId(ids.at(-1) ?? '');
    if (last === null) throw new Error('an id that does not parse');
    expect(last.sent.length).toBeLessThanOrEqual(RESUME_SENT_MAX);
    expect(ids.every((id) => (parseResumeId(id)?.sent.length ?? Infinity) <= RESUME_SENT_MAX)).toBe(true);
    const named = new Set(last.sent);
    const leftOut = sent.filter((e) => !(e.covers ?? []).some((t) => named.has(t))).map((e) => e.object.name);
    const resumed: LiveEvent[] = [];
    const again = openFeed({ stix, resharedAfter: (a, l) => store.stix.resharedAfter(a, l), resumeSent: last.sent }, reader, last.through, (events) => {
      resumed.push(...events);
      return Promise.resolve();
    }, () => undefined);
    again.poll();
    await again.settled();
    expect(resumed.map((e) => e.object.name)).toEqual(leftOut);
    expect(leftOut.length).toBe(count - last.sent.length);
  });

  it('coalesces a burst of changes into one round of queries and sends only what the reader may see', async () => {
    const { feed, sent } = listen();
    for (let i = 1; i <= 20; i++) await put([object(i, i % 2 === 0 ? community : ownerOnly)]);
    await feed.settled();
    expect(sent.map((e) => e.object.name)).toEqual([2, 4, 6, 8, 10, 12, 14, 16, 18, 20].map((n) => `n${n}`));
    // 20 changes: the first wakes a round, the rest land while it runs and share at most one more.
    expect(queries.length).toBeLessThanOrEqual(2);
    expect(sent[0]?.object).toMatchObject({ tlp: 'green', owner: OWNER, owner_name: 'Owner County', change: 'stored', revoked: false });
    expect(feed.cursor).toBe(sent[sent.length - 1]?.cursor);
  });

  it('reads a backlog longer than a page in further rounds, and resumes from a cursor', async () => {
    await put(Array.from({ length: 7 }, (_, i) => object(i + 1, community)));
    const { feed, sent } = listen(0, 3);
    feed.poll();
    await feed.settled();
    expect(sent.map((e) => e.object.name)).toEqual(['n1', 'n2', 'n3', 'n4', 'n5', 'n6', 'n7']);
    const later = listen(sent[4]?.cursor ?? -1);
    later.feed.poll();
    await later.feed.settled();
    expect(later.sent.map((e) => e.object.name)).toEqual(['n6', 'n7']);
  });

  it('after a narrowing re-share sends nothing about the object to a reader who lost it; a widening sends it as reshared', async () => {
    const [shared, hidden] = [object(1, community), object(2, ownerOnly)];
    await put([hidden, shared]);
    const { feed, sent } = listen();
    feed.poll();
    await feed.settled();
    expect(sent.map((e) => e.object.id)).toEqual([shared.id]);
    await stix.reshare(shared.id, ownerOnly);
    const widened = await stix.reshare(hidden.id, community);
    await feed.settled();
    expect(sent.map((e) => [e.object.id, e.object.change])).toEqual([
      [shared.id, 'stored'],
      [hidden.id, 'reshared'],
    ]);
    // The reshared event carries when the re-share was logged, after the version before it: a reconnect from it does not report it again.
    expect(widened).not.toBeNull();
    expect(sent[1]?.cursor).toBe(widened);
    expect(sent[1]?.cursor).toBeGreaterThan(sent[0]?.cursor ?? Infinity);
  });

  it('resumed from a cursor, reports once each object re-shared to its reader meanwhile, nothing of one narrowed away or re-shared before it', async () => {
    const [before, widened, narrowed, twice, updated] = [object(1, ownerOnly), object(2, ownerOnly), object(3, community), object(4, ownerOnly), object(5, ownerOnly)];
    await put([before, widened, narrowed, twice, updated]);
    await stix.reshare(before.id, community);
    const first = listen(0, undefined, true);
    first.feed.poll();
    await first.feed.settled();
    expect(first.sent.map((e) => [e.object.id, e.object.change])).toEqual([
      [before.id, 'stored'],
      [narrowed.id, 'stored'],
    ]);
    const cursor = first.sent.at(-1)?.cursor ?? -1;
    first.stop();
    first.feed.close();

    // While away: a widening, a narrowing, an object widened twice (by two re-shares), and one widened then given a new version.
    const widenedAt = await stix.reshare(widened.id, community);
    await stix.reshare(narrowed.id, ownerOnly);
    await stix.reshare(twice.id, { ...community, audience: ['community', `org:${OWNER}`] });
    const last = await stix.reshare(twice.id, community);
    await stix.reshare(updated.id, community);
    await put([{ ...object(5, community), modified: '2026-11-02T11:00:00.000Z', json: JSON.stringify({ type: 'indicator', spec_version: '2.1', id: updated.id, created: '2026-11-02T10:00:00.000Z', modified: '2026-11-02T11:00:00.000Z', name: 'n5, second' }) }]);

    const resumed = listen(cursor, undefined, true);
    resumed.feed.poll();
    await resumed.feed.settled();
    expect(resumed.errors).toEqual([]);
    // In the order they happened, each event at its own time.
    expect(resumed.sent.map((e) => [e.object.id, e.object.change])).toEqual([
      [widened.id, 'reshared'],
      [twice.id, 'reshared'],
      [updated.id, 'stored'],
    ]);
    expect(resumed.sent.map((e) => e.cursor).slice(0, 2)).toEqual([widenedAt, last]);
    const cursors = resumed.sent.map((e) => e.cursor);
    expect([...cursors].sort((a, b) => a - b)).toEqual(cursors);
    expect(resumed.feed.cursor).toBeGreaterThanOrEqual(last ?? Infinity);

    // The re-shares' own changes, heard late (another process's messages still on the way): not reported again.
    for (const [id, at] of [[widened.id, widenedAt], [twice.id, last]] as const) resumed.feed.notify({ kind: 'reshared', id, ...(at === null ? {} : { at_us: at }) });
    await resumed.feed.settled();
    expect(resumed.sent).toHaveLength(3);

    // A reconnect with the last id it got reports none of them again; one after the first event reports the rest.
    const again = listen(resumed.sent.at(-1)?.cursor ?? -1, undefined, true);
    again.feed.poll();
    await again.feed.settled();
    expect(again.sent).toEqual([]);
    const fromMiddle = listen(resumed.sent[0]?.cursor ?? -1, undefined, true);
    fromMiddle.feed.poll();
    await fromMiddle.feed.settled();
    expect(fromMiddle.sent.map((e) => [e.object.id, e.object.change])).toEqual([
      [twice.id, 'reshared'],
      [updated.id, 'stored'],
    ]);
    for (const l of [resumed, again, fromMiddle]) {
      l.stop();
      l.feed.close();
    }
  });

  it('says nothing of a re-share of another owner\'s record of an id it sees (an observable several organizations hold), live or resumed', async () => {
    const THIRD = 'identity--0c000000-0000-4000-8000-00000000000c' as OrgId;
    const seen = object(7, community);
    const hidden = { ...object(7, { owner: THIRD, tlp: 'amber', audience: [`org:${THIRD}`] }) };
    await put([seen]);
    await put([hidden]);
    const { feed, sent, stop } = listen(0, undefined, true);
    feed.poll();
    await feed.settled();
    expect(sent.map((e) => [e.object.id, e.object.owner, e.object.change])).toEqual([[seen.id, OWNER, 'stored']]);
    const cursor = sent.at(-1)?.cursor ?? -1;
    // The third organization re-shares its own record, still not with this reader.
    await stix.reshare(hidden.id, { owner: THIRD, tlp: 'amber', audience: [`org:${THIRD}`, 'org:identity--0d000000-0000-4000-8000-00000000000d'] });
    await feed.settled();
    expect(sent).toHaveLength(1);
    stop();
    feed.close();
    const resumed = listen(cursor, undefined, true);
    resumed.feed.poll();
    await resumed.feed.settled();
    expect(resumed.sent).toEqual([]);
    // Its owner re-shares the record it sees: that is news.
    await stix.reshare(seen.id, { ...community, audience: ['community', `org:${OTHER}`] });
    await resumed.feed.settled();
    expect(resumed.sent.map((e) => [e.object.id, e.object.owner, e.object.change])).toEqual([[seen.id, OWNER, 'reshared']]);
    resumed.stop();
    resumed.feed.close();
  });

  it('stops, and says why, when the store fails', async () => {
    const failing: Pick<StixStore, 'list'> = { list: () => Promise.resolve(err({ kind: 'invalid', code: 'broken', message: 'broken' })) };
    const errors: unknown[] = [];
    const feed = openFeed({ stix: failing }, reader, 0, () => Promise.resolve(), (e) => errors.push(e));
    feed.poll();
    await feed.settled();
    feed.poll();
    await feed.settled();
    expect(errors).toHaveLength(1);
  });
});

describe('the publishing store', () => {
  it('announces a committed write once with the count stored, a refused or unchanged write not at all, and every re-share', async () => {
    const store = await openStore({ url: ':memory:' });
    const bus = inProcessBus();
    const heard: unknown[] = [];
    bus.subscribe((c) => heard.push(c));
    const stix = publishingStixStore(store.stix, bus);
    try {
      const items = [object(1, community), object(2, community)];
      await stix.write(async (w) => ok(await w.putBatch(items, 'reject')));
      await stix.write(async (w) => ok(await w.putBatch(items, 'reject')));
      await stix.write(async (w) => {
        await w.putBatch([object(3, community)], 'reject');
        return err('changed my mind');
      });
      const at = await stix.reshare(items[0]?.id ?? ('' as StixId), ownerOnly);
      // The change names where the stored versions went, and which versions (id and added time only), read back from the store.
      const stored = await store.stix.list({ kind: 'operator' }, { versions: 'all', limit: 10 });
      const versions = stored.ok ? stored.value.items.map((v) => ({ id: v.id, added_us: v.addedUs })) : [];
      expect(versions.map((v) => v.id)).toEqual(items.map((i) => i.id));
      expect(heard).toEqual([
        { kind: 'stored', count: 2, audience: ['community'], owners: [OWNER], versions },
        { kind: 'reshared', id: items[0]?.id, owner: OWNER, at_us: at },
      ]);
      // Logged at a tick of the store's clock after the versions stored before it.
      expect(at).toBeGreaterThan(Math.max(...versions.map((v) => v.added_us)));
    } finally {
      await store.close();
    }
  });
});

describe('a feed told where a write went', () => {
  it('does not ask the store when its reader holds none of the keys and is none of the owners; asks when it does', async () => {
    let queries = 0;
    const stix = {
      list: () => {
        queries++;
        return Promise.resolve(ok({ items: [], nextCursor: null }));
      },
    };
    const reader: Reader = { kind: 'member', orgId: OWNER, userId: null, keys: ['community', `org:${OWNER}`, 'state:55'] };
    const feed = openFeed({ stix }, reader, 0, () => Promise.resolve(), (e) => {
      throw e;
    });
    feed.notify({ kind: 'stored', count: 1, audience: ['state:17'], owners: ['identity--0b000000-0000-4000-8000-00000000000b'] });
    await feed.settled();
    expect(queries).toBe(0);
    feed.notify({ kind: 'stored', count: 1, audience: ['state:55'], owners: ['identity--0b000000-0000-4000-8000-00000000000b'] });
    await feed.settled();
    expect(queries).toBe(1);
    feed.notify({ kind: 'stored', count: 1, audience: ['state:17'], owners: [OWNER] });
    await feed.settled();
    expect(queries).toBe(2);
    // A change that names nothing (a large write) wakes every feed.
    feed.notify({ kind: 'stored', count: 5000 });
    await feed.settled();
    expect(queries).toBe(3);
    feed.close();
  });
});

const nameOfJson = (json: string) => (JSON.parse(json) as { name: string }).name;

describe('feeds of colleagues sharing their queries', () => {
  const ALICE = '0c000000-0000-4000-8000-00000000000c' as UserId;
  const BOB = '0d000000-0000-4000-8000-00000000000d' as UserId;
  const person = (userId: UserId): Reader => ({ kind: 'member', orgId: OTHER, userId, keys: ['community', `org:${OTHER}`, `user:${userId}`] });
  const forAlice: Sharing = { owner: OWNER, tlp: 'red', audience: [`user:${ALICE}`] };
  let store: RampartStore;
  let bus: ChangeBus;
  let stix: StixStore;
  let sharedQueries: number;
  let shared: SharedLists;

  beforeEach(async () => {
    store = await openStore({ url: ':memory:' });
    bus = inProcessBus();
    stix = publishingStixStore(store.stix, bus);
    sharedQueries = 0;
    shared = sharedLists({
      list: (r, q) => {
        sharedQueries++;
        return stix.list(r, q);
      },
    });
    bus.subscribe(() => shared.changed());
  });
  afterEach(async () => {
    await bus.close();
    await store.close();
  });

  /** A feed from the beginning for one reader, with what it has sent; settled once its first poll is done. */
  async function open(reader: Reader) {
    const sent: LiveEvent[] = [];
    const feed = openFeed({ stix, shared }, reader, 0, (events) => {
      sent.push(...events);
      return Promise.resolve();
    }, (e) => {
      throw e;
    });
    bus.subscribe((c) => feed.notify(c));
    feed.poll();
    await feed.settled();
    return { feed, sent };
  }
  const put = (target: Pick<StixStore, 'write'>, items: readonly IncomingObject[]) => target.write(async (w) => ok(await w.putBatch(items, 'reject')));

  it('asks the store once per change for both, and a TLP:RED version naming one reaches that person alone', async () => {
    const alice = await open(person(ALICE));
    const bob = await open(person(BOB));
    await put(stix, [object(1, community)]);
    await Promise.all([alice.feed.settled(), bob.feed.settled()]);
    expect(sharedQueries).toBe(1);
    expect(alice.sent.map((e) => e.object.name)).toEqual(['n1']);
    expect(bob.sent.map((e) => e.object.name)).toEqual(['n1']);
    await put(stix, [object(2, forAlice)]);
    await Promise.all([alice.feed.settled(), bob.feed.settled()]);
    expect(alice.sent.map((e) => e.object.name)).toEqual(['n1', 'n2']);
    expect(bob.sent.map((e) => e.object.name)).toEqual(['n1']);
  });

  it('shares one query between organizations of one state; what one organization owns or is named to it reaches it alone', async () => {
    const B = 'identity--0e000000-0000-4000-8000-00000000000e' as OrgId;
    const office = (orgId: OrgId): Reader => ({ kind: 'member', orgId, userId: null, keys: ['community', 'state:55', `org:${orgId}`] });
    const feeds = await Promise.all([office(OTHER), office(B)].map(open));
    const settled = () => Promise.all(feeds.map((f) => f.feed.settled()));
    await put(stix, [object(6, { owner: OWNER, tlp: 'amber', audience: ['state:55'] })]);
    await settled();
    expect(sharedQueries).toBe(1);
    await put(stix, [object(7, { owner: OWNER, tlp: 'amber+strict', audience: [`org:${OTHER}`] })]);
    await put(stix, [object(8, { owner: B, tlp: 'amber+strict', audience: [`org:${B}`] })]);
    await settled();
    expect(feeds.map((f) => f.sent.map((e) => e.object.name))).toEqual([
      ['n6', 'n7'],
      ['n6', 'n8'],
    ]);
    // The shared reader sees what is shared with its keys, and owns nothing.
    const page = await stix.list({ kind: 'audience', keys: ['state:55', `org:${OTHER}`] }, { limit: 10 });
    expect(page.ok ? page.value.items.map((v) => nameOfJson(v.json)) : null).toEqual(['n6', 'n7']);
  });

  it('reads again from its last personal round when a change names a version below its position (heard after a later one)', async () => {
    const reader = person(BOB);
    const bob = await open(reader);
    // Stored without a word on the bus (its change still on the way), then one the process offers it alone.
    await put(store.stix, [object(9, community)]);
    await put(store.stix, [object(10, community)]);
    const page = await store.stix.list({ kind: 'operator' }, { versions: 'all', limit: 10 });
    const [late, later] = ['n9', 'n10'].map((n) => (page.ok ? page.value.items.find((v) => nameOfJson(v.json) === n) : undefined));
    if (late === undefined || later === undefined) throw new Error('n9 and n10 not stored');
    const named = (v: StoredVersion) => ({ kind: 'stored' as const, count: 1, audience: ['community'], owners: [OWNER], versions: [{ id: v.id, added_us: v.addedUs }] });
    bob.feed.offer(sharedPart(reader), named(later), [{ addedUs: later.addedUs, object: await liveObject(later, 'stored', undefined) }]);
    expect(bob.sent.map((e) => e.object.name)).toEqual(['n10']);
    // Taken by notify (as a busy feed takes it): a round from its position would go past it.
    bob.feed.notify(named(late));
    await bob.feed.settled();
    expect(bob.sent.map((e) => e.object.name)).toEqual(['n10', 'n9']);
    bob.feed.notify(named(late));
    await bob.feed.settled();
    expect(bob.sent.map((e) => e.object.name)).toEqual(['n10', 'n9']);
  });

  it('reports once, late, a version for one person that a shared round went past before its change was heard', async () => {
    const alice = await open(person(ALICE));
    // Stored without a word on the bus (its change still on the way), then something for everyone.
    await put(store.stix, [object(3, forAlice)]);
    await put(stix, [object(4, community)]);
    await alice.feed.settled();
    expect(alice.sent.map((e) => e.object.name)).toEqual(['n4']);
    const position = alice.feed.cursor;
    alice.feed.notify({ kind: 'stored', count: 1, audience: [`user:${ALICE}`], owners: [OWNER] });
    await alice.feed.settled();
    expect(alice.sent.map((e) => e.object.name)).toEqual(['n4', 'n3']);
    // Late, it carries the position already reached: a reconnect resumes after both.
    expect(alice.sent[1]?.cursor).toBe(position);
    await put(stix, [object(5, community)]);
    await alice.feed.settled();
    expect(alice.sent.map((e) => e.object.name)).toEqual(['n4', 'n3', 'n5']);
  });
});

describe('cachedNames', () => {
  it('looks each organization up once', async () => {
    let calls = 0;
    const names = cachedNames((id) => {
      calls++;
      return Promise.resolve(id === OWNER ? 'Owner County' : null);
    });
    expect([await names(OWNER), await names(OWNER), await names(OTHER)]).toEqual(['Owner County', 'Owner County', null]);
    expect(calls).toBe(2);
  });
});
