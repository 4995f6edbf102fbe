/**
 * Alerts at scale. `npm run bench:fanout` measures, each beside a reference taken in the same run:
 *  1. live feed: 10,000 subscribers of 3,000 organizations, each a real feed (src/alerts/feed.ts) that
 *     asks the store what is new for its reader whenever the bus says something was stored (one query
 *     shared by the feeds whose readers hold the same keys, src/alerts/shared-lists.ts); 100 alerts
 *     published one after another; p50/p99 publish-to-receive latency and CPU time, beside a bare
 *     in-process fan-out (every subscriber a function that checks the audience in memory);
 *  2. webhooks: deliveries per second from the outbox to a local HTTP receiver (signed, visibility
 *     checked at delivery), beside bare signed POSTs of the same bodies with the same parallelism;
 *  3. digest: one daily digest each for 10,000 people into a local SMTP server (smtp-server, in a process
 *     of its own: bench/fixtures/smtp-sink.ts), beside nodemailer sending the same number of messages
 *     straight to it through the product's transport, and a sample through nodemailer's own sockets.
 * Everything else runs in this process over a temporary SQLite store.
 *   --subscribers <n> (10000)  --orgs <n> (3000)  --alerts <n> (100)  --webhooks <n> (5000)  --people <n> (10000)
 *   --only live|webhooks|digest   one of the three
 */
import { randomBytes, randomUUID } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { performance } from 'node:perf_hooks';
import nodemailer from 'nodemailer';
import { inProcessBus } from '../src/alerts/bus.ts';
import { secretBox } from '../src/auth/secret-box.ts';
import { sealWebhookSecret } from '../src/notifications/webhook-secrets.ts';
import { openFeed, type Feed } from '../src/alerts/feed.ts';
import { sharedLists } from '../src/alerts/shared-lists.ts';
import { publishingStixStore } from '../src/alerts/publishing-store.ts';
import type { AudienceKey } from '../src/domain/audience.ts';
import type { OrgId, StixId, UserId } from '../src/domain/ids.ts';
import { baseKeysOf, type OrgKind, type Organization } from '../src/domain/organization.ts';
import { ok } from '../src/domain/result.ts';
import type { Tlp } from '../src/domain/tlp.ts';
import { accountsDirectory } from '../src/notifications/accounts-directory.ts';
import { logMailer, pooledSmtpUrl, smtpMailer, smtpTransport } from '../src/notifications/email.ts';
import { DEFAULT_POLICY } from '../src/notifications/deliver.ts';
import { forkSmtpSink } from './fixtures/smtp-sink.ts';
import { matchPass } from '../src/notifications/matcher.ts';
import { createNotifier } from '../src/notifications/notifier.ts';
import { httpWebhookSender, newWebhookSecret } from '../src/notifications/webhook.ts';
import { keysOf, orgInfoFrom } from '../src/sharing/keys.ts';
import { accountsStore } from '../src/store/accounts.ts';
import { openStore, type RampartStore } from '../src/store/index.ts';
import { notificationsStore, type DeliveryRow } from '../src/store/notifications.ts';
import { sharingRepository } from '../src/store/sharing-store.ts';
import type { IncomingObject, Reader, StixStore } from '../src/store/types.ts';

const args = process.argv.slice(2);
const arg = (name: string, fallback: number) => {
  const i = args.indexOf(name);
  return i >= 0 ? Number(args[i + 1]) : fallback;
};
const SUBSCRIBERS = arg('--subscribers', 10_000);
const ORGS = arg('--orgs', 3_000);
const ALERTS = arg('--alerts', 100);
const WEBHOOK_DELIVERIES = arg('--webhooks', 5_000);
const PEOPLE = arg('--people', 10_000);

const STATES = Array.from({ length: 50 }, (_, i) => String(i + 1).padStart(2, '0'));
const quiet = { info: () => undefined, warn: () => undefined, error: (f: Record<string, unknown>, m: string) => console.error(m, f) };
const percentile = (sorted: readonly number[], p: number) => sorted[Math.min(sorted.length - 1, Math.floor((sorted.length - 1) * p))] ?? NaN;
const ms = (n: number) => `${n.toFixed(1)} ms`;
const cpuMs = (start: NodeJS.CpuUsage) => {
  const u = process.cpuUsage(start);
  return (u.user + u.system) / 1000;
};

interface BenchOrg {
  readonly id: OrgId;
  readonly kind: OrgKind;
  readonly fips: string | null;
}

