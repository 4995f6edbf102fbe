import { describe, expect, it } from 'vitest';
import { STATES } from '../../src/domain/organization-data.ts';
import { PLACES } from './states.ts';

describe('places', () => {
  it('names every state, DC and territory as the hub does, so the dashboard and the election-day page agree', () => {
    expect(PLACES.map((p) => [p.fips, p.abbr, p.name, p.territory])).toEqual(STATES.map((s) => [s.fips, s.postal, s.name, s.kind === 'territory']));
  });
});
