import type { AudienceKey } from '../domain/audience.ts';
import type { ProblemDetail } from '../domain/problem.ts';
import { TLP_LEVELS, TLP_MARKING_IDS, type Tlp } from '../domain/tlp.ts';
import { uuidV5 } from '../domain/uuid.ts';
import { badValue, concretePath, mappingOf, splitValue, stixValue } from './attribute-types.ts';
import { observablesOf, patternOf, type PathValue } from './observables.ts';
import type { LocatedEvent, MispAttribute, MispEvent, MispGalaxy, MispTag } from './schema.ts';
import { decideSharing, distributionWords, narrowerReach, stricterTlp, tlpOfTags, type Distribution, type MispReach, type SharingContext } from './sharing.ts';
import { techniquesNamed, techniqueStub, type NamedTechnique, type TechniqueIndex } from './techniques.ts';

/** Namespace of ids Rampart derives for MISP items whose uuid STIX cannot use. */
const MISP_NAMESPACE = 'a1f4c3d2-7b1e-5c0a-9e6f-3d2b1a0c9e8f';
const STIX_UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[1-5][0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/;

export interface ConvertContext extends SharingContext {
  readonly techniques: TechniqueIndex;
  /** The distribution of an event that states none (feed files leave it out); 0 unless the importer says otherwise. */
  readonly defaultDistribution: Distribution;
  /** Time of objects whose event has no timestamp or date. */
  readonly now: Date;
}

/** What the import report says besides the counts: where sharing was narrowed, what was not carried. */
export type ImportNote = ProblemDetail;

export interface Converted {
  /** STIX objects in bundle order, each with the MISP path it came from. */
  readonly objects: readonly { readonly object: Record<string, unknown>; readonly origin: string }[];
  /** The audience of every object, by id. */
  readonly audience: ReadonlyMap<string, readonly AudienceKey[]>;
  readonly notes: readonly ImportNote[];
  /** Value problems (a `filename|md5` without its `|`…): the file stores nothing when there is one. */
  readonly problems: readonly ProblemDetail[];
}

const isoOf = (seconds: number): string => new Date(seconds * 1000).toISOString();
const intOf = (v: string | number | null | undefined): number | null => (v === null || v === undefined ? null : Number(v));

function stixUuid(raw: string | null | undefined, fallbackName: string): string {
  const lower = (raw ?? '').toLowerCase();
  return STIX_UUID.test(lower) ? lower : uuidV5(fallbackName, MISP_NAMESPACE);
}

function reachOf(item: { distribution?: string | number | null; sharing_group_id?: string | number | null; SharingGroup?: { uuid?: string | null } | null }, parent: MispReach | null, event: MispEvent): MispReach | null {
  const d = intOf(item.distribution);
  if (d === null || d === 5) return parent;
  if (d < 0 || d > 4) return null;
  if (d !== 4) return { distribution: d as Distribution, sharingGroup: null };
  const sameAsEvent = item.sharing_group_id !== undefined && item.sharing_group_id !== null && String(item.sharing_group_id) === String(event.sharing_group_id ?? '');
  return { distribution: 4, sharingGroup: item.SharingGroup?.uuid ?? (sameAsEvent ? (event.SharingGroup?.uuid ?? null) : null) };
}

const isIds = (attr: MispAttribute): boolean => attr.to_ids === true || attr.to_ids === '1';
const isTechniqueTag = (name: string): boolean => /^misp-galaxy:[^=]*(attack-pattern|technique)[^=]*=/.test(name);
const labelsOf = (tags: readonly MispTag[]): string[] => tags.map((t) => t.name).filter((n) => !n.toLowerCase().startsWith('tlp:') && !isTechniqueTag(n));

class EventConverter {
  readonly objects: { object: Record<string, unknown>; origin: string }[] = [];
  readonly audience = new Map<string, readonly AudienceKey[]>();
  readonly notes: ImportNote[] = [];
  readonly problems: ProblemDetail[] = [];
  private readonly seen = new Map<string, number>();
  private readonly tlpOfId = new Map<string, Tlp>();
  private readonly narrowed = new Map<string, { path: string; count: number }>();
  private readonly notCarried = new Map<string, number>();
  private readonly refs: string[] = [];
  /** Threat actors and campaigns made from the event's attributes: they use the techniques the event names. */
  private readonly actors: { id: string; origin: string; reach: MispReach; tlp: Tlp | null }[] = [];
  private readonly reportId: string;
  private readonly eventModified: string;
  private readonly eventReach: MispReach;
  private readonly eventTlp: Tlp | null;

  constructor(
    private readonly located: LocatedEvent,
    private readonly context: ConvertContext,
  ) {
    const event = located.event;
    this.reportId = `report--${stixUuid(event.uuid, `event/${event.uuid}`)}`;
    const ts = intOf(event.timestamp);
    this.eventModified = ts !== null ? isoOf(ts) : event.date !== undefined && event.date !== null ? `${event.date}T00:00:00.000Z` : context.now.toISOString();
    const stated = reachOf(event, null, event);
    if (stated === null) this.notes.push({ path: located.path, code: 'no-distribution', message: `the event states no distribution, so it is read as ${distributionWords(context.defaultDistribution)}` });
    this.eventReach = stated ?? { distribution: context.defaultDistribution, sharingGroup: null };
    this.eventTlp = tlpOfTags(event.Tag ?? []);
  }

  private add(object: Record<string, unknown>, origin: string, reach: MispReach, tlp: Tlp | null): void {
    const id = String(object['id']);
    const decision = decideSharing(reach, tlp, this.context);
    if (decision.narrowed !== null) {
      const n = this.narrowed.get(decision.narrowed);
      if (n === undefined) this.narrowed.set(decision.narrowed, { path: origin, count: 1 });
      else n.count++;
    }
    const marked = { ...object, object_marking_refs: [TLP_MARKING_IDS[decision.tlp]] };
    const at = this.seen.get(id);
    if (at !== undefined) {
      // The same observable under two attributes: it keeps the sharing of the one its owner shared most widely.
      const before = this.tlpOfId.get(id) ?? 'red';
      if (TLP_LEVELS.indexOf(decision.tlp) < TLP_LEVELS.indexOf(before)) {
        this.objects[at] = { object: marked, origin };
        this.audience.set(id, decision.audience);
        this.tlpOfId.set(id, decision.tlp);
      }
      return;
    }
    this.seen.set(id, this.objects.length);
    this.tlpOfId.set(id, decision.tlp);
    this.objects.push({ object: marked, origin });
    this.audience.set(id, decision.audience);
  }

  private common(type: string, uuid: string, created: string, modified: string): Record<string, unknown> {
    return { type, spec_version: '2.1', id: `${type}--${uuid}`, created, modified, created_by_ref: this.context.owner };
  }

  private attribute(attr: MispAttribute, origin: string, parentReach: MispReach, objectName: string | null): void {
    if (attr.deleted === true) return;
    const event = this.located.event;
    const mapping = mappingOf(attr.type);
    if (mapping === null) {
      this.notCarried.set(attr.type, (this.notCarried.get(attr.type) ?? 0) + 1);
      return;
    }
    const reach = narrowerReach(reachOf(attr, parentReach, event) ?? parentReach, parentReach);
    const attrTlp = tlpOfTags(attr.Tag ?? []);
    const tlp = attrTlp === null ? this.eventTlp : this.eventTlp === null ? attrTlp : stricterTlp(attrTlp, this.eventTlp);
    const uuid = stixUuid(attr.uuid, `attribute/${event.uuid}/${origin}`);
    const ts = intOf(attr.timestamp);
    const created = ts === null ? this.eventModified : isoOf(ts);
    const modified = created > this.eventModified ? created : this.eventModified;
    const value = String(attr.value);
    const labels = [`misp:type="${attr.type}"`, ...(attr.category ? [`misp:category="${attr.category}"`] : []), ...(objectName === null ? [] : [`misp:object="${objectName}"`]), ...labelsOf(attr.Tag ?? [])];
    const description = attr.comment ? { description: attr.comment } : {};
    const name = `${objectName === null ? '' : `${objectName} `}${attr.type}: ${value}`.slice(0, 250);
    let made: Record<string, unknown>;
    switch (mapping.kind) {
      case 'observable': {
        const parts = this.partsOf(attr, mapping.paths, origin);
        if (parts === null) return;
        if (mapping.patternOnly === true && !isIds(attr)) {
          made = this.noteOf(attr, uuid, created, modified, labels, [this.reportId]);
          break;
        }
        const first = this.seenTime(attr.first_seen, `${origin}.first_seen`) ?? created;
        const lastSeen = this.seenTime(attr.last_seen, `${origin}.last_seen`) ?? first;
        if (isIds(attr)) {
          const validFrom = first;
          made = { ...this.common('indicator', uuid, created, modified), name, ...description, indicator_types: ['malicious-activity'], pattern: patternOf(parts), pattern_type: 'stix', valid_from: validFrom, labels };
        } else {
          const { objects, roots } = observablesOf(parts);
          for (const sco of objects) this.add(sco, origin, reach, tlp);
          made = { ...this.common('observed-data', uuid, created, modified), first_observed: first, last_observed: lastSeen < first ? first : lastSeen, number_observed: 1, object_refs: roots, labels };
        }
        break;
      }
      case 'rule':
        made = { ...this.common('indicator', uuid, created, modified), name, ...description, pattern: value, pattern_type: mapping.patternType, valid_from: created, labels };
        break;
      case 'vulnerability':
        made = { ...this.common('vulnerability', uuid, created, modified), name: value.slice(0, 250), ...description, labels, ...(/^CVE-\d{4}-\d+$/i.test(value) ? { external_references: [{ source_name: 'cve', external_id: value.toUpperCase() }] } : {}) };
        break;
      case 'note':
        made = this.noteOf(attr, uuid, created, modified, labels, [this.reportId]);
        break;
      case 'actor':
        made = { ...this.common(mapping.sdo, uuid, created, modified), name: value.slice(0, 250), ...description, labels };
        this.actors.push({ id: String(made['id']), origin, reach, tlp });
        break;
    }
    this.add(made, origin, reach, tlp);
    this.refs.push(String(made['id']));
    this.relateTechniques(String(made['id']), String(made['type']), attr.Galaxy ?? [], attr.Tag ?? [], origin, reach, tlp, created, modified);
  }

  /** The `path = value` parts of an observable attribute, or null (and a problem of the file) when its value does not fit its type. */
  private partsOf(attr: MispAttribute, paths: readonly string[], origin: string): PathValue[] | null {
    const value = String(attr.value);
    const values = splitValue(attr.type, value);
    if (values.length !== paths.length) {
      this.problems.push({ path: `${origin}.value`, code: 'invalid-misp-value', message: `a ${attr.type} value has ${paths.length} parts separated by "|"; got ${JSON.stringify(value.slice(0, 80))}` });
      return null;
    }
    const parts = paths.map((p, i) => {
      const path = concretePath(p, values[i] ?? '');
      return { path, value: stixValue(path, values[i] ?? '') };
    });
    for (const part of parts) {
      const bad = badValue(part.path, part.value);
      if (bad !== null) {
        this.problems.push({ path: `${origin}.value`, code: 'invalid-misp-value', message: `in a ${attr.type} value, ${bad}` });
        return null;
      }
    }
    return parts;
  }

  private noteOf(attr: MispAttribute, uuid: string, created: string, modified: string, labels: readonly string[], about: readonly string[]): Record<string, unknown> {
    return { ...this.common('note', uuid, created, modified), abstract: `${attr.type}${attr.comment ? `: ${attr.comment}` : ''}`.slice(0, 250), content: String(attr.value), object_refs: about, labels };
  }

  /** A MISP first_seen / last_seen as a STIX timestamp; a value that is no time is a problem of the file. */
  private seenTime(value: string | null | undefined, path: string): string | null {
    if (value === null || value === undefined || value === '') return null;
    const ms = Date.parse(value);
    if (Number.isNaN(ms)) {
      this.problems.push({ path, code: 'invalid-misp-value', message: `${JSON.stringify(value.slice(0, 60))} is not a time; MISP writes first_seen and last_seen like 2026-10-20T13:00:00.000000+00:00` });
      return null;
    }
    return new Date(ms).toISOString();
  }

  /**
   * The attack-pattern a named technique is: the knowledge base's when it has that framework's external id,
   * otherwise a stub of the importer's own that names it (its id derived from owner and external id, so every
   * event that names it finds the same one).
   */
  private technique(named: NamedTechnique, origin: string, reach: MispReach, tlp: Tlp | null, modified: string): string {
    const known = this.context.techniques.find(named.source, named.externalId);
    if (known !== undefined) return known.id;
    const stub = techniqueStub(named, this.context.owner, modified);
    if (!this.seen.has(stub.id)) this.notes.push({ path: origin, code: 'technique-not-in-knowledge-base', message: `${named.label} (${named.externalId}) is not in the built-in knowledge base, so it was recorded as an attack-pattern of your own naming ${named.externalId}` });
    this.add(stub, origin, reach, tlp);
    return stub.id;
  }

  private relate(kind: string, from: string, to: string, origin: string, reach: MispReach, tlp: Tlp | null, created: string, modified: string): void {
    const id = `relationship--${uuidV5(`${from}|${kind}|${to}`, MISP_NAMESPACE)}`;
    this.add({ type: 'relationship', spec_version: '2.1', id, created, modified, created_by_ref: this.context.owner, relationship_type: kind, source_ref: from, target_ref: to }, origin, reach, tlp);
    this.refs.push(id, to);
  }

  private relateTechniques(from: string, fromType: string, galaxies: readonly MispGalaxy[], tags: readonly MispTag[], origin: string, reach: MispReach, tlp: Tlp | null, created: string, modified: string): void {
    for (const named of techniquesNamed(galaxies, tags)) {
      const target = this.technique(named, origin, reach, tlp, modified);
      this.relate(fromType === 'indicator' ? 'indicates' : 'related-to', from, target, origin, reach, tlp, created, modified);
    }
  }

  convert(): void {
    const { event, path } = this.located;
    for (const [i, attr] of (event.Attribute ?? []).entries()) this.attribute(attr, `${path}.Attribute[${i}]`, this.eventReach, null);
    for (const [i, object] of (event.Object ?? []).entries()) {
      if (object.deleted === true) continue;
      const objectReach = narrowerReach(reachOf(object, this.eventReach, event) ?? this.eventReach, this.eventReach);
      for (const [j, attr] of (object.Attribute ?? []).entries()) this.attribute(attr, `${path}.Object[${i}].Attribute[${j}]`, objectReach, object.name);
    }
    // Techniques the event names: the report is related to each, and the actors and campaigns the event names use them.
    for (const named of techniquesNamed(event.Galaxy ?? [], event.Tag ?? [])) {
      const target = this.technique(named, path, this.eventReach, this.eventTlp, this.eventModified);
      this.relate('related-to', this.reportId, target, path, this.eventReach, this.eventTlp, this.eventModified, this.eventModified);
      for (const actor of this.actors) this.relate('uses', actor.id, target, actor.origin, actor.reach, actor.tlp, this.eventModified, this.eventModified);
    }
    const refs = [...new Set(this.refs)];
    if (refs.length === 0) {
      this.problems.push({ path, code: 'empty-misp-event', message: `event ${event.uuid} has no attribute Rampart can carry (types: ${[...this.notCarried.keys()].join(', ') || 'none'}); a STIX report needs at least one object, so leave this event out` });
      return;
    }
    const clusterLabels = (event.Galaxy ?? []).flatMap((g) => (g.GalaxyCluster ?? []).map((c) => c.tag_name ?? '')).filter((n) => n !== '' && !isTechniqueTag(n));
    const labels = [...new Set([...labelsOf(event.Tag ?? []), ...clusterLabels])];
    const published = event.date ? `${event.date}T00:00:00Z` : this.eventModified;
    const report = {
      ...this.common('report', this.reportId.slice('report--'.length), this.eventModified, this.eventModified),
      name: event.info.trim() === '' ? `MISP event ${event.uuid}` : event.info.slice(0, 1000),
      report_types: ['threat-report'],
      published,
      object_refs: refs,
      ...(labels.length === 0 ? {} : { labels }),
      external_references: [{ source_name: 'misp', external_id: event.uuid, ...(event.Orgc ? { description: `MISP event by ${event.Orgc.name}` } : {}) }],
    };
    this.add(report, path, this.eventReach, this.eventTlp);
    for (const [message, { path: at, count }] of this.narrowed) this.notes.push({ path: at, code: 'audience-narrowed', message: count > 1 ? `${message} (${count} objects)` : message });
    if (this.notCarried.size > 0) {
      const list = [...this.notCarried].map(([type, n]) => `${n} ${type}`).join(', ');
      this.notes.push({ path, code: 'not-carried', message: `attributes of types Rampart does not map to STIX were left out: ${list} (docs/misp.md lists the types it carries)` });
    }
  }
}

/** Converts MISP events to STIX 2.1 objects with their sharing, ready for the bundle import pipeline. */
export function mispToStix(events: readonly LocatedEvent[], context: ConvertContext): Converted {
  const objects: { object: Record<string, unknown>; origin: string }[] = [];
  const audience = new Map<string, readonly AudienceKey[]>();
  const notes: ImportNote[] = [];
  const problems: ProblemDetail[] = [];
  for (const located of events) {
    const c = new EventConverter(located, context);
    c.convert();
    for (const item of c.objects) {
      const id = String(item.object['id']);
      // An observable two events both hold is written once, with the sharing of the first.
      if (audience.has(id)) continue;
      objects.push(item);
      audience.set(id, c.audience.get(id) ?? []);
    }
    notes.push(...c.notes);
    problems.push(...c.problems);
  }
  return { objects, audience, notes, problems };
}
