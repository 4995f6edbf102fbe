import { assertNever } from './assert-never.ts';
import { audienceKind, type AudienceKey, type AudienceKind } from './audience.ts';
import { err, ok, type Result } from './result.ts';
import { tlpLabel, type Tlp } from './tlp.ts';

/** An audience its TLP does not allow; the message names the offending key and what to do. */
export interface SharingRuleError {
  readonly code: 'tlp-audience-mismatch';
  readonly message: string;
  /** The keys the TLP does not allow (empty when the audience itself is empty). */
  readonly keys: readonly AudienceKey[];
}

/**
 * Which audience kinds each TLP level allows (DESIGN.md, "who sees what"): CLEAR anything incl. public;
 * GREEN at most the community; AMBER organizations, states or groups; AMBER+STRICT organizations; RED people.
 */
export function allowedKinds(tlp: Tlp): readonly AudienceKind[] {
  switch (tlp) {
    case 'clear':
      return ['public', 'community', 'org', 'state', 'group', 'user'];
    case 'green':
      return ['community', 'org', 'state', 'group', 'user'];
    case 'amber':
      return ['org', 'state', 'group'];
    case 'amber+strict':
      return ['org'];
    case 'red':
      return ['user'];
    default:
      return assertNever(tlp);
  }
}

/** What a TLP level may name, in words, for error messages. */
function mayName(tlp: Tlp): string {
  switch (tlp) {
    case 'clear':
      return 'may be shared with anyone';
    case 'green':
      return 'may be shared at most with the community, never the public';
    case 'amber':
      return 'may only name organizations, states or sharing groups';
    case 'amber+strict':
      return 'may only name organizations';
    case 'red':
      return 'may only name people (user:<id>)';
    default:
      return assertNever(tlp);
  }
}

/**
 * Checks that `audience` obeys `tlp`: never widened or narrowed silently, refused with the first
 * offending key named. Returns the audience without duplicates, in its given order.
 */
export function checkAudience(tlp: Tlp, audience: readonly AudienceKey[]): Result<readonly AudienceKey[], SharingRuleError> {
  const label = tlpLabel(tlp);
  if (audience.length === 0) {
    return err({ code: 'tlp-audience-mismatch', keys: [], message: `The audience is empty, so nobody but the owner could read it; ${label} ${mayName(tlp)}: name at least one` });
  }
  const allowed = new Set(allowedKinds(tlp));
  const outside = audience.filter((key) => !allowed.has(audienceKind(key)));
  const first = outside[0];
  if (first !== undefined) {
    const also = outside.length > 1 ? ` (also ${outside.slice(1).join(', ')})` : '';
    return err({ code: 'tlp-audience-mismatch', keys: outside, message: `${label} ${mayName(tlp)}; remove ${first}${also}` });
  }
  return ok([...new Set(audience)]);
}

/**
 * The audience an older version of an object has, when the object's newest audience is `current`
 * (DESIGN.md: each version is bounded by its own marking). A re-share, or a newer version's audience,
 * reaches an older version only as far as that version's own TLP allows: the keys of `current` its
 * TLP may name. A RED version names people, and only the people it named while it was the newest
 * version (`named`) may ever read it: of those, the ones `current` still names.
 * So an older version never reaches anyone the newest version does not.
 */
export function olderVersionAudience(tlp: Tlp, named: readonly AudienceKey[], current: readonly AudienceKey[]): AudienceKey[] {
  const allowed = new Set(allowedKinds(tlp));
  const kept = current.filter((key) => allowed.has(audienceKind(key)));
  if (tlp !== 'red') return kept;
  const people = new Set(named);
  return kept.filter((key) => people.has(key));
}

/**
 * The audience of a new version published without one: the audience of the version before it, when
 * the new version's TLP allows every key of it. Never widened to a default nor narrowed silently:
 * otherwise refused, naming the key and both ways out. An empty audience (the owner alone) stays empty.
 */
export function keptAudience(tlp: Tlp, previous: readonly AudienceKey[]): Result<readonly AudienceKey[], SharingRuleError> {
  if (previous.length === 0) return ok(previous);
  const checked = checkAudience(tlp, previous);
  if (checked.ok) return checked;
  return err({ ...checked.error, message: `${checked.error.message} or give an audience (a new version without one keeps the audience of the version before it)` });
}
