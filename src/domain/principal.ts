import type { AudienceKey } from './audience.ts';
import type { OrgId, UserId } from './ids.ts';

/** Who a request or command acts for, once a session cookie or API key has been checked. */
export interface Principal {
  readonly orgId: OrgId;
  readonly userId: UserId | null;
  /** The audience keys the principal reads with (org, state, community, groups, user). */
  readonly keys: readonly AudienceKey[];
  /** API keys may be read-only; sessions always write. */
  readonly scope: 'read' | 'write';
}