function makeOrgs(n: number): BenchOrg[] {
  const orgs: BenchOrg[] = [];
  for (let i = 0; i < n; i++) {
    const fips = STATES[i % STATES.length] ?? '01';
    const kind: OrgKind = i < STATES.length ? 'state' : i % 60 === 7 ? 'private' : 'local';
    orgs.push({ id: `identity--${randomUUID()}` as OrgId, kind, fips: kind === 'private' ? null : fips });
  }
  return orgs;
}

let serial = 0;
function indicator(owner: OrgId, tlp: Tlp, audience: readonly AudienceKey[]): IncomingObject {
  const id = `indicator--${randomUUID()}` as StixId;
  const now = new Date(Date.UTC(2026, 10, 3, 12, 0, 0, ++serial)).toISOString();
  const object = { type: 'indicator', spec_version: '2.1', id, created: now, modified: now, created_by_ref: owner, name: `Bench indicator ${serial}`, pattern: `[ipv4-addr:value = '198.51.100.${serial % 250}']`, pattern_type: 'stix', valid_from: now };
  return { id, type: 'indicator', created: now, modified: now, revoked: false, name: object.name, description: null, json: JSON.stringify(object), sharing: { owner, tlp, audience } };
}

async function put(stix: StixStore, items: readonly IncomingObject[]): Promise<void> {
  const result = await stix.write(async (w) => ok(await w.putBatch(items, 'reject')));
  if (!result.ok) throw new Error('write refused');
}

/** An alert's sharing: a fifth to the community, half to one state, the rest to one organization. */
function sharingOf(i: number, orgs: readonly BenchOrg[]): { owner: OrgId; tlp: Tlp; audience: AudienceKey[] } {
  const owner = orgs[(i * 7919) % orgs.length]?.id ?? orgs[0]?.id;
  if (owner === undefined) throw new Error('no orgs');
  if (i % 5 === 0) return { owner, tlp: 'green', audience: ['community'] };
  if (i % 2 === 0) return { owner, tlp: 'amber', audience: [`state:${STATES[i % STATES.length] ?? '01'}`] };
  return { owner, tlp: 'amber+strict', audience: [`org:${orgs[(i * 31) % orgs.length]?.id ?? owner}`] };
}

async function liveFeed(store: RampartStore): Promise<void> {
  const orgs = makeOrgs(ORGS);
  const bus = inProcessBus();
  const stix = publishingStixStore(store.stix, bus);
  const readers: Reader[] = Array.from({ length: SUBSCRIBERS }, (_, i) => {
    const org = orgs[i % orgs.length] as BenchOrg;
    return { kind: 'member', orgId: org.id, userId: null, keys: baseKeysOf({ id: org.id, kind: org.kind, state_fips: org.fips }, `${randomUUID()}` as UserId) };
  });
  // Something stored before the feeds open, as on a hub in use.
  for (let i = 0; i < 20; i++) await put(stix, Array.from({ length: 500 }, (_, j) => indicator(orgs[(i * 500 + j) % orgs.length]?.id as OrgId, 'green', ['community'])));

  let published = new Map<string, number>();
  const latencies: number[] = [];
  let received = 0;
  const start = Date.now() * 1000 + 1_000_000;
  // As the live route does: feeds of readers holding the same keys share one query per change.
  const shared = sharedLists(stix);
  const stopSharing = bus.subscribe(() => shared.changed());
  const feeds: Feed[] = readers.map((reader) =>
    openFeed(
      { stix, shared },
      reader,
      start,
      (events) => {
        const at = performance.now();
        for (const e of events) {
          const t0 = published.get(e.object.id);
          if (t0 !== undefined) latencies.push(at - t0);
          received++;
        }
        return Promise.resolve();
      },
      (error) => console.error(error),
    ),
  );
  const unsubscribe = feeds.map((feed) => bus.subscribe((change) => feed.notify(change)));
  unsubscribe.push(stopSharing);
  // Each feed's first query, as the route makes it when a stream opens (with the whole reader), before the clock starts.
  for (const feed of feeds) feed.poll();
  await Promise.all(feeds.map((f) => f.settled()));
  const alerts = Array.from({ length: ALERTS }, (_, i) => {
    const s = sharingOf(i, orgs);
    return indicator(s.owner, s.tlp, s.audience);
  });
  // Added times must come after the feeds' start cursor.
  while (Date.now() * 1000 <= start) await new Promise((r) => setTimeout(r, 50));
  const cpu = process.cpuUsage();
  const wall = performance.now();
  for (const alert of alerts) {
    published.set(alert.id, performance.now());
    await put(stix, [alert]);
    await Promise.all(feeds.map((f) => f.settled()));
  }
  const feedWall = performance.now() - wall;
  const feedCpu = cpuMs(cpu);
  const feedSorted = [...latencies].sort((a, b) => a - b);
  for (const u of unsubscribe) u();
  for (const f of feeds) f.close();

  // The reference: the same subscribers as bare functions that check the audience in memory.
  const bare: ((a: IncomingObject, t0: number) => void)[] = [];
  const bareLatencies: number[] = [];
  for (const reader of readers) {
    if (reader.kind !== 'member') continue;
    const keys = new Set<string>(reader.keys);
    bare.push((a, t0) => {
      if (a.sharing.owner === reader.orgId || a.sharing.audience.some((k) => keys.has(k))) bareLatencies.push(performance.now() - t0);
    });
  }
  published = new Map();
  const bareCpu0 = process.cpuUsage();
  const bareWall0 = performance.now();
  for (const alert of alerts) {
    const t0 = performance.now();
    for (const subscriber of bare) subscriber(alert, t0);
    await new Promise((r) => setImmediate(r));
  }
  const bareWall = performance.now() - bareWall0;
  const bareCpu = cpuMs(bareCpu0);
  const bareSorted = [...bareLatencies].sort((a, b) => a - b);
  console.log(`live feed: ${SUBSCRIBERS.toLocaleString('en-US')} subscribers of ${ORGS.toLocaleString('en-US')} organizations, ${ALERTS} alerts, ${received.toLocaleString('en-US')} events received`);
  console.log(`  feeds (one query per key set):      p50 ${ms(percentile(feedSorted, 0.5))}  p99 ${ms(percentile(feedSorted, 0.99))}  wall ${ms(feedWall)}  CPU ${ms(feedCpu)}`);
  console.log(`  bare in-process fan-out:            p50 ${ms(percentile(bareSorted, 0.5))}  p99 ${ms(percentile(bareSorted, 0.99))}  wall ${ms(bareWall)}  CPU ${ms(bareCpu)}  (${bareLatencies.length.toLocaleString('en-US')} events)`);
  console.log(`  target p99 < 1 s: ${percentile(feedSorted, 0.99) < 1000 ? 'met' : 'NOT met'}`);
}

