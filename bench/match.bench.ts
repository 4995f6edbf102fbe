/**
 * Log matching throughput. `npm run bench:match` builds an index of 100,000 indicators (90%
 * equality: IPv4, domains, URLs, SHA-256; 10% compound: anchored AND, FOLLOWEDBY, a few LIKE/MATCHES
 * scans) and streams 5,000,000 synthetic log lines through it, printing lines/s beside the rate of
 * only splitting and parsing the same lines in the same run, and the same match with the index read back from an
 * index file (src/matching/persisted-index.ts, as `rampart match` uses it) beside the index built in memory.
 *   --lines <n>        log lines (default 5000000), in --rounds rounds (default 5) of each measurement
 *   --indicators <n>   indicators (default 100000)
 *   --format <f>       nginx (default), jsonl or dns
 * Synthetic addresses are drawn from 10.0.0.0/8 (private, so never real); warning-listed values
 * are let through (as with --include-warning-listed) so that hits are counted, not suppressed.
 */
import { compilePattern } from '../src/stix/pattern/index.ts';
import type { OrgId, StixId } from '../src/domain/ids.ts';
import { parserFor, type LogFormat } from '../src/matching/formats.ts';
import { FrozenIndex } from '../src/matching/frozen-index.ts';
import { IndicatorIndex } from '../src/matching/indicator-index.ts';
import { decodeIndexFile } from '../src/matching/index-file.ts';
import { indexFileBuilder } from '../src/matching/persisted-index.ts';
import { splitLines } from '../src/matching/lines.ts';
import { matchLogs } from '../src/matching/matcher.ts';
import { LogRecord } from '../src/matching/record.ts';
import { defaultWarningLists } from '../src/matching/warning-lists.ts';

const args = process.argv.slice(2);
const value = (name: string, fallback: string) => {
  const i = args.indexOf(name);
  return i >= 0 ? (args[i + 1] ?? fallback) : fallback;
};
const TOTAL_LINES = Number(value('--lines', '5000000'));
/** Parse-only, match all and equality run in turn, round after round, so each round's three see the same machine. */
const ROUNDS = Math.max(1, Number(value('--rounds', '5')));
const LINES = Math.ceil(TOTAL_LINES / ROUNDS);
const INDICATORS = Number(value('--indicators', '100000'));
const FORMAT = value('--format', 'nginx') as LogFormat;
if (!['nginx', 'jsonl', 'dns'].includes(FORMAT)) throw new Error('--format must be nginx, jsonl or dns');

// A small seeded generator, so every run sees the same data.
let seed = 0x5eed;
function random(): number {
  seed = (seed + 0x6d2b79f5) | 0;
  let t = Math.imul(seed ^ (seed >>> 15), 1 | seed);
  t = (t + Math.imul(t ^ (t >>> 7), 61 | t)) ^ t;
  return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
}
const pick = (n: number) => Math.floor(random() * n);
const ip = (n: number) => `10.${(n >>> 16) & 255}.${(n >>> 8) & 255}.${n & 255}`;
const domain = (n: number) => `host${n}.zone${n % 97}.example`;
const hex = (n: number) => (n * 2654435761 >>> 0).toString(16).padStart(8, '0').repeat(8);

// The indicator population: value spaces larger than the indicator sets, so most log values miss.
const IP_SPACE = 1 << 22;
const DOMAIN_SPACE = 4_000_000;

function indicators(count: number): string[] {
  const out: string[] = [];
  const equality = Math.round(count * 0.9);
  for (let i = 0; i < equality; i++) {
    const r = i % 9;
    if (r < 4) out.push(`[ipv4-addr:value = '${ip(pick(IP_SPACE))}']`);
    else if (r < 7) out.push(`[domain-name:value = '${domain(pick(DOMAIN_SPACE))}']`);
    else if (r < 8) out.push(`[url:value = 'http://${domain(pick(DOMAIN_SPACE))}/payload/${i}.php']`);
    else out.push(`[file:hashes.'SHA-256' = '${hex(i)}']`);
  }
  for (let i = equality; i < count; i++) {
    const r = i % 100;
    if (r < 60) out.push(`[network-traffic:dst_ref.value = '${ip(pick(IP_SPACE))}' AND network-traffic:dst_port = ${[443, 8443, 4444][i % 3] ?? 443}]`);
    else if (r < 90) out.push(`[domain-name:value = '${domain(pick(DOMAIN_SPACE))}'] FOLLOWEDBY [ipv4-addr:value = '${ip(pick(IP_SPACE))}'] WITHIN 600 SECONDS`);
    else if (r < 99) out.push(`[domain-name:value = '${domain(pick(DOMAIN_SPACE))}' AND domain-name:value LIKE 'host%']`);
    // A handful of unanchored scans: evaluated on every line holding their object type.
    else out.push(`[network-traffic:extensions.'http-request-ext'.request_header.'User-Agent' MATCHES '^BadBot/${i}']`);
  }
  return out;
}

