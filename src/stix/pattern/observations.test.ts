import { describe, expect, it } from 'vitest';
import type { Observation } from './observation.ts';
import { observation, patternMatches as p } from '../../../test/helpers/pattern.ts';

const at = (minute: number, second = 0): string => `2024-11-05T12:${String(minute).padStart(2, '0')}:${String(second).padStart(2, '0')}Z`;
const file = (name: string, t: string, last = t, n = 1): Observation => observation([{ type: 'file', name }], t, last, n);
const both = (t: string): Observation => observation([{ type: 'file', name: 'a' }, { type: 'file', name: 'b' }], t);

describe('AND between observation expressions', () => {
  it('needs each side matched by a different observation', () => {
    expect(p("[file:name = 'a'] AND [file:name = 'b']", [file('a', at(0)), file('b', at(1))])).toBe(true);
    expect(p("[file:name = 'a'] AND [file:name = 'b']", [both(at(0))])).toBe(false);
    expect(p("[file:name = 'a'] AND [file:name = 'a']", [file('a', at(0))])).toBe(false);
    expect(p("[file:name = 'a'] AND [file:name = 'a']", [file('a', at(0)), file('a', at(5))])).toBe(true);
  });

  it('ignores time order', () => {
    expect(p("[file:name = 'a'] AND [file:name = 'b']", [file('b', at(0)), file('a', at(9))])).toBe(true);
  });

  it('counts number_observed as that many observations', () => {
    expect(p("[file:name = 'a'] AND [file:name = 'b']", [observation([{ type: 'file', name: 'a' }, { type: 'file', name: 'b' }], at(0), at(1), 2)])).toBe(true);
    expect(p("[file:name = 'a'] AND [file:name = 'a']", [file('a', at(0), at(1), 2)])).toBe(true);
  });

  it('assigns observations so that every side is satisfied when that is possible', () => {
    // a-or-b must take the b-only observation so that [a] can have the other one.
    expect(p("[file:name = 'a' OR file:name = 'b'] AND [file:name = 'a']", [file('a', at(0)), file('b', at(1))])).toBe(true);
    expect(p("[file:name = 'a' OR file:name = 'b'] AND [file:name = 'a']", [file('a', at(0))])).toBe(false);
  });
});

describe('OR between observation expressions', () => {
  it('needs either side', () => {
    expect(p("[file:name = 'a'] OR [file:name = 'b']", [file('b', at(0))])).toBe(true);
    expect(p("[file:name = 'a'] OR [file:name = 'b']", [file('c', at(0))])).toBe(false);
    expect(p("[file:name = 'a'] OR [ipv4-addr:value = '1.2.3.4']", [observation([{ type: 'ipv4-addr', value: '1.2.3.4' }])])).toBe(true);
  });

  it('binds looser than AND', () => {
    const pattern = "[file:name = 'a'] AND [file:name = 'b'] OR [file:name = 'c']";
    expect(p(pattern, [file('c', at(0))])).toBe(true);
    expect(p(pattern, [file('a', at(0))])).toBe(false);
    expect(p("[file:name = 'a'] AND ([file:name = 'b'] OR [file:name = 'c'])", [file('a', at(0)), file('c', at(1))])).toBe(true);
  });
});

