import type { Reader, StixStore } from '../store/types.ts';
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
      // Where the store's versions end before this write: what it stores comes after.
      const before = await newestAddedUs(stix);
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
      if (result.ok && count > 0) bus.publish({ kind: 'stored', count, ...(await whereStored(stix, before)) });
      return result;
    },
    async reshare(id, sharing) {
      await stix.reshare(id, sharing);
      bus.publish({ kind: 'reshared', id });
    },
    get: (reader, id) => stix.get(reader, id),
    versions: (reader, id) => stix.versions(reader, id),
    seenBy: (readers, id, addedUs) => stix.seenBy(readers, id, addedUs),
    list: (reader, query) => stix.list(reader, query),
    count: (reader, query) => stix.count(reader, query),
    listCounted: (reader, query, atMost) => stix.listCounted(reader, query, atMost),
    indicators: (reader, page) => stix.indicators(reader, page),
    changeMark: (type) => stix.changeMark(type),
    changeMarks: (types) => stix.changeMarks(types),
    close: () => stix.close(),
  };
}

const OPERATOR: Reader = { kind: 'operator' };
/** Above this many versions a change names no audience: every feed asks, as before. */
const NAMED_LIMIT = 200;

async function newestAddedUs(stix: StixStore): Promise<number> {
  const page = await stix.list(OPERATOR, { versions: 'all', order: 'desc', limit: 1 });
  return page.ok ? (page.value.items[0]?.addedUs ?? 0) : 0;
}

/**
 * The audience keys and owners of the versions stored after `before`, as the store keeps them (it may
 * keep an earlier audience or narrow an older version's, so the incoming objects cannot say). Versions
 * other writes stored meanwhile are included too, which only wakes more feeds. Nothing when there are many.
 * With them, the versions themselves (id and added time, never their content).
 */
async function whereStored(stix: StixStore, before: number): Promise<{ audience?: string[]; owners?: string[]; versions?: { id: string; added_us: number }[] }> {
  const page = await stix.list(OPERATOR, { addedAfterUs: before, versions: 'all', limit: NAMED_LIMIT });
  if (!page.ok || page.value.nextCursor !== null) return {};
  const audience = new Set<string>();
  const owners = new Set<string>();
  for (const v of page.value.items) {
    owners.add(v.sharing.owner);
    for (const key of v.sharing.audience) audience.add(key);
  }
  // Which versions, by id and added time only: each process then asks the store who of its feeds may see them.
  return { audience: [...audience], owners: [...owners], versions: page.value.items.map((v) => ({ id: v.id, added_us: v.addedUs })) };
}
