import type { Comparison, ComparisonExpression, ObjectPath } from '../../src/stix/pattern/ast.ts';
import { parsePattern } from '../../src/stix/pattern/parser.ts';

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

/**
 * A value as threat reports write it so that nobody opens it by mistake ("defanged": hxxp://evil[.]example,
 * clerk[@]example[.]org, 203.0.113[.]47), written back as it is really seen in logs.
 */
export function refang(typed: string): string {
  return typed
    .trim()
    .replace(/\[:\]/g, ':')
    .replace(/^hxxp(s?):\/\//i, 'http$1://')
    .replace(/\[\.\]|\(\.\)|\{\.\}|\[dot\]|\(dot\)/gi, '.')
    .replace(/\[@\]|\(@\)|\[at\]|\(at\)/gi, '@');
}

export function valuePattern(typed: string): ValuePattern | null {
  // A STIX pattern is left alone: "[.]" cannot be told from a pattern's own brackets there.
  const v = /^\s*\[[a-z0-9-]+:/i.test(typed) ? typed.trim() : refang(typed);
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

/** What one path names, in words, and whether its value is quoted (a subject, a file name). */
const PATH_WORDS: Readonly<Record<string, { readonly one: string; readonly block?: string; readonly quoted?: true }>> = {
  'ipv4-addr:value': { one: 'the IP address', block: 'an IP address in the block' },
  'ipv6-addr:value': { one: 'the IPv6 address', block: 'an IPv6 address in the block' },
  'domain-name:value': { one: 'the domain' },
  'url:value': { one: 'the web address' },
  'email-addr:value': { one: 'the email address' },
  'email-message:from_ref.value': { one: 'email sent from' },
  'email-message:sender_ref.value': { one: 'email sent from' },
  'email-message:to_refs[*].value': { one: 'email sent to' },
  'email-message:subject': { one: 'email with the subject', quoted: true },
  'file:name': { one: 'a file named', quoted: true },
  'network-traffic:dst_ref.value': { one: 'network traffic to', block: 'network traffic to the block' },
  'network-traffic:src_ref.value': { one: 'network traffic from', block: 'network traffic from the block' },
  'mutex:name': { one: 'the mutex', quoted: true },
  'windows-registry-key:key': { one: 'the registry key', quoted: true },
};

function pathText(path: ObjectPath): string {
  const steps = path.steps.map((s) => (s.kind === 'key' ? `.${s.key}` : s.kind === 'index' ? `[${s.index}]` : '[*]')).join('');
  return `${path.objectType}:${steps.slice(1)}`;
}

function comparisonInWords(c: Comparison): string | null {
  if (c.negated || c.value.kind !== 'string') return null;
  const value = c.value.value;
  const hashStep = c.path.objectType === 'file' && c.path.steps.length === 2 ? c.path.steps[1] : undefined;
  if (c.path.steps[0]?.kind === 'key' && c.path.steps[0].key === 'hashes' && hashStep?.kind === 'key' && c.operator === '=') return `a file whose ${hashStep.key} hash is ${value}`;
  const words = PATH_WORDS[pathText(c.path)];
  if (words === undefined) return null;
  const shown = words.quoted === true ? `“${value}”` : value;
  if (c.operator === '=') return `${words.one} ${shown}`;
  if (c.operator === 'ISSUBSET' && words.block !== undefined) return `${words.block} ${value}`;
  return null;
}

function expressionInWords(e: ComparisonExpression): string | null {
  if (e.kind === 'comparison') return comparisonInWords(e);
  const parts = e.operands.map(expressionInWords);
  if (parts.some((p) => p === null)) return null;
  return parts.join(e.kind === 'and' ? ' and ' : ', or ');
}

/**
 * What an indicator's STIX pattern looks for, as a sentence ("The domain ballot-update-portal.example"), when it is
 * one observation of plain comparisons of values people know (addresses, domains, web and email addresses, file
 * hashes and names); null for anything else (negations, qualifiers, several observations), which is shown as written.
 */
export function patternInWords(pattern: string): string | null {
  const parsed = parsePattern(pattern);
  if (!parsed.ok || parsed.value.expression.kind !== 'observation') return null;
  const words = expressionInWords(parsed.value.expression.expression);
  return words === null ? null : words.charAt(0).toUpperCase() + words.slice(1);
}
