import { err, ok, type Result } from '../domain/result.ts';
import { detectFormat, DETECT_LINES, parserFor, type FormatChoice, type FormatError, type LogFormat } from './formats.ts';
import type { ComplexIndicator, IndicatorInfo, LeafRef, MatchIndex, Target } from './indicator-index.ts';
import { splitLines } from './lines.ts';
import { channelObservation, objectTypesOf, toObservation, type Observation } from './observation.ts';
import { detach, kindNumber, LogRecord, VALUE_KINDS, type LineParser, type LineProblem, type ValueKind } from './record.ts';
import { timeToMillis } from './time.ts';
import type { WarningLists } from './warning-lists.ts';

export interface MatchOptions {
  readonly format: FormatChoice;
  readonly warningLists: WarningLists;
  /** Let values on warning lists raise hits (flagged) instead of suppressing them. */
  readonly includeWarningListed?: boolean;
  /** The time of lines that carry none, and the year of syslog times. */
  readonly now: Date;
  readonly maxLineLength?: number;
  /** How many malformed lines to report in detail (default 100); all are counted. */
  readonly maxReported?: number;
  readonly onBytes?: (total: number) => void;
}

export interface Hit {
  readonly indicator: IndicatorInfo;
  /** Lines that matched. */
  count: number;
  firstMs: number;
  lastMs: number;
  /** Up to ten distinct matched values. */
  readonly values: string[];
  /** The warning lists of matched values (only with includeWarningListed). */
  readonly warningLists: string[];
}

export interface LineReport {
  readonly line: number;
  readonly code: LineProblem['code'];
  readonly message: string;
}

export interface MatchSummary {
  readonly format: LogFormat;
  readonly lines: number;
  readonly malformed: number;
  readonly problems: readonly LineReport[];
  readonly hits: readonly Hit[];
  /** Matches dropped because the value is on a warning list, by list. */
  readonly suppressed: Readonly<Record<string, number>>;
}

const MAX_VALUES = 10;
/** Observations kept per multi-observation pattern; enough for REPEATS/WITHIN over a busy log. */
const MAX_CANDIDATES = 10_000;
const MAX_MEMO = 100_000;

interface Candidates {
  readonly observations: Observation[];
  readonly times: number[];
}

/** Whether `view` from `start` holds the first `length` bytes of `bytes`. */
function sameBytes(view: DataView<ArrayBufferLike>, start: number, bytes: DataView<ArrayBufferLike>, length: number): boolean {
  let i = 0;
  for (; i + 4 <= length; i += 4) if (view.getInt32(start + i) !== bytes.getInt32(i)) return false;
  for (; i < length; i++) if (view.getUint8(start + i) !== bytes.getUint8(i)) return false;
  return true;
}

