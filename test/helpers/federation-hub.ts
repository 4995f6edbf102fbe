import { createApiKey } from '../../src/accounts/api-keys.ts';
import { OPERATOR } from '../../src/accounts/context.ts';
import { createOrganization } from '../../src/accounts/organizations.ts';
import { TEST_POLICY } from './accounts.ts';
import { createUser } from '../../src/accounts/users.ts';
import { createAuthService } from '../../src/auth/service.ts';
import type { NewOrganization } from '../../src/domain/organization.ts';
import type { OrgId } from '../../src/domain/ids.ts';
import { err, ok } from '../../src/domain/result.ts';
import { parseSecret } from '../../src/federation/credentials.ts';
import { federation, type Federation } from '../../src/federation/index.ts';
import { federationPlugin } from '../../src/federation/routes.ts';
import { buildApp } from '../../src/http/app.ts';
import { restPlugins } from '../../src/hub/compose.ts';
import { startServer, type RunningServer } from '../../src/http/server.ts';
import { openStore, type RampartStore } from '../../src/store/index.ts';
import { taxiiStore } from '../../src/store/taxii.ts';
import { testDatabase, type TestDatabase } from './store.ts';
import { orgInfoFrom } from '../../src/sharing/keys.ts';
import { sharingRoutes } from '../../src/sharing/routes.ts';
import { createSharingService } from '../../src/sharing/service.ts';
import { taxiiPlugin } from '../../src/taxii/plugin.ts';

/**
 * Tests only: a real Rampart hub on 127.0.0.1 (SQLite store, accounts with the real auth service, the real
 * sharing service and its routes, TAXII server, federation). Each organization given gets an org-admin and a
 * write API key.
 */

export const HUB_OWNER = 'identity--00000099-0000-4000-8000-000000000000' as OrgId;

export interface Account {
  readonly orgId: OrgId;
  readonly email: string;
  /** A write-scoped API key of the organization's org-admin. */
  readonly secret: string;
}

export interface Hub<N extends string> {
  readonly url: string;
  readonly store: RampartStore;
  readonly fed: Federation;
  readonly server: RunningServer;
  readonly accounts: Readonly<Record<N, Account>>;
  /** Adds an organization (with an org-admin and a write key) to the running hub. */
  readonly addAccount: (name: string, org: NewOrganization) => Promise<Account>;
  readonly as: (a: Account) => {
    get(path: string, taxii?: boolean): Promise<{ status: number; body: unknown }>;
    post(path: string, body: unknown, taxii?: boolean): Promise<{ status: number; body: unknown }>;
    put(path: string, body: unknown): Promise<{ status: number; body: unknown }>;
  };
  stop(): Promise<void>;
}

/**
 * Starts a hub with `orgs`. `secrets` maps a feed's credential reference (env:NAME) to its value; it is read
 * when a feed runs, so a test may fill it after starting the hubs that the keys come from.
 */
export async function startHub<N extends string>(orgs: Readonly<Record<N, NewOrganization>>, secrets: Readonly<Record<string, string>>): Promise<Hub<N>> {
  const db: TestDatabase = testDatabase('sqlite');
  const store = await openStore({ url: db.url });
  const clock = { now: () => new Date() };
  const auth = createAuthService(store, { policy: TEST_POLICY });
  const addAccount = async (name: string, input: NewOrganization): Promise<Account> => {
    const org = await createOrganization(auth.context, OPERATOR, input);
    if (!org.ok) throw new Error(org.error.message);
    const email = `admin@${name.toLowerCase()}.example.gov`;
    const user = await createUser(auth.context, OPERATOR, { email, name: `${name} admin`, role: 'org-admin', password: 'correct horse battery staple', org_id: org.value.id });
    if (!user.ok) throw new Error(user.error.message);
    const row = await auth.context.accounts.userByEmail(email);
    if (row === null) throw new Error(`${email} was not stored`);
    const key = await createApiKey(auth.context, OPERATOR, row, { name: 'federation', scope: 'write' });
    if (!key.ok) throw new Error(key.error.message);
    return { orgId: org.value.id, email, secret: key.value.key };
  };
  const accounts = {} as Record<N, Account>;
  for (const name of Object.keys(orgs) as N[]) accounts[name] = await addAccount(name, orgs[name]);
  const isOrgAdmin = async (p: Parameters<typeof auth.userOf>[0]) => (await auth.userOf(p))?.role === 'org-admin';
  const sharing = createSharingService({ store, orgInfo: orgInfoFrom(auth.context.accounts), clock });
  const fed = federation({
    store,
    hubOwner: HUB_OWNER,
    clock,
    isOrgAdmin,
    credentials: (ref) => {
      const value = secrets[ref];
      const parsed = value === undefined ? null : parseSecret(value);
      return parsed === null ? err({ code: 'credential-missing', message: ref }) : ok(parsed);
    },
    transport: { retry: { retries: 1, baseDelayMs: 10 } },
  });
  const app = await buildApp({
    store,
    auth,
    clock,
    config: { hubOwner: HUB_OWNER },
    plugins: [...restPlugins({ stix: store.stix, sharing, clock }), taxiiPlugin({ stix: store.stix, taxii: taxiiStore(store.database.db), sharing, hubOwner: HUB_OWNER }), sharingRoutes({ sharing, isOrgAdmin }), federationPlugin(fed.routes)],
  });
  const server = await startServer({ app, host: '127.0.0.1', port: 0, handleSignals: false, onClose: () => store.close() });
  const call = async (a: Account, method: string, path: string, body?: unknown, taxii = false) => {
    const media = taxii ? 'application/taxii+json;version=2.1' : 'application/json';
    const headers: Record<string, string> = { authorization: `Bearer ${a.secret}`, accept: media };
    if (body !== undefined) headers['content-type'] = media;
    const res = await fetch(`${server.url}${path}`, { method, headers, ...(body === undefined ? {} : { body: JSON.stringify(body) }) });
    const text = await res.text();
    const type = res.headers.get('content-type') ?? '';
    return { status: res.status, body: text === '' ? null : type.includes('json') ? (JSON.parse(text) as unknown) : text };
  };
  return {
    url: server.url,
    store,
    fed,
    server,
    accounts,
    addAccount,
    as: (a) => ({ get: (path, taxii = false) => call(a, 'GET', path, undefined, taxii), post: (path, body, taxii = false) => call(a, 'POST', path, body, taxii), put: (path, body) => call(a, 'PUT', path, body) }),
    async stop() {
      await fed.scheduler.stop();
      await server.stop();
      await db.drop();
    },
  };
}
