import { parsePattern, comparisonsOf, type Literal } from '../stix/pattern/index.ts';
import { parseCidr, type CidrBlock } from '../stix/pattern/cidr.ts';
import { keptResults } from './kept-results.ts';

/**
 * Observable values of a STIX object, for search by value (migration 0022, table stix_value): IP
 * addresses and blocks, domains, URLs, email addresses and file hashes, from an indicator's pattern
 * (its comparisons' constants, read by the pattern parser) and from the object's text.
 *
 * Each is stored as (kind, value, prefix) so that a query is an index range:
 * - `ip4` / `ip6`: value is the block's network address in fixed-width hex (8 or 32 digits), prefix
 *   its length; a query block finds the blocks inside it (a hex range and prefix ≥ its own) and the
 *   blocks that hold it (one (network, prefix) pair per shorter prefix).
 * - `domain`: labels reversed with a dot at the end (`example.portal.`), so a domain and its
 *   subdomains are the values starting with it; a URL's host and an email address's domain are domains too.
 * - `url`, `email`, `hash`: the value lower-cased; prefix 0.
 */
export type ValueKind = 'ip4' | 'ip6' | 'domain' | 'url' | 'email' | 'hash';

export interface SearchValue {
  readonly kind: ValueKind;
  readonly value: string;
  readonly prefix: number;
}

