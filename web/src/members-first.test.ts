import { describe, expect, it } from 'vitest';
import { membersFirst } from './members-first.ts';

describe('search results to pick from', () => {
  const library = Array.from({ length: 12 }, (_, i) => ({ id: `attack-pattern--${i}`, name: `ATT&CK entry ${i}` }));
  it('lists what members shared before the reference library, at most the limit in all', () => {
    const members = [{ id: 'indicator--1', name: 'Phishing domain (fictional)' }, { id: 'campaign--1', name: 'Operation Paper Ballot (fictional)' }];
    const picked = membersFirst(members, library, 10);
    expect(picked.map((p) => p.id).slice(0, 3)).toEqual(['indicator--1', 'campaign--1', 'attack-pattern--0']);
    expect(picked).toHaveLength(10);
  });
  it('lists an object once when both searches found it, and the library alone when members shared nothing that matches', () => {
    expect(membersFirst([{ id: 'attack-pattern--0', name: 'ATT&CK entry 0' }], library.slice(0, 2), 10).map((p) => p.id)).toEqual(['attack-pattern--0', 'attack-pattern--1']);
    expect(membersFirst([], library, 3).map((p) => p.id)).toEqual(['attack-pattern--0', 'attack-pattern--1', 'attack-pattern--2']);
  });
});
