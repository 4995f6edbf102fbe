import { describe, expect, it } from 'vitest';
import { defaultWarningLists } from './warning-lists.ts';

describe('warning lists', () => {
  const lists = defaultWarningLists();
  it('lists private, shared, documentation and reserved ranges (RFC 1918, 6598, 5737, 3849)', () => {
    for (const ip of ['10.1.2.3', '172.31.255.255', '192.168.0.1', '100.64.0.1', '127.0.0.1', '169.254.1.1', '192.0.2.10', '198.51.100.7', '203.0.113.200', '224.0.0.251', '255.255.255.255']) {
      expect(lists.listing('ipv4', ip), ip).toBe('special-ip-ranges');
    }
    for (const ip of ['2001:db8::1', '2001:0db8:ffff::', 'fe80::1', 'fd12:3456::1', '::1', 'ff02::fb']) expect(lists.listing('ipv6', ip), ip).toBe('special-ip-ranges');
  });
  it('leaves public addresses alone, including the neighbours of listed ranges', () => {
    for (const ip of ['8.8.8.8', '172.32.0.1', '172.15.255.255', '100.128.0.1', '198.51.101.1', '203.0.114.1', '192.0.3.1']) expect(lists.listing('ipv4', ip), ip).toBeNull();
    expect(lists.listing('ipv6', '2001:db9::1')).toBeNull();
    expect(lists.listing('ipv6', '2606:4700::1111')).toBeNull();
  });
  it('lists benign top domains and their subdomains, but not look-alikes or URLs on them', () => {
    expect(lists.listing('domain', 'google.com')).toBe('benign-top-domains');
    expect(lists.listing('domain', 'WWW.Google.COM.')).toBe('benign-top-domains');
    expect(lists.listing('domain', 'vote.gov')).toBe('benign-top-domains');
    expect(lists.listing('domain', 'google.com.evil.example')).toBeNull();
    expect(lists.listing('domain', 'notgoogle.com')).toBeNull();
    expect(lists.listing('url', 'https://google.com/')).toBeNull();
  });
  it('lists the empty-file digests', () => {
    expect(lists.listing('md5', 'D41D8CD98F00B204E9800998ECF8427E')).toBe('empty-file-hashes');
    expect(lists.listing('sha256', 'e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855')).toBe('empty-file-hashes');
    expect(lists.listing('sha1', '0000000000000000000000000000000000000000')).toBeNull();
  });
  it('says where each list comes from', () => {
    expect(lists.lists.map((l) => l.name)).toEqual(['special-ip-ranges', 'benign-top-domains', 'empty-file-hashes']);
    for (const l of lists.lists) expect(l.source.length).toBeGreaterThan(20);
  });
});
