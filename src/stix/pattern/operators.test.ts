import { describe, expect, it } from 'vitest';
import { matchesObjects as m } from '../../../test/helpers/pattern.ts';

const file = { type: 'file', name: 'foo.dll', size: 25536, hashes: { 'SHA-256': 'aec070645fe53ee3b3763059376134f058cc337247c978add178b6ccdfb0019f', MD5: 'cead3f77f6cda6ec00f57d76c9a6879f' }, ctime: '2024-11-05T12:00:00.123456Z', is_encrypted: false, entropy: 7.25 };
const ip = { type: 'ipv4-addr', value: '198.51.100.7' };

describe('= and !=', () => {
  it('compares strings exactly, after NFC normalisation', () => {
    expect(m("[file:name = 'foo.dll']", file)).toBe(true);
    expect(m("[file:name = 'FOO.dll']", file)).toBe(false);
    expect(m("[file:name != 'bar.dll']", file)).toBe(true);
    expect(m("[file:name != 'foo.dll']", file)).toBe(false);
    // U+00E9 precomposed in the pattern, e + U+0301 combining in the data.
    expect(m("[file:name = 'caf\u00e9.txt']", { type: 'file', name: 'cafe\u0301.txt' })).toBe(true);
  });

  it('compares numbers across int and float, booleans with booleans', () => {
    expect(m('[file:size = 25536]', file)).toBe(true);
    expect(m('[file:size = 25536.0]', file)).toBe(true);
    expect(m('[file:entropy = 7.25]', file)).toBe(true);
    expect(m('[file:is_encrypted = false]', file)).toBe(true);
    expect(m('[file:is_encrypted = true]', file)).toBe(false);
  });

  it('treats values of another type as unequal, never as an error', () => {
    expect(m("[file:size = '25536']", file)).toBe(false);
    expect(m("[file:size != '25536']", file)).toBe(true);
    expect(m('[file:name = 1]', file)).toBe(false);
    expect(m('[file:is_encrypted = 0]', file)).toBe(false);
    expect(m('[file:hashes = 1]', file)).toBe(false);
  });

  it('quotes keys that hold hyphens', () => {
    expect(m("[file:hashes.'SHA-256' = 'aec070645fe53ee3b3763059376134f058cc337247c978add178b6ccdfb0019f']", file)).toBe(true);
    expect(m("[file:hashes.MD5 = 'cead3f77f6cda6ec00f57d76c9a6879f']", file)).toBe(true);
  });

  it('compares timestamps with timestamp literals at full precision', () => {
    expect(m("[file:ctime = t'2024-11-05T12:00:00.123456Z']", file)).toBe(true);
    expect(m("[file:ctime = t'2024-11-05T12:00:00.12345600Z']", file)).toBe(true);
    expect(m("[file:ctime = t'2024-11-05T12:00:00.123Z']", file)).toBe(false);
    expect(m("[file:name = t'2024-11-05T12:00:00Z']", file)).toBe(false);
  });
});

describe('< > <= >=', () => {
  it('orders numbers', () => {
    expect(m('[file:size > 25535]', file)).toBe(true);
    expect(m('[file:size > 25536]', file)).toBe(false);
    expect(m('[file:size >= 25536]', file)).toBe(true);
    expect(m('[file:size < 25537.5]', file)).toBe(true);
    expect(m('[file:size <= 25535]', file)).toBe(false);
    expect(m('[file:entropy > 7.0]', file)).toBe(true);
    expect(m('[file:size > -1]', file)).toBe(true);
  });

  it('orders strings and timestamps', () => {
    expect(m("[file:name > 'foo']", file)).toBe(true);
    expect(m("[file:name < 'foo']", file)).toBe(false);
    expect(m("[file:ctime > t'2024-11-05T12:00:00.123455Z']", file)).toBe(true);
    expect(m("[file:ctime < t'2024-11-05T12:00:00.1234561Z']", file)).toBe(true);
    expect(m("[file:ctime >= t'2025-01-01T00:00:00Z']", file)).toBe(false);
  });

  it('never matches values that cannot be ordered against the constant, even with NOT', () => {
    expect(m("[file:size > 'a']", file)).toBe(false);
    expect(m("[file:size NOT > 'a']", file)).toBe(false);
    expect(m('[file:name < 5]', file)).toBe(false);
    expect(m('[file:is_encrypted < 5]', file)).toBe(false);
  });
});

