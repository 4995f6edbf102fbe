/** What a title may name beside the object itself: only things the reader may see (null otherwise). */
export interface TitleContext {
  /** The title of the object a sighting is of, when the reader may see it. */
  readonly sightingOf: string | null;
  /** The name of the organization that owns the object (the reader sees the object, so it may know its owner). */
  readonly ownerName: string | null;
}

import { statusReportWords } from '../domain/election.ts';

const text = (v: unknown): string | null => (typeof v === 'string' && v.trim() !== '' ? v.trim() : null);

/** The type part of an id in words: `threat-actor--…` → "threat actor". */
function typeWords(ref: unknown): string {
  return typeof ref === 'string' && ref.includes('--') ? ref.slice(0, ref.indexOf('--')).replace(/-/g, ' ') : 'object';
}

const MAX = 140;
const short = (s: string) => (s.length > MAX ? `${s.slice(0, MAX - 1)}…` : s);

/** The day of a STIX timestamp, e.g. 2026-11-03 (null when there is none). */
function day(v: unknown): string | null {
  const t = text(v);
  return t !== null && /^\d{4}-\d{2}-\d{2}/.test(t) ? t.slice(0, 10) : null;
}

/** "Election-day status of Kewaunee County, WI: degraded (Check-in and e-pollbooks)", or "…: all normal". */
function statusTitle(object: Readonly<Record<string, unknown>>, ownerName: string | null): string {
  return short(`Election-day status${ownerName === null ? '' : ` of ${ownerName}`}: ${statusReportWords(object['functions'])}`);
}

/**
 * A readable title for any STIX object: its name, else a value, pattern or excerpt. A sighting reads
 * "Sighting of <indicator> by <organization> on <day>", naming the indicator only when the reader may see it.
 */
export function titleOf(object: Readonly<Record<string, unknown>>, context: TitleContext = { sightingOf: null, ownerName: null }): string | null {
  const type = object['type'];
  if (type === 'sighting') {
    const of = context.sightingOf ?? `an ${typeWords(object['sighting_of_ref']) === 'indicator' ? 'indicator' : 'item'} not shared with you`;
    const by = context.ownerName === null ? '' : ` by ${context.ownerName}`;
    const when = day(object['last_seen']) ?? day(object['first_seen']) ?? day(object['created']);
    return short(`Sighting of ${of}${by}${when === null ? '' : ` on ${when}`}`);
  }
  if (type === 'x-rampart-status-report') return statusTitle(object, context.ownerName);
  if (type === 'relationship' && typeof object['relationship_type'] === 'string') {
    return `${typeWords(object['source_ref'])} ${object['relationship_type'].replace(/-/g, ' ')} ${typeWords(object['target_ref'])}`;
  }
  const name = text(object['name']) ?? text(object['value']) ?? text(object['pattern']) ?? text(object['content']) ?? text(object['opinion']) ?? text(object['abstract']);
  return name === null ? null : short(name);
}
