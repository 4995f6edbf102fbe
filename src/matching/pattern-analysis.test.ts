import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { parsePattern } from '../stix/pattern/index.ts';
import { quickEqualityKeys, shapeOf, type IndexKey } from './pattern-analysis.ts';

/** The keys the parser's way gives, or null when the pattern is not one index equality. */
function parsedKeys(pattern: string): IndexKey[] | null {
  const parsed = parsePattern(pattern);
  if (!parsed.ok) return null;
  const shape = shapeOf(parsed.value);
  return shape.kind === 'equality' ? shape.keys : null;
}

describe('quickEqualityKeys', () => {
  it('reads the commonest patterns as the parser does, and leaves every other one to it', () => {
    const quick = [
      "[ipv4-addr:value = '203.0.113.5']",
      "[ipv4-addr:value='198.51.100.0/24']",
      "[ipv6-addr:value = '2001:DB8::1']",
      "[ domain-name:value = 'Evil.Example.' ]",
      "[url:value = 'http://a.example/x?y=1']",
      "[email-addr:value = 'Clerk@County.example']",
      "[file:hashes.'SHA-256' = 'AB01']",
      "[file:hashes.MD5 = 'd41d8cd98f00b204e9800998ecf8427e']",
      "[file:hashes.sha1 = 'aa']",
    ];
    for (const pattern of quick) {
      expect(quickEqualityKeys(pattern), pattern).not.toBeNull();
      expect(quickEqualityKeys(pattern), pattern).toEqual(parsedKeys(pattern));
    }
    const left = [
      "[ipv4-addr:value = 'not an address']",
      "[domain-name:value = 'it\\'s.example']",
      "[domain-name:value = 'a.example' OR url:value = 'http://a.example/']",
      "[ipv4-addr:value != '203.0.113.5']",
      "[file:hashes.'SHA-3' = 'aa']",
      "[file:name = 'x.exe']",
      "[domain-name:value = 'a.example'] /* comment */",
      "[domain-name:value = 'a.example'",
    ];
    for (const pattern of left) expect(quickEqualityKeys(pattern), pattern).toBeNull();
  });

  it('never gives keys the parser would not give, for any value, spacing and path', () => {
    const path = fc.constantFrom('ipv4-addr:value', 'ipv6-addr:value', 'domain-name:value', 'url:value', 'email-addr:value', "file:hashes.'SHA-256'", 'file:hashes.MD5', "file:hashes.'sha-1'", 'file:hashes.SHA512', 'file:name', 'ipv4-addr:values', 'x-custom:value');
    const space = fc.constantFrom('', ' ', '  ', '\t', '\n', '\u00a0');
    const value = fc.oneof(fc.string(), fc.constantFrom('203.0.113.5', '10.0.0.0/8', '2001:db8::/32', '::1', 'a.example', 'A.EXAMPLE.', "it's", 'back\\slash', 'ab01'), fc.ipV4(), fc.ipV6(), fc.domain());
    fc.assert(
      fc.property(space, path, space, space, value, space, space, (s1, p, s2, s3, v, s4, s5) => {
        const pattern = `[${s1}${p}${s2}=${s3}'${v}'${s4}]${s5}`;
        const quick = quickEqualityKeys(pattern);
        if (quick !== null) expect(quick).toEqual(parsedKeys(pattern));
      }),
      { numRuns: 3000 },
    );
  });
});
