import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { classify, domainHashIn, ipKind, ipv4HashIn, isDomain, isIpv4, LogRecord, NO_HASH, valueHash, type LineProblem } from '../record.ts';
import { nginxParser } from './nginx.ts';

/**
 * The combined-format reader written the plain way (slices, indexOf, classify): the oracle the in-place parser must
 * agree with on every line.
 */
function reference(line: string, record: LogRecord): LineProblem | null {
  const bad: LineProblem = { code: 'unrecognized-line', message: 'reference' };
  const addUrl = (url: string) => {
    if (classify(url) !== 'url' && !(url.length > 9 && /^https?:\/\/[^ \t]*$/.test(url))) return;
    record.add('url', url);
    const start = url.indexOf('://') + 3;
    let end = start;
    while (end < url.length && !'/:?'.includes(url.charAt(end))) end++;
    const host = url.slice(start, end);
    const kind = classify(host);
    if (kind === 'domain' || kind === 'ipv4') record.add(kind, host);
  };
  const sp = line.indexOf(' ');
  if (sp <= 0) return bad;
  const client = line.slice(0, sp);
  const open = line.indexOf('[', sp);
  const close = open < 0 ? -1 : line.indexOf(']', open);
  if (close < 0 || line.charAt(close + 1) !== ' ' || line.charAt(close + 2) !== '"') return bad;
  const reqEnd = line.indexOf('" ', close + 3);
  if (reqEnd < 0) return bad;
  const kind = ipKind(client);
  if (kind !== null) {
    record.srcIp = client;
    record.add(kind, client);
  } else if (classify(client) === 'domain') record.add('domain', client);
  record.setTime(line.slice(open + 1, close), 'clf');
  const [method, target] = line.slice(close + 3, reqEnd).split(' ');
  if (method !== undefined && method !== '' && target !== undefined) {
    record.method = method;
    record.requestTarget = target;
    if (!target.startsWith('/')) addUrl(target);
  }
  const quoted = (from: number): [string, number] | null | 'bad' => {
    const q = line.indexOf('"', from);
    if (q < 0) return null;
    const end = line.indexOf('"', q + 1);
    return end < 0 ? 'bad' : [line.slice(q + 1, end), end];
  };
  const referer = quoted(reqEnd + 2);
  if (referer === null) return null;
  if (referer === 'bad') return bad;
  if (referer[0] !== '-' && referer[0] !== '') addUrl(referer[0]);
  const agent = quoted(referer[1] + 1);
  if (agent === null) return null;
  if (agent === 'bad') return bad;
  if (agent[0] !== '-' && agent[0] !== '') {
    record.userAgent = agent[0];
    record.add('user-agent', agent[0]);
  }
  record.protocol = 'tcp';
  return null;
}

function summary(record: LogRecord, problem: LineProblem | null) {
  if (problem !== null) return { problem: problem.code };
  const { timeRaw, timeFormat, srcIp, method, requestTarget, userAgent, protocol } = record;
  return { values: record.values.slice(0, record.size).map((v, i) => `${record.kinds[i] ?? '?'}:${v}`), timeRaw, timeFormat, srcIp, method, requestTarget, userAgent, protocol };
}

/** A hash a parser gives must be the one the index would compute (valueHash, a domain's trailing dot left out). */
function checkHashes(record: LogRecord): void {
  for (let i = 0; i < record.size; i++) {
    const hash = record.hashes[i] ?? NO_HASH;
    const kind = record.kinds[i];
    const value = record.values[i] ?? '';
    if (hash === NO_HASH || kind === undefined) continue;
    expect(hash).toBe(valueHash(kind, value, kind === 'domain' && value.endsWith('.') ? value.length - 1 : value.length));
  }
}

const parser = nginxParser();

function codesOf(text: string): Uint8Array {
  return Uint8Array.from(text, (c) => Math.min(c.charCodeAt(0), 255));
}

function both(line: string) {
  const expected = new LogRecord();
  const expectedProblem = reference(line, expected);
  const record = new LogRecord();
  const problem = parser.parse(line, record);
  checkHashes(record);
  // The same line read in place inside a block, followed by text that would complete it if read past its end.
  const block = `10.0.0.1 - - [x] "GET / HTTP/1.1" 200 1 "-" "-"\n${line}" ] " "x" "y"\r\n`;
  const inPlace = new LogRecord();
  const start = block.indexOf('\n') + 1;
  const inPlaceProblem = parser.parseAt?.(block, start, start + line.length, inPlace) ?? null;
  checkHashes(inPlace);
  // And with the block's character codes, as the splitter gives them for ASCII blocks.
  const withCodes = new LogRecord();
  const withCodesProblem = parser.parseAt?.(block, start, start + line.length, withCodes, codesOf(block)) ?? null;
  checkHashes(withCodes);
  return {
    expected: summary(expected, expectedProblem),
    actual: summary(record, problem),
    inPlace: summary(inPlace, inPlaceProblem),
    withCodes: summary(withCodes, withCodesProblem),
  };
}

