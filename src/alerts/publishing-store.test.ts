import { describe, expect, it } from 'vitest';
import type { OrgId } from '../domain/ids.ts';
import { freshStores, obj, put, share } from '../../test/helpers/stix-kit.ts';
import { testDialects } from '../../test/helpers/store.ts';
import type { StixStore } from '../store/types.ts';
import { inProcessBus, type Change } from './bus.ts';
import { publishingStixStore } from './publishing-store.ts';

const DANE = 'identity--00000001-0000-4000-8000-0000000000f1' as OrgId;
const SAUK = 'identity--00000002-0000-4000-8000-0000000000f2' as OrgId;
const OPERATOR = { kind: 'operator' } as const;

describe.each(testDialects())('the change a write announces on %s', (dialect) => {
  const fresh = freshStores(dialect);

  async function world() {
    const { store } = await fresh();
    const heard: Change[] = [];
    const bus = inProcessBus((e) => {
      throw e;
    });
    bus.subscribe((c) => heard.push(c));
    const reads = { list: 0, get: 0 };
    // The store under the publishing wrapper, with its reads counted: the change comes from the write itself.
    const counted: StixStore = {
      ...store.stix,
      list: (r, q) => {
        reads.list++;
        return store.stix.list(r, q);
      },
      get: (r, id) => {
        reads.get++;
        return store.stix.get(r, id);
      },
    };
    return { store, heard, reads, stix: publishingStixStore(counted, bus) };
  }

  it('names the audience keys, owners and versions as stored, without reading the store before or after', async () => {
    const { store, heard, reads, stix } = await world();
    const first = obj({ name: 'v1', sharing: share(DANE, 'amber', ['state:55']) });
    expect(await put(stix, [first, obj({ name: 'other', sharing: share(SAUK, 'green', ['community']) })])).toEqual(['added', 'added']);
    // A new version given no audience keeps the one before it: the change names what was stored, not what was asked.
    const second = { ...obj({ id: first.id, name: 'v2', modified: '2024-10-02T12:00:00.000Z', sharing: share(DANE, 'amber', [`org:${DANE}`]) }), audienceDefault: true };
    expect(await put(stix, [second])).toEqual(['new-version']);
    expect(await put(stix, [second])).toEqual(['unchanged']);
    expect(reads).toEqual({ list: 0, get: 0 });
    const all = await store.stix.list(OPERATOR, { versions: 'all', limit: 10 });
    if (!all.ok) throw new Error('list failed');
    const [a, b, c] = all.value.items;
    if (a === undefined || b === undefined || c === undefined) throw new Error('three versions expected');
    expect(heard).toEqual([
      { kind: 'stored', count: 2, audience: ['state:55', 'community'], owners: [DANE, SAUK], versions: [{ id: a.id, added_us: a.addedUs }, { id: b.id, added_us: b.addedUs }] },
      { kind: 'stored', count: 1, audience: ['state:55'], owners: [DANE], versions: [{ id: c.id, added_us: c.addedUs }] },
    ]);
    expect(c.sharing.audience).toEqual(['state:55']);
  });

  it('announces the records an import re-shares by a new version (one change each, after the versions), as REST re-shares do, in as few messages as the bus allows', async () => {
    const { store, heard, stix } = await world();
    const batches: Change[][] = [];
    const bus = inProcessBus((e) => {
      throw e;
    });
    bus.subscribe((c) => heard.push(c));
    const batching = publishingStixStore(store.stix, { ...bus, publishAll: (changes) => batches.push([...changes]) });
    const first = obj({ name: 'v1', sharing: share(DANE, 'amber', ['state:55']) });
    const kept = obj({ name: 'kept', sharing: share(DANE, 'green', ['community']) });
    await put(stix, [first, kept]);
    heard.length = 0;
    // A new version of `first` shared wider, a new version of `kept` with its sharing as it was, a new record.
    const wider = obj({ id: first.id, name: 'v2', modified: '2024-10-02T12:00:00.000Z', sharing: share(DANE, 'green', ['community']) });
    const same = obj({ id: kept.id, name: 'kept 2', modified: '2024-10-02T12:00:00.000Z', sharing: share(DANE, 'green', ['community']) });
    expect(await put(stix, [wider, same, obj({ sharing: share(SAUK, 'green', ['community']) })])).toEqual(['new-version', 'new-version', 'added']);
    const log = await store.stix.resharedAfter(0, 10);
    expect(log.map((e) => [e.id, e.owner])).toEqual([[first.id, DANE]]);
    expect(heard.map((c) => c.kind)).toEqual(['stored', 'reshared']);
    expect(heard[1]).toEqual({ kind: 'reshared', id: first.id, owner: DANE, at_us: log[0]?.atUs });
    // Many records at once: handed to the bus together, each once.
    const many = Array.from({ length: 300 }, (_, i) => obj({ name: `m${i}`, sharing: share(SAUK, 'amber', ['state:55']) }));
    await put(batching, many);
    expect(batches).toEqual([]);
    await put(batching, many.map((m) => ({ ...m, modified: '2024-10-03T12:00:00.000Z', json: m.json.replace('2024-10-01T12:00:00.000Z', '2024-10-03T12:00:00.000Z'), sharing: share(SAUK, 'green', ['community']) })));
    expect(batches).toHaveLength(1);
    expect(batches[0]?.map((c) => (c.kind === 'reshared' ? c.id : c.kind)).sort()).toEqual(many.map((m) => m.id).sort());
    const logged = await store.stix.resharedAfter(log[0]?.atUs ?? 0, 1000);
    expect(new Set(batches[0]?.map((c) => (c.kind === 'reshared' ? c.at_us : null)))).toEqual(new Set(logged.map((e) => e.atUs)));
  });

  it('names nothing past 200 versions (every feed asks), and announces nothing for a refused write', async () => {
    const { heard, stix } = await world();
    await put(stix, Array.from({ length: 201 }, (_, i) => obj({ name: `n${i}`, sharing: share(DANE, 'green', ['community']) })));
    expect(heard).toEqual([{ kind: 'stored', count: 201 }]);
    const refused = await stix.write(async (w) => {
      await w.putBatch([obj({ sharing: share(DANE, 'green', ['community']) })], 'reject');
      return { ok: false, error: 'no' } as const;
    });
    expect(refused.ok).toBe(false);
    expect(heard).toHaveLength(1);
  });
});