describe('FOLLOWEDBY', () => {
  it('needs the left side observed no later than the right side', () => {
    expect(p("[file:name = 'a'] FOLLOWEDBY [file:name = 'b']", [file('a', at(0)), file('b', at(1))])).toBe(true);
    expect(p("[file:name = 'a'] FOLLOWEDBY [file:name = 'b']", [file('b', at(0)), file('a', at(1))])).toBe(false);
    expect(p("[file:name = 'a'] FOLLOWEDBY [file:name = 'b']", [file('a', at(1)), file('b', at(1))])).toBe(true);
  });

  it('uses distinct observations', () => {
    expect(p("[file:name = 'a'] FOLLOWEDBY [file:name = 'b']", [both(at(0))])).toBe(false);
    expect(p("[file:name = 'a'] FOLLOWEDBY [file:name = 'a']", [file('a', at(0))])).toBe(false);
  });

  it('accepts overlapping intervals where some order of instants fits', () => {
    // a seen 12:00–12:10, b seen 12:05 once: a could have happened at 12:00.
    expect(p("[file:name = 'a'] FOLLOWEDBY [file:name = 'b']", [file('a', at(0), at(10)), file('b', at(5))])).toBe(true);
    expect(p("[file:name = 'a'] FOLLOWEDBY [file:name = 'b']", [file('a', at(6), at(10)), file('b', at(5))])).toBe(false);
  });

  it('chains left to right and binds loosest', () => {
    expect(p("[file:name = 'a'] FOLLOWEDBY [file:name = 'b'] FOLLOWEDBY [file:name = 'c']", [file('a', at(0)), file('b', at(1)), file('c', at(2))])).toBe(true);
    expect(p("[file:name = 'a'] FOLLOWEDBY [file:name = 'b'] FOLLOWEDBY [file:name = 'c']", [file('a', at(0)), file('c', at(1)), file('b', at(2))])).toBe(false);
    expect(p("[file:name = 'x'] OR [file:name = 'a'] FOLLOWEDBY [file:name = 'b']", [file('a', at(0)), file('b', at(1))])).toBe(true);
  });
});

describe('REPEATS n TIMES', () => {
  it('needs n distinct observations', () => {
    expect(p("[file:name = 'a'] REPEATS 3 TIMES", [file('a', at(0)), file('a', at(1)), file('a', at(2))])).toBe(true);
    expect(p("[file:name = 'a'] REPEATS 3 TIMES", [file('a', at(0)), file('a', at(1)), file('b', at(2))])).toBe(false);
    expect(p("[file:name = 'a'] REPEATS 1 TIMES", [file('a', at(0))])).toBe(true);
  });

  it('counts number_observed', () => {
    expect(p("[file:name = 'a'] REPEATS 5 TIMES", [file('a', at(0), at(3), 5)])).toBe(true);
    expect(p("[file:name = 'a'] REPEATS 5 TIMES", [file('a', at(0), at(3), 4)])).toBe(false);
    expect(p("[file:name = 'a'] REPEATS 5 TIMES", [file('a', at(0), at(3), 3), file('a', at(4), at(5), 2)])).toBe(true);
  });

  it('repeats a whole compound expression on fresh observations each time', () => {
    const pattern = "([file:name = 'a'] AND [file:name = 'b']) REPEATS 2 TIMES";
    expect(p(pattern, [file('a', at(0)), file('b', at(1)), file('a', at(2)), file('b', at(3))])).toBe(true);
    expect(p(pattern, [file('a', at(0)), file('b', at(1)), file('a', at(2))])).toBe(false);
  });
});

describe('WITHIN n SECONDS', () => {
  it('needs all the observations inside one window', () => {
    const pattern = "[file:name = 'a'] AND [file:name = 'b'] WITHIN 60 SECONDS";
    // Qualifiers bind tightest: this is [a] AND ([b] WITHIN 60 SECONDS), always true for one observation.
    expect(p(pattern, [file('a', at(0)), file('b', at(30))])).toBe(true);
    expect(p("([file:name = 'a'] AND [file:name = 'b']) WITHIN 60 SECONDS", [file('a', at(0)), file('b', at(1))])).toBe(true);
    expect(p("([file:name = 'a'] AND [file:name = 'b']) WITHIN 60 SECONDS", [file('a', at(0)), file('b', at(1, 1))])).toBe(false);
    expect(p("([file:name = 'a'] AND [file:name = 'b']) WITHIN 60.5 SECONDS", [file('a', at(0)), file('b', at(1, 0))])).toBe(true);
  });

  it('uses first_observed and last_observed so that some instants fit the window', () => {
    expect(p("([file:name = 'a'] FOLLOWEDBY [file:name = 'b']) WITHIN 60 SECONDS", [file('a', at(0), at(10)), file('b', at(10, 30))])).toBe(true);
    expect(p("([file:name = 'a'] FOLLOWEDBY [file:name = 'b']) WITHIN 60 SECONDS", [file('a', at(0), at(8)), file('b', at(10, 30))])).toBe(false);
  });

  it('combines with REPEATS: the spec example of five pdf.exe within 30 minutes', () => {
    const pattern = "[file:name = 'pdf.exe'] REPEATS 5 TIMES WITHIN 1800 SECONDS";
    const spaced = (step: number): Observation[] => [0, 1, 2, 3, 4].map((i) => file('pdf.exe', at(i * step)));
    expect(p(pattern, spaced(7))).toBe(true);
    expect(p(pattern, spaced(8))).toBe(false);
    // Five close together among many spread out are found.
    const many = [...Array.from({ length: 40 }, (_, i) => observation([{ type: 'file', name: 'pdf.exe' }], `2024-11-0${1 + (i % 4)}T${String(i % 24).padStart(2, '0')}:00:00Z`)), ...spaced(1)];
    expect(p(pattern, many)).toBe(true);
  });
});

