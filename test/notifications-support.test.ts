import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import type { OrgId, UserId } from '../src/domain/ids.ts';
import { composeHub, type Hub } from '../src/hub/compose.ts';
import { openStore, type RampartStore } from '../src/store/index.ts';
import { notificationsStore } from '../src/store/notifications.ts';
import { memoryMailer, notificationWorld, type World } from './helpers/notifications.ts';
import { testDatabase, testDialects, type TestDatabase } from './helpers/store.ts';

const HUB = 'identity--cc8654b7-1ffc-487a-bf1c-ed29e18f0a33' as OrgId;

/*
 * Support requests in the notification plan: the Birch Falls clerk (a Wisconsin local office) asks the
 * Wisconsin state office for incident response; the state's support contacts hear of it, the clerk of
 * each answer, nobody else; an urgent request goes to the backup contacts when nobody acknowledges it.
 */
describe.each(testDialects())('support requests in the notification plan on %s', (dialect) => {
  let db: TestDatabase;
  let store: RampartStore;
  let hub: Hub;
  let world: World;
  let now = Date.parse('2026-11-03T13:00:00.000Z');
  const mailer = memoryMailer();

  beforeAll(async () => {
    db = testDatabase(dialect);
    store = await openStore({ url: db.url });
    hub = await composeHub({ store, hubOwner: HUB, clock: { now: () => new Date(now) }, notifications: { mailer, baseUrl: 'https://rampart.example.gov' } });
    world = await notificationWorld(store);
    await hub.notifier.round();
    expect((await api('state', 'PUT', '/api/v1/support/offerings/incident-response', { description: 'The state CISO’s team comes to you.', active: true })).status).toBe(200);
  });
  afterEach(() => {
    mailer.sent.length = 0;
  });
  afterAll(async () => {
    await hub.app.close();
    await store.close();
    await db.drop();
  });

  const api = async (who: keyof World['keys'], method: 'GET' | 'POST' | 'PUT', url: string, payload?: unknown) => {
    const res = await hub.app.inject({ method, url, headers: { authorization: `Bearer ${world.keys[who]}` }, ...(payload === undefined ? {} : { payload: payload as Record<string, unknown> }) });
    return { status: res.statusCode, body: res.body === '' ? null : (JSON.parse(res.body) as Record<string, unknown>) };
  };
  type Item = { id: string; support_id: string | null; type: string | null; name: string | null; urgent: boolean; reasons: string[] };
  const supportAlerts = async (who: keyof World['keys'], requestId: string) => ((await api(who, 'GET', '/api/v1/notifications')).body as { items: Item[] }).items.filter((i) => i.support_id === requestId);
  const mailTo = (who: keyof World['emails']) => mailer.sent.filter((m) => m.to === world.emails[who]);
  const ask = async (title: string, urgent?: boolean) => {
    const res = await api('county', 'POST', '/api/v1/support/requests', { provider_org: world.orgs.state, service: 'incident-response', title, details: 'Our pollbook server shows a ransom note.', ...(urgent === undefined ? {} : { urgent }) });
    expect(res.status).toBe(201);
    expect(res.body?.['urgent']).toBe(urgent === true);
    return res.body?.['id'] as string;
  };

  it("tells the provider's org-admins of a new request when its plan names no support contacts, the plan's support contacts once it does, and the asker of each answer; nobody else", async () => {
    const first = await ask('Help with a ransom note');
    await hub.notifier.round();
    expect(mailTo('stateAdmin').map((m) => m.subject)).toEqual(['[Rampart] Support request requested: Help with a ransom note']);
    expect(mailTo('stateAdmin')[0]?.text).toContain(`https://rampart.example.gov/support/${first}`);
    expect(mailTo('stateAdmin')[0]?.text).not.toContain('ransom note.'); // the details stay in Rampart
    expect(await supportAlerts('stateAdmin', first)).toEqual([expect.objectContaining({ type: 'support-request', name: 'Help with a ransom note', urgent: false, reasons: ['Your organization is asked for incident response'] })]);
    for (const who of ['state', 'county', 'outsider', 'federal'] as const) {
      expect(mailTo(who)).toEqual([]);
      expect(await supportAlerts(who, first)).toEqual([]);
    }

    // The plan names the analyst as the support contact: the next request goes to the analyst only.
    const plan = await api('stateAdmin', 'PUT', '/api/v1/org/notification-plan', { contacts: { support: { primary: [world.users.state], backup: [world.users.stateAdmin] } } });
    expect(plan.status).toBe(200);
    expect(plan.body?.['contacts']).toMatchObject({ support: { primary: [world.users.state], backup: [world.users.stateAdmin] } });
    mailer.sent.length = 0;
    const second = await ask('Scan our results website');
    await hub.notifier.round();
    expect(mailer.sent.map((m) => [m.to, m.subject])).toEqual([[world.emails.state, '[Rampart] Support request requested: Scan our results website']]);

    // The state accepts: the clerk who asked is told (its office names no contacts and has no org-admin), the state is not.
    mailer.sent.length = 0;
    expect((await api('state', 'POST', `/api/v1/support/requests/${second}/actions`, { action: 'accept' })).status).toBe(200);
    await hub.notifier.round();
    expect(mailer.sent.map((m) => [m.to, m.subject])).toEqual([[world.emails.county, '[Rampart] Support request accepted: Scan our results website']]);
    expect(await supportAlerts('county', second)).toEqual([expect.objectContaining({ reasons: ["Your organization's request for incident response was accepted"] })]);

    // The clerk cancels: the state's support contact is told.
    mailer.sent.length = 0;
    now += 60_000;
    expect((await api('county', 'POST', `/api/v1/support/requests/${second}/actions`, { action: 'cancel' })).status).toBe(200);
    await hub.notifier.round();
    expect(mailer.sent.map((m) => [m.to, m.subject])).toEqual([[world.emails.state, '[Rampart] Support request cancelled: Scan our results website']]);
  });

  it('emails an urgent request at once marked URGENT and, when nobody acknowledged it in time, to the backup contacts of support; an acknowledged one is not escalated', async () => {
    const urgent = await ask('Ransomware on election night', true);
    const calm = await ask('Second look at the same server', true);
    await hub.notifier.round();
    expect(mailTo('state').map((m) => m.subject).sort()).toEqual(['[Rampart] URGENT: Support request requested: Ransomware on election night', '[Rampart] URGENT: Support request requested: Second look at the same server']);
    expect(mailTo('stateAdmin')).toEqual([]);
    const [toAck] = await supportAlerts('state', calm);
    expect((await api('state', 'POST', `/api/v1/notifications/${toAck?.id ?? ''}/acknowledge`)).status).toBe(204);

    now += 31 * 60_000;
    await hub.notifier.round();
    expect(mailTo('stateAdmin').map((m) => m.subject)).toEqual(['[Rampart] URGENT: Support request requested: Ransomware on election night (not yet acknowledged by your organization)']);
    expect(await supportAlerts('stateAdmin', urgent)).toEqual([expect.objectContaining({ urgent: true, reasons: ['Urgent and not acknowledged within 30 minutes'] })]);
    expect(await supportAlerts('stateAdmin', calm)).toEqual([]);

    // Completing an urgent request is not urgent: nothing is left to act on.
    mailer.sent.length = 0;
    expect((await api('state', 'POST', `/api/v1/support/requests/${calm}/actions`, { action: 'accept' })).status).toBe(200);
    await hub.notifier.round();
    now += 60_000;
    expect((await api('state', 'POST', `/api/v1/support/requests/${calm}/actions`, { action: 'complete' })).status).toBe(200);
    await hub.notifier.round();
    expect(mailTo('county').map((m) => m.subject)).toEqual(['[Rampart] URGENT: Support request accepted: Second look at the same server', '[Rampart] Support request completed: Second look at the same server']);
  });

  it('checks at delivery that the person’s organization may see the request: an alert for an organization that does not is dropped and never listed', async () => {
    const request = await ask('Only for the two offices');
    await hub.notifier.round();
    const notify = notificationsStore(store.database);
    const outsider = world.users.outsider as UserId;
    const at = now;
    // As if the outsider had been told (a bug elsewhere, or an organization since removed): the delivery re-checks.
    const id = `00000000-0000-4000-8000-${String(at % 1e12).padStart(12, '0')}`;
    await notify.recordSupport(
      [{ id, user_id: outsider, org_id: world.orgs.outsider, object_id: null, added_us: at * 1000, notice: null, reasons: '["test"]', urgent: 0, created_at: at, read_at: null, acked_at: null, escalated_at: null, kinds: '["support"]', support_id: request }],
      [{ id, channel: 'email', recipient: outsider, org_id: world.orgs.outsider, alert_id: id, object_id: null, support_id: request, added_us: at * 1000, mode: 'immediate', reasons: '["test"]', urgent: 0, state: 'pending', attempts: 0, next_at: at, lease_owner: null, lease_until: null, last_error: null, created_at: at, done_at: null }],
    );
    await hub.notifier.round();
    expect(mailTo('outsider')).toEqual([]);
    expect(await notify.delivery(id)).toMatchObject({ state: 'dropped', last_error: 'no longer shared with the recipient' });
    expect(await supportAlerts('outsider', request)).toEqual([]);
    expect(((await api('outsider', 'GET', '/api/v1/notifications/unread')).body as { unread: number }).unread).toBe(0);
  });
});
