import { createHash, randomBytes } from 'node:crypto';
import type { FastifyBaseLogger, FastifyInstance } from 'fastify';
import type { AudienceKey } from '../../src/domain/audience.ts';
import type { OrgId, UserId } from '../../src/domain/ids.ts';
import { problem } from '../../src/domain/problem.ts';
import { err, ok } from '../../src/domain/result.ts';
import type { StixStore } from '../../src/store/types.ts';
import { buildApp } from '../../src/http/app.ts';
import type { AuditPort } from '../../src/audit/audit-log.ts';
import { restPlugins } from '../../src/hub/compose.ts';
import type { AppDeps, AppPlugin, HttpConfig } from '../../src/http/deps.ts';
import type { AuthPort, SessionView } from '../../src/auth/port.ts';
import type { Principal } from '../../src/domain/principal.ts';
import type { SharingPort } from '../../src/sharing/port.ts';

/** Tests only: builds apps over a given store with two member organizations and their credentials. */

export interface TestOrg {
  readonly orgId: OrgId;
  readonly userId: UserId;
  readonly email: string;
  readonly password: string;
  readonly writeKey: string;
  readonly readKey: string;
}

export interface Harness {
  readonly app: FastifyInstance;
  readonly stix: StixStore;
  readonly a: TestOrg;
  readonly b: TestOrg;
  /** Signs in over HTTP and returns the cookie header and CSRF token. */
  signIn(org: TestOrg): Promise<{ readonly cookie: string; readonly csrf: string }>;
  /** Count and digest of everything stored, to prove a refused request changed nothing. */
  fingerprint(): Promise<string>;
  close(): Promise<void>;
}

export const ORG_A = 'identity--0a000000-0000-4000-8000-00000000000a' as OrgId;
export const ORG_B = 'identity--0b000000-0000-4000-8000-00000000000b' as OrgId;

/** The indicator the REST tests publish: a phishing domain that impersonates a county clerk. */
export const PHISHING_ID = 'indicator--8e2e2d2b-17d4-4cbf-938f-98ee46b3cd3f';

export function phishingIndicator(overrides: Record<string, unknown> = {}): Record<string, unknown> {
  return {
    type: 'indicator',
    spec_version: '2.1',
    id: PHISHING_ID,
    created: '2024-11-05T13:00:00.000Z',
    modified: '2024-11-05T13:00:00.000Z',
    name: 'Phishing domain impersonating the county clerk',
    pattern: "[domain-name:value = 'clerk-elections.example']",
    pattern_type: 'stix',
    valid_from: '2024-11-05T13:00:00Z',
    ...overrides,
  };
}

/** Headers that present an API key. */
export const bearer = (key: string) => ({ authorization: `Bearer ${key}` });

export interface HarnessOptions {
  readonly stix: StixStore;
  readonly ping?: () => Promise<void>;
  readonly config?: Partial<HttpConfig>;
  readonly plugins?: readonly AppPlugin[];
  readonly auth?: (orgs: readonly TestOrg[]) => AuthPort;
  readonly sharing?: SharingPort;
  readonly now?: () => Date;
  readonly logger?: FastifyBaseLogger;
  /** The audit log the REST core records into (none by default). */
  readonly audit?: AuditPort;
}

function testOrg(orgId: OrgId, n: number): TestOrg {
  return {
    orgId,
    userId: `${String(n).repeat(8)}-0000-4000-8000-000000000000` as UserId,
    email: `user${n}@county${n}.example.gov`,
    password: `correct horse battery ${n}`,
    writeKey: `rk_write_${n}_${randomBytes(8).toString('hex')}`,
    readKey: `rk_read_${n}_${randomBytes(8).toString('hex')}`,
  };
}