describe('START t STOP t', () => {
  const pattern = "[file:name = 'a'] START t'2024-11-05T12:00:00Z' STOP t'2024-11-05T13:00:00Z'";

  it('needs the observations inside [START, STOP)', () => {
    expect(p(pattern, [file('a', at(30))])).toBe(true);
    expect(p(pattern, [file('a', at(0))])).toBe(true);
    expect(p(pattern, [file('a', '2024-11-05T13:00:00Z')])).toBe(false);
    expect(p(pattern, [file('a', '2024-11-05T11:59:59.999Z')])).toBe(false);
  });

  it('accepts intervals that overlap the range', () => {
    expect(p(pattern, [file('a', '2024-11-05T11:00:00Z', '2024-11-05T12:00:00Z')])).toBe(true);
    expect(p(pattern, [file('a', '2024-11-05T12:59:00Z', '2024-11-05T14:00:00Z')])).toBe(true);
  });

  it('applies to every observation of a compound expression', () => {
    const compound = "([file:name = 'a'] AND [file:name = 'b']) START t'2024-11-05T12:00:00Z' STOP t'2024-11-05T13:00:00Z'";
    expect(p(compound, [file('a', at(1)), file('b', at(2))])).toBe(true);
    expect(p(compound, [file('a', at(1)), file('b', '2024-11-05T14:00:00Z')])).toBe(false);
  });
});

describe('observations given as Date objects and microsecond strings', () => {
  it('reads both', () => {
    const a = { ...file('a', at(0)), first_observed: new Date('2024-11-05T12:00:00Z'), last_observed: new Date('2024-11-05T12:00:00Z') };
    const b = file('b', '2024-11-05T12:00:00.000001Z');
    expect(p("[file:name = 'a'] FOLLOWEDBY [file:name = 'b']", [a, b])).toBe(true);
    expect(p("[file:name = 'b'] FOLLOWEDBY [file:name = 'a']", [a, b])).toBe(false);
  });

  it('matches nothing in an empty list', () => {
    expect(p("[file:name = 'a']", [])).toBe(false);
    expect(p("[file:name = 'a'] REPEATS 2 TIMES", [])).toBe(false);
  });
});

describe('hostile inputs', () => {
  it('give up on impossible repetition counts at once', () => {
    expect(p("[file:name = 'a'] REPEATS 1000000000 TIMES", [file('a', at(0), at(1), 5)])).toBe(false);
  });

  it('finish on many interchangeable observations (the search is bounded)', () => {
    const many = Array.from({ length: 3000 }, (_, i) => file('a', `2024-11-05T12:00:${String(i % 60).padStart(2, '0')}Z`));
    expect(p("[file:name = 'a'] AND [file:name = 'a'] AND [file:name = 'a'] AND [file:name = 'b']", many)).toBe(false);
    expect(p("[file:name = 'a'] AND [file:name = 'a'] AND [file:name = 'a']", many)).toBe(true);
  });
});
