import { describe, expect, it } from 'vitest';
import type { OrgId, StixId } from '../domain/ids.ts';
import { compilePattern, parsePattern } from '../stix/pattern/index.ts';
import { IndicatorIndex } from './indicator-index.ts';
import { matchLogs, type MatchOptions, type MatchSummary } from './matcher.ts';
import { shapeOf } from './pattern-analysis.ts';
import { valueHash } from './record.ts';
import { buildWarningLists, defaultWarningLists } from './warning-lists.ts';

const OWNER = 'identity--0a000000-0000-4000-8000-00000000000a' as OrgId;
const empty = { name: 'none', description: 'none', source: 'tests', entries: [] };
const NO_LISTS = buildWarningLists({ ips: empty, domains: { ...empty, name: 'd' }, hashes: { ...empty, name: 'h' } });
const NOW = new Date('2026-11-03T12:00:00.000Z');

function id(n: number): StixId {
  return `indicator--00000000-0000-4000-8000-${String(n).padStart(12, '0')}` as StixId;
}

function indexOf(patterns: readonly string[]): IndicatorIndex {
  const index = new IndicatorIndex();
  patterns.forEach((pattern, i) => index.add({ id: id(i + 1), name: `ind ${i + 1}`, pattern, owner: OWNER }, compilePattern));
  return index;
}

async function match(patterns: readonly string[], lines: readonly string[], options: Partial<MatchOptions> = {}): Promise<MatchSummary> {
  const result = await matchLogs([lines.join('\n')], indexOf(patterns), { format: 'jsonl', warningLists: NO_LISTS, now: NOW, ...options });
  if (!result.ok) throw new Error(result.error.message);
  return result.value;
}

function counts(summary: MatchSummary): Record<string, number> {
  return Object.fromEntries(summary.hits.map((h) => [h.indicator.name ?? '', h.count]));
}

describe('pattern shapes', () => {
  const shape = (p: string) => {
    const parsed = parsePattern(p);
    if (!parsed.ok) throw new Error(parsed.error.message);
    return shapeOf(parsed.value).kind;
  };
  it('sends equalities (=, IN, OR, CIDR) to the index and the rest to the compiler', () => {
    expect(shape("[ipv4-addr:value = '203.0.113.5']")).toBe('equality');
    expect(shape("[domain-name:value = 'a.example' OR url:value = 'http://a.example/x']")).toBe('equality');
    expect(shape("[file:hashes.'SHA-256' IN ('aa', 'bb')]")).toBe('equality');
    expect(shape("[ipv4-addr:value ISSUBSET '198.51.100.0/24'] OR [email-addr:value = 'x@a.example']")).toBe('equality');
    expect(shape("[ipv4-addr:value != '203.0.113.5']")).toBe('single');
    expect(shape("[network-traffic:dst_ref.value = '203.0.113.5']")).toBe('single');
    expect(shape("[domain-name:value = 'a.example'] AND [ipv4-addr:value = '203.0.113.5']")).toBe('multi');
    expect(shape("[domain-name:value = 'a.example'] REPEATS 2 TIMES")).toBe('multi');
  });
});

