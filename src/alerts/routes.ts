import { Type } from '@sinclair/typebox';
import { PassThrough } from 'node:stream';
import type { FastifyRequest } from 'fastify';
import { Counter, Gauge } from 'prom-client';
import type { OrgId } from '../domain/ids.ts';
import { problem, type Problem } from '../domain/problem.ts';
import type { AppPlugin, RequestKit, RampartPlugin } from '../http/deps.ts';
import { problemResponses } from '../http/schemas.ts';
import type { Reader, StixStore } from '../store/types.ts';
import type { Change, ChangeBus } from './bus.ts';
import { storeCatchUp } from './catch-up.ts';
import { storedFanOut, type FanOut } from './fanout.ts';
import { FeedEnded, openFeed, parseResumeId, type Feed, type LiveEvent } from './feed.ts';
import { sharedLists } from './shared-lists.ts';

export interface LiveRouteDeps {
  readonly stix: Pick<StixStore, 'list' | 'seenBy' | 'reshares' | 'resharedAfter'>;
  readonly bus: ChangeBus;
  readonly clock: { now(): Date };
  readonly ownerName?: (id: OrgId) => Promise<string | null>;
  /** Open streams allowed per user, API key owner or (anonymous) address; default 6. */
  readonly maxPerPrincipal?: number;
  /**
   * A comment line and the credentials checked again this often (default 15 s): keeps proxies from closing the
   * stream; a version whose change was lost is found by the process within a third of it (at most 5 s) plus a beat.
   */
  readonly heartbeatMs?: number;
  /**
   * A stream ends after this long (default 10 min); the browser reconnects with Last-Event-ID. (Credentials are
   * checked again on every heartbeat, before every round of the stream's own, and at once on an `access` change.)
   */
  readonly maxAgeMs?: number;
  readonly pageSize?: number;
}

const DEFAULT_MAX_PER_PRINCIPAL = 6;
const DEFAULT_HEARTBEAT_MS = 15_000;
const DEFAULT_MAX_AGE_MS = 10 * 60_000;
/** How long a browser waits before reconnecting after the stream ends. */
const RETRY_MS = 3_000;


// An event fanned out to many streams carries the same object: its JSON is made once.
const jsonOf = new WeakMap<LiveEvent['object'], string>();

/** One SSE frame: `id:`, `event:`, one `data:` line of compact JSON (JSON.stringify never emits a newline). */
function frame(event: LiveEvent): string {
  let json = jsonOf.get(event.object);
  if (json === undefined) {
    json = JSON.stringify(event.object);
    jsonOf.set(event.object, json);
  }
  return `id: ${event.lastId ?? event.cursor}\nevent: object\ndata: ${json}\n\n`;
}

// The same event written to many streams (a status report to a state's few hundred): its frame encoded once, the same bytes to every socket.
const bytesOf = new WeakMap<LiveEvent['object'], { readonly id: string; readonly bytes: Buffer }>();

/** What a stream is sent of `events`: one event's bytes as every other stream sending it has them. */
function frames(events: readonly LiveEvent[]): Buffer {
  const [only] = events;
  if (only === undefined || events.length > 1) return Buffer.from(events.map(frame).join(''));
  const held = bytesOf.get(only.object);
  // The streams that sent the same events before share the id too (they settled together).
  const id = only.lastId ?? String(only.cursor);
  if (held?.id === id) return held.bytes;
  const bytes = Buffer.from(frame(only));
  bytesOf.set(only.object, { id, bytes });
  return bytes;
}

const HEARTBEAT = Buffer.from(': heartbeat\n\n');

/** Heartbeats are given in this many groups, one group at a time, each stream's once every heartbeat period. */
const HEARTBEAT_GROUPS = 15;
/** A version no change named for this long is taken as lost (a third of the heartbeat at most). */
const MAX_GRACE_MS = 5_000;

