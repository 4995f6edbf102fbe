import { randomBytes } from 'node:crypto';
import { createApiKey } from '../../src/accounts/api-keys.ts';
import { OPERATOR } from '../../src/accounts/context.ts';
import { createOrganization, seedOrganizations } from '../../src/accounts/organizations.ts';
import { TEST_POLICY } from './accounts.ts';
import { createUser } from '../../src/accounts/users.ts';
import { createAuthService } from '../../src/auth/service.ts';
import { secretBox, type SecretBox } from '../../src/auth/secret-box.ts';
import type { OrgId } from '../../src/domain/ids.ts';
import { ok } from '../../src/domain/result.ts';
import { composeHub, type Hub, type HubOptions } from '../../src/hub/compose.ts';
import { openStore, type RampartStore } from '../../src/store/index.ts';
import type { DialectName } from '../../src/store/db.ts';
import { testDatabase, type TestDatabase } from './store.ts';
import { RAMPART_EXTENSION_ID } from '../../src/stix/rampart-extension.ts';
import type { MailMessage, Mailer } from '../../src/notifications/email.ts';

/** Tests only: a mailer that keeps what it is given (and can be told to fail). */
export function memoryMailer(): Mailer & { readonly sent: MailMessage[]; failing: boolean } {
  const box = {
    kind: 'smtp' as const,
    sent: [] as MailMessage[],
    failing: false,
    send(message: MailMessage) {
      if (box.failing) return Promise.resolve({ ok: false as const, error: 'the test mail server is down' });
      box.sent.push(message);
      return Promise.resolve(ok(undefined));
    },
    close: () => undefined,
  };
  return box;
}

export type Who = 'county' | 'state' | 'stateAdmin' | 'outsider' | 'federal';

export interface World {
  readonly orgs: { county: OrgId; state: OrgId; outsider: OrgId; federal: OrgId };
  /** Write-scoped API keys of each person. */
  readonly keys: Record<Who, string>;
  readonly users: Record<Who, string>;
  readonly emails: Record<Who, string>;
}

/**
 * Tests only: a Wisconsin county clerk (analyst), the Wisconsin state office (an analyst and an
 * org-admin), Illinois's state office and CISA, each person with a write API key. Works on a
 * database by itself (before `rampart serve` opens it) or under a composed hub.
 */
export async function notificationWorld(store: RampartStore, tag = randomBytes(3).toString('hex')): Promise<World> {
  const seeded = await seedOrganizations(store);
  if (!seeded.ok) throw new Error(seeded.error.message);
  const ctx = createAuthService(store, { policy: TEST_POLICY }).context;
  const made = await createOrganization(ctx, OPERATOR, { kind: 'local', name: `Birch Falls Town Clerk ${tag} (fictional)`, state_fips: '55' });
  if (!made.ok) throw new Error(made.error.message);
  const orgsOf = await ctx.accounts.listOrganizations();
  const wisconsin = orgsOf.find((o) => o.kind === 'state' && o.state_fips === '55');
  const illinois = orgsOf.find((o) => o.kind === 'state' && o.state_fips === '17');
  const cisa = orgsOf.find((o) => o.short_name === 'CISA');
  if (wisconsin === undefined || illinois === undefined || cisa === undefined) throw new Error('seed is missing an organization');
  const orgs = { county: made.value.id, state: wisconsin.id, outsider: illinois.id, federal: cisa.id };
  const orgOf: Record<Who, OrgId> = { county: orgs.county, state: orgs.state, stateAdmin: orgs.state, outsider: orgs.outsider, federal: orgs.federal };
  const keys = {} as Record<Who, string>;
  const users = {} as Record<Who, string>;
  const emails = {} as Record<Who, string>;
  for (const who of ['county', 'state', 'stateAdmin', 'outsider', 'federal'] as const) {
    const email = `${who.toLowerCase()}-${tag}@alerts-test.example`;
    const user = await createUser(ctx, OPERATOR, { email, name: who, role: who === 'stateAdmin' ? 'org-admin' : 'analyst', password: 'correct horse battery staple', org_id: orgOf[who] });
    if (!user.ok) throw new Error(user.error.message);
    const row = await ctx.accounts.userByEmail(email);
    if (row === null) throw new Error('user not stored');
    const key = await createApiKey(ctx, OPERATOR, row, { name: 'alerts', scope: 'write' });
    if (!key.ok) throw new Error(key.error.message);
    keys[who] = key.value.key;
    users[who] = row.id;
    emails[who] = email;
  }
  return { orgs, keys, users, emails };
}