async function webhooks(store: RampartStore): Promise<void> {
  let hits = 0;
  const receiver = createServer((req, res) => {
    req.resume();
    req.on('end', () => {
      hits++;
      res.writeHead(200).end();
    });
  });
  await new Promise<void>((r) => receiver.listen(0, '127.0.0.1', r));
  const url = `http://127.0.0.1:${(receiver.address() as AddressInfo).port}/hook`;
  const owner = `identity--${randomUUID()}` as OrgId;
  const subscriber = `identity--${randomUUID()}` as OrgId;
  const notify = notificationsStore(store.database);
  const secret = newWebhookSecret();
  const box = secretBox(randomBytes(32));
  const hookId = randomUUID();
  // Stored sealed, as the hub stores it: each delivery opens it.
  await notify.insertWebhook({ id: hookId, org_id: subscriber, url, secret: sealWebhookSecret(box, hookId, secret), enabled: 1, failures: 0, disabled_reason: null, created_at: Date.now() });
  await notify.insertRule({ id: randomUUID(), org_id: subscriber, user_id: null, name: 'Everything', criteria: '{}', email: 'none', enabled: 1, created_at: 0, updated_at: 0 });
  const orgs = [
    { id: owner, kind: 'private' as const, stateFips: null, name: 'Bench publisher' },
    { id: subscriber, kind: 'isac' as const, stateFips: null, name: 'Bench SOC' },
  ];
  const directory = { people: () => Promise.resolve([]), person: () => Promise.resolve(null), organizations: () => Promise.resolve(orgs), organization: (id: string) => Promise.resolve(orgs.find((o) => o.id === id) ?? null) };
  const keys = (org: OrgId) => Promise.resolve(baseKeysOf({ id: org, kind: 'isac', state_fips: null }, null));
  const clock = { now: () => new Date() };
  const notifier = createNotifier({ stix: store.stix, store: notify, directory, keysOf: keys, mailer: logMailer(quiet), clock, log: quiet, sendWebhook: httpWebhookSender(), secretBox: box });
  await notifier.start();
  await notifier.stop();
  for (let i = 0; i < WEBHOOK_DELIVERIES; i += 500) await put(store.stix, Array.from({ length: Math.min(500, WEBHOOK_DELIVERIES - i) }, () => indicator(owner, 'green', ['community'])));
  const matchDeps = { stix: store.stix, store: notify, directory, keysOf: keys, now: () => Date.now(), nextDigestAt: (t: number) => t };
  const m0 = performance.now();
  while ((await matchPass(matchDeps)).read > 0);
  const matchMs = performance.now() - m0;
  const cpu = process.cpuUsage();
  const t0 = performance.now();
  await notifier.round();
  const wall = performance.now() - t0;
  const used = cpuMs(cpu);
  const counts = await notify.deliveryCounts();

  // The reference: the same signed bodies POSTed straight to the receiver, 16 at a time.
  const sample = await notify.deliveries({ channel: 'webhook', limit: WEBHOOK_DELIVERIES });
  const body = JSON.stringify({ delivery_id: sample[0]?.id, event: 'object.shared', object: JSON.parse(indicator(owner, 'green', ['community']).json) as unknown });
  const bareSender = httpWebhookSender();
  const b0 = performance.now();
  const bareCpu0 = process.cpuUsage();
  for (let i = 0; i < WEBHOOK_DELIVERIES; i += 16) {
    await Promise.all(Array.from({ length: Math.min(16, WEBHOOK_DELIVERIES - i) }, (_, j) => bareSender({ url, secret, deliveryId: `bare-${i + j}`, body, timestampSeconds: Math.floor(Date.now() / 1000) })));
  }
  const bareWall = performance.now() - b0;
  const bareCpu = cpuMs(bareCpu0);
  receiver.close();
  const rate = (n: number, wallMs: number) => `${Math.round((n / wallMs) * 1000).toLocaleString('en-US')}/s`;
  console.log(`webhooks: ${(counts['delivered'] ?? 0).toLocaleString('en-US')} deliveries (matched in ${ms(matchMs)}), receiver saw ${hits.toLocaleString('en-US')} requests in all`);
  console.log(`  outbox (lease, sharing check, sign, POST, record): ${rate(counts['delivered'] ?? 0, wall)}  wall ${ms(wall)}  CPU ${ms(used)}`);
  console.log(`  bare signed POSTs, 16 at a time:                  ${rate(WEBHOOK_DELIVERIES, bareWall)}  wall ${ms(bareWall)}  CPU ${ms(bareCpu)}`);
  console.log(`  target >= 1,000/s: ${((counts['delivered'] ?? 0) / wall) * 1000 >= 1000 ? 'met' : 'NOT met'}`);
}

