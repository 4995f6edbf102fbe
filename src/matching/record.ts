/** The kinds of values a log line can yield that indicators commonly name. */
export type ValueKind = 'ipv4' | 'ipv6' | 'domain' | 'url' | 'email' | 'md5' | 'sha1' | 'sha256' | 'sha512' | 'user-agent';

/** How a line's time was written, so it is turned into a date only when a hit needs it. */
export type TimeFormat = 'iso' | 'epoch-s' | 'clf' | 'bind' | 'syslog' | 'none';

/**
 * What one log line yielded. Reused from line to line (parsers fill it, matchers read it), so a
 * line costs no allocation beyond its strings; `toObservation` builds STIX objects only on demand.
 * The time, method and request target, read only when a line hits, may be given as bounds in the
 * line's text (setTimeAt, setMethodAt, setRequestTargetAt) and are cut out of it when first read.
 */
export class LogRecord {
  line = 0;
  timeFormat: TimeFormat = 'none';
  readonly kinds: ValueKind[] = [];
  readonly values: string[] = [];
  /** valueHash of each value when its parser computed it while reading the value (else NO_HASH). */
  readonly hashes: number[] = [];
  /** Where each value starts in `codes` when its parser gave it (else -1): the value is codes[start] to codes[start + length - 1]. */
  readonly starts: number[] = [];
  /**
   * The character codes of the text the values with a start lie in (see LineParser.parseAt: exact codes of an ASCII block,
   * never a lossy copy), or null: lets a matcher compare a value with an earlier one without reading the string.
   */
  codes: Uint8Array | null = null;
  size = 0;
  srcIp: string | null = null;
  dstIp: string | null = null;
  srcPort = -1;
  dstPort = -1;
  protocol: string | null = null;
  userAgent: string | null = null;
  fileName: string | null = null;
  /** The text the lazily read fields lie in; a field's start is -1 once its string is made (or was given). */
  private text = '';
  private time = '';
  private timeStart = -1;
  private timeEnd = 0;
  private methodText: string | null = null;
  private methodStart = -1;
  private methodEnd = 0;
  private target: string | null = null;
  private targetStart = -1;
  private targetEnd = 0;

  reset(line: number): void {
    this.line = line;
    this.timeFormat = 'none';
    this.time = '';
    this.timeStart = -1;
    this.size = 0;
    this.codes = null;
    this.srcIp = null;
    this.dstIp = null;
    this.srcPort = -1;
    this.dstPort = -1;
    this.protocol = null;
    this.methodText = null;
    this.methodStart = -1;
    this.target = null;
    this.targetStart = -1;
    this.userAgent = null;
    this.fileName = null;
  }

  add(kind: ValueKind, value: string, hash: number = NO_HASH): void {
    this.kinds[this.size] = kind;
    this.values[this.size] = value;
    this.hashes[this.size] = hash;
    this.starts[this.size] = -1;
    this.size++;
  }

  /** add, for a value that is `codes` from `start` (its parser sets `codes`, the exact codes of the text). */
  addAt(kind: ValueKind, value: string, hash: number, start: number): void {
    this.kinds[this.size] = kind;
    this.values[this.size] = value;
    this.hashes[this.size] = hash;
    this.starts[this.size] = start;
    this.size++;
  }

  /** The time as logged ('' when the line has none). */
  get timeRaw(): string {
    if (this.timeStart >= 0) {
      this.time = this.text.slice(this.timeStart, this.timeEnd);
      this.timeStart = -1;
    }
    return this.time;
  }

  setTime(raw: string, format: TimeFormat): void {
    this.time = raw;
    this.timeStart = -1;
    this.timeFormat = format;
  }

  /** setTime with the time `text.slice(start, end)`, sliced only if it is read. */
  setTimeAt(text: string, start: number, end: number, format: TimeFormat): void {
    this.text = text;
    this.timeStart = start;
    this.timeEnd = end;
    this.timeFormat = format;
  }

  get method(): string | null {
    if (this.methodStart >= 0) {
      this.methodText = this.text.slice(this.methodStart, this.methodEnd);
      this.methodStart = -1;
    }
    return this.methodText;
  }

  set method(value: string | null) {
    this.methodText = value;
    this.methodStart = -1;
  }

  /** The method as `text.slice(start, end)`, sliced only if it is read. */
  setMethodAt(text: string, start: number, end: number): void {
    this.text = text;
    this.methodStart = start;
    this.methodEnd = end;
  }

  /** The request target as logged (a path or an absolute URL). */
  get requestTarget(): string | null {
    if (this.targetStart >= 0) {
      this.target = this.text.slice(this.targetStart, this.targetEnd);
      this.targetStart = -1;
    }
    return this.target;
  }

