import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { describe, expect, it } from 'vitest';
import { countiesOf } from './county-names.ts';

const atlas = JSON.parse(readFileSync(createRequire(import.meta.url).resolve('us-atlas/counties-10m.json'), 'utf8')) as { objects: { counties: { geometries: Parameters<typeof countiesOf>[0] } } };

describe('county names for the pickers', () => {
  it('lists a state’s counties by name with their codes, from the packaged Census shapes', () => {
    const wisconsin = countiesOf(atlas.objects.counties.geometries, '55');
    expect(wisconsin).toHaveLength(72);
    expect(wisconsin.find((c) => c.name === 'Dane')).toEqual({ fips: '55025', name: 'Dane' });
    expect(wisconsin[0]?.name).toBe('Adams');
    expect(wisconsin.every((c) => c.fips.startsWith('55'))).toBe(true);
  });
});
