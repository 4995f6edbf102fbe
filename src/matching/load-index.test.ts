import { describe, expect, it } from 'vitest';
import { memoryStixStore } from '../../test/helpers/memory-stix-store.ts';
import type { OrgId, StixId } from '../domain/ids.ts';
import { ok } from '../domain/result.ts';
import { compilePattern } from '../stix/pattern/index.ts';
import { loadIndex } from './load-index.ts';

const OWNER = 'identity--0a000000-0000-4000-8000-00000000000a' as OrgId;

describe('loadIndex', () => {
  it('takes the latest, unrevoked, currently valid STIX indicators and lists broken patterns', async () => {
    const stix = memoryStixStore();
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
});
