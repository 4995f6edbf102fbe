import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import type { AudienceKey } from '../domain/audience.ts';
import type { OrgId, StixId, UserId } from '../domain/ids.ts';
import { freshStores, obj, put, share } from '../../test/helpers/stix-kit.ts';
import { testDialects } from '../../test/helpers/store.ts';
import type { IncomingObject, Reader, StixStore } from '../store/types.ts';
import { inProcessBus, type Change, type ChangeBus } from './bus.ts';
import { storeCatchUp } from './catch-up.ts';
import { storedFanOut } from './fanout.ts';
import { FeedEnded, openFeed, type Feed, type LiveEvent } from './feed.ts';
import { publishingStixStore } from './publishing-store.ts';
import { sharedLists } from './shared-lists.ts';

const org = (n: number) => `identity--0000000${n}-0000-4000-8000-0000000000f${n}` as OrgId;
const [DANE, SAUK, WISCONSIN, ILLINOIS] = [org(1), org(2), org(3), org(4)] as [OrgId, OrgId, OrgId, OrgId];
const ALICE = '0c000000-0000-4000-8000-00000000000c' as UserId;
const GROUP = 'group:0f000000-0000-4000-8000-00000000000f' as AudienceKey;
const office = (orgId: OrgId, state: string, extra: readonly AudienceKey[] = []): Reader => ({ kind: 'member', orgId, userId: null, keys: ['public', 'community', `state:${state}` as AudienceKey, `org:${orgId}` as AudienceKey, ...extra] });
const alice: Reader = { kind: 'member', orgId: WISCONSIN, userId: ALICE, keys: ['public', 'community', 'state:55', `org:${WISCONSIN}`, `user:${ALICE}`] };

interface Counted {
  readonly stix: Pick<StixStore, 'list' | 'seenBy' | 'reshares' | 'resharedAfter'>;
  readonly calls: { list: number; seenBy: Reader[][] };
}

function counting(stix: StixStore): Counted {
  const calls = { list: 0, seenBy: [] as Reader[][] };
  return {
    calls,
    stix: {
      list: (r, q) => {
        calls.list++;
        return stix.list(r, q);
      },
      seenBy: (readers, id, addedUs) => {
        calls.seenBy.push([...readers]);
        return stix.seenBy(readers, id, addedUs);
      },
      reshares: (after, limit) => stix.reshares(after, limit),
      resharedAfter: (afterUs, limit) => stix.resharedAfter(afterUs, limit),
    },
  };
}

interface Stream {
  readonly reader: () => Reader | null;
  readonly feed: Feed;
  readonly sent: LiveEvent[];
  readonly errors: unknown[];
}

/**
 * One process's live feeds as src/alerts/routes.ts wires them (its catch-up of lost changes too, without a
 * grace period), but every stored change goes to every feed (no index by keys): a feed whose reader may not
 * see a change must get nothing of it by itself.
 */
function liveProcess(bus: ChangeBus, counted: Counted) {
  const shared = sharedLists(counted.stix);
  const fanOut = storedFanOut({ stix: counted.stix, ownerName: () => Promise.resolve('Dane County Clerk (fictional)'), onError: (e) => { throw e; } });
  const streams: Stream[] = [];
  const take = (change: Change) => {
    shared.changed();
    if (change.kind === 'stored' && change.audience !== undefined && change.owners !== undefined && change.versions !== undefined) {
      fanOut.take({ ...change, audience: change.audience, owners: change.owners, versions: change.versions }, streams.map((s) => s.feed));
    } else for (const s of streams) s.feed.notify(change);
  };
  const catchUp = storeCatchUp({ stix: counted.stix, now: () => performance.now(), graceMs: 0, deliver: take });
  bus.subscribe((change: Change) => {
    catchUp.heard(change);
    take(change);
  });
  return {
    streams,
    /** Resolves when the process accounts for what is stored (before any stream's first round). */
    watching: catchUp.watch(),
    /**
     * A stream from `cursor`, its reader as `current()` says each time its credentials are read (null: revoked);
     * `resumed`: a reconnect with Last-Event-ID (it reads the log of re-shares after its cursor, as the route's does).
     */
    open(current: () => Reader | null, cursor = 0, resumed = false): Stream {
      const sent: LiveEvent[] = [];
      const errors: unknown[] = [];
      const opened = current();
      if (opened === null) throw new Error('opened without credentials');
      const log = resumed ? { resharedAfter: counted.stix.resharedAfter } : {};
      const feed = openFeed({ stix: counted.stix, shared, currentReader: () => Promise.resolve(current()), ...log }, opened, cursor, (events) => {
        sent.push(...events);
        return Promise.resolve();
      }, (e) => errors.push(e));
      const stream = { reader: current, feed, sent, errors };
      streams.push(stream);
      feed.poll();
      return stream;
    },
    async settled(): Promise<void> {
      await fanOut.settled();
      await Promise.all(streams.map((s) => s.feed.settled()));
    },
    /** Every stream's heartbeat (its credentials read again), and the process's scan for what no change named. */
    async heartbeat(): Promise<void> {
      for (const s of streams) s.feed.beat();
      await catchUp.scan();
    },
  };
}

