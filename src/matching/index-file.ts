import { crc32 } from 'node:zlib';
import type { Cidr } from './cidr.ts';
import { FILTER_WORDS, filterBits, filterWord, type IndicatorIndex, type IndicatorInfo, type LeafRef, type Target } from './indicator-index.ts';
import { kindNumber, valueHash, type ValueKind } from './record.ts';

/**
 * The persisted match index: an IndicatorIndex laid out in one buffer so that a start reads it instead of building
 * one. Little-endian, every section 8-aligned:
 *
 *   "RAMPIDX1", u32 length of the header, the header (JSON: what the file was built for, counts, the small
 *   lists), then the sections the header places: validity (f64 pairs), kinds of indicator (u8), owner numbers (u32),
 *   string offsets (u32) and the strings (UTF-8), the key table (u32 slots), the key entries, the value filter
 *   (i32), and last a CRC-32 of everything before it.
 *
 * A key entry is u8 kind number, u8 0, u16 target count, u32 key length in bytes, the key, padding to 4, then per
 * target u32 indicator number and u32 leaf number (EQUALITY for an indicator matched by value alone).
 * Bump FORMAT whenever this layout or the pattern analysis that numbers leaves (pattern-analysis.ts) changes.
 */
export const FORMAT = 1;
const MAGIC = 'RAMPIDX1';
export const EQUALITY = 0xffffffff;

/** What an indicator became in the index. */
export const IndicatorKind = { Equality: 0, Compiled: 1, Problem: 2 } as const;
export type IndicatorKind = (typeof IndicatorKind)[keyof typeof IndicatorKind];

/** An indicator as the file keeps it: what the matcher reports, and when it is valid (ms since the epoch, NaN: open). */
export interface FileIndicator {
  readonly info: IndicatorInfo;
  readonly validFromMs: number;
  readonly validUntilMs: number;
  readonly kind: IndicatorKind;
}

/** A target by numbers: indicator, and leaf of its pattern's shape (EQUALITY for a value match). */
export type TargetRef = readonly [indicator: number, leaf: number];

export interface IndexHeader {
  readonly format: number;
  /** What the file was built for (format, store change mark, reader): compared whole before use. */
  readonly key: string;
  readonly indicators: number;
  readonly owners: readonly string[];
  readonly problems: readonly { readonly indicator: number; readonly code: string; readonly message: string }[];
  readonly cidrs: readonly { readonly cidr: Cidr; readonly targets: readonly TargetRef[] }[];
  readonly channels: readonly { readonly kind: number; readonly leaves: readonly TargetRef[] }[];
  readonly types: readonly { readonly type: string; readonly leaves: readonly TargetRef[] }[];
  readonly slots: number;
  readonly sections: Readonly<Record<SectionName, readonly [offset: number, length: number]>>;
}

const SECTIONS = ['validity', 'kinds', 'owners', 'offsets', 'strings', 'slots', 'entries', 'filter'] as const;
type SectionName = (typeof SECTIONS)[number];

/** A 32-bit FNV-1a of a kind and a text, for keys that have no valueHash (IPv6, non-ASCII). */
function textHash(kind: number, text: string): number {
  let h = (0x811c9dc5 ^ kind) | 0;
  for (let i = 0; i < text.length; i++) h = Math.imul(h ^ text.charCodeAt(i), 0x01000193);
  return h >>> 2;
}

/** Where a normalised key is placed in the table: its valueHash where the filter uses one, else a hash of its text. */
export function slotHash(kind: ValueKind, normal: string): number {
  if (kind !== 'ipv6') {
    const h = valueHash(kind, normal, normal.length);
    if (h >= 0) return h;
  }
  return textHash(kindNumber(kind), normal);
}

const align8 = (n: number) => (n + 7) & ~7;

