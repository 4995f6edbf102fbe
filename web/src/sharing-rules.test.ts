import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { audienceKind } from '../../src/domain/audience.ts';
import { TLP_LEVELS } from '../../src/domain/tlp.ts';
import { audienceAfterTlpChange, audienceChoices, defaultAudienceFor, isAllowed, tlpReason, type Reporter } from './sharing-rules.ts';

const county: Reporter = {
  userId: '6f1b2c3d-0000-4000-8000-000000000001',
  orgId: 'identity--6f1b2c3d-0000-4000-8000-000000000002',
  orgName: 'Lakeview County Elections',
  stateFips: '55',
  stateName: 'Wisconsin',
  groups: [{ id: '6f1b2c3d-0000-4000-8000-000000000003', name: 'Midwest clerks' }],
};
const federal: Reporter = { ...county, orgName: 'CISA', stateFips: null, stateName: null, groups: [] };

describe('TLP picker rules', () => {
  it('pre-selects my state at AMBER, GREEN and CLEAR', () => {
    for (const tlp of ['amber', 'green', 'clear'] as const) expect(defaultAudienceFor(tlp, county)).toEqual(['state:55']);
  });

  it('falls back to my organization at AMBER+STRICT and to me alone at RED', () => {
    expect(defaultAudienceFor('amber+strict', county)).toEqual([`org:${county.orgId}`]);
    expect(defaultAudienceFor('red', county)).toEqual([`user:${county.userId}`]);
  });

  it('defaults an organization without a state to itself', () => {
    expect(defaultAudienceFor('green', federal)).toEqual([`org:${federal.orgId}`]);
  });

  it('offers the public only at CLEAR and the community only at CLEAR and GREEN', () => {
    expect(TLP_LEVELS.filter((t) => isAllowed(t, 'public'))).toEqual(['clear']);
    expect(TLP_LEVELS.filter((t) => isAllowed(t, 'community'))).toEqual(['clear', 'green']);
    expect(TLP_LEVELS.filter((t) => isAllowed(t, 'user'))).toEqual(['clear', 'green', 'red']);
  });

  it('explains what each level refuses', () => {
    expect(tlpReason('amber')).toBe('TLP:AMBER may be shared with organizations, states or sharing groups, not with the public, the whole community or named people.');
    expect(tlpReason('amber+strict')).toBe(
      'TLP:AMBER+STRICT may be shared with organizations, not with the public, the whole community, states, sharing groups or named people.',
    );
    expect(tlpReason('clear')).toBe('TLP:CLEAR may be shared with the public, the whole community, organizations, states, sharing groups or named people.');
  });

  it('drops what the new TLP forbids and keeps the rest', () => {
    const chosen = ['state:55' as const, 'community' as const];
    expect(audienceAfterTlpChange('amber', chosen, county)).toEqual(['state:55']);
    expect(audienceAfterTlpChange('amber+strict', chosen, county)).toEqual([`org:${county.orgId}`]);
  });

  it('never leaves a choice the TLP forbids, whatever was chosen before (property)', () => {
    const keys = audienceChoices(county).map((c) => c.key);
    fc.assert(
      fc.property(fc.constantFrom(...TLP_LEVELS), fc.subarray(keys), (tlp, selected) => {
        const after = audienceAfterTlpChange(tlp, selected, county);
        expect(after.length).toBeGreaterThan(0);
        for (const key of after) expect(isAllowed(tlp, audienceKind(key))).toBe(true);
      }),
    );
  });
});
