import type { FastifyBaseLogger, InjectOptions } from 'fastify';
import { createApiKey } from '../../src/accounts/api-keys.ts';
import { OPERATOR } from '../../src/accounts/context.ts';
import { createOrganization, seedOrganizations, setRequireTotp } from '../../src/accounts/organizations.ts';
import { createUser, setPassword } from '../../src/accounts/users.ts';
import { verifyPassword } from '../../src/auth/passwords.ts';
import type { OrgId } from '../../src/domain/ids.ts';
import { composeHub, type Hub } from '../../src/hub/compose.ts';
import { openStore, type RampartStore } from '../../src/store/index.ts';
import { tableRows, testDatabase, type TestDatabase } from './store.ts';
import { TEST_POLICY } from './accounts.ts';

export const HUB = 'identity--cc8654b7-1ffc-487a-bf1c-ed29e18f0a33' as OrgId;
export const TAXII = 'application/taxii+json;version=2.1';
export const PASSWORD = 'correct horse battery staple';
/** Sign-ins of the fixture come from here; hostile requests from 127.0.0.1, whose throttle they may trip. */
const SETUP_ADDRESS = '127.0.0.9';

/** How a hostile request authenticates; each name is one way a client can present (or fail to present) credentials. */
export const CREDENTIALS = [
  'anonymous',
  'analyst-key',
  'analyst-read-key',
  'viewer-key',
  'admin-key',
  'outsider-key',
  'unknown-key',
  'garbage-authorization',
  'basic-garbage',
  'basic-analyst',
  'analyst-session',
  'analyst-session-no-csrf',
  'analyst-session-bad-csrf',
  'viewer-session',
  'admin-session',
  'ended-session',
] as const;
export type Credential = (typeof CREDENTIALS)[number];

type Person = 'analyst' | 'viewer' | 'admin' | 'outsider' | 'target';

const readable = (arg: unknown): unknown => {
  const error: unknown = typeof arg === 'object' && arg !== null && 'err' in arg ? arg.err : arg;
  return error instanceof Error ? (error.stack ?? error.message) : arg;
};

/** A logger that keeps every error Fastify or a route logs: an error logged while answering input is a bug even behind a 4xx. */
export function recordingLogger(errors: unknown[]): FastifyBaseLogger {
  const quiet = () => undefined;
  const logger: FastifyBaseLogger = {
    level: 'info',
    silent: quiet,
    trace: quiet,
    debug: quiet,
    info: quiet,
    warn: quiet,
    error: (...args: unknown[]) => void errors.push(args.map(readable)),
    fatal: (...args: unknown[]) => void errors.push(args.map(readable)),
    child: () => logger,
  };
  return logger;
}

/** Ids the fixture stored, handed to generators as path parameters that name real things. */
export interface KnownIds {
  readonly objects: string[];
  readonly orgs: string[];
  readonly users: string[];
  readonly groups: string[];
  readonly collections: string[];
  readonly keys: string[];
  readonly feeds: string[];
  readonly statuses: string[];
  /** Emails hostile sign-ins may use (none the fixture signs in with). */
  readonly emails: string[];
}

export interface RobustHub {
  readonly hub: Hub;
  readonly store: RampartStore;
  readonly known: KnownIds;
  readonly errors: unknown[];
  /** Headers that present `credential`. */
  headers(credential: Credential): Record<string, string>;
  /** Every table's rows, minus what an authenticated read may touch (last-used and last-seen times, the sign-in throttle). */
  snapshot(): Promise<Map<string, string[]>>;
  /** Makes every credential of CREDENTIALS work again after a request that succeeded (a sign-out, a revoked key). */
  restore(): Promise<void>;
  close(): Promise<void>;
}

export const IGNORED_COLUMNS: Readonly<Record<string, readonly string[]>> = {
  api_key: ['last_used_at'],
  account_session: ['last_seen_at'],
};

/**
 * The hub as `rampart serve` composes it over a temporary SQLite store, with small body limits (so
 * "too large" is cheap to send) and short live-feed streams, seeded with a county office, its state and
 * another state, an analyst, a viewer and an org-admin of the county and an analyst of the other
 * state (keys and sessions), and objects, a group, a filter collection, a feed and a TAXII status.
 */
