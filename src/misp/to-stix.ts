import type { AudienceKey } from '../domain/audience.ts';
import type { ProblemDetail } from '../domain/problem.ts';
import { TLP_LEVELS, TLP_MARKING_IDS, type Tlp } from '../domain/tlp.ts';
import { uuidV5 } from '../domain/uuid.ts';
import { intOf, isIds, isoOf, isTechniqueTag, labelsOf, MISP_NAMESPACE, reachOf, stricterOf, stixUuid } from './misp-items.ts';
import { badValue, concretePath, mappingOf, splitValue, stixValue } from './attribute-types.ts';
import { observablesOf, patternOf, type PathValue } from './observables.ts';
import { OBJECT_TEMPLATES, objectPattern, relationshipType, splitRoot } from './objects.ts';
import type { LocatedEvent, MispAttribute, MispEventReport, MispGalaxy, MispObject, MispSighting, MispTag } from './schema.ts';
import { decideSharing, distributionWords, narrowerReach, tlpOfTags, type Distribution, type MispReach, type SharingContext } from './sharing.ts';
import { actorOf, actorsNamed, techniquesNamed, techniqueStub, type NamedActor, type NamedTechnique, type TechniqueIndex } from './techniques.ts';

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
  /** What each MISP attribute and object (by uuid) became: the ends of object references. */
  private readonly made = new Map<string, string>();
  /** The MISP reach and TLP each object was made with: a relationship is shared no wider than either end. */
  private readonly reachOfId = new Map<string, { reach: MispReach; tlp: Tlp | null }>();
  private readonly referencesNotCarried: string[] = [];
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
    if (!this.reachOfId.has(id)) this.reachOfId.set(id, { reach, tlp });
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
    const { reach, tlp } = this.sharingOfAttribute(attr, parentReach);
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
    if (attr.uuid) this.made.set(attr.uuid.toLowerCase(), String(made['id']));
    this.relateTechniques(String(made['id']), String(made['type']), attr.Galaxy ?? [], attr.Tag ?? [], origin, reach, tlp, created, modified);
  }

  /** An attribute's reach (the narrower of its own and its container's) and TLP (the stricter of its own tag and the event's). */
  private sharingOfAttribute(attr: MispAttribute, parentReach: MispReach): { reach: MispReach; tlp: Tlp | null } {
    const reach = narrowerReach(reachOf(attr, parentReach, this.located.event) ?? parentReach, parentReach);
    const attrTlp = tlpOfTags(attr.Tag ?? []);
    return { reach, tlp: stricterOf(attrTlp, this.eventTlp) };
  }

  /**
   * A MISP object as one STIX unit (docs/misp.md, "MISP objects"): an indicator whose pattern holds its
   * to_ids attributes, an observed-data with the observables of all of them (when some are not to_ids;
   * the indicator is `based-on` it), and a note with its comment and words. The unit is shared as its
   * most narrowly shared attribute. Rules, vulnerabilities and actors inside it stay objects of their own.
   */
  private object(object: MispObject, origin: string): void {
    const event = this.located.event;
    const objectReach = narrowerReach(reachOf(object, this.eventReach, event) ?? this.eventReach, this.eventReach);
    const template = OBJECT_TEMPLATES[object.name];
    const members: { attr: MispAttribute; at: string; parts: PathValue[]; root: boolean }[] = [];
    const words: { attr: MispAttribute; line: string }[] = [];
    for (const [j, attr] of (object.Attribute ?? []).entries()) {
      if (attr.deleted === true) continue;
      const at = `${origin}.Attribute[${j}]`;
      const relation = template?.relations[attr.object_relation ?? ''];
      const mapping = mappingOf(attr.type);
      const parts = relation !== undefined ? this.partsOf(attr, [relation.path], at) : mapping?.kind === 'observable' && (mapping.patternOnly !== true || isIds(attr)) ? this.partsOf(attr, mapping.paths, at) : undefined;
      if (parts === null) continue;
      if (parts !== undefined) members.push({ attr, at, parts, root: relation !== undefined });
      else if (mapping?.kind === 'note') words.push({ attr, line: `${attr.object_relation ?? attr.type}: ${String(attr.value)}` });
      else this.attribute(attr, at, objectReach, object.name);
    }
    // Without its key (a domain-ip with no domain) the template describes no observable: each attribute stands alone.
    if (template !== undefined && !members.some((m) => m.root && template.keys.includes(m.parts[0]?.path ?? ''))) {
      for (const m of members.filter((x) => x.root)) {
        const mapping = mappingOf(m.attr.type);
        const own = mapping?.kind === 'observable' && (mapping.patternOnly !== true || isIds(m.attr)) ? this.partsOf(m.attr, mapping.paths, m.at) : null;
        if (own === null) this.notCarried.set(m.attr.type, (this.notCarried.get(m.attr.type) ?? 0) + 1);
        Object.assign(m, { parts: own ?? [], root: false });
      }
    }
    const kept = members.filter((m) => m.parts.length > 0);
    const inUnit = [...kept.map((m) => m.attr), ...words.map((w) => w.attr)];
    if (inUnit.length === 0) return;
    // One unit, one sharing: the narrowest of its attributes'.
    let reach = objectReach;
    let tlp: Tlp | null = this.eventTlp;
    const distinct = new Set<string>();
    for (const attr of inUnit) {
      const own = this.sharingOfAttribute(attr, objectReach);
      reach = narrowerReach(own.reach, reach);
      tlp = stricterOf(own.tlp, tlp);
      distinct.add(`${own.reach.distribution}|${own.reach.sharingGroup ?? ''}|${own.tlp ?? ''}`);
    }
    if (distinct.size > 1) this.notes.push({ path: origin, code: 'audience-narrowed', message: `the ${object.name} object's attributes are shared differently in MISP; Rampart keeps the object as one item, so all of it is shared as its most narrowly shared attribute` });
    const uuid = stixUuid(object.uuid, `object/${event.uuid}/${origin}`);
    const ts = intOf(object.timestamp);
    const created = ts === null ? this.eventModified : isoOf(ts);
    const modified = created > this.eventModified ? created : this.eventModified;
    const first = this.seenTime(object.first_seen, `${origin}.first_seen`) ?? created;
    const last = this.seenTime(object.last_seen, `${origin}.last_seen`) ?? first;
    const labels = [...new Set([`misp:object="${object.name}"`, ...inUnit.flatMap((a) => labelsOf(a.Tag ?? []))])];
    const name = `${object.name}: ${kept.flatMap((m) => m.parts.map((p) => p.value)).join(', ')}`.slice(0, 250);
    const units: string[] = [];
    const ids = kept.filter((m) => isIds(m.attr));
    if (ids.length > 0) {
      const pattern = objectPattern(ids.filter((m) => m.root).flatMap((m) => m.parts), ids.filter((m) => !m.root).map((m) => m.parts));
      const indicator = { ...this.common('indicator', uuid, created, modified), name, ...(object.comment ? { description: object.comment } : {}), indicator_types: ['malicious-activity'], pattern, pattern_type: 'stix', valid_from: first, labels };
      this.add(indicator, origin, reach, tlp);
      units.push(`indicator--${uuid}`);
    }
    if (ids.length < kept.length) {
      const groups = [...splitRoot(kept.filter((m) => m.root).flatMap((m) => m.parts)), ...kept.filter((m) => !m.root).map((m) => m.parts)].filter((g) => g.length > 0);
      const roots: string[] = [];
      for (const group of groups) {
        const { objects, roots: these } = observablesOf(group);
        for (const sco of objects) this.add(sco, origin, reach, tlp);
        roots.push(...these.filter((r) => !roots.includes(r)));
      }
      const observed = { ...this.common('observed-data', uuid, created, modified), first_observed: first, last_observed: last < first ? first : last, number_observed: 1, object_refs: roots, labels };
      this.add(observed, origin, reach, tlp);
      units.push(`observed-data--${uuid}`);
    }
    const [primary, observedToo] = units;
    if (primary !== undefined && observedToo !== undefined) this.relate('based-on', primary, observedToo, origin, reach, tlp, created, modified);
    const comment = object.comment ?? '';
    if (words.length > 0 || (comment !== '' && ids.length === 0)) {
      const noteUuid = uuidV5(`${uuid}|note`, MISP_NAMESPACE);
      const note = { ...this.common('note', noteUuid, created, modified), abstract: `${object.name} object${comment === '' ? '' : `: ${comment}`}`.slice(0, 250), content: words.length > 0 ? words.map((w) => w.line).join('\n') : comment, object_refs: units.length > 0 ? [...units] : [this.reportId], labels };
      this.add(note, origin, reach, tlp);
      units.push(`note--${noteUuid}`);
    }
    this.refs.push(...units);
    const unit = units[0];
    if (unit === undefined) return;
    if (object.uuid) this.made.set(object.uuid.toLowerCase(), unit);
    for (const attr of inUnit) {
      if (attr.uuid) this.made.set(attr.uuid.toLowerCase(), unit);
      this.relateTechniques(unit, unit.slice(0, unit.indexOf('--')), attr.Galaxy ?? [], attr.Tag ?? [], origin, reach, tlp, created, modified);
    }
  }

  /** MISP object references as relationships between what their ends became, shared no wider than either end. */
  private references(object: MispObject, origin: string): void {
    const event = this.located.event;
    for (const [k, ref] of (object.ObjectReference ?? []).entries()) {
      if (ref.deleted === true) continue;
      const at = `${origin}.ObjectReference[${k}]`;
      const from = this.made.get((object.uuid ?? '').toLowerCase());
      const to = this.made.get(ref.referenced_uuid.toLowerCase());
      const ends = from === undefined || to === undefined ? undefined : [this.reachOfId.get(from), this.reachOfId.get(to)];
      if (from === undefined || to === undefined || ends?.[0] === undefined || ends[1] === undefined) {
        this.referencesNotCarried.push(at);
        continue;
      }
      const ts = intOf(ref.timestamp);
      const created = ts === null ? this.eventModified : isoOf(ts);
      const id = `relationship--${stixUuid(ref.uuid, `reference/${event.uuid}/${at}`)}`;
      const relationship = { ...this.common('relationship', id.slice('relationship--'.length), created, created > this.eventModified ? created : this.eventModified), relationship_type: relationshipType(ref.relationship_type), source_ref: from, target_ref: to, ...(ref.comment ? { description: ref.comment } : {}) };
      this.add(relationship, at, narrowerReach(ends[0].reach, ends[1].reach), stricterOf(ends[0].tlp, ends[1].tlp));
      this.refs.push(id);
    }
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

  /** The threat-actor or intrusion-set a galaxy cluster names: the knowledge base's intrusion-set with its ATT&CK group id, else one of the importer's own. */
  private actor(named: NamedActor, origin: string, reach: MispReach, tlp: Tlp | null, modified: string): string {
    const known = named.type === 'intrusion-set' && named.externalId !== undefined ? this.context.techniques.findGroup?.(named.externalId) : undefined;
    if (known !== undefined) return known.id;
    const made = actorOf(named, this.context.owner, modified);
    this.add(made, origin, reach, tlp);
    return made.id;
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
    // Threat actors and intrusion sets named on the attribute: the indicator indicates them, anything else is related to them.
    for (const named of actorsNamed(galaxies, tags)) {
      const target = this.actor(named, origin, reach, tlp, modified);
      this.relate(fromType === 'indicator' ? 'indicates' : 'related-to', from, target, origin, reach, tlp, created, modified);
    }
  }

  /**
   * MISP sightings of the event's attributes (docs/misp.md, "Sightings"): a sighting (type 0) of an attribute that
   * became an indicator is a STIX `sighting` of it; a false positive (type 1) an `opinion` that strongly disagrees
   * with it; each shared as the indicator. Expirations (type 2) and sightings of anything else are counted as not carried.
   */
  private sightings(): void {
    const { event, path } = this.located;
    const all: { s: MispSighting; attrUuid: string | null; at: string }[] = [];
    const ofAttribute = (attr: MispAttribute, at: string) => {
      for (const [k, s] of (attr.Sighting ?? []).entries()) all.push({ s, attrUuid: attr.uuid ?? s.attribute_uuid ?? null, at: `${at}.Sighting[${k}]` });
    };
    for (const [i, attr] of (event.Attribute ?? []).entries()) if (attr.deleted !== true) ofAttribute(attr, `${path}.Attribute[${i}]`);
    for (const [i, object] of (event.Object ?? []).entries()) {
      if (object.deleted === true) continue;
      for (const [j, attr] of (object.Attribute ?? []).entries()) if (attr.deleted !== true) ofAttribute(attr, `${path}.Object[${i}].Attribute[${j}]`);
    }
    for (const [k, s] of (event.Sighting ?? []).entries()) all.push({ s, attrUuid: s.attribute_uuid ?? null, at: `${path}.Sighting[${k}]` });
    const left = { expiration: 0, notIndicator: 0 };
    let firstLeft: string | null = null;
    const done = new Set<string>();
    for (const { s, attrUuid, at } of all) {
      const kind = intOf(s.type) ?? 0;
      const target = attrUuid === null ? undefined : this.made.get(attrUuid.toLowerCase());
      const ends = target === undefined ? undefined : this.reachOfId.get(target);
      if (kind === 2 || target === undefined || ends === undefined || !target.startsWith('indicator--')) {
        if (kind === 2) left.expiration++;
        else left.notIndicator++;
        firstLeft ??= at;
        continue;
      }
      const seconds = intOf(s.date_sighting) ?? 0;
      const when = seconds > 0 ? isoOf(seconds) : this.eventModified;
      const uuid = stixUuid(s.uuid, `sighting/${event.uuid}/${at}`);
      if (done.has(uuid)) continue;
      done.add(uuid);
      const by = s.Organisation?.name ? ` by ${s.Organisation.name}` : '';
      const source = s.source ? ` (source: ${s.source})` : '';
      if (kind === 1) {
        const opinion = { ...this.common('opinion', uuid, when, when), opinion: 'strongly-disagree', explanation: `Reported as a false positive in MISP${by}${source}`.slice(0, 5000), object_refs: [target], labels: ['misp:sighting="false-positive"'] };
        this.add(opinion, at, ends.reach, ends.tlp);
        this.refs.push(`opinion--${uuid}`);
      } else {
        const sighting = { ...this.common('sighting', uuid, when, when), sighting_of_ref: target, first_seen: when, last_seen: when, count: 1, description: `Sighted in MISP${by}${source}`.slice(0, 5000), labels: ['misp:sighting="sighting"'] };
        this.add(sighting, at, ends.reach, ends.tlp);
        this.refs.push(`sighting--${uuid}`);
      }
    }
    const n = left.expiration + left.notIndicator;
    if (n > 0) {
      const why = [left.notIndicator > 0 ? `${left.notIndicator} of attributes that are not indicators here (to_ids false, a left-out type, or not in this event): a STIX sighting is of an indicator` : '', left.expiration > 0 ? `${left.expiration} expiration${left.expiration === 1 ? '' : 's'} (MISP sighting type 2): STIX has no form for them` : ''].filter((w) => w !== '');
      this.notes.push({ path: firstLeft ?? path, code: 'not-carried', message: `${n} MISP sighting${n === 1 ? ' was' : 's were'} left out: ${why.join('; ')}` });
    }
  }

  /**
   * MISP event reports (docs/misp.md, "Event reports"): each a STIX `note` about the report, holding the report's
   * name and its Markdown as MISP wrote it, and about every item of the event its `@[attribute](uuid)` and
   * `@[object](uuid)` mentions name that Rampart carried; shared by the event report's own distribution.
   */
  private eventReports(): void {
    const { event, path } = this.located;
    for (const [i, er] of (event.EventReport ?? []).entries()) {
      if (er.deleted === true) continue;
      const at = `${path}.EventReport[${i}]`;
      const reach = narrowerReach(reachOf(er, this.eventReach, event) ?? this.eventReach, this.eventReach);
      const uuid = stixUuid(er.uuid, `event-report/${event.uuid}/${at}`);
      const ts = intOf(er.timestamp);
      const created = ts === null ? this.eventModified : isoOf(ts);
      const modified = created > this.eventModified ? created : this.eventModified;
      const note = { ...this.common('note', uuid, created, modified), abstract: (er.name.trim() === '' ? 'MISP event report' : er.name).slice(0, 250), content: er.content ?? '', object_refs: [this.reportId, ...mentionsOf(er).flatMap((m) => this.made.get(m) ?? []).filter((id, k, all) => all.indexOf(id) === k)], labels: ['misp:event-report'] };
      this.add(note, at, reach, this.eventTlp);
      this.refs.push(`note--${uuid}`);
    }
  }

  /** Proposals (MISP's ShadowAttribute) are changes the event's creator has not accepted: counted in the notes, not carried. */
  private proposals(): void {
    const { event, path } = this.located;
    const attributes = [...(event.Attribute ?? []), ...(event.Object ?? []).flatMap((o) => o.Attribute ?? [])];
    const n = (event.ShadowAttribute ?? []).length + attributes.reduce((sum, a) => sum + (a.ShadowAttribute ?? []).length, 0);
    if (n > 0) this.notes.push({ path, code: 'not-carried', message: `${n} MISP proposal${n === 1 ? ' was' : 's were'} left out: a proposal is a change the event's creator has not accepted, so it is not part of what the event says` });
  }

  convert(): void {
    const { event, path } = this.located;
    for (const [i, attr] of (event.Attribute ?? []).entries()) this.attribute(attr, `${path}.Attribute[${i}]`, this.eventReach, null);
    const objects = (event.Object ?? []).map((object, i) => ({ object, at: `${path}.Object[${i}]` })).filter((o) => o.object.deleted !== true);
    for (const { object, at } of objects) this.object(object, at);
    // After every object, so that a reference may point at one further down the event.
    for (const { object, at } of objects) this.references(object, at);
    this.sightings();
    this.eventReports();
    this.proposals();
    // Threat actors and intrusion sets the event's galaxy clusters name: the report holds them, and they use the event's techniques.
    for (const named of actorsNamed(event.Galaxy ?? [], event.Tag ?? [])) {
      const id = this.actor(named, path, this.eventReach, this.eventTlp, this.eventModified);
      this.refs.push(id);
      this.actors.push({ id, origin: path, reach: this.eventReach, tlp: this.eventTlp });
    }
    if (this.referencesNotCarried.length > 0) {
      const n = this.referencesNotCarried.length;
      this.notes.push({ path: this.referencesNotCarried[0] ?? path, code: 'not-carried', message: `${n} object reference${n === 1 ? '' : 's'} point${n === 1 ? 's' : ''} at something Rampart did not carry (a left-out type, a deleted item, or nothing in this event), so ${n === 1 ? 'it was' : 'they were'} left out` });
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
      const counts = [...this.notCarried].map(([type, n]) => `${n} ${type} attribute${n === 1 ? '' : 's'}`);
      const list = counts.length === 1 ? (counts[0] ?? '') : `${counts.slice(0, -1).join(', ')} and ${counts.at(-1) ?? ''}`;
      this.notes.push({ path, code: 'not-carried', message: `${list} ${this.notCarried.size === 1 && [...this.notCarried.values()][0] === 1 ? 'was' : 'were'} left out: Rampart has no STIX form for ${this.notCarried.size === 1 ? 'that type' : 'those types'} (docs/misp.md lists the types it carries)` });
    }
  }
}

/** The attribute and object uuids an event report mentions (`@[attribute](uuid)`, `@[object](uuid)`), lower-cased. */
export function mentionsOf(er: MispEventReport): string[] {
  return [...(er.content ?? '').matchAll(/@\[(?:attribute|object)\]\(([0-9a-fA-F-]{36})\)/g)].map((m) => (m[1] ?? '').toLowerCase());
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
