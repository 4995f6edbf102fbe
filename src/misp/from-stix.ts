import { audienceKind } from '../domain/audience.ts';
import { uuidV5 } from '../domain/uuid.ts';
import { comparisonsOf, formatPath, parsePattern } from '../stix/pattern/index.ts';
import type { Sharing, StoredVersion } from '../store/types.ts';
import { mappingOf, mispTypeOfPair, mispTypeOfPath, normalPath } from './attribute-types.ts';
import type { PathValue } from './observables.ts';

/** One MISP attribute as Rampart writes it (MISP's own JSON: numbers as strings). */
export interface MispAttributeOut {
  uuid: string;
  type: string;
  category: string;
  value: string;
  to_ids: boolean;
  distribution: string;
  sharing_group_id: string;
  SharingGroup?: { uuid: string; name: string };
  comment: string;
  timestamp: string;
  deleted: false;
  disable_correlation: false;
  object_relation: null;
  Tag: { name: string }[];
  Galaxy: MispGalaxyOut[];
  /** Sightings (type 0) and false positives (type 1) of the indicator the attribute came from, when the event holds them. */
  Sighting?: MispSightingOut[];
}

/** A MISP sighting as Rampart writes it, from a STIX sighting or a false-positive opinion. */
export interface MispSightingOut {
  uuid: string;
  type: '0' | '1';
  date_sighting: string;
  source: string;
  attribute_uuid: string;
  Organisation?: { uuid: string; name: string };
}

/**
 * A STIX sighting of an indicator (type 0), or an opinion labelled `misp:sighting="false-positive"` that strongly
 * disagrees with one (type 1), as the MISP sighting of that indicator's attribute; null for anything else.
 */
export function sightingOf(version: StoredVersion, orgName: (owner: string) => string): MispSightingOut | null {
  const o = JSON.parse(version.json) as Record<string, unknown>;
  const owner = typeof o['created_by_ref'] === 'string' ? o['created_by_ref'] : version.sharing.owner;
  // One made from a MISP sighting names MISP's organisation and source in its words (to-stix.ts): they go back as they came.
  const words = (text: unknown, lead: string): { Organisation?: { uuid: string; name: string }; source: string } => {
    const m = typeof text === 'string' ? new RegExp(`^${lead}(?: by (.+?))?(?: \\(source: (.*)\\))?$`, 's').exec(text) : null;
    if (m === null) return { Organisation: { uuid: uuidOf(owner), name: orgName(owner) }, source: '' };
    return { ...(m[1] === undefined ? {} : { Organisation: { uuid: uuidOf(owner), name: m[1] } }), source: m[2] ?? '' };
  };
  if (version.type === 'sighting' && typeof o['sighting_of_ref'] === 'string' && o['sighting_of_ref'].startsWith('indicator--')) {
    const when = typeof o['last_seen'] === 'string' ? o['last_seen'] : typeof o['first_seen'] === 'string' ? o['first_seen'] : version.modified;
    return { uuid: uuidOf(version.id), type: '0', date_sighting: seconds(when), attribute_uuid: uuidOf(o['sighting_of_ref']), ...words(o['description'], 'Sighted in MISP') };
  }
  const about = Array.isArray(o['object_refs']) ? (o['object_refs'] as unknown[]).filter((r): r is string => typeof r === 'string' && r.startsWith('indicator--')) : [];
  if (version.type === 'opinion' && o['opinion'] === 'strongly-disagree' && labelsOfObject(o).includes('misp:sighting="false-positive"') && about.length === 1) {
    return { uuid: uuidOf(version.id), type: '1', date_sighting: seconds(version.modified), attribute_uuid: uuidOf(about[0] ?? ''), ...words(o['explanation'], 'Reported as a false positive in MISP') };
  }
  return null;
}

export interface MispGalaxyOut {
  type: string;
  name: string;
  GalaxyCluster: { type: string; value: string; tag_name: string; meta: { external_id: string[] } }[];
}

export interface MispEventOut {
  uuid: string;
  info: string;
  date: string;
  timestamp: string;
  publish_timestamp: string;
  published: true;
  analysis: string;
  threat_level_id: string;
  distribution: string;
  sharing_group_id: string;
  SharingGroup?: { uuid: string; name: string };
  Orgc: { name: string; uuid: string };
  Tag: { name: string }[];
  Galaxy: MispGalaxyOut[];
  Attribute: MispAttributeOut[];
  Object: MispObjectOut[];
  /** Notes made from MISP event reports, written back as event reports (only when there are some). */
  EventReport?: MispEventReportOut[];
}

