import { isUtf8 } from 'node:buffer';

/**
 * A byte-level scanner for STIX bundles and TAXII envelopes: finds each element of the top-level
 * `objects` array and hands back its exact text, without parsing or buffering the whole document.
 * It is string- and escape-aware, tracks nesting depth, and copes with any chunk boundary
 * (multi-byte UTF-8 included, since elements are cut on ASCII delimiters only).
 */

export interface SplitterLimits {
  /** Largest element accepted, in bytes (default 16 MiB). */
  readonly maxObjectBytes: number;
  /** Deepest nesting accepted, counting the bundle itself as level 1 (default 64). */
  readonly maxDepth: number;
}

export const DEFAULT_LIMITS: SplitterLimits = { maxObjectBytes: 16 * 1024 * 1024, maxDepth: 64 };

export interface Position {
  readonly offset: number;
  readonly line: number;
  readonly column: number;
}

export type BundleItem =
  /** One element's exact text; `path` is `$.objects[i]` (or `$` for a file holding a single object). */
  | { readonly kind: 'object'; readonly index: number; readonly path: string; readonly at: Position; readonly text: string }
  /** An element that was skipped without being buffered (too large, too deep, not UTF-8); the scan goes on. */
  | { readonly kind: 'skipped'; readonly index: number; readonly path: string; readonly at: Position; readonly code: string; readonly message: string }
  /** The document cannot be read any further. */
  | { readonly kind: 'fatal'; readonly path: string; readonly at: Position | null; readonly code: string; readonly message: string };

const enum S {
  Start,
  TopKeyOrEnd,
  TopKey,
  TopColon,
  TopValue,
  TopScan,
  TopAfterValue,
  ElemOrEnd,
  Elem,
  ElemAfter,
  End,
  Failed,
}

const QUOTE = 0x22;
const BACKSLASH = 0x5c;
const CAPTURED_KEYS = new Set(['type', 'id', 'spec_version']);

export class BundleSplitter {
  private state = S.Start;
  private base = 0; // absolute offset of the current chunk
  private line = 1;
  private lineStart = 0;
  private depth = 0;
  // Value scanning (elements and other top-level values).
  private inString = false;
  private pendingEscape = false;
  private valueBaseDepth = 0;
  private scalar = false;
  private collect = false; // keep the bytes (an element of objects)
  private pieces: Buffer[] = [];
  private bytes = 0;
  private problem: { code: string; message: string } | null = null;
  private valueAt: Position = { offset: 0, line: 1, column: 1 };
  // Top-level keys and a few captured values.
  private key: number[] = [];
  private currentKey = '';
  private afterComma = false;
  private index = 0;
  private sawObjectsArray = false;
  /** Top-level `type`, `id`, `spec_version` as written, when they are strings. */
  readonly header: Record<string, string> = {};
  // The whole document, kept while it may turn out to be a single STIX object (bounded by maxObjectBytes).
  private whole: Buffer[] | null = [];
  private wholeBytes = 0;

  constructor(private readonly limits: SplitterLimits = DEFAULT_LIMITS) {}

  get failed(): boolean {
    return this.state === S.Failed;
  }

  /** Bytes consumed so far. */
  get position(): number {
    return this.base;
  }