  set requestTarget(value: string | null) {
    this.target = value;
    this.targetStart = -1;
  }

  /** The request target as `text.slice(start, end)`, sliced only if it is read. */
  setRequestTargetAt(text: string, start: number, end: number): void {
    this.text = text;
    this.targetStart = start;
    this.targetEnd = end;
  }

  /** Adds an address as ipv4 or ipv6 (ignored when it is neither). */
  addIp(value: string): void {
    const kind = ipKind(value);
    if (kind !== null) this.add(kind, value);
  }
}

/**
 * A copy of a value that does not keep its line's text alive: substrings point into the decoded block of
 * the log (64 KiB), so a value kept past its line (a hit, a candidate observation) must not hold that block.
 */
export function detach(value: string): string {
  return ` ${value}`.slice(1);
}

/** Why a line yielded nothing usable. */
export interface LineProblem {
  readonly code: 'malformed-json' | 'not-an-object' | 'wrong-field-count' | 'unrecognized-line' | 'binary-data' | 'line-too-long' | 'no-header';
  readonly message: string;
}

/** A log format's line parser: fills `record` from `line`, or says why it cannot. */
export interface LineParser {
  parse(line: string, record: LogRecord): LineProblem | null;
  /**
   * The same as `parse(text.slice(start, end), record)`, reading the line inside its block of text without slicing it out.
   * `codes`, when given, holds the block's character codes (`codes[i]` is `text.charCodeAt(i)`; the block is ASCII).
   */
  parseAt?(text: string, start: number, end: number, record: LogRecord, codes?: Uint8Array): LineProblem | null;
}

/** A record value whose parser did not hash it. */
export const NO_HASH = -1;

export const VALUE_KINDS = 10;

/** A kind's number, 0 to VALUE_KINDS - 1, for arrays indexed by kind (a switch costs less per value than a map lookup). */
export function kindNumber(kind: ValueKind): number {
  switch (kind) {
    case 'ipv4':
      return 0;
    case 'ipv6':
      return 1;
    case 'domain':
      return 2;
    case 'url':
      return 3;
    case 'email':
      return 4;
    case 'md5':
      return 5;
    case 'sha1':
      return 6;
    case 'sha256':
      return 7;
    case 'sha512':
      return 8;
    case 'user-agent':
      return 9;
  }
}

/** The start of a value's hash, told apart per kind. */
export function hashSeed(kind: ValueKind): number {
  return (0x811c9dc5 ^ kindNumber(kind)) | 0;
}
const IPV4_SEED = hashSeed('ipv4');
const DOMAIN_SEED = hashSeed('domain');

/**
 * One character into a value's hash, an ASCII letter folded to lower case: times 33 and an xor (Bernstein's), which
 * tells apart all 4M addresses of a /10, where a rotate and an xor sent half of them to shared hashes.
 */
export function hashStep(h: number, c: number): number {
  return Math.imul(h, 33) ^ (c >= 65 && c <= 90 ? c + 32 : c);
}

/** The last step of a value's hash: mixed (MurmurHash3's finaliser) and kept to 30 bits, a small integer for V8. */
export function hashFinish(h: number): number {
  const x = Math.imul(h ^ (h >>> 16), 0x85ebca6b);
  const y = Math.imul(x ^ (x >>> 13), 0xc2b2ae35);
  return (y ^ (y >>> 16)) & 0x3fffffff;
}

/**
 * A hash of `value` up to `end` (a domain's trailing dot is left out by its caller) with ASCII letters folded, or -1
 * when those characters are not all ASCII. Equal for a value and its normalised form (normalizeValue), so the index
 * can screen values against a bit set of its keys' hashes. Parsers may compute it as they read a value (hashSeed,
 * hashStep per character, hashFinish); the record carries it (LogRecord.add).
 */
export function valueHash(kind: ValueKind, value: string, end: number): number {
  let h = hashSeed(kind);
  for (let i = 0; i < end; i++) {
    const c = value.charCodeAt(i);
    if (c >= 128) return -1;
    h = hashStep(h, c);
  }
  return hashFinish(h);
}

function isDigit(c: number): boolean {
  return c >= 48 && c <= 57;
}

