import { randomUUID } from 'node:crypto';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import type { UserId } from '../src/domain/ids.ts';
import { smtpMailer } from '../src/notifications/email.ts';
import { DELIVERY_HEADER, newWebhookSecret, SIGNATURE_HEADER, verifySignature } from '../src/notifications/webhook.ts';
import { sealWebhookSecret } from '../src/notifications/webhook-secrets.ts';
import { notificationsStore, type DeliveryRow } from '../src/store/notifications.ts';
import { notificationHub, type NotificationHub, type Who, type World } from './helpers/notifications.ts';
import { smtpServer } from './helpers/smtp-server.ts';
import { testDialects } from './helpers/store.ts';
import { webhookReceiver, type ReceivedHook } from './helpers/webhook-receiver.ts';

/*
 * Support requests in the notification plan: the Birch Falls clerk (a Wisconsin local office) asks the
 * Wisconsin state office for incident response; the state's support contacts hear of it, the clerk of
 * each answer and message, nobody else; an urgent request goes to the backup contacts when nobody
 * acknowledges it. Email goes through a real SMTP server on 127.0.0.1, webhooks to a real receiver.
 */
describe.each(testDialects())('support requests in the notification plan on %s', (dialect) => {
  let t: NotificationHub;
  let world: World;
  let smtp: Awaited<ReturnType<typeof smtpServer>>;
  let receiver: Awaited<ReturnType<typeof webhookReceiver>>;
  /** Each organization's webhook and its secret, by receiver path. */
  const hooks = new Map<string, { id: string; secret: string }>();
  /** Receiver paths that answer 500. */
  const failing = new Set<string>();

  beforeAll(async () => {
    smtp = await smtpServer();
    receiver = await webhookReceiver((hook) => (failing.has(hook.path) ? 500 : 200));
    const mailer = smtpMailer(smtp.url, 'Rampart <rampart@hub.example>');
    t = await notificationHub(dialect, { mailer, baseUrl: 'https://rampart.example.gov', policy: { maxAttempts: 2, backoffBaseMs: 60_000 } });
    t.hub.app.addHook('onClose', () => mailer.close());
    world = t.world;
    await t.hub.notifier.round();
    expect((await t.api('state', 'PUT', '/api/v1/support/offerings/incident-response', { description: 'The state CISO’s team comes to you.', active: true })).status).toBe(200);
  });
  afterEach(() => {
    smtp.received.length = 0;
    receiver.received.length = 0;
  });
  afterAll(async () => {
    await t.close();
    await smtp.close();
    await receiver.close();
  });

  const api = (...args: Parameters<NotificationHub['api']>) => t.api(...args);
  type Item = { id: string; support_id: string | null; type: string | null; name: string | null; urgent: boolean; reasons: string[] };
  const supportAlerts = async (who: Who, requestId: string) => ((await api(who, 'GET', '/api/v1/notifications')).body as { items: Item[] }).items.filter((i) => i.support_id === requestId);
  const mailTo = (who: Who) => smtp.received.filter((m) => m.to.includes(world.emails[who]));
  const sent = () => smtp.received.map((m) => [m.to.join(','), m.subject]);
  const ask = async (title: string, urgent?: boolean) => {
    const res = await api('county', 'POST', '/api/v1/support/requests', { provider_org: world.orgs.state, service: 'incident-response', title, details: 'Our pollbook server shows a ransom note.', ...(urgent === undefined ? {} : { urgent }) });
    expect(res.status).toBe(201);
    expect(res.body?.['urgent']).toBe(urgent === true);
    return res.body?.['id'] as string;
  };
  /** A webhook of `org` to the receiver, stored as an org-admin would store it (the county and Illinois have no org-admin in this world). */
  const webhookOf = async (org: keyof World['orgs']) => {
    const id = randomUUID();
    const secret = newWebhookSecret();
    await notificationsStore(t.store.database).insertWebhook({ id, org_id: world.orgs[org], url: `${receiver.url}/${org}`, secret: sealWebhookSecret(t.secretBox, id, secret), enabled: 1, failures: 0, disabled_reason: null, created_at: t.clock.now });
    hooks.set(`/hook/${org}`, { id, secret });
    return id;
  };
  /** The webhook requests an organization's receiver got, each checked against its signature. */
  const hooksTo = (org: keyof World['orgs']) =>
    receiver.received
      .filter((h: ReceivedHook) => h.path === `/hook/${org}`)
      .map((h) => {
        const secret = hooks.get(`/hook/${org}`)?.secret ?? '';
        expect(verifySignature(secret, String(h.headers[SIGNATURE_HEADER]), h.body, Math.floor(t.clock.now / 1000))).toBe(true);
        const body = JSON.parse(h.body) as { delivery_id: string; event: string; support_request: Record<string, unknown>; message?: Record<string, unknown>; reasons: string[] };
        expect(body.delivery_id).toBe(h.headers[DELIVERY_HEADER]);
        return body;
      });

  it("tells the provider's org-admins of a new request when its plan names no support contacts, the plan's support contacts once it does, and the asker of each answer; nobody else", async () => {
    const first = await ask('Help with a ransom note');
    await t.hub.notifier.round();
    expect(mailTo('stateAdmin').map((m) => m.subject)).toEqual(['[Rampart] New support request: Help with a ransom note']);
    expect(mailTo('stateAdmin')[0]?.text).toContain(`https://rampart.example.gov/support/${first}`);
    // Its status in the web page's words, not the stored code ("requested").
    expect(mailTo('stateAdmin')[0]?.text).toContain('Status: waiting for an answer');
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
    smtp.received.length = 0;
    const second = await ask('Scan our results website');
    await t.hub.notifier.round();
    expect(sent()).toEqual([[world.emails.state, '[Rampart] New support request: Scan our results website']]);

    // The state accepts: the clerk who asked is told (its office names no contacts and has no org-admin), the state is not.
    smtp.received.length = 0;
    expect((await api('state', 'POST', `/api/v1/support/requests/${second}/actions`, { action: 'accept' })).status).toBe(200);
    await t.hub.notifier.round();
    expect(sent()).toEqual([[world.emails.county, '[Rampart] Support request accepted: Scan our results website']]);
    expect(await supportAlerts('county', second)).toEqual([expect.objectContaining({ reasons: ["Your organization's request for incident response was accepted"] })]);

    // The clerk cancels: the state's support contact is told.
    smtp.received.length = 0;
    t.clock.now += 60_000;
    expect((await api('county', 'POST', `/api/v1/support/requests/${second}/actions`, { action: 'cancel' })).status).toBe(200);
    await t.hub.notifier.round();
    expect(sent()).toEqual([[world.emails.state, '[Rampart] Support request withdrawn: Scan our results website']]);
  });

  it('emails an urgent request at once marked URGENT and, when nobody acknowledged it in time, to the backup contacts of support; an acknowledged one is not escalated', async () => {
    const urgent = await ask('Ransomware on election night', true);
    const calm = await ask('Second look at the same server', true);
    await t.hub.notifier.round();
    expect(mailTo('state').map((m) => m.subject).sort()).toEqual(['[Rampart] URGENT: New support request: Ransomware on election night', '[Rampart] URGENT: New support request: Second look at the same server']);
    expect(mailTo('stateAdmin')).toEqual([]);
    const [toAck] = await supportAlerts('state', calm);
    expect((await api('state', 'POST', `/api/v1/notifications/${toAck?.id ?? ''}/acknowledge`)).status).toBe(204);

    t.clock.now += 31 * 60_000;
    await t.hub.notifier.round();
    expect(mailTo('stateAdmin').map((m) => m.subject)).toEqual(['[Rampart] URGENT: New support request: Ransomware on election night (not yet acknowledged by your organization)']);
    expect(await supportAlerts('stateAdmin', urgent)).toEqual([expect.objectContaining({ urgent: true, reasons: ['Urgent and not acknowledged within 30 minutes'] })]);
    expect(await supportAlerts('stateAdmin', calm)).toEqual([]);

    // Completing an urgent request is not urgent: nothing is left to act on.
    smtp.received.length = 0;
    expect((await api('state', 'POST', `/api/v1/support/requests/${calm}/actions`, { action: 'accept' })).status).toBe(200);
    await t.hub.notifier.round();
    t.clock.now += 60_000;
    expect((await api('state', 'POST', `/api/v1/support/requests/${calm}/actions`, { action: 'complete' })).status).toBe(200);
    await t.hub.notifier.round();
    expect(mailTo('county').map((m) => m.subject)).toEqual(['[Rampart] URGENT: Support request accepted: Second look at the same server', '[Rampart] Support request completed: Second look at the same server']);
  });

  it("sends each event, signed, to the webhooks of the organizations that see the request but the one that acted; never to another organization's", async () => {
    await webhookOf('state');
    await webhookOf('county');
    await webhookOf('outsider');
    t.clock.now += 60_000;
    const request = await ask('Webhooks hear of it');
    await t.hub.notifier.round();
    const toState = hooksTo('state');
    expect(toState).toEqual([expect.objectContaining({ event: 'support.requested', reasons: ['Your organization is asked for incident response'] })]);
    expect(toState[0]?.support_request).toMatchObject({ id: request, title: 'Webhooks hear of it', details: 'Our pollbook server shows a ransom note.', status: 'requested', requester_org: world.orgs.county, provider_org: world.orgs.state });
    expect(hooksTo('county')).toEqual([]);
    expect(hooksTo('outsider')).toEqual([]);

    receiver.received.length = 0;
    t.clock.now += 60_000;
    expect((await api('state', 'POST', `/api/v1/support/requests/${request}/actions`, { action: 'accept' })).status).toBe(200);
    await t.hub.notifier.round();
    expect(hooksTo('county')).toEqual([expect.objectContaining({ event: 'support.status-changed', support_request: expect.objectContaining({ id: request, status: 'accepted' }) as unknown })]);
    expect(hooksTo('state')).toEqual([]);
    expect(hooksTo('outsider')).toEqual([]);

    // Illinois is added as a party by the clerk: it sees the request from then on, and hears of the next event.
    expect((await api('county', 'POST', `/api/v1/support/requests/${request}/parties`, { org_id: world.orgs.outsider })).status).toBe(200);
    receiver.received.length = 0;
    t.clock.now += 60_000;
    expect((await api('state', 'POST', `/api/v1/support/requests/${request}/actions`, { action: 'complete' })).status).toBe(200);
    await t.hub.notifier.round();
    expect(hooksTo('outsider').map((h) => [h.event, h.support_request['status']])).toEqual([['support.status-changed', 'completed']]);
    expect(hooksTo('county').map((h) => h.event)).toEqual(['support.status-changed']);
  });

  it("keeps a support event its webhook refused in the dead-letter list, naming the request, and replays it with the same delivery id", async () => {
    const hook = hooks.get('/hook/state')?.id ?? '';
    failing.add('/hook/state');
    t.clock.now += 60_000;
    const request = await ask('Refused at first');
    await t.hub.notifier.round();
    t.clock.now += 10 * 60_000;
    await t.hub.notifier.round();
    expect(receiver.received.filter((h) => h.path === '/hook/state')).toHaveLength(2);
    const dead = await api('stateAdmin', 'GET', `/api/v1/org/webhooks/${hook}/dead-letters`);
    const rows = (dead.body as { deliveries: { id: string; object_id: string | null; support_id: string | null; last_error: string }[] }).deliveries;
    expect(rows.map((d) => [d.object_id, d.support_id, d.last_error])).toEqual([[null, request, 'the receiver answered 500']]);
    failing.delete('/hook/state');
    receiver.received.length = 0;
    expect((await api('stateAdmin', 'POST', `/api/v1/org/webhooks/${hook}/dead-letters/${rows[0]?.id ?? ''}/replay`)).status).toBe(204);
    await t.hub.notifier.round();
    expect(hooksTo('state').map((h) => [h.delivery_id, h.event, h.support_request['id']])).toEqual([[rows[0]?.id, 'support.requested', request]]);
  });

  it('tells the other side of a new message: the asker and its contacts when the provider writes, the provider’s support contacts when the asker writes; by email and webhook, with the message only in the webhook', async () => {
    const request = await ask('Who brings the laptops?');
    await t.hub.notifier.round();
    smtp.received.length = 0;
    receiver.received.length = 0;

    t.clock.now += 60_000;
    expect((await api('county', 'POST', `/api/v1/support/requests/${request}/messages`, { body: 'The server room is behind the clerk’s office.' })).status).toBe(201);
    await t.hub.notifier.round();
    expect(sent()).toEqual([[world.emails.state, '[Rampart] New message on support request: Who brings the laptops?']]);
    expect(mailTo('state')[0]?.text).not.toContain('server room'); // the message stays in Rampart
    expect(mailTo('state')[0]?.text).toContain(`https://rampart.example.gov/support/${request}`);
    expect(await supportAlerts('state', request)).toContainEqual(expect.objectContaining({ urgent: false, reasons: ['A new message on a request for incident response that your organization was asked for'] }));
    const toState = hooksTo('state');
    expect(toState.map((h) => [h.event, h.message?.['body'], h.message?.['author_org']])).toEqual([['support.message', 'The server room is behind the clerk’s office.', world.orgs.county]]);
    expect(hooksTo('county')).toEqual([]);
    expect(hooksTo('outsider')).toEqual([]);

    smtp.received.length = 0;
    receiver.received.length = 0;
    t.clock.now += 60_000;
    expect((await api('state', 'POST', `/api/v1/support/requests/${request}/messages`, { body: 'We bring two laptops at nine.' })).status).toBe(201);
    await t.hub.notifier.round();
    expect(sent()).toEqual([[world.emails.county, '[Rampart] New message on support request: Who brings the laptops?']]);
    expect(await supportAlerts('county', request)).toContainEqual(expect.objectContaining({ reasons: ["A new message on your organization's request for incident response"] }));
    expect(hooksTo('county').map((h) => [h.event, h.message?.['body']])).toEqual([['support.message', 'We bring two laptops at nine.']]);
    expect(hooksTo('state')).toEqual([]);
    for (const who of ['outsider', 'federal', 'stateAdmin'] as const) expect(mailTo(who)).toEqual([]);
  });

  it("honours a person's email choice for support: the digest gets what is not urgent (urgent still at once), no email means none", async () => {
    expect((await api('county', 'PUT', '/api/v1/me/notification-settings', { email_mode: 'digest' })).status).toBe(200);
    const calm = await ask('Review our canvass procedures');
    const urgent = await ask('Results site down', true);
    await t.hub.notifier.round();
    smtp.received.length = 0;
    t.clock.now += 60_000;
    for (const id of [calm, urgent]) expect((await api('state', 'POST', `/api/v1/support/requests/${id}/actions`, { action: 'accept' })).status).toBe(200);
    t.clock.now += 60_000;
    expect((await api('state', 'POST', `/api/v1/support/requests/${calm}/messages`, { body: 'Send us the current procedures.' })).status).toBe(201);
    await t.hub.notifier.round();
    expect(sent()).toEqual([[world.emails.county, '[Rampart] URGENT: Support request accepted: Results site down']]);
    expect(await supportAlerts('county', calm)).toHaveLength(2); // the centre lists both at once

    t.clock.now += 24 * 3_600_000;
    await t.hub.notifier.round();
    const digest = mailTo('county');
    expect(digest.map((m) => m.subject)).toEqual(['[Rampart] URGENT: Support request accepted: Results site down', '[Rampart] Rampart daily digest: 2 items']);
    expect(digest[1]?.text).toContain(`- Support request accepted: Review our canvass procedures (Incident response)  https://rampart.example.gov/support/${calm}`);
    expect(digest[1]?.text).toContain('- New message on Review our canvass procedures (Incident response)');
    expect(digest[1]?.text).not.toContain('current procedures');

    expect((await api('county', 'PUT', '/api/v1/me/notification-settings', { email_mode: 'none' })).status).toBe(200);
    smtp.received.length = 0;
    t.clock.now += 60_000;
    expect((await api('state', 'POST', `/api/v1/support/requests/${calm}/actions`, { action: 'complete' })).status).toBe(200);
    t.clock.now += 24 * 3_600_000;
    await t.hub.notifier.round();
    expect(mailTo('county')).toEqual([]);
    expect(await supportAlerts('county', calm)).toHaveLength(3);
    expect((await api('county', 'PUT', '/api/v1/me/notification-settings', { email_mode: 'as-rules' })).status).toBe(200);
  });

  it('checks at delivery that the organization may see the request: an email or webhook for an organization that does not is dropped and never listed', async () => {
    const request = await ask('Only for the two offices');
    await t.hub.notifier.round();
    const notify = notificationsStore(t.store.database);
    const outsider = world.users.outsider as UserId;
    const hook = hooks.get('/hook/outsider')?.id ?? (await webhookOf('outsider'));
    const at = t.clock.now;
    // As if the outsider had been told (a bug elsewhere, or an organization since removed): the delivery re-checks.
    const id = `00000000-0000-4000-8000-${String(at % 1e12).padStart(12, '0')}`;
    const hookDelivery = `00000000-0000-4000-9000-${String(at % 1e12).padStart(12, '0')}`;
    const row = (over: Partial<DeliveryRow>): DeliveryRow => ({ id, channel: 'email', recipient: outsider, org_id: world.orgs.outsider, alert_id: id, object_id: null, support_id: request, support_event: 'requested', added_us: at * 1000, mode: 'immediate', reasons: '["test"]', urgent: 0, state: 'pending', attempts: 0, next_at: at, lease_owner: null, lease_until: null, last_error: null, created_at: at, done_at: null, ...over });
    await notify.recordSupport(
      [{ id, user_id: outsider, org_id: world.orgs.outsider, object_id: null, added_us: at * 1000, notice: null, reasons: '["test"]', urgent: 0, created_at: at, read_at: null, acked_at: null, escalated_at: null, kinds: '["support"]', support_id: request }],
      [row({}), row({ id: hookDelivery, channel: 'webhook', recipient: hook, alert_id: null })],
    );
    receiver.received.length = 0;
    await t.hub.notifier.round();
    expect(mailTo('outsider')).toEqual([]);
    expect(hooksTo('outsider')).toEqual([]);
    expect(await notify.delivery(id)).toMatchObject({ state: 'dropped', last_error: 'no longer shared with the recipient' });
    expect(await notify.delivery(hookDelivery)).toMatchObject({ state: 'dropped', last_error: 'no longer shared with the recipient' });
    expect(await supportAlerts('outsider', request)).toEqual([]);
    expect(((await api('outsider', 'GET', '/api/v1/notifications/unread')).body as { unread: number }).unread).toBe(0);
  });
});