export async function robustHub(): Promise<RobustHub> {
  const db: TestDatabase = testDatabase('sqlite');
  const store = await openStore({ url: db.url });
  const errors: unknown[] = [];
  const hub = await composeHub({
    authPolicy: TEST_POLICY,
    store,
    hubOwner: HUB,
    logger: recordingLogger(errors),
    http: { bodyLimit: 64 * 1024, importLimit: 256 * 1024 },
    live: { maxAgeMs: 20, heartbeatMs: 10, maxPerPrincipal: 1000 },
  });
  const seeded = await seedOrganizations(store);
  if (!seeded.ok) throw new Error(seeded.error.message);
  const ctx = hub.auth.context;
  const county = await createOrganization(ctx, OPERATOR, { kind: 'local', name: 'Cedar Bend County Clerk (fictional)', state_fips: '55' });
  if (!county.ok) throw new Error(county.error.message);
  const illinois = (await ctx.accounts.listOrganizations({ stateFips: '17' })).find((o) => o.kind === 'state');
  const wisconsin = (await ctx.accounts.listOrganizations({ stateFips: '55' })).find((o) => o.kind === 'state');
  if (illinois === undefined || wisconsin === undefined) throw new Error('the seed is missing a state office');
  const people: Record<Person, { email: string; org: OrgId; role: 'analyst' | 'viewer' | 'org-admin' }> = {
    analyst: { email: 'analyst@cedar-bend.example', org: county.value.id, role: 'analyst' },
    viewer: { email: 'viewer@cedar-bend.example', org: county.value.id, role: 'viewer' },
    admin: { email: 'admin@cedar-bend.example', org: county.value.id, role: 'org-admin' },
    outsider: { email: 'analyst@il-board.example', org: illinois.id, role: 'analyst' },
    // Hostile sign-ins use this person's email, so throttling them locks out nobody the fixture needs.
    target: { email: 'target@cedar-bend.example', org: county.value.id, role: 'analyst' },
  };
  const userIds: string[] = [];
  for (const p of Object.values(people)) {
    const made = await createUser(ctx, OPERATOR, { email: p.email, name: `${p.role} (fictional)`, role: p.role, password: PASSWORD, org_id: p.org });
    if (!made.ok) throw new Error(made.error.message);
    userIds.push(made.value.id);
  }

  const keys: Partial<Record<Credential, string>> = {};
  const keyIds: string[] = [];
  const makeKey = async (credential: Credential, who: Person, scope: 'read' | 'write') => {
    const row = await ctx.accounts.userByEmail(people[who].email);
    if (row === null) throw new Error(`${who} was not stored`);
    const made = await createApiKey(ctx, OPERATOR, row, { name: credential, scope });
    if (!made.ok) throw new Error(made.error.message);
    keys[credential] = made.value.key;
    keyIds.push(made.value.view.id);
  };
  const keyPlan: readonly [Credential, Person, 'read' | 'write'][] = [
    ['analyst-key', 'analyst', 'write'],
    ['analyst-read-key', 'analyst', 'read'],
    ['viewer-key', 'viewer', 'read'],
    ['admin-key', 'admin', 'write'],
    ['outsider-key', 'outsider', 'write'],
  ];
  for (const [credential, who, scope] of keyPlan) await makeKey(credential, who, scope);

  const sessions: Partial<Record<Person, { cookie: string; csrf: string }>> = {};
  const signIn = async (who: Person) => {
    const res = await hub.app.inject({ method: 'POST', url: '/api/v1/session', remoteAddress: SETUP_ADDRESS, payload: { email: people[who].email, password: PASSWORD } });
    const cookie = res.cookies.find((c) => c.name === 'rampart_session');
    const csrf = res.json<{ csrf_token?: string }>().csrf_token;
    if (res.statusCode !== 200 || cookie === undefined || csrf === undefined) throw new Error(`sign-in of ${who} failed: ${res.statusCode} ${res.body}`);
    sessions[who] = { cookie: `rampart_session=${cookie.value}`, csrf };
  };
  for (const who of ['analyst', 'viewer', 'admin'] as const) await signIn(who);
  await signIn('outsider');
  const ended = sessions.outsider;
  await hub.app.inject({ method: 'DELETE', url: '/api/v1/session', headers: { cookie: ended?.cookie ?? '', 'x-csrf-token': ended?.csrf ?? '' } });

  const headers = (credential: Credential): Record<string, string> => {
    const session = (who: Person, csrf: 'good' | 'none' | 'bad' = 'good') => {
      const s = sessions[who];
      if (s === undefined) throw new Error(`${who} has no session`);
      return { cookie: s.cookie, ...(csrf === 'none' ? {} : { 'x-csrf-token': csrf === 'good' ? s.csrf : `${s.csrf.slice(1)}A` }) };
    };
    const bearer = (c: Credential) => ({ authorization: `Bearer ${keys[c] ?? ''}` });
    switch (credential) {
      case 'anonymous':
        return {};
      case 'analyst-key':
      case 'analyst-read-key':
      case 'viewer-key':
      case 'admin-key':
      case 'outsider-key':
        return bearer(credential);
      case 'unknown-key':
        return { authorization: 'Bearer rk_0000000000_notakeyatall' };
      case 'garbage-authorization':
        return { authorization: 'Token \u00e9\u00e9 "quoted" ,;' };
      case 'basic-garbage':
        return { authorization: `Basic ${Buffer.from('nobody:nothing').toString('base64')}` };
      case 'basic-analyst':
        return { authorization: `Basic ${Buffer.from(`${people.analyst.email}:${keys['analyst-key'] ?? ''}`).toString('base64')}` };
      case 'analyst-session':
        return session('analyst');
      case 'analyst-session-no-csrf':
        return session('analyst', 'none');
      case 'analyst-session-bad-csrf':
        return session('analyst', 'bad');
      case 'viewer-session':
        return session('viewer');
      case 'admin-session':
        return session('admin');
      case 'ended-session':
        return { cookie: ended?.cookie ?? 'rampart_session=ended', 'x-csrf-token': ended?.csrf ?? '' };
    }
  };

  const post = async (url: string, credential: Credential, payload: unknown, contentType = 'application/json') => {
    const res = await hub.app.inject({ method: 'POST', url, headers: { ...headers(credential), 'content-type': contentType, accept: contentType === TAXII ? TAXII : 'application/json' }, payload: JSON.stringify(payload) });
    if (res.statusCode >= 300) throw new Error(`seeding POST ${url} failed: ${res.statusCode} ${res.body}`);
    return res.json<Record<string, unknown>>();
  };
  const objects: string[] = [];
  const share = async (object: Record<string, unknown>, tlp: string, audience: string[]) => {
    await post('/api/v1/objects', 'analyst-key', { object: { spec_version: '2.1', created: '2026-11-02T10:00:00.000Z', modified: '2026-11-02T10:00:00.000Z', ...object }, tlp, audience });
    objects.push(String(object['id']));
  };
  const indicator = 'indicator--5b1e0c1a-7d1f-4c2e-9a43-0d6a1f3c0001';
  await share({ type: 'indicator', id: indicator, name: 'Scanner of the results site (fictional)', pattern: "[ipv4-addr:value = '203.0.113.7']", pattern_type: 'stix', valid_from: '2026-11-02T10:00:00Z' }, 'green', ['community']);
  await share({ type: 'report', id: 'report--5b1e0c1a-7d1f-4c2e-9a43-0d6a1f3c0002', name: 'Phishing of poll workers (fictional)', published: '2026-11-02T10:00:00Z', report_types: ['threat-report'], object_refs: [indicator] }, 'amber', ['state:55']);
  await share({ type: 'note', id: 'note--5b1e0c1a-7d1f-4c2e-9a43-0d6a1f3c0003', content: 'Polls close at 8 pm as always (fictional rumour control).', object_refs: [indicator] }, 'clear', ['public']);
  await share({ type: 'sighting', id: 'sighting--5b1e0c1a-7d1f-4c2e-9a43-0d6a1f3c0004', sighting_of_ref: indicator, count: 3 }, 'green', ['community']);
  const group = await post('/api/v1/groups', 'admin-key', { name: 'Great Lakes clerks (fictional)' });
  const collection = await post('/taxii2/rampart/admin/collections/', 'admin-key', { title: 'County indicators', audience: `org:${county.value.id}`, types: ['indicator'] }, TAXII);
  const feed = await post('/api/v1/feeds', 'admin-key', { name: 'loopback', url: 'http://127.0.0.1:9/taxii2/', collection: 'community', direction: 'pull', credential_ref: 'none', interval_seconds: 3600 });
  const status = await post('/taxii2/rampart/collections/my-organization/objects/', 'analyst-key', { objects: [{ type: 'indicator', spec_version: '2.1', id: 'indicator--5b1e0c1a-7d1f-4c2e-9a43-0d6a1f3c0005', created: '2026-11-02T11:00:00.000Z', modified: '2026-11-02T11:00:00.000Z', pattern: "[domain-name:value = 'vote-here.example']", pattern_type: 'stix', valid_from: '2026-11-02T11:00:00Z', object_marking_refs: ['marking-definition--f88d31f6-486f-44da-b317-01333bde0b82'] }] }, TAXII);
  objects.push('indicator--5b1e0c1a-7d1f-4c2e-9a43-0d6a1f3c0005');
  const orgIds = [county.value.id, wisconsin.id, illinois.id, HUB];

  const known: KnownIds = {
    objects,
    orgs: orgIds,
    users: userIds,
    groups: [String(group['id'])],
    collections: [String(collection['id']), 'my-organization', 'community', 'state-55', 'shared-with-me', `group-${String(group['id'])}`],
    keys: keyIds,
    feeds: [String((feed['feed'] as { id?: unknown } | undefined)?.id ?? feed['id'])],
    statuses: [String(status['id'])],
    emails: [people.target.email, 'nobody@nowhere.example'],
  };

  const works = async (credential: Credential) => (await hub.app.inject({ method: 'GET', url: '/api/v1/me', headers: headers(credential) })).statusCode === 200;
  return {
    hub,
    store,
    known,
    errors,
    headers,
    snapshot: async () => {
      const rows = await tableRows(store.database, IGNORED_COLUMNS);
      rows.delete('login_throttle');
      return rows;
    },
    async restore() {
      // Undo what a successful request may have done to the people the fixture signs in as.
      for (const p of Object.values(people)) {
        const row = await ctx.accounts.userByEmail(p.email);
        if (row === null) throw new Error(`${p.email} is gone`);
        if (row.disabled_at !== null || row.totp_secret !== null) await ctx.accounts.updateUser(row.id, { disabled_at: null, totp_secret: null, totp_pending: null });
      }
      for (const org of [county.value.id, illinois.id]) if ((await ctx.accounts.getOrganization(org))?.require_totp === true) await setRequireTotp(ctx, OPERATOR, org, false);
      for (const [credential, who, scope] of keyPlan) if (!(await works(credential))) await makeKey(credential, who, scope);
      for (const who of ['analyst', 'viewer', 'admin'] as const) {
        if (await works(`${who}-session`)) continue;
        // A request that knew the password may have changed it: set it back (the operator may) before signing in.
        const row = await ctx.accounts.userByEmail(people[who].email);
        if (row !== null && (row.password_hash === null || !(await verifyPassword(PASSWORD, row.password_hash)))) {
          const reset = await setPassword(ctx, OPERATOR, row, PASSWORD);
          if (!reset.ok) throw new Error(reset.error.message);
        }
        await signIn(who);
      }
    },
    close: async () => {
      await hub.app.close();
      await store.close();
      await db.drop();
    },
  };
}

/** app.inject, failing instead of waiting forever when a route never answers. */
export async function injectWithin(hub: Hub, options: InjectOptions, ms = 10_000): Promise<Awaited<ReturnType<Hub['app']['inject']>>> {
  let timer: NodeJS.Timeout | undefined;
  const hang = new Promise<never>((_resolve, reject) => {
    timer = setTimeout(() => reject(new Error(`no answer within ${ms} ms: ${options.method ?? 'GET'} ${typeof options.url === 'string' ? options.url : JSON.stringify(options.url)}`)), ms);
  });
  try {
    return await Promise.race([hub.app.inject(options), hang]);
  } finally {
    clearTimeout(timer);
  }
}
