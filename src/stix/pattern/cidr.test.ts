import { describe, expect, it } from 'vitest';
import { cidrContains, parseCidr } from './cidr.ts';

function block(text: string): NonNullable<ReturnType<typeof parseCidr>> {
  const b = parseCidr(text);
  if (b === null) throw new Error(`not a block: ${text}`);
  return b;
}

describe('parseCidr', () => {
  it('reads IPv4 addresses and blocks, clearing host bits', () => {
    expect(parseCidr('198.51.100.7')).toEqual({ version: 4, network: 0xc6336407, prefix: 32 });
    expect(parseCidr('198.51.100.7/24')).toEqual({ version: 4, network: 0xc6336400, prefix: 24 });
    expect(parseCidr('255.255.255.255/0')).toEqual({ version: 4, network: 0, prefix: 0 });
  });

  it('reads IPv6 in full, compressed and embedded-IPv4 forms', () => {
    expect(block('2001:0db8:0000:0000:0000:0000:0000:0001')).toEqual(block('2001:db8::1'));
    expect(block('::').network).toBe(0n);
    expect(block('::1').network).toBe(1n);
    expect(block('::ffff:192.0.2.1').network).toBe(0xffffc0000201n);
    expect(block('2001:db8::/32')).toEqual({ version: 6, network: 0x20010db8n << 96n, prefix: 32 });
  });

  it('refuses what is not an address or block', () => {
    for (const bad of ['', 'example.com', '1.2.3', '1.2.3.4.5', '256.1.1.1', '01.2.3.4', '1.2.3.4/33', '1.2.3.4/', '1.2.3.4/a', '2001:db8::1::2', '1:2:3:4:5:6:7:8:9', 'g::1', '::/129', '1:2:3:4:5:6:7']) {
      expect(parseCidr(bad)).toBeNull();
    }
  });
});

describe('cidrContains', () => {
  it('holds for blocks inside blocks of the same version only', () => {
    expect(cidrContains(block('10.0.0.0/8'), block('10.1.2.0/24'))).toBe(true);
    expect(cidrContains(block('10.1.2.0/24'), block('10.0.0.0/8'))).toBe(false);
    expect(cidrContains(block('0.0.0.0/0'), block('203.0.113.9'))).toBe(true);
    expect(cidrContains(block('203.0.113.9'), block('203.0.113.9'))).toBe(true);
    expect(cidrContains(block('2001:db8::/32'), block('2001:db8:ffff::1'))).toBe(true);
    expect(cidrContains(block('2001:db8::/32'), block('2001:db9::1'))).toBe(false);
    expect(cidrContains(block('::/0'), block('10.0.0.1'))).toBe(false);
    expect(cidrContains(block('0.0.0.0/0'), block('::1'))).toBe(false);
  });
});
