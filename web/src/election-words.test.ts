import { describe, expect, it } from 'vitest';
import { LEVEL_STYLE } from './election-words.ts';

describe('LEVEL_STYLE', () => {
  it('draws each level with its own symbol from blocks every system font carries, never an emoji', () => {
    const symbols = Object.values(LEVEL_STYLE).map((s) => s.symbol);
    expect(new Set(symbols).size).toBe(symbols.length);
    for (const symbol of symbols) {
      const cp = symbol.codePointAt(0) ?? 0;
      // ASCII, Geometric Shapes (U+25A0–25FF) or Dingbats (U+2700–27BF); Miscellaneous Technical (⏱, U+23F1) is emoji-only in most fonts.
      expect(cp < 0x80 || (cp >= 0x25a0 && cp <= 0x25ff) || (cp >= 0x2700 && cp <= 0x27bf), `${symbol} U+${cp.toString(16)}`).toBe(true);
    }
  });
});
