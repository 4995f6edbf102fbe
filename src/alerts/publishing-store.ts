import type { StixStore } from '../store/types.ts';
import type { ChangeBus } from './bus.ts';

/**
 * The STIX store as the composed hub hands it to every feature: each committed write that stored
 * something, and each re-share, is announced on the bus. Wrapping here, once, covers every write
 * path (REST, import, TAXII, federation pulls, sightings) without the store knowing of the bus.
 */
export function publishingStixStore(stix: StixStore, bus: ChangeBus): StixStore {
  return {
    async write(fn) {
      let count = 0;
      const result = await stix.write((writer) =>
        fn({
          async putBatch(items, policy) {
            const outcomes = await writer.putBatch(items, policy);
            for (const o of outcomes) if (o.kind === 'added' || o.kind === 'new-version') count++;
            return outcomes;
          },
          visibleOwners: (reader, ids) => writer.visibleOwners(reader, ids),
        }),
      );
      // Only after the commit: a feed that wakes must find the rows.
      if (result.ok && count > 0) bus.publish({ kind: 'stored', count });
      return result;
    },
    async reshare(id, sharing) {
      await stix.reshare(id, sharing);
      bus.publish({ kind: 'reshared', id });
    },
    get: (reader, id) => stix.get(reader, id),
    versions: (reader, id) => stix.versions(reader, id),
    list: (reader, query) => stix.list(reader, query),
    count: (reader, query) => stix.count(reader, query),
    indicators: (reader, page) => stix.indicators(reader, page),
    close: () => stix.close(),
  };
}
