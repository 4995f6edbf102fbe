import type { Problem } from '../domain/problem.ts';
import { ok, type Result } from '../domain/result.ts';
import { SCO_TYPES } from '../stix/schema/index.ts';
import type { Reader, StixStore } from '../store/types.ts';
import { buildEvents, type BuiltEvent } from './events.ts';

/**
 * The STIX types a MISP event can be made from: its head (report, incident), what it holds and how it is
 * written (indicators, observations and their observables, notes, relationships, techniques, actors,
 * vulnerabilities, the sightings and false-positive opinions on its attributes) and the owner's identity
 * (its name is the event's Orgc). A write of any other type cannot change an event.
 */
export const EVENT_TYPES: readonly string[] = ['report', 'incident', 'indicator', 'observed-data', 'note', 'relationship', 'attack-pattern', 'threat-actor', 'intrusion-set', 'campaign', 'vulnerability', 'sighting', 'opinion', 'identity', ...SCO_TYPES];

/** What the MISP export and feed read: every event a reader may see, built once per key set and change of the store. */
export interface MispEventCache {
  events(reader: Reader): Promise<Result<readonly BuiltEvent[], Problem>>;
}

/**
 * Who a reader is for the sharing rule: an organization's member sees what its organization owns and what is
 * shared with one of its keys, so two readers with the same organization and keys see the same events.
 */
export function readerKey(reader: Reader): string {
  switch (reader.kind) {
    case 'member':
      return `member|${reader.orgId}|${[...reader.keys].sort().join(',')}`;
    case 'audience':
      return `audience|${[...reader.keys].sort().join(',')}`;
    case 'public':
    case 'operator':
      return reader.kind;
  }
}

/**
 * Every event a reader may see (docs/misp.md, "Caching"), remembered per reader key set (`readerKey`) with the store's
 * change marks of every type an event is made from (`EVENT_TYPES`): while no version of those types is added,
 * replaced, revoked or reshared, the next request of the same key set is answered from memory; after a change it is
 * built again. The marks are read before building, so a write during a build only makes the next request build
 * again. At most `max` key sets are kept (the least recently used leaves first); concurrent requests of one key set
 * and mark share one build.
 */
export function mispEventCache(stix: StixStore, options: { readonly max?: number } = {}): MispEventCache {
  const max = options.max ?? 32;
  const entries = new Map<string, { mark: string; events: Promise<Result<readonly BuiltEvent[], Problem>> }>();

  async function markOf(): Promise<string> {
    // One statement for every type, not one query each on every request.
    return (await stix.changeMarks(EVENT_TYPES)).join(',');
  }

  return {
    async events(reader) {
      const key = readerKey(reader);
      const mark = await markOf();
      const entry = entries.get(key);
      if (entry !== undefined && entry.mark === mark) {
        // Most recently used last.
        entries.delete(key);
        entries.set(key, entry);
        return entry.events;
      }
      const events = buildEvents(stix, reader).then((r) => (r.ok ? ok(r.value as readonly BuiltEvent[]) : r));
      entries.delete(key);
      entries.set(key, { mark, events });
      while (entries.size > max) {
        const oldest = entries.keys().next().value;
        if (oldest === undefined) break;
        entries.delete(oldest);
      }
      // A failed build is not kept: the next request tries again.
      const forget = () => {
        if (entries.get(key)?.events === events) entries.delete(key);
      };
      try {
        const result = await events;
        if (!result.ok) forget();
        return result;
      } catch (error) {
        forget();
        throw error;
      }
    },
  };
}
