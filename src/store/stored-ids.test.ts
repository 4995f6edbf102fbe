import { describe, expect, it } from 'vitest';
import { anyIdMayBeStored, writtenIdsOnly } from './stored-ids.ts';

const id = (n: number) => `indicator--00000000-0000-4000-8000-${n.toString(16).padStart(12, '0')}`;

describe('writtenIdsOnly', () => {
  it('says "maybe" for every id it was given', () => {
    const stored = writtenIdsOnly(16);
    for (let n = 0; n < 5000; n++) stored.add(id(n));
    for (let n = 0; n < 5000; n++) expect(stored.mayBeStored(id(n))).toBe(true);
  });

  it('says "no" for nearly every id it was not given', () => {
    const stored = writtenIdsOnly(16);
    for (let n = 0; n < 5000; n++) stored.add(id(n));
    let maybe = 0;
    for (let n = 5000; n < 15000; n++) if (stored.mayBeStored(id(n))) maybe++;
    // 2^16 bits for 5000 ids, 3 probes: about 1 in 200 expected.
    expect(maybe).toBeLessThan(200);
  });

  it('starts empty', () => {
    expect(writtenIdsOnly().mayBeStored(id(1))).toBe(false);
  });
});

describe('anyIdMayBeStored', () => {
  it('says "maybe" for any id', () => {
    expect(anyIdMayBeStored.mayBeStored(id(1))).toBe(true);
  });
});
