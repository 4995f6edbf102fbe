import { describe, expect, it } from 'vitest';
import { compilePattern, parsePattern } from './index.ts';
import { neverMatches } from './never-matches.ts';
import type { Observation } from './observation.ts';

const parse = (text: string) => {
  const parsed = parsePattern(text);
  if (!parsed.ok) throw new Error(parsed.error.message);
  return parsed.value;
};
const reasons = (text: string) => neverMatches(parse(text)).map((r) => `${r.code}@${r.column}`);

/** One observation holding a connection to 198.51.100.7:443 and the address itself. */
const connection: Observation = {
  first: '2024-11-05T12:00:00Z',
  last: '2024-11-05T12:00:00Z',
  count: 1,
  objects: {
    '0': { type: 'ipv4-addr', value: '198.51.100.7' },
    '1': { type: 'network-traffic', dst_ref: '0', dst_port: 443, protocols: ['tcp'] },
  },
} as unknown as Observation;

describe('neverMatches', () => {
  it('finds AND across object types inside one observation expression, at the AND', () => {
    expect(reasons("[ipv4-addr:value = '198.51.100.7' AND network-traffic:dst_port = 443]")).toEqual(['and-across-object-types@2']);
    const [reason] = neverMatches(parse("[ipv4-addr:value = '198.51.100.7' AND network-traffic:dst_port = 443]"));
    expect(reason?.message).toContain('ipv4-addr, network-traffic');
    expect(reason?.message).toContain('network-traffic:dst_ref.value');
    expect(reasons("[file:name = 'a' OR file:size = 3] AND [x-a:b = 1 AND (x-c:d = 2 OR x-c:e = 3)]")).toEqual(['and-across-object-types@41']);
  });

  it('agrees with the engine: such a pattern does not match an observation that holds both objects', () => {
    const bad = "[ipv4-addr:value = '198.51.100.7' AND network-traffic:dst_port = 443]";
    const good = "[network-traffic:dst_ref.value = '198.51.100.7' AND network-traffic:dst_port = 443]";
    expect(compilePattern(parse(bad)).matches([connection])).toBe(false);
    expect(compilePattern(parse(good)).matches([connection])).toBe(true);
    expect(reasons(good)).toEqual([]);
  });

  it('says nothing where some object can satisfy every AND', () => {
    for (const ok of [
      "[ipv4-addr:value = '198.51.100.7' OR network-traffic:dst_port = 443]",
      "[file:name = 'a' AND (file:size = 1 OR ipv4-addr:value = '198.51.100.7')]",
      "[ipv4-addr:value = '198.51.100.7'] AND [network-traffic:dst_port = 443]",
      "[domain-name:value = 'a.example'] FOLLOWEDBY [ipv4-addr:value = '198.51.100.7'] WITHIN 60 SECONDS",
      // A dead branch of an OR is no reason while the other branch can hold.
      "[file:name = 'a' OR (file:name = 'b' AND ipv4-addr:value = '198.51.100.7')]",
      "([a-b:c = 1 AND d-e:f = 2] OR [file:name = 'x']) REPEATS 2 TIMES",
    ]) {
      expect(reasons(ok), ok).toEqual([]);
    }
  });

  it('follows observation operators: AND and FOLLOWEDBY need every side, OR needs one', () => {
    expect(reasons("[file:name = 'x'] FOLLOWEDBY [a-b:c = 1 AND d-e:f = 2]")).toEqual(['and-across-object-types@31']);
    expect(reasons('[a-b:c = 1 AND d-e:f = 2] OR [g-h:i = 1 AND j-k:l = 2]')).toEqual(['and-across-object-types@2', 'and-across-object-types@31']);
    expect(reasons("([a-b:c = 1 AND d-e:f = 2]) WITHIN 5 SECONDS")).toEqual(['and-across-object-types@3']);
  });
});