describe('matchLogs', () => {
  it('finds equality indicators by value, case-insensitively for domains, hashes and emails', async () => {
    const summary = await match(
      [
        "[ipv4-addr:value = '203.0.113.5']",
        "[domain-name:value = 'Evil-Ballots.example']",
        "[file:hashes.'SHA-256' = 'CA978112CA1BBDCAFAC231B39A23DC4DA786EFF8147C4E72B9807785AFEE48BB']",
        "[email-addr:value = 'phish@county-elections.example' OR url:value = 'https://portal.example/login']",
        "[ipv6-addr:value = '2001:0db8:0000::0042']",
        "[ipv4-addr:value = '203.0.113.99']",
      ],
      [
        '{"src_ip":"203.0.113.5","dest_ip":"203.0.113.5","query":"evil-ballots.EXAMPLE."}',
        '{"sha256":"ca978112ca1bbdcafac231b39a23dc4da786eff8147c4e72b9807785afee48bb","from":"Phish <phish@county-elections.example>"}',
        '{"url":"https://portal.example/login","ip":"2001:db8::42"}',
        '{"src_ip":"203.0.113.5"}',
      ],
    );
    expect(counts(summary)).toEqual({ 'ind 1': 2, 'ind 2': 1, 'ind 3': 1, 'ind 4': 2, 'ind 5': 1 });
    expect(summary.lines).toBe(4);
    expect(summary.hits.find((h) => h.indicator.name === 'ind 4')?.values).toEqual(['phish@county-elections.example', 'https://portal.example/login']);
  });

  it('screens values before the lookups without losing folded, root-dotted or non-ASCII matches', async () => {
    const summary = await match(
      ["[domain-name:value = 'root.example']", "[url:value = 'https://portal.example/Login']", "[email-addr:value = 'ÄNNE@county.example']"],
      ['{"query":"ROOT.Example."}', '{"url":"https://portal.example/login"}', '{"url":"https://portal.example/Login"}', '{"email":"Änne@county.example"}'],
    );
    expect(counts(summary)).toEqual({ 'ind 1': 1, 'ind 2': 1, 'ind 3': 1 });
  });

  it('tells apart keys whose hashes are equal (values are looked up by hash, then compared)', async () => {
    // Two domains with one valueHash, found by trying names (about 2^15 of 30-bit hashes make a pair likely).
    const seen = new Map<number, string>();
    let pair: [string, string] | null = null;
    for (let i = 0; pair === null; i++) {
      const name = `h${i}.example`;
      const hash = valueHash('domain', name, name.length);
      const other = seen.get(hash);
      if (other === undefined) seen.set(hash, name);
      else pair = [other, name];
    }
    const [a, b] = pair;
    const summary = await match([`[domain-name:value = '${a}']`, `[domain-name:value = '${b}']`], [`{"query":"${b}"}`, `{"query":"${a.toUpperCase()}"}`, `{"query":"${b}"}`]);
    expect(counts(summary)).toEqual({ 'ind 1': 1, 'ind 2': 2 });
  });

  it('matches networks (ISSUBSET and CIDR equality, IPv4 and IPv6)', async () => {
    const summary = await match(["[ipv4-addr:value ISSUBSET '198.51.100.0/25']", "[ipv4-addr:value = '198.51.100.0/24']", "[ipv6-addr:value ISSUBSET '2001:db8:aa::/48']"], [
      '{"ip":"198.51.100.7"}',
      '{"ip":"198.51.100.200"}',
      '{"ip":"198.51.101.1"}',
      '{"ip":"2001:db8:aa:1::9"}',
    ]);
    expect(counts(summary)).toEqual({ 'ind 1': 1, 'ind 2': 2, 'ind 3': 1 });
  });

  it('keeps first and last seen from the lines and the time of lines without one', async () => {
    const summary = await match(["[domain-name:value = 'a.example']"], ['{"ts":"2026-11-03T10:00:00Z","query":"a.example"}', '{"ts":"2026-11-03T08:30:00Z","query":"a.example"}', '{"query":"a.example"}']);
    const hit = summary.hits[0];
    expect(hit?.count).toBe(3);
    expect(new Date(hit?.firstMs ?? 0).toISOString()).toBe('2026-11-03T08:30:00.000Z');
    expect(new Date(hit?.lastMs ?? 0).toISOString()).toBe(NOW.toISOString());
  });

  it('evaluates complex patterns on the lines that hold their anchor or their object types', async () => {
    const summary = await match(
      [
        "[network-traffic:dst_ref.value = '203.0.113.80' AND network-traffic:dst_port = 443]",
        "[domain-name:value LIKE '%.tally-fraud.example']",
        "[network-traffic:extensions.'http-request-ext'.request_header.'User-Agent' MATCHES '^python-requests/']",
        "[ipv4-addr:value NOT = '203.0.113.80' AND ipv4-addr:value = '198.51.100.9']",
      ],
      [
        '{"src_ip":"198.51.100.9","dest_ip":"203.0.113.80","dest_port":443}',
        '{"src_ip":"198.51.100.9","dest_ip":"203.0.113.80","dest_port":80}',
        '{"src_ip":"203.0.113.80","dest_ip":"198.51.100.9","dest_port":443}',
        '{"query":"www.tally-fraud.example"}',
        '{"user_agent":"python-requests/2.31","src_ip":"198.51.100.10","method":"GET"}',
      ],
    );
    expect(counts(summary)).toEqual({ 'ind 1': 1, 'ind 2': 1, 'ind 3': 1, 'ind 4': 3 });
  });

  it("matches a file by all the hashes (and the name) one line gives it, in CSV and Suricata fileinfo", async () => {
    const md5 = '0cc175b9c0f1b6a831c399e269772661';
    const sha256 = 'ca978112ca1bbdcafac231b39a23dc4da786eff8147c4e72b9807785afee48bb';
    const patterns = [
      `[file:hashes.MD5 = '${md5}' AND file:hashes.'SHA-256' = '${sha256}']`,
      `[file:name = '/ballot.exe' AND file:hashes.'SHA-256' = '${sha256}']`,
      `[file:hashes.MD5 = '${md5}' AND file:hashes.'SHA-1' = 'da39a3ee5e6b4b0d3255bfef95601890afd80709']`,
    ];
    const csv = await match(patterns, ['filename,md5,sha256', `/ballot.exe,${md5},${sha256}`], { format: 'csv' });
    expect(counts(csv)).toEqual({ 'ind 1': 1, 'ind 2': 1 });
    const eve = await match(
      patterns,
      [`{"timestamp":"2026-11-03T10:00:03Z","event_type":"fileinfo","src_ip":"203.0.113.80","dest_ip":"198.51.100.30","fileinfo":{"filename":"/ballot.exe","md5":"${md5}","sha256":"${sha256}"}}`],
      { format: 'suricata-eve' },
    );
    expect(counts(eve)).toEqual({ 'ind 1': 1, 'ind 2': 1 });
  });

  it('evaluates multi-observation patterns over the whole log', async () => {
    const lines = ['{"ts":"2026-11-03T10:00:00Z","query":"stage1.example"}', '{"ts":"2026-11-03T10:00:30Z","dest_ip":"203.0.113.66"}', '{"ts":"2026-11-03T10:01:00Z","query":"stage1.example"}'];
    const summary = await match(
      [
        "[domain-name:value = 'stage1.example'] FOLLOWEDBY [ipv4-addr:value = '203.0.113.66']",
        "[ipv4-addr:value = '203.0.113.66'] FOLLOWEDBY [domain-name:value = 'nothing.example']",
        "[domain-name:value = 'stage1.example'] REPEATS 2 TIMES WITHIN 120 SECONDS",
        "[domain-name:value = 'stage1.example'] REPEATS 3 TIMES",
      ],
      lines,
    );
    expect(counts(summary)).toEqual({ 'ind 1': 3, 'ind 3': 2 });
  });

  it('suppresses warning-listed values unless asked, and flags them then', async () => {
    const patterns = ["[ipv4-addr:value = '192.168.1.10']", "[domain-name:value = 'google.com']", "[domain-name:value = 'ballot-drop.example']"];
    const lines = ['{"src_ip":"192.168.1.10","query":"www.google.com"}', '{"query":"google.com"}', '{"query":"ballot-drop.example"}'];
    const quiet = await match([...patterns, "[domain-name:value = 'www.google.com']"], lines, { warningLists: defaultWarningLists() });
    expect(counts(quiet)).toEqual({ 'ind 3': 1 });
    expect(quiet.suppressed).toEqual({ 'special-ip-ranges': 1, 'benign-top-domains': 2 });
    const loud = await match(patterns, lines, { warningLists: defaultWarningLists(), includeWarningListed: true });
    expect(counts(loud)).toEqual({ 'ind 1': 1, 'ind 2': 1, 'ind 3': 1 });
    expect(loud.hits.find((h) => h.indicator.name === 'ind 1')?.warningLists).toEqual(['special-ip-ranges']);
    expect(loud.suppressed).toEqual({});
  });

  it('reports malformed lines with line numbers and goes on', async () => {
    const summary = await match(["[domain-name:value = 'a.example']"], ['{"query":"a.example"}', 'not json', '', '[1]', '{"query":"a.example"}']);
    expect(summary.hits[0]?.count).toBe(2);
    expect(summary.malformed).toBe(2);
    expect(summary.problems.map((p) => `${p.line} ${p.code}`)).toEqual(['2 malformed-json', '4 not-an-object']);
  });

  it('skips binary garbage and huge lines with exact reasons', async () => {
    const index = indexOf(["[domain-name:value = 'a.example']"]);
    const chunks = [Buffer.from('{"query":"a.example"}\n'), Buffer.from([0, 1, 2, 0xff, 0xfe, 10]), Buffer.from(`{"x":"${'y'.repeat(5000)}"}\n`), Buffer.from('{"query":"a.example"}')];
    const result = await matchLogs(chunks, index, { format: 'jsonl', warningLists: NO_LISTS, now: NOW, maxLineLength: 1000 });
    expect(result.ok && result.value.problems).toEqual([
      { line: 2, code: 'binary-data', message: 'line 2 is not UTF-8 text (binary data?); it was skipped' },
      { line: 3, code: 'line-too-long', message: 'line 3 is longer than 1000 characters; it was skipped' },
    ]);
    expect(result.ok && result.value.hits[0]?.count).toBe(2);
  });

  it('detects the format, or refuses input it cannot recognise', async () => {
    const index = indexOf(["[domain-name:value = 'a.example']"]);
    const nginx = await matchLogs(['203.0.113.9 - - [03/Nov/2026:10:00:00 +0000] "GET http://a.example/ HTTP/1.1" 200 1 "-" "-"\n'], index, { format: 'auto', warningLists: NO_LISTS, now: NOW });
    expect(nginx.ok && nginx.value.format).toBe('nginx');
    expect(nginx.ok && nginx.value.hits.length).toBe(1);
    const unknown = await matchLogs(['hello\nworld\n'], index, { format: 'auto', warningLists: NO_LISTS, now: NOW });
    expect(unknown).toEqual({ ok: false, error: { code: 'format-not-detected', message: 'cannot tell the log format from its first lines; give --format (jsonl, csv, zeek, dns, nginx, suricata-eve)' } });
  });

  it('lists indicators whose patterns do not parse', () => {
    const index = indexOf(["[ipv4-addr:value = '203.0.113.5'", "[domain-name:value = 'a.example']"]);
    expect(index.problems.map((p) => [p.id, p.code])).toEqual([[id(1), 'invalid-pattern']]);
    expect(index.problems[0]?.message).toMatch(/^column \d+: /);
    expect(index.size).toBe(1);
  });
});

