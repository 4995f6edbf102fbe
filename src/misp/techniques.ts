import { readFile } from 'node:fs/promises';
import { uuidV5 } from '../domain/uuid.ts';
import { KNOWLEDGE_BASE, type KnowledgeBaseBundle } from '../kb/knowledge-base.ts';
import type { MispGalaxy, MispTag } from './schema.ts';

/** A technique of the built-in knowledge base: its attack-pattern id and name. */
export interface Technique {
  readonly id: string;
  readonly name: string;
  readonly externalId: string;
  readonly source: 'attack' | 'disarm';
}

/** Looks up techniques by framework and external id (T0865, T1660.001…). */
export interface TechniqueIndex {
  find(source: 'attack' | 'disarm', externalId: string): Technique | undefined;
  /** The knowledge base's intrusion-set with this ATT&CK group id (G0034…), when it has one. */
  findGroup?(externalId: string): Technique | undefined;
}

interface KbObject {
  readonly type?: unknown;
  readonly id?: unknown;
  readonly name?: unknown;
  readonly revoked?: unknown;
  readonly x_mitre_deprecated?: unknown;
  readonly external_references?: readonly { readonly source_name?: unknown; readonly external_id?: unknown }[];
}

/** Builds the index from bundles (the built-in knowledge base by default): live attack-patterns only. */
export async function loadTechniqueIndex(bundles: readonly KnowledgeBaseBundle[] = KNOWLEDGE_BASE): Promise<TechniqueIndex> {
  const byKey = new Map<string, Technique>();
  const groups = new Map<string, Technique>();
  for (const bundle of bundles) {
    const doc = JSON.parse(await readFile(bundle.path, 'utf8')) as { objects?: readonly KbObject[] };
    // DISARM numbers its techniques like ATT&CK (T0002…) and names its source mitre-attack too: the bundle tells them apart.
    const source = /disarm/i.test(bundle.name) ? 'disarm' : 'attack';
    for (const o of doc.objects ?? []) {
      if (o.type === 'intrusion-set' && source === 'attack' && typeof o.id === 'string' && typeof o.name === 'string' && o.revoked !== true && o.x_mitre_deprecated !== true) {
        for (const ref of o.external_references ?? []) {
          if (typeof ref.external_id === 'string' && /^G\d{4}$/.test(ref.external_id) && !groups.has(ref.external_id)) groups.set(ref.external_id, { id: o.id, name: o.name, externalId: ref.external_id, source });
        }
        continue;
      }
      if (o.type !== 'attack-pattern' || typeof o.id !== 'string' || typeof o.name !== 'string' || o.revoked === true || o.x_mitre_deprecated === true) continue;
      for (const ref of o.external_references ?? []) {
        if (typeof ref.external_id !== 'string' || !/^T\d{4}(\.\d{3})?$/.test(ref.external_id)) continue;
        const key = `${source}:${ref.external_id.toUpperCase()}`;
        if (!byKey.has(key)) byKey.set(key, { id: o.id, name: o.name, externalId: ref.external_id, source });
      }
    }
  }
  return { find: (source, externalId) => byKey.get(`${source}:${externalId.toUpperCase()}`), findGroup: (externalId) => groups.get(externalId.toUpperCase()) };
}

let cached: Promise<TechniqueIndex> | null = null;

/** The built-in knowledge base's index, read once per process. */
export function builtInTechniques(): Promise<TechniqueIndex> {
  cached ??= loadTechniqueIndex();
  return cached;
}

/** A technique a MISP galaxy cluster or tag names: framework and external id. */
export interface NamedTechnique {
  readonly source: 'attack' | 'disarm';
  readonly externalId: string;
  /** How MISP named it, for the import report when the knowledge base lacks it. */
  readonly label: string;
}

const TECHNIQUE_ID = /\b(T\d{4}(?:\.\d{3})?)\s*$/;
/** DISARM's galaxy writes the id first (`T0019 - Generate information pollution`). */
const LEADING_ID = /^\s*(T\d{4}(?:\.\d{3})?)\b/;

function sourceOfGalaxyType(type: string): 'attack' | 'disarm' | null {
  const t = type.toLowerCase();
  if (t.includes('disarm')) return 'disarm';
  if (t.includes('attack-pattern') || t.includes('mitre-') && t.includes('technique')) return 'attack';
  return null;
}

const idInName = (value: string): string | undefined => (TECHNIQUE_ID.exec(value) ?? LEADING_ID.exec(value))?.[1]?.toUpperCase();

/** The techniques a list of galaxies and tags names (`misp-galaxy:mitre-attack-pattern="Phishing - T1566"`), each once. */
export function techniquesNamed(galaxies: readonly MispGalaxy[], tags: readonly MispTag[]): NamedTechnique[] {
  const found = new Map<string, NamedTechnique>();
  const add = (source: 'attack' | 'disarm', externalId: string, label: string) => found.set(`${source}:${externalId}`, { source, externalId, label });
  for (const galaxy of galaxies) {
    for (const cluster of galaxy.GalaxyCluster ?? []) {
      const source = sourceOfGalaxyType(cluster.type ?? galaxy.type ?? '');
      if (source === null) continue;
      const externalId = cluster.meta?.external_id?.find((e) => /^T\d{4}(\.\d{3})?$/.test(e)) ?? idInName(cluster.value);
      if (externalId !== undefined) add(source, externalId, cluster.value);
    }
  }
  for (const tag of tags) {
    const m = /^misp-galaxy:([^=]+)="(.*)"$/.exec(tag.name);
    if (m === null) continue;
    const source = sourceOfGalaxyType(m[1] ?? '');
    const externalId = idInName(m[2] ?? '');
    if (source !== null && externalId !== undefined) add(source, externalId, m[2] ?? '');
  }
  return [...found.values()];
}

