import { ELECTION_ASSET_TYPES, type ElectionAssetType } from '../../../../src/domain/election.ts';
import type { ApiResponse } from '../../api.ts';
import { FUNCTION_LABELS } from '../../format.ts';
import { PLACES } from '../../states.ts';

/** A watch rule as the API lists it, and what it asks for (src/notifications/schemas.ts, through the OpenAPI document). */
export type Rule = ApiResponse<'/api/v1/me/watch-rules'>['rules'][number];
export type Criteria = Rule['criteria'];
export type WatchedLevel = NonNullable<Criteria['status_levels']>[number];
export type Severity = NonNullable<Criteria['min_severity']>;

export const WATCHED_TYPES: readonly { readonly type: string; readonly label: string }[] = [
  { type: 'incident', label: 'Incidents' },
  { type: 'x-rampart-status-report', label: 'Election-day status reports' },
  { type: 'indicator', label: 'Indicators (addresses, domains, files to look for)' },
  { type: 'report', label: 'Reports, advisories and joint statements' },
  { type: 'sighting', label: 'Sightings' },
  { type: 'note', label: 'Notes and rumour corrections' },
  { type: 'infrastructure', label: 'Election systems (assets)' },
  { type: 'threat-actor', label: 'Threat actors' },
  { type: 'campaign', label: 'Campaigns' },
];

/** Kinds of election infrastructure in plain words (the watch rule's asset types). */
export const ASSET_WORDS: Readonly<Record<ElectionAssetType, string>> = {
  'voter-registration-system': 'Voter registration system',
  'candidate-filing-system': 'Candidate filing system',
  'ballot-on-demand-printer': 'Ballot-on-demand printer',
  'mail-ballot-tracking': 'Mail ballot tracking',
  'e-pollbook': 'E-pollbook',
  'ballot-marking-device': 'Ballot-marking device',
  tabulator: 'Tabulator (scanner)',
  'election-management-system': 'Election management system',
  'results-website': 'Results website',
  'election-office-website': 'Election office website',
  email: 'Email',
  network: 'Network',
  other: 'Other',
};
export const ASSET_TYPES: readonly ElectionAssetType[] = ELECTION_ASSET_TYPES;

/** Where something was shared, as a watch rule names it (its `audience` values besides group:<id>). */
export const AUDIENCE_WORDS: Readonly<Record<string, string>> = {
  public: 'the public',
  community: 'every member organization',
  'my-state': 'my state',
  'my-organization': 'my organization only',
  me: 'me by name (TLP:RED)',
};

export const WATCHED_LEVELS: readonly { readonly level: WatchedLevel; readonly label: string }[] = [
  { level: 'degraded', label: 'Degraded' },
  { level: 'disrupted', label: 'Disrupted' },
  { level: 'compromise-confirmed', label: 'Compromise confirmed' },
  { level: 'normal', label: 'Back to normal' },
];

export const EMAIL_WORDS: Readonly<Record<Rule['email'], string>> = {
  immediate: 'Email at once',
  digest: 'In the daily email digest',
  none: 'Only here, no email',
};

const TYPE_WORDS = new Map(WATCHED_TYPES.map((t) => [t.type, t.label.replace(/ \(.*\)$/, '').toLowerCase()]));
const SEVERITY_WORDS: Readonly<Record<string, string>> = { low: 'any severity', moderate: 'moderate or worse', high: 'high or critical', critical: 'critical' };

/** A rule's criteria in a sentence for election officials. */
export function describeCriteria(c: Criteria): string {
  const parts: string[] = [];
  parts.push(c.types === undefined ? 'Anything shared with you' : c.types.map((t) => TYPE_WORDS.get(t) ?? t).join(', ').replace(/^./, (s) => s.toUpperCase()));
  if (c.states !== undefined) parts.push(`in ${c.states.map((f) => PLACES.find((p) => p.fips === f)?.name ?? f).join(' or ')}`);
  if (c.min_severity !== undefined) parts.push(`of ${SEVERITY_WORDS[c.min_severity] ?? c.min_severity} severity`);
  if (c.keywords !== undefined) parts.push(`mentioning ${c.keywords.map((k) => `“${k}”`).join(' or ')}`);
  if (c.status_levels !== undefined) parts.push(`with a function ${c.status_levels.map((l) => WATCHED_LEVELS.find((w) => w.level === l)?.label.toLowerCase() ?? l).join(' or ')}`);
  if (c.tlp !== undefined) parts.push(`marked ${c.tlp.map((t) => `TLP:${t.toUpperCase()}`).join(' or ')}`);
  if (c.audience !== undefined) parts.push(`shared with ${c.audience.map((a) => AUDIENCE_WORDS[a] ?? (a.startsWith('group:') ? 'a sharing group' : a)).join(' or ')}`);
  if (c.functions !== undefined) parts.push(`about ${c.functions.map((f) => (FUNCTION_LABELS as Readonly<Record<string, string>>)[f]?.toLowerCase() ?? f).join(' or ')}`);
  if (c.asset_types !== undefined) parts.push(`concerning ${c.asset_types.map((a) => (ASSET_WORDS as Readonly<Record<string, string>>)[a]?.toLowerCase() ?? a).join(' or ')}`);
  if (c.refs !== undefined) parts.push(`naming ${c.refs.length} chosen technique${c.refs.length === 1 ? '' : 's'} or threat actor${c.refs.length === 1 ? '' : 's'}`);
  if (c.watch_list === true) parts.push('naming one of your watched domains, IP addresses or web addresses');
  return parts.join(' ');
}

/** What a watch-list entry is, as the API says (GET /api/v1/org/watch-list). */
export type WatchKind = ApiResponse<'/api/v1/org/watch-list'>['items'][number]['kind'];
export const WATCH_KINDS: readonly WatchKind[] = ['domain', 'cidr', 'email-domain', 'url'];

export const WATCH_KIND_WORDS: Readonly<Record<WatchKind, string>> = {
  domain: 'Domain (with its subdomains)',
  cidr: 'IP address or range',
  'email-domain': 'Email domain',
  url: 'Web address (and pages under it)',
};
