import { describe, expect, it } from 'vitest';
import { watchRuleDraft } from './watch-rule.ts';

describe('watchRuleDraft', () => {
  it('carries types, TLP, states and a one-word search over as they are', () => {
    expect(watchRuleDraft({ q: 'phishing', type: 'incident', tlp: 'amber', state: '55,06' })).toEqual({ criteria: { keywords: ['phishing'], types: ['incident'], tlp: ['amber'], states: ['55', '06'] }, notCarried: [] });
  });
  it('says plainly what a watch rule cannot hold', () => {
    const draft = watchRuleDraft({ q: '203.0.113.0/24', owner: 'identity--00000000-0000-4000-8000-000000000001', label: 'x', modified_from: '2024-01-01T00:00:00Z', reference: 'only', exclude_type: 'relationship,note', severity: 'low,critical' });
    expect(draft.criteria).toEqual({ keywords: ['203.0.113.0/24'], min_severity: 'low' });
    expect(draft.notCarried).toEqual([
      'addresses inside "203.0.113.0/24": the rule looks for the text "203.0.113.0/24" itself, not for an address range',
      'types left out (a watch rule names the types it wants)',
      'severity exactly low or critical: the rule watches low and above',
      'the owner organizations',
      'the labels',
      'the date range (a watch rule looks at what is shared from now on)',
      'the reference library (a watch rule looks at intelligence shared with you)',
    ]);
  });
  it('watches several words as one phrase and a domain as its text, and leaves out a search too short for a keyword', () => {
    expect(watchRuleDraft({ q: 'ballot drop box' }).notCarried).toEqual(['the words of "ballot drop box" apart: the rule looks for them together, as one phrase']);
    expect(watchRuleDraft({ q: 'clerk-elections.example' }).notCarried[0]).toMatch(/^subdomains of/);
    expect(watchRuleDraft({ q: 'x' })).toEqual({ criteria: {}, notCarried: ['the search "x" (a watch rule\'s keyword is 2 to 100 characters)'] });
    expect(watchRuleDraft({ severity: 'high,critical' })).toEqual({ criteria: { min_severity: 'high' }, notCarried: [] });
  });
});
