import { LISTED_ELSEWHERE } from '../../src/domain/listed-elsewhere.ts';
import { refang } from './pattern-words.ts';

/** The Intelligence list's filters as its page address names them, and the API query they stand for (GET /api/v1/objects, saved searches). */
export const FILTERS = ['q', 'type', 'tlp', 'owner', 'severity', 'state', 'label', 'since', 'until', 'sort', 'reference'] as const;
export type Filter = (typeof FILTERS)[number];
export type Filters = Readonly<Record<Filter, string>>;

/** The list's orders, as the page address names them, and what each asks the server for. */
export const SORTS: readonly (readonly [string, string, Readonly<{ sort?: 'modified' | 'name' | 'relevance'; order: 'asc' | 'desc' }>])[] = [
  ['', 'Newest shared first', { order: 'desc' }],
  ['changed', 'Latest changes first', { sort: 'modified', order: 'desc' }],
  ['oldest', 'Oldest changes first', { sort: 'modified', order: 'asc' }],
  ['name', 'Name, A to Z', { sort: 'name', order: 'asc' }],
  ['relevance', 'Best match first', { sort: 'relevance', order: 'desc' }],
];

/** How many of the newest matches "Best match first" ranks (the server's RANKED_AMONG, src/store/stix-read.ts; a test keeps them equal). */
export const RANKED_AMONG = 1000;

const DAY = /^\d{4}-\d{2}-\d{2}$/;

/** The types the list leaves out while no type is chosen (the dashboard counts them apart, src/domain/listed-elsewhere.ts). */
export const DEFAULT_LEFT_OUT: readonly string[] = LISTED_ELSEWHERE;

export const emptyFilters = (): Record<Filter, string> => Object.fromEntries(FILTERS.map((k) => [k, ''])) as Record<Filter, string>;

/** The sort choice in force: best match needs words to rank, so without a search the list is newest shared first. */
export function sortChoiceOf(f: Filters) {
  return SORTS.find(([key]) => key === f.sort && (key !== 'relevance' || f.q !== '')) ?? SORTS[0];
}

/** The API query (without page) of the address's filters; dates are whole UTC days, "until" taking in all of its day. */
export function apiQueryOf(f: Filters): Record<string, string> {
  const sort = sortChoiceOf(f)?.[2] ?? { order: 'desc' };
  const out: Record<string, string> = {};
  const put = (k: string, v: string | undefined) => {
    if (v !== undefined && v !== '') out[k] = v;
  };
  put('q', f.q);
  put('type', f.type);
  // Unless a type is chosen, the working list leaves out what reads better elsewhere: relationships (on the items they
  // link) and election-day status reports (on the Election day pages), which would otherwise fill it on election day.
  put('exclude_type', f.type === '' ? DEFAULT_LEFT_OUT.join(',') : '');
  put('reference', f.reference === 'only' ? 'only' : '');
  put('tlp', f.tlp);
  put('owner', f.owner);
  put('severity', f.severity);
  put('state', f.state);
  put('label', f.label);
  put('modified_from', DAY.test(f.since) ? `${f.since}T00:00:00Z` : '');
  put('modified_to', DAY.test(f.until) ? `${f.until}T23:59:59.999Z` : '');
  put('sort', sort.sort);
  put('order', sort.order);
  return out;
}

/** The address's filters of a saved API query: the inverse of apiQueryOf for what it writes. */
export function filtersOf(q: Readonly<Record<string, string | undefined>>): Record<Filter, string> {
  const f = emptyFilters();
  for (const k of ['q', 'type', 'tlp', 'owner', 'severity', 'state', 'label'] as const) f[k] = q[k] ?? '';
  f.reference = q['reference'] === 'only' ? 'only' : '';
  f.since = (q['modified_from'] ?? '').slice(0, 10);
  f.until = (q['modified_to'] ?? '').slice(0, 10);
  f.sort = SORTS.find(([, , s]) => s.sort === q['sort'] && (s.sort === undefined || s.sort === 'relevance' || s.order === (q['order'] ?? 'asc')))?.[0] ?? '';
  return f;
}

/**
 * What the search box sends: the words as typed, except that one value pasted from a threat report written safe
 * ("defanged": 203.0.113[.]47, hxxp://evil[.]example) is searched as the value it stands for, as logs and items hold it.
 */
export function searchText(typed: string): string {
  const t = typed.trim();
  return /\s/.test(t) ? t : refang(t);
}
