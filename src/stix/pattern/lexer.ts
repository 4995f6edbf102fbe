import { err, ok, type Result } from '../../domain/result.ts';
import { isStixTimestamp } from '../timestamp.ts';
import type { Literal, PatternError } from './ast.ts';

/** Keywords are upper case only (STIX 2.1 §9); `true` and `false` are boolean literals. */
const KEYWORDS = ['AND', 'OR', 'NOT', 'FOLLOWEDBY', 'LIKE', 'MATCHES', 'ISSUPERSET', 'ISSUBSET', 'LAST', 'IN', 'START', 'STOP', 'SECONDS', 'WITHIN', 'REPEATS', 'TIMES'] as const;
export type Keyword = (typeof KEYWORDS)[number];
const KEYWORD_SET: ReadonlySet<string> = new Set(KEYWORDS);

export type Punctuation = '[' | ']' | '(' | ')' | ':' | '.' | ',' | '*' | '=' | '!=' | '<' | '<=' | '>' | '>=';

export type Token =
  | { readonly kind: 'keyword'; readonly value: Keyword; readonly column: number }
  | { readonly kind: 'identifier'; readonly value: string; readonly column: number }
  | { readonly kind: 'literal'; readonly literal: Literal; readonly column: number }
  | { readonly kind: 'punct'; readonly value: Punctuation; readonly column: number }
  | { readonly kind: 'eof'; readonly column: number };

const IDENTIFIER = /[A-Za-z_][A-Za-z0-9_-]*/y;
const NUMBER = /[+-]?(?:\d*\.\d+|\d+)/y;
const WHITESPACE = /\s+/y;
const BASE64 = /^(?:[A-Za-z0-9+/]{4})*(?:[A-Za-z0-9+/]{4}|[A-Za-z0-9+/]{3}=|[A-Za-z0-9+/]{2}==)$/;
const HEX = /^(?:[0-9A-Fa-f]{2})*$/;

function fail(message: string, index: number): { readonly ok: false; readonly error: PatternError } {
  return err({ code: 'invalid-pattern', message, column: index + 1 });
}

function isKeyword(word: string): word is Keyword {
  return KEYWORD_SET.has(word);
}

/** Reads a quoted body starting at the opening quote; only \' and \\ are escapes (STIX 2.1 §9). */
function readQuoted(text: string, quote: number): Result<{ value: string; end: number }, PatternError> {
  let value = '';
  let i = quote + 1;
  while (i < text.length) {
    const c = text[i];
    if (c === "'") return ok({ value, end: i + 1 });
    if (c === '\\') {
      const next = text[i + 1];
      if (next !== "'" && next !== '\\') return fail(`invalid escape in string: only \\' and \\\\ may follow a backslash (write \\\\ for a backslash)`, i);
      value += next;
      i += 2;
      continue;
    }
    value += c;
    i += 1;
  }
  return fail('string literal is never closed: add a closing quote (\')', quote);
}

function prefixedLiteral(prefix: string, body: string, index: number): Result<Literal, PatternError> {
  const column = index + 1;
  switch (prefix) {
    case 'h':
      if (!HEX.test(body)) return fail(`hex literal h'${body}' must hold pairs of hexadecimal digits`, index);
      return ok({ kind: 'hex', value: Buffer.from(body, 'hex'), text: body, column });
    case 'b':
      if (!BASE64.test(body)) return fail(`binary literal b'${body}' must be non-empty, padded base64`, index);
      return ok({ kind: 'binary', value: Buffer.from(body, 'base64'), text: body, column });
    default:
      if (!isStixTimestamp(body)) return fail(`timestamp literal t'${body}' must be a UTC RFC 3339 timestamp like t'2024-11-05T13:00:00Z'`, index);
      return ok({ kind: 'timestamp', value: body, column });
  }
}

