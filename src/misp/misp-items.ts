import { uuidV5 } from '../domain/uuid.ts';
import type { Tlp } from '../domain/tlp.ts';
import type { MispAttribute, MispEvent, MispTag } from './schema.ts';
import { stricterTlp, type Distribution, type MispReach } from './sharing.ts';

/** Small readings of MISP items the converter (to-stix.ts) shares: ids, times, reach, TLP, labels. */

/** Namespace of ids Rampart derives for MISP items whose uuid STIX cannot use. */
export const MISP_NAMESPACE = 'a1f4c3d2-7b1e-5c0a-9e6f-3d2b1a0c9e8f';
export const STIX_UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[1-5][0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/;

export const isoOf = (seconds: number): string => new Date(seconds * 1000).toISOString();
export const intOf = (v: string | number | null | undefined): number | null => (v === null || v === undefined ? null : Number(v));

export function stixUuid(raw: string | null | undefined, fallbackName: string): string {
  const lower = (raw ?? '').toLowerCase();
  return STIX_UUID.test(lower) ? lower : uuidV5(fallbackName, MISP_NAMESPACE);
}

export function reachOf(item: { distribution?: string | number | null; sharing_group_id?: string | number | null; SharingGroup?: { uuid?: string | null } | null }, parent: MispReach | null, event: MispEvent): MispReach | null {
  const d = intOf(item.distribution);
  if (d === null || d === 5) return parent;
  if (d < 0 || d > 4) return null;
  if (d !== 4) return { distribution: d as Distribution, sharingGroup: null };
  const sameAsEvent = item.sharing_group_id !== undefined && item.sharing_group_id !== null && String(item.sharing_group_id) === String(event.sharing_group_id ?? '');
  return { distribution: 4, sharingGroup: item.SharingGroup?.uuid ?? (sameAsEvent ? (event.SharingGroup?.uuid ?? null) : null) };
}

export const stricterOf = (a: Tlp | null, b: Tlp | null): Tlp | null => (a === null ? b : b === null ? a : stricterTlp(a, b));
export const isIds = (attr: MispAttribute): boolean => attr.to_ids === true || attr.to_ids === '1';
export const isTechniqueTag = (name: string): boolean => /^misp-galaxy:[^=]*(attack-pattern|technique)[^=]*=/.test(name);
export const labelsOf = (tags: readonly MispTag[]): string[] => tags.map((t) => t.name).filter((n) => !n.toLowerCase().startsWith('tlp:') && !isTechniqueTag(n));

