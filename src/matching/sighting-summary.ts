import type { OrgId, StixId } from '../domain/ids.ts';
import { problem, type Problem } from '../domain/problem.ts';
import { err, ok, type Result } from '../domain/result.ts';
import { countingAllowed } from '../sharing/aggregates.ts';
import type { OrgInfoPort } from '../sharing/keys.ts';
import type { SharingRepository } from '../store/sharing-store.ts';
import type { Reader, StixStore, StoredVersion } from '../store/types.ts';

/** Which sightings their owners allowed to be counted (by sighting id). */
export type CountingPort = (sightings: readonly StoredVersion[]) => Promise<ReadonlySet<string>>;

export interface SummaryDeps {
  readonly stix: StixStore;
  readonly orgInfo: OrgInfoPort;
  readonly counting: CountingPort;
}

/** "Sighted N times by J jurisdictions in S states": numbers only, never who. */
export interface SightingSummary {
  readonly indicator: StixId;
  /** Sum of the sightings' counts. */
  readonly sightings: number;
  /** Distinct organizations that reported them. */
  readonly jurisdictions: number;
  /** Distinct states or territories among those organizations. */
  readonly states: number;
  readonly text: string;
}

// Counting reads across owners; it returns numbers only, never rows.
const OPERATOR: Reader = { kind: 'operator' };
const PAGE = 1000;

function parse(version: StoredVersion): { readonly of: string | null; readonly count: number } {
  const value: unknown = JSON.parse(version.json);
  if (typeof value !== 'object' || value === null) return { of: null, count: 0 };
  const record = value as Record<string, unknown>;
  const of = typeof record['sighting_of_ref'] === 'string' ? record['sighting_of_ref'] : null;
  const count = typeof record['count'] === 'number' && Number.isInteger(record['count']) && record['count'] >= 0 ? record['count'] : 1;
  return { of, count };
}

async function sightingsOf(stix: StixStore, reader: Reader, indicator: StixId): Promise<Result<Map<string, StoredVersion>, Problem>> {
  const found = new Map<string, StoredVersion>();
  let cursor: string | undefined;
  do {
    const page = await stix.list(reader, { types: ['sighting'], refersTo: indicator, limit: PAGE, ...(cursor === undefined ? {} : { cursor }) });
    if (!page.ok) return page;
    for (const v of page.value.items) if (!v.revoked && parse(v).of === indicator) found.set(v.id, v);
    cursor = page.value.nextCursor ?? undefined;
  } while (cursor !== undefined);
  return ok(found);
}

/**
 * Counts the sightings of an indicator the reader may see: those shared with the reader, plus
 * those whose owners allowed counting. Only totals leave this function.
 */
export async function sightingSummary(deps: SummaryDeps, reader: Reader, indicator: StixId): Promise<Result<SightingSummary, Problem>> {
  if ((await deps.stix.get(reader, indicator)) === null) return err(problem('not-found', 'not-found', `No object ${indicator} that you may see; sighting counts are given only for objects shared with you`));
  const visible = await sightingsOf(deps.stix, reader, indicator);
  if (!visible.ok) return visible;
  const all = await sightingsOf(deps.stix, OPERATOR, indicator);
  if (!all.ok) return all;
  const others = [...all.value.values()].filter((v) => !visible.value.has(v.id));
  const allowed = await deps.counting(others);
  const counted = [...visible.value.values(), ...others.filter((v) => allowed.has(v.id))];
  const owners = new Set<OrgId>(counted.map((v) => v.sharing.owner));
  const states = new Set<string>();
  for (const owner of owners) {
    const info = await deps.orgInfo(owner);
    if (info !== null && info.stateFips !== null) states.add(info.stateFips);
  }
  const total = counted.reduce((sum, v) => sum + parse(v).count, 0);
  const plural = (n: number, one: string, many: string) => `${n} ${n === 1 ? one : many}`;
  return ok({
    indicator,
    sightings: total,
    jurisdictions: owners.size,
    states: states.size,
    text: `sighted ${plural(total, 'time', 'times')} by ${plural(owners.size, 'jurisdiction', 'jurisdictions')} in ${plural(states.size, 'state', 'states')}`,
  });
}

/** The counting permissions kept by the sharing feature: the sighting's flag, else its owner's, else its audience. */
export function countingFromRepository(repo: Pick<SharingRepository, 'countingOfObjects' | 'countingOfOrgs'>): CountingPort {
  return async (sightings) => {
    if (sightings.length === 0) return new Set();
    const [objects, orgs] = await Promise.all([repo.countingOfObjects(sightings.map((v) => v.id)), repo.countingOfOrgs([...new Set(sightings.map((v) => v.sharing.owner))])]);
    return new Set(sightings.filter((v) => countingAllowed(v, objects.get(v.id), orgs.get(v.sharing.owner))).map((v) => v.id));
  };
}