/** Namespace of the ids of technique stubs (owner and external id name one). */
const STUB_NAMESPACE = '9d3f6c2a-1e4b-5a7c-8d9e-0f1a2b3c4d5e';

/** The name MISP gives a technique without its id: `Phishing - T1566` is Phishing. */
function techniqueName(named: NamedTechnique): string {
  const name = named.label.replace(TECHNIQUE_ID, '').replace(LEADING_ID, '').replace(/^[\s-]+|[\s-]+$/g, '');
  return name === '' ? named.externalId : name;
}

/**
 * An attack-pattern of the importer's own for a technique the knowledge base lacks (an Enterprise ATT&CK
 * technique, say): its name and the framework's external reference, so that it is found by its id and a
 * later knowledge base that holds it can be matched to it.
 */
export function techniqueStub(named: NamedTechnique, owner: string, modified: string): Record<string, unknown> & { id: string } {
  const [base, sub] = named.externalId.split('.');
  const reference =
    named.source === 'attack'
      ? { source_name: 'mitre-attack', external_id: named.externalId, url: `https://attack.mitre.org/techniques/${base ?? ''}${sub === undefined ? '' : `/${sub}`}/` }
      : { source_name: 'DISARM', external_id: named.externalId };
  return {
    type: 'attack-pattern',
    spec_version: '2.1',
    id: `attack-pattern--${uuidV5(`${owner}|${named.source}|${named.externalId}`, STUB_NAMESPACE)}`,
    created: modified,
    modified,
    created_by_ref: owner,
    name: techniqueName(named),
    external_references: [reference],
  };
}

/** A threat actor or intrusion set a MISP galaxy cluster or tag names (`misp-galaxy:threat-actor="Sofacy"`, `mitre-intrusion-set="APT28 - G0007"`). */
export interface NamedActor {
  readonly type: 'threat-actor' | 'intrusion-set';
  /** The name without an ATT&CK group id. */
  readonly name: string;
  /** The ATT&CK group id (G0007) when the cluster gives one. */
  readonly externalId?: string;
  /** The MISP galaxy type it came from (threat-actor, mitre-intrusion-set…): a label of the object, and how the export writes it back. */
  readonly galaxy: string;
}

const GROUP_ID = /\s*-?\s*\b(G\d{4})\s*$/;

/**
 * The STIX type a galaxy names actors of: MISP's `threat-actor` galaxy holds threat actors; ATT&CK's group galaxies
 * (`mitre-intrusion-set`, `mitre-enterprise-attack-intrusion-set`…) and Microsoft's activity groups hold intrusion sets.
 */
function actorTypeOfGalaxy(type: string): NamedActor['type'] | null {
  const t = type.toLowerCase();
  if (t === 'threat-actor') return 'threat-actor';
  if (t.includes('intrusion-set') || t === 'microsoft-activity-group') return 'intrusion-set';
  return null;
}

/** The actors a list of galaxies and tags names, each once (by type and name, case aside). */
export function actorsNamed(galaxies: readonly MispGalaxy[], tags: readonly MispTag[]): NamedActor[] {
  const found = new Map<string, NamedActor>();
  const add = (galaxy: string, value: string, ids: readonly string[] = []) => {
    const type = actorTypeOfGalaxy(galaxy);
    const name = value.replace(GROUP_ID, '').trim();
    if (type === null || name === '') return;
    const externalId = ids.find((e) => /^G\d{4}$/.test(e)) ?? GROUP_ID.exec(value)?.[1];
    const key = `${type}:${externalId ?? name.toLowerCase()}`;
    if (!found.has(key)) found.set(key, { type, name: name.slice(0, 250), galaxy, ...(externalId === undefined ? {} : { externalId }) });
  };
  for (const galaxy of galaxies) for (const cluster of galaxy.GalaxyCluster ?? []) add(cluster.type ?? galaxy.type ?? '', cluster.value, cluster.meta?.external_id ?? []);
  for (const tag of tags) {
    const m = /^misp-galaxy:([^=]+)="(.*)"$/.exec(tag.name);
    if (m !== null) add(m[1] ?? '', m[2] ?? '');
  }
  return [...found.values()];
}

/** Namespace of the ids of actors named by galaxy clusters (owner, type and group id or name name one). */
const ACTOR_NAMESPACE = '5b7e2c41-9a3d-5e6f-8b1c-2d4e6f8a0b3c';

/**
 * A threat-actor or intrusion-set of the importer's own for an actor a galaxy cluster names (the knowledge base's
 * intrusion-set is used instead when it has the ATT&CK group id): its id derived from owner, type and group id or
 * name, so every event naming it finds the same one.
 */
export function actorOf(named: NamedActor, owner: string, modified: string): Record<string, unknown> & { id: string } {
  return {
    type: named.type,
    spec_version: '2.1',
    id: `${named.type}--${uuidV5(`${owner}|${named.type}|${named.externalId ?? named.name.toLowerCase()}`, ACTOR_NAMESPACE)}`,
    created: modified,
    modified,
    created_by_ref: owner,
    name: named.name,
    labels: [`misp:galaxy="${named.galaxy}"`],
    ...(named.externalId === undefined ? {} : { external_references: [{ source_name: 'mitre-attack', external_id: named.externalId, url: `https://attack.mitre.org/groups/${named.externalId}/` }] }),
  };
}
