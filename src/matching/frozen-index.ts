import { parseOrgId, parseStixId } from '../domain/ids.ts';
import { PrefixMap } from './cidr.ts';
import { filterBits, filterWord, shapeLeaves, complexIndicator, PatternCache, type CompilePattern, type ComplexIndicator, type IndicatorInfo, type IndicatorProblem, type LeafRef, type MatchIndex, type Target } from './indicator-index.ts';
import { EQUALITY, IndicatorKind, slotHash, type IndexFile, type TargetRef } from './index-file.ts';
import { kindNumber, NO_HASH, normalizeValue, VALUE_KINDS, valueHash, type LogRecord, type ValueKind } from './record.ts';

export interface FrozenOptions {
  readonly now: Date;
  readonly compile: CompilePattern;
  readonly cache?: PatternCache;
}

/**
 * An index read from a persisted index file (index-file.ts), used as built: value keys are looked up in the file's
 * own hash table, and an indicator is decoded (and its pattern compiled) only when a log value first reaches it.
 * Indicators outside their validity at `now` are left out here, as loadIndex leaves them out of a built index.
 */
export class FrozenIndex implements MatchIndex {
  stamp = 0;
  readonly byChannel: (LeafRef[] | null)[] = new Array<LeafRef[] | null>(VALUE_KINDS).fill(null);
  readonly hasChannels: boolean;
  readonly byType = new Map<string, LeafRef[]>();
  readonly equality: number;
  readonly compiled: number;
  readonly problems: readonly IndicatorProblem[];
  private readonly now: number;
  private readonly cache: PatternCache;
  private readonly prefixes = new PrefixMap<TargetRef>();
  private readonly hasPrefixes: boolean;
  private readonly equalityTargets = new Map<number, Target | null>();
  private readonly complexes = new Map<number, { readonly complex: ComplexIndicator; readonly targets: readonly Target[] } | null>();
  /** The targets of each key entry a value reached, by the entry's offset. */
  private readonly entryTargets = new Map<number, readonly Target[]>();
  private readonly prefixHits: TargetRef[] = [];
  private readonly slotMask: number;

  constructor(
    private readonly file: IndexFile,
    private readonly options: FrozenOptions,
  ) {
    this.now = options.now.getTime();
    this.cache = options.cache ?? new PatternCache();
    this.slotMask = file.header.slots - 1;
    let equality = 0;
    let compiled = 0;
    for (let i = 0; i < file.header.indicators; i++) {
      if (!this.valid(i)) continue;
      const kind = (file.kinds[i] ?? 0) & 0x7f;
      if (kind === IndicatorKind.Equality) equality++;
      else if (kind === IndicatorKind.Compiled) compiled++;
    }
    this.equality = equality;
    this.compiled = compiled;
    const problems: IndicatorProblem[] = [];
    for (const p of file.header.problems) {
      const info = this.valid(p.indicator) ? this.info(p.indicator) : null;
      if (info !== null) problems.push({ id: info.id, code: p.code, message: p.message });
    }
    this.problems = problems;
    for (const { cidr, targets } of file.header.cidrs) for (const t of targets) this.prefixes.add(cidr, t);
    this.hasPrefixes = file.header.cidrs.length > 0;
    for (const { kind, leaves } of file.header.channels) {
      const refs = this.leafRefs(leaves);
      if (refs.length > 0) this.byChannel[kind] = refs;
    }
    this.hasChannels = this.byChannel.some((l) => l !== null);
    for (const { type, leaves } of file.header.types) {
      const refs = this.leafRefs(leaves);
      if (refs.length > 0) this.byType.set(type, refs);
    }
  }

  /** Whether indicator `i` is valid now (NaN bounds are open, as an unparseable time is in loadIndex). */
  private valid(i: number): boolean {
    const from = this.file.validity[2 * i] ?? NaN;
    const until = this.file.validity[2 * i + 1] ?? NaN;
    return !(from > this.now) && !(until <= this.now);
  }

  private string(k: number): string {
    return this.file.strings.toString('utf8', this.file.offsets[k] ?? 0, this.file.offsets[k + 1] ?? 0);
  }

  /** Indicator `i` as the matcher reports it; null (left out) if its id or owner does not parse, which the checksum makes a bug. */
  private info(i: number): IndicatorInfo | null {
    const named = ((this.file.kinds[i] ?? 0) & 0x80) === 0;
    const id = parseStixId(this.string(3 * i));
    const owner = parseOrgId(this.file.header.owners[this.file.owners[i] ?? 0] ?? '');
    if (!id.ok || !owner.ok) return null;
    return { id: id.value, name: named ? this.string(3 * i + 1) : null, pattern: this.string(3 * i + 2), owner: owner.value };
  }

