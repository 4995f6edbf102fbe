import { classify, domainHashIn, hashFinish, hashSeed, hashStep, ipv4HashIn, isIpv6, NO_HASH, type LineParser, type LineProblem, type LogRecord } from '../record.ts';

const BAD: LineProblem = { code: 'unrecognized-line', message: 'not in the combined log format: $remote_addr - $remote_user [$time_local] "$request" $status $bytes "$referer" "$user_agent"' };

/** 7 for "http://" at `at`, 8 for "https://", else 0 (lower case only: other spellings take the regex path). */
function schemeLength(codes: Uint8Array, at: number): number {
  if (codes[at] !== 104 || codes[at + 1] !== 116 || codes[at + 2] !== 116 || codes[at + 3] !== 112) return 0;
  const tls = codes[at + 4] === 115 ? 1 : 0;
  const after = at + 4 + tls;
  return codes[after] === 58 && codes[after + 1] === 47 && codes[after + 2] === 47 ? 7 + tls : 0;
}

/** The hash state of a URL after its scheme, so the rest of the URL is hashed as it is read. */
function schemeHash(scheme: string): number {
  let h = hashSeed('url');
  for (let i = 0; i < scheme.length; i++) h = hashStep(h, scheme.charCodeAt(i));
  return h;
}
const HTTP = schemeHash('http://');
const HTTPS = schemeHash('https://');

/** The first index of `c` in `s` from `from`, if it is before `end`; else -1. */
function find(s: string, c: string, from: number, end: number): number {
  const at = s.indexOf(c, from);
  return at < end ? at : -1;
}

/**
 * The URL in `line` from `start` to `end`, with its host as a domain or an address. `text` is that slice when the caller
 * already made it; otherwise it is made only when the field is a URL.
 */
function addUrlAndHost(record: LogRecord, line: string, codes: Uint8Array, start: number, end: number, text: string | null): void {
  // The common case, read and hashed in one pass without a regex: http(s) and no whitespace (nginx escapes the rest).
  const scheme = end - start > 9 ? schemeLength(codes, start) : 0;
  let hostStart = start + scheme;
  let hostEnd = -1;
  let plain = scheme > 0;
  let h = scheme === 7 ? HTTP : HTTPS;
  let ascii = true;
  if (plain) {
    for (let i = hostStart; i < end; i++) {
      const c = codes[i] ?? 0;
      if (c === 32 || c === 9) {
        plain = false;
        break;
      }
      if (hostEnd < 0 && (c === 47 || c === 58 || c === 63)) hostEnd = i;
      if (c >= 128) ascii = false;
      h = hashStep(h, c);
    }
  }
  const url = text ?? line.slice(start, end);
  if (!plain) {
    if (classify(url) !== 'url') return;
    hostStart = start + url.indexOf('://') + 3;
    hostEnd = -1;
    for (let i = hostStart; i < end && hostEnd < 0; i++) {
      const c = codes[i];
      if (c === 47 || c === 58 || c === 63) hostEnd = i;
    }
  }
  if (hostEnd < 0) hostEnd = end;
  record.add('url', url, plain && ascii ? hashFinish(h) : NO_HASH);
  // What classify would call the host, tested in place: it holds no ':', '/' or '?', so it is an address, a domain or neither.
  const ip = ipv4HashIn(codes, hostStart, hostEnd);
  if (ip >= 0) {
    record.add('ipv4', line.slice(hostStart, hostEnd), ip);
    return;
  }
  const domain = domainHashIn(codes, hostStart, hostEnd);
  if (domain >= 0) record.add('domain', line.slice(hostStart, hostEnd), domain);
}

/** The client field (`start` to `end`): an address, else a host name when nginx logged one. */
function addClient(record: LogRecord, line: string, codes: Uint8Array, start: number, end: number): void {
  const ip = ipv4HashIn(codes, start, end);
  if (ip >= 0) {
    const client = line.slice(start, end);
    record.srcIp = client;
    record.add('ipv4', client, ip);
    return;
  }
  if (find(line, ':', start, end) >= 0) {
    const client = line.slice(start, end);
    if (isIpv6(client)) {
      record.srcIp = client;
      record.add('ipv6', client);
    }
    return;
  }
  const domain = domainHashIn(codes, start, end);
  if (domain >= 0) record.add('domain', line.slice(start, end), domain);
}