/** Dotted-quad check without a regex (this runs for every value of every line). */
export function isIpv4(s: string): boolean {
  const n = s.length;
  if (n < 7 || n > 15) return false;
  let parts = 0;
  let digits = 0;
  let value = 0;
  for (let i = 0; i <= n; i++) {
    const c = i === n ? 46 : s.charCodeAt(i);
    if (c === 46) {
      if (digits === 0 || value > 255 || (digits > 1 && s.charCodeAt(i - digits) === 48)) return false;
      parts++;
      digits = 0;
      value = 0;
    } else if (isDigit(c)) {
      digits++;
      value = value * 10 + c - 48;
      if (digits > 3) return false;
    } else return false;
  }
  return parts === 4;
}

/**
 * The valueHash of the IPv4 address in `codes` from `start` to `end`, or -1 when it is not one (isIpv4's rules): one
 * pass both checks and hashes. `codes` holds character codes (see LineParser.parseAt).
 */
export function ipv4HashIn(codes: Uint8Array, start: number, end: number): number {
  const n = end - start;
  if (n < 7 || n > 15) return -1;
  let h = IPV4_SEED;
  let parts = 0;
  let digits = 0;
  let value = 0;
  for (let i = start; i <= end; i++) {
    const c = i === end ? 46 : (codes[i] ?? 0);
    if (c === 46) {
      if (digits === 0 || value > 255 || (digits > 1 && codes[i - digits] === 48)) return -1;
      parts++;
      digits = 0;
      value = 0;
    } else if (isDigit(c)) {
      digits++;
      value = value * 10 + c - 48;
      if (digits > 3) return -1;
    } else return -1;
    if (i < end) h = hashStep(h, c);
  }
  return parts === 4 ? hashFinish(h) : -1;
}

const IPV6 = /^(?=.*:)[0-9a-fA-F:.]{2,45}$/;

export function isIpv6(s: string): boolean {
  if (!IPV6.test(s)) return false;
  return expandIpv6(s) !== null;
}

export function ipKind(s: string): 'ipv4' | 'ipv6' | null {
  if (isIpv4(s)) return 'ipv4';
  if (s.includes(':') && isIpv6(s)) return 'ipv6';
  return null;
}

/** The eight 16-bit groups of an IPv6 address (embedded IPv4 allowed), or null when it is not one. */
export function expandIpv6(s: string): number[] | null {
  let text = s;
  const lastColon = text.lastIndexOf(':');
  const last = text.slice(lastColon + 1);
  if (last.includes('.')) {
    if (!isIpv4(last)) return null;
    const q = last.split('.').map(Number);
    // An embedded IPv4 tail is two 16-bit groups.
    text = `${text.slice(0, lastColon + 1)}${(((q[0] ?? 0) << 8) | (q[1] ?? 0)).toString(16)}:${(((q[2] ?? 0) << 8) | (q[3] ?? 0)).toString(16)}`;
  }
  const halves = text.split('::');
  if (halves.length > 2) return null;
  const parse = (part: string): number[] | null => {
    if (part === '') return [];
    const out: number[] = [];
    for (const g of part.split(':')) {
      if (!/^[0-9a-fA-F]{1,4}$/.test(g)) return null;
      out.push(parseInt(g, 16));
    }
    return out;
  };
  const head = parse(halves[0] ?? '');
  const rest = halves.length === 2 ? parse(halves[1] ?? '') : [];
  if (head === null || rest === null) return null;
  const total = head.length + rest.length;
  if (halves.length === 1 && total !== 8) return null;
  if (halves.length === 2 && total > 7) return null;
  return [...head, ...new Array<number>(8 - total).fill(0), ...rest];
}

/** The canonical (RFC 5952) text of an IPv6 address, so differently written forms compare equal. */
export function canonicalIpv6(s: string): string | null {
  const groups = expandIpv6(s);
  if (groups === null) return null;
  let bestStart = -1;
  let bestLen = 1;
  for (let i = 0; i < 8; ) {
    if (groups[i] !== 0) {
      i++;
      continue;
    }
    let j = i;
    while (j < 8 && groups[j] === 0) j++;
    if (j - i > bestLen) {
      bestStart = i;
      bestLen = j - i;
    }
    i = j;
  }
  const hex = groups.map((g) => g.toString(16));
  if (bestStart < 0) return hex.join(':');
  return `${hex.slice(0, bestStart).join(':')}::${hex.slice(bestStart + bestLen).join(':')}`;
}

const HEX = /^[0-9a-fA-F]+$/;
const DOMAIN = /^(?=.{4,253}$)(?:[a-zA-Z0-9_](?:[a-zA-Z0-9_-]{0,61}[a-zA-Z0-9])?\.)+[a-zA-Z][a-zA-Z0-9-]{0,61}[a-zA-Z0-9]\.?$/;
const EMAIL = /^[^\s@<>"]{1,64}@[^\s@<>"]+\.[a-zA-Z]{2,}$/;
const URL_SCHEME = /^(?:https?|ftp|wss?):\/\/[^\s]+$/i;

