import { randomBytes } from 'node:crypto';
import type { AudienceKey } from '../../src/domain/audience.ts';
import type { OrgId, UserId } from '../../src/domain/ids.ts';
import { problem } from '../../src/domain/problem.ts';
import { err, ok } from '../../src/domain/result.ts';
import { parseSecret } from '../../src/federation/credentials.ts';
import { federation, type Federation } from '../../src/federation/index.ts';
import { buildApp } from '../../src/http/app.ts';
import type { AuthPort, Principal } from '../../src/http/deps.ts';
import { startServer, type RunningServer } from '../../src/http/server.ts';
import { tlpRulesSharing } from '../../src/http/test-support.ts';
import { openStore, type RampartStore } from '../../src/store/index.ts';
import { taxiiStore } from '../../src/store/taxii.ts';
import { testDatabase, type TestDatabase } from '../../src/store/testing.ts';
import { taxiiPlugin } from '../../src/taxii/plugin.ts';

/** Tests only: a real Rampart hub on 127.0.0.1 (SQLite store, TAXII server, federation) with API-key accounts. */

export const HUB_OWNER = 'identity--00000099-0000-4000-8000-000000000000' as OrgId;

export interface Account {
  readonly orgId: OrgId;
  readonly keys: readonly AudienceKey[];
  readonly secret: string;
}

export function account(orgId: OrgId, state: string | null): Account {
  return { orgId, keys: ['community', `org:${orgId}`, ...(state === null ? [] : [`state:${state}` as AudienceKey])], secret: `rk_${randomBytes(12).toString('hex')}` };
}

/** API keys only: the hubs talk to each other with keys, as machines do. */
export function keyAuth(accounts: readonly Account[]): AuthPort {
  const principal = (a: Account): Principal => ({ orgId: a.orgId, userId: null as UserId | null, keys: a.keys, scope: 'write' });
  const bySecret = (secret: string) => accounts.find((a) => a.secret === secret);
  return {
    signIn: () => Promise.resolve(err(problem('unauthenticated', 'invalid-credentials', 'keys only in this test'))),
    session: () => Promise.resolve(null),
    signOut: () => Promise.resolve(),
    apiKey: (secret) => {
      const a = bySecret(secret);
      return Promise.resolve(a === undefined ? null : principal(a));
    },
    apiKeyBasic: (_user, secret) => {
      const a = bySecret(secret);
      return Promise.resolve(a === undefined ? null : principal(a));
    },
  };
}

export interface Hub {
  readonly url: string;
  readonly store: RampartStore;
  readonly fed: Federation;
  readonly server: RunningServer;
  readonly db: TestDatabase;
  readonly as: (a: Account) => { get(path: string, taxii?: boolean): Promise<{ status: number; body: unknown }>; post(path: string, body: unknown): Promise<{ status: number; body: unknown }> };
}

export async function startHub(accounts: readonly Account[], secrets: Readonly<Record<string, string>>): Promise<Hub> {
  const db = testDatabase('sqlite');
  const store = await openStore({ url: db.url });
  const clock = { now: () => new Date() };
  const fed = federation({
    store,
    hubOwner: HUB_OWNER,
    clock,
    isOrgAdmin: () => Promise.resolve(true),
    credentials: (ref) => {
      const value = secrets[ref];
      return value === undefined ? err({ code: 'credential-missing', message: ref }) : ok(parseSecret(value));
    },
    transport: { retry: { retries: 1, baseDelayMs: 10 } },
  });
  const app = await buildApp({
    store,
    auth: keyAuth(accounts),
    sharing: tlpRulesSharing,
    clock,
    config: { hubOwner: HUB_OWNER },
    plugins: [taxiiPlugin({ stix: store.stix, taxii: taxiiStore(store.database.db), sharing: tlpRulesSharing, hubOwner: HUB_OWNER }), fed.plugin],
  });
  const server = await startServer({ app, host: '127.0.0.1', port: 0, handleSignals: false, onClose: () => store.close() });
  const call = async (a: Account, method: string, path: string, body?: unknown, taxii = false) => {
    const headers: Record<string, string> = { authorization: `Bearer ${a.secret}`, accept: taxii ? 'application/taxii+json;version=2.1' : 'application/json' };
    if (body !== undefined) headers['content-type'] = 'application/json';
    const res = await fetch(`${server.url}${path}`, { method, headers, ...(body === undefined ? {} : { body: JSON.stringify(body) }) });
    const text = await res.text();
    return { status: res.status, body: text === '' ? null : (JSON.parse(text) as unknown) };
  };
  return {
    url: server.url,
    store,
    fed,
    server,
    db,
    as: (a) => ({ get: (path, taxii = false) => call(a, 'GET', path, undefined, taxii), post: (path, body) => call(a, 'POST', path, body) }),
  };
}
