import type { AudienceKey } from '../domain/audience.ts';
import type { OrgId } from '../domain/ids.ts';
import type { Problem } from '../domain/problem.ts';
import type { Result } from '../domain/result.ts';
import type { Tlp } from '../domain/tlp.ts';
import type { Sharing } from '../store/types.ts';

/** The narrow part of the sharing rules (service.ts) that writers (objects, TAXII, matching) use. */
export interface SharingPort {
  /**
   * Decides an object's sharing for its owner: the audience the owner asked for, or the default
   * for its TLP and kind of organization; refuses an audience the TLP does not allow.
   */
  decide(owner: OrgId, tlp: Tlp, audience: readonly AudienceKey[] | undefined): Promise<Result<Sharing, Problem>>;
}