/** Whether the field from `start` to `end` is empty or "-", nginx's empty value. */
function blank(codes: Uint8Array, start: number, end: number): boolean {
  return end === start || (end === start + 1 && codes[start] === 45);
}

/**
 * nginx / Apache combined log format, read by position in one pass over the line rather than by regex or
 * split (it is the hot path of log matching): the line is `text` from `start` to `end` (a block of a log, not
 * sliced line by line), and `codes` holds its character codes (see LineParser.parseAt), read faster than the
 * string's; only the values a record keeps are sliced out of `text`, hashed as they are checked.
 * Quoted fields end at the next quote (nginx writes a quote inside one as \x22). With `exact` (`codes` are the text's own
 * codes, not a copy with non-ASCII folded to 255) the user agent's place in them goes into the record too.
 */
function parseCombined(text: string, codes: Uint8Array, start: number, end: number, record: LogRecord, exact: boolean): LineProblem | null {
  const sp = find(text, ' ', start, end);
  if (sp <= start) return BAD;
  const open = find(text, '[', sp, end);
  const close = open < 0 ? -1 : find(text, ']', open, end);
  if (close < 0 || close + 2 >= end || codes[close + 1] !== 32 || codes[close + 2] !== 34) return BAD;
  const request = close + 3;
  const requestEnd = find(text, '" ', request, end - 1);
  if (requestEnd < 0) return BAD;
  addClient(record, text, codes, start, sp);
  record.setTimeAt(text, open + 1, close, 'clf');
  // "$method $target $protocol": the first two space-separated words of the request.
  const m1 = find(text, ' ', request, requestEnd);
  if (m1 > request) {
    record.setMethodAt(text, request, m1);
    const m2 = find(text, ' ', m1 + 1, requestEnd);
    const targetEnd = m2 < 0 ? requestEnd : m2;
    if (targetEnd > m1 + 1 && codes[m1 + 1] === 47) record.setRequestTargetAt(text, m1 + 1, targetEnd);
    else {
      const target = text.slice(m1 + 1, targetEnd);
      record.requestTarget = target;
      addUrlAndHost(record, text, codes, m1 + 1, targetEnd, target);
    }
  }
  const refOpen = find(text, '"', requestEnd + 2, end);
  if (refOpen < 0) return null;
  const refClose = find(text, '"', refOpen + 1, end);
  if (refClose < 0) return BAD;
  if (!blank(codes, refOpen + 1, refClose)) addUrlAndHost(record, text, codes, refOpen + 1, refClose, null);
  const uaOpen = find(text, '"', refClose + 1, end);
  if (uaOpen < 0) return null;
  const uaClose = find(text, '"', uaOpen + 1, end);
  if (uaClose < 0) return BAD;
  if (!blank(codes, uaOpen + 1, uaClose)) {
    const agent = text.slice(uaOpen + 1, uaClose);
    record.userAgent = agent;
    if (exact) {
      record.codes = codes;
      record.addAt('user-agent', agent, NO_HASH, uaOpen + 1);
    } else record.add('user-agent', agent);
  }
  record.protocol = 'tcp';
  return null;
}

/** nginx / Apache combined log format: client address, time, request method and target, referer, user agent. */
export function nginxParser(): LineParser {
  // The character codes of a line given as a string, codes of 255 and above written as 255 (every test here treats
  // all non-ASCII characters alike).
  let scratch = new Uint8Array(512);
  const parse = (line: string, record: LogRecord): LineProblem | null => {
    if (scratch.length < line.length) scratch = new Uint8Array(line.length * 2);
    for (let i = 0; i < line.length; i++) scratch[i] = Math.min(line.charCodeAt(i), 255);
    return parseCombined(line, scratch, 0, line.length, record, false);
  };
  return {
    parse,
    parseAt: (text, start, end, record, codes) => (codes === undefined ? parse(text.slice(start, end), record) : parseCombined(text, codes, start, end, record, true)),
  };
}