function isAlnum(c: number): boolean {
  return (c >= 48 && c <= 57) || (c >= 65 && c <= 90) || (c >= 97 && c <= 122);
}

/**
 * A host name with at least two labels and an alphabetic top-level label (the DOMAIN pattern,
 * written out as a loop because it runs on most values of most lines).
 */
export function isDomain(s: string): boolean {
  let n = s.length;
  if (n < 4 || n > 253) return false;
  if (s.charCodeAt(n - 1) === 46) n--;
  let start = 0;
  let labels = 0;
  let underscore = false;
  for (let i = 0; i <= n; i++) {
    const c = i === n ? 46 : s.charCodeAt(i);
    if (c === 46) {
      const length = i - start;
      if (length < 1 || length > 63 || !isAlnum(s.charCodeAt(i - 1))) return false;
      const first = s.charCodeAt(start);
      if (first === 45) return false;
      if (i === n) {
        if (length < 2 || underscore || !((first >= 65 && first <= 90) || (first >= 97 && first <= 122))) return false;
      }
      labels++;
      start = i + 1;
      underscore = false;
    } else if (c === 95) underscore = true;
    else if (!isAlnum(c) && c !== 45) return false;
  }
  return labels >= 2;
}

/**
 * The valueHash of the domain name in `codes` from `start` to `end`, or -1 when it is not one (isDomain's rules): one
 * pass both checks and hashes, the trailing root dot left out as normalizeValue drops it.
 */
export function domainHashIn(codes: Uint8Array, start: number, end: number): number {
  let last = end;
  if (last - start < 4 || last - start > 253) return -1;
  if (codes[last - 1] === 46) last--;
  let h = DOMAIN_SEED;
  let label = start;
  let labels = 0;
  let underscore = false;
  for (let i = start; i <= last; i++) {
    const c = i === last ? 46 : (codes[i] ?? 0);
    if (c === 46) {
      const length = i - label;
      if (length < 1 || length > 63 || !isAlnum(codes[i - 1] ?? 0)) return -1;
      const first = codes[label] ?? 0;
      if (first === 45) return -1;
      if (i === last) {
        if (length < 2 || underscore || !((first >= 65 && first <= 90) || (first >= 97 && first <= 122))) return -1;
      }
      labels++;
      label = i + 1;
      underscore = false;
    } else if (c === 95) underscore = true;
    else if (!isAlnum(c) && c !== 45) return -1;
    if (i < last) h = hashStep(h, c);
  }
  return labels >= 2 ? hashFinish(h) : -1;
}

/** The reference definition isDomain follows (kept for its tests). */
export const DOMAIN_PATTERN = DOMAIN;

/** What an unlabelled string looks like, when it looks like something an indicator may name. */
export function classify(s: string): ValueKind | null {
  const n = s.length;
  if (n < 4 || n > 2048) return null;
  const c = s.charCodeAt(0);
  if (isDigit(c) && isIpv4(s)) return 'ipv4';
  if (s.includes('://')) return URL_SCHEME.test(s) ? 'url' : null;
  if (s.includes('@')) return EMAIL.test(s) ? 'email' : null;
  if (s.includes(':')) return isIpv6(s) ? 'ipv6' : null;
  if ((n === 32 || n === 40 || n === 64 || n === 128) && HEX.test(s)) return n === 32 ? 'md5' : n === 40 ? 'sha1' : n === 64 ? 'sha256' : 'sha512';
  if (s.includes('.') && isDomain(s)) return 'domain';
  return null;
}

/** The hash kind of a hex digest by its length. */
export function hashKind(s: string): ValueKind | null {
  const n = s.length;
  if (!(n === 32 || n === 40 || n === 64 || n === 128) || !HEX.test(s)) return null;
  return n === 32 ? 'md5' : n === 40 ? 'sha1' : n === 64 ? 'sha256' : 'sha512';
}

/** Normal form for lookups: case-insensitive kinds lower-cased, a trailing root dot dropped, IPv6 canonical. */
export function normalizeValue(kind: ValueKind, value: string): string {
  switch (kind) {
    case 'domain': {
      const lower = value.toLowerCase();
      return lower.endsWith('.') ? lower.slice(0, -1) : lower;
    }
    case 'email':
    case 'md5':
    case 'sha1':
    case 'sha256':
    case 'sha512':
      return value.toLowerCase();
    case 'ipv6':
      return canonicalIpv6(value) ?? value.toLowerCase();
    case 'ipv4':
    case 'url':
    case 'user-agent':
      return value;
  }
}
