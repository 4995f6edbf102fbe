import { describe, expect, it } from 'vitest';
import { compilePattern, comparisonsOf, observationsFromBundle, parsePattern } from './index.ts';

describe('the public API', () => {
  it('parses, lists comparisons, compiles and matches a bundle end to end', () => {
    const parsed = parsePattern("[domain-name:value = 'evil.example' OR domain-name:value IN ('a.example', 'b.example')] AND [ipv4-addr:value ISSUBSET '203.0.113.0/24']");
    if (!parsed.ok) throw new Error(parsed.error.message);
    expect(comparisonsOf(parsed.value).map((c) => [c.path.objectType, c.operator])).toEqual([
      ['domain-name', '='],
      ['domain-name', 'IN'],
      ['ipv4-addr', 'ISSUBSET'],
    ]);
    const compiled = compilePattern(parsed.value);
    expect([...compiled.objectTypes].sort()).toEqual(['domain-name', 'ipv4-addr']);
    const od = (n: number, ref: string): Record<string, unknown> => ({ type: 'observed-data', id: `observed-data--${n}`, first_observed: '2024-11-05T12:00:00Z', last_observed: '2024-11-05T12:00:00Z', number_observed: 1, object_refs: [ref] });
    const observations = observationsFromBundle({ type: 'bundle', objects: [od(1, 'domain-name--1'), od(2, 'ipv4-addr--1'), { type: 'domain-name', id: 'domain-name--1', value: 'b.example' }, { type: 'ipv4-addr', id: 'ipv4-addr--1', value: '203.0.113.50' }] });
    if (!observations.ok) throw new Error(observations.error.message);
    expect(compiled.matches(observations.value)).toBe(true);
    expect(compiled.matches(observations.value.slice(0, 1))).toBe(false);
  });

  it('reports a bad pattern as invalid-pattern with a column', () => {
    expect(parsePattern('[domain-name:value = ]')).toEqual({ ok: false, error: { code: 'invalid-pattern', message: 'expected a value to compare with =, found \']\'', column: 22 } });
  });
});