describe('nginx parser', () => {
  it('reads the edge cases of the combined format as the plain reader does', () => {
    const lines = [
      '2001:db8::7 - - [03/Nov/2026:10:00:00 +0000] "GET / HTTP/1.1" 200 1 "-" "-"',
      'proxy.county.example - - [03/Nov/2026:10:00:00 +0000] "GET / HTTP/1.1" 200 1 "" ""',
      '203.0.113.9 - - [03/Nov/2026:10:00:00 +0000] "GET /a\\"b HTTP/1.1" 200 1 "https://A.Example./x?y" "Agent \\"quoted\\""',
      '203.0.113.9 - - [03/Nov/2026:10:00:00 +0000] "CONNECT 198.51.100.7:443 HTTP/1.1" 200 1 "http://198.51.100.7:8080/" "-"',
      '203.0.113.9 - - [03/Nov/2026:10:00:00 +0000] "GET FTP://files.example/a HTTP/1.1" 200 1 "http://bad host.example/" "-"',
      '203.0.113.9 - - [03/Nov/2026:10:00:00 +0000] "GET http://städte.example/ HTTP/1.1" 200 1 "http://x.example/\u00e9" "-"',
      '203.0.113.9 - - [03/Nov/2026:10:00:00 +0000] "-" 400 0 "-" "-"',
      '203.0.113.9 - - [03/Nov/2026:10:00:00 +0000] "GET " 400 0',
      '203.0.113.9 - - [03/Nov/2026:10:00:00 +0000] "GET / HTTP/1.1" 200 1 "http://a.example/',
      '203.0.113.9 - - [03/Nov/2026:10:00:00 +0000] "GET / HTTP/1.1" 200 1 "-" "unterminated',
      '203.0.113.9 - - [03/Nov/2026:10:00:00 +0000]"GET / HTTP/1.1" 200 1',
      '203.0.113.9 - - [03/Nov/2026:10:00:00 +0000] "GET / HTTP/1.1"',
      ' - - [03/Nov/2026:10:00:00 +0000] "GET / HTTP/1.1" 200 1 "-" "-"',
      '999.1.1.1 - - [t] "GET / H" 200 1 "http://010.1.1.1/" "-"',
      '',
    ];
    for (const line of lines) {
      const { expected, actual, inPlace, withCodes } = both(line);
      expect(actual, line).toEqual(expected);
      expect(inPlace, line).toEqual(expected);
      expect(withCodes, line).toEqual(expected);
    }
  });

  it('agrees with the plain reader on generated lines, read alone or in place', () => {
    const piece = fc.constantFrom(' ', '-', '"', '\\"', '[', ']', '" ', ':', '/', '?', '.', '\t', 'é', 'GET', 'HTTP/1.1', 'http://', 'https://', 'ftp://', 'a.example', 'Host.Example.', '198.51.100.7', '2001:db8::1', '0.0.0.256', '_x');
    const field = fc.array(piece, { maxLength: 6 }).map((parts) => parts.join(''));
    const line = fc.tuple(field, field, field, field, field, field, fc.boolean()).map(([client, time, request, referer, agent, tail, full]) =>
      full ? `${client} - - [${time}] "${request}" 200 1 "${referer}" "${agent}"${tail}` : `${client} - - [${time}] "${request}" ${tail}`,
    );
    fc.assert(
      fc.property(line, (text) => {
        const { expected, actual, inPlace, withCodes } = both(text);
        expect(actual).toEqual(expected);
        expect(inPlace).toEqual(expected);
        expect(withCodes).toEqual(expected);
      }),
      { numRuns: 3000 },
    );
  });

  it('checks addresses and domains in character codes as isIpv4 and isDomain do on strings, and hashes them as the index does', () => {
    const text = fc.array(fc.constantFrom('0', '1', '25', '255', '256', '09', '.', '-', '_', 'a', 'Z', 'xn--', 'example', 'é', ' ', '@'), { maxLength: 12 }).map((parts) => parts.join(''));
    fc.assert(
      fc.property(text, fc.constantFrom('', 'x'), (value, pad) => {
        const codes = codesOf(`${pad}${value}${pad}`);
        const start = pad.length;
        const ip = ipv4HashIn(codes, start, start + value.length);
        expect(ip >= 0).toBe(isIpv4(value));
        if (ip >= 0) expect(ip).toBe(valueHash('ipv4', value, value.length));
        const domain = domainHashIn(codes, start, start + value.length);
        expect(domain >= 0).toBe(isDomain(value));
        if (domain >= 0) expect(domain).toBe(valueHash('domain', value, value.endsWith('.') ? value.length - 1 : value.length));
      }),
      { numRuns: 3000 },
    );
  });
});
