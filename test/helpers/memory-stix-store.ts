import type { OrgId, StixId } from '../../src/domain/ids.ts';
import { ok } from '../../src/domain/result.ts';
import type { IncomingObject, ListQuery, PutOutcome, Reader, StixStore, StoredVersion } from '../../src/store/types.ts';

/** The sharing rule as the real store applies it, so that tests over this store cannot see more than they would there. */
function sees(reader: Reader, v: StoredVersion): boolean {
  if (reader.kind === 'operator') return true;
  if (reader.kind === 'public') return v.sharing.audience.includes('public');
  if (reader.kind === 'audience') return v.sharing.audience.some((k) => reader.keys.includes(k));
  return v.sharing.owner === reader.orgId || v.sharing.audience.some((k) => reader.keys.includes(k));
}

/**
 * A small in-memory StixStore following the contract in src/store/types.ts, for fast pipeline
 * tests; the same tests also run against the real store (SQLite, and PostgreSQL when configured).
 */
export function memoryStixStore(): StixStore & { readonly rows: () => readonly StoredVersion[] } {
  let rows: StoredVersion[] = [];
  let clock = 1;
  // Writes so far: every write changes the mark (a cache over this store is rebuilt more often than needed, never less).
  let changes = 0;
  // The log of re-shares: every reshare of a record held (the real store logs only one that changed something).
  const reshares: { seq: number; id: StixId; owner: string; atUs: number }[] = [];
  // One record per id and owner, as in the real store.
  const record = (r: { id: string; sharing: { owner: string } }) => `${r.id} ${r.sharing.owner}`;
  const latest = (list: StoredVersion[]) => {
    const newest = new Map<string, StoredVersion>();
    for (const r of list) {
      const cur = newest.get(record(r));
      if (cur === undefined || (r.modified ?? '') >= (cur.modified ?? '')) newest.set(record(r), r);
    }
    return list.map((r) => ({ ...r, isLatest: newest.get(record(r)) === r }));
  };
  const filter = (reader: Reader, q: Omit<ListQuery, 'limit' | 'cursor'>) =>
    rows.filter((r) => sees(reader, r) && (q.ids === undefined || q.ids.includes(r.id)) && (q.versions === 'all' || r.isLatest) && (q.types === undefined || q.types.includes(r.type)) && (q.excludeTypes === undefined || !q.excludeTypes.includes(r.type)) && (q.addedAfterUs === undefined || r.addedUs > q.addedAfterUs));
  const store: StixStore & { readonly rows: () => readonly StoredVersion[] } = {
    rows: () => rows,
    async write(fn) {
      const staged = [...rows];
      const result = await fn({
        putBatch(items: readonly IncomingObject[], policy): Promise<readonly PutOutcome[]> {
          return Promise.resolve(
            items.map((item): PutOutcome => {
              const same = staged.findIndex((r) => record(r) === record(item) && r.modified === item.modified);
              const version: StoredVersion = { id: item.id, type: item.type, modified: item.modified, addedUs: clock++, json: item.json, sharing: item.sharing, revoked: item.revoked, isLatest: true };
              if (same >= 0) {
                if (staged[same]?.json === item.json || (item.asReceived !== undefined && staged[same]?.json === item.asReceived)) return { kind: 'unchanged' };
                if (policy === 'reject') return { kind: 'rejected', code: 'version-conflict', message: `${item.id} version ${item.modified ?? '-'} already stored with different content` };
                staged[same] = version;
                return { kind: 'new-version' };
              }
              const known = staged.some((r) => record(r) === record(item));
              staged.push(version);
              return { kind: known ? 'new-version' : 'added' };
            }),
          );
        },
        visibleOwners(reader, ids) {
          const owners = new Map<StixId, OrgId[]>();
          for (const r of latest(staged)) if (r.isLatest && ids.includes(r.id) && sees(reader, r)) owners.set(r.id, [...(owners.get(r.id) ?? []), r.sharing.owner]);
          return Promise.resolve(owners);
        },
      });
      if (result.ok) {
        rows = latest(staged);
        changes++;
      }
      return result;
    },
    get: (reader, id: StixId) => {
      const visible = rows.filter((r) => r.id === id && r.isLatest && sees(reader, r));
      return Promise.resolve(visible.find((r) => reader.kind === 'member' && r.sharing.owner === reader.orgId) ?? visible.at(-1) ?? null);
    },
    versions: (reader, id: StixId) => Promise.resolve(rows.filter((r) => r.id === id && sees(reader, r))),
    seenBy: (readers, id: StixId, addedUs: number) => Promise.resolve(readers.map((reader) => rows.some((r) => r.id === id && r.addedUs === addedUs && sees(reader, r)))),
    list(reader, q) {
      const all = q.order === 'desc' ? filter(reader, q).reverse() : filter(reader, q);
      const start = q.cursor === undefined ? 0 : Number(q.cursor);
      const items = all.slice(start, start + q.limit);
      return Promise.resolve(ok({ items, nextCursor: start + q.limit < all.length ? String(start + q.limit) : null }));
    },
    count: (reader, q = {}) => Promise.resolve(Math.min(filter(reader, q).length, q.atMost === undefined ? Infinity : q.atMost + 1)),
    async listCounted(reader, q, atMost) {
      const page = await store.list(reader, q);
      return page.ok ? ok({ ...page.value, counted: await store.count(reader, { ...q, atMost }) }) : page;
    },
    indicators(reader, page) {
      const text = (value: unknown) => (typeof value === 'string' ? value : null);
      const latest = rows.filter((r) => sees(reader, r) && r.isLatest && !r.revoked && r.type === 'indicator' && r.addedUs > (page.afterUs ?? -1)).sort((a, b) => a.addedUs - b.addedUs);
      const out = [];
      for (const r of latest) {
        const json = JSON.parse(r.json) as Record<string, unknown>;
        const pattern = json['pattern'];
        if (json['pattern_type'] !== 'stix' || typeof pattern !== 'string') continue;
        out.push({ id: r.id, addedUs: r.addedUs, owner: r.sharing.owner, name: text(json['name']), pattern, validFrom: text(json['valid_from']), validUntil: text(json['valid_until']) });
      }
      return Promise.resolve(out.slice(0, page.limit));
    },
    changeMark: () => Promise.resolve(String(changes)),
    changeMarks: (types) => Promise.resolve(types.map(() => String(changes))),
    reshare(id, sharing) {
      changes++;
      if (!rows.some((r) => r.id === id && r.sharing.owner === sharing.owner)) return Promise.resolve(null);
      const atUs = clock++;
      reshares.push({ seq: reshares.length + 1, id, owner: sharing.owner, atUs });
      rows = rows.map((r) => (r.id === id && r.sharing.owner === sharing.owner ? { ...r, sharing } : r));
      return Promise.resolve(atUs);
    },
    reshares(after, limit) {
      if (after === null) return Promise.resolve({ through: reshares.length, entries: [] });
      const entries = reshares.filter((r) => r.seq > after).slice(0, limit);
      return Promise.resolve({ through: entries.at(-1)?.seq ?? after, entries });
    },
    resharedAfter: (afterUs, limit) => Promise.resolve(reshares.filter((r) => r.atUs > afterUs).slice(0, limit)),
    close: () => Promise.resolve(),
  };
  return store;
}