/** Matches a log stream line by line against an index; memory holds one line, the hits and the candidates of multi-observation patterns. */
export async function matchLogs(source: AsyncIterable<Uint8Array | string> | Iterable<Uint8Array | string>, index: MatchIndex, options: MatchOptions): Promise<Result<MatchSummary, FormatError>> {
  const year = options.now.getUTCFullYear();
  const nowMs = options.now.getTime();
  const maxReported = options.maxReported ?? 100;
  const include = options.includeWarningListed === true;
  const record = new LogRecord();
  const hits = new Map<string, Hit>();
  const suppressed: Record<string, number> = {};
  // The warning list of each matched value, by kindNumber: one map per kind, so no key is concatenated per hit.
  const listed: (Map<string, string | null> | null)[] = new Array<Map<string, string | null> | null>(VALUE_KINDS).fill(null);
  let listedSize = 0;
  const candidates = new Map<ComplexIndicator, Candidates>();
  const pending: LeafRef[] = [];
  const types = new Set<string>();
  const problems: LineReport[] = [];
  let malformed = 0;
  let lineMs = NaN;
  let observation: Observation | null = null;
  let stamp = 0;
  // Per value kind, the single-property leaves each distinct value satisfies.
  const channelMemo = new Map<ValueKind, Map<string, LeafRef[]>>();
  // The last value of each kind (by kindNumber) and its leaves: consecutive lines mostly repeat it (one browser,
  // one resolver). A value the parser placed in the block's codes is compared four bytes at a time with a copy of the
  // last one's codes (`length` -1 when it had none), as comparing a sliced string calls into the runtime.
  type Last = { value: string; found: LeafRef[]; bytes: DataView<ArrayBufferLike>; length: number };
  const channelLast: (Last | null)[] = new Array<Last | null>(VALUE_KINDS).fill(null);
  let view: DataView<ArrayBufferLike> = new DataView(new ArrayBuffer(0));
  let viewed: Uint8Array | null = null;
  const channelHits = (kind: ValueKind, n: number, value: string, start: number, leaves: readonly LeafRef[]): LeafRef[] => {
    const codes = record.codes;
    const inPlace = start >= 0 && codes !== null;
    if (inPlace && codes !== viewed) {
      view = new DataView(codes.buffer, codes.byteOffset, codes.byteLength);
      viewed = codes;
    }
    let last = channelLast[n];
    if (last !== undefined && last !== null) {
      if (inPlace && last.length >= 0) {
        if (last.length === value.length && sameBytes(view, start, last.bytes, last.length)) return last.found;
      } else if (last.value === value) return last.found;
    }
    const found = memoHits(kind, value, leaves);
    if (last === undefined || last === null) {
      last = { value: '', found, bytes: new DataView(new ArrayBuffer(64)), length: -1 };
      channelLast[n] = last;
    }
    last.value = detach(value);
    last.found = found;
    last.length = -1;
    if (inPlace) {
      if (last.bytes.byteLength < value.length) last.bytes = new DataView(new ArrayBuffer(value.length * 2));
      for (let i = 0; i < value.length; i++) last.bytes.setUint8(i, view.getUint8(start + i));
      last.length = value.length;
    }
    return found;
  };
  const memoHits = (kind: ValueKind, value: string, leaves: readonly LeafRef[]): LeafRef[] => {
    let memo = channelMemo.get(kind);
    if (memo === undefined) {
      memo = new Map();
      channelMemo.set(kind, memo);
    }
    let found = memo.get(value);
    if (found === undefined) {
      const alone = [channelObservation(kind, value)];
      found = leaves.filter((leaf) => leaf.matcher.matches(alone));
      // Bounded: a log of endless distinct values costs evaluations, not memory.
      if (memo.size >= MAX_MEMO) memo.clear();
      memo.set(detach(value), found);
    }
    return found;
  };

  const timeOf = (): number => {
    if (Number.isNaN(lineMs)) lineMs = timeToMillis(record.timeRaw, record.timeFormat, year) ?? nowMs;
    return lineMs;
  };
  const observationOf = (): Observation => {
    observation ??= toObservation(record, new Date(timeOf()).toISOString());
    return observation;
  };
  const recordHit = (indicator: IndicatorInfo, value: string | null, list: string | null) => {
    const ms = timeOf();
    let hit = hits.get(indicator.id);
    if (hit === undefined) {
      hit = { indicator, count: 0, firstMs: ms, lastMs: ms, values: [], warningLists: [] };
      hits.set(indicator.id, hit);
    }
    hit.count++;
    if (ms < hit.firstMs) hit.firstMs = ms;
    if (ms > hit.lastMs) hit.lastMs = ms;
    if (value !== null && hit.values.length < MAX_VALUES && !hit.values.includes(value)) hit.values.push(detach(value));
    if (list !== null && !hit.warningLists.includes(list)) hit.warningLists.push(list);
  };
  const warningList = (kind: ValueKind, value: string): string | null => {
    const n = kindNumber(kind);
    let memo = listed[n];
    if (memo === undefined || memo === null) {
      memo = new Map();
      listed[n] = memo;
    }
    let list = memo.get(value);
    if (list === undefined) {
      list = options.warningLists.listing(kind, value);
      // The key must not keep the log text alive (a substring holds on to its block).
      if (listedSize < 100_000) {
        memo.set(detach(value), list);
        listedSize++;
      }
    }
    return list;
  };
  const found = (target: Target, kind: ValueKind, value: string) => {
    if (target.kind === 'leaf') {
      if (target.leaf.lastLine !== stamp) {
        target.leaf.lastLine = stamp;
        pending.push(target.leaf);
      }
      return;
    }
    if (target.lastLine === stamp) return;
    target.lastLine = stamp;
    const list = warningList(kind, value);
    if (list !== null && !include) {
      suppressed[list] = (suppressed[list] ?? 0) + 1;
      return;
    }
    recordHit(target.indicator, value, list);
  };

  const bad = (line: number, problem: LineProblem) => {
    malformed++;
    if (problems.length < maxReported) problems.push({ line, code: problem.code, message: problem.message });
  };
  // The line is `text` from `start` to `end` (see LineHandler.lineAt).
  const matchLine = (parser: LineParser, text: string, start: number, end: number, line: number, codes?: Uint8Array) => {
    record.reset(line);
    if (start === end) return;
    const problem = parser.parseAt === undefined ? parser.parse(text.slice(start, end), record) : parser.parseAt(text, start, end, record, codes);
    if (problem !== null) {
      bad(line, problem);
      return;
    }
    if (record.size === 0) return;
    lineMs = NaN;
    observation = null;
    // A stamp unique across runs sharing the index marks what this line already reached.
    stamp = ++index.stamp;
    index.lookup(record, found);
    if (index.byType.size > 0) {
      objectTypesOf(record, types);
      for (const type of types) {
        const refs = index.byType.get(type);
        if (refs !== undefined) {
          for (const ref of refs) {
            if (ref.lastLine !== stamp) {
              ref.lastLine = stamp;
              pending.push(ref);
            }
          }
        }
      }
    }
    for (const leaf of pending) if (leaf.matcher.matches([observationOf()])) satisfied(leaf);
    if (pending.length > 0) pending.length = 0;
    if (index.hasChannels) {
      for (let i = 0; i < record.size; i++) {
        const kind = record.kinds[i];
        if (kind === undefined) continue;
        const n = kindNumber(kind);
        const leaves = index.byChannel[n];
        const value = record.values[i];
        if (leaves === undefined || leaves === null || value === undefined) continue;
        const reached = channelHits(kind, n, value, record.starts[i] ?? -1, leaves);
        for (let j = 0; j < reached.length; j++) {
          const leaf = reached[j];
          if (leaf === undefined || leaf.lastLine === stamp) continue;
          leaf.lastLine = stamp;
          satisfied(leaf);
        }
      }
    }
  };
  const satisfied = (leaf: LeafRef) => {
    const obs = observationOf();
    const owner = leaf.owner;
    if (owner.whole === null) {
      recordHit(owner.indicator, null, null);
      return;
    }
    let kept = candidates.get(owner);
    if (kept === undefined) {
      kept = { observations: [], times: [] };
      candidates.set(owner, kept);
    }
    if (kept.observations[kept.observations.length - 1] !== obs && kept.observations.length < MAX_CANDIDATES) {
      kept.observations.push(obs);
      kept.times.push(timeOf());
    }
  };

  // With --format auto the first lines are held until the format is known, then replayed.
  let parser: LineParser | null = options.format === 'auto' ? null : parserFor(options.format);
  let format: LogFormat | null = options.format === 'auto' ? null : options.format;
  let failure: FormatError | null = null;
  const held: { text: string; line: number }[] = [];
  const choose = (): boolean => {
    const detected = detectFormat(held.map((h) => h.text));
    if (!detected.ok) {
      failure = detected.error;
      return false;
    }
    format = detected.value;
    parser = parserFor(detected.value);
    for (const h of held) matchLine(parser, h.text, 0, h.text.length, h.line);
    held.length = 0;
    return true;
  };
  const lineAt = (text: string, start: number, end: number, line: number, codes?: Uint8Array) => {
    if (parser !== null) matchLine(parser, text, start, end, line, codes);
    else if (failure === null) {
      held.push({ text: text.slice(start, end), line });
      if (held.filter((h) => h.text.trim() !== '').length >= DETECT_LINES) choose();
    }
  };
  const lines = await splitLines(
    source,
    {
      line: (text, line) => lineAt(text, 0, text.length, line),
      lineAt,
      bad,
    },
    { ...(options.maxLineLength === undefined ? {} : { maxLineLength: options.maxLineLength }), ...(options.onBytes === undefined ? {} : { onBytes: options.onBytes }) },
  );
  if (parser === null && failure === null) choose();
  if (failure !== null) return err(failure);
  if (format === null) return err({ code: 'format-not-detected', message: 'the log format could not be determined; give --format' });

  for (const [owner, kept] of candidates) {
    if (owner.whole?.matches(kept.observations) !== true) continue;
    const hit: Hit = { indicator: owner.indicator, count: kept.observations.length, firstMs: Math.min(...kept.times), lastMs: Math.max(...kept.times), values: [], warningLists: [] };
    hits.set(owner.indicator.id, hit);
  }
  const sorted = [...hits.values()].sort((a, b) => b.count - a.count || a.indicator.id.localeCompare(b.indicator.id));
  return ok({ format, lines, malformed, problems, hits: sorted, suppressed });
}
