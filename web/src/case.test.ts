import { describe, expect, it } from 'vitest';
import { RAMPART_EXTENSION_ID } from '../../src/stix/rampart-extension.ts';
import { moveLabel, nextModified, readCase } from './case.ts';

describe('the case of an incident, as the UI reads it', () => {
  it('is new until set, with the assignee and referral when recorded', () => {
    expect(readCase({ type: 'incident' })).toEqual({ status: 'new', assignee: null, referral: null, category: null });
    const ext = { extension_type: 'property-extension', case_status: 'contained', assignee: 'u1', law_enforcement_referral: { agency: 'FBI', referred_at: '2026-11-03T09:00:00Z' }, incident_category: 'threat-to-election-workers' };
    expect(readCase({ extensions: { [RAMPART_EXTENSION_ID]: ext } })).toEqual({ status: 'contained', assignee: 'u1', referral: { agency: 'FBI', referredAt: '2026-11-03T09:00:00Z', reference: null }, category: 'threat-to-election-workers' });
  });

  it('names the moves in plain words and never publishes a version older than the last', () => {
    expect(moveLabel('resolved')).toBe('Close the case');
    expect(moveLabel('investigating')).toBe('Mark investigating');
    expect(nextModified('2030-01-01T00:00:00.000Z', new Date('2026-01-01T00:00:00.000Z'))).toBe('2030-01-01T00:00:00.001Z');
    expect(nextModified('2020-01-01T00:00:00.000Z', new Date('2026-01-01T00:00:00.000Z'))).toBe('2026-01-01T00:00:00.000Z');
  });
});
