import { describe, expect, it } from 'vitest';
import { keptResults } from './kept-results.ts';

describe('keptResults', () => {
  it('makes a result once per key, keeps a null, and past its limit drops the oldest first', () => {
    const made: string[] = [];
    const kept = keptResults<string | null>(2);
    const make = (key: string) => () => (made.push(key), key === 'none' ? null : key.toUpperCase());
    expect(kept('a', make('a'))).toBe('A');
    expect(kept('a', make('a'))).toBe('A');
    expect(kept('none', make('none'))).toBeNull();
    expect(kept('none', make('none'))).toBeNull();
    expect(made).toEqual(['a', 'none']);
    expect(kept('b', make('b'))).toBe('B'); // a third key: 'a', the oldest, is dropped
    expect(kept('none', make('none'))).toBeNull();
    expect(kept('a', make('a'))).toBe('A');
    expect(made).toEqual(['a', 'none', 'b', 'a']);
  });
});
