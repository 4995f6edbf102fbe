import type { StixId } from '../domain/ids.ts';
import { problem, type Problem } from '../domain/problem.ts';
import { err, ok, type Result } from '../domain/result.ts';
import type { SharingRepository } from '../store/sharing-store.ts';
import type { Reader, StixStore, StoredVersion } from '../store/types.ts';
import { stateKeyOf, type OrgInfoPort } from './keys.ts';

export interface AggregateDeps {
  readonly stix: StixStore;
  readonly repo: SharingRepository;
  readonly orgInfo: OrgInfoPort;
}

/** "Seen by 7 jurisdictions in 3 states": counts only, never who. */
export interface SightingAggregate {
  readonly indicator: StixId;
  readonly sightings: number;
  /** Distinct owner organizations of any kind. */
  readonly organizations: number;
  /** Of those, the election offices: states, territories and local jurisdictions. */
  readonly jurisdictions: number;
  readonly states: number;
}

// The counting pass reads across every owner; it returns numbers only, never rows.
const OPERATOR: Reader = { kind: 'operator' };
const PAGE = 1000;

/**
 * Whether an owner allowed a sighting to be counted: the object's own flag, else its owner's flag,
 * else the default: yes when the owner shared the sighting with the community (or the public), no otherwise.
 */
export function countingAllowed(sighting: StoredVersion, objectFlag: boolean | undefined, orgFlag: boolean | undefined): boolean {
  if (objectFlag !== undefined) return objectFlag;
  if (orgFlag !== undefined) return orgFlag;
  return sighting.sharing.audience.some((k) => k === 'community' || k === 'public');
}

function sightingOf(json: string): string | null {
  const value: unknown = JSON.parse(json);
  if (typeof value !== 'object' || value === null) return null;
  const ref = (value as Record<string, unknown>)['sighting_of_ref'];
  return typeof ref === 'string' ? ref : null;
}

/**
 * Counts the sightings of an indicator the reader may see, across all organizations whose owners
 * allowed counting, with the number of distinct owners and of distinct states among them.
 */
export async function sightingAggregate(deps: AggregateDeps, reader: Reader, indicator: StixId): Promise<Result<SightingAggregate, Problem>> {
  if ((await deps.stix.get(reader, indicator)) === null) {
    return err(problem('not-found', 'not-found', `No object ${indicator} that you may see; aggregates are given only for objects shared with you`));
  }
  const candidates: StoredVersion[] = [];
  let cursor: string | undefined;
  for (;;) {
    const page = await deps.stix.list(OPERATOR, { types: ['sighting'], limit: PAGE, ...(cursor === undefined ? {} : { cursor }) });
    if (!page.ok) return page;
    for (const v of page.value.items) if (!v.revoked && sightingOf(v.json) === indicator) candidates.push(v);
    if (page.value.nextCursor === null) break;
    cursor = page.value.nextCursor;
  }
  const owners = [...new Set(candidates.map((v) => v.sharing.owner))];
  const [objectFlags, orgFlags] = await Promise.all([deps.repo.countingOfObjects(candidates.map((v) => v.id)), deps.repo.countingOfOrgs(owners)]);
  const counted = candidates.filter((v) => countingAllowed(v, objectFlags.get(v.id), orgFlags.get(v.sharing.owner)));
  const countedOwners = [...new Set(counted.map((v) => v.sharing.owner))];
  const states = new Set<string>();
  let jurisdictions = 0;
  for (const owner of countedOwners) {
    const state = stateKeyOf(await deps.orgInfo(owner));
    if (state === null) continue;
    jurisdictions += 1;
    states.add(state);
  }
  return ok({ indicator, sightings: counted.length, organizations: countedOwners.length, jurisdictions, states: states.size });
}