/**
 * The heartbeats of a process's streams, each every `periodMs`, given a group at a time on one timer:
 * the feeds of a group check their readers' credentials in the same turn, so the store answers them in
 * a few queries (src/store/batched.ts) instead of a few per feed; thousands of streams each on their own
 * timer asked PostgreSQL five queries per heartbeat, spread evenly (docs/benchmarks.md, Election day under load).
 * `onTick` runs after each group's beats (the process's catch-up scan).
 */
function heartbeats(periodMs: number, onTick: () => void): { add(beat: () => void): () => void; stop(): void } {
  const count = Math.max(1, Math.min(HEARTBEAT_GROUPS, Math.round(periodMs / 1000)));
  const groups = Array.from({ length: count }, () => new Set<() => void>());
  let next = 0;
  let members = 0;
  let timer: NodeJS.Timeout | null = null;
  const tick = () => {
    const group = groups[next] ?? new Set();
    next = (next + 1) % count;
    for (const beat of group) beat();
    onTick();
  };
  return {
    add(beat) {
      // Into the group whose turn is furthest away: a new stream's first heartbeat comes a period after it opened, as before.
      const group = groups[(next + count - 1) % count] ?? new Set();
      group.add(beat);
      members++;
      timer ??= setInterval(tick, periodMs / count);
      return () => {
        if (!group.delete(beat)) return;
        members--;
        if (members === 0 && timer !== null) {
          clearInterval(timer);
          timer = null;
        }
      };
    },
    stop() {
      if (timer !== null) clearInterval(timer);
      timer = null;
    },
  };
}

interface IndexedStream {
  readonly feed: Feed;
  /** Its organization, told of support requests that name it; null for the public. */
  readonly orgId: OrgId | null;
  readonly support: (change: Extract<Change, { kind: 'support' }>) => void;
}

/** What a change can name that concerns a reader (see concerns() in feed.ts): its audience keys, its organization as owner; '*' for the operator. */
function indexNames(reader: Reader): string[] {
  switch (reader.kind) {
    case 'operator':
      return ['*'];
    case 'public':
      return ['key:public'];
    case 'member':
      return [...new Set(reader.keys.map((k) => `key:${k}`)), `owner:${reader.orgId}`];
    case 'audience':
      return [...new Set(reader.keys.map((k) => `key:${k}`))];
  }
}

/**
 * The streams of a process by the keys of their readers (as of each feed's last round), so a change that
 * names where its versions went is handed only to the feeds it may concern, not to every stream: a status
 * report concerns its state's feeds, and handing each of thousands of streams every change was most of a
 * server's CPU on election day (docs/benchmarks.md). The feed still decides with concerns() and the store.
 */
