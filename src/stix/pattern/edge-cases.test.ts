import { describe, expect, it } from 'vitest';
import { matchesObjects as m, observation, patternMatches as p } from '../../../test/helpers/pattern.ts';
import type { Observation } from './observation.ts';
import { neverMatches } from './never-matches.ts';
import { parsePattern } from './parser.ts';

/**
 * Where STIX 2.1 leaves room, Rampart decides as the OASIS reference matcher (stix2-matcher) does; each case here is
 * one line of docs/matching.md, "Edge cases and how Rampart decides".
 */

const at = (second: number): string => `1994-11-29T13:37:${String(second).padStart(2, '0')}Z`;
const person = (name: string, first: string, last = first, n = 1): Observation => observation([{ type: 'person', name }], first, last, n);
// The reference matcher's own temporal fixture: alice, bob and carol five seconds apart.
const trio = [person('alice', at(52)), person('bob', at(57)), person('carol', '1994-11-29T13:38:02Z')];

describe('REPEATS over several observations', () => {
  it('needs that many distinct observations, an observed-data counting number_observed times', () => {
    expect(p("[person:name MATCHES ''] REPEATS 3 TIMES", trio)).toBe(true);
    expect(p("[person:name MATCHES ''] REPEATS 4 TIMES", trio)).toBe(false);
    expect(p("[person:name = 'bob'] REPEATS 2 TIMES", trio)).toBe(false);
    expect(p("[person:name = 'bob'] REPEATS 2 TIMES", [person('bob', at(57), at(57), 2)])).toBe(true);
  });

  it('repeats a compound expression on disjoint observations only', () => {
    const pattern = "([person:name = 'alice'] OR [person:name = 'bob']) REPEATS 2 TIMES";
    expect(p(pattern, trio)).toBe(true);
    expect(p(pattern, [person('alice', at(52)), person('carol', at(59))])).toBe(false);
    expect(p("([person:name = 'alice'] AND [person:name = 'bob']) REPEATS 2 TIMES", trio)).toBe(false);
    expect(p("([person:name = 'alice'] AND [person:name = 'bob']) REPEATS 2 TIMES", [...trio, person('alice', at(58)), person('bob', at(59))])).toBe(true);
  });

  it('with WITHIN, needs one window that overlaps every repeated observation (touching counts)', () => {
    expect(p("[person:name MATCHES ''] REPEATS 2 TIMES WITHIN 5 SECONDS", trio)).toBe(true);
    expect(p("[person:name MATCHES ''] REPEATS 3 TIMES WITHIN 5 SECONDS", trio)).toBe(false);
    expect(p("[person:name MATCHES ''] REPEATS 3 TIMES WITHIN 10 SECONDS", trio)).toBe(true);
    expect(p("[person:name MATCHES ''] REPEATS 3 TIMES WITHIN 9.999 SECONDS", trio)).toBe(false);
    // Intervals count, not single instants: carol's observation reaching back to 13:37:55 brings all three within 5 s.
    expect(p("[person:name MATCHES ''] REPEATS 3 TIMES WITHIN 5 SECONDS", [person('alice', at(52), at(55)), person('bob', at(57)), person('carol', at(55), '1994-11-29T13:38:02Z')])).toBe(true);
  });

  it('with START/STOP, counts only observations inside the window', () => {
    expect(p("[person:name MATCHES ''] REPEATS 2 TIMES START t'1994-11-29T13:37:50Z' STOP t'1994-11-29T13:37:58Z'", trio)).toBe(true);
    expect(p("[person:name MATCHES ''] REPEATS 3 TIMES START t'1994-11-29T13:37:50Z' STOP t'1994-11-29T13:37:58Z'", trio)).toBe(false);
  });
});