function line(i: number): string {
  const client = ip(pick(IP_SPACE));
  const host = domain(pick(DOMAIN_SPACE));
  const second = String(i % 60).padStart(2, '0');
  switch (FORMAT) {
    case 'nginx':
      return `${client} - - [03/Nov/2026:10:00:${second} +0000] "GET /results/${i % 1000}.json HTTP/1.1" 200 ${i % 5000} "http://${host}/" "Mozilla/5.0 (X11; Linux x86_64)"`;
    case 'jsonl':
      return `{"ts":"2026-11-03T10:00:${second}Z","src_ip":"${client}","src_port":${1024 + (i % 60000)},"dest_ip":"${ip(pick(IP_SPACE))}","dest_port":443,"query":"${host}"}`;
    case 'dns':
      return `Nov  3 10:00:${second} dnsmasq[812]: query[A] ${host} from ${client}`;
    case 'csv':
    case 'zeek':
    case 'suricata-eve':
      throw new Error(`no generator for ${FORMAT}`);
  }
}

// Lines are generated once into a ring of 1 MiB buffers and replayed, so generation is not timed.
const RING_LINES = Math.min(LINES, 400_000);
function ring(): Buffer[] {
  const chunks: Buffer[] = [];
  let batch: string[] = [];
  let size = 0;
  for (let i = 0; i < RING_LINES; i++) {
    const text = line(i);
    batch.push(text);
    size += text.length + 1;
    if (size >= 1 << 20) {
      chunks.push(Buffer.from(`${batch.join('\n')}\n`));
      batch = [];
      size = 0;
    }
  }
  if (batch.length > 0) chunks.push(Buffer.from(`${batch.join('\n')}\n`));
  return chunks;
}
function* replay(chunks: readonly Buffer[]): Generator<Buffer> {
  let lines = 0;
  const perChunk = RING_LINES / chunks.length;
  while (lines < LINES) {
    for (const chunk of chunks) {
      if (lines >= LINES) return;
      yield chunk;
      lines += perChunk;
    }
  }
}

const fmt = (n: number) => Math.round(n).toLocaleString('en-US');

/** Wall and CPU seconds of `fn`: on a shared machine CPU time is what gives lines per second per core. */
async function timed<T>(fn: () => Promise<T>): Promise<{ value: T; wall: number; cpu: number }> {
  const cpu0 = process.cpuUsage();
  const wall0 = performance.now();
  const value = await fn();
  const cpu = process.cpuUsage(cpu0);
  return { value, wall: (performance.now() - wall0) / 1000, cpu: (cpu.user + cpu.system) / 1e6 };
}

