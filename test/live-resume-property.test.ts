import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import type { Change } from '../src/alerts/bus.ts';
import { storeCatchUp } from '../src/alerts/catch-up.ts';
import { openFeed, parseResumeId, type Feed, type LiveEvent, type NamedChange } from '../src/alerts/feed.ts';
import { storedFanOut } from '../src/alerts/fanout.ts';
import { publishingStixStore } from '../src/alerts/publishing-store.ts';
import { ok } from '../src/domain/result.ts';
import type { StixId } from '../src/domain/ids.ts';
import type { Sharing, StixStore } from '../src/store/types.ts';
import { freshStores, member, ORG_A, ORG_B, share } from './helpers/stix-kit.ts';
import { testDialects } from './helpers/store.ts';

/**
 * A stream resumed with the id it last got misses nothing and repeats nothing, whatever NATS lost: random interleavings
 * of posts, new versions that change sharing (an import's re-share), REST re-shares (wider and narrower), changes
 * dropped on the way, catch-up scans and disconnects. The oracle is the store read with the reader at the end.
 */
const reader = member(ORG_B, ['community', `org:${ORG_B}`]);
const SHARINGS: readonly Sharing[] = [
  share(ORG_A, 'green', ['community']),
  share(ORG_A, 'amber', [`org:${ORG_A}`]),
  share(ORG_A, 'amber', [`org:${ORG_B}`]),
  share(ORG_A, 'amber', ['state:55']),
];

type Op =
  | { readonly kind: 'post'; readonly sharing: number; readonly drop: boolean }
  | { readonly kind: 'version'; readonly object: number; readonly sharing: number; readonly drop: boolean }
  | { readonly kind: 'reshare'; readonly object: number; readonly sharing: number; readonly drop: boolean }
  | { readonly kind: 'scan' }
  | { readonly kind: 'reconnect' };

const sharingIx = fc.nat({ max: SHARINGS.length - 1 });
const op: fc.Arbitrary<Op> = fc.oneof(
  { weight: 3, arbitrary: fc.record({ kind: fc.constant('post' as const), sharing: sharingIx, drop: fc.boolean() }) },
  { weight: 2, arbitrary: fc.record({ kind: fc.constant('version' as const), object: fc.nat(), sharing: sharingIx, drop: fc.boolean() }) },
  { weight: 3, arbitrary: fc.record({ kind: fc.constant('reshare' as const), object: fc.nat(), sharing: sharingIx, drop: fc.boolean() }) },
  { weight: 1, arbitrary: fc.record({ kind: fc.constant('scan' as const) }) },
  { weight: 2, arbitrary: fc.record({ kind: fc.constant('reconnect' as const) }) },
);

let serial = 0;

function sharingOf(i: number): Sharing {
  const s = SHARINGS[i];
  if (s === undefined) throw new Error(`no sharing ${i}`);
  return s;
}

