import { describe, expect, it } from 'vitest';
import { fileNameOf, selectionIds } from './selection.ts';

describe('selection export helpers', () => {
  it('takes the file name the server gives, else one for the format', () => {
    expect(fileNameOf('attachment; filename="rampart-selection-2026-11-03.csv"', 'csv')).toBe('rampart-selection-2026-11-03.csv');
    expect(fileNameOf(null, 'stix')).toBe('rampart-selection.json');
  });

  it('sends at most 1000 ids, in the order chosen', () => {
    const many = new Set(Array.from({ length: 1200 }, (_, i) => `indicator--${i}`));
    expect(selectionIds(many)).toHaveLength(1000);
    expect(selectionIds(new Set(['b', 'a']))).toEqual(['b', 'a']);
  });
});
