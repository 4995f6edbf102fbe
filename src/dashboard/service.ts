import { KNOWLEDGE_BASE_MARKINGS, KNOWLEDGE_BASE_PUBLISHERS } from '../kb/publishers.ts';
import type { Problem } from '../domain/problem.ts';
import { err, ok, type Result } from '../domain/result.ts';
import { LISTED_ELSEWHERE } from '../domain/listed-elsewhere.ts';
import type { Tlp } from '../domain/tlp.ts';
import { RAMPART_EXTENSION_ID } from '../stix/rampart-extension.ts';
import type { Reader, StixStore, StoredVersion } from '../store/types.ts';
import { type Dashboard, type ItemSummary } from './schema.ts';

export interface DashboardDeps {
  readonly stix: StixStore;
  readonly clock: { now(): Date };
}

export interface DashboardOptions {
  /** Stop counting after this many visible objects (the answer then says `truncated`). */
  readonly maxScan?: number;
  /** How many items "latest shared with me" shows. */
  readonly latest?: number;
}

const PAGE = 500;
const DEFAULT_MAX_SCAN = 100_000;
/**
 * Types nobody wants in "latest shared with you": plumbing, and election-day status reports, which read best
 * on the election-day screens (the dashboard links there) and would otherwise fill the list on election day.
 */
const NOT_NEWS = new Set(['relationship', 'marking-definition', 'extension-definition', 'language-content', 'x-rampart-status-report']);
const ELSEWHERE: ReadonlySet<string> = new Set(LISTED_ELSEWHERE);
/** Vocabulary every hub carries (TLP markings, extension declarations): reference, not what members shared. */
const VOCABULARY = new Set(['marking-definition', 'extension-definition']);

const isRecord = (v: unknown): v is Record<string, unknown> => typeof v === 'object' && v !== null && !Array.isArray(v);
const str = (v: unknown): string | null => (typeof v === 'string' && v !== '' ? v : null);

function parseJson(json: string): Record<string, unknown> {
  const value = JSON.parse(json) as unknown;
  return isRecord(value) ? value : {};
}

/** Every latest version the reader may see, page by page, through the store's own visibility rule. */
async function* visible(stix: StixStore, reader: Reader, types: readonly string[] | undefined): AsyncGenerator<Result<StoredVersion, Problem>> {
  let cursor: string | undefined;
  for (;;) {
    const page = await stix.list(reader, { versions: 'latest', limit: PAGE, ...(types === undefined ? {} : { types }), ...(cursor === undefined ? {} : { cursor }) });
    if (!page.ok) {
      yield err(page.error);
      return;
    }
    for (const item of page.value.items) yield ok(item);
    if (page.value.nextCursor === null || page.value.items.length === 0) return;
    cursor = page.value.nextCursor;
  }
}

/** The state an incident concerns, from the Rampart extension's `state_fips`. */
export function incidentState(object: Record<string, unknown>): string | null {
  const exts = object['extensions'];
  const ext = isRecord(exts) ? exts[RAMPART_EXTENSION_ID] : undefined;
  const fips = isRecord(ext) ? ext['state_fips'] : undefined;
  return typeof fips === 'string' && /^\d{2}$/.test(fips) ? fips : null;
}

/** Whether an incident's case is closed: its owner marked it resolved (docs/incidents.md). */
export function incidentClosed(object: Record<string, unknown>): boolean {
  const exts = object['extensions'];
  const ext = isRecord(exts) ? exts[RAMPART_EXTENSION_ID] : undefined;
  return isRecord(ext) && ext['case_status'] === 'resolved';
}

/**
 * Reference material: the knowledge base's (ATT&CK, DISARM) objects and identities, TLP markings, extension
 * declarations and the member organizations' own identities (the hub's directory). Recognised by the object's
 * `created_by_ref`, not only by its owner here: received through a feed, it is owned by a derived remote owner
 * (src/domain/remote-owner.ts) but still names its publisher. It is counted apart from members' items, never hidden.
 */
function isReference(v: StoredVersion): boolean {
  if (KNOWLEDGE_BASE_PUBLISHERS.has(v.sharing.owner) || KNOWLEDGE_BASE_PUBLISHERS.has(v.id) || v.type.startsWith('x-mitre-') || VOCABULARY.has(v.type)) return true;
  // An organization's own identity (the hub's directory of members) is not something it shared.
  if (v.type === 'identity' && (v.id as string) === v.sharing.owner) return true;
  // Parse only the JSON that names a publisher or its marking at all: most objects do not.
  if (![...KNOWLEDGE_BASE_PUBLISHERS, ...KNOWLEDGE_BASE_MARKINGS].some((ref) => v.json.includes(ref))) return false;
  const object = parseJson(v.json);
  const creator = object['created_by_ref'];
  if (typeof creator === 'string' && KNOWLEDGE_BASE_PUBLISHERS.has(creator)) return true;
  // Knowledge-base objects without a created_by_ref (held by the hub) still carry their publisher's copyright marking.
  const markings = object['object_marking_refs'];
  return creator === undefined && Array.isArray(markings) && markings.some((m) => typeof m === 'string' && KNOWLEDGE_BASE_MARKINGS.has(m));
}

