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
