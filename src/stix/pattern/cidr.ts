/**
 * IPv4 and IPv6 addresses and CIDR blocks for ISSUBSET / ISSUPERSET (STIX 2.1 §9.5).
 * A bare address is a block of prefix 32 (IPv4) or 128 (IPv6).
 */
export interface CidrBlock {
  readonly version: 4 | 6;
  /** The network address with host bits cleared. */
  readonly network: bigint;
  readonly prefix: number;
}

const IPV4 = /^(\d{1,3})\.(\d{1,3})\.(\d{1,3})\.(\d{1,3})$/;

function parseIpv4(text: string): bigint | null {
  const m = IPV4.exec(text);
  if (m === null) return null;
  let value = 0n;
  for (const part of m.slice(1)) {
    const n = Number(part);
    if (n > 255 || (part.length > 1 && part.startsWith('0'))) return null;
    value = (value << 8n) | BigInt(n);
  }
  return value;
}

function parseGroups(text: string): number[] | null {
  if (text === '') return [];
  const groups: number[] = [];
  for (const g of text.split(':')) {
    if (!/^[0-9A-Fa-f]{1,4}$/.test(g)) return null;
    groups.push(parseInt(g, 16));
  }
  return groups;
}

function parseIpv6(text: string): bigint | null {
  let body = text;
  let tail: number[] = [];
  // An embedded IPv4 address (::ffff:192.0.2.1) supplies the last two groups.
  const lastColon = body.lastIndexOf(':');
  if (body.slice(lastColon + 1).includes('.')) {
    const v4 = parseIpv4(body.slice(lastColon + 1));
    if (v4 === null) return null;
    tail = [Number(v4 >> 16n), Number(v4 & 0xffffn)];
    body = body.slice(0, lastColon + 1);
    if (body.endsWith(':') && !body.endsWith('::')) body = body.slice(0, -1);
  }
  const halves = body.split('::');
  if (halves.length > 2) return null;
  const head = parseGroups(halves[0] ?? '');
  const rest = halves.length === 2 ? parseGroups(halves[1] ?? '') : [];
  if (head === null || rest === null) return null;
  const given = head.length + rest.length + tail.length;
  if (halves.length === 2 ? given > 7 : given !== 8) return null;
  const groups = [...head, ...new Array<number>(8 - given).fill(0), ...rest, ...tail];
  return groups.reduce((acc, g) => (acc << 16n) | BigInt(g), 0n);
}

/** Parses `198.51.100.0/24`, `2001:db8::/32` or a bare address; null when it is neither. */
export function parseCidr(text: string): CidrBlock | null {
  const slash = text.indexOf('/');
  const addressText = slash < 0 ? text : text.slice(0, slash);
  const isV6 = addressText.includes(':');
  const address = isV6 ? parseIpv6(addressText) : parseIpv4(addressText);
  if (address === null) return null;
  const width = isV6 ? 128 : 32;
  let prefix = width;
  if (slash >= 0) {
    const p = text.slice(slash + 1);
    if (!/^\d{1,3}$/.test(p) || Number(p) > width) return null;
    prefix = Number(p);
  }
  return { version: isV6 ? 6 : 4, network: maskTo(address, prefix, width), prefix };
}

function maskTo(address: bigint, prefix: number, width: number): bigint {
  const hostBits = BigInt(width - prefix);
  return (address >> hostBits) << hostBits;
}

/** True when every address of `inner` lies in `outer` (same IP version only). */
export function cidrContains(outer: CidrBlock, inner: CidrBlock): boolean {
  if (outer.version !== inner.version || inner.prefix < outer.prefix) return false;
  return maskTo(inner.network, outer.prefix, outer.version === 4 ? 32 : 128) === outer.network;
}