let serial = 0;
const newId = (type: string) => `${type}--${randomBytes(4).toString('hex')}-0000-4000-8000-${(++serial).toString(16).padStart(12, '0')}`;

/** A Wisconsin incident with the Rampart extension. */
export function incident(name: string, extra: { severity?: string; description?: string; state?: string } = {}): { id: string; object: Record<string, unknown> } {
  const id = newId('incident');
  const object = {
    type: 'incident',
    spec_version: '2.1',
    id,
    created: '2026-11-03T10:00:00.000Z',
    modified: '2026-11-03T10:00:00.000Z',
    name,
    description: extra.description ?? `${name}: seen at the county office`,
    extensions: { [RAMPART_EXTENSION_ID]: { extension_type: 'property-extension', incident_category: 'cyber', severity: extra.severity ?? 'moderate', state_fips: extra.state ?? '55' } },
  };
  return { id, object };
}

export function indicator(name: string, pattern: string): { id: string; object: Record<string, unknown> } {
  const id = newId('indicator');
  return { id, object: { type: 'indicator', spec_version: '2.1', id, created: '2026-11-03T10:00:00.000Z', modified: '2026-11-03T10:00:00.000Z', name, pattern, pattern_type: 'stix', valid_from: '2026-11-03T10:00:00Z' } };
}

/** Posts an object through the REST API as the holder of `key`; throws unless it is stored. */
export async function post(hub: Pick<Hub, 'app'>, key: string, object: Record<string, unknown>, tlp: string, audience: readonly string[]): Promise<void> {
  const res = await hub.app.inject({ method: 'POST', url: '/api/v1/objects', headers: { authorization: `Bearer ${key}` }, payload: { object, tlp, audience } });
  if (res.statusCode !== 201) throw new Error(`post ${tlp} ${audience.join(',')}: ${res.statusCode} ${res.body}`);
}

export async function reshare(hub: Pick<Hub, 'app'>, key: string, id: string, tlp: string, audience: readonly string[]): Promise<void> {
  const res = await hub.app.inject({ method: 'PUT', url: `/api/v1/objects/${id}/sharing`, headers: { authorization: `Bearer ${key}` }, payload: { tlp, audience } });
  if (res.statusCode !== 200) throw new Error(`reshare ${id}: ${res.statusCode} ${res.body}`);
}

const HUB = 'identity--cc8654b7-1ffc-487a-bf1c-ed29e18f0a33' as OrgId;

/** What the notification tests share: a hub on its own database with the notification world, a clock they move, and the REST API as each person. */
export interface NotificationHub {
  readonly db: TestDatabase;
  readonly store: RampartStore;
  readonly hub: Hub;
  readonly world: World;
  /** The hub's time in epoch milliseconds (election day, 13:00 UTC, at first): tests move it forward. */
  readonly clock: { now: number };
  /** The hub's server key (webhook secrets are sealed with it): tests that store a webhook directly seal its secret with it. */
  readonly secretBox: SecretBox;
  /** A request through the REST API as `who` (their write API key), its status and its JSON body. */
  api(who: Who, method: 'GET' | 'POST' | 'PUT' | 'PATCH' | 'DELETE', url: string, payload?: unknown): Promise<{ status: number; body: Record<string, unknown> | null }>;
  close(): Promise<void>;
}

/**
 * Tests only: a composed hub on a fresh database of `dialect` with the notification world, its matcher's
 * starting point placed after what the world stored (so only what a test stores is matched).
 */
export async function notificationHub(dialect: DialectName, notifications: HubOptions['notifications']): Promise<NotificationHub> {
  const db = testDatabase(dialect);
  const store = await openStore({ url: db.url });
  const clock = { now: Date.parse('2026-11-03T13:00:00.000Z') };
  const box = secretBox(randomBytes(32));
  const hub = await composeHub({ store, hubOwner: HUB, authPolicy: TEST_POLICY, secretBox: box, clock: { now: () => new Date(clock.now) }, ...(notifications === undefined ? {} : { notifications }) });
  const world = await notificationWorld(store);
  await hub.notifier.round();
  return {
    db,
    store,
    hub,
    world,
    clock,
    secretBox: box,
    async api(who, method, url, payload) {
      const res = await hub.app.inject({ method, url, headers: { authorization: `Bearer ${world.keys[who]}` }, ...(payload === undefined ? {} : { payload: payload as Record<string, unknown> }) });
      return { status: res.statusCode, body: res.body === '' ? null : (JSON.parse(res.body) as Record<string, unknown>) };
    },
    async close() {
      await hub.app.close();
      await store.close();
      await db.drop();
    },
  };
}
