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
