import { describe, expect, it } from 'vitest';
import { viaWords } from './ref-words.ts';

describe('viaWords', () => {
  it('reads reference properties as words', () => {
    expect(viaWords('object_refs')).toBe('refers to');
    expect(viaWords('sighting_of_ref')).toBe('sighting of');
    expect(viaWords('where_sighted_refs')).toBe('sighted at');
    expect(viaWords('source_ref')).toBe('from');
    expect(viaWords('sample_refs')).toBe('sample');
    expect(viaWords('created_by_ref')).toBe('created by');
  });
});
