import { describe, expect, it } from 'vitest';
import { memoryStixStore } from '../../test/helpers/memory-stix-store.ts';
import { freshStores, member } from '../../test/helpers/stix-kit.ts';
import { testDialects } from '../../test/helpers/store.ts';
import type { StixStore } from '../store/types.ts';
import type { OrgId, StixId } from '../domain/ids.ts';
import { ok } from '../domain/result.ts';
import { compilePattern } from '../stix/pattern/index.ts';
import { loadIndex } from './load-index.ts';

const OWNER = 'identity--0a000000-0000-4000-8000-00000000000a' as OrgId;

describe.each(['memory', ...testDialects()] as const)('loadIndex over the %s store', (kind) => {
  const fresh = kind === 'memory' ? null : freshStores(kind);
  const open = async (): Promise<StixStore> => (fresh === null ? memoryStixStore() : (await fresh()).store.stix);

  it('takes the latest, unrevoked, currently valid STIX indicators and lists broken patterns', async () => {
    const stix = await open();
    const put = (n: number, fields: Record<string, unknown>, modified = '2026-10-01T00:00:00.000Z') => {
      const id = `indicator--00000000-0000-4000-8000-${String(n).padStart(12, '0')}` as StixId;
      const object = { type: 'indicator', spec_version: '2.1', id, created: '2026-10-01T00:00:00.000Z', modified, pattern: `[domain-name:value = 'd${n}.example']`, pattern_type: 'stix', valid_from: '2026-10-01T00:00:00Z', ...fields };
      return { id, type: 'indicator', created: object.created, modified, revoked: fields['revoked'] === true, name: null, description: null, json: JSON.stringify(object), sharing: { owner: OWNER, tlp: 'green' as const, audience: ['community' as const] } };
    };
    await stix.write(async (w) =>
      ok(
        await w.putBatch(
          [
            put(1, {}),
            put(2, { revoked: true }),
            put(3, { valid_until: '2026-11-01T00:00:00Z' }),
            put(4, { valid_until: '2026-12-01T00:00:00Z' }),
            put(5, { pattern_type: 'sigma', pattern: 'title: x' }),
            put(6, { pattern: "[domain-name:value = 'broken'" }),
            put(7, {}),
            put(8, { valid_from: '2026-11-04T00:00:00Z' }),
            put(9, { valid_from: '2026-11-03T00:00:00Z' }),
            put(10, { pattern: "[ipv4-addr:value = '198.51.100.7' AND network-traffic:dst_port = 443]" }),
            put(7, { pattern: "[domain-name:value = 'newer.example']" }, '2026-10-02T00:00:00.000Z'),
          ],
          'reject',
        ),
      ),
    );
    const index = await loadIndex(stix, { kind: 'operator' }, { now: new Date('2026-11-03T00:00:00Z'), compile: compilePattern });
    if (!index.ok) throw new Error(index.error.message);
    const domains = [...(index.value.exact.get('domain')?.keys() ?? [])].sort();
    expect(domains).toEqual(['d1.example', 'd4.example', 'd9.example', 'newer.example']);
    expect(index.value.problems.map((p) => [p.id.slice(-2), p.code])).toEqual([['06', 'invalid-pattern'], ['10', 'pattern-never-matches']]);
    expect(index.value.problems[1]?.message).toMatch(/^column 2: AND at column 2 joins comparisons of different object types \(ipv4-addr, network-traffic\)/);
    expect(index.value.complex).toHaveLength(0);
  });

  it.skipIf(kind === 'memory')('holds only the indicators the reader may see, with their names, over more than one page', async () => {
    const stix = await open();
    const other = 'identity--0b000000-0000-4000-8000-00000000000b' as OrgId;
    const item = (n: number, audience: 'community' | `org:${string}`) => {
      const id = `indicator--00000000-0000-4000-8000-${String(n).padStart(12, '0')}` as StixId;
      const object = { type: 'indicator', spec_version: '2.1', id, created: '2026-10-01T00:00:00.000Z', modified: '2026-10-01T00:00:00.000Z', name: `Indicator ${n}`, pattern: `[ipv4-addr:value = '198.51.100.${n % 250}']`, pattern_type: 'stix', valid_from: '2026-10-01T00:00:00Z' };
      return { id, type: 'indicator', created: object.created, modified: object.modified, revoked: false, name: object.name, description: null, json: JSON.stringify(object), sharing: { owner: OWNER, tlp: audience === 'community' ? ('green' as const) : ('amber' as const), audience: [audience] } };
    };
    // 10,002 shared with the community (two pages), one only with the owner's own organization.
    const items = Array.from({ length: 10_002 }, (_, n) => item(n, 'community'));
    await stix.write(async (w) => ok(await w.putBatch([...items, item(20_000, `org:${OWNER}`)], 'reject')));
    const load = async (reader: Parameters<typeof loadIndex>[1]) => {
      const index = await loadIndex(stix, reader, { now: new Date('2026-11-03T00:00:00Z'), compile: compilePattern });
      if (!index.ok) throw new Error(index.error.message);
      return index.value;
    };
    const outsider = await load(member(other, ['community']));
    expect(outsider.equality).toBe(10_002);
    expect(outsider.exact.get('ipv4')?.get('198.51.100.0')?.map((t) => (t.kind === 'equality' ? t.indicator.name : null)).sort()).toEqual(Array.from({ length: 41 }, (_, i) => `Indicator ${i * 250}`).sort());
    expect((await load(member(OWNER, ['community', `org:${OWNER}`]))).equality).toBe(10_003);
    expect((await load(member(other, []))).equality).toBe(0);
  });
});
