import { parseStixId, type OrgId, type StixId } from '../domain/ids.ts';
import { problem, type Problem } from '../domain/problem.ts';
import { err, ok, type Result } from '../domain/result.ts';
import type { Tlp } from '../domain/tlp.ts';
import { REF_PROPERTIES } from '../store/stix-refs.ts';
import { viaWords } from '../stix/ref-words.ts';
import type { Page, Reader, StixStore, StoredVersion } from '../store/types.ts';
import { titleOf } from './titles.ts';

export interface ConnectionsDeps {
  readonly stix: StixStore;
  /** An organization's name (the member directory every member may read); ids are shown when absent. */
  readonly orgName?: (id: OrgId) => Promise<string | null>;
}

/** An object the reader may see, as lists and the graph show it. */
export interface SharedSummary {
  readonly shared: true;
  readonly id: StixId;
  readonly type: string;
  readonly title: string | null;
  readonly tlp: Tlp;
  readonly owner: OrgId;
  readonly revoked: boolean;
  /** The version read: callers audit AMBER+ reads with it; never sent as is. */
  readonly version: StoredVersion;
}

/** An object the reader may not see: the id its referrer holds, nothing more (no type, title or owner of its own). */
export interface HiddenSummary {
  readonly shared: false;
  readonly id: string;
}

export type Summary = SharedSummary | HiddenSummary;

type Json = Readonly<Record<string, unknown>>;

const isRecord = (v: unknown): v is Json => typeof v === 'object' && v !== null && !Array.isArray(v);

function parse(json: string): Json {
  const value: unknown = JSON.parse(json);
  return isRecord(value) ? value : {};
}

/** Properties that point elsewhere but are not connections an analyst follows: the owner and the TLP marking are shown apart. */
const NOT_CONNECTIONS: ReadonlySet<string> = new Set(['created_by_ref', 'object_marking_refs']);

/** The ids an object points at, each with the property holding it, in the object's own order (object_refs, sighting_of_ref…). */
export function outgoingRefs(object: Json): { readonly via: string; readonly id: string }[] {
  const out: { via: string; id: string }[] = [];
  const seen = new Set<string>();
  for (const [property, value] of Object.entries(object)) {
    if (NOT_CONNECTIONS.has(property) || !(property.endsWith('_ref') || property.endsWith('_refs'))) continue;
    for (const ref of Array.isArray(value) ? (value as unknown[]) : [value]) {
      if (typeof ref !== 'string' || !parseStixId(ref).ok || seen.has(`${property} ${ref}`)) continue;
      seen.add(`${property} ${ref}`);
      out.push({ via: property, id: ref });
    }
  }
  return out;
}


const CHUNK = 500;

/**
 * The record of each id the reader may see, through the store's one visibility rule: its own record when it
 * holds one, else the one added last (an observable may be recorded by several organizations). Ids it may not
 * see are simply absent.
 */
export async function visibleRecords(stix: StixStore, reader: Reader, ids: Iterable<string>): Promise<Result<Map<string, StoredVersion>, Problem>> {
  const parsed = [...new Set(ids)].flatMap((id) => {
    const p = parseStixId(id);
    return p.ok ? [p.value] : [];
  });
  const own = reader.kind === 'member' ? reader.orgId : null;
  const found = new Map<string, StoredVersion>();
  for (let i = 0; i < parsed.length; i += CHUNK) {
    const chunk = parsed.slice(i, i + CHUNK);
    let cursor: string | null = null;
    do {
      const page: Result<Page<StoredVersion>, Problem> = await stix.list(reader, { ids: chunk, limit: 1000, ...(cursor === null ? {} : { cursor }) });
      if (!page.ok) return page;
      for (const v of page.value.items) {
        const held = found.get(v.id);
        if (held === undefined || (held.sharing.owner !== own && (v.sharing.owner === own || v.addedUs > held.addedUs))) found.set(v.id, v);
      }
      cursor = page.value.nextCursor;
    } while (cursor !== null);
  }
  return ok(found);
}

