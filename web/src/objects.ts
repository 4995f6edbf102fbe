import { statusReportWords } from '../../src/domain/election.ts';
import { parseTlp, tlpOfMarkings, type Tlp } from '../../src/domain/tlp.ts';
import type { components } from './api-types.ts';

/** A row of the intelligence list, read from whatever item shape GET /api/v1/objects returns. */
export interface ObjectRow {
  readonly id: string;
  readonly type: string;
  readonly name: string | null;
  readonly description: string | null;
  readonly modified: string | null;
  readonly tlp: Tlp | null;
  readonly owner: string | null;
}

export function isRecord(v: unknown): v is Record<string, unknown> {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}
const s = (v: unknown): string | null => (typeof v === 'string' && v !== '' ? v : null);
const strings = (v: unknown): string[] => (Array.isArray(v) ? v.filter((x): x is string => typeof x === 'string') : []);

/** The type part of a reference, in words: `campaign--…` → "campaign". */
function typeOf(ref: unknown): string {
  return typeof ref === 'string' && ref.includes('--') ? ref.slice(0, ref.indexOf('--')).replace(/-/g, ' ') : 'object';
}

/** A display name for any STIX object: name, else a pattern, value or content excerpt. */
export function displayName(o: Record<string, unknown>): string | null {
  if (o['type'] === 'relationship' && typeof o['relationship_type'] === 'string') {
    return `${typeOf(o['source_ref'])} ${o['relationship_type'].replace(/-/g, ' ')} ${typeOf(o['target_ref'])}`;
  }
  if (o['type'] === 'x-rampart-status-report') return `Election-day status: ${statusReportWords(o['functions'])}`;
  const name = s(o['name']) ?? s(o['value']) ?? s(o['pattern']) ?? s(o['content']) ?? s(o['opinion']);
  if (name !== null) return name.length > 140 ? `${name.slice(0, 139)}…` : name;
  return null;
}

/** Sharing as the API reports it (`{ owner, tlp, audience }`: the OpenAPI document's Sharing schema). */
export type SharingView = Readonly<components['schemas']['Sharing']>;

export function readSharing(v: unknown): SharingView | null {
  if (!isRecord(v)) return null;
  const tlp = typeof v['tlp'] === 'string' ? parseTlp(v['tlp']) : undefined;
  const owner = s(v['owner']);
  if (tlp === undefined || owner === null) return null;
  return { owner, tlp, audience: strings(v['audience']) };
}

/** Accepts a bare STIX object, or `{ object, sharing }`. */
export function readObjectRow(item: unknown): ObjectRow | null {
  if (!isRecord(item)) return null;
  const object = isRecord(item['object']) ? item['object'] : item;
  const id = s(object['id']);
  const type = s(object['type']);
  if (id === null || type === null) return null;
  const sharing = readSharing(item['sharing']);
  return {
    id,
    type,
    name: displayName(object),
    description: s(object['description']),
    modified: s(object['modified']) ?? s(object['created']),
    tlp: sharing?.tlp ?? tlpOfMarkings(strings(object['object_marking_refs'])) ?? null,
    owner: sharing?.owner ?? s(object['created_by_ref']),
  };
}

/** The types worth filtering on, in the order people look for them. */
export const FILTER_TYPES = [
  'incident',
  'report',
  'note',
  'x-rampart-status-report',
  'indicator',
  'sighting',
  'threat-actor',
  'intrusion-set',
  'campaign',
  'malware',
  'attack-pattern',
  'infrastructure',
  'vulnerability',
  'course-of-action',
  'identity',
  'relationship',
] as const;
