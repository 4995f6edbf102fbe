import { compareTimestamps, isStixTimestamp } from '../timestamp.ts';
import { assertNever } from '../../domain/assert-never.ts';
import type { Comparison, Literal } from './ast.ts';
import { cidrContains, parseCidr } from './cidr.ts';
import { compileBinaryMatches, compileLike, compileMatches } from './regex.ts';

/**
 * Comparison of one observed value with a pattern constant, by the type rules of STIX 2.1 §9:
 * values of different types never compare equal and never order (that is no match, not an error);
 * strings compare after Unicode NFC normalisation; binary values (properties ending `_hex`/`_bin`)
 * compare with binary literals, and with strings whose characters are all below U+0100. Where the specification leaves
 * room, the OASIS reference matcher (stix2-matcher) decides; docs/matching.md, "Edge cases and how Rampart decides".
 */
export type ValueTest = (value: unknown) => boolean;

// eslint-disable-next-line no-control-regex
const NON_ASCII = /[^\x00-\x7f]/;

export function nfc(text: string): string {
  return NON_ASCII.test(text) ? text.normalize('NFC') : text;
}

/** The bytes of a string whose characters are all below U+0100, else null. */
export function latin1Bytes(text: string): Uint8Array | null {
  for (let i = 0; i < text.length; i++) if (text.charCodeAt(i) > 0xff) return null;
  return Buffer.from(text, 'latin1');
}

function compareBytes(a: Uint8Array, b: Uint8Array): number {
  return Buffer.compare(a, b);
}

/**
 * Orders an observed value against a literal: negative, 0, positive; null when the two types have no order at all (the
 * comparison is false, with or without NOT); NaN when they do but this pair cannot be put in it (a binary value against a
 * string with a character above U+00FF: the comparison is false, and NOT makes it true, as in the reference matcher).
 */
function orderFunction(literal: Literal): (value: unknown) => number | null {
  switch (literal.kind) {
    case 'string': {
      const text = nfc(literal.value);
      const bytes = latin1Bytes(literal.value);
      return (v) => {
        if (typeof v === 'string') {
          const s = nfc(v);
          return s < text ? -1 : s > text ? 1 : 0;
        }
        if (!(v instanceof Uint8Array)) return null;
        return bytes === null ? NaN : compareBytes(v, bytes);
      };
    }
    case 'int':
    case 'float': {
      const n = literal.value;
      return (v) => (typeof v === 'number' ? v - n : null);
    }
    case 'bool': {
      const b = literal.value;
      return (v) => (v === b ? 0 : null);
    }
    case 'binary':
    case 'hex': {
      const bytes = literal.value;
      return (v) => {
        if (v instanceof Uint8Array) return compareBytes(v, bytes);
        if (typeof v !== 'string') return null;
        const other = latin1Bytes(v);
        return other === null ? NaN : compareBytes(other, bytes);
      };
    }
    case 'timestamp': {
      const t = literal.value;
      return (v) => (typeof v === 'string' && isStixTimestamp(v) ? compareTimestamps(v, t) : null);
    }
    default:
      return assertNever(literal);
  }
}

/** Equality with one literal, with a fast path for the common exact string match. */
function equalsFunction(literal: Literal): ValueTest {
  if (literal.kind === 'string') {
    const raw = literal.value;
    const text = nfc(raw);
    const bytes = latin1Bytes(raw);
    return (v) => {
      if (typeof v === 'string') return v === raw || (NON_ASCII.test(v) && nfc(v) === text);
      return v instanceof Uint8Array && bytes !== null && compareBytes(v, bytes) === 0;
    };
  }
  if (literal.kind === 'int' || literal.kind === 'float' || literal.kind === 'bool') {
    const constant = literal.value;
    return (v) => v === constant;
  }
  const order = orderFunction(literal);
  return (v) => order(v) === 0;
}

function stringTest(test: (s: string) => boolean): ValueTest {
  return (v) => typeof v === 'string' && test(v);
}

/** Builds the test of one comparison for a value its path selected, NOT included, everything precompiled. */
export function compileValueTest(comparison: Comparison): ValueTest {
  const test = valueTest(comparison);
  const { value } = comparison;
  // A timestamp constant against a string that is no STIX timestamp: the reference matcher stops with an error (no
  // match at all); here that comparison is false whatever the operator or NOT. Other types are merely unequal.
  const timestamps = value.kind === 'timestamp' || (value.kind === 'set' && value.values.some((v) => v.kind === 'timestamp'));
  return timestamps ? (v) => !(typeof v === 'string' && !isStixTimestamp(v)) && test(v) : test;
}

function valueTest(comparison: Comparison): ValueTest {
  const { operator, negated, value } = comparison;
  if (value.kind === 'set') {
    const members = value.values.map(equalsFunction);
    const inSet: ValueTest = (v) => members.some((eq) => eq(v));
    return negated ? (v) => !inSet(v) : inSet;
  }
  switch (operator) {
    case '=':
    case '!=': {
      const eq = equalsFunction(value);
      return (operator === '!=') !== negated ? (v) => !eq(v) : eq;
    }
    case '<':
    case '>':
    case '<=':
    case '>=': {
      const order = orderFunction(value);
      const holds = orderTest(operator);
      // Types that have no order against the constant never match, with or without NOT; NaN (see orderFunction) is
      // false before NOT.
      return (v) => {
        const c = order(v);
        return c !== null && (Number.isNaN(c) ? false : holds(c)) !== negated;
      };
    }
    case 'IN':
      return () => false;
    case 'LIKE': {
      const re = compileLike(nfc(stringOf(value)));
      return stringTest((s) => re.test(nfc(s)) !== negated);
    }
    case 'MATCHES':
      return matchesTest(stringOf(value), negated);
    case 'ISSUBSET':
    case 'ISSUPERSET': {
      const block = parseCidr(stringOf(value));
      if (block === null) return () => false;
      const subset = operator === 'ISSUBSET';
      return stringTest((s) => {
        const observed = parseCidr(s);
        if (observed === null) return false;
        return (subset ? cidrContains(block, observed) : cidrContains(observed, block)) !== negated;
      });
    }
    default:
      return assertNever(operator);
  }
}

function orderTest(operator: '<' | '>' | '<=' | '>='): (c: number) => boolean {
  switch (operator) {
    case '<':
      return (c) => c < 0;
    case '>':
      return (c) => c > 0;
    case '<=':
      return (c) => c <= 0;
    case '>=':
      return (c) => c >= 0;
    default:
      return assertNever(operator);
  }
}

function stringOf(literal: Literal): string {
  return literal.kind === 'string' ? literal.value : '';
}

/**
 * MATCHES searches strings (NFC) and binary values (bytes read as Latin-1). As in the reference matcher, a value it
 * cannot search (a number, a boolean, a list, or binary data against a regex with a character above U+00FF) does not
 * match, and NOT turns that into a match; LIKE, by contrast, never matches a non-string, with or without NOT.
 */
function matchesTest(source: string, negated: boolean): ValueTest {
  const compiled = compileMatches(nfc(source));
  if (typeof compiled === 'string') return () => false;
  const binary = compileBinaryMatches(source);
  return (v) => {
    if (typeof v === 'string') return compiled.test(nfc(v)) !== negated;
    if (v instanceof Uint8Array && binary !== null) return binary.test(Buffer.from(v.buffer, v.byteOffset, v.byteLength).toString('latin1')) !== negated;
    return negated;
  };
}