/**
 * Summaries of versions the reader may see, with readable titles: a sighting names the object it is of only when
 * the reader may see that too, and its owner by name.
 */
export async function summarise(deps: ConnectionsDeps, reader: Reader, versions: Iterable<StoredVersion>): Promise<Result<Map<string, SharedSummary>, Problem>> {
  const list = [...versions];
  const objects = new Map(list.map((v) => [v.id as string, parse(v.json)]));
  const sightingOf = new Set<string>();
  for (const v of list) {
    const of = objects.get(v.id)?.['sighting_of_ref'];
    if (v.type === 'sighting' && typeof of === 'string') sightingOf.add(of);
  }
  const known = new Map(list.map((v) => [v.id as string, v]));
  const missing = [...sightingOf].filter((id) => !known.has(id));
  const extra = missing.length === 0 ? ok(new Map<string, StoredVersion>()) : await visibleRecords(deps.stix, reader, missing);
  if (!extra.ok) return extra;
  const names = new Map<OrgId, string | null>();
  const nameOf = async (owner: OrgId) => {
    if (!names.has(owner)) names.set(owner, deps.orgName === undefined ? null : await deps.orgName(owner));
    return names.get(owner) ?? null;
  };
  const out = new Map<string, SharedSummary>();
  for (const v of list) {
    const object = objects.get(v.id) ?? {};
    let title: string | null;
    if (v.type === 'sighting') {
      const ofId = object['sighting_of_ref'];
      const of = typeof ofId === 'string' ? (known.get(ofId) ?? extra.value.get(ofId)) : undefined;
      title = titleOf(object, { sightingOf: of === undefined ? null : (titleOf(parse(of.json)) ?? of.id), ownerName: await nameOf(v.sharing.owner) });
    } else if (v.type === 'x-rampart-status-report') {
      title = titleOf(object, { sightingOf: null, ownerName: await nameOf(v.sharing.owner) });
    } else {
      title = titleOf(object);
    }
    out.set(v.id, { shared: true, id: v.id, type: v.type, title, tlp: v.sharing.tlp, owner: v.sharing.owner, revoked: v.revoked, version: v });
  }
  return ok(out);
}

/** One thing an object points at: through which property, and what the reader may know of it. */
export interface OutgoingEntry {
  readonly via: string;
  readonly target: Summary;
}

/** One object that points at this one, which the reader may see; for a relationship, its kind and its other end. */
export interface IncomingEntry {
  readonly via: readonly string[];
  readonly object: SharedSummary;
  readonly relationship: { readonly type: string; readonly direction: 'out' | 'in'; readonly other: Summary } | null;
}

export interface Connections {
  readonly refersTo: readonly OutgoingEntry[];
  /** How many references the object holds in all; only the first MAX_OUTGOING are described. */
  readonly refersToTotal: number;
  readonly referredBy: readonly IncomingEntry[];
  readonly referredByNext: string | null;
}

export const MAX_OUTGOING = 500;

function notFound(id: string): Problem {
  return problem('not-found', 'not-found', `No object ${id} that you may see; check the id, or ask its owner to share it with you`);
}

/** The record of `id` the reader may see (its own first), or not-found. */
async function root(stix: StixStore, reader: Reader, id: StixId): Promise<Result<StoredVersion, Problem>> {
  const found = await visibleRecords(stix, reader, [id]);
  if (!found.ok) return found;
  const v = found.value.get(id);
  return v === undefined ? err(notFound(id)) : ok(v);
}

/** Which of `REF_PROPERTIES` of a referrer hold `id` (a report's object_refs, a sighting's sighting_of_ref…). */
function viaOf(type: string, object: Json, id: string): string[] {
  return (REF_PROPERTIES[type] ?? []).filter((p) => {
    const value = object[p];
    return Array.isArray(value) ? value.includes(id) : value === id;
  });
}

