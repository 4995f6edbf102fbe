import type { StixId } from '../../src/domain/ids.ts';
import { ok } from '../../src/domain/result.ts';
import type { IncomingObject, ListQuery, PutOutcome, StixStore, StoredVersion } from '../../src/store/types.ts';

/**
 * A small in-memory StixStore following the contract in src/store/types.ts, for fast pipeline
 * tests; the same tests also run against the real store (SQLite, and PostgreSQL when configured).
 */
export function memoryStixStore(): StixStore & { readonly rows: () => readonly StoredVersion[] } {
  let rows: StoredVersion[] = [];
  let clock = 1;
  const latest = (list: StoredVersion[]) => {
    const newest = new Map<string, StoredVersion>();
    for (const r of list) {
      const cur = newest.get(r.id);
      if (cur === undefined || (r.modified ?? '') >= (cur.modified ?? '')) newest.set(r.id, r);
    }
    return list.map((r) => ({ ...r, isLatest: newest.get(r.id) === r }));
  };
  const filter = (q: Omit<ListQuery, 'limit' | 'cursor'>) =>
    rows.filter((r) => (q.versions === 'all' || r.isLatest) && (q.types === undefined || q.types.includes(r.type)) && (q.excludeTypes === undefined || !q.excludeTypes.includes(r.type)) && (q.addedAfterUs === undefined || r.addedUs > q.addedAfterUs));
  return {
    rows: () => rows,
    async write(fn) {
      const staged = [...rows];
      const result = await fn({
        putBatch(items: readonly IncomingObject[], policy): Promise<readonly PutOutcome[]> {
          return Promise.resolve(
            items.map((item): PutOutcome => {
              const same = staged.findIndex((r) => r.id === item.id && r.modified === item.modified);
              const version: StoredVersion = { id: item.id, type: item.type, modified: item.modified, addedUs: clock++, json: item.json, sharing: item.sharing, revoked: item.revoked, isLatest: true };
              if (same >= 0) {
                if (staged[same]?.json === item.json) return { kind: 'unchanged' };
                if (policy === 'reject') return { kind: 'rejected', code: 'version-conflict', message: `${item.id} version ${item.modified ?? '-'} already stored with different content` };
                staged[same] = version;
                return { kind: 'new-version' };
              }
              const known = staged.some((r) => r.id === item.id);
              staged.push(version);
              return { kind: known ? 'new-version' : 'added' };
            }),
          );
        },
        owners: (ids) => Promise.resolve(new Map(staged.filter((r) => ids.includes(r.id)).map((r) => [r.id, r.sharing.owner]))),
      });
      if (result.ok) rows = latest(staged);
      return result;
    },
    get: (_reader, id: StixId) => Promise.resolve(rows.find((r) => r.id === id && r.isLatest) ?? null),
    versions: (_reader, id: StixId) => Promise.resolve(rows.filter((r) => r.id === id)),
    list(_reader, q) {
      const all = q.order === 'desc' ? filter(q).reverse() : filter(q);
      const start = q.cursor === undefined ? 0 : Number(q.cursor);
      const items = all.slice(start, start + q.limit);
      return Promise.resolve(ok({ items, nextCursor: start + q.limit < all.length ? String(start + q.limit) : null }));
    },
    count: (_reader, q = {}) => Promise.resolve(filter(q).length),
    indicators(_reader, page) {
      const text = (value: unknown) => (typeof value === 'string' ? value : null);
      const latest = rows.filter((r) => r.isLatest && !r.revoked && r.type === 'indicator' && r.addedUs > (page.afterUs ?? -1)).sort((a, b) => a.addedUs - b.addedUs);
      const out = [];
      for (const r of latest) {
        const json = JSON.parse(r.json) as Record<string, unknown>;
        const pattern = json['pattern'];
        if (json['pattern_type'] !== 'stix' || typeof pattern !== 'string') continue;
        out.push({ id: r.id, addedUs: r.addedUs, owner: r.sharing.owner, name: text(json['name']), pattern, validFrom: text(json['valid_from']), validUntil: text(json['valid_until']) });
      }
      return Promise.resolve(out.slice(0, page.limit));
    },
    reshare(id, sharing) {
      rows = rows.map((r) => (r.id === id ? { ...r, sharing } : r));
      return Promise.resolve();
    },
    close: () => Promise.resolve(),
  };
}