  push(buf: Buffer): BundleItem[] {
    const out: BundleItem[] = [];
    if (this.state === S.Failed) return out;
    if (this.whole !== null) {
      this.wholeBytes += buf.length;
      if (this.wholeBytes > this.limits.maxObjectBytes) this.whole = null;
      else this.whole.push(buf);
    }
    const n = buf.length;
    let i = 0;
    let valueStart = this.state === S.Elem || this.state === S.TopScan ? 0 : -1;
    // A value begun in this chunk must be kept even when the chunk ends right after its first byte.
    while (i < n || valueStart >= 0) {
      const state: S = this.state;
      if (state === S.Elem || state === S.TopScan) {
        const end = this.scanValue(buf, i, n);
        if (end < 0) {
          if (this.collect) this.keep(buf.subarray(valueStart, n));
          i = n;
          break;
        }
        if (this.collect) this.keep(buf.subarray(valueStart, end));
        valueStart = -1;
        i = end;
        if (state === S.Elem) {
          out.push(this.finishElement());
          this.state = S.ElemAfter;
        } else {
          const bad = this.finishTopValue();
          if (bad !== null) return this.fail(out, i, bad.code, bad.message, false, `$.${this.currentKey}`);
          this.state = S.TopAfterValue;
        }
        continue;
      }
      const c = buf[i] as number;
      if (c === 0x20 || c === 0x09 || c === 0x0d) {
        i++;
        continue;
      }
      if (c === 0x0a) {
        this.line++;
        this.lineStart = this.base + i + 1;
        i++;
        continue;
      }
      switch (state) {
        case S.Start:
          if (this.base + i < 3 && c === [0xef, 0xbb, 0xbf][this.base + i]) {
            i++; // a UTF-8 byte order mark may open the document
            break;
          }
          if (c === 0x7b) {
            this.depth = 1;
            this.state = S.TopKeyOrEnd;
          } else if (c === 0x5b) {
            return this.fail(out, i, 'not-a-bundle', 'the document is a JSON array; expected a STIX bundle ({"type": "bundle", "objects": [...]}) or a TAXII envelope ({"objects": [...]})');
          } else {
            return this.fail(out, i, 'malformed-json', `byte 0x${c.toString(16).padStart(2, '0')} cannot start a JSON document; expected a STIX bundle beginning with "{"`);
          }
          i++;
          break;
        case S.TopKeyOrEnd:
          if (c === QUOTE) {
            this.key = [];
            this.state = S.TopKey;
          } else if (c === 0x7d && !this.afterComma) {
            this.depth = 0;
            this.state = S.End;
          } else {
            return this.fail(out, i, 'malformed-json', `expected a property name in double quotes${this.afterComma ? '' : ' or "}"'} at the top level of the bundle`);
          }
          i++;
          break;
        case S.TopKey: {
          const end = this.readKey(buf, i, n);
          if (end < 0) {
            i = n;
            break;
          }
          this.currentKey = this.decodeKey();
          this.state = S.TopColon;
          i = end + 1;
          break;
        }
        case S.TopColon:
          if (c !== 0x3a) return this.fail(out, i, 'malformed-json', `expected ":" after the property name "${this.currentKey}"`);
          this.state = S.TopValue;
          i++;
          break;
        case S.TopValue:
          if (this.currentKey === 'objects' && c === 0x5b) {
            if (this.sawObjectsArray) return this.fail(out, i, 'malformed-json', 'the bundle has two "objects" properties; merge them into one array');
            this.sawObjectsArray = true;
            this.whole = null;
            this.depth = 2;
            this.state = S.ElemOrEnd;
            this.afterComma = false;
            i++;
            break;
          }
          // Top-level values other than objects are small (type, id, more, next…): keep and parse them.
          this.startValue(buf, i, true);
          valueStart = i;
          this.state = S.TopScan;
          i = this.scalar ? i : i + 1;
          break;
        case S.TopAfterValue:
          if (c === 0x2c) {
            this.state = S.TopKeyOrEnd;
            this.afterComma = true;
          } else if (c === 0x7d) {
            this.depth = 0;
            this.state = S.End;
          } else {
            return this.fail(out, i, 'malformed-json', `expected "," or "}" after the value of "${this.currentKey}"`);
          }
          i++;
          break;
        case S.ElemOrEnd:
          if (c === 0x5d && !this.afterComma) {
            this.depth = 1;
            this.state = S.TopAfterValue;
            i++;
            break;
          }
          if (c === 0x5d || c === 0x2c) return this.fail(out, i, 'malformed-json', `expected an object in "objects" at element ${this.index}`);
          this.startValue(buf, i, true);
          valueStart = i;
          this.state = S.Elem;
          i = this.scalar ? i : i + 1;
          break;
        case S.ElemAfter:
          if (c === 0x2c) {
            this.state = S.ElemOrEnd;
            this.afterComma = true;
          } else if (c === 0x5d) {
            this.depth = 1;
            this.state = S.TopAfterValue;
          } else {
            return this.fail(out, i, 'malformed-json', `expected "," or "]" after element ${this.index - 1} of "objects"`);
          }
          i++;
          break;
        case S.End:
          return this.fail(out, i, 'malformed-json', 'unexpected data after the end of the bundle');
        default:
          i = n;
      }
    }
    this.base += n;
    return out;
  }

