import { describe, expect, it } from 'vitest';
import { alertTitle } from './alert-words.ts';

describe('alertTitle', () => {
  it('names an item by its kind and name', () => {
    expect(alertTitle('incident', 'Phishing emails to poll-worker coordinators')).toBe('Incident: Phishing emails to poll-worker coordinators');
    expect(alertTitle(null, 'Lookalike of the state results site')).toBe('Lookalike of the state results site');
  });

  it('says what an item without a name is, never "Untitled item"', () => {
    expect(alertTitle('x-rampart-status-report', null)).toBe('New election-day status report');
    expect(alertTitle('indicator', '  ')).toBe('Indicator without a title');
    expect(alertTitle(null, null)).toBe('Something shared with you');
    for (const type of ['x-rampart-status-report', 'indicator', 'incident', null]) expect(alertTitle(type, null)).not.toMatch(/untitled/i);
  });
});
