import { uuidV5 } from '../domain/uuid.ts';
import type { StoredVersion } from '../store/types.ts';
import { mispTypeOfPath, normalPath } from './attribute-types.ts';
import { categoryOf, epochSeconds, equalities, labelsOfObject, labelValue, partsOfObservable, reachOfSharing, tlpTag, uuidOf, type AttributeContext, type MispObjectOut } from './from-stix.ts';
import { OBJECT_TEMPLATES, relationOfPath } from './objects.ts';
import type { PathValue } from './observables.ts';

const OBJECT_NAMESPACE = '2b7d4e1f-6a3c-5e8b-9d0f-1c2e3a4b5c6d';

interface Unit {
  readonly version: StoredVersion;
  readonly object: Readonly<Record<string, unknown>>;
}

const isUnitType = (type: string): boolean => type === 'indicator' || type === 'observed-data' || type === 'note';

/**
 * The MISP objects of an event (docs/misp.md, "Export"): the units an import made from MISP objects
 * (labelled `misp:object`, no `misp:type`) that the reader may see. An object's indicator and observed-data
 * share its uuid and become one MISP object, an attribute `to_ids` when the indicator's pattern holds it;
 * its note gives the words back as `text` attributes; relationships between units are its ObjectReferences.
 */
export function objectsOf(visible: readonly StoredVersion[], context: AttributeContext): MispObjectOut[] {
  const byUuid = new Map<string, Unit[]>();
  const notes: Unit[] = [];
  for (const version of visible) {
    if (!isUnitType(version.type)) continue;
    const object = JSON.parse(version.json) as Record<string, unknown>;
    const labels = labelsOfObject(object);
    if (labelValue(labels, 'type') !== null || labelValue(labels, 'object') === null) continue;
    if (version.type === 'note') notes.push({ version, object });
    else byUuid.set(uuidOf(version.id), [...(byUuid.get(uuidOf(version.id)) ?? []), { version, object }]);
  }
  // A note whose object has no visible indicator or observed-data stands for the object itself.
  for (const note of notes) {
    const about = Array.isArray(note.object['object_refs']) ? String((note.object['object_refs'] as unknown[])[0]) : '';
    const uuid = byUuid.has(uuidOf(about)) ? uuidOf(about) : uuidOf(note.version.id);
    byUuid.set(uuid, [...(byUuid.get(uuid) ?? []), note]);
  }
  const relationships = visible.filter((v) => v.type === 'relationship').map((v) => JSON.parse(v.json) as Record<string, unknown>);
  return [...byUuid].map(([uuid, units]) => objectOf(uuid, units, relationships, context));
}

function objectOf(uuid: string, units: readonly Unit[], relationships: readonly Record<string, unknown>[], context: AttributeContext): MispObjectOut {
  const first = units.find((u) => u.version.type !== 'note') ?? units[0];
  if (first === undefined) throw new Error('a MISP object is made of at least one unit');
  const name = labelValue(labelsOfObject(first.object), 'object') ?? 'misc';
  const template = OBJECT_TEMPLATES[name];
  const sharing = first.version.sharing;
  const parts = new Map<string, { part: PathValue; ids: boolean }>();
  const put = (part: PathValue, ids: boolean) => {
    const key = `${normalPath(part.path)}|${part.value}`;
    parts.set(key, { part, ids: ids || (parts.get(key)?.ids ?? false) });
  };
  let comment = '';
  const words: { relation: string; value: string }[] = [];
  for (const { version, object } of units) {
    if (version.type === 'indicator') {
      for (const p of equalities(String(object['pattern'])) ?? []) put(p, true);
      if (typeof object['description'] === 'string') comment = object['description'];
    } else if (version.type === 'observed-data') {
      const refs = Array.isArray(object['object_refs']) ? (object['object_refs'] as unknown[]).map(String) : [];
      for (const ref of refs) {
        const sco = context.observables.get(ref);
        if (sco !== undefined) for (const p of partsOfObservable(sco, context.observables)) put(p, false);
      }
    } else {
      const abstract = typeof object['abstract'] === 'string' ? object['abstract'] : '';
      const said = abstract.slice(abstract.indexOf(':') + 1).trim();
      if (abstract.includes(':') && comment === '') comment = said;
      for (const line of String(object['content']).split('\n')) {
        const at = line.indexOf(': ');
        if (at > 0) words.push({ relation: line.slice(0, at), value: line.slice(at + 2) });
        else if (line !== '' && line !== comment) words.push({ relation: 'text', value: line });
      }
    }
  }
  const reach = reachOfSharing(sharing, context.groupName);
  const tags = [tlpTag(sharing), ...labelsOfObject(first.object).filter((l) => !l.startsWith('misp:')).map((n) => ({ name: n }))];
  const timestamp = epochSeconds(first.version.modified);
  const galaxies = units.flatMap((u) => context.galaxies.get(u.version.id) ?? []);
  const attribute = (type: string, relation: string, value: string, ids: boolean) => ({
    uuid: uuidV5(`${uuid}#${relation}|${value}`, OBJECT_NAMESPACE),
    type,
    category: categoryOf(type),
    value,
    to_ids: ids,
    ...reach,
    comment: '',
    timestamp,
    deleted: false as const,
    disable_correlation: false as const,
    object_relation: relation,
    Tag: tags,
    Galaxy: [],
  });
  const attributes = [...parts.values()].flatMap(({ part, ids }) => {
    const known = template === undefined ? null : relationOfPath(template, part.path);
    const type = known?.type ?? mispTypeOfPath(part.path);
    return type === null ? [] : [attribute(type, known?.relation ?? type, part.value, ids)];
  });
  attributes.push(...words.map((w) => attribute('text', w.relation, w.value, false)));
  const [head] = attributes;
  if (head !== undefined) Object.assign(head, { Galaxy: galaxies });
  const ids = new Set<string>(units.map((u) => u.version.id));
  const references = relationships
    .filter((r) => ids.has(String(r['source_ref'])) && r['relationship_type'] !== 'based-on' && !String(r['target_ref']).startsWith('attack-pattern--'))
    .map((r) => ({ uuid: uuidOf(String(r['id'])), object_uuid: uuid, referenced_uuid: uuidOf(String(r['target_ref'])), relationship_type: String(r['relationship_type']), comment: typeof r['description'] === 'string' ? r['description'] : '' }));
  return { uuid, name, comment, timestamp, ...reach, deleted: false, Attribute: attributes, ObjectReference: references };
}
