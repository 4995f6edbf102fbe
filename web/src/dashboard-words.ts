import { placeName } from './states.ts';
import { formatWhen, shortId, typeLabel } from './format.ts';

/** A name for a listed item the server sent without one: its kind in words and a short id, never the bare STIX id. */
export function itemTitle(item: { readonly name: string | null; readonly type: string; readonly id: string }): string {
  if (item.name !== null && item.name !== '') return item.name;
  return `${typeLabel(item.type)} (${shortId(item.id).slice(item.type.length + 2)})`;
}

/** The states on the map in one sentence, busiest first, for people who cannot point at the map (phones, screen readers). */
export function mapSummary(counts: Readonly<Record<string, number>>, what: string): string {
  const places = Object.entries(counts)
    .filter(([, n]) => n > 0)
    .sort(([fa, a], [fb, b]) => b - a || placeName(fa).localeCompare(placeName(fb)))
    .map(([fips, n]) => `${placeName(fips)} ${n}`);
  if (places.length === 0) return `No ${what} in any state or territory.`;
  return `${what.charAt(0).toUpperCase()}${what.slice(1)}: ${places.join(', ')}.`;
}

/** Under a status row's jurisdiction: which election day, and when the status was reported. */
export function statusWhen(electionDate: string, modified: string | null, now: Date): string {
  const day = /^\d{4}-\d{2}-\d{2}$/.test(electionDate)
    ? new Date(`${electionDate}T12:00:00Z`).toLocaleDateString('en-US', { year: 'numeric', month: 'short', day: 'numeric', timeZone: 'UTC' })
    : electionDate;
  return modified === null ? `Election of ${day}` : `Election of ${day} · reported ${formatWhen(modified, now)}`;
}
