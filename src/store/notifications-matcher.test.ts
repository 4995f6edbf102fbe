import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { GroupId, OrgId, StixId, UserId } from '../domain/ids.ts';
import { ok } from '../domain/result.ts';
import { testDatabase, testDialects, type TestDatabase } from '../../test/helpers/store.ts';
import { accountsStore, type AccountsStore } from './accounts.ts';
import { openStore, type RampartStore } from './index.ts';
import { notificationsStore } from './notifications.ts';
import { sharingRepository, type SharingRepository } from './sharing-store.ts';

const ORG = 'identity--1a000000-0000-4000-8000-00000000001a' as OrgId;
const OTHER = 'identity--1b000000-0000-4000-8000-00000000001b' as OrgId;
const USER = '1c000000-0000-4000-8000-00000000001c' as UserId;
const GROUP = '1d000000-0000-4000-8000-00000000001d' as GroupId;

describe.each(testDialects())("the alert matcher's directory mark and lease on %s", (dialect) => {
  let db: TestDatabase;
  let store: RampartStore;
  let notify: ReturnType<typeof notificationsStore>;
  let accounts: AccountsStore;
  let sharing: SharingRepository;
  beforeAll(async () => {
    db = testDatabase(dialect);
    store = await openStore({ url: db.url });
    notify = notificationsStore(store.database);
    accounts = accountsStore(store.database);
    sharing = sharingRepository(store.database);
  });
  afterAll(async () => {
    await store.close();
    await db.drop();
  });

  /** Whether `write` moves the mark. */
  const moves = async (write: () => Promise<unknown>): Promise<boolean> => {
    const before = await notify.directoryMark();
    await write();
    return (await notify.directoryMark()) !== before;
  };

  it('moves with every write to what the matcher reads of the directory, and not with columns it never reads', async () => {
    const org = (id: OrgId, name: string) => ({ id, kind: 'local' as const, name, short_name: null, state_fips: '55', county_fips: null, ocd_id: null, partner_type: null, seed: false, require_totp: false, created_at: '2026-01-01T00:00:00.000Z' });
    expect(await moves(() => accounts.insertOrganizations([org(ORG, 'Dane County Clerk'), org(OTHER, 'Iowa County Clerk')]))).toBe(true);
    expect(await moves(() => accounts.updateOrganization(ORG, { name: 'Dane County Clerk (renamed)' }, '2026-01-02T00:00:00.000Z'))).toBe(true);
    expect(await moves(() => accounts.setRequireTotp(ORG, true, '2026-01-02T00:00:00.000Z'))).toBe(false);
    const user = { id: USER, org_id: ORG, email: 'clerk@dane.example', name: 'Clerk', role: 'analyst' as const, password_hash: null, totp_secret: null, totp_pending: null, totp_last_step: null, disabled_at: null, created_at: 1 };
    expect(await moves(() => accounts.insertUser(user))).toBe(true);
    expect(await moves(() => accounts.updateUser(USER, { totp_last_step: 42 }))).toBe(false);
    expect(await moves(() => accounts.updateUser(USER, { role: 'org-admin' }))).toBe(true);
    expect(await moves(() => accounts.updateUser(USER, { disabled_at: 5 }))).toBe(true);
    expect(await moves(() => sharing.createGroup({ id: GROUP, name: 'Midwest clerks', createdByOrg: ORG, createdAt: '2026-01-03T00:00:00.000Z' }))).toBe(true);
    expect(await moves(() => sharing.invite(GROUP, OTHER, ORG, '2026-01-03T00:00:00.000Z'))).toBe(true);
    expect(await moves(() => sharing.answer(GROUP, OTHER, 'accepted', '2026-01-03T00:00:01.000Z'))).toBe(true);
    expect(await moves(() => sharing.removeMember(GROUP, OTHER))).toBe(true);
    const rule = { id: '1e000000-0000-4000-8000-00000000001e', org_id: ORG, user_id: null, name: 'All incidents', criteria: '{}', email: 'digest', enabled: 1, created_at: 1, updated_at: 1 };
    expect(await moves(() => notify.insertRule(rule))).toBe(true);
    expect(await moves(() => notify.insertWatchItem({ id: '1f000000-0000-4000-8000-00000000001f', org_id: ORG, kind: 'domain', value: 'dane.example', label: null, created_at: 1 }))).toBe(true);
    expect(await moves(() => notify.putPlan({ org_id: ORG, defaults_enabled: 0, escalate_after_minutes: 30, primary_contacts: '[]', backup_contacts: '[]', contacts: '{}', updated_at: 1 }))).toBe(true);
    expect(await moves(() => notify.putPerson(USER, 'digest', 1))).toBe(true);
    const hook = '20000000-0000-4000-8000-000000000020';
    expect(await moves(() => notify.insertWebhook({ id: hook, org_id: ORG, url: 'https://hooks.dane.example/', secret: 'x', enabled: 1, failures: 0, disabled_reason: null, created_at: 1 }))).toBe(true);
    expect(await moves(() => notify.webhookFailed(hook))).toBe(false);
    expect(await moves(() => notify.webhookSucceeded(hook))).toBe(false);
    expect(await moves(() => notify.updateWebhook(ORG, hook, { enabled: 0, disabled_reason: 'off' }))).toBe(true);
    // Nothing of the directory: the mark stays.
    expect(await moves(() => notify.cursor())).toBe(false);
  });

  it('gives the matching lease to one owner at a time, renews it for its holder, and lets another take it once released or run out', async () => {
    expect(await notify.takeLease('test', 'a', 1_000, 500)).toBe(true);
    expect(await notify.takeLease('test', 'b', 1_100, 500)).toBe(false);
    expect(await notify.takeLease('test', 'a', 1_200, 500)).toBe(true);
    // a's renewal holds until 1,700.
    expect(await notify.takeLease('test', 'b', 1_600, 500)).toBe(false);
    expect(await notify.takeLease('test', 'b', 1_701, 500)).toBe(true);
    await notify.releaseLease('test', 'a');
    expect(await notify.takeLease('test', 'a', 1_800, 500)).toBe(false);
    await notify.releaseLease('test', 'b');
    expect(await notify.takeLease('test', 'a', 1_800, 500)).toBe(true);
    await notify.releaseLease('test', 'a');
  });

  it('commits a pass that matched nothing by moving the cursor alone, and refuses it once another process moved the cursor first', async () => {
    const from = await notify.cursor();
    expect(await notify.commitPass(from, from + 10, [], [])).toBe(true);
    expect(await notify.cursor()).toBe(from + 10);
    // A second pass from the same place lost the race: nothing moves.
    expect(await notify.commitPass(from, from + 20, [], [])).toBe(false);
    expect(await notify.cursor()).toBe(from + 10);
  });

  it('takes the matching lease with where the cursor stands and the directory mark, as takeLease, cursor() and directoryMark() give them', async () => {
    const cursor = await notify.cursor();
    const mark = await notify.directoryMark();
    expect(await notify.takeMatchLease('match-test', 'a', 1_000, 500)).toEqual({ cursor, mark });
    expect(await notify.takeMatchLease('match-test', 'b', 1_100, 500)).toBeNull();
    expect(await notify.takeMatchLease('match-test', 'a', 1_200, 500)).toEqual({ cursor, mark });
    expect(await notify.takeMatchLease('match-test', 'b', 1_701, 500)).toEqual({ cursor, mark });
    await notify.releaseLease('match-test', 'b');
  });

  it('lets the lease go and says what is left to match, as releaseLease and unmatched()', async () => {
    expect(await notify.takeLease('look-test', 'a', 1_000, 500)).toBe(true);
    // Someone else's release lets nothing go.
    expect(await notify.releaseLeaseAndLook('look-test', 'b')).toEqual(await notify.unmatched());
    expect(await notify.takeLease('look-test', 'b', 1_100, 500)).toBe(false);
    await store.stix.write(async (w) => ok(await w.putBatch([{ id: 'indicator--21000000-0000-4000-8000-000000000021' as StixId, type: 'indicator', created: null, modified: null, revoked: false, name: null, description: null, json: '{"type":"indicator","id":"indicator--21000000-0000-4000-8000-000000000021"}', sharing: { owner: ORG, tlp: 'green', audience: ['community'] } }], 'reject')));
    expect(await notify.releaseLeaseAndLook('look-test', 'a')).toEqual({ versions: true, reshares: false });
    expect(await notify.takeLease('look-test', 'b', 1_100, 500)).toBe(true);
    await notify.releaseLease('look-test', 'b');
  });

  it('says a version is left to match only when one was stored after the cursor', async () => {
    await store.stix.write(async (w) => ok(await w.putBatch([{ id: 'indicator--26000000-0000-4000-8000-000000000026' as StixId, type: 'indicator', created: null, modified: null, revoked: false, name: null, description: null, json: '{"type":"indicator","id":"indicator--26000000-0000-4000-8000-000000000026"}', sharing: { owner: ORG, tlp: 'green', audience: ['community'] } }], 'reject')));
    const from = await notify.cursor();
    const [newest] = (await store.stix.versions({ kind: 'operator' }, 'indicator--26000000-0000-4000-8000-000000000026' as StixId)).map((v) => v.addedUs);
    if (newest === undefined) throw new Error('the version was stored');
    expect(await notify.commitPass(from, newest, [], [])).toBe(true);
    expect((await notify.unmatched()).versions).toBe(false);
    expect(await notify.commitPass(newest, newest - 1, [], [])).toBe(true);
    expect((await notify.unmatched()).versions).toBe(true);
    expect(await notify.commitPass(newest - 1, from, [], [])).toBe(true);
  });

  it('commits a pass with its alerts and deliveries all or nothing: none when another process moved the cursor first, a row already recorded kept as it was', async () => {
    const from = await notify.cursor();
    const object = 'indicator--22000000-0000-4000-8000-000000000022' as StixId;
    const alert = (id: string, user: UserId, reasons: string) => ({ id, user_id: user, org_id: ORG, object_id: object, added_us: from + 1, notice: null, reasons, urgent: 0, created_at: 7, read_at: null, acked_at: null, escalated_at: null, kinds: '["other"]', support_id: null });
    const delivery = (id: string, recipient: string, reasons: string) => ({ id, channel: 'email', recipient, org_id: ORG, alert_id: id, object_id: object, added_us: from + 1, mode: 'digest', reasons, urgent: 0, state: 'pending', attempts: 0, next_at: 9_000_000_000_000, lease_owner: null, lease_until: null, last_error: null, created_at: 7, done_at: null, support_id: null, support_event: null });
    // Lost the race: nothing recorded.
    expect(await notify.commitPass(from - 1, from + 1, [alert('23000000-0000-4000-8000-000000000023', USER, '["Lost"]')], [delivery('23000000-0000-4000-8000-000000000023', USER, '["Lost"]')])).toBe(false);
    expect(await notify.alertById('23000000-0000-4000-8000-000000000023')).toBeNull();
    expect(await notify.delivery('23000000-0000-4000-8000-000000000023')).toBeNull();
    const first = [alert('24000000-0000-4000-8000-000000000024', USER, '["First"]')];
    expect(await notify.commitPass(from, from + 1, first, [delivery('24000000-0000-4000-8000-000000000024', USER, '["First"]')])).toBe(true);
    expect(await notify.cursor()).toBe(from + 1);
    expect(await notify.alertById('24000000-0000-4000-8000-000000000024')).toEqual(first[0]);
    expect(await notify.delivery('24000000-0000-4000-8000-000000000024')).toEqual(delivery('24000000-0000-4000-8000-000000000024', USER, '["First"]'));
    // The same person, object and version again (another process's pass): the row recorded first stays.
    expect(await notify.commitPass(from + 1, from + 2, [alert('25000000-0000-4000-8000-000000000025', USER, '["Again"]')], [delivery('25000000-0000-4000-8000-000000000025', USER, '["Again"]')])).toBe(true);
    expect(await notify.alertById('25000000-0000-4000-8000-000000000025')).toBeNull();
    expect(await notify.delivery('25000000-0000-4000-8000-000000000025')).toBeNull();
    expect(await notify.alertById('24000000-0000-4000-8000-000000000024')).toEqual(first[0]);
  });
});

