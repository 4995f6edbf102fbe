import { describe, expect, it } from 'vitest';
import { transparencyLine } from './transparency-words.ts';

describe('transparencyLine', () => {
  it('says in plain words what each kind of entry records', () => {
    expect(transparencyLine('correction-withdrawn', { title: 'Polls close at 8', publisher: { org_ref: 'identity--x', name: 'Dane County Clerk' }, withdrawn_reason: 'replaced' })).toBe('Dane County Clerk withdrew a correction: “Polls close at 8” (replaced)');
    expect(transparencyLine('statement-published', { title: 'Joint statement', signers: [{ org_ref: 'a', name: 'CISA' }, { org_ref: 'b', name: 'Wisconsin' }] })).toBe('Joint statement published: “Joint statement”, signed by CISA, Wisconsin');
    expect(transparencyLine('platform-share', { official: { name: 'Wisconsin' }, platform: { name: 'Example Social' }, url: 'https://social.example/p/1', reason: 'Wrong date' })).toBe('Wisconsin told Example Social about https://social.example/p/1: Wrong date');
    expect(transparencyLine('platform-response', { outcome: 'labelled', recorded_by: { org_ref: 'identity--y' }, response: 'Label added' })).toBe('Platform response (labelled), recorded by identity--y: Label added');
    expect(transparencyLine('notice-published', { type: 'report', name: 'Advisory', publisher: { org_ref: 'identity--z' } })).toBe('identity--z shared with the public: Advisory');
    expect(transparencyLine('something-new', {})).toBe('something-new');
  });
});
