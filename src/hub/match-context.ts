import { orgInfoPort } from '../accounts/organizations.ts';
import type { OrgId } from '../domain/ids.ts';
import { err, ok, type Result } from '../domain/result.ts';
import type { SharingPort } from '../sharing/port.ts';
import type { OrgInfoPort } from '../sharing/keys.ts';
import { createSharingService } from '../sharing/service.ts';
import { accountsStore } from '../store/accounts.ts';
import { openStore } from '../store/index.ts';
import type { Reader, StixStore } from '../store/types.ts';

/** What `rampart match` needs of the database: indicators, who is asking, and how to share sightings. */
export interface MatchContext {
  readonly stix: StixStore;
  readonly sharing: SharingPort;
  readonly orgInfo: OrgInfoPort;
  /** The reader of a person (--as) or an organization (--org); the operator, who sees everything, when neither is given. */
  readerFor(email: string | null, org: OrgId | null): Promise<Result<{ readonly reader: Reader; readonly orgId: OrgId | null }, string>>;
  close(): Promise<void>;
}

export async function openMatchContext(url: string): Promise<MatchContext> {
  const store = await openStore({ url });
  const accounts = accountsStore(store.database);
  const orgInfo: OrgInfoPort = orgInfoPort(store);
  const sharing = createSharingService({ store, orgInfo });
  return {
    stix: store.stix,
    sharing,
    orgInfo,
    async readerFor(email, org) {
      if (email !== null) {
        const user = await accounts.userByEmail(email);
        if (user === null) return err(`--as: no person with the email ${email}`);
        if (user.disabled_at !== null) return err(`--as: ${email} is disabled`);
        // Rows were parsed by the accounts store; their ids are the branded kinds.
        const orgId = user.org_id;
        const userId = user.id;
        return ok({ reader: { kind: 'member', orgId, userId, keys: await sharing.keysOf(orgId, userId) }, orgId });
      }
      if (org !== null) {
        if ((await orgInfo(org)) === null) return err(`--org: no organization ${org} in this database`);
        return ok({ reader: { kind: 'member', orgId: org, userId: null, keys: await sharing.keysOf(org, null) }, orgId: org });
      }
      return ok({ reader: { kind: 'operator' }, orgId: null });
    },
    close: () => store.close(),
  };
}
