import { Type } from '@sinclair/typebox';
import { Value } from '@sinclair/typebox/value';
import type { AudienceKey } from '../domain/audience.ts';
import type { OrgId, StixId } from '../domain/ids.ts';
import type { Problem } from '../domain/problem.ts';
import { ok, type Result } from '../domain/result.ts';
import { countingKey, type SharingRepository } from './sharing-store.ts';
import type { Reader, StixStore, StoredVersion } from './types.ts';

/** What counting reads of a stored sighting (STIX 2.1 §5.5: count is 0 to 999,999,999, absent meaning once). */
const SightingJson = Type.Object({
  sighting_of_ref: Type.String(),
  count: Type.Optional(Type.Integer({ minimum: 0 })),
  last_seen: Type.Optional(Type.String()),
  first_seen: Type.Optional(Type.String()),
  created: Type.Optional(Type.String()),
});

/** A sighting of an indicator as anonymous counting needs it: who owns it and how it is shared, never its content. */
export interface CountableSighting {
  readonly id: StixId;
  readonly owner: OrgId;
  readonly audience: readonly AudienceKey[];
  /** Its `count`, 1 when it has none. */
  readonly count: number;
  /** When it was last seen: its last_seen, else first_seen, else when it was created (null when it says none). */
  readonly lastSeen: string | null;
  /** Whether the reader may see the sighting itself (the store's visibility rule). */
  readonly visible: boolean;
  /** The owner's counting choice for this sighting, and for its whole organization; undefined where none was made. */
  readonly objectCounting: boolean | undefined;
  readonly orgCounting: boolean | undefined;
}

// Counting looks across owners; what leaves the store here is used for numbers only, never shown as rows.
const OPERATOR: Reader = { kind: 'operator' };
const PAGE = 1000;

/** The latest version of each record (id and owner) of a sighting of `indicator`, by countingKey. */
async function latestSightingsOf(stix: StixStore, reader: Reader, indicator: StixId): Promise<Result<Map<string, StoredVersion>, Problem>> {
  const found = new Map<string, StoredVersion>();
  let cursor: string | undefined;
  do {
    const page = await stix.list(reader, { types: ['sighting'], refersTo: indicator, versions: 'latest', limit: PAGE, ...(cursor === undefined ? {} : { cursor }) });
    if (!page.ok) return page;
    for (const v of page.value.items) if (!v.revoked) found.set(countingKey(v.id, v.sharing.owner), v);
    cursor = page.value.nextCursor ?? undefined;
  } while (cursor !== undefined);
  return ok(found);
}

/** The owners of the records of `id` that `reader` may see (several organizations may hold one id: a write under an id one may not see is a record of one's own). */
async function recordOwners(stix: StixStore, reader: Reader, id: StixId): Promise<Result<Set<OrgId>, Problem>> {
  const page = await stix.list(reader, { ids: [id], versions: 'latest', limit: PAGE });
  return page.ok ? ok(new Set(page.value.items.map((v) => v.sharing.owner))) : page;
}

/** The sightings of an indicator as counting needs them, and whether the reader may see every record of the indicator. */
export interface CountableSightings {
  readonly sightings: readonly CountableSighting[];
  /**
   * False when another organization holds a record of the indicator's id that the reader may not see: a sighting names
   * only the id, so one the reader may not see itself could be of that record, and is not the reader's to count.
   */
  readonly everyRecordVisible: boolean;
}

/**
 * Every unrevoked sighting of `indicator` (latest versions), across all owners, each marked with whether `reader`
 * may see it and with its owner's counting choices. The visibility comes from the store's one rule (the reader's
 * own listing); what may be counted is decided by the caller (src/sharing/aggregates.ts).
 */
export async function countableSightings(stix: StixStore, repo: Pick<SharingRepository, 'countingOfObjects' | 'countingOfOrgs'>, reader: Reader, indicator: StixId): Promise<Result<CountableSightings, Problem>> {
  const [holders, seen] = await Promise.all([recordOwners(stix, OPERATOR, indicator), reader.kind === 'operator' ? null : recordOwners(stix, reader, indicator)]);
  if (!holders.ok) return holders;
  if (seen !== null && !seen.ok) return seen;
  const everyRecordVisible = seen === null || [...holders.value].every((owner) => seen.value.has(owner));
  const all = await latestSightingsOf(stix, OPERATOR, indicator);
  if (!all.ok) return all;
  const visible = reader.kind === 'operator' ? all : await latestSightingsOf(stix, reader, indicator);
  if (!visible.ok) return visible;
  const sightings: { readonly version: StoredVersion; readonly count: number; readonly lastSeen: string | null }[] = [];
  for (const version of all.value.values()) {
    const json: unknown = JSON.parse(version.json);
    if (!Value.Check(SightingJson, json) || json.sighting_of_ref !== indicator) continue;
    sightings.push({ version, count: json.count ?? 1, lastSeen: json.last_seen ?? json.first_seen ?? json.created ?? null });
  }
  const [objects, orgs] = await Promise.all([repo.countingOfObjects(sightings.map((s) => s.version.id)), repo.countingOfOrgs([...new Set(sightings.map((s) => s.version.sharing.owner))])]);
  return ok({
    everyRecordVisible,
    sightings: sightings.map(({ version, count, lastSeen }) => ({
      id: version.id,
      owner: version.sharing.owner,
      audience: version.sharing.audience,
      count,
      lastSeen,
      visible: visible.value.has(countingKey(version.id, version.sharing.owner)),
      objectCounting: objects.get(countingKey(version.id, version.sharing.owner)),
      orgCounting: orgs.get(version.sharing.owner),
    })),
  });
}
