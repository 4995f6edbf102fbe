import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { OrgId } from '../src/domain/ids.ts';
import { composeHub, type Hub } from '../src/hub/compose.ts';
import { pooledSmtpUrl, smtpMailer } from '../src/notifications/email.ts';
import { openStore, type RampartStore } from '../src/store/index.ts';
import { incident, notificationWorld, post, type World } from './helpers/notifications.ts';
import { testDatabase, type TestDatabase } from './helpers/store.ts';
import { mailHeader, smtpServer } from './helpers/smtp-server.ts';
import { TEST_POLICY } from './helpers/accounts.ts';

const HUB = 'identity--cc8654b7-1ffc-487a-bf1c-ed29e18f0a33' as OrgId;

const header = mailHeader;

describe('alert email through a real SMTP server', () => {
  let db: TestDatabase;
  let store: RampartStore;
  let hub: Hub;
  let world: World;
  let smtp: Awaited<ReturnType<typeof smtpServer>>;
  let now = Date.parse('2026-11-03T13:00:00.000Z');

  beforeAll(async () => {
    smtp = await smtpServer();
    db = testDatabase('sqlite');
    store = await openStore({ url: db.url });
    const mailer = smtpMailer(smtp.url, 'Rampart <rampart@hub.example>');
    hub = await composeHub({ store, hubOwner: HUB, authPolicy: TEST_POLICY, clock: { now: () => new Date(now) }, notifications: { mailer, baseUrl: 'https://rampart.example.gov' } });
    hub.app.addHook('onClose', () => mailer.close());
    world = await notificationWorld(store);
    await hub.notifier.round();
  });
  afterAll(async () => {
    await hub.app.close();
    await store.close();
    await db.drop();
    await smtp.close();
  });

  it('sends an urgent incident at once with its TLP in the subject and its delivery id in a header, a RED one without content, and the daily digest', async () => {
    const urgent = incident('Ransomware at the county', { severity: 'critical', description: 'Encrypted the pollbook server' });
    const red = incident('Named to one analyst', { description: 'details only for one person' });
    const calm = incident('Printer jam at the county', { severity: 'low' });
    await post(hub, world.keys.county, urgent.object, 'amber', ['state:55']);
    await post(hub, world.keys.county, red.object, 'red', [`user:${world.users.state}`]);
    await hub.notifier.round();
    const toState = () => smtp.received.filter((m) => m.to.includes(world.emails.state));
    expect(toState().map((m) => header(m.raw, 'Subject')).sort()).toEqual(['[TLP:AMBER] URGENT: Incident: Ransomware at the county', '[TLP:RED] Something was shared with you in Rampart']);
    const urgentMail = toState().find((m) => header(m.raw, 'Subject')?.includes('Ransomware') === true);
    expect(urgentMail?.from).toBe('rampart@hub.example');
    expect(urgentMail?.raw).toContain('Encrypted the pollbook server');
    expect(urgentMail?.raw).toContain(`https://rampart.example.gov/intel/${urgent.id}`);
    expect(header(urgentMail?.raw ?? '', 'X-Rampart-Delivery')).toMatch(/^[0-9a-f-]{36}$/);
    const redMail = toState().find((m) => header(m.raw, 'Subject')?.startsWith('[TLP:RED]') === true);
    expect(redMail?.raw).not.toContain('details only for one person');
    expect(redMail?.raw).not.toContain('Named to one analyst');
    expect(redMail?.raw).toContain('https://rampart.example.gov/notifications');

    // The county's own standard rule puts a calm incident of its state into the digest; here the state office's.
    expect((await hub.app.inject({ method: 'PUT', url: '/api/v1/me/notification-settings', headers: { authorization: `Bearer ${world.keys.state}` }, payload: { email_mode: 'digest' } })).statusCode).toBe(200);
    await post(hub, world.keys.county, calm.object, 'amber', ['state:55']);
    await hub.notifier.round();
    expect(toState()).toHaveLength(2);
    now += 24 * 3_600_000;
    await hub.notifier.round();
    const digest = toState().find((m) => header(m.raw, 'Subject')?.includes('digest') === true);
    expect(header(digest?.raw ?? '', 'Subject')).toBe('[TLP:AMBER] Rampart daily digest: 1 item');
    expect(digest?.raw).toContain('Printer jam at the county');
  });

  it('keeps its connections open: messages one after another go through one SMTP connection, not one each', async () => {
    const server = await smtpServer();
    const mailer = smtpMailer(server.url, 'Rampart <rampart@hub.example>');
    try {
      for (let i = 0; i < 5; i++) expect((await mailer.send({ to: `person${i}@county.example`, subject: `Message ${i}`, text: 'x\n', deliveryId: `00000000-0000-4000-8000-00000000000${i}` })).ok).toBe(true);
      expect(server.received).toHaveLength(5);
      expect(server.connections()).toBe(1);
    } finally {
      mailer.close();
      await server.close();
    }
  });

  it('sends over TLS from the first byte (smtps://) through the connections it opens itself, and says plainly when nothing listens', async () => {
    const server = await smtpServer({ secure: true });
    // The test server's certificate is self-signed: the operator's address may say so, as here.
    const mailer = smtpMailer(`${server.url}?tls.rejectUnauthorized=false`, 'Rampart <rampart@hub.example>');
    try {
      for (let i = 0; i < 3; i++) expect(await mailer.send({ to: `person${i}@county.example`, subject: `Over TLS ${i}`, text: 'x\n', deliveryId: `00000000-0000-4000-8000-00000000010${i}` })).toEqual({ ok: true, value: undefined });
      expect(server.received.map((m) => m.subject)).toEqual(['Over TLS 0', 'Over TLS 1', 'Over TLS 2']);
      expect(server.connections()).toBe(1);
    } finally {
      mailer.close();
      await server.close();
    }
    const nobody = smtpMailer(server.url, 'Rampart <rampart@hub.example>');
    try {
      const sent = await nobody.send({ to: 'person@county.example', subject: 'Nobody there', text: 'x\n', deliveryId: '00000000-0000-4000-8000-000000000200' });
      expect(sent.ok).toBe(false);
      expect(sent.ok ? '' : sent.error).toMatch(/^the mail server refused the message: .*ECONNREFUSED/);
    } finally {
      nobody.close();
    }
  });

  it("asks nodemailer for its pool in the address (it ignores options beside one) and keeps what the operator's address says", () => {
    expect(pooledSmtpUrl('smtp://127.0.0.1:2525')).toBe('smtp://127.0.0.1:2525?pool=true&maxConnections=8&maxMessages=100');
    expect(pooledSmtpUrl('smtps://user:p%40ss@mail.example.gov:465?maxConnections=2')).toBe('smtps://user:p%40ss@mail.example.gov:465?maxConnections=2&pool=true&maxMessages=100');
  });
});
