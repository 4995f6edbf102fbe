import type { InsertedVersions, ResharedRecord, StixStore, StixWriter } from '../store/types.ts';
import type { Change, ChangeBus } from './bus.ts';

/**
 * The STIX store as the composed hub hands it to every feature: each committed write that stored
 * something, and each re-share, is announced on the bus. Wrapping here, once, covers every write
 * path (REST, import, TAXII, federation pulls, sightings) without the store knowing of the bus.
 * `here` hears this process's own changes only (the alert matcher: see src/hub/compose.ts).
 */
export function publishingStixStore(stix: StixStore, bus: ChangeBus, here?: (change: Change) => void): StixStore {
  const publish = (change: Change) => {
    bus.publish(change);
    here?.(change);
  };
  const publishAll = (changes: readonly Change[]) => {
    if (changes.length === 0) return;
    if (bus.publishAll === undefined) for (const change of changes) bus.publish(change);
    else bus.publishAll(changes);
    if (here !== undefined) for (const change of changes) here(change);
  };
  return {
    async write(fn) {
      let count = 0;
      let writing: StixWriter | undefined;
      const result = await stix.write(async (writer) => {
        writing = writer;
        return fn({
          async putBatch(items, policy) {
            const outcomes = await writer.putBatch(items, policy);
            for (const o of outcomes) if (o.kind === 'added' || o.kind === 'new-version') count++;
            return outcomes;
          },
          visibleOwners: (reader, ids) => writer.visibleOwners(reader, ids),
        });
      });
      // Only after the commit: a feed that wakes must find the rows. What the store's writer inserted, as stored (asked once the
      // write is done: PostgreSQL may send a write after fn answers), no query before or after it; a store that does not say names nothing.
      if (!result.ok) return result;
      const inserted = writing?.inserted?.();
      if (count > 0) publish({ kind: 'stored', count, ...namesOf(inserted) });
      // A new version with another audience or TLP re-shared its record (an import that changes sharing): said as REST's re-share is, one
      // change per record, many in one message; the versions' change came first, so a feed reporting the record as stored skips the re-share.
      publishAll(reshareChanges(inserted?.reshared ?? []));
      return result;
    },
    async reshare(id, sharing) {
      const at = await stix.reshare(id, sharing);
      // When it was logged: a live feed's cursor moves past it, so a stream resumed from there does not report it again.
      publish({ kind: 'reshared', id, owner: sharing.owner, ...(at === null ? {} : { at_us: at }) });
      return at;
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
    reshares: (after, limit) => stix.reshares(after, limit),
    resharedAfter: (afterUs, limit) => stix.resharedAfter(afterUs, limit),
    close: () => stix.close(),
  };
}

/** One `reshared` change per record (id and owner), with when its newest re-share in the write was logged. */
function reshareChanges(reshared: readonly ResharedRecord[]): Change[] {
  const byRecord = new Map<string, ResharedRecord>();
  for (const r of reshared) {
    const key = `${r.id} ${r.owner}`;
    const known = byRecord.get(key);
    if (known === undefined || known.atUs < r.atUs) byRecord.set(key, r);
  }
  return [...byRecord.values()].map((r) => ({ kind: 'reshared', id: r.id, owner: r.owner, at_us: r.atUs }));
}

/** Above this many versions a change names no audience: every feed asks, as before. */
const NAMED_LIMIT = 200;

type StoredNames = { audience?: string[]; owners?: string[]; versions?: { id: string; added_us: number }[] };

/**
 * What a change names of the versions stored: their audience keys and owners as the store keeps them (the write's own
 * rows, from the store's writer: no query before or after), and the versions by id and added time; nothing when many.
 */
function namesOf(inserted: InsertedVersions | undefined): StoredNames {
  if (inserted === undefined || inserted.count > NAMED_LIMIT) return {};
  const versions = inserted.first;
  const audience = new Set<string>();
  const owners = new Set<string>();
  for (const v of versions) {
    owners.add(v.owner);
    for (const key of v.audience) audience.add(key);
  }
  // Which versions, by id and added time only: each process then asks the store who of its feeds may see them.
  return { audience: [...audience], owners: [...owners], versions: versions.map((v) => ({ id: v.id, added_us: v.addedUs })) };
}
