import { assertNever } from '../domain/assert-never.ts';
import { audienceKind, type AudienceKey } from '../domain/audience.ts';
import type { GroupId, OrgId } from '../domain/ids.ts';
import { problem, type Problem } from '../domain/problem.ts';
import { err, ok, type Result } from '../domain/result.ts';
import { checkAudience } from '../domain/sharing-rule.ts';
import { TLP_LEVELS, tlpLabel, type Tlp } from '../domain/tlp.ts';
import type { SharingRepository } from '../store/sharing-store.ts';
import type { Sharing } from '../store/types.ts';
import { stateKeyOf, type OrgInfo, type OrgInfoPort } from './keys.ts';

export interface DecideDeps {
  readonly repo: SharingRepository;
  readonly orgInfo: OrgInfoPort;
}

/**
 * The built-in default audience of an organization for a TLP, respecting authority: a local office
 * shares with its own state, everyone else with itself; nothing reaches the community or federal
 * partners unless the owner says so. AMBER+STRICT stays with the owner; RED has no default (it names people).
 */
export function builtInDefault(tlp: Tlp, owner: OrgId, info: OrgInfo | null): Result<readonly AudienceKey[], Problem> {
  const self: AudienceKey = `org:${owner}`;
  switch (tlp) {
    case 'red':
      return err(problem('invalid', 'audience-required', `${tlpLabel(tlp)} is for named people only and has no default audience; give the audience as user:<id> keys`));
    case 'amber+strict':
      return ok([self]);
    case 'clear':
    case 'green':
    case 'amber': {
      const state = info?.kind === 'local' ? stateKeyOf(info) : null;
      return ok(state === null ? [self] : [state, self]);
    }
    default:
      return assertNever(tlp);
  }
}

/** Checks an audience against the TLP rule and against the owner's own group memberships. */
export async function checkOwnerAudience(deps: DecideDeps, owner: OrgId, tlp: Tlp, audience: readonly AudienceKey[]): Promise<Result<readonly AudienceKey[], Problem>> {
  const checked = checkAudience(tlp, audience);
  if (!checked.ok) return err(problem('invalid', checked.error.code, checked.error.message));
  const groups = checked.value.filter((k) => audienceKind(k) === 'group');
  if (groups.length > 0) {
    const joined = new Set<string>((await deps.repo.acceptedGroups(owner)).map((g: GroupId) => `group:${g}`));
    const outside = groups.find((k) => !joined.has(k));
    if (outside !== undefined) {
      return err(problem('forbidden', 'not-group-member', `Your organization is not a member of ${outside}; share only with groups it has joined, or accept the group's invitation first`));
    }
  }
  return checked;
}

/**
 * The SharingPort's decide: the audience asked for, else the org's default for the TLP, else the built-in
 * default. Defaults are for new objects only: a new version without an audience keeps the one before it
 * (keptAudience in src/domain/sharing-rule.ts; the objects service and the store apply it), never a default.
 */
export async function decide(deps: DecideDeps, owner: OrgId, tlp: Tlp, audience: readonly AudienceKey[] | undefined): Promise<Result<Sharing, Problem>> {
  let chosen: readonly AudienceKey[];
  if (audience !== undefined) {
    chosen = audience;
  } else {
    const own = (await deps.repo.defaults(owner)).get(tlp);
    if (own !== undefined) {
      chosen = own;
    } else {
      const built = builtInDefault(tlp, owner, await deps.orgInfo(owner));
      if (!built.ok) return built;
      chosen = built.value;
    }
  }
  const checked = await checkOwnerAudience(deps, owner, tlp, chosen);
  if (!checked.ok) return checked;
  return ok({ owner, tlp, audience: checked.value });
}

export interface DefaultView {
  readonly tlp: Tlp;
  /** null for RED without an org default: the publisher must name people each time. */
  readonly audience: readonly AudienceKey[] | null;
  readonly source: 'organization' | 'built-in';
}

/** The effective default audience of each TLP for an organization, and where it comes from. */
export async function effectiveDefaults(deps: DecideDeps, owner: OrgId): Promise<readonly DefaultView[]> {
  const [own, info] = await Promise.all([deps.repo.defaults(owner), deps.orgInfo(owner)]);
  return TLP_LEVELS.map((tlp): DefaultView => {
    const set = own.get(tlp);
    if (set !== undefined) return { tlp, audience: set, source: 'organization' };
    const built = builtInDefault(tlp, owner, info);
    return { tlp, audience: built.ok ? built.value : null, source: 'built-in' };
  });
}

/** Sets or clears (null) an org's defaults; every change is checked first, and none is kept if one fails. */
export async function setDefaults(deps: DecideDeps, owner: OrgId, changes: ReadonlyMap<Tlp, readonly AudienceKey[] | null>, at: string): Promise<Result<readonly DefaultView[], Problem>> {
  const checked = new Map<Tlp, readonly AudienceKey[] | null>();
  for (const [tlp, audience] of changes) {
    if (audience === null) {
      checked.set(tlp, null);
      continue;
    }
    const result = await checkOwnerAudience(deps, owner, tlp, audience);
    if (!result.ok) return err({ ...result.error, message: `default for ${tlpLabel(tlp)}: ${result.error.message}` });
    checked.set(tlp, result.value);
  }
  await deps.repo.setDefaults(owner, checked, at);
  return ok(await effectiveDefaults(deps, owner));
}
