import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import type { Hub } from '../src/hub/compose.ts';
import type { StixId } from '../src/domain/ids.ts';
import { notificationsStore } from '../src/store/notifications.ts';
import type { RampartStore } from '../src/store/index.ts';
import { tableRows, testDialects } from './helpers/store.ts';
import { incident, indicator, memoryMailer, notificationHub, post, reshare, type NotificationHub, type World } from './helpers/notifications.ts';
import { DELIVERY_HEADER, SIGNATURE_HEADER, verifySignature } from '../src/notifications/webhook.ts';
import { webhookReceiver } from './helpers/webhook-receiver.ts';
import { isSealed } from '../src/auth/secret-box.ts';
import { exampleStatus } from './helpers/rampart-examples.ts';


describe.each(testDialects())('alerts that reach people on %s', (dialect) => {
  let t: NotificationHub;
  let store: RampartStore;
  let hub: Hub;
  let world: World;
  const mailer = memoryMailer();
  const failFirst = new Set<number>();
  let receiver: Awaited<ReturnType<typeof webhookReceiver>>;

  beforeAll(async () => {
    receiver = await webhookReceiver((_hook, i) => (failFirst.has(i) ? 500 : 200));
    t = await notificationHub(dialect, { mailer, policy: { backoffBaseMs: 60_000, maxAttempts: 3, disableAfterDead: 1 } });
    ({ store, hub, world } = t);
  });
  afterEach(() => {
    mailer.sent.length = 0;
    mailer.failing = false;
  });
  afterAll(async () => {
    await t.close();
    await receiver.close();
  });

  const api = (...args: Parameters<NotificationHub['api']>) => t.api(...args);
  const notificationsOf = async (who: keyof World['keys']) => {
    const res = await api(who, 'GET', '/api/v1/notifications');
    expect(res.status).toBe(200);
    return res.body as { unread: number; items: { id: string; object_id: string | null; name: string | null; urgent: boolean; read: boolean; notice: string | null; reasons: string[] }[] };
  };
  const mailTo = (who: keyof World['emails']) => mailer.sent.filter((m) => m.to === world.emails[who]);

  it("tells the state office at once of a county's incident in its state, by email and signed webhook; not the county itself, not another state", async () => {
    const hook = await api('stateAdmin', 'POST', '/api/v1/org/webhooks', { url: receiver.url });
    expect(hook.status).toBe(201);
    const secret = hook.body?.['secret'] as string;
    // Stored sealed under the server key, never in plain text.
    const stored = await notificationsStore(store.database).webhook(hook.body?.['id'] as string);
    expect(isSealed(stored?.secret ?? '')).toBe(true);
    expect(stored?.secret).not.toContain(secret.slice(6));
    const before = receiver.received.length;
    const report = incident('Phishing at the county clerk', { severity: 'moderate' });
    await post(hub, world.keys.county, report.object, 'amber', ['state:55']);
    await hub.notifier.round();

    const state = await notificationsOf('state');
    expect(state.items.map((i) => i.object_id)).toEqual([report.id]);
    expect(state.unread).toBe(1);
    expect((await notificationsOf('county')).items).toEqual([]);
    expect((await notificationsOf('outsider')).items).toEqual([]);
    const mails = mailTo('state');
    expect(mails).toHaveLength(1);
    expect(mails[0]?.subject).toBe('[TLP:AMBER] Incident: Phishing at the county clerk');
    expect(mails[0]?.text).toContain('seen at the county office');
    expect(mailTo('outsider')).toEqual([]);

    const hooks = receiver.received.slice(before);
    expect(hooks).toHaveLength(1);
    const [got] = hooks;
    if (got === undefined) throw new Error('no webhook');
    expect(verifySignature(secret, String(got.headers[SIGNATURE_HEADER]), got.body, Math.floor(t.clock.now / 1000))).toBe(true);
    expect(verifySignature(secret, String(got.headers[SIGNATURE_HEADER]), `${got.body} `, Math.floor(t.clock.now / 1000))).toBe(false);
    const payload = JSON.parse(got.body) as { delivery_id: string; object: { id: string }; tlp: string };
    expect(payload.delivery_id).toBe(got.headers[DELIVERY_HEADER]);
    expect(payload.object.id).toBe(report.id);
    expect(payload.tlp).toBe('amber');

    const read = await api('state', 'POST', '/api/v1/notifications/read', {});
    expect(read.body).toEqual({ marked: 1 });
    expect((await api('state', 'GET', '/api/v1/notifications/unread')).body).toEqual({ unread: 0 });
    expect((await api('stateAdmin', 'DELETE', `/api/v1/org/webhooks/${hook.body?.['id'] as string}`)).status).toBe(204);
  });

  it('checks the sharing rule again at delivery: a narrowing before the email goes out stops it, and the notification disappears', async () => {
    mailer.failing = true;
    const report = incident('Suspicious login at the county', { severity: 'moderate' });
    await post(hub, world.keys.county, report.object, 'amber', ['state:55']);
    await hub.notifier.round();
    expect((await notificationsOf('state')).items.some((i) => i.object_id === report.id)).toBe(true);
    await reshare(hub, world.keys.county, report.id, 'amber', [`org:${world.orgs.county}`]);
    mailer.failing = false;
    t.clock.now += 10 * 60_000;
    await hub.notifier.round();
    expect(mailTo('state')).toEqual([]);
    expect((await notificationsOf('state')).items.some((i) => i.object_id === report.id)).toBe(false);
    const notify = notificationsStore(store.database);
    const dropped = await notify.deliveries({ recipient: world.users.state, state: 'dropped', limit: 10 });
    expect(dropped.map((d) => [d.object_id, d.last_error])).toEqual([[report.id, 'no longer shared with the recipient']]);
  });

  it('announces TLP:AMBER+STRICT and TLP:RED without their content', async () => {
    const red = incident('Named to one person', { description: 'the secret details' });
    await post(hub, world.keys.county, red.object, 'red', [`user:${world.users.state}`]);
    await hub.notifier.round();
    const mails = mailTo('state');
    expect(mails).toHaveLength(1);
    expect(mails[0]?.subject).toBe('[TLP:RED] Something was shared with you in Rampart');
    expect(mails[0]?.text).not.toContain('secret details');
    expect(mails[0]?.text).not.toContain('Named to one person');
    // The other person of the same office was not named, and is told nothing.
    expect(mailTo('stateAdmin')).toEqual([]);
    expect((await notificationsOf('stateAdmin')).items.some((i) => i.object_id === red.id)).toBe(false);
  });

  it('tells an organization of anything naming its watched domains, and refuses a bad watch-list entry storing nothing', async () => {
    const before = await tableRows(store.database);
    const bad = await api('stateAdmin', 'POST', '/api/v1/org/watch-list', { kind: 'domain', value: 'not a domain' });
    expect(bad.status).toBe(400);
    expect(bad.body?.['code']).toBe('invalid-watch-value');
    const notAdmin = await api('state', 'POST', '/api/v1/org/watch-list', { kind: 'domain', value: 'elections.example.gov' });
    expect(notAdmin.status).toBe(403);
    expect(await tableRows(store.database)).toEqual(before);

    expect((await api('stateAdmin', 'POST', '/api/v1/org/watch-list', { kind: 'domain', value: 'Elections.Example.gov' })).status).toBe(201);
    expect((await api('stateAdmin', 'POST', '/api/v1/org/watch-list', { kind: 'cidr', value: '198.51.100.0/24' })).status).toBe(201);
    const dup = await api('stateAdmin', 'POST', '/api/v1/org/watch-list', { kind: 'domain', value: 'elections.example.gov' });
    expect(dup.status).toBe(409);
    const naming = indicator('Lookalike of the results site', "[domain-name:value = 'results.elections.example.gov']");
    const address = indicator('Scanner', "[ipv4-addr:value = '198.51.100.7'] OR [ipv4-addr:value = '203.0.113.5']");
    const other = indicator('Unrelated', "[domain-name:value = 'elsewhere.example.org']");
    for (const i of [naming, address, other]) await post(hub, world.keys.federal, i.object, 'green', ['community']);
    await hub.notifier.round();
    const ids = (await notificationsOf('state')).items.map((i) => i.object_id);
    expect(ids).toContain(naming.id);
    expect(ids).toContain(address.id);
    expect(ids).not.toContain(other.id);
    // Illinois watches nothing, and green indicators meet none of its standard rules.
    expect((await notificationsOf('outsider')).items.some((i) => i.object_id === naming.id)).toBe(false);
  });

  it('tells an organization of an observable and of a sighting naming its watched domain, reading what the sighting points at as the organization may see it', async () => {
    expect((await api('stateAdmin', 'POST', '/api/v1/org/watch-list', { kind: 'domain', value: 'canvass.example.gov' })).status).toBe(201);
    let n = 0;
    const sighting = (of: string) => {
      const id = `sighting--${String(++n).padStart(8, '0')}-5a5a-4a5a-8a5a-${Date.now().toString(16).padStart(12, '0').slice(-12)}`;
      return { id, object: { type: 'sighting', spec_version: '2.1', id, created: '2026-11-03T11:00:00.000Z', modified: '2026-11-03T11:00:00.000Z', sighting_of_ref: of, count: 3 } };
    };
    const observable = { type: 'domain-name', spec_version: '2.1', id: `domain-name--0000a11e-7b7b-5b7b-8b7b-${Date.now().toString(16).padStart(12, '0').slice(-12)}`, value: 'ballots.canvass.example.gov' };
    const seen = indicator('Login page lookalike', "[domain-name:value = 'login.canvass.example.gov']");
    const hidden = indicator("The county's own lookalike", "[domain-name:value = 'sync.canvass.example.gov']");
    await post(hub, world.keys.federal, observable, 'green', ['community']);
    await post(hub, world.keys.federal, seen.object, 'amber', ['state:55']);
    await post(hub, world.keys.county, hidden.object, 'amber', [`org:${world.orgs.county}`]);
    await hub.notifier.round();
    const seenSighting = sighting(seen.id);
    const hiddenSighting = sighting(hidden.id);
    await post(hub, world.keys.federal, seenSighting.object, 'green', ['community']);
    // Shared with the state, but what it sighted is the county's alone: it names nothing the state may read.
    await post(hub, world.keys.county, hiddenSighting.object, 'amber', ['state:55']);
    await hub.notifier.round();
    const items = (await notificationsOf('state')).items;
    const reasonsOf = (id: string) => items.find((i) => i.object_id === id)?.reasons;
    expect(reasonsOf(observable.id)).toEqual(['Anything naming our watched domains, IP addresses or web addresses']);
    expect(reasonsOf(seen.id)).toEqual(['Anything naming our watched domains, IP addresses or web addresses']);
    expect(reasonsOf(seenSighting.id)).toEqual(['Anything naming our watched domains, IP addresses or web addresses']);
    expect(reasonsOf(hidden.id)).toBeUndefined();
    expect(reasonsOf(hiddenSighting.id)).toBeUndefined();
    // Illinois watches nothing of it.
    expect((await notificationsOf('outsider')).items.some((i) => [observable.id, seenSighting.id].includes(i.object_id ?? ''))).toBe(false);
  });

  it("applies the standard rules of each kind of organization: a county hears of its state's incidents in the digest, a federal partner not at all, and none once its plan turns them off", async () => {
    const local = incident('Robocalls with the wrong polling date', { severity: 'moderate' });
    const wide = incident('Phishing wave against election offices', { severity: 'moderate' });
    await post(hub, world.keys.state, local.object, 'amber', ['state:55']);
    await post(hub, world.keys.state, wide.object, 'green', ['community']);
    await hub.notifier.round();
    const county = (await notificationsOf('county')).items;
    expect(county.find((i) => i.object_id === local.id)?.reasons).toEqual(['Incidents in our state']);
    expect(county.find((i) => i.object_id === wide.id)?.reasons).toEqual(['Incidents in our state']);
    // The county's standard rule is a digest: nothing at once.
    expect(mailTo('county')).toEqual([]);
    // CISA sees the community incident, but its standard rules watch only its watch list.
    expect((await notificationsOf('federal')).items.some((i) => i.object_id === wide.id)).toBe(false);
    // Illinois's state office sees the community incident, but it is not in its state.
    expect((await notificationsOf('outsider')).items.some((i) => i.object_id === wide.id)).toBe(false);
    t.clock.now += 24 * 3_600_000;
    await hub.notifier.round();
    expect(mailTo('county').map((m) => m.subject)).toEqual(['[TLP:AMBER] Rampart daily digest: 2 items']);

    // The state office turns its standard rules off: its people hear of the next incident in the state no more.
    expect((await api('stateAdmin', 'PUT', '/api/v1/org/notification-plan', { defaults_enabled: false })).status).toBe(200);
    const after = incident('Misprinted sample ballots', { severity: 'moderate' });
    await post(hub, world.keys.county, after.object, 'amber', ['state:55']);
    await hub.notifier.round();
    expect((await notificationsOf('state')).items.some((i) => i.object_id === after.id)).toBe(false);
    expect((await api('stateAdmin', 'PUT', '/api/v1/org/notification-plan', { defaults_enabled: true })).status).toBe(200);
  });

  it("emails a state office's people at once of a status change in its state, by its standard rule; not the county that posted it, not another state", async () => {
    const status = exampleStatus({ id: 'x-rampart-status-report--5e1ec710-0000-4000-8000-00000000a1e2', jurisdiction_ref: world.orgs.county, county_fips: undefined });
    await post(hub, world.keys.county, status, 'amber', ['state:55']);
    await hub.notifier.round();
    const state = (await notificationsOf('state')).items.find((i) => i.object_id === status['id']);
    expect(state?.reasons).toEqual(['Incidents and status changes in our state']);
    // A status report has no name of its own: the email says whose it is and how it stands, never "Status report: Status report".
    expect(mailTo('state').map((m) => m.subject)).toEqual([expect.stringMatching(/^\[TLP:AMBER\] Election-day status: Birch Falls Town Clerk .* \(fictional\) — degraded \(Check-in and e-pollbooks\)$/)]);
    expect(mailTo('county')).toEqual([]);
    expect((await notificationsOf('outsider')).items.some((i) => i.object_id === status['id'])).toBe(false);
  });

  it('puts non-urgent alerts of a person who chose the digest into one daily email; urgent ones still go at once', async () => {
    expect((await api('state', 'PUT', '/api/v1/me/notification-settings', { email_mode: 'digest' })).status).toBe(200);
    const calm = incident('Minor outage of the county website', { severity: 'low' });
    const urgent = incident('Ransomware on the pollbook server', { severity: 'critical' });
    await post(hub, world.keys.county, calm.object, 'green', ['state:55']);
    await post(hub, world.keys.county, urgent.object, 'amber', ['state:55']);
    await hub.notifier.round();
    expect(mailTo('state').map((m) => m.subject)).toEqual(['[TLP:AMBER] URGENT: Incident: Ransomware on the pollbook server']);
    t.clock.now += 24 * 3_600_000;
    await hub.notifier.round();
    const digest = mailTo('state').filter((m) => m.subject.includes('digest'));
    expect(digest).toHaveLength(1);
    expect(digest[0]?.subject).toBe('[TLP:GREEN] Rampart daily digest: 1 item');
    expect(digest[0]?.text).toContain('Minor outage of the county website');
    expect((await api('state', 'PUT', '/api/v1/me/notification-settings', { email_mode: 'as-rules' })).status).toBe(200);
  });

  it('keeps a notification plan per kind of alert, changed only by the organization\'s own org-admins; bad contacts are refused precisely and nothing is stored', async () => {
    const empty = { primary: [], backup: [] };
    const before = await api('stateAdmin', 'GET', '/api/v1/org/notification-plan');
    expect(before.body).toEqual({ defaults_enabled: true, escalate_after_minutes: 30, contacts: { incident: empty, status: empty, 'watch-list': empty, other: empty, support: empty } });
    // An analyst of the organization, and another organization's people, cannot change it.
    expect((await api('state', 'PUT', '/api/v1/org/notification-plan', { escalate_after_minutes: 10 })).status).toBe(403);
    const stranger = await api('stateAdmin', 'PUT', '/api/v1/org/notification-plan', { escalate_after_minutes: 10, contacts: { status: { primary: [world.users.state], backup: [world.users.county] } } });
    expect(stranger.status).toBe(422);
    expect(stranger.body?.['code']).toBe('unknown-contact');
    expect(stranger.body?.['errors']).toEqual([expect.objectContaining({ path: 'body.contacts.status.backup.0', code: 'unknown-contact' })]);
    const twice = await api('stateAdmin', 'PUT', '/api/v1/org/notification-plan', { contacts: { incident: { primary: [world.users.state], backup: [world.users.state] } } });
    expect(twice.status).toBe(422);
    expect(twice.body?.['code']).toBe('contact-in-both-lists');
    const unknownKind = await api('stateAdmin', 'PUT', '/api/v1/org/notification-plan', { contacts: { weather: empty } });
    expect(unknownKind.status).toBe(400);
    expect((await api('stateAdmin', 'GET', '/api/v1/org/notification-plan')).body).toEqual(before.body);
  });

  it('escalates an urgent alert nobody acknowledged to the backup contacts of its kind, and not one that was acknowledged', async () => {
    const plan = await api('stateAdmin', 'PUT', '/api/v1/org/notification-plan', {
      escalate_after_minutes: 15,
      contacts: { incident: { primary: [], backup: [world.users.stateAdmin] }, status: { primary: [], backup: [world.users.state] } },
    });
    expect(plan.status, JSON.stringify(plan.body)).toBe(200);
    expect(plan.body?.['contacts']).toMatchObject({ incident: { backup: [world.users.stateAdmin] }, status: { backup: [world.users.state] }, other: { backup: [] } });
    const ignored = incident('Tabulator tampering', { severity: 'high' });
    const seen = incident('Results website defaced', { severity: 'high' });
    await post(hub, world.keys.county, ignored.object, 'amber', ['state:55']);
    await post(hub, world.keys.county, seen.object, 'amber', ['state:55']);
    await hub.notifier.round();
    const mine = (await notificationsOf('state')).items.find((i) => i.object_id === seen.id);
    if (mine === undefined) throw new Error('no alert');
    expect((await api('state', 'POST', `/api/v1/notifications/${mine.id}/acknowledge`)).status).toBe(204);
    mailer.sent.length = 0;
    t.clock.now += 20 * 60_000;
    await hub.notifier.round();
    const escalated = mailTo('stateAdmin');
    expect(escalated.map((m) => m.subject)).toEqual(['[TLP:AMBER] URGENT: Incident: Tabulator tampering (not yet acknowledged by your organization)']);
    // The status changes' backup contact is not told of an incident.
    expect(mailTo('state').filter((m) => m.subject.includes('not yet acknowledged'))).toEqual([]);
    t.clock.now += 20 * 60_000;
    await hub.notifier.round();
    expect(mailTo('stateAdmin')).toHaveLength(1);
  });

  it('matches an object re-shared while no server process listened (straight in the store, no message) at the next round, once', async () => {
    const report = incident('Pollbook vendor outage (fictional)', { severity: 'moderate' });
    await post(hub, world.keys.county, report.object, 'amber', [`org:${world.orgs.county}`]);
    await hub.notifier.round();
    expect((await notificationsOf('state')).items.some((i) => i.object_id === report.id)).toBe(false);
    // As the CLI or a restore would: the store alone, nobody told.
    await store.stix.reshare(report.id as StixId, { owner: world.orgs.county, tlp: 'amber', audience: [`org:${world.orgs.county}`, 'state:55'] });
    await hub.notifier.round();
    expect((await notificationsOf('state')).items.filter((i) => i.object_id === report.id)).toHaveLength(1);
    await hub.notifier.round();
    expect((await notificationsOf('state')).items.filter((i) => i.object_id === report.id)).toHaveLength(1);
  });

  it('retries a failing webhook with back-off, gives up into the dead-letter list, turns the webhook off with a notice, and replays', async () => {
    const hook = await api('stateAdmin', 'POST', '/api/v1/org/webhooks', { url: receiver.url });
    const hookId = hook.body?.['id'] as string;
    const start = receiver.received.length;
    for (let i = start; i < start + 3; i++) failFirst.add(i);
    const report = incident('Pollbook sync failure', { severity: 'moderate' });
    await post(hub, world.keys.county, report.object, 'amber', ['state:55']);
    await hub.notifier.round();
    expect(receiver.received.length).toBe(start + 1);
    for (let attempt = 2; attempt <= 3; attempt++) {
      t.clock.now += 10 * 60_000;
      await hub.notifier.round();
      expect(receiver.received.length).toBe(start + attempt);
    }
    const ids = new Set(receiver.received.slice(start).map((h) => h.headers[DELIVERY_HEADER]));
    expect(ids.size).toBe(1);
    const dead = await api('stateAdmin', 'GET', `/api/v1/org/webhooks/${hookId}/dead-letters`);
    const deliveries = dead.body?.['deliveries'] as { id: string; object_id: string; last_error: string }[];
    expect(deliveries.map((d) => [d.object_id, d.last_error])).toEqual([[report.id, 'the receiver answered 500']]);
    const listed = await api('stateAdmin', 'GET', '/api/v1/org/webhooks');
    expect(listed.body?.['webhooks']).toMatchObject([{ id: hookId, enabled: false }]);
    const notices = (await notificationsOf('stateAdmin')).items.filter((i) => i.notice !== null);
    expect(notices.at(0)?.notice).toContain('was turned off after 1 deliveries failed in a row');
    expect(mailTo('stateAdmin').some((m) => m.text.includes('was turned off'))).toBe(true);

    expect((await api('state', 'GET', `/api/v1/org/webhooks/${hookId}/dead-letters`)).status).toBe(403);
    expect((await api('stateAdmin', 'PATCH', `/api/v1/org/webhooks/${hookId}`, { enabled: true })).status).toBe(200);
    const deadId = deliveries[0]?.id ?? '';
    expect((await api('stateAdmin', 'POST', `/api/v1/org/webhooks/${hookId}/dead-letters/${deadId}/replay`)).status).toBe(204);
    await hub.notifier.round();
    expect(receiver.received.at(-1)?.headers[DELIVERY_HEADER]).toBe(deadId);
    expect((await api('stateAdmin', 'POST', `/api/v1/org/webhooks/${hookId}/dead-letters/${deadId}/replay`)).status).toBe(409);
    expect((await api('stateAdmin', 'DELETE', `/api/v1/org/webhooks/${hookId}`)).status).toBe(204);
  });

  it('refuses a webhook address that is not https, and a rule with unknown criteria, storing nothing', async () => {
    const before = await tableRows(store.database);
    const plain = await api('stateAdmin', 'POST', '/api/v1/org/webhooks', { url: 'http://soc.example.gov/hook' });
    expect(plain.status).toBe(400);
    expect(plain.body?.['code']).toBe('invalid-webhook-url');
    const rule = await api('state', 'POST', '/api/v1/me/watch-rules', { name: 'x', criteria: { colour: ['red'] } });
    expect(rule.status).toBe(400);
    expect(rule.body?.['code']).toBe('invalid-request');
    const orgRule = await api('state', 'POST', '/api/v1/org/watch-rules', { name: 'x', criteria: {} });
    expect(orgRule.status).toBe(403);
    expect(await tableRows(store.database)).toEqual(before);
  });

  it("a person's own rule: indicators naming a threat actor, by keyword", async () => {
    const rule = await api('outsider', 'POST', '/api/v1/me/watch-rules', { name: 'Sandworm mentions', criteria: { types: ['indicator'], keywords: ['sandworm'] }, email: 'immediate' });
    expect(rule.status).toBe(201);
    const named = indicator('Sandworm C2 server', "[ipv4-addr:value = '192.0.2.99']");
    const not = indicator('Commodity scanner', "[ipv4-addr:value = '192.0.2.98']");
    await post(hub, world.keys.federal, named.object, 'green', ['community']);
    await post(hub, world.keys.federal, not.object, 'green', ['community']);
    await hub.notifier.round();
    expect(mailTo('outsider').map((m) => m.subject)).toEqual(['[TLP:GREEN] Indicator: Sandworm C2 server']);
    const rules = await api('outsider', 'GET', '/api/v1/me/watch-rules');
    expect((rules.body?.['rules'] as { name: string; built_in: boolean }[]).map((r) => [r.name, r.built_in])).toEqual([
      ['Incidents and status changes in our state', true],
      ['Anything naming our watched domains, IP addresses or web addresses', true],
      ['Sandworm mentions', false],
    ]);
  });

  it("emails the plan's primary contacts every urgent alert at once, even when they chose no email otherwise", async () => {
    expect((await api('stateAdmin', 'PUT', '/api/v1/me/notification-settings', { email_mode: 'none' })).status).toBe(200);
    expect((await api('stateAdmin', 'PUT', '/api/v1/org/notification-plan', { contacts: { incident: { primary: [world.users.stateAdmin], backup: [] } } })).status).toBe(200);
    const urgent = incident('Voter registration system offline', { severity: 'critical' });
    const calm = incident('Slow county website', { severity: 'low' });
    await post(hub, world.keys.county, urgent.object, 'amber', ['state:55']);
    await post(hub, world.keys.county, calm.object, 'amber', ['state:55']);
    await hub.notifier.round();
    expect(mailTo('stateAdmin').map((m) => m.subject)).toEqual(['[TLP:AMBER] URGENT: Incident: Voter registration system offline']);
    const reasons = (await api('stateAdmin', 'GET', '/api/v1/notifications')).body?.['items'] as { object_id: string; reasons: string[] }[];
    expect(reasons.find((n) => n.object_id === urgent.id)?.reasons).toContain('You are a primary contact for urgent incidents');
    expect((await api('stateAdmin', 'PUT', '/api/v1/me/notification-settings', { email_mode: 'as-rules' })).status).toBe(200);
  });
});