  /** Call once after the last chunk: reports truncation, or yields a lone object document. */
  end(): BundleItem[] {
    const out: BundleItem[] = [];
    switch (this.state) {
      case S.Failed:
        return out;
      case S.Start:
        return this.fail(out, 0, 'empty-input', 'the input is empty; expected a STIX bundle', true);
      case S.End:
        break;
      case S.TopKeyOrEnd:
      case S.TopKey:
      case S.TopColon:
      case S.TopValue:
      case S.TopScan:
      case S.TopAfterValue:
      case S.ElemOrEnd:
      case S.Elem:
      case S.ElemAfter:
        return this.fail(out, 0, 'malformed-json', 'unexpected end of input: the bundle is truncated (unclosed string, object or array)', true);
    }
    const type = this.header['type'];
    if (this.sawObjectsArray) {
      if (type !== undefined && type !== 'bundle') return this.fail(out, 0, 'not-a-bundle', `the top-level type is "${type}"; a bundle has type "bundle"`, true, '$.type');
      if (this.header['spec_version'] === '2.0') {
        return this.fail(out, 0, 'wrong-spec-version', 'this is a STIX 2.0 bundle (spec_version "2.0"); Rampart accepts STIX 2.1 only: convert the bundle to 2.1', true, '$.spec_version');
      }
      return out;
    }
    if (type === 'bundle') return out; // a bundle without objects is valid and empty
    if (type === undefined) {
      return this.fail(out, 0, 'not-a-bundle', 'expected a STIX bundle ({"type": "bundle", "objects": [...]}), a TAXII envelope ({"objects": [...]}) or a single STIX object; found neither "objects" nor "type"', true);
    }
    const at = { offset: 0, line: 1, column: 1 };
    if (this.whole === null) {
      out.push({ kind: 'skipped', index: 0, path: '$', at, code: 'object-too-large', message: `the object is larger than the ${this.limits.maxObjectBytes}-byte limit per object` });
      return out;
    }
    const all = Buffer.concat(this.whole);
    if (!isUtf8(all)) out.push({ kind: 'skipped', index: 0, path: '$', at, code: 'invalid-utf8', message: 'the document is not valid UTF-8' });
    else out.push({ kind: 'object', index: 0, path: '$', at, text: all.toString('utf8') });
    return out;
  }

  private at(i: number): Position {
    const offset = this.base + i;
    return { offset, line: this.line, column: offset - this.lineStart + 1 };
  }

  private fail(out: BundleItem[], i: number, code: string, message: string, atEnd = false, path = '$'): BundleItem[] {
    const at = atEnd ? null : this.at(i);
    const where = at === null ? '' : ` (byte ${at.offset}, line ${at.line}, column ${at.column})`;
    out.push({ kind: 'fatal', path: this.state === S.Elem || this.state === S.ElemOrEnd ? `$.objects[${this.index}]` : path, at, code, message: `${message}${where}` });
    this.state = S.Failed;
    this.pieces = [];
    this.whole = null;
    return out;
  }

  private startValue(buf: Buffer, i: number, element: boolean): void {
    const c = buf[i];
    this.valueAt = this.at(i);
    this.collect = element;
    this.pieces = [];
    this.bytes = 0;
    this.problem = null;
    this.inString = false;
    this.pendingEscape = false;
    this.valueBaseDepth = this.depth;
    this.scalar = false;
    if (c === 0x7b || c === 0x5b) {
      this.depth++;
      if (this.depth > this.limits.maxDepth) this.tooDeep();
    } else if (c === QUOTE) {
      this.inString = true;
    } else {
      this.scalar = true;
    }
  }