describe('IN', () => {
  it('matches any member of the set', () => {
    expect(m("[file:name IN ('a.dll', 'foo.dll')]", file)).toBe(true);
    expect(m("[file:name IN ('a.dll', 'b.dll')]", file)).toBe(false);
    expect(m('[file:size IN (1, 25536.0)]', file)).toBe(true);
    expect(m("[file:name NOT IN ('a.dll', 'b.dll')]", file)).toBe(true);
    expect(m("[file:name NOT IN ('foo.dll')]", file)).toBe(false);
    expect(m('[file:name IN ()]', file)).toBe(false);
  });
});

describe('LIKE', () => {
  it('uses % for any run and _ for one character, over the whole value', () => {
    expect(m("[file:name LIKE 'foo%']", file)).toBe(true);
    expect(m("[file:name LIKE '%.dll']", file)).toBe(true);
    expect(m("[file:name LIKE 'f_o.dll']", file)).toBe(true);
    expect(m("[file:name LIKE 'f_.dll']", file)).toBe(false);
    expect(m("[file:name LIKE 'foo']", file)).toBe(false);
    expect(m("[file:name LIKE 'FOO%']", file)).toBe(false);
    expect(m("[file:name NOT LIKE 'bar%']", file)).toBe(true);
  });

  it('takes regex characters literally', () => {
    expect(m("[file:name LIKE 'a.c(d)[e]+']", { type: 'file', name: 'a.c(d)[e]+' })).toBe(true);
    expect(m("[file:name LIKE 'a.c']", { type: 'file', name: 'abc' })).toBe(false);
    expect(m("[file:name LIKE '%-x\\\\%']", { type: 'file', name: 'a-x\\y' })).toBe(true);
  });

  it('never matches non-strings', () => {
    expect(m("[file:size LIKE '2%']", file)).toBe(false);
    expect(m("[file:size NOT LIKE '2%']", file)).toBe(false);
  });
});

describe('MATCHES', () => {
  it('searches strings with a regular expression', () => {
    expect(m("[file:name MATCHES '^foo\\\\.(dll|exe)$']", file)).toBe(true);
    expect(m("[file:name MATCHES 'oo']", file)).toBe(true);
    expect(m("[file:name MATCHES '^oo']", file)).toBe(false);
    expect(m("[file:name NOT MATCHES '^bar']", file)).toBe(true);
    expect(m("[file:name MATCHES '\\\\d']", file)).toBe(false);
    expect(m("[email-addr:value MATCHES '.+\\\\@example\\\\.com$']", { type: 'email-addr', value: 'jdoe@example.com' })).toBe(true);
  });

  it('accepts PCRE-style escapes that Unicode mode refuses', () => {
    expect(m("[file:name MATCHES 'foo\\\\-?\\\\.dll']", file)).toBe(true);
  });

  it('matches binary values byte for byte (the spec example on a pcap magic number)', () => {
    const pcap = { type: 'artifact', mime_type: 'application/vnd.tcpdump.pcap', payload_bin: Buffer.from([0xd4, 0xc3, 0xb2, 0xa1, 0x02, 0x00, 0x04, 0x00, 0x99]).toString('base64') };
    expect(m("[artifact:mime_type = 'application/vnd.tcpdump.pcap' AND artifact:payload_bin MATCHES '^\\\\xd4\\\\xc3\\\\xb2\\\\xa1\\\\x02\\\\x00\\\\x04\\\\x00']", pcap)).toBe(true);
    expect(m("[artifact:payload_bin MATCHES '^\\\\xd4\\\\xc4']", pcap)).toBe(false);
  });

  it('does not match numbers, so NOT does (as in the reference matcher; edge-cases.test.ts)', () => {
    expect(m("[file:size MATCHES '2']", file)).toBe(false);
    expect(m("[file:size NOT MATCHES '2']", file)).toBe(true);
  });
});

