import { authServiceOf, type AuthService } from '../../src/auth/service.ts';
import type { OrgId } from '../../src/domain/ids.ts';
import type { Database, DialectName } from '../../src/store/db.ts';
import { openStore, type RampartStore } from '../../src/store/index.ts';
import { testDatabase } from './store.ts';
import type { StixStore } from '../../src/store/types.ts';
import type { UserRow } from '../../src/store/accounts.ts';
import { accountsContext, OPERATOR, type AccountsContext, type AuthEvent, type AuthPolicy } from '../../src/accounts/context.ts';
import { createOrganization, seedOrganizations } from '../../src/accounts/organizations.ts';
import { createUser, type NewUser } from '../../src/accounts/users.ts';

/** Tests only: a migrated database of one dialect, seeded organizations, a settable clock and the events emitted. */
export interface AccountsFixture {
  readonly database: Database<unknown>;
  readonly stix: StixStore;
  readonly store: RampartStore;
  readonly ctx: AccountsContext;
  readonly auth: AuthService;
  readonly events: AuthEvent[];
  /** Wisconsin, a county of it, and CISA. */
  readonly wi: OrgId;
  readonly dane: OrgId;
  readonly cisa: OrgId;
  now(): Date;
  advance(ms: number): void;
  addUser(input: Omit<NewUser, 'password'> & { readonly password?: string }): Promise<UserRow>;
  close(): Promise<void>;
}

// Cheap scrypt keeps tests fast; production cost is DEFAULT_SCRYPT.
export const TEST_POLICY: Partial<AuthPolicy> = { scrypt: { N: 1024, r: 8, p: 1 } };
export const TEST_PASSWORD = 'correct horse battery staple';

export async function accountsFixture(dialect: DialectName): Promise<AccountsFixture> {
  const target = testDatabase(dialect);
  const opened: RampartStore = await openStore({ url: target.url });
  const { stix, database } = opened;
  let now = new Date('2026-11-03T12:00:00.000Z');
  const clock = { now: () => now };
  const events: AuthEvent[] = [];
  const store = { stix, database };
  const seeded = await seedOrganizations(store, { clock });
  if (!seeded.ok) throw new Error(seeded.error.message);
  const ctx = accountsContext(store, { clock, policy: TEST_POLICY, onEvent: (e) => Promise.resolve(void events.push(e)) });
  const dane = await createOrganization(ctx, OPERATOR, { kind: 'local', name: 'Dane County Clerk', state_fips: '55', county_fips: '55025' });
  if (!dane.ok) throw new Error(dane.error.message);
  const wi = (await ctx.accounts.listOrganizations({ kind: 'state', stateFips: '55' }))[0];
  const cisa = (await ctx.accounts.listOrganizations({ kind: 'federal' })).find((o) => o.short_name === 'CISA');
  if (wi === undefined || cisa === undefined) throw new Error('seed did not create Wisconsin and CISA');
  events.length = 0;
  const auth = authServiceOf(ctx);
  return {
    database,
    stix,
    store: opened,
    ctx,
    auth,
    events,
    wi: wi.id,
    dane: dane.value.id,
    cisa: cisa.id,
    now: () => now,
    advance: (ms) => {
      now = new Date(now.getTime() + ms);
    },
    async addUser(input) {
      const created = await createUser(ctx, OPERATOR, { ...input, password: input.password ?? TEST_PASSWORD });
      if (!created.ok) throw new Error(created.error.message);
      const row = await ctx.accounts.userByEmail(input.email);
      if (row === null) throw new Error('user not stored');
      return row;
    },
    async close() {
      // The API keys' last uses still waiting, written before the store closes.
      await auth.settled();
      await opened.close();
      await target.drop();
    },
  };
}