/** Encodes an index that holds every indicator of `indicators` (added in that order) into the file's bytes. */
export function encodeIndexFile(key: string, index: IndicatorIndex, indicators: readonly FileIndicator[]): Buffer {
  const numbers = new Map<IndicatorInfo, number>();
  indicators.forEach((d, i) => numbers.set(d.info, i));
  const number = (info: IndicatorInfo): number => {
    const n = numbers.get(info);
    if (n === undefined) throw new Error('encodeIndexFile: a target names an indicator that is not in the list');
    return n;
  };
  const leafRef = (leaf: LeafRef): TargetRef => [number(leaf.owner.indicator), leaf.owner.leaves.indexOf(leaf)];
  const targetRef = (t: Target): TargetRef => (t.kind === 'equality' ? [number(t.indicator), EQUALITY] : leafRef(t.leaf));

  const owners: string[] = [];
  const ownerNumbers = new Map<string, number>();
  const ownerOf = new Uint32Array(indicators.length);
  const kinds = new Uint8Array(indicators.length);
  const validity = new Float64Array(indicators.length * 2);
  const strings: string[] = [];
  indicators.forEach((d, i) => {
    let o = ownerNumbers.get(d.info.owner);
    if (o === undefined) {
      o = owners.length;
      owners.push(d.info.owner);
      ownerNumbers.set(d.info.owner, o);
    }
    ownerOf[i] = o;
    kinds[i] = d.kind;
    validity[2 * i] = d.validFromMs;
    validity[2 * i + 1] = d.validUntilMs;
    // A missing name is the one string no indicator id is: an empty one, told apart by its kind below.
    strings.push(d.info.id, d.info.name ?? '', d.info.pattern);
  });
  const offsets = new Uint32Array(strings.length + 1);
  const stringBytes: Buffer[] = [];
  let at = 0;
  for (let i = 0; i < strings.length; i++) {
    const b = Buffer.from(strings[i] ?? '', 'utf8');
    stringBytes.push(b);
    offsets[i] = at;
    at += b.length;
  }
  offsets[strings.length] = at;
  // Names: an id never is empty, so an empty name with the flag byte set in `kinds` (bit 7) means none.
  indicators.forEach((d, i) => {
    if (d.info.name === null) kinds[i] = (kinds[i] ?? 0) | 0x80;
  });

  // Keys: one entry per (kind, normalised value), placed by open addressing (linear probing) at twice their count.
  const entries: Buffer[] = [];
  const placed: { hash: number; offset: number }[] = [];
  const filter = new Int32Array(FILTER_WORDS);
  let entriesLength = 0;
  for (const [kind, map] of index.exact) {
    for (const [value, targets] of map) {
      const keyBytes = Buffer.from(value, 'utf8');
      const head = 8 + ((keyBytes.length + 3) & ~3);
      const entry = Buffer.alloc(head + 8 * targets.length);
      entry.writeUInt8(kindNumber(kind), 0);
      entry.writeUInt16LE(targets.length, 2);
      entry.writeUInt32LE(keyBytes.length, 4);
      keyBytes.copy(entry, 8);
      targets.forEach((t, j) => {
        const [i, leaf] = targetRef(t);
        entry.writeUInt32LE(i, head + 8 * j);
        entry.writeUInt32LE(leaf, head + 8 * j + 4);
      });
      placed.push({ hash: slotHash(kind, value), offset: entriesLength });
      entries.push(entry);
      entriesLength += entry.length;
      const h = valueHash(kind, value, value.length);
      if (h >= 0) filter[filterWord(h)] = (filter[filterWord(h)] ?? 0) | filterBits(h);
    }
  }
  let slots = 16;
  while (slots < placed.length * 2) slots *= 2;
  const table = new Uint32Array(slots);
  for (const p of placed) {
    let s = p.hash & (slots - 1);
    while ((table[s] ?? 0) !== 0) s = (s + 1) & (slots - 1);
    table[s] = p.offset + 1;
  }

  const bodies: Record<SectionName, Buffer> = {
    validity: Buffer.from(validity.buffer),
    kinds: Buffer.from(kinds.buffer),
    owners: Buffer.from(ownerOf.buffer),
    offsets: Buffer.from(offsets.buffer),
    strings: Buffer.concat(stringBytes),
    slots: Buffer.from(table.buffer),
    entries: Buffer.concat(entries),
    filter: Buffer.from(filter.buffer),
  };
  const problems = index.problems.map((p, k) => ({ indicator: problemIndicators(indicators)[k] ?? -1, code: p.code, message: p.message }));
  const header = {
    format: FORMAT,
    key,
    indicators: indicators.length,
    owners,
    problems,
    cidrs: groupCidrs(index.cidrs, targetRef),
    channels: index.byChannel.flatMap((leaves, kind) => (leaves === null || leaves === undefined ? [] : [{ kind, leaves: leaves.map(leafRef) }])),
    types: [...index.byType].map(([type, leaves]) => ({ type, leaves: leaves.map(leafRef) })),
    slots,
  };
  // Offsets depend on the header's length, which depends on the offsets: place the sections after a header sized with room to spare.
  const draft = Buffer.byteLength(JSON.stringify({ ...header, sections: placeholderSections() }), 'utf8');
  let offset = align8(12 + draft + 64);
  const sections = {} as Record<SectionName, readonly [number, number]>;
  for (const name of SECTIONS) {
    sections[name] = [offset, bodies[name].length];
    offset = align8(offset + bodies[name].length);
  }
  const headerBytes = Buffer.from(JSON.stringify({ ...header, sections }), 'utf8');
  const out = Buffer.alloc(offset + 4);
  out.write(MAGIC, 0, 'latin1');
  out.writeUInt32LE(headerBytes.length, 8);
  headerBytes.copy(out, 12);
  for (const name of SECTIONS) bodies[name].copy(out, sections[name][0]);
  out.writeUInt32LE(crc32(out.subarray(0, offset)), offset);
  return out;
}

