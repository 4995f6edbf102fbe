import { randomBytes, randomUUID } from 'node:crypto';
import { afterAll, describe, expect, it } from 'vitest';
import { notificationsStore } from '../src/store/notifications.ts';
import { openStore } from '../src/store/index.ts';
import { newWebhookSecret, DELIVERY_HEADER } from '../src/notifications/webhook.ts';
import { incident, notificationWorld, type World } from './helpers/notifications.ts';
import { envWithout, startServe, stopServe, type ServedProcess } from './helpers/serve.ts';
import { testDatabase, testDialects } from './helpers/store.ts';
import { webhookReceiver, type ReceivedHook } from './helpers/webhook-receiver.ts';

const SECRET_KEY = randomBytes(32).toString('hex');
const ENV = { ...envWithout(['RAMPART_SECRET_KEY', 'RAMPART_NATS_URL']), RAMPART_SECRET_KEY: SECRET_KEY, RAMPART_ALERT_LEASE_SECONDS: '2' };

/** `rampart serve` in a child process on a free port; resolves with its address once it listens. */
const serve = (db: string): Promise<ServedProcess> => startServe({ db, env: ENV });

async function until(condition: () => boolean, what: string, output: () => string): Promise<void> {
  // Waits for a condition, not for a time: the test's own timeout bounds it.
  for (;;) {
    if (condition()) return;
    await new Promise((r) => setTimeout(r, 25));
    if (output().includes('FATAL')) throw new Error(`${what}: ${output()}`);
  }
}

describe.each(testDialects())('durable delivery on %s', (dialect) => {
  const db = testDatabase(dialect);
  afterAll(() => db.drop());

  it('a server killed with SIGKILL in the middle of a webhook delivery delivers the rest after a restart, the interrupted one with the same delivery id', async () => {
    // The world and the webhook are in the database before the server opens it.
    const store = await openStore({ url: db.url });
    const world: World = await notificationWorld(store);
    const hookId = randomUUID();
    let hang = true;
    const receiver = await webhookReceiver((_hook: ReceivedHook, index: number) => (hang && index === 2 ? 'hang' : 200));
    await notificationsStore(store.database).insertWebhook({ id: hookId, org_id: world.orgs.state, url: receiver.url, secret: newWebhookSecret(), enabled: 1, failures: 0, disabled_reason: null, created_at: Date.now() });
    await store.close();

    const first = await serve(db.url);
    const ids: string[] = [];
    try {
      for (let i = 0; i < 5; i++) {
        const report = incident(`Incident ${i} at the county`);
        ids.push(report.id);
        const res = await fetch(`${first.url}/api/v1/objects`, {
          method: 'POST',
          headers: { authorization: `Bearer ${world.keys.county}`, 'content-type': 'application/json' },
          body: JSON.stringify({ object: report.object, tlp: 'amber', audience: ['state:55'] }),
        });
        expect(res.status).toBe(201);
      }
      await until(() => receiver.received.length >= 3, 'the third delivery to reach the receiver', first.output);
    } finally {
      await stopServe(first, 'SIGKILL');
    }
    // Deliveries run in parallel: any that reached the receiver before the kill may not have been recorded as done.
    const beforeKill = new Set(receiver.received.map((h) => String(h.headers[DELIVERY_HEADER])));
    const interrupted = receiver.received[2]?.headers[DELIVERY_HEADER];
    expect(typeof interrupted).toBe('string');
    hang = false;

    const second = await serve(db.url);
    try {
      const objectsOf = () => new Set(receiver.received.map((h) => (JSON.parse(h.body) as { object: { id: string } }).object.id));
      // The interrupted incident already reached the receiver once (it hung there): wait for its second delivery too.
      const countOf = (id: unknown) => receiver.received.filter((h) => h.headers[DELIVERY_HEADER] === id).length;
      await until(() => ids.every((id) => objectsOf().has(id)) && countOf(interrupted) >= 2, 'every incident delivered, the interrupted one again', second.output);
      const deliveryIds = receiver.received.map((h) => String(h.headers[DELIVERY_HEADER]));
      expect(new Set(deliveryIds).size).toBe(5);
      // At least once: the interrupted delivery came again with its id; only what was in flight at the kill may come twice,
      // and nothing first sent after the restart was sent twice.
      expect(deliveryIds.filter((d) => d === interrupted)).toHaveLength(2);
      for (const id of new Set(deliveryIds)) expect(deliveryIds.filter((d) => d === id).length).toBeLessThanOrEqual(beforeKill.has(id) ? 2 : 1);
    } finally {
      await stopServe(second);
      await receiver.close();
    }
  }, 180_000);
});
