import { readFileSync } from 'node:fs';
import path from 'node:path';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import type { OrgId } from '../domain/ids.ts';
import { memoryStixStore } from '../../test/helpers/memory-stix-store.ts';
import { OASIS_DIR } from '../../test/helpers/oasis.ts';
import { importObjects } from './import.ts';

const HUB = 'identity--cc8654b7-1ffc-487a-bf1c-ed29e18f0a33' as OrgId;
const sample = readFileSync(path.join(OASIS_DIR, 'examples/indicators-for-C2-with-COA.json'));

describe('importObjects on damaged input', () => {
  it('never throws, and either stores the whole file or nothing', async () => {
    const damage = fc.array(fc.tuple(fc.nat({ max: sample.length - 1 }), fc.integer({ min: 0, max: 255 })), { minLength: 1, maxLength: 4 });
    await fc.assert(
      fc.asyncProperty(damage, fc.integer({ min: 1, max: 64 }), async (edits, chunk) => {
        const bytes = Buffer.from(sample);
        for (const [at, value] of edits) bytes[at] = value;
        const store = memoryStixStore();
        const chunks = [];
        for (let i = 0; i < bytes.length; i += chunk) chunks.push(bytes.subarray(i, i + chunk));
        const result = await importObjects(store, chunks, { hubOwner: HUB });
        if (result.ok) expect(store.rows()).toHaveLength(result.value.added);
        else expect(store.rows()).toHaveLength(0);
      }),
      { numRuns: 300 },
    );
  });
});