/** The indicator number of each problem the index recorded, in order (problems are recorded as indicators are added). */
function problemIndicators(indicators: readonly FileIndicator[]): number[] {
  const out: number[] = [];
  indicators.forEach((d, i) => {
    if (d.kind === IndicatorKind.Problem) out.push(i);
  });
  return out;
}

function groupCidrs(cidrs: IndicatorIndex['cidrs'], targetRef: (t: Target) => TargetRef): { cidr: Cidr; targets: TargetRef[] }[] {
  const out: { cidr: Cidr; targets: TargetRef[] }[] = [];
  for (const c of cidrs) out.push({ cidr: c.cidr, targets: [targetRef(c.target)] });
  return out;
}

function placeholderSections(): Record<SectionName, readonly [number, number]> {
  const big = [Number.MAX_SAFE_INTEGER, Number.MAX_SAFE_INTEGER] as const;
  return Object.fromEntries(SECTIONS.map((name) => [name, big])) as Record<SectionName, readonly [number, number]>;
}

/** A file's sections as typed views (copies where alignment asks for one), after its checks passed. */
export interface IndexFile {
  readonly header: IndexHeader;
  readonly bytes: Buffer;
  readonly validity: Float64Array;
  readonly kinds: Uint8Array;
  readonly owners: Uint32Array;
  readonly offsets: Uint32Array;
  readonly strings: Buffer;
  readonly slots: Uint32Array;
  readonly entries: Buffer;
  readonly filter: Int32Array;
}

/** Why a file was not used (it is then rebuilt). */
export type IndexFileRefusal = 'not-an-index' | 'damaged' | 'stale';

/**
 * Reads a file's bytes back: null-free only when its magic, checksum and layout hold and it was built for `key`.
 * Damaged or foreign bytes are refused, never trusted: the caller rebuilds.
 */
export function decodeIndexFile(bytes: Buffer, key: string): { ok: true; value: IndexFile } | { ok: false; error: IndexFileRefusal } {
  if (bytes.length < 16 || bytes.toString('latin1', 0, 8) !== MAGIC) return { ok: false, error: 'not-an-index' };
  const end = bytes.length - 4;
  if (crc32(bytes.subarray(0, end)) !== bytes.readUInt32LE(end)) return { ok: false, error: 'damaged' };
  const headerLength = bytes.readUInt32LE(8);
  if (12 + headerLength > end) return { ok: false, error: 'damaged' };
  let header: IndexHeader;
  try {
    header = JSON.parse(bytes.toString('utf8', 12, 12 + headerLength)) as IndexHeader;
  } catch {
    return { ok: false, error: 'damaged' };
  }
  if (typeof header !== 'object' || header === null || header.format !== FORMAT || header.key !== key) return { ok: false, error: 'stale' };
  const n = header.indicators;
  const expected: Record<SectionName, number | null> = { validity: 16 * n, kinds: n, owners: 4 * n, offsets: 4 * (3 * n + 1), strings: null, slots: 4 * header.slots, entries: null, filter: 4 * FILTER_WORDS };
  for (const name of SECTIONS) {
    const place = header.sections[name];
    if (!Array.isArray(place) || place[0] % 8 !== 0 || place[0] + place[1] > end || (expected[name] !== null && expected[name] !== place[1])) return { ok: false, error: 'damaged' };
  }
  const slice = (name: SectionName) => {
    const [offset, length] = header.sections[name];
    return bytes.subarray(offset, offset + length);
  };
  // Typed arrays need aligned offsets in their ArrayBuffer; a Buffer may start anywhere in its pool, so copy then.
  const view = <T>(name: SectionName, make: (buffer: ArrayBuffer, offset: number, length: number) => T, size: number): T => {
    const s = slice(name);
    if ((s.byteOffset % size) === 0 && s.buffer instanceof ArrayBuffer) return make(s.buffer, s.byteOffset, s.length / size);
    const copy = new ArrayBuffer(s.length);
    new Uint8Array(copy).set(s);
    return make(copy, 0, s.length / size);
  };
  const file: IndexFile = {
    header,
    bytes,
    validity: view('validity', (b, o, l) => new Float64Array(b, o, l), 8),
    kinds: slice('kinds'),
    owners: view('owners', (b, o, l) => new Uint32Array(b, o, l), 4),
    offsets: view('offsets', (b, o, l) => new Uint32Array(b, o, l), 4),
    strings: slice('strings'),
    slots: view('slots', (b, o, l) => new Uint32Array(b, o, l), 4),
    entries: slice('entries'),
    filter: view('filter', (b, o, l) => new Int32Array(b, o, l), 4),
  };
  if ((header.slots & (header.slots - 1)) !== 0 || file.offsets[3 * n] !== file.strings.length || header.owners.length === 0 && n > 0) return { ok: false, error: 'damaged' };
  return { ok: true, value: file };
}