describe.each(testDialects())('live fan-out of stored changes on %s', (dialect) => {
  const fresh = freshStores(dialect);

  async function world() {
    const { store } = await fresh();
    const bus = inProcessBus((e) => {
      throw e;
    });
    const stix = publishingStixStore(store.stix, bus);
    const counted = counting(stix);
    const hub = liveProcess(bus, counted);
    await hub.watching;
    return { store, bus, stix, counted, hub };
  }

  it('asks the store once per version for all the feeds of one key set, and sends each the same event', async () => {
    const { stix, counted, hub } = await world();
    const counties = Array.from({ length: 20 }, (_, i) => hub.open(() => office(`identity--0000${String(i).padStart(4, '0')}-0000-4000-8000-0000000000aa` as OrgId, '55')));
    const outsider = hub.open(() => office(ILLINOIS, '17'));
    await hub.settled();
    counted.calls.list = 0;
    counted.calls.seenBy = [];
    const report = obj({ type: 'x-rampart-status', name: 'Dane County: polls open', sharing: share(DANE, 'amber', ['state:55']) });
    await put(stix, [report]);
    await hub.settled();
    // One read of the version for its event, one seenBy for the one shared reader of twenty feeds (the outsider's is skipped: it holds no key of the change).
    expect(counted.calls.list).toBe(1);
    expect(counted.calls.seenBy.map((readers) => readers.length)).toEqual([1]);
    for (const c of counties) expect(c.sent.map((e) => e.object.id)).toEqual([report.id]);
    expect(new Set(counties.map((c) => c.sent[0]?.object)).size).toBe(1);
    expect(counties[0]?.sent[0]?.object).toMatchObject({ name: 'Dane County: polls open', owner: DANE, owner_name: 'Dane County Clerk (fictional)', tlp: 'amber', change: 'stored' });
    expect(outsider.sent).toEqual([]);
  });

  it('sends every feed exactly what the store lets its reader see, whatever is written and whichever changes are lost', async () => {
    const keys: AudienceKey[] = ['public', 'community', 'state:55', 'state:17', `org:${DANE}`, `org:${SAUK}`, `org:${ILLINOIS}`, `user:${ALICE}`, GROUP];
    const owners = [DANE, SAUK, WISCONSIN, ILLINOIS];
    const write = fc.record({
      owner: fc.constantFrom(...owners),
      audience: fc.subarray(keys, { minLength: 1 }),
      objects: fc.integer({ min: 1, max: 2 }),
      // A change lost on the way (NATS delivers at most once): only the process's catch-up scan finds it.
      heard: fc.boolean(),
    });
    await fc.assert(
      fc.asyncProperty(fc.array(write, { minLength: 1, maxLength: 6 }), async (writes) => {
        const { store, stix, hub } = await world();
        const readers: Reader[] = [office(DANE, '55'), office(SAUK, '55', [GROUP]), office(WISCONSIN, '55'), alice, office(ILLINOIS, '17', [GROUP]), { kind: 'public' }, { kind: 'operator' }];
        const streams = readers.map((r) => hub.open(() => r));
        await hub.settled();
        for (const w of writes) {
          const items: IncomingObject[] = Array.from({ length: w.objects }, () => obj({ name: 'a report', sharing: share(w.owner, 'amber', w.audience) }));
          await put(w.heard ? stix : store.stix, items);
        }
        await hub.settled();
        await hub.heartbeat();
        await hub.settled();
        for (const [i, reader] of readers.entries()) {
          const page = await store.stix.list(reader, { versions: 'all', limit: 1000 });
          if (!page.ok) throw new Error(page.error.message);
          const stream = streams[i];
          expect(stream?.errors).toEqual([]);
          // Everything it may see, once each; nothing else.
          expect([...(stream?.sent ?? [])].map((e) => e.object.id).sort()).toEqual(page.value.items.map((v) => v.id).sort());
          const cursors = (stream?.sent ?? []).map((e) => e.cursor);
          expect([...cursors].sort((a, b) => a - b)).toEqual(cursors);
        }
      }),
      { numRuns: dialect === 'postgres' ? 8 : 25 },
    );
  });

  it('a stream that reconnects with its last event id gets, once each, what was stored and re-shared to it while away, and nothing it may not see', async () => {
    const keys: AudienceKey[] = ['public', 'community', 'state:55', 'state:17', `org:${DANE}`, `org:${SAUK}`, `org:${ILLINOIS}`, `user:${ALICE}`, GROUP];
    const owners = [DANE, SAUK, WISCONSIN, ILLINOIS];
    const step = fc.oneof(
      fc.record({ kind: fc.constant('write' as const), owner: fc.constantFrom(...owners), audience: fc.subarray(keys, { minLength: 1 }), heard: fc.boolean() }),
      // A re-share of an object written before (by index), its change heard or lost.
      fc.record({ kind: fc.constant('reshare' as const), target: fc.nat(), audience: fc.subarray(keys, { minLength: 1 }), heard: fc.boolean() }),
    );
    await fc.assert(
      fc.asyncProperty(fc.array(step, { minLength: 1, maxLength: 8 }), fc.nat(), async (steps, at) => {
        const { store, stix, hub } = await world();
        const readers: Reader[] = [office(DANE, '55'), office(SAUK, '55', [GROUP]), office(WISCONSIN, '55'), alice, office(ILLINOIS, '17', [GROUP]), { kind: 'public' }];
        const written: IncomingObject[] = [];
        // Each re-share that changed something, with when the store says it logged it.
        const reshares: { id: StixId; at: number }[] = [];
        const run = async (part: typeof steps) => {
          for (const s of part) {
            const via = s.heard ? stix : store.stix;
            if (s.kind === 'write') {
              const item = obj({ name: 'a report', sharing: share(s.owner, 'amber', s.audience) });
              written.push(item);
              await put(via, [item]);
            } else {
              const target = written[s.target % Math.max(1, written.length)];
              const logged = target === undefined ? null : await via.reshare(target.id, share(target.sharing.owner, 'amber', s.audience));
              if (target !== undefined && logged !== null) reshares.push({ id: target.id, at: logged });
            }
          }
        };
        const away = at % (steps.length + 1);
        const first = readers.map((r) => hub.open(() => r));
        await hub.settled();
        await run(steps.slice(0, away));
        await hub.settled();
        await hub.heartbeat();
        await hub.settled();
        // Each reconnects with the id of the last event it got (none yet: from where it opened).
        const cursors = first.map((s) => {
          s.feed.close();
          return s.sent.at(-1)?.cursor ?? 0;
        });
        await run(steps.slice(away));
        await hub.settled();
        const resumed = readers.map((r, i) => hub.open(() => r, cursors[i], true));
        await hub.settled();
        await hub.heartbeat();
        await hub.settled();
        for (const [i, reader] of readers.entries()) {
          const stream = resumed[i];
          const cursor = cursors[i] ?? 0;
          expect(stream?.errors).toEqual([]);
          const sent = stream?.sent ?? [];
          // What was stored after its cursor that it may see, once each.
          const page = await store.stix.list(reader, { versions: 'all', addedAfterUs: cursor, limit: 1000 });
          if (!page.ok) throw new Error(page.error.message);
          const stored = sent.filter((e) => e.object.change === 'stored').map((e) => e.object.id);
          expect([...stored].sort()).toEqual(page.value.items.map((v) => v.id).sort());
          // What was re-shared after its cursor that it sees now, once each, unless a new version said it.
          const expected: string[] = [];
          for (const id of new Set(reshares.filter((r) => r.at > cursor).map((r) => r.id))) {
            if (stored.includes(id)) continue;
            const seen = await store.stix.list(reader, { ids: [id], limit: 10 });
            if (!seen.ok) throw new Error(seen.error.message);
            if (seen.value.items.length > 0) expected.push(id);
          }
          const reshared = sent.filter((e) => e.object.change === 'reshared').map((e) => e.object.id);
          expect([...reshared].sort()).toEqual(expected.sort());
          const order = sent.map((e) => e.cursor);
          expect([...order].sort((a, b) => a - b)).toEqual(order);
          expect(order.every((c) => c > cursor)).toBe(true);
        }
      }),
      { numRuns: dialect === 'postgres' ? 8 : 25 },
    );
  });

  it('a version seen late is sent at the position reached, and a stream resumed from an earlier event gets everything after it', async () => {
    const { store, stix, hub } = await world();
    const stream = hub.open(() => office(SAUK, '55'));
    await hub.settled();
    const first = obj({ name: 'first', sharing: share(DANE, 'amber', ['state:55']) });
    const missed = obj({ name: 'missed', sharing: share(DANE, 'amber', ['state:55']) });
    const third = obj({ name: 'third', sharing: share(DANE, 'amber', ['state:55']) });
    await put(stix, [first]);
    await hub.settled();
    // Stored without a word on the bus, then one that is heard.
    await put(store.stix, [missed]);
    await put(stix, [third]);
    await hub.settled();
    expect(stream.sent.map((e) => e.object.name)).toEqual(['first', 'third']);
    await hub.heartbeat();
    await hub.settled();
    expect(stream.sent.map((e) => e.object.name)).toEqual(['first', 'third', 'missed']);
    expect(stream.sent[2]?.cursor).toBe(stream.sent[1]?.cursor);
    const resumed = hub.open(() => office(SAUK, '55'), stream.sent[0]?.cursor);
    await hub.settled();
    expect(resumed.sent.map((e) => e.object.name)).toEqual(['missed', 'third']);
  });

  it('a version for one person reaches that person alone, the store asked with the whole reader', async () => {
    const { stix, counted, hub } = await world();
    const person = hub.open(() => alice);
    const colleague = hub.open(() => office(WISCONSIN, '55'));
    await hub.settled();
    counted.calls.list = 0;
    counted.calls.seenBy = [];
    const red = obj({ name: 'for Alice', sharing: share(DANE, 'red', [`user:${ALICE}`]) });
    await put(stix, [red]);
    await hub.settled();
    expect(person.sent.map((e) => e.object.id)).toEqual([red.id]);
    expect(colleague.sent).toEqual([]);
    // No round of its own: the version read once, and seenBy asked with Alice's whole reader (her user: key in it).
    expect(counted.calls.list).toBe(1);
    expect(counted.calls.seenBy.flat()).toEqual([alice]);
  });

  it('a heartbeat asks the store only for credentials: a key revoked without an access change ends the stream, a group joined brings what was shared with it', async () => {
    const { stix, counted, hub } = await world();
    let revoked = false;
    let inGroup = false;
    const key = hub.open(() => (revoked ? null : office(SAUK, '55')));
    const joiner = hub.open(() => office(ILLINOIS, '17', inGroup ? [GROUP] : []));
    await hub.settled();
    counted.calls.list = 0;
    await hub.heartbeat();
    await hub.settled();
    // Nothing stored, nothing changed: the process's one scan, and no round of either feed.
    expect(counted.calls.list).toBe(1);

    // Joined (that takes nothing away: no access change), then something is shared with the group.
    inGroup = true;
    const toGroup = obj({ name: 'to the group', sharing: share(DANE, 'amber', [GROUP]) });
    await put(stix, [toGroup]);
    await hub.settled();
    // Its feed still reads with the keys of its last round.
    expect(joiner.sent).toEqual([]);

    // Revoked without a word on the bus: the next heartbeat finds it.
    revoked = true;
    await hub.heartbeat();
    await hub.settled();
    expect(key.errors.map((e) => e instanceof FeedEnded)).toEqual([true]);
    expect(joiner.errors).toEqual([]);
    expect(joiner.sent.map((e) => e.object.id)).toEqual([toGroup.id]);
    // Ended: nothing more reaches it.
    await put(stix, [obj({ name: 'after', sharing: share(DANE, 'amber', ['state:55']) })]);
    await hub.heartbeat();
    await hub.settled();
    expect(key.sent).toEqual([]);
  });

  it('an access change stops a revoked stream at once and takes a group left away before the next change is offered', async () => {
    const { bus, stix, hub } = await world();
    let revoked = false;
    let inGroup = true;
    const key = hub.open(() => (revoked ? null : office(SAUK, '55')));
    const member = hub.open(() => office(ILLINOIS, '17', inGroup ? [GROUP] : []));
    await hub.settled();
    const before = obj({ name: 'to the group', sharing: share(DANE, 'amber', [GROUP, 'state:55']) });
    await put(stix, [before]);
    await hub.settled();
    expect(key.sent.map((e) => e.object.id)).toEqual([before.id]);
    expect(member.sent.map((e) => e.object.id)).toEqual([before.id]);

    revoked = true;
    inGroup = false;
    bus.publish({ kind: 'access', orgs: [SAUK, ILLINOIS] });
    const after = obj({ name: 'to the group, after', sharing: share(DANE, 'amber', [GROUP, 'state:55']) });
    // Written before the access change's rounds have read the readers again: the offer finds the feeds busy or their readers changed.
    await put(stix, [after]);
    await hub.settled();
    expect(key.errors.map((e) => e instanceof FeedEnded)).toEqual([true]);
    expect(key.sent.map((e) => e.object.id)).toEqual([before.id]);
    expect(member.sent.map((e) => e.object.id)).toEqual([before.id]);
  });
});