/** A MISP event report as Rampart writes it: a note made from one (labelled `misp:event-report`). */
export interface MispEventReportOut {
  uuid: string;
  name: string;
  content: string;
  distribution: string;
  sharing_group_id: string;
  SharingGroup?: { uuid: string; name: string };
  timestamp: string;
  deleted: false;
}

export const isEventReportNote = (version: StoredVersion): boolean => version.type === 'note' && labelsOfObject(JSON.parse(version.json) as Record<string, unknown>).includes('misp:event-report');

/** A note made from a MISP event report, as that event report. */
export function eventReportOf(version: StoredVersion, groupName: (uuid: string) => string): MispEventReportOut {
  const o = JSON.parse(version.json) as Record<string, unknown>;
  return { uuid: uuidOf(version.id), name: typeof o['abstract'] === 'string' ? o['abstract'] : 'Event report', content: typeof o['content'] === 'string' ? o['content'] : '', ...reachOfSharing(version.sharing, groupName), timestamp: seconds(version.modified), deleted: false };
}

/** One MISP object as Rampart writes it: the attributes of one STIX unit made from a MISP object. */
export interface MispObjectOut {
  uuid: string;
  name: string;
  comment: string;
  timestamp: string;
  distribution: string;
  sharing_group_id: string;
  SharingGroup?: { uuid: string; name: string };
  deleted: false;
  Attribute: (Omit<MispAttributeOut, 'object_relation'> & { object_relation: string })[];
  ObjectReference: { uuid: string; object_uuid: string; referenced_uuid: string; relationship_type: string; comment: string }[];
}

const EXPORT_NAMESPACE = '5f0b7e7c-3a0e-5d3e-8f6b-2e4c1a9d7b30';
const seconds = (iso: string | null): string => String(Math.floor(Date.parse(iso ?? '1970-01-01T00:00:00Z') / 1000));
const uuidOf = (id: string): string => id.slice(id.indexOf('--') + 2);

/** MISP's distribution for a Rampart sharing: public is all communities, the community this one; groups a sharing group; anything narrower the organisation. */
export function reachOfSharing(sharing: Sharing, groupName: (uuid: string) => string): Pick<MispAttributeOut, 'distribution' | 'sharing_group_id' | 'SharingGroup'> {
  const kinds = new Set(sharing.audience.map(audienceKind));
  if (kinds.has('public')) return { distribution: '3', sharing_group_id: '0' };
  if (kinds.has('community')) return { distribution: '1', sharing_group_id: '0' };
  const group = sharing.audience.find((k) => audienceKind(k) === 'group');
  if (group !== undefined) {
    const uuid = group.slice('group:'.length);
    return { distribution: '4', sharing_group_id: '0', SharingGroup: { uuid, name: groupName(uuid) } };
  }
  return { distribution: '0', sharing_group_id: '0' };
}

export const tlpTag = (sharing: Sharing): { name: string } => ({ name: `tlp:${sharing.tlp}` });

const DEFAULT_CATEGORY: Readonly<Record<string, string>> = {
  'ip-dst': 'Network activity',
  'ip-src': 'Network activity',
  domain: 'Network activity',
  hostname: 'Network activity',
  'domain|ip': 'Network activity',
  url: 'Network activity',
  vulnerability: 'External analysis',
  'threat-actor': 'Attribution',
  'campaign-name': 'Attribution',
  'user-agent': 'Network activity',
  AS: 'Network activity',
  'hostname|port': 'Network activity',
  'ip-dst|port': 'Network activity',
  'ip-src|port': 'Network activity',
  regkey: 'Persistence mechanism',
  'regkey|value': 'Persistence mechanism',
  link: 'External analysis',
  text: 'Other',
  comment: 'Other',
};
export const categoryOf = (type: string): string => DEFAULT_CATEGORY[type] ?? (type.startsWith('email') ? 'Payload delivery' : type.includes('|') || /^(md5|sha|ssdeep|tlsh|filename)/.test(type) ? 'Payload delivery' : 'Other');

export function labelValue(labels: readonly string[], key: string): string | null {
  const prefix = `misp:${key}="`;
  const found = labels.find((l) => l.startsWith(prefix) && l.endsWith('"'));
  return found === undefined ? null : found.slice(prefix.length, -1);
}

