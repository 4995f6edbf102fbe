import { audienceKind, type AudienceKey, type AudienceKind } from '../domain/audience.ts';
import { parseOrgId, type OrgId } from '../domain/ids.ts';
import type { ProblemDetail } from '../domain/problem.ts';
import { err, ok, type Result } from '../domain/result.ts';
import { tlpLabel, tlpOfMarkings, type Tlp } from '../domain/tlp.ts';
import type { Sharing } from '../store/types.ts';
import type { ValidatedObject } from '../stix/validate.ts';

/** How imported objects are shared when they do not say so themselves. */
export interface SharingDefaults {
  /** Owner of objects without a created_by_ref (the --owner flag). */
  readonly owner?: OrgId;
  /** The hub's own identity: owner of last resort. */
  readonly hubOwner: OrgId;
  /** TLP of objects without a TLP marking (default green). */
  readonly tlp?: Tlp;
  /** Audience for every object of the import; default follows the TLP (see defaultAudience). */
  readonly audience?: readonly AudienceKey[];
}

/** Which audience kinds each TLP level allows (DESIGN.md, "who sees what"). */
const ALLOWED: Readonly<Record<Tlp, ReadonlySet<AudienceKind>>> = {
  clear: new Set(['public', 'community', 'org', 'state', 'group', 'user']),
  green: new Set(['community', 'org', 'state', 'group', 'user']),
  amber: new Set(['org', 'state', 'group']),
  'amber+strict': new Set(['org']),
  red: new Set(['user']),
};

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
  const owner = creator?.ok === true ? creator.value : (defaults.owner ?? defaults.hubOwner);
  const audience = defaults.audience ?? defaultAudience(tlp, owner);
  const allowed = ALLOWED[tlp];
  const outside = audience.filter((key) => !allowed.has(audienceKind(key)));
  if (outside.length > 0) {
    return err({
      id: object.id,
      path,
      code: 'tlp-audience-mismatch',
      message: `${tlpLabel(tlp)} may not be shared with ${outside.join(', ')}; choose an audience that ${tlpLabel(tlp)} allows (${[...allowed].join(', ')})`,
    });
  }
  return ok({ owner, tlp, audience });
}
