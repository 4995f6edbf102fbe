import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import type { AudienceKey } from '../domain/audience.ts';
import { parseOrgId } from '../domain/ids.ts';
import { checkAudience } from '../domain/sharing-rule.ts';
import { TLP_LEVELS, type Tlp } from '../domain/tlp.ts';
import { decideSharing, narrowerReach, tlpOfTags, type Distribution, type MispReach } from './sharing.ts';

const owner = (() => {
  const p = parseOrgId('identity--0a000000-0000-4000-8000-00000000000a');
  if (!p.ok) throw new Error(p.error.message);
  return p.value;
})();
const MEMBER_GROUP = '3c9e7a51-2b4d-4f6e-8a1c-7d5e9b3f2a60';
const OTHER_GROUP = '7d5e9b3f-2a60-4f6e-8a1c-3c9e7a512b4d';
const context = { owner, groups: new Set([MEMBER_GROUP]) };

/** An independent reading of docs/misp.md: who MISP let see it, as sets of Rampart keys. */
function mispAllows(reach: MispReach): Set<AudienceKey> {
  const own: AudienceKey = `org:${owner}`;
  switch (reach.distribution) {
    case 0:
      return new Set([own]);
    case 4:
      return new Set(reach.sharingGroup === MEMBER_GROUP ? [own, `group:${MEMBER_GROUP}` as const] : [own]);
    case 1:
    case 2:
    case 3:
      return new Set([own, 'community']);
  }
}

const reachArb: fc.Arbitrary<MispReach> = fc.oneof(
  fc.constantFrom<Distribution>(0, 1, 2, 3).map((distribution) => ({ distribution, sharingGroup: null })),
  fc.constantFrom(MEMBER_GROUP, OTHER_GROUP, null).map((sharingGroup) => ({ distribution: 4 as const, sharingGroup })),
);
const tlpArb = fc.option(fc.constantFrom<Tlp>(...TLP_LEVELS), { nil: null });

describe('decideSharing (MISP distribution and tlp tags to TLP and audience)', () => {
  it('never reaches anyone MISP did not let see it, always obeys its TLP, keeps a tagged TLP, and says when it narrowed', () => {
    fc.assert(
      fc.property(reachArb, tlpArb, (reach, tagTlp) => {
        const d = decideSharing(reach, tagTlp, context);
        const allowed = mispAllows(reach);
        for (const key of d.audience) expect(allowed.has(key)).toBe(true);
        expect(d.audience).not.toContain('public');
        if (tagTlp !== null) expect(d.tlp).toBe(tagTlp);
        if (d.tlp === 'red') expect(d.audience).toEqual([]);
        else expect(checkAudience(d.tlp, d.audience).ok).toBe(true);
        const asked = reach.distribution === 0 ? `org:${owner}` : reach.distribution === 4 ? (reach.sharingGroup === MEMBER_GROUP ? `group:${MEMBER_GROUP}` : 'unknown group') : 'community';
        expect(d.narrowed !== null).toBe(d.audience.length !== 1 || d.audience[0] !== asked);
      }),
      { numRuns: 500 },
    );
  });

  it.each([
    [{ distribution: 3, sharingGroup: null }, 'clear', 'clear', ['community']],
    [{ distribution: 1, sharingGroup: null }, null, 'green', ['community']],
    [{ distribution: 0, sharingGroup: null }, null, 'amber', [`org:${owner}`]],
    [{ distribution: 3, sharingGroup: null }, 'amber', 'amber', [`org:${owner}`]],
    [{ distribution: 4, sharingGroup: MEMBER_GROUP }, 'amber', 'amber', [`group:${MEMBER_GROUP}`]],
    [{ distribution: 4, sharingGroup: MEMBER_GROUP }, 'amber+strict', 'amber+strict', [`org:${owner}`]],
    [{ distribution: 4, sharingGroup: OTHER_GROUP }, 'green', 'green', [`org:${owner}`]],
    [{ distribution: 2, sharingGroup: null }, 'red', 'red', []],
  ] as const)('%j with tag TLP %s: %s, %j', (reach, tag, tlp, audience) => {
    expect(decideSharing(reach, tag, context)).toMatchObject({ tlp, audience });
  });
});

describe('narrowerReach', () => {
  const rank = (r: MispReach) => ({ 0: 0, 4: 1, 1: 2, 2: 3, 3: 4 })[r.distribution];
  it('is never wider than either side, and two different sharing groups leave only the organisation', () => {
    fc.assert(
      fc.property(reachArb, reachArb, (a, b) => {
        const n = narrowerReach(a, b);
        expect(rank(n)).toBeLessThanOrEqual(Math.min(rank(a), rank(b)));
        if (a.distribution === 4 && b.distribution === 4 && a.sharingGroup !== b.sharingGroup) expect(n.distribution).toBe(0);
      }),
    );
  });
});

describe('tlpOfTags', () => {
  it.each([
    [['tlp:white'], 'clear'],
    [['TLP:Green', 'type:OSINT'], 'green'],
    [['tlp:clear', 'tlp:amber+strict'], 'amber+strict'],
    [['tlp:red', 'tlp:green'], 'red'],
    [['tlp:ex:chr', 'misp-galaxy:tool="X"'], null],
    [[], null],
  ] as const)('%j → %s', (tags, tlp) => {
    expect(tlpOfTags(tags.map((name) => ({ name })))).toBe(tlp);
  });
});
