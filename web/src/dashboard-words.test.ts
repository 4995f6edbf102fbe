import { describe, expect, it } from 'vitest';
import { itemTitle, mapSummary, statusWhen } from './dashboard-words.ts';

describe('dashboard words', () => {
  it('names an item without a name by its kind and a short id, not the raw STIX id', () => {
    expect(itemTitle({ name: 'Phishing emails', type: 'incident', id: 'incident--1' })).toBe('Phishing emails');
    expect(itemTitle({ name: null, type: 'x-rampart-status-report', id: 'x-rampart-status-report--8bb5bd41-4fec-592b-8087-12fc08b5e2ff' })).toBe(
      'Election-day status (8bb5bd41…)',
    );
    expect(itemTitle({ name: '', type: 'sighting', id: 'sighting--0123456789abcdef' })).toBe('Sighting (01234567…)');
  });

  it('says which states the map shades, busiest first', () => {
    expect(mapSummary({ '55': 2, '17': 0, '06': 2, '72': 5 }, 'open incidents')).toBe('Open incidents: Puerto Rico 5, California 2, Wisconsin 2.');
    expect(mapSummary({}, 'open incidents')).toBe('No open incidents in any state or territory.');
  });

  it('says which election day a status is for and when it was reported', () => {
    const now = new Date('2026-11-03T12:00:00.000Z');
    expect(statusWhen('2026-11-03', '2026-11-03T11:00:00.000Z', now)).toBe('Election of Nov 3, 2026 · reported 1 hour ago');
    expect(statusWhen('2026-11-03', null, now)).toBe('Election of Nov 3, 2026');
    expect(statusWhen('soon', null, now)).toBe('Election of soon');
  });
});