describe('binary properties with LIKE and MATCHES', () => {
  const payload = { type: 'artifact', payload_bin: Buffer.from('GIF89a\x00\xff', 'latin1').toString('base64') };

  it('LIKE never matches binary data, with or without NOT', () => {
    expect(m("[artifact:payload_bin LIKE 'GIF%']", payload)).toBe(false);
    expect(m("[artifact:payload_bin NOT LIKE 'GIF%']", payload)).toBe(false);
    expect(m("[artifact:payload_bin NOT LIKE 'PNG%']", payload)).toBe(false);
  });

  it('MATCHES searches the bytes when every character of the regex is below U+0100', () => {
    expect(m("[artifact:payload_bin MATCHES '^GIF8[79]a']", payload)).toBe(true);
    expect(m("[artifact:payload_bin MATCHES '\\\\xff$']", payload)).toBe(true);
    expect(m("[artifact:payload_bin NOT MATCHES '^GIF8[79]a']", payload)).toBe(false);
    expect(m("[artifact:payload_bin NOT MATCHES '^PNG']", payload)).toBe(true);
  });

  it('MATCHES with a character above U+00FF cannot search bytes: no match, and NOT makes it one', () => {
    expect(m("[artifact:payload_bin MATCHES 'GIF€']", payload)).toBe(false);
    expect(m("[artifact:payload_bin NOT MATCHES 'GIF€']", payload)).toBe(true);
  });

  it('a _bin value that is not base64 is no value at all: nothing matches it, NOT included', () => {
    const broken = { type: 'artifact', payload_bin: 'not base64!' };
    expect(m("[artifact:payload_bin MATCHES 'not']", broken)).toBe(false);
    expect(m("[artifact:payload_bin NOT MATCHES 'zzz']", broken)).toBe(false);
  });
});

describe('NOT in front of a comparison whose operand types do not agree', () => {
  const file = { type: 'file', name: 'report.pdf', size: 25536, is_encrypted: false };

  it('= and IN: unequal, so != and NOT turn it into a match', () => {
    expect(m("[file:size = '25536']", file)).toBe(false);
    expect(m("[file:size != '25536']", file)).toBe(true);
    expect(m("[file:size NOT = '25536']", file)).toBe(true);
    expect(m("[file:size NOT != '25536']", file)).toBe(false);
    expect(m('[file:is_encrypted = 0]', file)).toBe(false);
    expect(m('[file:is_encrypted NOT = 0]', file)).toBe(true);
    expect(m("[file:size NOT IN ('25536', 'x')]", file)).toBe(true);
  });

  it('ordering: no order between the types, so false with or without NOT', () => {
    expect(m("[file:size > 'a']", file)).toBe(false);
    expect(m("[file:size NOT > 'a']", file)).toBe(false);
    expect(m('[file:name NOT < 5]', file)).toBe(false);
    expect(m("[file:size NOT < t'2020-01-01T00:00:00Z']", file)).toBe(false);
  });

  it('ordering binary data against a string with a character above U+00FF: false, and NOT makes it true', () => {
    const artifact = { type: 'artifact', payload_bin: Buffer.from('abc').toString('base64') };
    expect(m("[artifact:payload_bin > 'ab€']", artifact)).toBe(false);
    expect(m("[artifact:payload_bin NOT > 'ab€']", artifact)).toBe(true);
    expect(m("[artifact:payload_bin NOT <= 'ab€']", artifact)).toBe(true);
    expect(m("[artifact:payload_bin = 'ab€']", artifact)).toBe(false);
    expect(m("[artifact:payload_bin NOT = 'ab€']", artifact)).toBe(true);
    // Below U+0100 the string is bytes and orders normally.
    expect(m("[artifact:payload_bin > 'abb']", artifact)).toBe(true);
    expect(m("[artifact:payload_bin NOT > 'abb']", artifact)).toBe(false);
    // And a binary constant against a string property with such a character.
    expect(m("[file:name < h'ff']", { type: 'file', name: '€uro' })).toBe(false);
    expect(m("[file:name NOT < h'ff']", { type: 'file', name: '€uro' })).toBe(true);
  });

  it('LIKE, ISSUBSET and ISSUPERSET never match a non-string, with or without NOT; MATCHES does with NOT', () => {
    expect(m("[file:size NOT LIKE 'x%']", file)).toBe(false);
    expect(m("[file:size NOT ISSUBSET '10.0.0.0/8']", file)).toBe(false);
    expect(m("[file:size NOT ISSUPERSET '10.0.0.1']", file)).toBe(false);
    expect(m("[file:size MATCHES '2']", file)).toBe(false);
    expect(m("[file:size NOT MATCHES '2']", file)).toBe(true);
    expect(m("[file:is_encrypted NOT MATCHES 'true']", file)).toBe(true);
  });

  it('a missing property matches nothing, whatever the operator', () => {
    expect(m("[file:mime_type NOT = 'x']", file)).toBe(false);
    expect(m("[file:mime_type NOT MATCHES 'x']", file)).toBe(false);
    expect(m("[file:mime_type != 'x']", file)).toBe(false);
  });
});

