import { ELECTION_FUNCTION_TAXONOMY, STATUS_LEVEL_TEXT, type ElectionFunction, type IncidentCategory, type Severity, type StatusLevel } from '../../src/domain/election.ts';

/**
 * "5 min ago" for the last day, then a plain date and time in the reader's locale. Minutes and hours are whole ones
 * passed ("2 hours ago" until 3 hours have passed), as people read such labels; rounding made two screens a minute
 * apart disagree by an hour at the half hour.
 */
export function formatWhen(iso: string | null | undefined, now: Date, locale?: string): string {
  if (iso === null || iso === undefined) return '—';
  const t = new Date(iso);
  if (Number.isNaN(t.getTime())) return iso;
  const seconds = Math.floor((now.getTime() - t.getTime()) / 1000);
  if (seconds >= 0 && seconds < 60) return 'just now';
  if (seconds >= 0 && seconds < 3600) return `${Math.floor(seconds / 60)} min ago`;
  if (seconds >= 0 && seconds < 86_400) {
    const h = Math.floor(seconds / 3600);
    return `${h} hour${h === 1 ? '' : 's'} ago`;
  }
  return t.toLocaleString(locale, { year: 'numeric', month: 'short', day: 'numeric', hour: '2-digit', minute: '2-digit' });
}

const TYPE_LABELS: Readonly<Record<string, string>> = {
  'attack-pattern': 'Technique',
  'course-of-action': 'Mitigation',
  'x-rampart-status-report': 'Election-day status',
  // An election, as the Election day page names it ("Rampart election" read as a product, not a thing).
  'x-rampart-election': 'Election',
  'threat-actor': 'Threat actor',
  'intrusion-set': 'Intrusion set',
  'marking-definition': 'Marking',
  'extension-definition': 'Extension',
  'observed-data': 'Observed data',
};

/** A STIX type as people say it: `threat-actor` → "Threat actor". */
export function typeLabel(type: string): string {
  const known = TYPE_LABELS[type];
  if (known !== undefined) return known;
  const words = type.replace(/^x-/, '').replace(/-/g, ' ');
  return words.charAt(0).toUpperCase() + words.slice(1);
}

export const CATEGORY_LABELS: Readonly<Record<IncidentCategory, string>> = {
  cyber: 'Cyber (hacking, phishing, malware, outage from an attack)',
  influence: 'False rumour or disinformation',
  physical: 'Physical (threat, break-in, equipment damage)',
  operational: 'Operational (equipment failure, staffing, supplies)',
  'threat-to-election-workers': 'Threat to election officials or workers',
};

/** Election functions in words, from the one taxonomy (src/domain/election.ts). */
export const FUNCTION_LABELS: Readonly<Record<ElectionFunction, string>> = Object.fromEntries(ELECTION_FUNCTION_TAXONOMY.map((f) => [f.id, f.label])) as Record<ElectionFunction, string>;

export const SEVERITY_LABELS: Readonly<Record<Severity, string>> = {
  low: 'Low — no effect on voters',
  moderate: 'Moderate — some delay or confusion',
  high: 'High — voters or counting affected',
  critical: 'Critical — voting or counting stopped',
};

export const STATUS_LABELS: Readonly<Record<StatusLevel, string>> = STATUS_LEVEL_TEXT;

/** A short id for display: `incident--1234abcd…`. */
export function shortId(id: string): string {
  const at = id.indexOf('--');
  return at < 0 ? id : `${id.slice(0, at + 10)}…`;
}

/** Plain-number formatting with thousands separators. */
export function count(n: number, locale?: string): string {
  return n.toLocaleString(locale ?? 'en-US');
}

/** "1 incident" / "3 incidents". */
export function plural(n: number, one: string, many = `${one}s`): string {
  return `${count(n)} ${n === 1 ? one : many}`;
}