async function digests(store: RampartStore): Promise<void> {
  // The SMTP server runs in a process of its own: its CPU is not counted as the outbox's, nor competes with it in this event loop.
  const sink = await forkSmtpSink();
  const smtpUrl = sink.url;
  const accounts = accountsStore(store.database);
  const orgId = `identity--${randomUUID()}` as OrgId;
  const publisher = `identity--${randomUUID()}` as OrgId;
  const org: Organization = { id: orgId, kind: 'state', name: 'Bench state office', short_name: null, state_fips: '55', county_fips: null, ocd_id: null, partner_type: null, seed: false, require_totp: false, created_at: new Date().toISOString() };
  await accounts.insertOrganizations([org, { ...org, id: publisher, kind: 'private', name: 'Bench publisher', state_fips: null }]);
  const items = Array.from({ length: 3 }, () => indicator(publisher, 'green', ['community']));
  await put(store.stix, items);
  const stored = await Promise.all(items.map((i) => store.stix.get({ kind: 'operator' }, i.id)));
  const notify = notificationsStore(store.database);
  const now = Date.now();
  for (let i = 0; i < PEOPLE; i += 500) {
    const deliveries: DeliveryRow[] = [];
    for (let j = i; j < Math.min(PEOPLE, i + 500); j++) {
      const userId = randomUUID();
      await accounts.insertUser({ id: userId as UserId, org_id: orgId, email: `person${j}@bench.example`, name: `Person ${j}`, role: 'analyst', password_hash: null, totp_secret: null, totp_pending: null, totp_last_step: null, disabled_at: null, created_at: now });
      for (const v of stored) {
        if (v === null) continue;
        deliveries.push({ id: randomUUID(), channel: 'email', recipient: userId, org_id: orgId, alert_id: null, object_id: v.id, added_us: v.addedUs, mode: 'digest', reasons: '["Bench"]', urgent: 0, state: 'pending', attempts: 0, next_at: now, lease_owner: null, lease_until: null, last_error: null, created_at: now, done_at: null, support_id: null, support_event: null });
      }
    }
    await notify.record([], deliveries);
  }
  const repo = sharingRepository(store.database);
  const orgInfo = orgInfoFrom(accounts);
  const mailer = smtpMailer(smtpUrl, 'Rampart <rampart@bench.example>');
  const notifier = createNotifier({ stix: store.stix, store: notify, directory: accountsDirectory(accounts), keysOf: (o, u) => keysOf({ repo, orgInfo }, o, u), mailer, clock: { now: () => new Date() }, log: quiet, secretBox: secretBox(randomBytes(32)) });
  const sink0 = await sink.stats();
  const cpu = process.cpuUsage();
  const t0 = performance.now();
  await notifier.round();
  const wall = performance.now() - t0;
  const used = cpuMs(cpu);
  const sink1 = await sink.stats();
  const counts = await notify.deliveryCounts();
  mailer.close();

  // The references: the same number of messages of about the same size, as many at a time as the outbox sends (its
  // policy's parallel), straight through nodemailer: with the product's transport (the same pool, Nagle's algorithm
  // off), then, on a sample, with nodemailer's own sockets (Nagle's algorithm on, as before).
  const bare = async (transport: nodemailer.Transporter, n: number) => {
    const before = await sink.stats();
    const c0 = process.cpuUsage();
    const w0 = performance.now();
    for (let i = 0; i < n; i += DEFAULT_POLICY.parallel) {
      await Promise.all(Array.from({ length: Math.min(DEFAULT_POLICY.parallel, n - i) }, (_, j) => transport.sendMail({ from: 'rampart@bench.example', to: `person${i + j}@bench.example`, subject: '[TLP:GREEN] Rampart daily digest: 3 items', text: 'x'.repeat(400) })));
    }
    const result = { wall: performance.now() - w0, cpu: cpuMs(c0), after: await sink.stats() };
    transport.close();
    return { ...result, messages: result.after.messages - before.messages, connections: result.after.connections - before.connections, sinkCpu: result.after.cpuMs - before.cpuMs };
  };
  const reference = await bare(smtpTransport(smtpUrl), PEOPLE);
  const sample = Math.min(PEOPLE, 2_000);
  const nagle = await bare(nodemailer.createTransport(pooledSmtpUrl(smtpUrl)), sample);
  await sink.close();
  const rate = (n: number, wallMs: number) => `${Math.round((n / wallMs) * 1000).toLocaleString('en-US')} messages/s`;
  console.log(`digest: ${PEOPLE.toLocaleString('en-US')} people, 3 items each; ${(counts['delivered'] ?? 0).toLocaleString('en-US')} digest rows delivered, SMTP sink (own process) took ${(sink1.messages - sink0.messages).toLocaleString('en-US')} messages`);
  console.log(`  outbox digest (claim, sharing check per item, compose, SMTP):  wall ${ms(wall)}  ${rate(sink1.messages - sink0.messages, wall)}  CPU ${ms(used)}  sink CPU ${ms(sink1.cpuMs - sink0.cpuMs)}  (${sink1.connections - sink0.connections} SMTP connections)`);
  console.log(`  bare nodemailer, same transport, ${DEFAULT_POLICY.parallel} at a time:            wall ${ms(reference.wall)}  ${rate(reference.messages, reference.wall)}  CPU ${ms(reference.cpu)}  sink CPU ${ms(reference.sinkCpu)}  (${reference.messages} messages, ${reference.connections} SMTP connections)`);
  console.log(`  bare nodemailer, its own sockets (Nagle on), ${sample.toLocaleString('en-US')} messages: wall ${ms(nagle.wall)}  ${rate(nagle.messages, nagle.wall)}  CPU ${ms(nagle.cpu)}  sink CPU ${ms(nagle.sinkCpu)}`);
  console.log(`  target < 60 s: ${wall < 60_000 ? 'met' : 'NOT met'}`);
}

const only = (() => {
  const i = args.indexOf('--only');
  return i >= 0 ? args[i + 1] : undefined;
})();
const dir = mkdtempSync(path.join(tmpdir(), 'rampart-fanout-'));
try {
  for (const [name, run] of [
    ['live feed', liveFeed],
    ['webhooks', webhooks],
    ['digest', digests],
  ] as const) {
    if (only !== undefined && !name.startsWith(only)) continue;
    const store = await openStore({ url: path.join(dir, `${name.replace(' ', '-')}.sqlite`) });
    try {
      await run(store);
    } finally {
      await store.close();
    }
  }
} finally {
  rmSync(dir, { recursive: true, force: true });
}
