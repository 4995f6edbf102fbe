import { expandIpv6, isIpv4 } from './record.ts';

export type Cidr = { readonly version: 4; readonly network: number; readonly bits: number } | { readonly version: 6; readonly groups: readonly number[]; readonly bits: number };

/** The 32-bit value of a dotted quad (already checked with isIpv4). */
export function ipv4ToInt(ip: string): number {
  let value = 0;
  let part = 0;
  for (let i = 0; i < ip.length; i++) {
    const c = ip.charCodeAt(i);
    if (c === 46) {
      value = value * 256 + part;
      part = 0;
    } else part = part * 10 + c - 48;
  }
  return value * 256 + part;
}

function maskV4(value: number, bits: number): number {
  return bits === 0 ? 0 : Math.floor(value / 2 ** (32 - bits)) * 2 ** (32 - bits);
}

/** `a.b.c.d/n`, `x::/n`, or a bare address (a /32 or /128), or null when it is neither. */
export function parseCidr(text: string): Cidr | null {
  const slash = text.indexOf('/');
  const address = slash < 0 ? text : text.slice(0, slash);
  const bitsText = slash < 0 ? null : text.slice(slash + 1);
  if (bitsText !== null && !/^\d{1,3}$/.test(bitsText)) return null;
  if (isIpv4(address)) {
    const bits = bitsText === null ? 32 : Number(bitsText);
    if (bits > 32) return null;
    return { version: 4, network: maskV4(ipv4ToInt(address), bits), bits };
  }
  const groups = expandIpv6(address);
  if (groups === null) return null;
  const bits = bitsText === null ? 128 : Number(bitsText);
  if (bits > 128) return null;
  return { version: 6, groups: groups.map((g, i) => maskGroup(g, i, bits)), bits };
}

function maskGroup(group: number, index: number, bits: number): number {
  const keep = Math.max(0, Math.min(16, bits - index * 16));
  return keep === 0 ? 0 : group & (0xffff << (16 - keep)) & 0xffff;
}

function inV6(groups: readonly number[], cidr: { readonly groups: readonly number[]; readonly bits: number }): boolean {
  for (let i = 0; i < 8 && i * 16 < cidr.bits; i++) if (maskGroup(groups[i] ?? 0, i, cidr.bits) !== cidr.groups[i]) return false;
  return true;
}

/**
 * Network prefixes with a value each: IPv4 in one hash map per prefix length (a lookup costs one
 * probe per length in use), IPv6 in a short list (few indicators name IPv6 ranges).
 */
export class PrefixMap<T> {
  private readonly v4 = new Map<number, Map<number, T[]>>();
  private lengths: number[] = [];
  private readonly v6: { readonly cidr: Extract<Cidr, { version: 6 }>; readonly value: T }[] = [];

  get size(): number {
    let n = this.v6.length;
    for (const byNetwork of this.v4.values()) for (const list of byNetwork.values()) n += list.length;
    return n;
  }

  /** True when no prefix was added (a constant-time size check for the per-value lookup). */
  get empty(): boolean {
    return this.lengths.length === 0 && this.v6.length === 0;
  }

  add(cidr: Cidr, value: T): void {
    if (cidr.version === 6) {
      this.v6.push({ cidr, value });
      return;
    }
    let byNetwork = this.v4.get(cidr.bits);
    if (byNetwork === undefined) {
      byNetwork = new Map();
      this.v4.set(cidr.bits, byNetwork);
      this.lengths = [...this.v4.keys()].sort((a, b) => b - a);
    }
    const list = byNetwork.get(cidr.network);
    if (list === undefined) byNetwork.set(cidr.network, [value]);
    else list.push(value);
  }

  /** Every value whose prefix holds the IPv4 address (most specific first). */
  matchV4(ip: string, out: T[]): void {
    if (this.lengths.length === 0) return;
    const value = ipv4ToInt(ip);
    for (const bits of this.lengths) {
      const list = this.v4.get(bits)?.get(maskV4(value, bits));
      if (list !== undefined) for (const item of list) out.push(item);
    }
  }

  matchV6(ip: string, out: T[]): void {
    if (this.v6.length === 0) return;
    const groups = expandIpv6(ip);
    if (groups === null) return;
    for (const entry of this.v6) if (inV6(groups, entry.cidr)) out.push(entry.value);
  }

  /** The first value whose prefix holds the address, or undefined. */
  first(ip: string): T | undefined {
    const out: T[] = [];
    if (isIpv4(ip)) this.matchV4(ip, out);
    else this.matchV6(ip, out);
    return out[0];
  }
}
