import { formatPath, type Comparison, type ComparisonExpression, type Literal, type ObservationExpression, type Pattern } from '../stix/pattern/index.ts';
import { parseCidr, type Cidr } from './cidr.ts';
import { normalizeValue, type ValueKind } from './record.ts';

/** A value an observation must contain: an exact value of a kind, or an address inside a network. */
export type IndexKey = { readonly kind: ValueKind; readonly value: string } | { readonly kind: 'cidr'; readonly cidr: Cidr };

const HASHES: Readonly<Record<string, ValueKind>> = { MD5: 'md5', 'SHA-1': 'sha1', SHA1: 'sha1', 'SHA-256': 'sha256', SHA256: 'sha256', 'SHA-512': 'sha512', SHA512: 'sha512' };
const VALUE_TYPES: Readonly<Record<string, ValueKind>> = { 'ipv4-addr': 'ipv4', 'ipv6-addr': 'ipv6', 'domain-name': 'domain', url: 'url', 'email-addr': 'email' };

function keyFor(kind: ValueKind, literal: Literal, allowCidr: boolean): IndexKey | null {
  if (literal.kind !== 'string') return null;
  if (kind === 'ipv4' || kind === 'ipv6') {
    const cidr = parseCidr(literal.value);
    if (cidr === null || cidr.version !== (kind === 'ipv4' ? 4 : 6)) return null;
    const full = cidr.version === 4 ? 32 : 128;
    if (cidr.bits < full) return allowCidr ? { kind: 'cidr', cidr } : null;
    return { kind, value: normalizeValue(kind, literal.value.replace(/\/\d+$/, '')) };
  }
  return { kind, value: normalizeValue(kind, literal.value) };
}

/**
 * The lookup keys of a comparison an index can answer (`=`, `IN`, `ISSUBSET` on values and hashes),
 * or null. With `viaRefs`, also addresses reached through network-traffic src_ref/dst_ref: those
 * only anchor a pattern (the address must be in the line), they do not decide it.
 */
export function indexKeysOf(c: Comparison, viaRefs = false): IndexKey[] | null {
  if (c.negated) return null;
  const { objectType, steps } = c.path;
  let kind: ValueKind | undefined;
  const first = steps[0];
  if (steps.length === 1 && first?.kind === 'key' && first.key === 'value') kind = VALUE_TYPES[objectType];
  else if (objectType === 'file' && steps.length === 2 && first?.kind === 'key' && first.key === 'hashes') {
    const second = steps[1];
    if (second?.kind === 'key') kind = HASHES[second.key.toUpperCase()];
  }
  else if (viaRefs && objectType === 'network-traffic' && steps.length === 2 && first?.kind === 'key' && (first.key === 'src_ref' || first.key === 'dst_ref')) {
    // The referenced address is one of the line's values too, so it can anchor the pattern.
    const last = steps[1];
    const literal = c.value.kind === 'set' ? c.value.values[0] : c.value;
    const cidr = last?.kind === 'key' && last.key === 'value' && literal?.kind === 'string' ? parseCidr(literal.value) : null;
    if (cidr !== null) kind = cidr.version === 4 ? 'ipv4' : 'ipv6';
  }
  if (kind === undefined) return null;
  const isAddress = kind === 'ipv4' || kind === 'ipv6';
  switch (c.operator) {
    case '=':
      if (c.value.kind === 'set') return null;
      return wrap(keyFor(kind, c.value, isAddress));
    case 'ISSUBSET':
      if (!isAddress || c.value.kind === 'set') return null;
      return wrap(keyFor(kind, c.value, true));
    case 'IN': {
      if (c.value.kind !== 'set') return null;
      const keys: IndexKey[] = [];
      for (const v of c.value.values) {
        const key = keyFor(kind, v, false);
        if (key === null) return null;
        keys.push(key);
      }
      return keys;
    }
    case '!=':
    case '<':
    case '>':
    case '<=':
    case '>=':
    case 'LIKE':
    case 'MATCHES':
    case 'ISSUPERSET':
      return null;
  }
}

function wrap(key: IndexKey | null): IndexKey[] | null {
  return key === null ? null : [key];
}

/** One comparison of a value or a hash with a plain string (no escapes), alone in its brackets: most indicators in feeds. */
const ONE_EQUALITY = /^\[\s*(?:(ipv4-addr|ipv6-addr|domain-name|url|email-addr):value|file:hashes\.(?:'([A-Za-z0-9-]+)'|([A-Za-z0-9]+)))\s*=\s*'([^'\\]*)'\s*\]$/;

/**
 * The index keys of the commonest pattern, `[ipv4-addr:value = '…']` or `[file:hashes.'SHA-256' = '…']`, read
 * without the parser: what shapeOf gives for it once parsed (an equality shape with one key). Null for
 * every other pattern, which the parser then reads; indexing 90,000 feed indicators then parses only the rest.
 */