/** The comparisons of a STIX pattern that name one value each (`path = 'value'`), or null when it holds others. */
export function equalities(pattern: string): PathValue[] | null {
  const parsed = parsePattern(pattern);
  if (!parsed.ok) return null;
  const out: PathValue[] = [];
  for (const c of comparisonsOf(parsed.value)) {
    if (c.operator !== '=' || c.negated || (c.value.kind !== 'string' && c.value.kind !== 'int')) return null;
    out.push({ path: formatPath(c.path), value: String(c.value.value) });
  }
  return out;
}

/** MISP types and values for comparisons: the labelled type when it fits, a known pair, or one attribute per comparison. */
function typedValues(parts: readonly PathValue[], labelled: string | null): { type: string; value: string }[] {
  const mapping = labelled === null ? null : mappingOf(labelled);
  if (mapping?.kind === 'observable' && mapping.paths.length === parts.length && labelled !== null) {
    // In the mapping's order, whatever order the pattern or observable holds them in.
    const ordered = mapping.paths.map((p) => parts.find((part) => (p === 'ip' ? /^ipv[46]-addr:value$/.test(part.path) : normalPath(p) === normalPath(part.path))));
    if (ordered.every((p) => p !== undefined)) return [{ type: labelled, value: ordered.map((p) => p.value).join('|') }];
  }
  const [first, second] = parts;
  if (parts.length === 2 && first !== undefined && second !== undefined) {
    const pair = mispTypeOfPair(first.path, second.path);
    // ip-dst|port and hostname|port share their paths: the value tells an address from a host name.
    const type = pair === 'ip-dst|port' && !/^[0-9a-f.:]+$/i.test(first.value) ? 'hostname|port' : pair;
    if (type !== null) return [{ type, value: `${first.value}|${second.value}` }];
  }
  return parts.flatMap((p) => {
    const type = mispTypeOfPath(p.path);
    return type === null ? [] : [{ type, value: p.value }];
  });
}

/** The `path = value` parts an observable and the observables it points at hold (a file's name and hashes, a domain's addresses). */
export function partsOfObservable(sco: Readonly<Record<string, unknown>>, byId: ReadonlyMap<string, Readonly<Record<string, unknown>>>): PathValue[] {
  const type = String(sco['type']);
  const parts: PathValue[] = [];
  for (const [key, value] of Object.entries(sco)) {
    if (['type', 'id', 'spec_version', 'object_marking_refs', 'is_multipart', 'defanged'].includes(key)) continue;
    if (key === 'hashes' && typeof value === 'object' && value !== null) {
      for (const [algorithm, hash] of Object.entries(value as Record<string, unknown>)) if (typeof hash === 'string') parts.push({ path: `${type}:hashes.'${algorithm}'`, value: hash });
    } else if (key.endsWith('_refs') && Array.isArray(value)) {
      for (const ref of value) {
        const target = byId.get(String(ref));
        if (typeof target?.['value'] === 'string') parts.push({ path: `${type}:${key}[*].value`, value: target['value'] });
      }
    } else if (key.endsWith('_ref') && typeof value === 'string') {
      const target = byId.get(value);
      if (typeof target?.['value'] === 'string') parts.push({ path: `${type}:${key}.value`, value: target['value'] });
    } else if (key === 'values' && Array.isArray(value)) {
      for (const v of value as { data?: unknown }[]) if (typeof v.data === 'string') parts.push({ path: `${type}:values[*].data`, value: v.data });
    } else if (key === 'number' || key === 'size') {
      if (typeof value === 'number') parts.push({ path: `${type}:${key}`, value: String(value) });
    } else if (key.endsWith('_port') && typeof value === 'number') parts.push({ path: `${type}:${key}`, value: String(value) });
    else if (typeof value === 'string') parts.push({ path: `${type}:${key}`, value });
  }
  // MISP writes the name first: filename|md5.
  return parts.sort((a, b) => (a.path.endsWith(':name') ? -1 : b.path.endsWith(':name') ? 1 : 0));
}

export interface AttributeContext {
  readonly groupName: (uuid: string) => string;
  /** Visible observables by id (observed-data's refs and what they point at). */
  readonly observables: ReadonlyMap<string, Readonly<Record<string, unknown>>>;
  /** Galaxy clusters per object id, from `indicates`/`related-to` relationships to attack-patterns the reader may see. */
  readonly galaxies: ReadonlyMap<string, MispGalaxyOut[]>;
}

