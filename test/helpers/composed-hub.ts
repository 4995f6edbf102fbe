import { createApiKey } from '../../src/accounts/api-keys.ts';
import { OPERATOR } from '../../src/accounts/context.ts';
import { createOrganization, seedOrganizations } from '../../src/accounts/organizations.ts';
import { createUser } from '../../src/accounts/users.ts';
import type { OrgId, UserId } from '../../src/domain/ids.ts';
import type { NewOrganization } from '../../src/domain/organization.ts';
import { composeHub, type Hub, type HubOptions } from '../../src/hub/compose.ts';
import { openStore, type DialectName, type RampartStore } from '../../src/store/index.ts';
import { testDatabase, type TestDatabase } from './store.ts';
import { TEST_POLICY } from './accounts.ts';

const HUB = 'identity--cc8654b7-1ffc-487a-bf1c-ed29e18f0a33' as OrgId;

/** A person of one organization with a write-scoped API key. */
export interface Person {
  readonly orgId: OrgId;
  readonly userId: UserId;
  readonly key: string;
}

export interface ComposedHub {
  readonly hub: Hub;
  readonly store: RampartStore;
  /** The seeded organization id of a state by its FIPS code. */
  state(fips: string): Promise<OrgId>;
  /** A new organization (made by the operator). */
  organization(input: NewOrganization): Promise<OrgId>;
  /** A new person of an organization, analyst unless told, with an API key (write unless told). */
  person(orgId: OrgId, name: string, role?: 'analyst' | 'org-admin', scope?: 'read' | 'write'): Promise<Person>;
  close(): Promise<void>;
}

/** Tests only: the hub exactly as `rampart serve` composes it, over a fresh store (SQLite unless told) with the states seeded. */
export async function composedHub(options: Partial<Omit<HubOptions, 'store' | 'hubOwner'>> = {}, dialect: DialectName = 'sqlite'): Promise<ComposedHub> {
  const db: TestDatabase = testDatabase(dialect);
  const store = await openStore({ url: db.url });
  const hub = await composeHub({ store, hubOwner: HUB, authPolicy: TEST_POLICY, ...options });
  const seeded = await seedOrganizations(store);
  if (!seeded.ok) throw new Error(seeded.error.message);
  const ctx = hub.auth.context;
  let people = 0;
  return {
    hub,
    store,
    async state(fips) {
      const found = (await ctx.accounts.listOrganizations({ stateFips: fips })).find((o) => o.kind === 'state' || o.kind === 'territory');
      if (found === undefined) throw new Error(`no seeded state ${fips}`);
      return found.id;
    },
    async organization(input) {
      const made = await createOrganization(ctx, OPERATOR, input);
      if (!made.ok) throw new Error(made.error.message);
      return made.value.id;
    },
    async person(orgId, name, role = 'analyst', scope = 'write') {
      const email = `person${++people}@composed-hub.example`;
      const user = await createUser(ctx, OPERATOR, { email, name, role, password: 'correct horse battery staple', org_id: orgId });
      if (!user.ok) throw new Error(user.error.message);
      const row = await ctx.accounts.userByEmail(email);
      if (row === null) throw new Error('user not stored');
      const key = await createApiKey(ctx, OPERATOR, row, { name: 'test', scope });
      if (!key.ok) throw new Error(key.error.message);
      return { orgId, userId: row.id, key: key.value.key };
    },
    async close() {
      await hub.app.close();
      await store.close();
      await db.drop();
    },
  };
}
