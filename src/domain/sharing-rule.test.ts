import { describe, expect, it } from 'vitest';
import type { AudienceKey, AudienceKind } from './audience.ts';
import { checkAudience, keptAudience, olderVersionAudience } from './sharing-rule.ts';
import type { Tlp } from './tlp.ts';

const SAMPLE: Record<AudienceKind, AudienceKey> = {
  public: 'public',
  community: 'community',
  org: 'org:identity--0a000000-0000-4000-8000-00000000000a',
  state: 'state:06',
  group: 'group:0b000000-0000-4000-8000-00000000000b',
  user: 'user:0c000000-0000-4000-8000-00000000000c',
};

// Written out from DESIGN.md by hand, not derived from the rule under test.
const TABLE: Record<Tlp, Record<AudienceKind, boolean>> = {
  clear: { public: true, community: true, org: true, state: true, group: true, user: true },
  green: { public: false, community: true, org: true, state: true, group: true, user: true },
  amber: { public: false, community: false, org: true, state: true, group: true, user: false },
  'amber+strict': { public: false, community: false, org: true, state: false, group: false, user: false },
  red: { public: false, community: false, org: false, state: false, group: false, user: true },
};

describe('checkAudience: TLP bounds the audience', () => {
  for (const [tlp, row] of Object.entries(TABLE) as [Tlp, Record<AudienceKind, boolean>][]) {
    for (const [kind, allowed] of Object.entries(row) as [AudienceKind, boolean][]) {
      it(`${tlp} × ${kind} is ${allowed ? 'allowed' : 'refused'}`, () => {
        const result = checkAudience(tlp, [SAMPLE[kind]]);
        if (allowed) {
          expect(result).toEqual({ ok: true, value: [SAMPLE[kind]] });
        } else {
          expect(result.ok).toBe(false);
          if (result.ok) return;
          expect(result.error.code).toBe('tlp-audience-mismatch');
          expect(result.error.keys).toEqual([SAMPLE[kind]]);
          expect(result.error.message).toContain(`remove ${SAMPLE[kind]}`);
        }
      });
    }
  }

  it('names the offending key and why', () => {
    const result = checkAudience('amber+strict', [SAMPLE.org, 'state:06']);
    expect(result).toEqual({
      ok: false,
      error: { code: 'tlp-audience-mismatch', keys: ['state:06'], message: 'TLP:AMBER+STRICT may only name organizations; remove state:06' },
    });
  });

  it('lists every other offending key too', () => {
    const result = checkAudience('green', ['public', 'community', SAMPLE.state]);
    expect(result.ok).toBe(false);
    if (!result.ok) expect(result.error.message).toBe('TLP:GREEN may be shared at most with the community, never the public; remove public');
    const two = checkAudience('red', [SAMPLE.org, SAMPLE.state]);
    expect(two.ok ? '' : two.error.message).toBe(`TLP:RED may only name people (user:<id>); remove ${SAMPLE.org} (also state:06)`);
  });

  it('refuses an empty audience at every level', () => {
    for (const tlp of Object.keys(TABLE) as Tlp[]) {
      const result = checkAudience(tlp, []);
      expect(result.ok).toBe(false);
      if (!result.ok) {
        expect(result.error.code).toBe('tlp-audience-mismatch');
        expect(result.error.message).toMatch(/^The audience is empty/);
      }
    }
  });

  it('drops repeated keys and keeps the order', () => {
    expect(checkAudience('amber', ['state:06', SAMPLE.org, 'state:06'])).toEqual({ ok: true, value: ['state:06', SAMPLE.org] });
  });
});

describe('keptAudience: a new version without an audience keeps the previous one where its TLP allows it', () => {
  it('keeps an audience the new TLP allows, and an empty one', () => {
    expect(keptAudience('amber+strict', [SAMPLE.org])).toEqual({ ok: true, value: [SAMPLE.org] });
    expect(keptAudience('clear', [SAMPLE.user, SAMPLE.state])).toEqual({ ok: true, value: [SAMPLE.user, SAMPLE.state] });
    expect(keptAudience('red', [])).toEqual({ ok: true, value: [] });
  });

  it('refuses one the new TLP does not allow, naming the key and saying to give an audience', () => {
    const result = keptAudience('amber+strict', [SAMPLE.org, SAMPLE.state]);
    expect(result.ok ? null : result.error).toEqual({
      code: 'tlp-audience-mismatch',
      keys: [SAMPLE.state],
      message: 'TLP:AMBER+STRICT may only name organizations; remove state:06 or give an audience (a new version without one keeps the audience of the version before it)',
    });
    expect(keptAudience('red', [SAMPLE.community]).ok).toBe(false);
  });
});

describe('olderVersionAudience: an older version reaches only what its own TLP allows of the newest audience', () => {
  const all = Object.values(SAMPLE);
  for (const [tlp, row] of Object.entries(TABLE) as [Tlp, Record<AudienceKind, boolean>][]) {
    it(`an older ${tlp} version keeps exactly the kinds ${tlp} may name`, () => {
      const expected = all.filter((key) => row[(Object.keys(SAMPLE) as AudienceKind[]).find((k) => SAMPLE[k] === key) ?? 'public']);
      // Named: everyone, so RED is bounded by its kinds alone here.
      expect(olderVersionAudience(tlp, all, all)).toEqual(expected);
    });
  }

  it('keeps a RED version with only the people it named', () => {
    const other = 'user:0d000000-0000-4000-8000-00000000000d' satisfies AudienceKey;
    expect(olderVersionAudience('red', [SAMPLE.user], ['public', other, SAMPLE.user])).toEqual([SAMPLE.user]);
    expect(olderVersionAudience('red', [SAMPLE.user], ['public', other])).toEqual([]);
    expect(olderVersionAudience('green', [], ['public', other])).toEqual([other]);
  });
});