const HASH = /^(?:[0-9a-f]{32}|[0-9a-f]{40}|[0-9a-f]{64}|[0-9a-f]{128})$/i;
const DOMAIN = /^(?=.{1,253}$)(?:[a-z0-9](?:[a-z0-9-]{0,61}[a-z0-9])?\.)+[a-z][a-z0-9-]{0,61}[a-z0-9]$/i;
const EMAIL = /^[a-z0-9._%+'-]{1,64}@([^@\s]+)$/i;
const URL_START = /^[a-z][a-z0-9+.-]*:\/\//i;

const hex = (n: number | bigint, digits: number) => n.toString(16).padStart(digits, '0');

function ipValue(block: CidrBlock): SearchValue {
  return block.version === 4 ? { kind: 'ip4', value: hex(block.network, 8), prefix: block.prefix } : { kind: 'ip6', value: hex(block.network, 32), prefix: block.prefix };
}

/** `Mail.Example.COM` as the domain row `com.example.mail.`; null when it is not a domain name. */
export function reversedDomain(text: string): string | null {
  const name = text.toLowerCase().replace(/\.$/, '');
  if (!DOMAIN.test(name)) return null;
  return `${name.split('.').reverse().join('.')}.`;
}

function domainValue(text: string): SearchValue | null {
  const value = reversedDomain(text);
  return value === null ? null : { kind: 'domain', value, prefix: 0 };
}

/** The values one whole string stands for (an address, a block, a domain, a URL and its host, an email address and its domain, a hash), or none. */
export function valuesOfString(raw: string): SearchValue[] {
  const text = raw.trim();
  if (text === '' || text.length > 2048) return [];
  if (HASH.test(text)) return [{ kind: 'hash', value: text.toLowerCase(), prefix: 0 }];
  if (/^[0-9a-f:.]+(\/\d{1,3})?$/i.test(text) && (text.includes('.') || text.includes(':'))) {
    const block = parseCidr(text);
    if (block !== null) return [ipValue(block)];
  }
  const email = EMAIL.exec(text);
  if (email !== null) {
    const domain = domainValue(email[1] ?? '');
    return domain === null ? [] : [{ kind: 'email', value: text.toLowerCase(), prefix: 0 }, domain];
  }
  if (URL_START.test(text)) {
    let host: string;
    try {
      host = new URL(text).hostname;
    } catch {
      return [];
    }
    const out: SearchValue[] = [{ kind: 'url', value: text.toLowerCase(), prefix: 0 }];
    const bare = host.replace(/^\[|\]$/g, '');
    const block = parseCidr(bare);
    const hostValue = block !== null ? ipValue(block) : domainValue(bare);
    if (hostValue !== null) out.push(hostValue);
    return out;
  }
  const domain = domainValue(text);
  return domain === null ? [] : [domain];
}

// Candidates inside free text: URLs, email addresses, IPv4 addresses and blocks, hashes, domain names.
// Every repeat is bounded and every alternative starts at a boundary, so a long run of text costs time in proportion to its length.
const IN_TEXT =
  /(?<![a-z0-9+.-])[a-z][a-z0-9+.-]{0,20}:\/\/[^\s<>"'`)\]]{1,2000}|(?<![a-z0-9._%+-])[a-z0-9._%+-]{1,64}@(?:[a-z0-9-]{1,63}\.){1,10}[a-z]{2,63}\b|\b\d{1,3}(?:\.\d{1,3}){3}(?:\/\d{1,2})?\b|\b[0-9a-f]{32,128}\b|\b(?:[a-z0-9](?:[a-z0-9-]{0,61}[a-z0-9])?\.){1,10}[a-z][a-z0-9-]{0,61}[a-z0-9]\b/gi;

/** Text past this length is not read for values (full text still holds all of a name and description). */
const TEXT_SCANNED = 256 * 1024;

/** The values named in free text (a description, a note): each candidate is read as a whole string. */
export function valuesInText(text: string): SearchValue[] {
  const out: SearchValue[] = [];
  for (const m of text.slice(0, TEXT_SCANNED).matchAll(IN_TEXT)) out.push(...valuesOfString(m[0].replace(/[.,;:!?]+$/, '')));
  return out;
}

function literalStrings(value: Literal | { readonly kind: 'set'; readonly values: readonly Literal[] }): string[] {
  if (value.kind === 'set') return value.values.flatMap(literalStrings);
  return value.kind === 'string' ? [value.value] : [];
}

/** The constants an indicator's STIX pattern compares with (`=`, `IN`, `ISSUBSET`, `ISSUPERSET`, not negated), read as values. */
export function valuesOfPattern(pattern: string): SearchValue[] {
  const parsed = parsePattern(pattern);
  if (!parsed.ok) return [];
  const out: SearchValue[] = [];
  for (const c of comparisonsOf(parsed.value)) {
    if (c.negated || !['=', 'IN', 'ISSUBSET', 'ISSUPERSET'].includes(c.operator)) continue;
    for (const s of literalStrings(c.value)) out.push(...valuesOfString(s));
  }
  return out;
}

// Properties that hold ids, timestamps or codes rather than anything a person would search a value by.
const SKIPPED = /^(?:id|type|spec_version|created|modified|valid_from|valid_until|first_seen|last_seen|published|pattern_type|pattern_version|lang|.*_refs?)$/;

/** Every distinct value of a stored object: its pattern's constants (indicators) and the values named in its other strings. */
export function searchValuesOf(json: string): SearchValue[] {
  const object = JSON.parse(json) as unknown;
  const out: SearchValue[] = [];
  const walk = (node: unknown, key: string | null, depth: number): void => {
    if (depth > 12) return;
    if (typeof node === 'string') {
      if (key === 'pattern') out.push(...valuesOfPattern(node));
      else out.push(...valuesInText(node));
    } else if (Array.isArray(node)) {
      for (const item of node) walk(item, key, depth + 1);
    } else if (node !== null && typeof node === 'object') {
      for (const [k, v] of Object.entries(node)) if (!SKIPPED.test(k)) walk(v, k, depth + 1);
    }
  };
  walk(object, null, 0);
  const seen = new Set<string>();
  return out.filter((v) => {
    const k = `${v.kind} ${v.value} ${v.prefix}`;
    if (seen.has(k)) return false;
    seen.add(k);
    return true;
  });
}

/** How a query string is looked up in stix_value: null when it names no value (then only full text applies). */
export type ValueQuery =
  | { readonly kind: 'ip'; readonly version: 4 | 6; readonly low: string; readonly high: string; readonly prefix: number; readonly holders: readonly { readonly value: string; readonly prefix: number }[] }
  | { readonly kind: 'domain'; readonly from: string; readonly to: string }
  | { readonly kind: 'exact'; readonly values: readonly SearchValue[] };

/** How many queries' readings valueQuery keeps; past it the oldest is dropped. */
const QUERIES_KEPT = 256;
const readings = keptResults<ValueQuery | null>(QUERIES_KEPT);

/**
 * Reads a search query as a value: an IP address or block, a domain (with its subdomains), a URL, an email address or a hash.
 * A search reads its query four or five times a request (the page, the total, which index drives each): the reading, a
 * pure function of the text (an address's 33 holding blocks, a URL parsed), is kept by the text and never changed.
 */
export function valueQuery(q: string): ValueQuery | null {
  // A text longer than any value (valuesOfString reads 2,048 characters at most) is not kept.
  if (q.length > 2048) return readValueQuery(q);
  return readings(q, () => readValueQuery(q));
}

function readValueQuery(q: string): ValueQuery | null {
  const text = q.trim();
  const block = /^[0-9a-f:.]+(\/\d{1,3})?$/i.test(text) && (text.includes('.') || text.includes(':')) ? parseCidr(text) : null;
  if (block !== null) {
    const width = block.version === 4 ? 32 : 128;
    const digits = width / 4;
    const hostBits = BigInt(width - block.prefix);
    const network = BigInt(block.network);
    const last = network | ((1n << hostBits) - 1n);
    // The blocks that hold the query: its network masked to each shorter (or equal) prefix.
    const holders: { value: string; prefix: number }[] = [];
    for (let p = 0; p <= block.prefix; p++) {
      const drop = BigInt(width - p);
      holders.push({ value: hex((network >> drop) << drop, digits), prefix: p });
    }
    return { kind: 'ip', version: block.version, low: hex(network, digits), high: hex(last, digits), prefix: block.prefix, holders };
  }
  const values = valuesOfString(text);
  const first = values[0];
  if (first === undefined) return null;
  if (first.kind === 'domain' && values.length === 1) return { kind: 'domain', from: first.value, to: `${first.value.slice(0, -1)}/` };
  // A URL or email address is found as itself only, not by its host.
  return { kind: 'exact', values: [first] };
}

/** The words of a full-text query: letters and digits only, so they can be put into FTS5 and tsquery syntax safely. */
export function queryWords(q: string): string[] {
  return (q.toLowerCase().match(/[\p{L}\p{N}]+/gu) ?? []).slice(0, 16);
}
