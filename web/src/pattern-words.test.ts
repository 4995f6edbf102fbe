import { describe, expect, it } from 'vitest';
import { parsePattern } from '../../src/stix/pattern/parser.ts';
import { patternInWords, valuePattern } from './pattern-words.ts';

describe('a bare value typed where an indicator wants a STIX pattern', () => {
  it('names the kind of value and gives a pattern Rampart reads', () => {
    const cases: [string, string, string][] = [
      ['203.0.113.47', 'an IP address', "[ipv4-addr:value = '203.0.113.47']"],
      [' 203.0.113.0/24 ', 'a block of IP addresses', "[ipv4-addr:value ISSUBSET '203.0.113.0/24']"],
      ['2001:db8::1', 'an IPv6 address', "[ipv6-addr:value = '2001:db8::1']"],
      ['2001:db8::/32', 'a block of IPv6 addresses', "[ipv6-addr:value ISSUBSET '2001:db8::/32']"],
      ['https://ballot-update-portal.example/login?a=1', 'a web address', "[url:value = 'https://ballot-update-portal.example/login?a=1']"],
      ["https://x.example/it's", 'a web address', "[url:value = 'https://x.example/it\\'s']"],
      ['clerk-support@ballot-update-portal.example', 'an email address', "[email-addr:value = 'clerk-support@ballot-update-portal.example']"],
      ['D41D8CD98F00B204E9800998ECF8427E', 'a file hash (MD5)', "[file:hashes.'MD5' = 'd41d8cd98f00b204e9800998ecf8427e']"],
      ['da39a3ee5e6b4b0d3255bfef95601890afd80709', 'a file hash (SHA-1)', "[file:hashes.'SHA-1' = 'da39a3ee5e6b4b0d3255bfef95601890afd80709']"],
      ['f1e2d3c4b5a697887766554433221100ffeeddccbbaa99887766554433221100', 'a file hash (SHA-256)', "[file:hashes.'SHA-256' = 'f1e2d3c4b5a697887766554433221100ffeeddccbbaa99887766554433221100']"],
      ['Ballot-Update-Portal.example.', 'a domain name', "[domain-name:value = 'ballot-update-portal.example']"],
    ];
    for (const [typed, what, pattern] of cases) {
      expect(valuePattern(typed), typed).toEqual({ what, pattern });
      expect(parsePattern(pattern).ok, pattern).toBe(true);
    }
  });

  it('reads a value written safe ("defanged") as threat reports write it, and looks for the real one', () => {
    const cases: [string, string, string][] = [
      ['hxxps://ballot-update-portal[.]example/login', 'a web address', "[url:value = 'https://ballot-update-portal.example/login']"],
      ['hxxp[:]//evil(.)example', 'a web address', "[url:value = 'http://evil.example']"],
      ['203.0.113[.]47', 'an IP address', "[ipv4-addr:value = '203.0.113.47']"],
      ['clerk-support[@]ballot-update-portal[.]example', 'an email address', "[email-addr:value = 'clerk-support@ballot-update-portal.example']"],
      ['ballot-update-portal[dot]example', 'a domain name', "[domain-name:value = 'ballot-update-portal.example']"],
    ];
    for (const [typed, what, pattern] of cases) expect(valuePattern(typed), typed).toEqual({ what, pattern });
  });

  it('leaves patterns, words and near-misses alone', () => {
    for (const typed of ["[domain-name:value = 'evil.example']", 'phishing', '300.1.2.3', '203.0.113', 'abc123', 'not an email@', 'ftp://x.example', '']) {
      expect(valuePattern(typed), typed).toBeNull();
    }
  });
});

describe('an indicator pattern in words', () => {
  it('says what the demo indicators look for', () => {
    expect(patternInWords("[domain-name:value = 'ballot-update-portal.example']")).toBe('The domain ballot-update-portal.example');
    expect(patternInWords("[url:value = 'https://ballot-update-portal.example/login']")).toBe('The web address https://ballot-update-portal.example/login');
    expect(patternInWords("[ipv4-addr:value = '203.0.113.47']")).toBe('The IP address 203.0.113.47');
    expect(patternInWords("[ipv4-addr:value ISSUBSET '203.0.113.0/24']")).toBe('An IP address in the block 203.0.113.0/24');
    expect(patternInWords("[file:hashes.'SHA-256' = 'f1e2d3c4b5a697887766554433221100ffeeddccbbaa99887766554433221100']")).toBe(
      'A file whose SHA-256 hash is f1e2d3c4b5a697887766554433221100ffeeddccbbaa99887766554433221100',
    );
    expect(patternInWords("[email-message:from_ref.value = 'clerk-support@ballot-update-portal.example']")).toBe('Email sent from clerk-support@ballot-update-portal.example');
    expect(patternInWords("[email-message:subject = 'Poll worker schedule']")).toBe('Email with the subject “Poll worker schedule”');
  });

  it('joins plain comparisons with and / or', () => {
    expect(patternInWords("[domain-name:value = 'a.example' OR domain-name:value = 'b.example']")).toBe('The domain a.example, or the domain b.example');
    expect(patternInWords("[email-message:from_ref.value = 'x@a.example' AND email-message:subject = 'Hi']")).toBe('Email sent from x@a.example and email with the subject “Hi”');
  });

  it('gives up (null: the pattern is shown as written) on anything it cannot say faithfully', () => {
    for (const p of [
      "[domain-name:value != 'a.example']",
      "[domain-name:value NOT = 'a.example']",
      "[domain-name:value LIKE '%.example']",
      "[domain-name:value MATCHES '^a']",
      "[domain-name:value = 'a.example'] AND [url:value = 'https://a.example/']",
      "[domain-name:value = 'a.example'] REPEATS 2 TIMES",
      "[process:name = 'evil.exe']",
      "[domain-name:value = 'a.example' OR process:name = 'evil.exe']",
      '[ipv4-addr:value = 1]',
      'not a pattern',
    ]) {
      expect(patternInWords(p), p).toBeNull();
    }
  });
});