export const labelsOfObject = (o: Readonly<Record<string, unknown>>): string[] => (Array.isArray(o['labels']) ? (o['labels'] as unknown[]).filter((l): l is string => typeof l === 'string') : []);

/** The MISP attributes of one visible STIX object (none for types MISP events do not carry). */
export function attributesOf(version: StoredVersion, context: AttributeContext): MispAttributeOut[] {
  const o = JSON.parse(version.json) as Record<string, unknown>;
  const labels = labelsOfObject(o);
  const labelled = labelValue(labels, 'type');
  // A unit made from a MISP object is written back as that object (objects-out.ts).
  if (labelled === null && labelValue(labels, 'object') !== null) return [];
  // An actor a galaxy cluster named goes back as that cluster's tag (the report's or the attribute's labels hold it); an event report as an event report.
  if (labelValue(labels, 'galaxy') !== null || labels.includes('misp:event-report')) return [];
  let values: { type: string; value: string }[] = [];
  let toIds = false;
  switch (version.type) {
    case 'indicator': {
      const patternType = String(o['pattern_type']);
      const pattern = String(o['pattern']);
      toIds = true;
      if (patternType === 'stix') values = typedValues(equalities(pattern) ?? [], labelled);
      else if (['yara', 'snort', 'sigma'].includes(patternType)) values = [{ type: patternType, value: pattern }];
      break;
    }
    case 'observed-data': {
      const refs = Array.isArray(o['object_refs']) ? (o['object_refs'] as unknown[]).map(String) : [];
      values = refs.flatMap((ref) => {
        const sco = context.observables.get(ref);
        return sco === undefined ? [] : typedValues(partsOfObservable(sco, context.observables), labelled);
      });
      break;
    }
    case 'note': {
      // A note made from words, or from a type STIX can only match (a user agent without to_ids), gives that type back.
      const mapping = labelled === null ? null : mappingOf(labelled);
      const typed = mapping?.kind === 'note' || (mapping?.kind === 'observable' && mapping.patternOnly === true);
      values = [{ type: typed && labelled !== null ? labelled : 'comment', value: String(o['content']) }];
      break;
    }
    case 'threat-actor':
      values = [{ type: 'threat-actor', value: String(o['name']) }];
      break;
    case 'campaign':
      values = [{ type: 'campaign-name', value: String(o['name']) }];
      break;
    case 'vulnerability':
      values = [{ type: 'vulnerability', value: String(o['name']) }];
      break;
    default:
      return [];
  }
  const category = labelValue(labels, 'category');
  const tags = [tlpTag(version.sharing), ...labels.filter((l) => !l.startsWith('misp:')).map((name) => ({ name }))];
  return values.map((v, i) => ({
    uuid: i === 0 ? uuidOf(version.id) : uuidV5(`${version.id}#${i}`, EXPORT_NAMESPACE),
    type: v.type,
    category: category ?? categoryOf(v.type),
    value: v.value,
    to_ids: toIds,
    ...reachOfSharing(version.sharing, context.groupName),
    comment: typeof o['description'] === 'string' ? o['description'] : '',
    timestamp: seconds(version.modified),
    deleted: false,
    disable_correlation: false,
    object_relation: null,
    Tag: tags,
    Galaxy: context.galaxies.get(version.id) ?? [],
  }));
}

/** A galaxy cluster for an attack-pattern, named as MISP's ATT&CK galaxy names them (`Name - T0817`). */
export function galaxyOfTechnique(pattern: Readonly<Record<string, unknown>>): MispGalaxyOut | null {
  const refs = Array.isArray(pattern['external_references']) ? (pattern['external_references'] as { external_id?: unknown }[]) : [];
  const externalId = refs.map((r) => r.external_id).find((e): e is string => typeof e === 'string' && /^T\d{4}(\.\d{3})?$/.test(e));
  if (externalId === undefined || typeof pattern['name'] !== 'string') return null;
  const value = `${pattern['name']} - ${externalId}`;
  return { type: 'mitre-attack-pattern', name: 'Attack Pattern', GalaxyCluster: [{ type: 'mitre-attack-pattern', value, tag_name: `misp-galaxy:mitre-attack-pattern="${value}"`, meta: { external_id: [externalId] } }] };
}

export { seconds as epochSeconds, uuidOf };