describe('User-Agent channel', () => {
  const patterns = [
    "[network-traffic:extensions.'http-request-ext'.request_header.'User-Agent' MATCHES '^xBadBot/1$']",
    "[network-traffic:extensions.'http-request-ext'.request_header.'User-Agent' MATCHES '^Bā']",
  ];
  const nginxLine = (agent: string) => `198.51.100.7 - - [03/Nov/2026:10:00:00 +0000] "GET / HTTP/1.1" 200 1 "-" "${agent}"`;
  // Consecutive agents that differ in their last byte only, in a middle one, in length only, in one non-ASCII character only (which a
  // copy of the codes folding non-ASCII would not tell apart), and blank agents between.
  const agents = ['xBadBot/2', 'xBadBot/1', 'xBadBot/1', 'xBadBxt/1', 'xBadBot/2', 'xBadBot/1', 'xBadBot/10', 'xBadBot/1', '-', 'xBadBot/1', 'Bād', 'Băd', 'Băd', 'Bād', 'Bād'];
  const expected = { 'ind 1': 5, 'ind 2': 3 };
  const run = async (chunks: readonly (Uint8Array | string)[]) => {
    const result = await matchLogs(chunks, indexOf(patterns), { format: 'nginx', warningLists: NO_LISTS, now: NOW });
    if (!result.ok) throw new Error(result.error.message);
    return counts(result.value);
  };

  it('evaluates each agent of consecutive lines, read in place (ASCII), decoded (non-ASCII) or as text', async () => {
    const ascii = agents.filter((a) => /^[ -~]*$/.test(a));
    expect(await run([Buffer.from(`${ascii.map(nginxLine).join('\n')}\n`)])).toEqual({ 'ind 1': 5 });
    const log = `${agents.map(nginxLine).join('\n')}\n`;
    expect(await run([Buffer.from(log)])).toEqual(expected);
    expect(await run([log])).toEqual(expected);
  });

  it('gives the same hits with the log cut at every byte, lines read in place, decoded and across chunks in turn', async () => {
    // ASCII lines (read in place but for the one cut across chunks), non-ASCII ones (decoded), ASCII ones (in place).
    const text = (list: readonly string[]) => Buffer.from(`${list.map(nginxLine).join('\n')}\n`);
    const ascii = text(agents.slice(0, 9));
    const other = text(agents.slice(9));
    const tail = text(agents.slice(0, 7));
    const whole = await run([ascii, other, tail]);
    expect(whole).toEqual({ 'ind 1': 8, 'ind 2': 3 });
    for (let cut = 1; cut < ascii.length; cut++) expect(await run([ascii.subarray(0, cut), ascii.subarray(cut), other, tail])).toEqual(whole);
    for (let cut = 1; cut < other.length; cut++) expect(await run([ascii, other.subarray(0, cut), other.subarray(cut), tail])).toEqual(whole);
  });
});
