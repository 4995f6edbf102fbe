import { query } from './api.ts';
import type { Loadable } from './use-api.ts';
import { useRoute } from './use-api.ts';

/**
 * Search results to pick from, what members shared first and the reference library (ATT&CK, DISARM) after it, at most
 * `limit` in all: searched together, the library's thousands of older entries came first (oldest first) and a word such as
 * "phishing" filled the ten places with ATT&CK Mobile malware before the indicator or campaign a member shared.
 */
export function membersFirst<T extends { readonly id?: unknown }>(members: readonly T[], reference: readonly T[], limit: number): T[] {
  const seen = new Set(members.map((m) => m.id));
  return [...members, ...reference.filter((r) => !seen.has(r.id))].slice(0, limit);
}

/** The objects of `types` that match `q` (null: no search yet), members' items first, each list best match first. */
export function useMembersFirstSearch(q: string | null, types: string, limit = 10): Loadable<readonly unknown[]> {
  const ask = (reference: 'only' | null) => query({ q, type: types, reference, sort: 'relevance', order: 'desc', limit });
  const members = useRoute('/api/v1/objects', { query: ask(null), skip: q === null });
  const reference = useRoute('/api/v1/objects', { query: ask('only'), skip: q === null });
  if (members.state !== 'ready') return members;
  if (reference.state !== 'ready') return reference;
  const ids = (items: readonly unknown[]) => items.map((i) => (typeof i === 'object' && i !== null ? (i as { id?: unknown }) : {}));
  return { state: 'ready', value: membersFirst(ids(members.value.items), ids(reference.value.items), limit) };
}