async function main(): Promise<void> {
  console.log(`bench:match: ${fmt(INDICATORS)} indicators, ${fmt(LINES * ROUNDS)} ${FORMAT} lines in ${ROUNDS} rounds (ring of ${fmt(RING_LINES)} distinct lines)`);
  const patterns = indicators(INDICATORS);
  const start = performance.now();
  const index = new IndicatorIndex();
  const owner = 'identity--0a000000-0000-4000-8000-00000000000a' as OrgId;
  patterns.forEach((pattern, i) => index.add({ id: `indicator--00000000-0000-4000-8000-${String(i).padStart(12, '0')}` as StixId, name: null, pattern, owner }, compilePattern));
  const buildSeconds = (performance.now() - start) / 1000;
  if (index.problems.length > 0) throw new Error(`unusable patterns: ${JSON.stringify(index.problems.slice(0, 3))}`);
  console.log(`index: ${fmt(index.equality)} equality + ${fmt(index.complex.length)} compiled in ${buildSeconds.toFixed(2)} s (${fmt(INDICATORS / buildSeconds)} indicators/s)`);
  const chunks = ring();

  // Reference: split and parse the same lines, nothing else.
  const parser = parserFor(FORMAT);
  const record = new LogRecord();
  let values = 0;
  // As matchLogs reads a line: in place in its decoded block when the parser can.
  const parseLine = (text: string, start: number, end: number, n: number, codes?: Uint8Array) => {
    record.reset(n);
    if (parser.parseAt === undefined) parser.parse(text.slice(start, end), record);
    else parser.parseAt(text, start, end, record, codes);
  };
  const parseOnly = () =>
    splitLines(replay(chunks), {
      line(text, n) {
        parseLine(text, 0, text.length, n);
        values += record.size;
      },
      lineAt(text, start, end, n, codes) {
        parseLine(text, start, end, n, codes);
        values += record.size;
      },
      bad() {
        throw new Error('the generator wrote a bad line');
      },
    });
  const options = { format: FORMAT, warningLists: defaultWarningLists(), includeWarningListed: true, now: new Date('2026-11-03T12:00:00Z') } as const;
  // Equality matching alone: the same lines against the 90% of indicators the hash maps answer.
  const equalityIndex = new IndicatorIndex();
  patterns.slice(0, index.equality).forEach((pattern, i) => equalityIndex.add({ id: `indicator--00000000-0000-4000-8000-${String(i).padStart(12, '0')}` as StixId, name: null, pattern, owner }, compilePattern));

  // The same indicators read back from an index file, as `rampart match` uses them (src/matching/persisted-index.ts).
  const builder = indexFileBuilder({ compile: compilePattern });
  patterns.forEach((pattern, i) => builder.add({ id: `indicator--00000000-0000-4000-8000-${String(i).padStart(12, '0')}` as StixId, addedUs: i, name: null, pattern, owner, validFrom: null, validUntil: null }));
  const fileBytes = builder.encode('bench');
  const decoded = decodeIndexFile(fileBytes, 'bench');
  if (!decoded.ok) throw new Error(`the index file does not read back: ${decoded.error}`);
  const frozen = new FrozenIndex(decoded.value, { now: options.now, compile: compilePattern });
  console.log(`index file: ${fmt(fileBytes.length)} bytes`);

  // Untimed warm-up of the splitter and parser, so that no measured run pays for JIT compilation alone.
  await splitLines(chunks.slice(0, 4), { line: (text, n) => parseLine(text, 0, text.length, n), lineAt: parseLine, bad: () => undefined });
  type Timed = { wall: number; cpu: number };
  const rounds: { parse: Timed; full: Timed; equality: Timed; file: Timed }[] = [];
  let summary = null;
  for (let r = 0; r < ROUNDS; r++) {
    values = 0;
    const parse = await timed(parseOnly);
    const full = await timed(() => matchLogs(replay(chunks), index, options));
    const equality = await timed(() => matchLogs(replay(chunks), equalityIndex, options));
    const file = await timed(() => matchLogs(replay(chunks), frozen, options));
    if (!full.value.ok || !equality.value.ok || !file.value.ok) throw new Error('matching failed');
    if (file.value.value.hits.length !== full.value.value.hits.length) throw new Error('the index file found other hits than the built index');
    summary = full.value.value;
    rounds.push({ parse, full, equality, file });
  }
  if (summary === null) throw new Error('no round ran');
  const lines = summary.lines;
  const hitLines = summary.hits.reduce((n, h) => n + h.count, 0);
  const median = (xs: number[]) => [...xs].sort((x, y) => x - y)[Math.floor(xs.length / 2)] ?? Number.NaN;
  const spread = (xs: number[]) => `${fmt(Math.min(...xs))}–${fmt(Math.max(...xs))}`;
  const rate = (of: (round: (typeof rounds)[number]) => Timed) => {
    const cpu = rounds.map((round) => lines / of(round).cpu);
    const wall = rounds.map((round) => lines / of(round).wall);
    return `${fmt(median(cpu))} lines per CPU-second (rounds ${spread(cpu)}; wall ${fmt(median(wall))} lines/s)`;
  };
  const ratio = (of: (round: (typeof rounds)[number]) => Timed) => median(rounds.map((round) => of(round).cpu / round.parse.cpu));
  console.log(`parse only : ${rate((r) => r.parse)}; ${fmt(lines)} lines and ${fmt(values)} values a round`);
  console.log(`match all  : ${rate((r) => r.full)}; ${fmt(summary.hits.length)} indicators hit, ${fmt(hitLines)} line hits, ${summary.malformed} unreadable a round`);
  console.log(`equality   : ${rate((r) => r.equality)} against the ${fmt(equalityIndex.equality)} equality indicators alone`);
  console.log(`index file : ${rate((r) => r.file)}, all indicators read from an index file as rampart match reads them (${ratio((r) => r.file).toFixed(2)}× parse-only, ${median(rounds.map((r) => r.file.cpu / r.full.cpu)).toFixed(2)}× the built index)`);
  console.log(
    `ratio      : all indicators ${ratio((r) => r.full).toFixed(2)}× and equality alone ${ratio((r) => r.equality).toFixed(2)}× the parse-only CPU time (median of the rounds' own ratios; target ≤ 2×); target ≥ 1,000,000 lines/s/core for equality`,
  );
}

await main();
