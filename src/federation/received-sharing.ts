import { audienceKind, type AudienceKey } from '../domain/audience.ts';
import { type OrgId } from '../domain/ids.ts';
import { err, ok, type Result } from '../domain/result.ts';
import { checkAudience } from '../domain/sharing-rule.ts';
import { tlpLabel, type Tlp } from '../domain/tlp.ts';
import type { Sharing } from '../store/types.ts';

/**
 * How an object received from another hub is shared here. The sender named the receiving
 * organization (it could read the collection), so the hub never re-shares beyond that:
 * - CLEAR may go public; GREEN at most the community (TLP 2.0: the receiver's community);
 * - AMBER and AMBER+STRICT stay inside the receiving organization (org:<receiver>), the one the sender named;
 * - RED names people on the sender's hub, who do not exist here: never received.
 * The owner stays the object's creator (created_by_ref), so nobody here may widen, version or revoke it.
 * A feed's configured audience only narrows: keys wider than the received maximum are dropped, and when
 * none remains the object stays with the receiving organization.
 */
export interface ReceivedSharingInput {
  readonly tlp: Tlp;
  readonly owner: OrgId;
  readonly receiver: OrgId;
  /** The feed's audience: at most these keys. */
  readonly narrowTo?: readonly AudienceKey[];
}

export interface ReceivedSharingError {
  readonly code: 'tlp-red-not-federated' | 'tlp-audience-mismatch';
  readonly message: string;
}

/** How wide a key reaches: a narrower audience may only name keys of equal or higher rank. */
function rank(key: AudienceKey): number {
  switch (audienceKind(key)) {
    case 'public':
      return 0;
    case 'community':
      return 1;
    case 'state':
    case 'group':
      return 2;
    case 'org':
      return 3;
    case 'user':
      return 4;
  }
}

export function receivedSharing(input: ReceivedSharingInput): Result<Sharing, ReceivedSharingError> {
  const receiverKey: AudienceKey = `org:${input.receiver}`;
  let widest: readonly AudienceKey[];
  switch (input.tlp) {
    case 'red':
      return err({ code: 'tlp-red-not-federated', message: `${tlpLabel('red')} names people on the sender's hub; it is never received through a feed` });
    case 'clear':
      widest = ['public'];
      break;
    case 'green':
      widest = ['community'];
      break;
    case 'amber':
    case 'amber+strict':
      widest = [receiverKey];
      break;
  }
  let audience = widest;
  if (input.narrowTo !== undefined) {
    const floor = Math.min(...widest.map(rank));
    // AMBER may not move to another local organization: only the receiver was named by the sender.
    const kept = input.narrowTo.filter((k) => rank(k) >= floor && rank(k) < 4 && (floor < 3 || k === receiverKey));
    audience = kept.length > 0 ? kept : [receiverKey];
  }
  const checked = checkAudience(input.tlp, audience);
  if (!checked.ok) return err({ code: 'tlp-audience-mismatch', message: checked.error.message });
  return ok({ owner: input.owner, tlp: input.tlp, audience: checked.value });
}

/**
 * Sharing of a received object that vanished from its source (its owner narrowed it there): only the
 * owner's own organization may see it here, so it also vanishes from this hub's TAXII collections.
 */
export function withdrawnSharing(owner: OrgId, tlp: Tlp): Sharing {
  return { owner, tlp, audience: [`org:${owner}`] };
}