/** Counts by type, largest first. */
function typeCounts(counts: ReadonlyMap<string, number>): { type: string; count: number }[] {
  return [...counts].map(([type, count]) => ({ type, count })).sort((a, b) => b.count - a.count || a.type.localeCompare(b.type));
}

/** Keeps the `size` entries with the largest `addedUs`, newest first. */
function pushNewest(list: StoredVersion[], v: StoredVersion, size: number): void {
  if (list.length >= size && (list[list.length - 1]?.addedUs ?? 0) >= v.addedUs) return;
  list.push(v);
  list.sort((a, b) => b.addedUs - a.addedUs);
  if (list.length > size) list.pop();
}

/**
 * What the dashboard shows, counted over exactly what `reader` may see (one pass through
 * `StixStore.list`, so the store's visibility rule is the only one). Revoked objects are not counted;
 * an incident is open while its owner has neither revoked it nor closed its case (resolved). The counts by
 * TLP and type are of the members' items the Intelligence list shows; what it shows elsewhere (status reports,
 * relationships) and the knowledge base's reference material are counted apart, so that election day's hundreds
 * of status reports and thousands of techniques never crowd out what members shared.
 */
export async function dashboardFor(deps: DashboardDeps, reader: Reader, options: DashboardOptions = {}): Promise<Result<Dashboard, Problem>> {
  const maxScan = options.maxScan ?? DEFAULT_MAX_SCAN;
  const byTlp: Record<Tlp, number> = { clear: 0, green: 0, amber: 0, 'amber+strict': 0, red: 0 };
  const byType = new Map<string, number>();
  const elsewhere = new Map<string, number>();
  const referenceByType = new Map<string, number>();
  let referenceItems = 0;
  const byState: Record<string, number> = {};
  let withoutState = 0;
  let openIncidents = 0;
  const newest: StoredVersion[] = [];
  const ownOrg = reader.kind === 'member' ? reader.orgId : null;
  let scanned = 0;
  let truncated = false;

  for await (const next of visible(deps.stix, reader, undefined)) {
    if (!next.ok) return next;
    if (scanned >= maxScan) {
      truncated = true;
      break;
    }
    scanned += 1;
    const v = next.value;
    if (v.revoked) continue;
    if (isReference(v)) {
      referenceItems += 1;
      referenceByType.set(v.type, (referenceByType.get(v.type) ?? 0) + 1);
      continue;
    }
    if (ELSEWHERE.has(v.type)) {
      elsewhere.set(v.type, (elsewhere.get(v.type) ?? 0) + 1);
      continue;
    }
    byTlp[v.sharing.tlp] += 1;
    byType.set(v.type, (byType.get(v.type) ?? 0) + 1);
    if (v.sharing.owner !== ownOrg && !NOT_NEWS.has(v.type)) pushNewest(newest, v, options.latest ?? 8);
    if (v.type === 'incident') {
      const incident = parseJson(v.json);
      // A closed case (resolved) is no longer open; a reopened one is again.
      if (incidentClosed(incident)) continue;
      openIncidents += 1;
      const fips = incidentState(incident);
      if (fips === null) withoutState += 1;
      else byState[fips] = (byState[fips] ?? 0) + 1;
    }
  }

  const latest: ItemSummary[] = newest.map((v) => {
    const o = parseJson(v.json);
    return { id: v.id, type: v.type, name: str(o['name']), modified: v.modified, shared_at: new Date(Math.floor(v.addedUs / 1000)).toISOString(), tlp: v.sharing.tlp, owner: v.sharing.owner, mine: v.sharing.owner === ownOrg };
  });
  return ok({
    generated_at: deps.clock.now().toISOString(),
    scanned,
    truncated,
    open_incidents_by_state: byState,
    open_incidents_without_state: withoutState,
    open_incidents: openIncidents,
    by_tlp: byTlp,
    by_type: typeCounts(byType),
    listed_elsewhere: typeCounts(elsewhere),
    reference_items: referenceItems,
    reference_by_type: typeCounts(referenceByType),
    latest_shared: latest,
  });
}
