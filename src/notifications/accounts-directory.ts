import type { OrgId } from '../domain/ids.ts';
import type { AccountsStore } from '../store/accounts.ts';
import type { Directory, OrgFacts, Person } from './directory.ts';

/** The directory of people and organizations over the accounts store. */
export function accountsDirectory(accounts: Pick<AccountsStore, 'listUsers' | 'userById' | 'listOrganizations' | 'getOrganization'>): Directory {
  const orgFacts = (o: { id: OrgId; kind: OrgFacts['kind']; state_fips: string | null; name: string }): OrgFacts => ({ id: o.id, kind: o.kind, stateFips: o.state_fips, name: o.name });
  return {
    async people() {
      return (await accounts.listUsers()).filter((u) => u.disabled_at === null).map((u): Person => ({ id: u.id, orgId: u.org_id, email: u.email, name: u.name, role: u.role }));
    },
    async person(id) {
      const u = await accounts.userById(id);
      return u === null || u.disabled_at !== null ? null : { id: u.id, orgId: u.org_id, email: u.email, name: u.name, role: u.role };
    },
    organizations: async () => (await accounts.listOrganizations()).map(orgFacts),
    async organization(id) {
      const o = await accounts.getOrganization(id);
      return o === null ? null : orgFacts(o);
    },
  };
}
