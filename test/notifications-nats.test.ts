import { randomBytes, randomUUID } from 'node:crypto';
import { sql } from 'kysely';
import { afterAll, describe, expect, it } from 'vitest';
import { newWebhookSecret, DELIVERY_HEADER } from '../src/notifications/webhook.ts';
import { notificationsStore } from '../src/store/notifications.ts';
import { openStore } from '../src/store/index.ts';
import { natsReachable, TEST_NATS_URL } from './helpers/alerts.ts';
import { incident, notificationWorld } from './helpers/notifications.ts';
import { envWithout, startServe, stopServe } from './helpers/serve.ts';
import { testDatabase, testDialects } from './helpers/store.ts';
import { webhookReceiver } from './helpers/webhook-receiver.ts';

const ENV = envWithout(['RAMPART_SECRET_KEY', 'RAMPART_NATS_URL', 'RAMPART_SMTP_URL']);

const noNats = await natsReachable();
const noPostgres = testDialects().includes('postgres') ? null : 'RAMPART_TEST_DATABASE_URL is not set';
const skip = noNats ?? noPostgres;
if (skip !== null) console.warn(`\n!!!!! SKIPPING the two-process alert delivery test (NATS JetStream, PostgreSQL): ${skip} (.ci/run starts both) !!!!!\n`);

describe.skipIf(skip !== null)('alert delivery by two server processes on one PostgreSQL with NATS JetStream', () => {
  // Made inside the test: the describe body runs even when skipped, and there may be no PostgreSQL.
  let db: ReturnType<typeof testDatabase> | null = null;
  afterAll(() => db?.drop());

  it('delivers each alert once per subscriber and channel, whichever process stored it', async () => {
    db = testDatabase('postgres');
    const store = await openStore({ url: db.url });
    const world = await notificationWorld(store);
    const receiver = await webhookReceiver();
    const hookId = randomUUID();
    await notificationsStore(store.database).insertWebhook({ id: hookId, org_id: world.orgs.state, url: receiver.url, secret: newWebhookSecret(), enabled: 1, failures: 0, disabled_reason: null, created_at: Date.now() });
    await store.close();

    const env = { RAMPART_SECRET_KEY: randomBytes(32).toString('hex'), RAMPART_NATS_URL: TEST_NATS_URL, RAMPART_NATS_SUBJECT: `rampart.test.${randomBytes(6).toString('hex')}`, RAMPART_LOG_LEVEL: 'info' };
    const hubs = [await startServe({ db: db.url, env: { ...ENV, ...env } }), await startServe({ db: db.url, env: { ...ENV, ...env } })];
    const observer = await openStore({ url: db.url });
    const notify = notificationsStore(observer.database);
    try {
      for (const h of hubs) expect(h.stderr()).toContain('alerts: deliveries are shared with other server processes through NATS JetStream');
      const ids: string[] = [];
      for (let i = 0; i < 12; i++) {
        const report = incident(`Incident ${i} reported through process ${i % 2}`);
        ids.push(report.id);
        const res = await fetch(`${hubs[i % 2]?.url ?? ''}/api/v1/objects`, {
          method: 'POST',
          headers: { authorization: `Bearer ${world.keys.county}`, 'content-type': 'application/json' },
          body: JSON.stringify({ object: report.object, tlp: 'amber', audience: ['state:55'] }),
        });
        expect(res.status).toBe(201);
      }
      // Each incident: one webhook delivery to the state office, one email to each of its two people.
      const expected = ids.length * 3;
      for (;;) {
        const counts = await notify.deliveryCounts();
        if ((counts['delivered'] ?? 0) >= expected) break;
        await new Promise((r) => setTimeout(r, 100));
      }
      const counts = await notify.deliveryCounts();
      expect(counts).toEqual({ delivered: expected });
      const hooks = receiver.received.map((h) => String(h.headers[DELIVERY_HEADER]));
      expect(hooks).toHaveLength(ids.length);
      expect(new Set(hooks).size).toBe(ids.length);
      const mails = hubs.flatMap((h) => h.lines()).flatMap((line) => {
        const mail = line['mail'] as { delivery?: string } | undefined;
        return mail?.delivery === undefined ? [] : [mail.delivery];
      });
      expect(mails).toHaveLength(ids.length * 2);
      expect(new Set(mails).size).toBe(ids.length * 2);
      // One attempt each: no delivery was sent by one process and then again by the other (which process sent which is not asserted: the queue may hand a short run to one).
      const delivered = await notify.deliveries({ state: 'delivered', limit: 1000 });
      expect(delivered.every((d) => d.attempts === 1)).toBe(true);
      // Each alert recorded once, for exactly the state office's two people, whichever process matched it (one at a time, under the matching lease).
      const alerts = await sql<{ user_id: string; object_id: string }>`select user_id, object_id from notify_alert`.execute(observer.database.db);
      expect(alerts.rows.map((a) => `${a.object_id} ${a.user_id}`).sort()).toEqual(ids.flatMap((id) => [world.users.state, world.users.stateAdmin].map((u) => `${id} ${u}`)).sort());
    } finally {
      for (const h of hubs) await stopServe(h);
      await receiver.close();
      await observer.close();
    }
  }, 240_000);
});
