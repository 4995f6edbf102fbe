import type { AudienceKey } from '../domain/audience.ts';
import type { OrgId, StixId } from '../domain/ids.ts';
import { problem, type Problem } from '../domain/problem.ts';
import { err, ok, type Result } from '../domain/result.ts';
import { countableSightings, type CountableSighting } from '../store/sighting-counts.ts';
import type { SharingRepository } from '../store/sharing-store.ts';
import type { Reader, StixStore } from '../store/types.ts';
import { stateKeyOf, type OrgInfoPort } from './keys.ts';
import type { AggregateSchema } from './schemas.ts';
import type { Static } from '@sinclair/typebox';

export interface AggregateDeps {
  readonly stix: StixStore;
  readonly repo: Pick<SharingRepository, 'countingOfObjects' | 'countingOfOrgs'>;
  readonly orgInfo: OrgInfoPort;
}

/**
 * "Sighted 12 times by 4 jurisdictions in 2 states": numbers only, never who. The one computation behind
 * GET /api/v1/aggregates/sightings/{id} and GET /api/v1/objects/{id}/sightings/summary.
 */
export type SightingAggregate = Static<typeof AggregateSchema>;

/**
 * Whether an owner allowed a sighting to be counted: the object's own flag, else its owner's flag,
 * else the default: yes when the owner shared the sighting with the community (or the public), no otherwise.
 */
export function countingAllowed(audience: readonly AudienceKey[], objectFlag: boolean | undefined, orgFlag: boolean | undefined): boolean {
  if (objectFlag !== undefined) return objectFlag;
  if (orgFlag !== undefined) return orgFlag;
  return audience.some((k) => k === 'community' || k === 'public');
}

/**
 * A sighting counts for a reader when the reader may see it, or when its owner allowed counting and the reader may see
 * every record of the indicator (`everyRecordVisible`): a sighting names only an id, which another organization may
 * hold as a record the reader may not see.
 */
export function counts(sighting: CountableSighting, everyRecordVisible: boolean): boolean {
  return sighting.visible || (everyRecordVisible && countingAllowed(sighting.audience, sighting.objectCounting, sighting.orgCounting));
}

function plural(n: number, one: string, many: string): string {
  return `${n} ${n === 1 ? one : many}`;
}

/** The sentence of the numbers, e.g. "sighted 12 times by 4 jurisdictions in 2 states and 1 other organization". */
export function aggregateText(times: number, jurisdictions: number, states: number, others: number): string {
  const offices = `${plural(jurisdictions, 'jurisdiction', 'jurisdictions')} in ${plural(states, 'state', 'states')}`;
  const rest = plural(others, 'other organization', 'other organizations');
  const by = others === 0 ? offices : jurisdictions === 0 ? rest : `${offices} and ${rest}`;
  return `sighted ${plural(times, 'time', 'times')} by ${by}`;
}

/**
 * When the counted sightings were last seen, to the hour: the latest of their times (last_seen, else first_seen, else
 * created), its minutes and seconds dropped so that the time does not point at one report. Null when none says.
 */
export function lastSighted(sightings: readonly Pick<CountableSighting, 'lastSeen'>[]): string | null {
  let latest: number | null = null;
  for (const s of sightings) {
    const t = s.lastSeen === null ? Number.NaN : Date.parse(s.lastSeen);
    if (Number.isFinite(t) && (latest === null || t > latest)) latest = t;
  }
  if (latest === null) return null;
  return `${new Date(latest - (latest % 3_600_000)).toISOString().slice(0, 13)}:00:00Z`;
}

/**
 * Counts the sightings of an indicator the reader may see (404 otherwise): those whose owners allowed counting
 * and those the reader may see anyway (only the latter when another organization holds a record of the same id that
 * the reader may not see: its own record under that id does not make the other's sightings its to count). Times are the sum of their counts; jurisdictions the distinct owner
 * organizations that are election offices (local, state, territory), beside the number of other organizations;
 * states the distinct states of those offices. Only these totals leave this function.
 */
export async function sightingAggregate(deps: AggregateDeps, reader: Reader, indicator: StixId): Promise<Result<SightingAggregate, Problem>> {
  if ((await deps.stix.get(reader, indicator)) === null) {
    return err(problem('not-found', 'not-found', `No object ${indicator} that you may see; sighting counts are given only for objects shared with you`));
  }
  const sightings = await countableSightings(deps.stix, deps.repo, reader, indicator);
  if (!sightings.ok) return sightings;
  const counted = sightings.value.sightings.filter((s) => counts(s, sightings.value.everyRecordVisible));
  const times = counted.reduce((sum, s) => sum + s.count, 0);
  const owners = new Set<OrgId>(counted.map((s) => s.owner));
  const states = new Set<AudienceKey>();
  let jurisdictions = 0;
  for (const owner of owners) {
    const state = stateKeyOf(await deps.orgInfo(owner));
    if (state === null) continue;
    jurisdictions += 1;
    states.add(state);
  }
  const others = owners.size - jurisdictions;
  return ok({
    last_sighted: lastSighted(counted),
    indicator,
    sightings: times,
    jurisdictions,
    other_organizations: others,
    organizations: owners.size,
    states: states.size,
    text: aggregateText(times, jurisdictions, states.size, others),
  });
}