function skipSpaceAndComments(text: string, start: number): Result<number, PatternError> {
  let i = start;
  for (;;) {
    WHITESPACE.lastIndex = i;
    if (WHITESPACE.test(text)) i = WHITESPACE.lastIndex;
    if (text.startsWith('/*', i)) {
      const end = text.indexOf('*/', i + 2);
      if (end < 0) return fail('comment is never closed: add */', i);
      i = end + 2;
    } else if (text.startsWith('//', i)) {
      const end = text.slice(i).search(/[\r\n]/);
      i = end < 0 ? text.length : i + end;
    } else {
      return ok(i);
    }
  }
}

const TWO_CHAR: Readonly<Record<string, Punctuation>> = { '!=': '!=', '<>': '!=', '<=': '<=', '>=': '>=', '==': '=' };
const ONE_CHAR = '[]():.,*=<>';

function isPunctuation(c: string): c is Punctuation {
  return ONE_CHAR.includes(c);
}

/** Splits a pattern into tokens, ending with `eof`; the first malformed token is an error at its column. */
export function tokenize(text: string): Result<Token[], PatternError> {
  const tokens: Token[] = [];
  let i = 0;
  for (;;) {
    const skipped = skipSpaceAndComments(text, i);
    if (!skipped.ok) return skipped;
    i = skipped.value;
    if (i >= text.length) break;
    const column = i + 1;
    const c = text.charAt(i);
    const two = TWO_CHAR[text.slice(i, i + 2)];
    if (two !== undefined) {
      tokens.push({ kind: 'punct', value: two, column });
      i += 2;
      continue;
    }
    if (c === "'") {
      const quoted = readQuoted(text, i);
      if (!quoted.ok) return quoted;
      tokens.push({ kind: 'literal', literal: { kind: 'string', value: quoted.value.value, column }, column });
      i = quoted.value.end;
      continue;
    }
    if ((c === 'h' || c === 'b' || c === 't') && text[i + 1] === "'") {
      const quoted = readQuoted(text, i + 1);
      if (!quoted.ok) return quoted;
      const literal = prefixedLiteral(c, quoted.value.value, i);
      if (!literal.ok) return literal;
      tokens.push({ kind: 'literal', literal: literal.value, column });
      i = quoted.value.end;
      continue;
    }
    IDENTIFIER.lastIndex = i;
    const word = IDENTIFIER.exec(text)?.[0];
    if (word !== undefined) {
      if (word === 'true' || word === 'false') tokens.push({ kind: 'literal', literal: { kind: 'bool', value: word === 'true', column }, column });
      else if (isKeyword(word)) tokens.push({ kind: 'keyword', value: word, column });
      else tokens.push({ kind: 'identifier', value: word, column });
      i += word.length;
      continue;
    }
    NUMBER.lastIndex = i;
    const number = NUMBER.exec(text)?.[0];
    if (number !== undefined) {
      const isFloat = number.includes('.');
      if (!isFloat && /^[+-]?0\d/.test(number)) return fail(`integer ${number} has a leading zero: write it without one`, i);
      const literal: Literal = isFloat ? { kind: 'float', value: Number(number), column } : { kind: 'int', value: Number(number), column };
      tokens.push({ kind: 'literal', literal, column });
      i += number.length;
      continue;
    }
    if (isPunctuation(c)) {
      tokens.push({ kind: 'punct', value: c, column });
      i += 1;
      continue;
    }
    return fail(`unexpected character ${JSON.stringify(String.fromCodePoint(text.codePointAt(i) ?? 0))}`, i);
  }
  tokens.push({ kind: 'eof', column: text.length + 1 });
  return ok(tokens);
}

/** How a token reads in an error message. */
export function describeToken(token: Token): string {
  switch (token.kind) {
    case 'keyword':
      return token.value;
    case 'identifier':
      return `'${token.value}'`;
    case 'punct':
      return `'${token.value}'`;
    case 'eof':
      return 'the end of the pattern';
    case 'literal':
      return `${/^[aeiou]/.test(token.literal.kind) ? 'an' : 'a'} ${token.literal.kind} literal`;
  }
}