  /** Scans the current value from `i`; returns the offset just past its end, or -1 if it continues in the next chunk. */
  private scanValue(buf: Buffer, i: number, n: number): number {
    const base = this.valueBaseDepth;
    let depth = this.depth;
    if (this.scalar) {
      for (; i < n; i++) {
        const c = buf[i];
        if (c === 0x2c || c === 0x5d || c === 0x7d || c === 0x20 || c === 0x0a || c === 0x0d || c === 0x09) return i;
      }
      return -1;
    }
    for (;;) {
      if (this.inString) {
        if (this.pendingEscape) {
          if (i >= n) break;
          i++;
          this.pendingEscape = false;
        }
        const q = buf.indexOf(QUOTE, i);
        if (q < 0) {
          let j = n - 1;
          while (j >= i && buf[j] === BACKSLASH) j--;
          this.pendingEscape = (n - 1 - j) % 2 === 1;
          break;
        }
        let j = q - 1;
        while (j >= i && buf[j] === BACKSLASH) j--;
        i = q + 1;
        if ((q - 1 - j) % 2 === 1) continue; // an escaped quote: still inside the string
        this.inString = false;
        if (depth === base) {
          this.depth = depth;
          return i;
        }
        continue;
      }
      if (i >= n) break;
      const c = buf[i];
      if (c === QUOTE) {
        this.inString = true;
      } else if (c === 0x7b || c === 0x5b) {
        depth++;
        if (depth > this.limits.maxDepth && this.problem === null) {
          this.depth = depth;
          this.tooDeep();
        }
      } else if (c === 0x7d || c === 0x5d) {
        depth--;
        if (depth === base) {
          this.depth = depth;
          return i + 1;
        }
      } else if (c === 0x0a) {
        this.line++;
        this.lineStart = this.base + i + 1;
      }
      i++;
    }
    this.depth = depth;
    return -1;
  }

  private tooDeep(): void {
    this.problem = { code: 'too-deeply-nested', message: `nesting is deeper than ${this.limits.maxDepth} levels; flatten the object` };
    this.collect = false;
    this.pieces = [];
  }

  private keep(piece: Buffer): void {
    if (this.problem !== null || piece.length === 0) return;
    this.bytes += piece.length;
    if (this.bytes > this.limits.maxObjectBytes) {
      this.problem = { code: 'object-too-large', message: `the object is larger than the ${this.limits.maxObjectBytes}-byte limit per object; split it or raise the limit` };
      this.pieces = [];
      return;
    }
    this.pieces.push(piece);
  }

  private finishElement(): BundleItem {
    const index = this.index++;
    const path = `$.objects[${index}]`;
    const at = this.valueAt;
    const problem = this.problem;
    const pieces = this.pieces;
    this.pieces = [];
    this.afterComma = false;
    if (problem !== null) return { kind: 'skipped', index, path, at, code: problem.code, message: problem.message };
    const bytes = pieces.length === 1 ? (pieces[0] as Buffer) : Buffer.concat(pieces);
    if (!isUtf8(bytes)) return { kind: 'skipped', index, path, at, code: 'invalid-utf8', message: 'the object is not valid UTF-8 text' };
    return { kind: 'object', index, path, at, text: bytes.toString('utf8') };
  }

  /** Parses a finished top-level value (not `objects`); returns a problem when it is not valid JSON. */
  private finishTopValue(): { code: string; message: string } | null {
    const problem = this.problem;
    const pieces = this.pieces;
    this.pieces = [];
    this.collect = false;
    if (problem !== null) return problem;
    try {
      const value: unknown = JSON.parse(Buffer.concat(pieces).toString('utf8'));
      if (typeof value === 'string' && CAPTURED_KEYS.has(this.currentKey)) this.header[this.currentKey] = value;
      return null;
    } catch (error) {
      return { code: 'malformed-json', message: `the value of "${this.currentKey}" is not valid JSON (${(error as Error).message})` };
    }
  }

  private readKey(buf: Buffer, i: number, n: number): number {
    for (; i < n; i++) {
      const c = buf[i] as number;
      if (this.pendingEscape) {
        this.pendingEscape = false;
      } else if (c === BACKSLASH) {
        this.pendingEscape = true;
      } else if (c === QUOTE) {
        return i;
      }
      if (this.key.length < 1024) this.key.push(c);
    }
    return -1;
  }

  private decodeKey(): string {
    try {
      const key: unknown = JSON.parse(`"${Buffer.from(this.key).toString('utf8')}"`);
      return typeof key === 'string' ? key : '';
    } catch {
      return '';
    }
  }
}