describe('a timestamp constant compared with a property that is not a timestamp', () => {
  const stamp = (modified: unknown) => ({ type: 'file', name: 'x', modified });

  it('a string in STIX timestamp form is compared as a time, at full precision', () => {
    expect(m("[file:modified = t'2024-01-01T00:00:00Z']", stamp('2024-01-01T00:00:00.000Z'))).toBe(true);
    expect(m("[file:modified > t'2024-01-01T00:00:00Z']", stamp('2024-01-01T00:00:00.000001Z'))).toBe(true);
    expect(m("[file:modified NOT > t'2024-01-01T00:00:00Z']", stamp('2023-12-31T23:59:59Z'))).toBe(true);
  });

  it('any other string stops the reference matcher; here the comparison is false whatever the operator or NOT', () => {
    for (const value of ['yesterday', '2024-01-01', '2024-01-01t00:00:00z', '2024-01-01T00:00:00+01:00']) {
      expect(m("[file:modified = t'2024-01-01T00:00:00Z']", stamp(value))).toBe(false);
      expect(m("[file:modified != t'2024-01-01T00:00:00Z']", stamp(value))).toBe(false);
      expect(m("[file:modified NOT = t'2024-01-01T00:00:00Z']", stamp(value))).toBe(false);
      expect(m("[file:modified NOT < t'2024-01-01T00:00:00Z']", stamp(value))).toBe(false);
      expect(m("[file:modified NOT IN (t'2024-01-01T00:00:00Z')]", stamp(value))).toBe(false);
    }
  });

  it('a number or a boolean is a value of another type: unequal, so != and NOT match, and never ordered', () => {
    for (const value of [1704067200000, true]) {
      expect(m("[file:modified = t'2024-01-01T00:00:00Z']", stamp(value))).toBe(false);
      expect(m("[file:modified != t'2024-01-01T00:00:00Z']", stamp(value))).toBe(true);
      expect(m("[file:modified NOT = t'2024-01-01T00:00:00Z']", stamp(value))).toBe(true);
      expect(m("[file:modified > t'2024-01-01T00:00:00Z']", stamp(value))).toBe(false);
      expect(m("[file:modified NOT > t'2024-01-01T00:00:00Z']", stamp(value))).toBe(false);
    }
  });
});

describe('START/STOP with equal or reversed times', () => {
  it('parses, as in the reference matcher, and is reported as a pattern that can never match', () => {
    for (const pattern of ["[person:name = 'bob'] START t'1994-11-29T13:37:58Z' STOP t'1994-11-29T13:37:58Z'", "[person:name = 'bob'] START t'1994-11-29T13:37:59Z' STOP t'1994-11-29T13:37:58Z'"]) {
      const parsed = parsePattern(pattern);
      expect(parsed.ok).toBe(true);
      if (!parsed.ok) continue;
      expect(neverMatches(parsed.value).map((r) => [r.code, r.column])).toEqual([['empty-start-stop', 23]]);
    }
  });

  it('matches nothing, not even an observation whose interval spans both times', () => {
    const spanning = [person('bob', at(50), at(59))];
    expect(p("[person:name = 'bob'] START t'1994-11-29T13:37:55Z' STOP t'1994-11-29T13:37:56Z'", spanning)).toBe(true);
    expect(p("[person:name = 'bob'] START t'1994-11-29T13:37:55Z' STOP t'1994-11-29T13:37:55Z'", spanning)).toBe(false);
    expect(p("[person:name = 'bob'] START t'1994-11-29T13:37:56Z' STOP t'1994-11-29T13:37:55Z'", spanning)).toBe(false);
    expect(p("[person:name = 'bob'] START t'1994-11-29T13:37:57Z' STOP t'1994-11-29T13:37:57Z'", trio)).toBe(false);
  });

  it('an empty window inside OR leaves the other side to match', () => {
    const pattern = "([person:name = 'bob'] START t'1994-11-29T13:37:58Z' STOP t'1994-11-29T13:37:58Z') OR [person:name = 'alice']";
    expect(p(pattern, trio)).toBe(true);
    const parsed = parsePattern(pattern);
    expect(parsed.ok && neverMatches(parsed.value)).toEqual([]);
  });

  it('touches START but not STOP, as before', () => {
    expect(p("[person:name = 'bob'] START t'1994-11-29T13:37:57Z' STOP t'1994-11-29T13:37:58Z'", trio)).toBe(true);
    expect(p("[person:name = 'bob'] START t'1994-11-29T13:37:58Z' STOP t'1994-11-29T13:37:59Z'", trio)).toBe(false);
    expect(p("[person:name = 'bob'] START t'1994-11-29T13:37:50Z' STOP t'1994-11-29T13:37:57Z'", trio)).toBe(false);
  });
});