function streamIndex(fanOut: FanOut) {
  const all = new Map<Feed, { entry: IndexedStream; names: string[] }>();
  const byName = new Map<string, Set<IndexedStream>>();
  const byOrg = new Map<string, Set<IndexedStream>>();
  const index = (entry: IndexedStream, names: readonly string[], add: boolean) => {
    for (const name of names) {
      let set = byName.get(name);
      if (add) {
        if (set === undefined) byName.set(name, (set = new Set()));
        set.add(entry);
      } else if (set !== undefined) {
        set.delete(entry);
        if (set.size === 0) byName.delete(name);
      }
    }
  };
  return {
    add(entry: IndexedStream, reader: Reader): () => void {
      const names = indexNames(reader);
      all.set(entry.feed, { entry, names });
      index(entry, names, true);
      if (entry.orgId !== null) byOrg.set(entry.orgId, (byOrg.get(entry.orgId) ?? new Set()).add(entry));
      return () => {
        const held = all.get(entry.feed);
        if (held === undefined) return;
        all.delete(entry.feed);
        index(entry, held.names, false);
        if (entry.orgId !== null) {
          const set = byOrg.get(entry.orgId);
          set?.delete(entry);
          if (set?.size === 0) byOrg.delete(entry.orgId);
        }
      };
    },
    /** A feed read its reader again: indexed under its keys now. */
    moved(feed: Feed, reader: Reader): void {
      const held = all.get(feed);
      if (held === undefined) return;
      const names = indexNames(reader);
      if (names.length === held.names.length && names.every((n, i) => n === held.names[i])) return;
      index(held.entry, held.names, false);
      index(held.entry, names, true);
      held.names = names;
    },
    /** Resolves when every stored change taken so far has been offered to its feeds. */
    settled: () => fanOut.settled(),
    /** Every entry of the log up to `watermark` was handed to the feeds: each idle one counts it accounted for. */
    settle(watermark: number): void {
      for (const { entry } of all.values()) {
        try {
          entry.feed.settle(watermark);
        } catch (error) {
          console.error('rampart live feed: a feed failed to settle', error);
        }
      }
    },
    dispatch(change: Change): void {
      if (change.kind === 'support') {
        // Only that a request changed, to its own organizations; the page then asks for it.
        const told = new Set<IndexedStream>();
        for (const org of change.orgs) for (const entry of byOrg.get(org) ?? []) told.add(entry);
        for (const entry of told) entry.support(change);
        return;
      }
      if (change.kind === 'access') {
        // Credentials taken away: those organizations' streams read their readers again now, not at their heartbeat.
        const told = change.orgs === undefined ? [...all.values()].map((e) => e.entry) : change.orgs.flatMap((org) => [...(byOrg.get(org) ?? [])]);
        for (const entry of told) notifySafely(entry.feed, change);
        return;
      }
      if (change.kind === 'stored' && change.audience !== undefined && change.owners !== undefined) {
        const woken = new Set<IndexedStream>(byName.get('*') ?? []);
        for (const key of change.audience) for (const entry of byName.get(`key:${key}`) ?? []) woken.add(entry);
        for (const owner of change.owners) for (const entry of byName.get(`owner:${owner}`) ?? []) woken.add(entry);
        const { audience, owners, versions } = change;
        if (versions !== undefined) fanOut.take({ ...change, audience, owners, versions }, [...woken].map((e) => e.feed));
        else for (const entry of woken) notifySafely(entry.feed, change);
        return;
      }
      for (const { entry } of all.values()) notifySafely(entry.feed, change);
    },
  };
}

/** One feed's bug must not keep the change from the others. */
function notifySafely(feed: Feed, change: Change): void {
  try {
    feed.notify(change);
  } catch (error) {
    console.error('rampart live feed: a feed failed to take a change', error);
  }
}

/** A stream's reader, and the key its connections are counted under; or why it may not have one. */
type Who = { readonly ok: true; readonly reader: Reader; readonly slot: string } | { readonly ok: false; readonly problem: Problem };

/**
 * `GET /api/v1/live`: Server-Sent Events of the objects stored or re-shared from now on (or from
 * Last-Event-ID) that the reader may see. Signed-in readers (session or API key, read scope is
 * enough) see their organization's view; anonymous readers see what is public.
 */
