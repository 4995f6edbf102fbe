import { SEVERITIES, type Severity } from '../domain/election.ts';
import { TLP_LEVELS, type Tlp } from '../domain/tlp.ts';
import type { WatchCriteria } from '../notifications/schemas.ts';
import { valueQuery } from '../store/search-values.ts';
import type { SavedQuery } from './schemas.ts';

/** What a saved search becomes as a watch rule, and in plain words what of it a watch rule cannot hold. */
export interface WatchRuleDraft {
  readonly criteria: WatchCriteria;
  readonly notCarried: readonly string[];
}

const split = (v: string | undefined): string[] => (v === undefined ? [] : [...new Set(v.split(',').map((x) => x.trim()).filter((x) => x !== ''))]);
const isTlp = (v: string): v is Tlp => (TLP_LEVELS as readonly string[]).includes(v);
const isSeverity = (v: string): v is Severity => (SEVERITIES as readonly string[]).includes(v);

/**
 * Maps a saved search onto watch-rule criteria (src/notifications/schemas.ts): types, TLP, states carry over as they are;
 * the search text becomes one keyword; severities become "at least" the lowest. The rest has no place in a watch rule,
 * which looks at each new item as it is shared, and is named in `notCarried`.
 */
export function watchRuleDraft(query: SavedQuery): WatchRuleDraft {
  const notCarried: string[] = [];
  const criteria: { -readonly [K in keyof WatchCriteria]: WatchCriteria[K] } = {};
  const q = query.q?.trim() ?? '';
  if (q !== '') {
    if (q.length < 2 || q.length > 100) notCarried.push(`the search "${q}" (a watch rule's keyword is 2 to 100 characters)`);
    else {
      criteria.keywords = [q];
      const vq = valueQuery(q);
      if (vq !== null && vq.kind === 'ip') notCarried.push(`addresses inside "${q}": the rule looks for the text "${q}" itself, not for an address range`);
      else if (vq !== null && vq.kind === 'domain') notCarried.push(`subdomains of "${q}": the rule looks for the text "${q}", which a subdomain holds only when written in full`);
      else if (q.includes(' ')) notCarried.push(`the words of "${q}" apart: the rule looks for them together, as one phrase`);
    }
  }
  const types = split(query.type);
  if (types.length > 0) criteria.types = types.slice(0, 50);
  // The list leaves relationships and election-day status reports out by default; a rule has no such filter, and
  // neither is what a rule watches for (status reports have the election-day pages and their own alerts).
  if (split(query.exclude_type).some((t) => t !== 'relationship' && t !== 'x-rampart-status-report')) notCarried.push('types left out (a watch rule names the types it wants)');
  const tlps = split(query.tlp).filter(isTlp);
  if (tlps.length > 0) criteria.tlp = tlps;
  const severities = split(query.severity).filter(isSeverity);
  if (severities.length > 0) {
    const lowest = SEVERITIES.find((s) => severities.includes(s)) ?? 'low';
    criteria.min_severity = lowest;
    const above = SEVERITIES.slice(SEVERITIES.indexOf(lowest));
    if (above.some((s) => !severities.includes(s))) notCarried.push(`severity exactly ${severities.join(' or ')}: the rule watches ${lowest} and above`);
  }
  const states = split(query.state);
  if (states.length > 0) criteria.states = states.slice(0, 50);
  if (query.owner !== undefined) notCarried.push('the owner organizations');
  if (query.label !== undefined) notCarried.push('the labels');
  if (query.modified_from !== undefined || query.modified_to !== undefined) notCarried.push('the date range (a watch rule looks at what is shared from now on)');
  if (query.reference === 'only') notCarried.push('the reference library (a watch rule looks at intelligence shared with you)');
  return { criteria, notCarried };
}
