/**
 * An indicator's "what to look for" typed as a bare value (an address, a domain, a web address, an email address or a
 * file hash) instead of a STIX pattern: which kind it is, in words, and the pattern that looks for it. Pure, so it is
 * tested without a browser.
 */
export interface ValuePattern {
  /** The kind of value, in words: "an IP address". */
  readonly what: string;
  readonly pattern: string;
}

const OCTET = '(25[0-5]|2[0-4]\\d|1\\d\\d|[1-9]?\\d)';
const IPV4 = new RegExp(`^${OCTET}(\\.${OCTET}){3}$`);
const IPV4_BLOCK = new RegExp(`^${OCTET}(\\.${OCTET}){3}/(3[0-2]|[12]?\\d)$`);
const IPV6 = /^(?=.*:.*:)[0-9a-f:]{2,39}(\/(12[0-8]|1[01]\d|\d?\d))?$/i;
const URL = /^https?:\/\/[^\s/?#]+\S*$/i;
const EMAIL = /^[^\s@'"]+@[^\s@'"]+\.[a-z]{2,63}$/i;
const DOMAIN = /^(?=.{4,253}\.?$)([a-z0-9_]([a-z0-9_-]{0,61}[a-z0-9])?\.)+[a-z]{2,63}\.?$/i;
const HASHES: Readonly<Record<number, string>> = { 32: 'MD5', 40: 'SHA-1', 64: 'SHA-256', 128: 'SHA-512' };

/** A STIX pattern string literal: backslashes and single quotes escaped. */
const literal = (s: string) => `'${s.replace(/\\/g, '\\\\').replace(/'/g, "\\'")}'`;

export function valuePattern(typed: string): ValuePattern | null {
  const v = typed.trim();
  if (IPV4.test(v)) return { what: 'an IP address', pattern: `[ipv4-addr:value = ${literal(v)}]` };
  if (IPV4_BLOCK.test(v)) return { what: 'a block of IP addresses', pattern: `[ipv4-addr:value ISSUBSET ${literal(v)}]` };
  if (IPV6.test(v)) return v.includes('/') ? { what: 'a block of IPv6 addresses', pattern: `[ipv6-addr:value ISSUBSET ${literal(v)}]` } : { what: 'an IPv6 address', pattern: `[ipv6-addr:value = ${literal(v)}]` };
  if (URL.test(v)) return { what: 'a web address', pattern: `[url:value = ${literal(v)}]` };
  if (EMAIL.test(v)) return { what: 'an email address', pattern: `[email-addr:value = ${literal(v)}]` };
  const hash = /^[0-9a-f]+$/i.test(v) ? HASHES[v.length] : undefined;
  if (hash !== undefined) return { what: `a file hash (${hash})`, pattern: `[file:hashes.'${hash}' = ${literal(v.toLowerCase())}]` };
  if (DOMAIN.test(v)) return { what: 'a domain name', pattern: `[domain-name:value = ${literal(v.replace(/\.$/, '').toLowerCase())}]` };
  return null;
}
