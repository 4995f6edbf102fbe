import { sql } from 'kysely';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { accountsDirectory } from '../src/notifications/accounts-directory.ts';
import { createNotifier, type Notifier } from '../src/notifications/notifier.ts';
import { accountsStore } from '../src/store/accounts.ts';
import { openStore, type RampartStore } from '../src/store/index.ts';
import { notificationsStore } from '../src/store/notifications.ts';
import type { UserId } from '../src/domain/ids.ts';
import { incident, memoryMailer, notificationHub, post, type NotificationHub } from './helpers/notifications.ts';
import { testDialects } from './helpers/store.ts';

const quiet = { info: () => undefined, warn: () => undefined, error: (fields: Record<string, unknown>, message: string) => console.error(message, fields) };

/**
 * Two notifiers on one database, each on its own connection as two server processes are: they match one at a time
 * (the matching lease), so no pass is thrown away, and each keeps the directory it read until a write moves its mark.
 */
describe.each(testDialects())('two alert matchers on one %s database', (dialect) => {
  let t: NotificationHub;
  const stores: RampartStore[] = [];
  const notifiers: Notifier[] = [];
  const mailer = memoryMailer();
  /** Per notifier: passes committed, passes thrown away (another had moved the cursor), directory reads. */
  const counts = [0, 1].map(() => ({ committed: 0, lost: 0, directoryReads: 0 }));

  beforeAll(async () => {
    t = await notificationHub(dialect, { mailer });
    for (const count of counts) {
      const store = await openStore({ url: t.db.url });
      stores.push(store);
      const notify = notificationsStore(store.database);
      const accounts = accountsStore(store.database);
      const directory = accountsDirectory(accounts);
      notifiers.push(
        createNotifier({
          stix: store.stix,
          store: {
            ...notify,
            async commitPass(...args) {
              const done = await notify.commitPass(...args);
              if (done) count.committed++;
              else count.lost++;
              return done;
            },
          },
          directory: {
            ...directory,
            organizations() {
              count.directoryReads++;
              return directory.organizations();
            },
          },
          keysOf: (orgId, userId) => t.hub.sharing.keysOf(orgId, userId),
          keysOfKnown: (orgs) => t.hub.sharing.keysOfKnown(orgs),
          mailer,
          clock: { now: () => new Date(t.clock.now) },
          secretBox: t.secretBox,
          log: quiet,
        }),
      );
    }
  });
  afterAll(async () => {
    for (const s of stores) await s.close();
    await t.close();
  });

  const alertsOf = async (objectIds: readonly string[]) =>
    (await sql<{ user_id: string; object_id: string }>`select user_id, object_id from notify_alert where object_id in (${sql.join(objectIds)}) order by user_id, object_id`.execute(t.store.database.db)).rows;

  it('match each version once between them, never both the same pass, and record each alert once', async () => {
    const ids: string[] = [];
    for (let round = 0; round < 3; round++) {
      for (let i = 0; i < 4; i++) {
        const report = incident(`Incident ${round}.${i} at the county`);
        ids.push(report.id);
        await post(t.hub, t.world.keys.county, report.object, 'amber', ['state:55']);
      }
      // Both told at once, as the bus tells every process.
      await Promise.all(notifiers.map((n) => n.round()));
    }
    const alerts = await alertsOf(ids);
    // The state office's two people, each incident once; the county that posted it and the other states never.
    const expected = ids.flatMap((id) => [t.world.users.state, t.world.users.stateAdmin].map((user) => ({ user_id: user, object_id: id }))).sort((a, b) => a.user_id.localeCompare(b.user_id) || a.object_id.localeCompare(b.object_id));
    expect(alerts).toEqual(expected);
    expect(counts.reduce((n, c) => n + c.lost, 0)).toBe(0);
    expect(counts.reduce((n, c) => n + c.committed, 0)).toBeGreaterThanOrEqual(3);
  });

  it('read the directory again once a write moved its mark, through the other connection too: a person disabled hears no more, one enabled again does', async () => {
    const first = incident('Before the change');
    await post(t.hub, t.world.keys.county, first.object, 'amber', ['state:55']);
    for (const n of notifiers) await n.round();
    const readsBefore = counts.map((c) => c.directoryReads);
    // Nothing in the directory changed: neither notifier reads it for the next one.
    const second = incident('Nothing changed');
    await post(t.hub, t.world.keys.county, second.object, 'amber', ['state:55']);
    for (const n of notifiers) await n.round();
    expect(counts.map((c) => c.directoryReads)).toEqual(readsBefore);
    expect((await alertsOf([second.id])).map((a) => a.user_id).sort()).toEqual([t.world.users.state, t.world.users.stateAdmin].sort());

    // Disabled through the hub's own connection: each notifier must see it at its next pass, whichever matches.
    const accounts = accountsStore(t.store.database);
    await accounts.updateUser(t.world.users.state as UserId, { disabled_at: t.clock.now });
    const third = incident('After the person left');
    await post(t.hub, t.world.keys.county, third.object, 'amber', ['state:55']);
    await Promise.all(notifiers.map((n) => n.round()));
    expect((await alertsOf([third.id])).map((a) => a.user_id)).toEqual([t.world.users.stateAdmin]);

    await accounts.updateUser(t.world.users.state as UserId, { disabled_at: null });
    const fourth = incident('After the person came back');
    await post(t.hub, t.world.keys.county, fourth.object, 'amber', ['state:55']);
    // The other notifier this time: its directory was read before the person came back.
    for (const n of [...notifiers].reverse()) await n.round();
    expect((await alertsOf([fourth.id])).map((a) => a.user_id).sort()).toEqual([t.world.users.state, t.world.users.stateAdmin].sort());
    expect(counts.reduce((n, c) => n + c.lost, 0)).toBe(0);
  });

  it('read only the log a change names, and stop at a pass that read fewer than a page: no empty pass after it', async () => {
    const notify = notificationsStore(t.store.database);
    // `cursor`: passes over the versions (each lists what was stored after the cursor, with every version).
    const reads = { cursor: 0, reshares: 0 };
    const notifier = createNotifier({
      stix: {
        ...t.store.stix,
        list(reader, query) {
          if (reader.kind === 'operator' && query.versions === 'all' && query.addedAfterUs !== undefined) reads.cursor++;
          return t.store.stix.list(reader, query);
        },
      },
      store: {
        ...notify,
        resharesAfter(seq, limit) {
          reads.reshares++;
          return notify.resharesAfter(seq, limit);
        },
      },
      directory: accountsDirectory(accountsStore(t.store.database)),
      keysOf: (orgId, userId) => t.hub.sharing.keysOf(orgId, userId),
      mailer,
      clock: { now: () => new Date(t.clock.now) },
      secretBox: t.secretBox,
      log: quiet,
    });
    // A poll first: it places the cursors and matches what the tests above left.
    await notifier.round();
    const reports = [incident('A short pass, one'), incident('A short pass, two')];
    for (const report of reports) await post(t.hub, t.world.keys.county, report.object, 'amber', ['state:55']);
    reads.cursor = reads.reshares = 0;
    notifier.changed({ kind: 'stored' });
    await notifier.round();
    // One pass read both versions (fewer than a page): no second pass, and the re-share log is not read.
    expect(reads).toEqual({ cursor: 1, reshares: 0 });
    for (const report of reports) expect((await alertsOf([report.id])).map((a) => a.user_id).sort()).toEqual([t.world.users.state, t.world.users.stateAdmin].sort());

    const first = reports[0];
    if (first === undefined) throw new Error('two reports were posted');
    const reshared = await t.hub.app.inject({ method: 'PUT', url: `/api/v1/objects/${first.id}/sharing`, headers: { authorization: `Bearer ${t.world.keys.county}` }, payload: { tlp: 'amber', audience: ['state:55', `org:${t.world.orgs.federal}`] } });
    expect(reshared.statusCode).toBe(200);
    reads.cursor = reads.reshares = 0;
    notifier.changed({ kind: 'reshared', id: first.id });
    await notifier.round();
    // The re-share log is read (and read to its end); no version was stored, so no pass reads the versions.
    expect(reads.cursor).toBe(0);
    expect(reads.reshares).toBeGreaterThanOrEqual(1);
    await notifier.stop();
  });
});