export function liveRoutes(deps: LiveRouteDeps): AppPlugin {
  const maxPer = deps.maxPerPrincipal ?? DEFAULT_MAX_PER_PRINCIPAL;
  const heartbeatMs = deps.heartbeatMs ?? DEFAULT_HEARTBEAT_MS;
  const maxAgeMs = deps.maxAgeMs ?? DEFAULT_MAX_AGE_MS;
  return (kit: RequestKit) => {
    const open = new Map<string, number>();
    const streams = new Set<PassThrough>();
    new Gauge({
      name: 'rampart_live_connections',
      help: 'Open live-feed streams (GET /api/v1/live) on this process',
      registers: [kit.metrics],
      collect() {
        this.set(streams.size);
      },
    });

    const whoIs = (request: FastifyRequest): Who => {
      const principal = kit.principalOf(request);
      const reader = kit.readerOf(request);
      if (principal !== null && reader !== null) return { ok: true, reader, slot: `${principal.orgId}/${principal.userId ?? '-'}` };
      // Nobody signed in is the public reader; a credential that was sent but is no longer valid is refused.
      const refused = kit.requireReader(request);
      if (refused.ok || refused.error.code === 'unauthenticated') return { ok: true, reader: { kind: 'public' }, slot: `ip:${request.ip}` };
      return { ok: false, problem: refused.error };
    };

    // One query per organization's key set rather than per stream; it hears each change before the feeds do.
    const shared = sharedLists(deps.stix);
    const streamsByKey = streamIndex(storedFanOut({ stix: deps.stix, ...(deps.ownerName === undefined ? {} : { ownerName: deps.ownerName }) }));
    const take = (change: Change) => {
      shared.changed();
      streamsByKey.dispatch(change);
    };
    // Versions whose change never came (lost on the way, or written by another program): found once per process.
    const caughtUp = new Counter({
      name: 'rampart_live_caught_up_versions_total',
      help: 'Stored versions no change message named in time, handed to the live feeds of this process by its catch-up scan (lost NATS messages, writes straight into the database)',
      registers: [kit.metrics],
    });
    const caughtUpReshares = new Counter({
      name: 'rampart_live_caught_up_reshares_total',
      help: 'Re-shares no change message named in time, handed to the live feeds of this process by its catch-up scan of the log of re-shares (lost NATS messages)',
      registers: [kit.metrics],
    });
    const catchUp = storeCatchUp({
      stix: deps.stix,
      now: () => performance.now(),
      graceMs: Math.min(MAX_GRACE_MS, heartbeatMs / 3),
      deliver: (change) => {
        if (change.kind === 'stored') caughtUp.inc(change.count);
        if (change.kind === 'reshared') caughtUpReshares.inc();
        take(change);
      },
    });
    const plugin: RampartPlugin = (app) => {
      const beats = heartbeats(heartbeatMs, () => {
        catchUp
          .scan()
          .then(async () => {
            // Everything up to the watermark was handed to the feeds; once the fan-out has offered it, an idle feed has taken it.
            const watermark = catchUp.watermark;
            if (watermark === null) return;
            await streamsByKey.settled();
            streamsByKey.settle(watermark);
          })
          .catch((error: unknown) => app.log.error({ err: error }, 'live feed catch-up failed; trying again at the next beat'));
      });
      const stopSharing = deps.bus.subscribe((change) => {
        catchUp.heard(change);
        take(change);
      });
      app.addHook('preClose', (done) => {
        stopSharing();
        beats.stop();
        // Open streams would hold the server open; end them, the browsers reconnect elsewhere.
        for (const stream of streams) stream.end();
        done();
      });
      app.get(
        '/api/v1/live',
        {
          config: { produces: 'text/event-stream' },
          schema: {
            tags: ['live'],
            summary: 'Server-Sent Events: objects stored or re-shared from now on (or after Last-Event-ID) that you may see',
            headers: { type: 'object', properties: { 'last-event-id': { type: 'string' } } },
            // For a client that reconnects by itself (a browser's EventSource cannot set the header on a new connection).
            querystring: Type.Object({ last_event_id: Type.Optional(Type.String()) }, { additionalProperties: false }),
            response: {
              200: { description: 'text/event-stream: `event: object` frames (`id:` the resume point to send back as Last-Event-ID, opaque; `data:` one line of JSON: id, type, name, tlp, owner, owner_name, modified, revoked, change) and heartbeat comments', content: { 'text/event-stream': { schema: { type: 'string' } } } },
              ...problemResponses(400, 401, 429),
            },
          },
        },
        async (request, reply) => {
          const who = whoIs(request);
          if (!who.ok) return kit.sendProblem(reply, who.problem);
          const header = request.headers['last-event-id'];
          const lastId = ((Array.isArray(header) ? header[0] : header) ?? request.query.last_event_id)?.trim();
          const resume = lastId === undefined ? null : parseResumeId(lastId);
          if (lastId !== undefined && resume === null) {
            return kit.sendProblem(reply, problem('invalid', 'invalid-last-event-id', `Last-Event-ID "${lastId}" is not an id this feed sent; reconnect without it to start from now`));
          }
          const count = open.get(who.slot) ?? 0;
          if (count >= maxPer) {
            void reply.header('retry-after', String(Math.ceil(RETRY_MS / 1000)));
            return kit.sendProblem(
              reply,
              problem('rate-limited', 'too-many-live-connections', `You already have ${count} live feeds open; each user, API key owner or anonymous address may have ${maxPer}. Close one (another tab or client) and try again.`),
            );
          }
          open.set(who.slot, count + 1);
          // A new stream starts a tick before now: a write in this millisecond may be given its first microsecond by the store's clock.
          const cursor = resume === null ? deps.clock.now().getTime() * 1000 - 1 : resume.through;

          const stream = new PassThrough();
          streams.add(stream);
          const write = async (text: string | Buffer): Promise<void> => {
            if (stream.writableEnded || stream.destroyed) return;
            if (!stream.write(text)) await new Promise<void>((resolve) => stream.once('drain', resolve).once('close', resolve));
          };
          const feed = openFeed(
            {
              stix: deps.stix,
              shared,
              // A signed-in reader's session or key is checked again before each round of its own (every
              // heartbeat, and at once when an `access` change names its organization): a revoked key, a
              // disabled person or a group left stops the feed, not when the stream ends.
              ...(who.reader.kind === 'public' ? {} : { currentReader: () => kit.currentReader(request) }),
              ...(deps.ownerName === undefined ? {} : { ownerName: deps.ownerName }),
              ...(deps.pageSize === undefined ? {} : { pageSize: deps.pageSize }),
              // The first round reads the log of re-shares after its cursor too: a reconnect gets what was re-shared to its reader while
              // it was away (leaving out what the client had after its cursor: the id names them), and a new stream a re-share whose
              // message was lost between its cursor and where the process's catch-up starts (watch(), read after the stream opens).
              resharedAfter: (afterUs: number, limit: number) => deps.stix.resharedAfter(afterUs, limit),
              ...(resume === null ? {} : { resumeSent: resume.sent }),
              onReader: (reader) => streamsByKey.moved(feed, reader),
            },
            who.reader,
            cursor,
            (events) => write(frames(events)),
            (error) => {
              if (error instanceof FeedEnded) request.log.info('live feed ended: its credentials no longer hold');
              else request.log.error({ err: error }, 'live feed query failed; ending the stream');
              stream.end();
            },
          );
          const orgId = who.reader.kind === 'member' ? who.reader.orgId : null;
          const unsubscribe = streamsByKey.add(
            { feed, orgId, support: (change) => void write(`event: support\ndata: ${JSON.stringify({ request_id: change.request_id })}\n\n`) },
            who.reader,
          );
          // The heartbeat asks the store nothing but the credentials (batched with the other streams of its beat).
          const stopBeating = beats.add(() => {
            void write(HEARTBEAT);
            feed.beat();
          });
          // From here on, whatever the process stores is accounted for; the first round comes after that (below).
          const watched = catchUp.watch();
          const maxAge = setTimeout(() => stream.end(), maxAgeMs);
          let cleaned = false;
          const cleanUp = () => {
            if (cleaned) return;
            cleaned = true;
            feed.close();
            unsubscribe();
            stopBeating();
            catchUp.unwatch();
            clearTimeout(maxAge);
            streams.delete(stream);
            const left = (open.get(who.slot) ?? 1) - 1;
            if (left <= 0) open.delete(who.slot);
            else open.set(who.slot, left);
          };
          reply.raw.once('close', cleanUp);
          stream.once('close', cleanUp);
          stream.write(`retry: ${RETRY_MS}\n: rampart live feed\n\n`);
          // Changes while the stream was being set up are not lost: the first query covers them.
          watched.then(
            () => feed.poll(),
            (error: unknown) => {
              request.log.error({ err: error }, 'live feed catch-up could not read where the store stands');
              feed.poll();
            },
          );
          void reply
            .code(200)
            .header('content-type', 'text/event-stream; charset=utf-8')
            .header('cache-control', 'no-store')
            // nginx and similar proxies would otherwise buffer the stream.
            .header('x-accel-buffering', 'no');
          return reply.send(stream);
        },
      );
      return Promise.resolve();
    };
    return { plugin };
  };
}
