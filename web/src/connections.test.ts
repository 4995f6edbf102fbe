import { describe, expect, it } from 'vitest';
import { EMPTY_CONNECTIONS, labelScale, graphElements, graphList, hourWords, kindWords, referrerVerb, summaryWords } from './connections.ts';

describe('connection words', () => {
  it('says only "Not shared with you" of an object the reader may not see', () => {
    expect(summaryWords({ shared: false, id: 'indicator--1' })).toBe('Not shared with you');
    expect(summaryWords({ shared: true, id: 'report--1', type: 'report', title: 'Weekly brief', tlp: 'green', owner: 'identity--1', revoked: false })).toBe('Weekly brief');
    expect(summaryWords({ shared: true, id: 'identity--1', type: 'identity', title: null, tlp: 'green', owner: 'identity--1', revoked: false })).toBe('Untitled organization');
    expect([kindWords('identity'), kindWords('threat-actor'), kindWords('report')]).toEqual(['Organization', 'Threat actor', 'Report']);
  });

  it('names how a referrer points here', () => {
    const object = { shared: true as const, id: 'note--1', type: 'note', title: 'n', tlp: 'green' as const, owner: 'identity--1', revoked: false };
    expect(referrerVerb({ via: ['sighting_of_ref'], object, relationship: null })).toBe('sighting of');
    expect(referrerVerb({ via: ['target_ref'], object, relationship: { type: 'attributed-to', direction: 'in', other: { shared: false, id: 'x--1' } } })).toBe('attributed to');
  });

  it('gives unshared graph nodes no words but "Not shared with you"', () => {
    const elements = graphElements({
      root: 'malware--1',
      nodes: [
        { shared: true, key: 'malware--1', id: 'malware--1', type: 'malware', title: 'PollPest', tlp: 'green', owner: 'identity--1', revoked: false, hop: 0 },
        { shared: false, key: 'hidden-1', hop: 1 },
      ],
      edges: [{ source: 'hidden-1', target: 'malware--1', label: 'indicates' }],
      truncated: false,
    });
    expect(elements.map((e) => e.data)).toEqual([
      { id: 'malware--1', label: 'PollPest', kind: 'Malware', shared: true, root: true, tlp: 'green', hop: 0 },
      { id: 'hidden-1', label: 'Not shared with you', kind: '', shared: false, root: false, tlp: '', hop: 1 },
      { id: 'e0', source: 'hidden-1', target: 'malware--1', label: 'indicates' },
    ]);
  });

  it('lists the graph for the keyboard by steps out, naming only what is shared', () => {
    const list = graphList({
      root: 'malware--1',
      nodes: [
        { shared: true, key: 'malware--1', id: 'malware--1', type: 'malware', title: 'PollPest', tlp: 'green', owner: 'identity--1', revoked: false, hop: 0 },
        { shared: true, key: 'report--2', id: 'report--2', type: 'report', title: 'Weekly brief', tlp: 'green', owner: 'identity--1', revoked: false, hop: 2 },
        { shared: true, key: 'indicator--3', id: 'indicator--3', type: 'indicator', title: null, tlp: 'green', owner: 'identity--1', revoked: false, hop: 1 },
        { shared: false, key: 'hidden-1', hop: 1 },
      ],
      edges: [],
      truncated: false,
    });
    expect(list).toEqual([
      { steps: 1, items: [{ id: 'indicator--3', title: 'Indicator', kind: 'Indicator' }], notShared: 1 },
      { steps: 2, items: [{ id: 'report--2', title: 'Weekly brief', kind: 'Report' }], notShared: 0 },
    ]);
  });

  it('says an hour as a span', () => {
    expect(hourWords('2026-11-03T14:00:00Z', 'en-GB')).toMatch(/^3 Nov 2026, between \d\d:00 and \d\d:00$/);
    expect(hourWords('not a time')).toBe('not a time');
  });
});

describe('EMPTY_CONNECTIONS', () => {
  it('says each empty list in a sentence of its own, never a bare "Nothing."', () => {
    expect(Object.values(EMPTY_CONNECTIONS)).toEqual(['This item refers to nothing else.', 'Nothing shared with you refers to this item.']);
    for (const words of Object.values(EMPTY_CONNECTIONS)) expect(words.split(' ').length).toBeGreaterThan(3);
  });
});

describe('labelScale', () => {
  it('draws names larger when a phone fits the graph small, so they read at about 11 px on screen, and no larger than needed', () => {
    expect(labelScale(1)).toBe(1);
    expect(labelScale(0.8)).toBe(1);
    expect(labelScale(0.4) * 14 * 0.4).toBeCloseTo(11.2);
    expect(labelScale(0.05)).toBe(3);
    expect(labelScale(0)).toBe(1);
    expect(labelScale(Number.NaN)).toBe(1);
  });
});