describe.each(testDialects())('a resumed live stream on %s', (dialect) => {
  const fresh = freshStores(dialect);

  it('has seen, after its last resume, exactly the versions and re-shares its reader may see, whatever changes were lost', async () => {
    const { store } = await fresh();
    await fc.assert(
      fc.asyncProperty(fc.array(op, { minLength: 1, maxLength: 25 }), async (ops) => {
        // This process: what its bus delivers (or loses), its catch-up (no grace: a scan hands on at once what it finds unheard), its fan-out.
        let dropping = false;
        const errors: unknown[] = [];
        const feeds = new Set<Feed>();
        const fan = storedFanOut({ stix: store.stix, onError: (e) => errors.push(e) });
        const taken: unknown[] = [];
        const take = (change: Change) => {
          taken.push([change, feeds.size]);
          if (change.kind === 'stored' && change.audience !== undefined && change.owners !== undefined && change.versions !== undefined) fan.take(change as NamedChange, feeds);
          else for (const f of feeds) f.notify(change);
        };
        const catchUp = storeCatchUp({ stix: store.stix, now: () => performance.now(), graceMs: 0, deliver: take });
        const stix: StixStore = publishingStixStore(store.stix, {
          publish: (change) => {
            if (dropping) return;
            catchUp.heard(change);
            take(change);
          },
          subscribe: () => () => undefined,
          close: () => Promise.resolve(),
        });

        // The client: what it got, in order, and the id of the last event.
        const got: { event: LiveEvent; visible: boolean }[] = [];
        let lastId: string | null = null;
        let feed: Feed | null = null;
        const checks: Promise<void>[] = [];
        const objects: { id: StixId; n: number }[] = [];
        const mine = new Set<string>();
        // A tick before now: the store's clock gives a write in this millisecond this millisecond's first microsecond.
        const start = Date.now() * 1000 - 1;

        const open = async (): Promise<void> => {
          await catchUp.watch();
          const point = lastId === null ? null : parseResumeId(lastId);
          if (lastId !== null) expect(point).not.toBeNull();
          const opened = openFeed(
            { stix: store.stix, resharedAfter: (after, limit) => store.stix.resharedAfter(after, limit), ...(point === null ? {} : { resumeSent: point.sent }) },
            reader,
            point?.through ?? start,
            (events) => {
              // Received as sent (the client has it, and its id, from here on); checked before the next step.
              const check = Promise.all(
                events.map(async (event) => {
                  const entry = { event, visible: false };
                  got.push(entry);
                  if (event.lastId !== undefined) lastId = event.lastId;
                  // Safety, when it is sent: the reader may read this version of the record now.
                  const seen = await store.stix.list(reader, { ids: [event.object.id], owners: [event.object.owner], versions: 'all', limit: 100 });
                  entry.visible = seen.ok && seen.value.items.some((v) => v.modified === event.object.modified);
                }),
              ).then(() => undefined);
              checks.push(check);
              return check;
            },
            (e) => errors.push(e),
          );
          feeds.add(opened);
          feed = opened;
          opened.poll();
          await quiet();
        };
        const quiet = async (): Promise<void> => {
          for (let i = 0; i < 5; i++) {
            await fan.settled();
            await feed?.settled();
            await Promise.all(checks);
            await new Promise((resolve) => setImmediate(resolve));
          }
        };
        const close = () => {
          if (feed === null) return;
          feed.close();
          feeds.delete(feed);
          catchUp.unwatch();
          feed = null;
        };
        // Re-shares the reader must hear of if it sees the record at the end: each with how many events the client had then.
        const reshares: { id: StixId; at: number; logged: boolean }[] = [];
        const json = (id: StixId, n: number, modified: string) => JSON.stringify({ type: 'indicator', spec_version: '2.1', id, created: '2026-11-02T10:00:00.000Z', modified, name: `o${n}` });

        await open();
        let versions = 0;
        for (const o of ops) {
          dropping = 'drop' in o && o.drop;
          switch (o.kind) {
            case 'post': {
              const n = ++serial;
              const id = `indicator--00000000-0000-4000-8000-${n.toString(16).padStart(12, '0')}` as StixId;
              const modified = '2026-11-02T10:00:00.000Z';
              const written = await stix.write(async (w) => ok(await w.putBatch([{ id, type: 'indicator', created: modified, modified, revoked: false, name: `o${n}`, description: null, json: json(id, n, modified), sharing: sharingOf(o.sharing) }], 'reject')));
              expect(written.ok).toBe(true);
              objects.push({ id, n });
              mine.add(id);
              break;
            }
            case 'version': {
              const target = objects[o.object % Math.max(1, objects.length)];
              if (target === undefined) break;
              const modified = new Date(Date.parse('2026-11-02T11:00:00.000Z') + ++versions * 1000).toISOString();
              const before = await store.stix.resharedAfter(start, 1_000_000);
              // What the client had before the write: an event for the record after it is one after the re-share.
              const mark = got.length;
              await stix.write(async (w) => ok(await w.putBatch([{ id: target.id, type: 'indicator', created: '2026-11-02T10:00:00.000Z', modified, revoked: false, name: `o${target.n}`, description: null, json: json(target.id, target.n, modified), sharing: sharingOf(o.sharing) }], 'reject')));
              const after = await store.stix.resharedAfter(before.at(-1)?.atUs ?? 0, 1000);
              for (const e of after) if (e.atUs !== null) reshares.push({ id: e.id, at: mark, logged: true });
              break;
            }
            case 'reshare': {
              const target = objects[o.object % Math.max(1, objects.length)];
              if (target === undefined) break;
              const mark = got.length;
              const at = await stix.reshare(target.id, sharingOf(o.sharing));
              // A re-share that changed nothing logs nothing, but is still announced (REST's answer): it may be reported, need not be.
              reshares.push({ id: target.id, at: mark, logged: at !== null });
              break;
            }
            case 'scan': {
              await catchUp.scan();
              const watermark = catchUp.watermark;
              await quiet();
              if (watermark !== null) for (const f of feeds) f.settle(watermark);
              break;
            }
            case 'reconnect':
              close();
              await open();
              break;
          }
          dropping = false;
          await quiet();
        }
        // The last disconnect, before any catch-up found what was lost.
        close();
        await open();
        close();

        const all = await store.stix.list({ kind: 'operator' }, { ids: [...mine] as StixId[], versions: 'all', limit: 1000 });
        const log = await store.stix.resharedAfter(start, 100);
        const debug = () => console.log(JSON.stringify({ ops, got: got.map((g) => [g.event.object.name, g.event.object.change, g.event.object.modified, g.event.cursor, g.event.lastId]), start, taken, all: all.ok ? all.value.items.map((v) => [v.id.slice(-4), v.modified, v.addedUs, v.sharing.audience]) : null, log }));
        try {
        expect(errors).toEqual([]);
        const events = got.filter((g) => mine.has(g.event.object.id));
        // Nothing it may not see.
        expect(events.filter((g) => !g.visible).map((g) => g.event.object)).toEqual([]);
        // No version twice as stored.
        const stored = events.filter((g) => g.event.object.change === 'stored').map((g) => `${g.event.object.id} ${g.event.object.modified}`);
        expect(stored.length).toBe(new Set(stored).size);
        // Every version it may see now: an event for its record at that version or a later one.
        const visible = await store.stix.list(reader, { ids: [...mine] as StixId[], versions: 'all', limit: 1000 });
        if (!visible.ok) throw new Error(visible.error.message);
        for (const v of visible.value.items) {
          const heard = events.some((g) => g.event.object.id === v.id && (g.event.object.modified ?? '') >= (v.modified ?? ''));
          expect(heard, `version ${v.id} ${v.modified ?? ''}`).toBe(true);
        }
        // Every re-share of a record it sees now: an event for the record after it was made.
        const seenNow = new Set(visible.value.items.map((v) => v.id));
        for (const r of reshares) {
          if (!seenNow.has(r.id) || !r.logged) continue;
          expect(got.slice(r.at).some((g) => g.event.object.id === r.id), `re-share of ${r.id}`).toBe(true);
        }
        // And no re-share reported more often than it was made.
        for (const id of seenNow) {
          const reported = events.filter((g) => g.event.object.id === id && g.event.object.change === 'reshared').length;
          expect(reported).toBeLessThanOrEqual(reshares.filter((r) => r.id === id).length);
        }
        } catch (e) {
          if (process.env['LIVE_DEBUG'] !== undefined) debug();
          throw e;
        }
      }),
      { numRuns: dialect === 'postgres' ? 60 : 300 },
    );
  }, 240_000);
});