export async function harness(options: HarnessOptions): Promise<Harness> {
  const a = testOrg(ORG_A, 1);
  const b = testOrg(ORG_B, 2);
  const auth = options.auth?.([a, b]) ?? memoryAuth([a, b]);
  const clock = { now: options.now ?? (() => new Date()) };
  const deps: AppDeps = {
    store: { stix: options.stix, ping: options.ping ?? (() => Promise.resolve()), close: () => Promise.resolve() },
    auth,
    clock,
    config: { hubOwner: 'identity--0c000000-0000-4000-8000-00000000000c' as OrgId, ...options.config },
    plugins: [
      ...restPlugins({
        stix: options.stix,
        sharing: options.sharing ?? tlpRulesSharing,
        clock,
        ...(options.audit === undefined ? {} : { audit: options.audit }),
        ...(options.config?.importLimit === undefined ? {} : { importLimit: options.config.importLimit }),
      }),
      ...(options.plugins ?? []),
    ],
    ...(options.logger === undefined ? {} : { logger: options.logger }),
  };
  const app = await buildApp(deps);
  return {
    app,
    stix: options.stix,
    a,
    b,
    async signIn(org) {
      const res = await app.inject({ method: 'POST', url: '/api/v1/session', payload: { email: org.email, password: org.password } });
      if (res.statusCode !== 200) throw new Error(`sign-in failed: ${res.statusCode} ${res.body}`);
      const cookie = res.cookies.find((c) => c.name === 'rampart_session');
      const body: { csrf_token?: unknown } = res.json();
      if (cookie === undefined || typeof body.csrf_token !== 'string') throw new Error('sign-in gave no cookie or token');
      return { cookie: `rampart_session=${cookie.value}`, csrf: body.csrf_token };
    },
    async fingerprint() {
      const page = await options.stix.list({ kind: 'operator' }, { limit: 100_000, versions: 'all' });
      if (!page.ok) throw new Error(page.error.message);
      const rows = page.value.items.map((v) => `${v.id}|${v.modified ?? ''}|${v.json}|${v.sharing.tlp}|${v.sharing.audience.join(',')}`).sort();
      return `${rows.length}:${createHash('sha256').update(rows.join('\n')).digest('hex')}`;
    },
    close: () => app.close(),
  };
}

function keysOf(org: TestOrg): AudienceKey[] {
  return ['community', `org:${org.orgId}`, `user:${org.userId}`];
}

/** An AuthPort over fixed accounts, for route tests that are not about the auth service itself. */
export function memoryAuth(orgs: readonly TestOrg[]): AuthPort {
  const sessions = new Map<string, TestOrg>();
  const principal = (org: TestOrg, scope: 'read' | 'write'): Principal => ({ orgId: org.orgId, userId: org.userId, keys: keysOf(org), scope });
  const view = (org: TestOrg): SessionView => ({ user: { id: org.userId, email: org.email, name: org.email }, org: { id: org.orgId, name: org.orgId, state_fips: null }, groups: [] });
  return {
    signIn(request) {
      const org = orgs.find((o) => o.email === request.email && o.password === request.password);
      if (org === undefined) return Promise.resolve(err(problem('unauthenticated', 'invalid-credentials', 'Wrong email, password or authenticator code.')));
      const token = randomBytes(24).toString('base64url');
      sessions.set(token, org);
      return Promise.resolve(ok({ token, expiresAt: new Date(Date.now() + 3_600_000) }));
    },
    session(token) {
      const org = sessions.get(token);
      return Promise.resolve(org === undefined ? null : { principal: principal(org, 'write'), view: view(org) });
    },
    signOut(token) {
      sessions.delete(token);
      return Promise.resolve();
    },
    apiKey(secret) {
      for (const org of orgs) {
        if (org.writeKey === secret) return Promise.resolve(principal(org, 'write'));
        if (org.readKey === secret) return Promise.resolve(principal(org, 'read'));
      }
      return Promise.resolve(null);
    },
    apiKeyBasic(username, secret) {
      for (const org of orgs) {
        if (username !== org.email) continue;
        if (org.writeKey === secret) return Promise.resolve(principal(org, 'write'));
        if (org.readKey === secret) return Promise.resolve(principal(org, 'read'));
      }
      return Promise.resolve(null);
    },
  };
}

/** Bearer keys straight to given principals (e.g. built with the sharing service's keysOf); no sessions. */
export function principalKeyAuth(principals: ReadonlyMap<string, Principal>): AuthPort {
  return {
    signIn: () => Promise.resolve(err(problem('unauthenticated', 'invalid-credentials', 'no sessions here'))),
    session: () => Promise.resolve(null),
    signOut: () => Promise.resolve(),
    apiKey: (secret: string) => Promise.resolve(principals.get(secret) ?? null),
    apiKeyBasic: () => Promise.resolve(null),
  };
}

/** The TLP bounds of DESIGN.md as the sharing service applies them, defaulting to the owner alone. */
export const tlpRulesSharing: SharingPort = {
  decide(owner, tlp, audience) {
    const allowed: Record<typeof tlp, readonly string[]> = {
      clear: ['public', 'community', 'org', 'state', 'group', 'user'],
      green: ['community', 'org', 'state', 'group', 'user'],
      amber: ['org', 'state', 'group'],
      'amber+strict': ['org'],
      red: ['user'],
    };
    const keys = audience ?? [`org:${owner}` as AudienceKey];
    const bad = keys.filter((k) => !allowed[tlp].includes(k.split(':')[0] ?? k));
    if (bad.length > 0) return Promise.resolve(err(problem('invalid', 'tlp-audience-mismatch', `TLP:${tlp.toUpperCase()} may not be shared with ${bad.join(', ')}`)));
    return Promise.resolve(ok({ owner, tlp, audience: keys }));
  },
};
