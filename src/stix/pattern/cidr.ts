/**
 * IPv4 and IPv6 addresses and CIDR blocks for ISSUBSET / ISSUPERSET (STIX 2.1 §9.5).
 * A bare address is a block of prefix 32 (IPv4) or 128 (IPv6).
 */
/** The network address has its host bits cleared; IPv4 uses plain numbers, the fast path for logs. */
export type CidrBlock = { readonly version: 4; readonly network: number; readonly prefix: number } | { readonly version: 6; readonly network: bigint; readonly prefix: number };

const IPV4 = /^(\d{1,3})\.(\d{1,3})\.(\d{1,3})\.(\d{1,3})$/;

function parseIpv4(text: string): number | null {
  const m = IPV4.exec(text);
  if (m === null) return null;
  let value = 0;
  for (let i = 1; i <= 4; i++) {
    const part = m[i] ?? '';
    const n = Number(part);
    if (n > 255 || (part.length > 1 && part.startsWith('0'))) return null;
    value = value * 256 + n;
  }
  return value;
}

function maskV4(address: number, prefix: number): number {
  return prefix === 0 ? 0 : (address & ((~0 << (32 - prefix)) >>> 0)) >>> 0;
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
    tail = [Math.floor(v4 / 65536), v4 % 65536];
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
  const width = isV6 ? 128 : 32;
  let prefix = width;
  if (slash >= 0) {
    const p = text.slice(slash + 1);
    if (!/^\d{1,3}$/.test(p) || Number(p) > width) return null;
    prefix = Number(p);
  }
  if (!isV6) {
    const v4 = parseIpv4(addressText);
    return v4 === null ? null : { version: 4, network: maskV4(v4, prefix), prefix };
  }
  const v6 = parseIpv6(addressText);
  return v6 === null ? null : { version: 6, network: maskV6(v6, prefix), prefix };
}

function maskV6(address: bigint, prefix: number): bigint {
  const hostBits = BigInt(128 - prefix);
  return (address >> hostBits) << hostBits;
}

/** True when every address of `inner` lies in `outer` (same IP version only). */
export function cidrContains(outer: CidrBlock, inner: CidrBlock): boolean {
  if (inner.prefix < outer.prefix) return false;
  if (outer.version === 4) return inner.version === 4 && maskV4(inner.network, outer.prefix) === outer.network;
  return inner.version === 6 && maskV6(inner.network, outer.prefix) === outer.network;
}
