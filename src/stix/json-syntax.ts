import { joinPath } from './json-path.ts';

/**
 * Finds where JSON text stops being valid, for error messages only (JSON.parse in Node 20 does not
 * always say where). Runs only after JSON.parse has failed, so clarity beats speed here.
 */
export interface JsonSyntaxError {
  /** UTF-16 index into the text. */
  readonly position: number;
  readonly message: string;
}

export function locateJsonError(text: string): JsonSyntaxError | null {
  let i = 0;
  const fail = (message: string): never => {
    throw new LocatedError(i, message);
  };
  const ws = () => {
    while (i < text.length && ' \t\n\r'.includes(text.charAt(i))) i++;
  };
  const literal = (word: string) => {
    if (text.startsWith(word, i)) i += word.length;
    else fail(`unexpected ${show(text, i)}; expected a value`);
  };
  const string = () => {
    i++;
    for (;;) {
      if (i >= text.length) fail('unterminated string');
      const c = text.charCodeAt(i);
      if (c === 0x22) {
        i++;
        return;
      }
      if (c < 0x20) fail('control character in a string; escape it (e.g. \\n)');
      if (c === 0x5c) {
        const e = text.charAt(i + 1);
        if (e === 'u') {
          if (!/^[0-9a-fA-F]{4}$/.test(text.slice(i + 2, i + 6))) fail('invalid \\u escape; expected 4 hex digits');
          i += 6;
          continue;
        }
        if (!'"\\/bfnrt'.includes(e) || e === '') fail(`invalid escape \\${e}`);
        i += 2;
        continue;
      }
      i++;
    }
  };
  const number = () => {
    const m = /^-?(0|[1-9][0-9]*)(\.[0-9]+)?([eE][+-]?[0-9]+)?/.exec(text.slice(i, i + 400));
    if (m === null || m[0] === '' || m[0] === '-') fail(`unexpected ${show(text, i)}; expected a value`);
    else i += m[0].length;
  };
  const value = (): void => {
    ws();
    const c = text.charAt(i);
    if (c === '{') {
      i++;
      ws();
      if (text.charAt(i) === '}') {
        i++;
        return;
      }
      for (;;) {
        ws();
        if (text.charAt(i) !== '"') fail(`expected a property name in double quotes, found ${show(text, i)}`);
        string();
        ws();
        if (text.charAt(i) !== ':') fail(`expected ":" after a property name, found ${show(text, i)}`);
        i++;
        value();
        ws();
        if (text.charAt(i) === ',') i++;
        else if (text.charAt(i) === '}') return void i++;
        else fail(`expected "," or "}" after a property value, found ${show(text, i)}`);
      }
    }
    if (c === '[') {
      i++;
      ws();
      if (text.charAt(i) === ']') return void i++;
      for (;;) {
        value();
        ws();
        if (text.charAt(i) === ',') i++;
        else if (text.charAt(i) === ']') return void i++;
        else fail(`expected "," or "]" after an array element, found ${show(text, i)}`);
      }
    }
    if (c === '"') return string();
    if (c === 't') return literal('true');
    if (c === 'f') return literal('false');
    if (c === 'n') return literal('null');
    number();
  };
  try {
    value();
    ws();
    if (i < text.length) fail(`unexpected ${show(text, i)} after the end of the value`);
    return null;
  } catch (error) {
    if (error instanceof LocatedError) return { position: error.position, message: error.message };
    throw error;
  }
}

class LocatedError extends Error {
  constructor(
    readonly position: number,
    message: string,
  ) {
    super(message);
  }
}

function show(text: string, i: number): string {
  return i >= text.length ? 'end of input' : JSON.stringify(text.charAt(i));
}

/** How deep arrays and objects may nest in anything Rampart reads; STIX objects need a handful of levels. */
export const MAX_JSON_DEPTH = 64;

interface Frame {
  readonly value: object;
  readonly depth: number;
  readonly parent: Frame | null;
  readonly key: string | number;
}

/**
 * The path (`$.a.b[0]…`) where a parsed JSON value first nests deeper than `max`, or null when it
 * does not. Walks with an explicit stack, so a value nested 100,000 deep is answered rather than
 * overflowing the call stack; everything after it (validation, JSON.stringify) recurses and needs
 * this checked first. Paths are built only for the answer, so a large shallow body costs one pass.
 */
export function tooDeepAt(value: unknown, max: number = MAX_JSON_DEPTH): string | null {
  if (typeof value !== 'object' || value === null) return null;
  const stack: Frame[] = [{ value, depth: 1, parent: null, key: '' }];
  for (let frame = stack.pop(); frame !== undefined; frame = stack.pop()) {
    if (frame.depth > max) return pathOf(frame);
    const children: [string | number, unknown][] = Array.isArray(frame.value) ? frame.value.map((child, i) => [i, child]) : Object.entries(frame.value);
    for (const [key, child] of children) {
      if (typeof child === 'object' && child !== null) stack.push({ value: child, depth: frame.depth + 1, parent: frame, key });
    }
  }
  return null;
}

function pathOf(frame: Frame): string {
  const keys: (string | number)[] = [];
  for (let f: Frame | null = frame; f !== null && f.parent !== null; f = f.parent) keys.push(f.key);
  const shown = keys.reverse();
  const head = shown.slice(0, 6).reduce<string>((path, key) => joinPath(path, key), '$');
  return shown.length > 6 ? `${head}… (${shown.length} levels down)` : head;
}

/** Where a JSON text stops being valid, as "line L, column C: reason". */
export function describeJsonError(text: string): string {
  const located = locateJsonError(text);
  if (located === null) return 'the body is not valid JSON';
  const before = text.slice(0, located.position);
  const line = before.split('\n').length;
  const column = located.position - before.lastIndexOf('\n');
  return `invalid JSON at line ${line}, column ${column} (character ${located.position}): ${located.message}`;
}
