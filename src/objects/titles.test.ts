import { describe, expect, it } from 'vitest';
import { titleOf } from './titles.ts';

describe('titleOf', () => {
  const report = (functions: Record<string, unknown>) => ({ type: 'x-rampart-status-report', id: 'x-rampart-status-report--1', functions });

  it('says what an election-day status report reports, in words, never its id', () => {
    expect(titleOf(report({ voting: { level: 'normal' }, pollbooks: { level: 'normal' } }), { sightingOf: null, ownerName: 'Door County, WI' })).toBe('Election-day status of Door County, WI: all normal');
    expect(titleOf(report({ voting: { level: 'degraded' }, pollbooks: { level: 'disrupted' }, tallying: { level: 'normal' } }), { sightingOf: null, ownerName: 'Kewaunee County, WI' })).toBe(
      'Election-day status of Kewaunee County, WI: disrupted (Check-in and e-pollbooks, Casting ballots)',
    );
    expect(titleOf(report({ pollbooks: { level: 'degraded' } }))).toBe('Election-day status: degraded (Check-in and e-pollbooks)');
    expect(titleOf(report({}))).toBe('Election-day status: reported');
  });
});