/** The other end of a relationship from `id`, and the direction seen from `id`. */
function otherEnd(object: Json, id: string): { readonly direction: 'out' | 'in'; readonly other: string } | null {
  const source = object['source_ref'];
  const target = object['target_ref'];
  if (typeof source !== 'string' || typeof target !== 'string') return null;
  return source === id ? { direction: 'out', other: target } : { direction: 'in', other: source };
}

/**
 * What an object refers to and what refers to it, for one reader. Everything it refers to is listed (the object
 * holds those ids); what the reader may not see is only "not shared with you". What refers to it is only what
 * the reader may see (reports, notes, opinions, groupings, sightings, relationships), newest first, by page.
 */
export async function objectConnections(deps: ConnectionsDeps, reader: Reader, id: StixId, page: { readonly limit: number; readonly cursor?: string }): Promise<Result<Connections, Problem>> {
  const self = await root(deps.stix, reader, id);
  if (!self.ok) return self;
  const refs = outgoingRefs(parse(self.value.json));
  const shown = refs.slice(0, MAX_OUTGOING);
  const incoming = await deps.stix.list(reader, { refersTo: id, order: 'desc', limit: page.limit, ...(page.cursor === undefined ? {} : { cursor: page.cursor }) });
  if (!incoming.ok) return incoming;
  const referrers = incoming.value.items.filter((v) => v.id !== id);
  const ends = new Map<string, { direction: 'out' | 'in'; other: string }>();
  for (const r of referrers) {
    if (r.type !== 'relationship') continue;
    const end = otherEnd(parse(r.json), id);
    if (end !== null) ends.set(r.id, end);
  }
  const records = await visibleRecords(deps.stix, reader, [...shown.map((r) => r.id), ...[...ends.values()].map((e) => e.other)]);
  if (!records.ok) return records;
  const summaries = await summarise(deps, reader, [...records.value.values(), ...referrers]);
  if (!summaries.ok) return summaries;
  const summaryOf = (ref: string): Summary => summaries.value.get(ref) ?? { shared: false, id: ref };
  const referredBy: IncomingEntry[] = [];
  for (const r of referrers) {
    const object = summaries.value.get(r.id);
    if (object === undefined) continue;
    const json = parse(r.json);
    const end = ends.get(r.id);
    const kind = json['relationship_type'];
    referredBy.push({
      via: viaOf(r.type, json, id),
      object,
      relationship: end === undefined || typeof kind !== 'string' ? null : { type: kind, direction: end.direction, other: summaryOf(end.other) },
    });
  }
  return ok({ refersTo: shown.map((r) => ({ via: r.via, target: summaryOf(r.id) })), refersToTotal: refs.length, referredBy, referredByNext: incoming.value.nextCursor });
}

/** A node of the neighbourhood graph: an object the reader may see, or one it may not, keyed without its id. */
export type GraphNode = (Omit<SharedSummary, 'version'> & { readonly key: string; readonly hop: number }) | { readonly shared: false; readonly key: string; readonly hop: number };

export interface GraphEdge {
  readonly source: string;
  readonly target: string;
  readonly label: string;
}

export interface Neighbourhood {
  readonly root: string;
  readonly nodes: readonly GraphNode[];
  readonly edges: readonly GraphEdge[];
  /** True when the graph was cut at MAX_NODES nodes or PER_NODE referrers of a node. */
  readonly truncated: boolean;
  /** The versions shown, for the audit of AMBER+ reads. */
  readonly read: readonly StoredVersion[];
}

export const MAX_NODES = 150;
const PER_NODE = 50;

/**
 * The objects up to `hops` steps from `id`, both ways (what each refers to, what refers to it), as nodes and
 * edges for one reader. A relationship is drawn as an edge between its ends. Every node passes the store's
 * visibility rule; one the reader may not see is a bare node keyed `hidden-N`, with no id, type, title or owner,
 * and is not followed further.
 */
