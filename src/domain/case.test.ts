import { describe, expect, it } from 'vitest';
import { canMoveCase, nextCaseStatuses } from './case.ts';

describe('the case workflow', () => {
  it('moves forward, may skip steps, and never back except resolved → reopened', () => {
    expect(nextCaseStatuses('new')).toEqual(['acknowledged', 'investigating', 'contained', 'resolved']);
    expect(nextCaseStatuses('investigating')).toEqual(['contained', 'resolved']);
    expect(nextCaseStatuses('resolved')).toEqual(['reopened']);
    expect(nextCaseStatuses('reopened')).toEqual(['investigating', 'contained', 'resolved']);
    expect(canMoveCase('contained', 'investigating')).toBe(false);
    expect(canMoveCase('new', 'new')).toBe(false);
    expect(canMoveCase('acknowledged', 'reopened')).toBe(false);
  });
});
