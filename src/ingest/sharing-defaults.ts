import type { AudienceKey } from '../domain/audience.ts';
import { parseOrgId, type OrgId } from '../domain/ids.ts';
import type { ProblemDetail } from '../domain/problem.ts';
import { err, ok, type Result } from '../domain/result.ts';
import { checkAudience } from '../domain/sharing-rule.ts';
import { tlpOfMarkings, type Tlp } from '../domain/tlp.ts';
import type { Sharing } from '../store/types.ts';
import type { ValidatedObject } from '../stix/validate.ts';

/** How imported objects are shared when they do not say so themselves. */
export interface SharingDefaults {
  /** Owner of objects without a created_by_ref (the --owner flag). */
  readonly owner?: OrgId;
  /** The hub's own identity: owner of last resort. */
  readonly hubOwner: OrgId;
  /**
   * The owner here of an object created by `creator` (its created_by_ref, or the defaults above when it
   * has none): federation makes received objects' owners remote owners (src/domain/remote-owner.ts).
   */
  readonly ownerFor?: (creator: OrgId) => OrgId;
  /** TLP of objects without a TLP marking (default green). */
  readonly tlp?: Tlp;
  /**
   * Audience for every object of the import. Without it a new object takes its TLP's default (see
   * defaultAudience) and a new version of a known object keeps that object's audience (IncomingObject.audienceDefault).
   */
  readonly audience?: readonly AudienceKey[];
  /**
   * The owner organization's default audience per TLP for new objects (its sharing defaults, else the built-in
   * ones for its kind: src/sharing/decide.ts), already checked against each TLP. A member's upload passes it so
   * a bundle is shared exactly as the same items published one by one; without it (the operator's CLI) a new
   * object takes its TLP's widest default.
   */
  readonly audienceByTlp?: ReadonlyMap<Tlp, readonly AudienceKey[]>;
  /**
   * The audience of one object by its id, before `audience`: for imports whose objects each carry their own
   * sharing (MISP attributes). Checked against the object's TLP like a given audience.
   */
  readonly audienceFor?: (id: string) => readonly AudienceKey[] | undefined;
}

/** The widest audience a TLP level allows by default; RED names people, so its default is the owner alone. */
export function defaultAudience(tlp: Tlp, owner: OrgId): readonly AudienceKey[] {
  switch (tlp) {
    case 'clear':
      return ['public'];
    case 'green':
      return ['community'];
    case 'amber':
    case 'amber+strict':
      return [`org:${owner}`];
    case 'red':
      return [];
  }
}

/** Decides an object's sharing: its own TLP marking and creator first, then the import's defaults. */
export function sharingFor(object: ValidatedObject, defaults: SharingDefaults, path: string): Result<Sharing, ProblemDetail> {
  const tlp = tlpOfMarkings(object.objectMarkingRefs) ?? defaults.tlp ?? 'green';
  const creator = object.createdByRef === null ? undefined : parseOrgId(object.createdByRef);
  const created = creator?.ok === true ? creator.value : (defaults.owner ?? defaults.hubOwner);
  const owner = defaults.ownerFor?.(created) ?? created;
  // A TLP's default audience obeys it by construction (sharing-defaults.test.ts holds it to that), so only a given audience is checked.
  const audience = defaults.audienceFor?.(object.id) ?? defaults.audience;
  if (audience === undefined) return ok({ owner, tlp, audience: defaults.audienceByTlp?.get(tlp) ?? defaultAudience(tlp, owner) });
  // An empty audience (RED's default) leaves the object to its owner until someone names people.
  const checked = audience.length === 0 ? ok(audience) : checkAudience(tlp, audience);
  if (!checked.ok) return err({ id: object.id, path, code: checked.error.code, message: checked.error.message });
  return ok({ owner, tlp, audience });
}