export async function neighbourhood(deps: ConnectionsDeps, reader: Reader, id: StixId, hops: number): Promise<Result<Neighbourhood, Problem>> {
  const start = await root(deps.stix, reader, id);
  if (!start.ok) return start;
  const visible = new Map<string, { version: StoredVersion; hop: number }>([[id, { version: start.value, hop: 0 }]]);
  const hidden = new Map<string, { key: string; hop: number }>();
  const edges = new Map<string, GraphEdge>();
  let truncated = false;
  const keyOf = (ref: string) => (visible.has(ref) ? ref : (hidden.get(ref)?.key ?? null));
  const pending: { source: string; target: string; label: string }[] = [];
  let frontier: StoredVersion[] = [start.value];
  for (let hop = 1; hop <= hops && frontier.length > 0; hop++) {
    const candidates = new Set<string>();
    const found: StoredVersion[] = [];
    for (const node of frontier) {
      const object = parse(node.json);
      for (const ref of outgoingRefs(object)) {
        pending.push({ source: node.id, target: ref.id, label: node.type === 'relationship' && typeof object['relationship_type'] === 'string' ? `${viaWords(ref.via)} (${object['relationship_type'].replace(/-/g, ' ')})` : viaWords(ref.via) });
        candidates.add(ref.id);
      }
      if (node.type === 'relationship') continue;
      const incoming = await deps.stix.list(reader, { refersTo: node.id, order: 'desc', limit: PER_NODE });
      if (!incoming.ok) return incoming;
      if (incoming.value.nextCursor !== null) truncated = true;
      for (const r of incoming.value.items) {
        if (r.id === node.id) continue;
        const json = parse(r.json);
        if (r.type === 'relationship') {
          const source = json['source_ref'];
          const target = json['target_ref'];
          const kind = json['relationship_type'];
          if (typeof source !== 'string' || typeof target !== 'string') continue;
          pending.push({ source, target, label: typeof kind === 'string' ? kind.replace(/-/g, ' ') : 'related to' });
          candidates.add(source === node.id ? target : source);
        } else {
          found.push(r);
          for (const via of viaOf(r.type, json, node.id)) pending.push({ source: r.id, target: node.id, label: viaWords(via) });
        }
      }
    }
    const records = await visibleRecords(deps.stix, reader, [...candidates].filter((c) => !visible.has(c) && !hidden.has(c)));
    if (!records.ok) return records;
    const next: StoredVersion[] = [];
    const add = (v: StoredVersion) => {
      if (visible.has(v.id)) return;
      if (visible.size + hidden.size >= MAX_NODES) {
        truncated = true;
        return;
      }
      visible.set(v.id, { version: v, hop });
      next.push(v);
    };
    for (const v of found) add(v);
    for (const v of records.value.values()) add(v);
    for (const c of candidates) {
      if (visible.has(c) || hidden.has(c) || records.value.has(c)) continue;
      if (visible.size + hidden.size >= MAX_NODES) {
        truncated = true;
        continue;
      }
      hidden.set(c, { key: `hidden-${hidden.size + 1}`, hop });
    }
    frontier = next;
  }
  for (const e of pending) {
    const source = keyOf(e.source);
    const target = keyOf(e.target);
    if (source === null || target === null || source === target) continue;
    edges.set(`${source} ${target} ${e.label}`, { source, target, label: e.label });
  }
  const summaries = await summarise(deps, reader, [...visible.values()].map((v) => v.version));
  if (!summaries.ok) return summaries;
  const nodes: GraphNode[] = [];
  for (const [nodeId, { hop }] of visible) {
    const s = summaries.value.get(nodeId);
    if (s === undefined) continue;
    nodes.push({ shared: true, id: s.id, type: s.type, title: s.title, tlp: s.tlp, owner: s.owner, revoked: s.revoked, key: nodeId, hop });
  }
  for (const { key, hop } of hidden.values()) nodes.push({ shared: false, key, hop });
  return ok({ root: id, nodes, edges: [...edges.values()], truncated, read: [...visible.values()].map((v) => v.version) });
}

