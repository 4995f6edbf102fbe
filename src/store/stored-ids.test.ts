import { describe, expect, it } from 'vitest';
import { anyIdMayBeStored, writtenIdsOnly } from './stored-ids.ts';

const id = (n: number) => `indicator--00000000-0000-4000-8000-${n.toString(16).padStart(12, '0')}`;

describe('writtenIdsOnly', () => {
  it('says "no" for an id the first time and "maybe" ever after', () => {
    const stored = writtenIdsOnly(12);
    for (let n = 0; n < 5000; n++) stored.check(id(n));
    for (let n = 0; n < 5000; n++) expect(stored.check(id(n))).toBe(true);
  });

  it('says "no" for nearly every id it was not given', () => {
    const stored = writtenIdsOnly(12);
    for (let n = 0; n < 5000; n++) stored.check(id(n));
    let maybe = 0;
    for (let n = 5000; n < 15000; n++) if (stored.check(id(n))) maybe++;
    // 2^12 words for 5000 (then up to 15,000) ids: a few percent expected.
    expect(maybe).toBeLessThan(1000);
  });

  it('starts empty', () => {
    expect(writtenIdsOnly().check(id(1))).toBe(false);
  });
});

describe('anyIdMayBeStored', () => {
  it('says "maybe" for any id', () => {
    expect(anyIdMayBeStored.check(id(1))).toBe(true);
  });
});
