import { describe, expect, it } from 'vitest';
import { batchedLookup } from './batched.ts';

describe('batched point lookups', () => {
  it('answers the calls of one turn with one query for their distinct keys, and null for keys not found', async () => {
    const asked: string[][] = [];
    const lookup = batchedLookup((keys: readonly string[]) => {
      asked.push([...keys]);
      return Promise.resolve(new Map(keys.filter((k) => k !== 'missing').map((k) => [k, k.toUpperCase()])));
    });
    expect(await Promise.all([lookup('a'), lookup('b'), lookup('a'), lookup('missing')])).toEqual(['A', 'B', 'A', null]);
    expect(asked).toEqual([['a', 'b', 'missing']]);
    // A later turn asks again: nothing is kept between turns.
    expect(await lookup('a')).toBe('A');
    expect(asked).toEqual([['a', 'b', 'missing'], ['a']]);
  });

  it('asks at most 500 keys per query, and a failed query fails the calls it answers', async () => {
    const sizes: number[] = [];
    const lookup = batchedLookup((keys: readonly string[]) => {
      sizes.push(keys.length);
      if (keys.includes('k1100')) return Promise.reject(new Error('the database is gone'));
      return Promise.resolve(new Map(keys.map((k) => [k, k])));
    });
    const results = await Promise.allSettled(Array.from({ length: 1200 }, (_, i) => lookup(`k${i}`)));
    expect(sizes).toEqual([500, 500, 200]);
    expect(results.slice(0, 1000).every((r) => r.status === 'fulfilled')).toBe(true);
    expect(results.slice(1000).every((r) => r.status === 'rejected')).toBe(true);
  });
});
