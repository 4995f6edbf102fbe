import type { AudienceKey } from '../../src/domain/audience.ts';
import type { OrgId, UserId } from '../../src/domain/ids.ts';
import { buildApp } from '../../src/http/app.ts';
import { restPlugins } from '../../src/hub/compose.ts';
import type { AuthPort } from '../../src/auth/port.ts';
import type { Principal } from '../../src/domain/principal.ts';
import { startServer, type RunningServer } from '../../src/http/server.ts';
import { tlpRulesSharing } from '../helpers/http.ts';
import { openStore, type RampartStore } from '../../src/store/index.ts';
import { taxiiStore, type TaxiiStore } from '../../src/store/taxii.ts';
import { testDatabase, type TestDatabase } from '../helpers/store.ts';
import type { DialectName } from '../../src/store/db.ts';
import { taxiiPlugin, type TaxiiOptions } from '../../src/taxii/plugin.ts';
import { TAXII_CONTENT_TYPE } from '../../src/taxii/media.ts';

/** A member credential of the test hub: an API key, usable as Bearer or as HTTP Basic with the email. */
export interface Member {
  readonly name: string;
  readonly email: string;
  readonly key: string;
  readonly principal: Principal;
}

/** The county's cookie session secret in the test hub. */
export const SESSION_TOKEN = 'county-session-token';

export const GROUP = 'group:9a9a9a9a-0000-4000-8000-000000000001' as AudienceKey;
const org = (n: number) => `identity--${String(n).repeat(8)}-0000-4000-8000-00000000000${n}` as OrgId;
const user = (n: number) => `${String(n).repeat(8)}-1111-4000-8000-000000000000` as UserId;

function member(name: string, n: number, keys: readonly AudienceKey[], scope: 'read' | 'write', userN = n): Member {
  const orgId = org(n);
  const userId = user(userN);
  return {
    name,
    email: `${name}@example.gov`,
    key: `rk_${name}_${n}${scope}`,
    principal: { orgId, userId, keys: ['community', `org:${orgId}`, `user:${userId}`, ...keys], scope },
  };
}

/** A county in California (state 06, also in a sharing group), its read-only key, the state office, and a Texas office. */
export function members() {
  const county = member('county', 1, ['state:06', GROUP], 'write');
  const countyRead = { ...member('countyread', 1, ['state:06', GROUP], 'read'), email: 'county-reader@example.gov' };
  const state = member('state', 2, ['state:06'], 'write');
  const texas = member('texas', 3, ['state:48'], 'write');
  return { county, countyRead, state, texas };
}

export type Members = ReturnType<typeof members>;

function auth(all: readonly Member[]): AuthPort {
  return {
    signIn: () => Promise.reject(new Error('not used')),
    // One cookie session, the county's, to check that cookie writes need their CSRF token.
    session: (token) => {
      const county = all.find((m) => m.name === 'county');
      if (token !== SESSION_TOKEN || county === undefined) return Promise.resolve(null);
      const view = { user: { id: county.principal.userId ?? ('' as UserId), email: county.email, name: county.name }, org: { id: county.principal.orgId, name: 'County', state_fips: '06' }, groups: [] };
      return Promise.resolve({ principal: county.principal, view });
    },
    signOut: () => Promise.resolve(),
    apiKey: (secret) => Promise.resolve(all.find((m) => m.key === secret)?.principal ?? null),
    apiKeyBasic: (username, secret) => Promise.resolve(all.find((m) => m.key === secret && (m.email === username || m.name === username))?.principal ?? null),
  };
}

export interface TaxiiHub {
  readonly url: string;
  readonly root: string;
  readonly store: RampartStore;
  readonly taxii: TaxiiStore;
  readonly m: Members;
  /** Fetches a TAXII path (relative to the server) as `who`, with TAXII headers unless overridden. */
  call(who: Member | null, path: string, init?: { method?: string; body?: string; headers?: Record<string, string> }): Promise<Response>;
  close(): Promise<void>;
}

/** A real Rampart server with the TAXII plugin on 127.0.0.1:0, over a fresh database of `dialect`. */
export async function startHub(dialect: DialectName, options: Partial<TaxiiOptions> = {}): Promise<TaxiiHub> {
  const db: TestDatabase = testDatabase(dialect);
  const store = await openStore({ url: db.url });
  const taxii = taxiiStore(store.database.db);
  const m = members();
  const plugin = taxiiPlugin({
    stix: store.stix,
    taxii,
    sharing: tlpRulesSharing,
    hubOwner: 'identity--cccccccc-0000-4000-8000-00000000000c' as OrgId,
    secret: 'test-secret',
    maxPageSize: 50,
    maxContentLength: 64 * 1024,
    isOrgAdmin: (p) => Promise.resolve(p.userId === m.county.principal.userId),
    ...options,
  });
  const clock = { now: () => new Date() };
  const app = await buildApp({
    store,
    auth: auth(Object.values(m)),
    clock,
    config: { hubOwner: 'identity--cccccccc-0000-4000-8000-00000000000c' as OrgId },
    plugins: [...restPlugins({ stix: store.stix, sharing: tlpRulesSharing, clock }), plugin],
  });
  const server: RunningServer = await startServer({ app, host: '127.0.0.1', port: 0, handleSignals: false, onClose: () => store.close() });
  return {
    url: server.url,
    root: '/taxii2/rampart/',
    store,
    taxii,
    m,
    call(who, path, init = {}) {
      const headers: Record<string, string> = { accept: TAXII_CONTENT_TYPE };
      if (who !== null) headers['authorization'] = `Bearer ${who.key}`;
      if (init.body !== undefined) headers['content-type'] = TAXII_CONTENT_TYPE;
      return fetch(`${server.url}${path}`, { method: init.method ?? 'GET', headers: { ...headers, ...init.headers }, ...(init.body === undefined ? {} : { body: init.body }) });
    },
    async close() {
      await server.stop();
      await db.drop();
    },
  };
}