  private equalityTarget(i: number): Target | null {
    let t = this.equalityTargets.get(i);
    if (t === undefined) {
      const info = this.valid(i) ? this.info(i) : null;
      t = info === null ? null : { kind: 'equality', indicator: info, lastLine: 0 };
      this.equalityTargets.set(i, t);
    }
    return t;
  }

  /** A compound indicator, its pattern analysed and compiled on first use (null when not valid now). */
  private complex(i: number): { readonly complex: ComplexIndicator; readonly targets: readonly Target[] } | null {
    let c = this.complexes.get(i);
    if (c === undefined) {
      c = null;
      const info = this.valid(i) ? this.info(i) : null;
      if (info !== null) {
        const analysed = this.cache.analyse(info.pattern);
        const leaves = analysed.ok ? shapeLeaves(analysed.value.shape) : null;
        // The file was written by this format's analysis: a pattern that no longer analyses to leaves is left out.
        if (analysed.ok && leaves !== null) {
          const whole = analysed.value.shape.kind === 'multi' ? this.cache.whole(analysed.value.pattern, this.options.compile) : null;
          const complex = complexIndicator(info, whole, leaves, this.cache, this.options.compile);
          c = { complex, targets: complex.leaves.map((leaf): Target => ({ kind: 'leaf', leaf })) };
        }
      }
      this.complexes.set(i, c);
    }
    return c;
  }

  private target([i, leaf]: TargetRef): Target | null {
    if (leaf === EQUALITY) return this.equalityTarget(i);
    return this.complex(i)?.targets[leaf] ?? null;
  }

  private leafRefs(refs: readonly TargetRef[]): LeafRef[] {
    const out: LeafRef[] = [];
    for (const [i, leaf] of refs) {
      const ref = this.complex(i)?.complex.leaves[leaf];
      if (ref !== undefined) out.push(ref);
    }
    return out;
  }

  /** The targets of the key entry at `offset` in the entries section, decoded once. */
  private targetsAt(offset: number): readonly Target[] {
    let targets = this.entryTargets.get(offset);
    if (targets === undefined) {
      const entries = this.file.entries;
      const count = entries.readUInt16LE(offset + 2);
      const head = offset + 8 + ((entries.readUInt32LE(offset + 4) + 3) & ~3);
      const list: Target[] = [];
      for (let j = 0; j < count; j++) {
        const t = this.target([entries.readUInt32LE(head + 8 * j), entries.readUInt32LE(head + 8 * j + 4)]);
        if (t !== null) list.push(t);
      }
      targets = list;
      this.entryTargets.set(offset, targets);
    }
    return targets;
  }

  /** The entry offset of a normalised key of kind `n`, or -1. */
  private find(n: number, normal: string, hash: number): number {
    const { slots, entries } = this.file;
    for (let s = hash & this.slotMask; ; s = (s + 1) & this.slotMask) {
      const at = slots[s] ?? 0;
      if (at === 0) return -1;
      const offset = at - 1;
      if (entries[offset] !== n) continue;
      const length = entries.readUInt32LE(offset + 4);
      if (entries.toString('utf8', offset + 8, offset + 8 + length) === normal) return offset;
    }
  }

  lookup(record: LogRecord, found: (target: Target, kind: ValueKind, value: string) => void): void {
    const filter = this.file.filter;
    for (let i = 0; i < record.size; i++) {
      const kind = record.kinds[i];
      const value = record.values[i];
      if (kind === undefined || value === undefined) continue;
      const n = kindNumber(kind);
      // As IndicatorIndex.lookup: a value with a hash is screened by the filter first; IPv6 and non-ASCII by their text.
      let h = kind === 'ipv6' ? NO_HASH : (record.hashes[i] ?? NO_HASH);
      if (h === NO_HASH && kind !== 'ipv6') h = valueHash(kind, value, kind === 'domain' && value.charCodeAt(value.length - 1) === 46 ? value.length - 1 : value.length);
      let offset = -1;
      if (h < 0) {
        const normal = normalizeValue(kind, value);
        offset = this.find(n, normal, slotHash(kind, normal));
      } else {
        const bits = filterBits(h);
        if (((filter[filterWord(h)] ?? 0) & bits) === bits) offset = this.find(n, normalizeValue(kind, value), h);
      }
      if (offset >= 0) for (const t of this.targetsAt(offset)) found(t, kind, value);
      if (!this.hasPrefixes) continue;
      const hits = this.prefixHits;
      if (kind === 'ipv4') this.prefixes.matchV4(value, hits);
      else if (kind === 'ipv6') this.prefixes.matchV6(value, hits);
      if (hits.length > 0) {
        for (const ref of hits) {
          const t = this.target(ref);
          if (t !== null) found(t, kind, value);
        }
        hits.length = 0;
      }
    }
  }
}
