import type { AudienceKey } from '../domain/audience.ts';
import type { OrgId, StixId, UserId } from '../domain/ids.ts';
import { problem, type Problem } from '../domain/problem.ts';
import { err, ok, type Result } from '../domain/result.ts';
import { tlpLabel, type Tlp } from '../domain/tlp.ts';
import type { AuditPort } from '../audit/audit-log.ts';
import type { Reader, Sharing, StixStore } from '../store/types.ts';
import { checkOwnerAudience, type DecideDeps } from './decide.ts';

/** What live feeds hear when an owner widens or narrows an object's audience. */
export interface ReshareEvent {
  readonly id: StixId;
  readonly before: Sharing;
  readonly after: Sharing;
  readonly by: { readonly orgId: OrgId; readonly userId: UserId | null };
  readonly at: Date;
}

export interface ReshareDeps extends DecideDeps {
  readonly stix: StixStore;
  readonly clock: { now(): Date };
  readonly audit?: AuditPort;
  readonly onReshare?: (event: ReshareEvent) => void | Promise<void>;
  readonly setObjectCounting: (id: StixId, owner: OrgId, allow: boolean | null) => Promise<void>;
}

export interface ReshareRequest {
  readonly audience: readonly AudienceKey[];
  /** When given, must be the object's TLP: a new TLP needs a new version carrying the new marking. */
  readonly tlp?: Tlp;
  /** Per-object permission to count it in anonymous aggregates; null returns to the default. */
  readonly allowCounting?: boolean | null;
}

export interface Actor {
  readonly orgId: OrgId;
  readonly userId: UserId | null;
}

const sameSet = (a: readonly string[], b: readonly string[]): boolean => a.length === b.length && new Set([...a, ...b]).size === a.length;

/**
 * Widens or narrows an object's audience for its owner only: the newest version takes it, each older
 * version as far as its own TLP allows (olderVersionAudience). It takes effect at once because every
 * read applies the audience in the store's query.
 */
export async function reshare(deps: ReshareDeps, actor: Actor, reader: Reader, id: StixId, request: ReshareRequest): Promise<Result<{ readonly sharing: Sharing; readonly changed: boolean }, Problem>> {
  const latest = await deps.stix.get(reader, id);
  if (latest === null) return err(problem('not-found', 'not-found', `No object ${id} that you may see; check the id`));
  const before = latest.sharing;
  if (before.owner !== actor.orgId) {
    return err(problem('forbidden', 'not-owner', `${id} belongs to ${before.owner}; only its owner may change who it is shared with`));
  }
  if (request.tlp !== undefined && request.tlp !== before.tlp) {
    return err(
      problem('invalid', 'tlp-change-needs-version', `${id} is ${tlpLabel(before.tlp)}; to make it ${tlpLabel(request.tlp)} publish a new version with that marking, then re-share it`),
    );
  }
  const checked = await checkOwnerAudience(deps, actor.orgId, before.tlp, request.audience);
  if (!checked.ok) return checked;
  const after: Sharing = { owner: before.owner, tlp: before.tlp, audience: checked.value };
  if (request.allowCounting !== undefined) await deps.setObjectCounting(id, before.owner, request.allowCounting);
  if (sameSet(before.audience, after.audience)) return ok({ sharing: before, changed: false });

  await deps.stix.reshare(id, after);
  const at = deps.clock.now();
  await deps.audit?.record({
    actorOrg: actor.orgId,
    actorUser: actor.userId,
    action: 'reshare',
    objectId: id,
    subjectOrg: before.owner,
    details: { tlp: before.tlp, before: before.audience, after: after.audience },
  });
  await deps.onReshare?.({ id, before, after, by: actor, at });
  return ok({ sharing: after, changed: true });
}