export function quickEqualityKeys(pattern: string): IndexKey[] | null {
  const m = ONE_EQUALITY.exec(pattern);
  if (m === null) return null;
  const [, type, quotedHash, bareHash, value = ''] = m;
  const kind = type === undefined ? HASHES[(quotedHash ?? bareHash ?? '').toUpperCase()] : VALUE_TYPES[type];
  if (kind === undefined) return null;
  return wrap(keyFor(kind, { kind: 'string', value, column: 0 }, kind === 'ipv4' || kind === 'ipv6'));
}

/** Keys one of which any observation satisfying the expression must contain, or null when there are none. */
export function anchorsOf(e: ComparisonExpression): IndexKey[] | null {
  switch (e.kind) {
    case 'comparison':
      return indexKeysOf(e, true);
    case 'and': {
      let best: IndexKey[] | null = null;
      for (const operand of e.operands) {
        const keys = anchorsOf(operand);
        if (keys !== null && (best === null || keys.length < best.length)) best = keys;
      }
      return best;
    }
    case 'or': {
      const all: IndexKey[] = [];
      for (const operand of e.operands) {
        const keys = anchorsOf(operand);
        if (keys === null) return null;
        all.push(...keys);
      }
      return all;
    }
  }
}

/** Keys of a comparison expression made only of indexable comparisons joined by OR, or null. */
function equalityKeysOf(e: ComparisonExpression): IndexKey[] | null {
  switch (e.kind) {
    case 'comparison':
      return indexKeysOf(e);
    case 'and':
      return null;
    case 'or': {
      const all: IndexKey[] = [];
      for (const operand of e.operands) {
        const keys = equalityKeysOf(operand);
        if (keys === null) return null;
        all.push(...keys);
      }
      return all;
    }
  }
}

/** One observation expression of a pattern with what the index needs to know about it. */
export interface Leaf {
  readonly expression: ComparisonExpression;
  readonly anchors: IndexKey[] | null;
  /** The SCO types its comparisons name: an observation without any of them cannot satisfy it. */
  readonly types: readonly string[];
}

export type PatternShape =
  /** Any observation holding one of the keys matches: the index alone decides. */
  | { readonly kind: 'equality'; readonly keys: IndexKey[] }
  /** One observation decides, by evaluating the compiled pattern on it. */
  | { readonly kind: 'single'; readonly leaf: Leaf }
  /** Several observations together decide (AND, FOLLOWEDBY, qualifiers): each must satisfy a leaf. */
  | { readonly kind: 'multi'; readonly leaves: readonly Leaf[] };

function typesOf(e: ComparisonExpression, out: Set<string>): Set<string> {
  if (e.kind === 'comparison') out.add(e.path.objectType);
  else for (const operand of e.operands) typesOf(operand, out);
  return out;
}

function leafOf(expression: ComparisonExpression): Leaf {
  return { expression, anchors: anchorsOf(expression), types: [...typesOf(expression, new Set())] };
}

function leavesOf(e: ObservationExpression, out: Leaf[]): Leaf[] {
  switch (e.kind) {
    case 'observation':
      out.push(leafOf(e.expression));
      return out;
    case 'qualified':
      return leavesOf(e.expression, out);
    case 'and':
    case 'or':
    case 'followedby':
      for (const operand of e.operands) leavesOf(operand, out);
      return out;
  }
}

/** How a parsed pattern is matched: through the index, per observation, or over several observations. */
export function shapeOf(pattern: Pattern): PatternShape {
  const top = pattern.expression;
  const simple = (e: ObservationExpression): IndexKey[] | null => {
    if (e.kind === 'observation') return equalityKeysOf(e.expression);
    if (e.kind !== 'or') return null;
    const all: IndexKey[] = [];
    for (const operand of e.operands) {
      const keys = simple(operand);
      if (keys === null) return null;
      all.push(...keys);
    }
    return all;
  };
  const keys = simple(top);
  if (keys !== null) return { kind: 'equality', keys };
  if (top.kind === 'observation') return { kind: 'single', leaf: leafOf(top.expression) };
  return { kind: 'multi', leaves: leavesOf(top, []) };
}

const CHANNELS: Readonly<Record<string, ValueKind>> = {
  'ipv4-addr:value': 'ipv4',
  'ipv6-addr:value': 'ipv6',
  'domain-name:value': 'domain',
  'url:value': 'url',
  'email-addr:value': 'email',
  "file:hashes.MD5": 'md5',
  "file:hashes.'SHA-1'": 'sha1',
  "file:hashes.'SHA-256'": 'sha256',
  "file:hashes.'SHA-512'": 'sha512',
  "network-traffic:extensions.'http-request-ext'.request_header.'User-Agent'": 'user-agent',
};

/**
 * The one value kind an expression depends on, when all its comparisons test the same single
 * property (e.g. LIKE and MATCHES on domain-name:value): its result is then a function of that
 * value alone and can be remembered per distinct value. Null otherwise.
 */
export function channelOf(e: ComparisonExpression): ValueKind | null {
  if (e.kind === 'comparison') return CHANNELS[formatPath(e.path)] ?? null;
  let kind: ValueKind | null = null;
  for (const operand of e.operands) {
    const inner = channelOf(operand);
    if (inner === null || (kind !== null && inner !== kind)) return null;
    kind = inner;
  }
  return kind;
}
