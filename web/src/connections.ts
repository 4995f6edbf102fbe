import type { ApiResponse } from './api.ts';
import { typeLabel } from './format.ts';
import { viaWords } from '../../src/stix/ref-words.ts';

export type ConnectionsBody = ApiResponse<'/api/v1/objects/{id}/connections'>;
export type GraphBody = ApiResponse<'/api/v1/objects/{id}/graph'>;
export type RefSummary = ConnectionsBody['refers_to'][number]['target'];

/** What the Connections card says where a list is empty, each in a sentence (never a bare "Nothing."). */
export const EMPTY_CONNECTIONS = {
  refersTo: 'This item refers to nothing else.',
  referredBy: 'Nothing shared with you refers to this item.',
} as const;

/** The name a connection shows for an object ("Weekly brief"), or "Not shared with you"; its kind goes beside it as a label. */
export function summaryWords(s: RefSummary): string {
  if (!s.shared) return 'Not shared with you';
  return s.title ?? `Untitled ${kindWords(s.type).toLowerCase()}`;
}

/** An object's kind as the small label beside its name: an identity is an organization to the people reading. */
export function kindWords(type: string): string {
  return type === 'identity' ? 'Organization' : typeLabel(type);
}

/** One line of "Referred to by": the object, and how it points here ("refers to this", "indicates this"). */
export function referrerVerb(entry: ConnectionsBody['referred_by'][number]): string {
  if (entry.relationship !== null) return entry.relationship.type.replace(/-/g, ' ');
  const via = entry.via[0];
  return via === undefined ? 'refers to' : viaWords(via);
}

/**
 * How much larger the graph's names are drawn so that, once the whole graph is fitted into its box at `zoom`, a
 * name still reads at about 11 px on screen (a phone fits a wide graph at a third of its size); 1 when it already does.
 */
export function labelScale(zoom: number): number {
  if (!(zoom > 0)) return 1;
  return Math.max(1, Math.min(3, 0.8 / zoom));
}

/** The graph's nodes and edges as Cytoscape elements: unshared nodes are grey and say only "Not shared with you". */
export function graphElements(graph: GraphBody): { data: Record<string, string | number | boolean> }[] {
  const nodes = graph.nodes.map((n) => ({
    data: n.shared
      ? { id: n.key, label: clip(n.title ?? typeLabel(n.type)), kind: typeLabel(n.type), shared: true, root: n.key === graph.root, tlp: n.tlp, hop: n.hop }
      : { id: n.key, label: 'Not shared with you', kind: '', shared: false, root: false, tlp: '', hop: n.hop },
  }));
  const edges = graph.edges.map((e, i) => ({ data: { id: `e${i}`, source: e.source, target: e.target, label: e.label } }));
  return [...nodes, ...edges];
}

/**
 * The graph's nodes as a list for keyboard and screen-reader users, beside the drawing: by steps out, then by name;
 * the items not shared with the reader only counted (they have no page to open).
 */
export function graphList(graph: GraphBody): { readonly steps: number; readonly items: { readonly id: string; readonly title: string; readonly kind: string }[]; readonly notShared: number }[] {
  const byHop = new Map<number, { items: { id: string; title: string; kind: string }[]; notShared: number }>();
  for (const n of graph.nodes) {
    if (n.key === graph.root) continue;
    const hop = byHop.get(n.hop) ?? { items: [], notShared: 0 };
    byHop.set(n.hop, hop);
    if (n.shared) hop.items.push({ id: n.id, title: n.title ?? typeLabel(n.type), kind: typeLabel(n.type) });
    else hop.notShared += 1;
  }
  return [...byHop]
    .sort(([a], [b]) => a - b)
    .map(([steps, h]) => ({ steps, items: h.items.sort((a, b) => a.title.localeCompare(b.title)), notShared: h.notShared }));
}

function clip(s: string): string {
  return s.length > 40 ? `${s.slice(0, 39)}…` : s;
}

/** An hour the server gives (e.g. last_sighted) in words: "3 Nov 2026, between 14:00 and 15:00", in the reader's time zone. */
export function hourWords(iso: string, locale?: string): string {
  const start = new Date(iso);
  if (Number.isNaN(start.getTime())) return iso;
  const end = new Date(start.getTime() + 3_600_000);
  const time = (d: Date) => d.toLocaleTimeString(locale, { hour: '2-digit', minute: '2-digit', hour12: false });
  return `${start.toLocaleDateString(locale, { year: 'numeric', month: 'short', day: 'numeric' })}, between ${time(start)} and ${time(end)}`;
}
