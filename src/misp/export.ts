import { parseStixId, type StixId } from '../domain/ids.ts';
import type { Problem } from '../domain/problem.ts';
import { err, ok, type Result } from '../domain/result.ts';
import type { Reader, StixStore, StoredVersion } from '../store/types.ts';
import { objectsOf } from './objects-out.ts';
import { attributesOf, epochSeconds, galaxyOfTechnique, reachOfSharing, tlpTag, uuidOf, type MispEventOut, type MispGalaxyOut } from './from-stix.ts';

/**
 * Rampart as MISP events (docs/misp.md, "Export"): each report the reader may see is an event, holding
 * only the objects it refers to that the same reader may see. Every read goes through the store with
 * the reader, so the sharing rule is applied by the store's queries, per object.
 */
export interface MispExportOptions {
  /** Name of a Rampart sharing group, for MISP's SharingGroup (its uuid is the group's id). */
  readonly groupName?: (uuid: string) => string;
  /** Told every stored version an event was built from (the report, its objects, their observables), e.g. to audit reads. */
  readonly onServed?: (versions: readonly StoredVersion[]) => void;
}

const CHUNK = 200;

async function visibleByIds(stix: StixStore, reader: Reader, ids: readonly string[]): Promise<Map<string, StoredVersion>> {
  const found = new Map<string, StoredVersion>();
  const parsed = [...new Set(ids)].flatMap((id) => {
    const p = parseStixId(id);
    return p.ok ? [p.value] : [];
  });
  for (let i = 0; i < parsed.length; i += CHUNK) {
    const chunk: StixId[] = parsed.slice(i, i + CHUNK);
    // An observable may have one record per owner: any record the reader sees will do.
    const page = await stix.list(reader, { ids: chunk, limit: chunk.length * 8 });
    if (!page.ok) throw new Error(`MISP export: reading referred objects failed: ${page.error.message}`);
    for (const v of page.value.items) if (!found.has(v.id)) found.set(v.id, v);
  }
  return found;
}

const refsOf = (o: Record<string, unknown>, key: string): string[] => (Array.isArray(o[key]) ? (o[key] as unknown[]).map(String) : []);

/** The MISP event of a report the reader may see. */
export async function eventOfReport(stix: StixStore, reader: Reader, report: StoredVersion, options: MispExportOptions = {}): Promise<MispEventOut> {
  const groupName = options.groupName ?? ((uuid: string) => `Rampart sharing group ${uuid}`);
  const r = JSON.parse(report.json) as Record<string, unknown>;
  const refs = await visibleByIds(stix, reader, refsOf(r, 'object_refs'));
  const objects = [...refs.values()];
  const observables = await visibleByIds(stix, reader, objects.filter((v) => v.type === 'observed-data').flatMap((v) => refsOf(JSON.parse(v.json) as Record<string, unknown>, 'object_refs')));
  const pointed = await visibleByIds(stix, reader, [...observables.values()].flatMap((v) => {
    const o = JSON.parse(v.json) as Record<string, unknown>;
    // What an observable points at by value: a domain's addresses, a connection's ends, a mail's sender and recipients.
    return Object.entries(o).flatMap(([k, ref]) => (k.endsWith('_refs') ? refsOf(o, k) : k.endsWith('_ref') && typeof ref === 'string' ? [ref] : []));
  }));
  const observableJson = new Map([...observables, ...pointed].map(([id, v]) => [id, JSON.parse(v.json) as Record<string, unknown>]));
  const techniques = new Map<string, MispGalaxyOut>();
  for (const v of objects) {
    if (v.type !== 'attack-pattern') continue;
    const g = galaxyOfTechnique(JSON.parse(v.json) as Record<string, unknown>);
    if (g !== null) techniques.set(v.id, g);
  }
  const galaxies = new Map<string, MispGalaxyOut[]>();
  const named = new Set<string>();
  for (const v of objects) {
    if (v.type !== 'relationship') continue;
    const rel = JSON.parse(v.json) as Record<string, unknown>;
    const g = techniques.get(String(rel['target_ref']));
    const source = String(rel['source_ref']);
    // The report's own techniques (and the ones its actors use) are the event's galaxies, below.
    if (g === undefined || source === report.id || rel['relationship_type'] === 'uses') continue;
    galaxies.set(source, [...(galaxies.get(source) ?? []), g]);
    named.add(String(rel['target_ref']));
  }
  options.onServed?.([report, ...objects, ...observables.values(), ...pointed.values()]);
  const context = { groupName, observables: observableJson, galaxies };
  const attributes = objects.flatMap((v) => attributesOf(v, context));
  // Techniques the report names itself (not only through an attribute's relationship) are the event's.
  const eventGalaxies = [...techniques].filter(([id]) => !named.has(id)).map(([, g]) => g);
  const owner = typeof r['created_by_ref'] === 'string' ? r['created_by_ref'] : report.sharing.owner;
  const ownerId = parseStixId(owner);
  const identity = ownerId.ok ? await stix.get(reader, ownerId.value) : null;
  const identityName = identity === null ? undefined : (JSON.parse(identity.json) as Record<string, unknown>)['name'];
  const ownerName = typeof identityName === 'string' ? identityName : 'Rampart member organization';
  const labels = refsOf(r, 'labels');
  const published = typeof r['published'] === 'string' ? r['published'] : (report.modified ?? '1970-01-01T00:00:00Z');
  return {
    uuid: uuidOf(report.id),
    info: typeof r['name'] === 'string' ? r['name'] : '',
    date: published.slice(0, 10),
    timestamp: epochSeconds(report.modified),
    publish_timestamp: epochSeconds(published),
    published: true,
    analysis: '2',
    threat_level_id: '4',
    ...reachOfSharing(report.sharing, groupName),
    Orgc: { name: ownerName, uuid: uuidOf(owner) },
    Tag: [tlpTag(report.sharing), ...labels.map((name) => ({ name })), ...eventGalaxies.flatMap((g) => g.GalaxyCluster.map((c) => ({ name: c.tag_name })))],
    Galaxy: eventGalaxies,
    Attribute: attributes,
    Object: objectsOf(objects, context),
  };
}

/** Every report the reader may see, oldest first, added after `addedAfterUs` when given. */
export async function visibleReports(stix: StixStore, reader: Reader, addedAfterUs?: number): Promise<Result<StoredVersion[], Problem>> {
  const out: StoredVersion[] = [];
  let cursor: string | undefined;
  for (;;) {
    const page = await stix.list(reader, { types: ['report'], limit: 500, ...(cursor === undefined ? {} : { cursor }), ...(addedAfterUs === undefined ? {} : { addedAfterUs }) });
    if (!page.ok) return err(page.error);
    out.push(...page.value.items);
    if (page.value.nextCursor === null) return ok(out);
    cursor = page.value.nextCursor;
  }
}

/** The event of one report by its uuid, or null when the reader may not see it (exactly as when it does not exist). */
export async function eventByUuid(stix: StixStore, reader: Reader, uuid: string, options: MispExportOptions = {}): Promise<MispEventOut | null> {
  const id = parseStixId(`report--${uuid.toLowerCase()}`);
  if (!id.ok) return null;
  const report = await stix.get(reader, id.value);
  return report === null ? null : eventOfReport(stix, reader, report, options);
}
