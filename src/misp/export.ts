import { parseStixId, type StixId } from '../domain/ids.ts';
import type { Reader, Sharing, StixStore, StoredVersion } from '../store/types.ts';
import { objectsOf } from './objects-out.ts';
import { attributesOf, epochSeconds, eventReportOf, isEventReportNote, sightingOf, galaxyOfTechnique, reachOfSharing, tlpTag, uuidOf, type AttributeContext, type MispAttributeOut, type MispEventOut, type MispGalaxyOut, type MispSightingOut } from './from-stix.ts';

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

export async function visibleByIds(stix: StixStore, reader: Reader, ids: readonly string[]): Promise<Map<string, StoredVersion>> {
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

export const refsOf = (o: Record<string, unknown>, key: string): string[] => (Array.isArray(o[key]) ? (o[key] as unknown[]).map(String) : []);

/**
 * What an event is made around: a report, an incident, or a group of indicators no report holds. Its
 * sharing is the event's distribution and TLP; `selfId` is the STIX object whose own techniques are the
 * event's galaxies.
 */
export interface EventHead {
  readonly uuid: string;
  readonly info: string;
  readonly published: string;
  readonly modified: string | null;
  readonly sharing: Sharing;
  readonly owner: string;
  readonly tags: readonly string[];
  readonly selfId: string | null;
  readonly head: readonly StoredVersion[];
  readonly attributes?: (context: AttributeContext) => MispAttributeOut[];
}

/** The MISP event of a head the reader may see, holding the objects `refIds` names that the reader may also see. */
export async function eventOf(stix: StixStore, reader: Reader, head: EventHead, refIds: readonly string[], options: MispExportOptions = {}): Promise<MispEventOut> {
  const groupName = options.groupName ?? ((uuid: string) => `Rampart sharing group ${uuid}`);
  const refs = await visibleByIds(stix, reader, refIds);
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
    // The head's own techniques (and the ones its actors use) are the event's galaxies, below.
    if (g === undefined || source === head.selfId || rel['relationship_type'] === 'uses') continue;
    galaxies.set(source, [...(galaxies.get(source) ?? []), g]);
    named.add(String(rel['target_ref']));
  }
  options.onServed?.([...head.head, ...objects, ...observables.values(), ...pointed.values()]);
  const context = { groupName, observables: observableJson, galaxies };
  const attributes = [...(head.attributes?.(context) ?? []), ...objects.flatMap((v) => attributesOf(v, context))];
  const reports = objects.filter(isEventReportNote).map((v) => eventReportOf(v, groupName));
  const eventGalaxies = [...techniques].filter(([id]) => !named.has(id)).map(([, g]) => g);
  const ownerId = parseStixId(head.owner);
  const identity = ownerId.ok ? await stix.get(reader, ownerId.value) : null;
  const identityName = identity === null ? undefined : (JSON.parse(identity.json) as Record<string, unknown>)['name'];
  const ownerName = typeof identityName === 'string' ? identityName : 'Rampart member organization';
  // The event's sightings and false positives go on the attributes of the indicators they are about.
  const sightings = new Map<string, MispSightingOut[]>();
  for (const v of objects) {
    const s = sightingOf(v, (owner) => (owner === head.owner ? ownerName : 'Rampart member organization'));
    if (s !== null) sightings.set(s.attribute_uuid, [...(sightings.get(s.attribute_uuid) ?? []), s]);
  }
  for (const a of attributes) {
    const s = sightings.get(a.uuid);
    if (s !== undefined) a.Sighting = s;
  }
  return {
    uuid: head.uuid,
    info: head.info,
    date: head.published.slice(0, 10),
    timestamp: epochSeconds(head.modified),
    publish_timestamp: epochSeconds(head.published),
    published: true,
    analysis: '2',
    threat_level_id: '4',
    ...reachOfSharing(head.sharing, groupName),
    Orgc: { name: ownerName, uuid: uuidOf(head.owner) },
    Tag: [tlpTag(head.sharing), ...head.tags.map((name) => ({ name })), ...eventGalaxies.flatMap((g) => g.GalaxyCluster.map((c) => ({ name: c.tag_name })))],
    Galaxy: eventGalaxies,
    Attribute: attributes,
    Object: objectsOf(objects, context),
    ...(reports.length === 0 ? {} : { EventReport: reports }),
  };
}

/** The MISP event of a report the reader may see: the objects it refers to. */
export function eventOfReport(stix: StixStore, reader: Reader, report: StoredVersion, options: MispExportOptions = {}): Promise<MispEventOut> {
  const r = JSON.parse(report.json) as Record<string, unknown>;
  const head: EventHead = {
    uuid: uuidOf(report.id),
    info: typeof r['name'] === 'string' ? r['name'] : '',
    published: typeof r['published'] === 'string' ? r['published'] : (report.modified ?? '1970-01-01T00:00:00Z'),
    modified: report.modified,
    sharing: report.sharing,
    owner: typeof r['created_by_ref'] === 'string' ? r['created_by_ref'] : report.sharing.owner,
    tags: refsOf(r, 'labels'),
    selfId: report.id,
    head: [report],
  };
  return eventOf(stix, reader, head, refsOf(r, 'object_refs'), options);
}