describe('ISSUBSET and ISSUPERSET', () => {
  it('tests IPv4 addresses and blocks against a CIDR block', () => {
    expect(m("[ipv4-addr:value ISSUBSET '198.51.100.0/24']", ip)).toBe(true);
    expect(m("[ipv4-addr:value ISSUBSET '198.51.101.0/24']", ip)).toBe(false);
    expect(m("[ipv4-addr:value ISSUBSET '0.0.0.0/0']", ip)).toBe(true);
    expect(m("[ipv4-addr:value NOT ISSUBSET '10.0.0.0/8']", ip)).toBe(true);
    expect(m("[ipv4-addr:value ISSUBSET '198.51.0.0/16']", { type: 'ipv4-addr', value: '198.51.100.0/24' })).toBe(true);
    expect(m("[ipv4-addr:value ISSUBSET '198.51.100.0/25']", { type: 'ipv4-addr', value: '198.51.100.0/24' })).toBe(false);
  });

  it('tests whether the observed block holds the constant', () => {
    expect(m("[ipv4-addr:value ISSUPERSET '198.51.100.7']", { type: 'ipv4-addr', value: '198.51.100.0/24' })).toBe(true);
    expect(m("[ipv4-addr:value ISSUPERSET '198.51.0.0/16']", { type: 'ipv4-addr', value: '198.51.100.0/24' })).toBe(false);
    expect(m("[ipv4-addr:value NOT ISSUPERSET '10.0.0.1']", { type: 'ipv4-addr', value: '198.51.100.0/24' })).toBe(true);
  });

  it('handles IPv6, including compressed and embedded-IPv4 forms', () => {
    const v6 = { type: 'ipv6-addr', value: '2001:db8:dead:beef::1' };
    expect(m("[ipv6-addr:value ISSUBSET '2001:0db8:dead:beef:0000:0000:0000:0000/64']", v6)).toBe(true);
    expect(m("[ipv6-addr:value ISSUBSET '2001:db8:dead:bef0::/64']", v6)).toBe(false);
    expect(m("[ipv6-addr:value ISSUBSET '::ffff:0:0/96']", { type: 'ipv6-addr', value: '::ffff:192.0.2.1' })).toBe(true);
    expect(m("[ipv6-addr:value ISSUPERSET '2001:db8::1']", { type: 'ipv6-addr', value: '2001:db8::/32' })).toBe(true);
  });

  it('never matches across IP versions or on values that are not addresses', () => {
    expect(m("[ipv4-addr:value ISSUBSET '::/0']", ip)).toBe(false);
    expect(m("[ipv4-addr:value ISSUBSET '10.0.0.0/8']", { type: 'ipv4-addr', value: 'not-an-ip' })).toBe(false);
    expect(m("[ipv4-addr:value ISSUBSET '10.0.0.0/8']", { type: 'ipv4-addr', value: '10.0.0.256' })).toBe(false);
    expect(m("[ipv4-addr:value ISSUBSET '10.0.0.0/8']", { type: 'ipv4-addr', value: 10 })).toBe(false);
  });
});

describe('binary and hex literals', () => {
  const withMagic = { type: 'file', mime_type: 'image/bmp', magic_number_hex: 'ffd8', name: '\u00ff\u00d8' };
  it('compare with _hex and _bin properties as bytes', () => {
    expect(m("[file:magic_number_hex = h'ffd8']", withMagic)).toBe(true);
    expect(m("[file:magic_number_hex = h'FFD8']", withMagic)).toBe(true);
    expect(m("[file:magic_number_hex = b'/9g=']", withMagic)).toBe(true);
    expect(m("[file:magic_number_hex = h'ffd9']", withMagic)).toBe(false);
    expect(m("[file:magic_number_hex > h'ff00']", withMagic)).toBe(true);
    expect(m("[artifact:payload_bin = b'AQID']", { type: 'artifact', payload_bin: 'AQID' })).toBe(true);
  });

  it('compare with strings whose characters are all below U+0100', () => {
    expect(m("[file:name = h'ffd8']", withMagic)).toBe(true);
    expect(m("[file:magic_number_hex = '\u00ff\u00d8']", withMagic)).toBe(true);
    expect(m("[file:name = h'ffd8']", { type: 'file', name: '\u0100' })).toBe(false);
  });
});

describe('NOT', () => {
  it('negates the test on a present value and never matches a missing property', () => {
    expect(m("[file:name NOT = 'bar.dll']", file)).toBe(true);
    expect(m("[file:name NOT = 'foo.dll']", file)).toBe(false);
    expect(m("[file:name NOT != 'foo.dll']", file)).toBe(true);
    expect(m("[file:mime_type NOT = 'x']", file)).toBe(false);
    expect(m("[file:mime_type != 'x']", file)).toBe(false);
    expect(m('[file:size NOT < 10]', file)).toBe(true);
    expect(m('[file:size NOT >= 10]', file)).toBe(false);
  });
});