describe.each(testDialects())('the outbox lease on %s', (dialect) => {
  let db: TestDatabase;
  let store: RampartStore;
  beforeAll(async () => {
    db = testDatabase(dialect);
    store = await openStore({ url: db.url });
  });
  afterAll(async () => {
    await store.close();
    await db.drop();
  });

  it('lets nobody claim a delivery held, not even the process holding it: a queued id its own batch is sending is not sent twice', async () => {
    const notify = notificationsStore(store.database);
    const delivery = { id: '21000000-0000-4000-8000-000000000021', channel: 'email', recipient: USER, org_id: ORG, alert_id: null, object_id: null, added_us: 1, mode: 'immediate', reasons: '[]', urgent: 0, state: 'pending', attempts: 0, next_at: 10, lease_owner: null, lease_until: null, last_error: null, created_at: 1, done_at: null };
    await store.database.db.withTables<{ notify_delivery: typeof delivery }>().insertInto('notify_delivery').values(delivery).execute();
    // The process's batch leases it (deliverAllDue); then a queue message the poll sent earlier names it.
    expect((await notify.claimDue('process-a', 20, 1_000, 10)).map((d) => d.id)).toEqual([delivery.id]);
    expect(await notify.claimOne(delivery.id, 'process-a', 30, 1_000)).toBeNull();
    expect(await notify.claimOne(delivery.id, 'process-b', 30, 1_000)).toBeNull();
    // Once the lease has run out, it is free again.
    expect((await notify.claimOne(delivery.id, 'process-b', 1_001, 2_000))?.id).toBe(delivery.id);
  });
});
