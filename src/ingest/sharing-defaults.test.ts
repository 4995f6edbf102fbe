import { describe, expect, it } from 'vitest';
import type { OrgId } from '../domain/ids.ts';
import { checkAudience } from '../domain/sharing-rule.ts';
import { TLP_LEVELS } from '../domain/tlp.ts';
import { defaultAudience } from './sharing-defaults.ts';

const OWNER = 'identity--aaaaaaaa-0000-4000-8000-000000000001' as OrgId;

describe('defaultAudience', () => {
  // sharingFor skips checkAudience for a default audience: this is what makes that safe.
  it.each(TLP_LEVELS)('obeys the sharing rule of TLP %s, or names nobody', (tlp) => {
    const audience = defaultAudience(tlp, OWNER);
    if (audience.length === 0) expect(tlp).toBe('red');
    else expect(checkAudience(tlp, audience)).toEqual({ ok: true, value: audience });
  });
});
