import type { OrgId, StixId } from '../domain/ids.ts';
import type { Result } from '../domain/result.ts';
import { neverMatches, parsePattern, type ComparisonExpression, type NeverMatches, type Pattern, type PatternError } from '../stix/pattern/index.ts';
import { PrefixMap, type Cidr } from './cidr.ts';
import type { Observation } from './observation.ts';
import { channelOf, quickEqualityKeys, shapeOf, type IndexKey, type Leaf, type PatternShape } from './pattern-analysis.ts';
import type { LogRecord, ValueKind } from './record.ts';
import { kindNumber, NO_HASH, normalizeValue, VALUE_KINDS, valueHash } from './record.ts';

/** An indicator as the matcher needs it. */
export interface IndicatorInfo {
  readonly id: StixId;
  readonly name: string | null;
  readonly pattern: string;
  readonly owner: OrgId;
}

export interface CompiledPattern {
  matches(observations: readonly Observation[]): boolean;
}
export type CompilePattern = (pattern: Pattern) => CompiledPattern;

/** A pattern the index could not take, and why. */
export interface IndicatorProblem {
  readonly id: StixId;
  readonly code: string;
  readonly message: string;
}

/** A leaf to evaluate on one observation; `lastLine` (the index stamp of the last line that reached it) stops a line evaluating it twice. */
export interface LeafRef {
  readonly owner: ComplexIndicator;
  readonly matcher: CompiledPattern;
  readonly types: readonly string[];
  lastLine: number;
}

export interface ComplexIndicator {
  readonly indicator: IndicatorInfo;
  /** Whole-pattern matcher for multi-observation patterns (null: one observation decides). */
  readonly whole: CompiledPattern | null;
  readonly leaves: readonly LeafRef[];
}

/** What a lookup key leads to: an equality indicator (a hit by itself) or a leaf to evaluate. */
export type Target = { readonly kind: 'equality'; readonly indicator: IndicatorInfo; lastLine: number } | { readonly kind: 'leaf'; readonly leaf: LeafRef };

/**
 * What the matcher needs of an index of indicators: the in-memory IndicatorIndex built at each start, or the
 * FrozenIndex read from a persisted index file (src/matching/frozen-index.ts).
 */
export interface MatchIndex {
  /** Bumped for every matched line, so a target reached twice by one line counts once. */
  stamp: number;
  /** Leaves with no anchor value that test one property only, by the kindNumber of its value kind (null for none). */
  readonly byChannel: readonly (readonly LeafRef[] | null)[];
  readonly hasChannels: boolean;
  /** Other leaves with no anchor value, by the SCO types that can satisfy them. */
  readonly byType: ReadonlyMap<string, readonly LeafRef[]>;
  /** Indicators matched by value alone, and those compiled into leaves (with a whole-pattern matcher when they span observations). */
  readonly equality: number;
  readonly compiled: number;
  readonly problems: readonly IndicatorProblem[];
  /** Calls `found` with every target one value of a record reaches. */
  lookup(record: LogRecord, found: (target: Target, kind: ValueKind, value: string) => void): void;
}

const MAX_CACHED = 500_000;

/** A parsed pattern as the index arranges it, and the first reason it can never match (null when it can). */
export interface Analysed {
  readonly pattern: Pattern;
  readonly shape: PatternShape;
  readonly never: NeverMatches | null;
}

/**
 * Parsed, analysed and compiled patterns by their text, kept between index builds (the server
 * builds one per upload, with the uploader's reader): only visibility is decided afresh each time.
 */
export class PatternCache {
  private readonly analysed = new Map<string, Result<Analysed, PatternError>>();
  private readonly compiledWhole = new WeakMap<Pattern, CompiledPattern>();
  private readonly compiledLeaf = new WeakMap<ComparisonExpression, CompiledPattern>();

  analyse(text: string): Result<Analysed, PatternError> {
    let found = this.analysed.get(text);
    if (found === undefined) {
      const parsed = parsePattern(text);
      found = parsed.ok ? { ok: true, value: { pattern: parsed.value, shape: shapeOf(parsed.value), never: neverMatches(parsed.value)[0] ?? null } } : parsed;
      if (this.analysed.size >= MAX_CACHED) this.analysed.clear();
      this.analysed.set(text, found);
    }
    return found;
  }

  whole(pattern: Pattern, compile: CompilePattern): CompiledPattern {
    let found = this.compiledWhole.get(pattern);
    if (found === undefined) {
      found = compile(pattern);
      this.compiledWhole.set(pattern, found);
    }
    return found;
  }

  leaf(expression: ComparisonExpression, compile: CompilePattern): CompiledPattern {
    let found = this.compiledLeaf.get(expression);
    if (found === undefined) {
      found = compile(leafPattern(expression));
      this.compiledLeaf.set(expression, found);
    }
    return found;
  }
}

/** The filter's size: 2^17 words of 32 bits (512 KiB, which stays in a core's cache). */
const FILTER_WORD_BITS = 17;
export const FILTER_WORDS = 1 << FILTER_WORD_BITS;

/**
 * The filter bits of a 30-bit value hash: two bits in one word (a blocked Bloom filter: one memory read per value, and
 * about one value in 500 let through that is in no map, against one in 40 with a single bit).
 */
export function filterWord(hash: number): number {
  return (hash >>> 10) & (FILTER_WORDS - 1);
}
export function filterBits(hash: number): number {
  return (1 << (hash & 31)) | (1 << ((hash >>> 5) & 31));
}

const KINDS: readonly ValueKind[] = ['ipv4', 'ipv6', 'domain', 'url', 'email', 'md5', 'sha1', 'sha256', 'sha512', 'user-agent'];

/**
 * Every indicator a reader may see, arranged for log matching: equality patterns in one hash map
 * per value kind (and network prefixes in a PrefixMap), complex patterns compiled once and
 * reached through their anchor values, or through the object types they need when they have none.
 */
export class IndicatorIndex implements MatchIndex {
  readonly exact = new Map<ValueKind, Map<string, Target[]>>(KINDS.map((k) => [k, new Map()]));
  /** The maps of `exact` by kindNumber, each while it holds a key (else null), for the per-value lookup. */
  private readonly keyed: (Map<string, Target[]> | null)[] = new Array<Map<string, Target[]> | null>(VALUE_KINDS).fill(null);
  /**
   * The ASCII keys of `exact` again (not IPv6, looked up by text) by kindNumber, keyed by their valueHash: a value the
   * filter lets through is looked up by a small integer, so one in no map costs no string hashing and no comparison.
   */
  private readonly hashed: (Map<number, HashedKey> | null)[] = new Array<Map<number, HashedKey> | null>(VALUE_KINDS).fill(null);
  readonly prefixes = new PrefixMap<Target>();
  /** The prefixes again, in the order they were added, for the persisted index (src/matching/index-file.ts). */
  readonly cidrs: { readonly cidr: Cidr; readonly target: Target }[] = [];
  /**
   * Leaves with no anchor value that test one property only, by the kindNumber of its value kind (null for a kind
   * with none): evaluated once per distinct value. An array, as every value of every line looks here.
   */
  readonly byChannel: (LeafRef[] | null)[] = new Array<LeafRef[] | null>(VALUE_KINDS).fill(null);
  /** True when some kind has channel leaves. */
  hasChannels = false;
  /** Other leaves with no anchor value, by the SCO types that can satisfy them. */
  readonly byType = new Map<string, LeafRef[]>();
  readonly complex: ComplexIndicator[] = [];
  readonly problems: IndicatorProblem[] = [];
  equality = 0;
  /** Bumped for every matched line, so a target reached twice by one line counts once. */
  stamp = 0;
  // Reused by lookup for the prefix matches of one value.
  private readonly prefixHits: Target[] = [];
  /** Two bits per folded hash of every exact key (filterBits): a clear one means the value is in no map (no false negatives). */
  private readonly filter = new Int32Array(FILTER_WORDS);

  constructor(private readonly cache: PatternCache = new PatternCache()) {}

  /** Adds an indicator; a pattern that does not parse or compile is recorded as a problem. */
  add(indicator: IndicatorInfo, compile: CompilePattern): void {
    const quick = quickEqualityKeys(indicator.pattern);
    if (quick !== null) {
      const target: Target = { kind: 'equality', indicator, lastLine: 0 };
      for (const key of quick) this.put(key, target);
      this.equality++;
      return;
    }
    const analysed = this.cache.analyse(indicator.pattern);
    if (!analysed.ok) {
      this.problems.push({ id: indicator.id, code: analysed.error.code, message: `column ${analysed.error.column}: ${analysed.error.message}` });
      return;
    }
    const { pattern, shape, never } = analysed.value;
    // Valid STIX, but no log line can satisfy it: say so instead of evaluating it on every line that holds its anchors.
    if (never !== null) {
      this.problems.push({ id: indicator.id, code: 'pattern-never-matches', message: `column ${never.column}: ${never.message}` });
      return;
    }
    try {
      switch (shape.kind) {
        case 'equality': {
          const target: Target = { kind: 'equality', indicator, lastLine: 0 };
          for (const key of shape.keys) this.put(key, target);
          this.equality++;
          return;
        }
        case 'single':
          this.addComplex(indicator, null, [shape.leaf], compile);
          return;
        case 'multi':
          this.addComplex(indicator, this.cache.whole(pattern, compile), shape.leaves, compile);
          return;
      }
    } catch (error) {
      this.problems.push({ id: indicator.id, code: 'pattern-not-compiled', message: error instanceof Error ? error.message : String(error) });
    }
  }

  get size(): number {
    return this.equality + this.complex.length;
  }

  get compiled(): number {
    return this.complex.length;
  }

  private addComplex(indicator: IndicatorInfo, whole: CompiledPattern | null, leaves: readonly Leaf[], compile: CompilePattern): void {
    const complex = complexIndicator(indicator, whole, leaves, this.cache, compile);
    for (let i = 0; i < leaves.length; i++) {
      const leaf = leaves[i] as Leaf;
      const ref = complex.leaves[i] as LeafRef;
      if (leaf.anchors !== null) {
        const target: Target = { kind: 'leaf', leaf: ref };
        for (const key of leaf.anchors) this.put(key, target);
      } else if (channelOf(leaf.expression) !== null) {
        const n = kindNumber(channelOf(leaf.expression) ?? 'url');
        const list = this.byChannel[n];
        if (list === undefined || list === null) this.byChannel[n] = [ref];
        else list.push(ref);
        this.hasChannels = true;
      } else {
        for (const type of leaf.types) {
          const list = this.byType.get(type);
          if (list === undefined) this.byType.set(type, [ref]);
          else list.push(ref);
        }
      }
    }
    this.complex.push(complex);
  }

  private put(key: IndexKey, target: Target): void {
    if (key.kind === 'cidr') {
      this.prefixes.add(key.cidr, target);
      this.cidrs.push({ cidr: key.cidr, target });
      return;
    }
    const map = this.exact.get(key.kind);
    if (map === undefined) return;
    const hash = valueHash(key.kind, key.value, key.value.length);
    if (hash >= 0) {
      const word = filterWord(hash);
      this.filter[word] = (this.filter[word] ?? 0) | filterBits(hash);
    }
    const n = kindNumber(key.kind);
    const list = map.get(key.value);
    if (list !== undefined) list.push(target);
    else {
      const targets = [target];
      map.set(key.value, targets);
      if (hash >= 0 && key.kind !== 'ipv6') {
        let byHash = this.hashed[n];
        if (byHash === undefined || byHash === null) {
          byHash = new Map();
          this.hashed[n] = byHash;
        }
        byHash.set(hash, { key: key.value, targets, next: byHash.get(hash) ?? null });
      }
    }
    this.keyed[n] = map;
  }

  /** Calls `found` with every target one value of a record reaches. */
  lookup(record: LogRecord, found: (target: Target, kind: ValueKind, value: string) => void): void {
    const hits = this.prefixHits;
    const prefixes = !this.prefixes.empty;
    for (let i = 0; i < record.size; i++) {
      const kind = record.kinds[i];
      const value = record.values[i];
      if (kind === undefined || value === undefined) continue;
      const n = kindNumber(kind);
      const map = this.keyed[n];
      if (map !== undefined && map !== null) {
        // Keys are normalised values (normalizeValue), whose hash is the value's (letters folded, one trailing dot of a
        // domain left out); a value with no hash (IPv6, non-ASCII) is looked up by its normalised text.
        let h = kind === 'ipv6' ? NO_HASH : (record.hashes[i] ?? NO_HASH);
        if (h === NO_HASH && kind !== 'ipv6') h = valueHash(kind, value, kind === 'domain' && value.charCodeAt(value.length - 1) === 46 ? value.length - 1 : value.length);
        if (h < 0) {
          const list = map.get(normalizeValue(kind, value));
          if (list !== undefined) for (const t of list) found(t, kind, value);
        } else {
          // A clear filter bit: in no map (no false negatives).
          const bits = filterBits(h);
          const entry = ((this.filter[filterWord(h)] ?? 0) & bits) === bits ? this.hashed[n]?.get(h) : undefined;
          if (entry !== undefined) {
            const normal = normalizeValue(kind, value);
            for (let e: HashedKey | null = entry; e !== null; e = e.next) {
              if (e.key === normal) {
                for (const t of e.targets) found(t, kind, value);
                break;
              }
            }
          }
        }
      }
      if (!prefixes) continue;
      if (kind === 'ipv4') this.prefixes.matchV4(value, hits);
      else if (kind === 'ipv6') this.prefixes.matchV6(value, hits);
      if (hits.length > 0) {
        for (const t of hits) found(t, kind, value);
        hits.length = 0;
      }
    }
  }
}

/** An ASCII key of an exact map by its hash, with the other keys of the same hash. */
interface HashedKey {
  readonly key: string;
  readonly targets: Target[];
  readonly next: HashedKey | null;
}

/** A compound indicator with one compiled leaf per leaf of its pattern's shape, in the shape's order. */
export function complexIndicator(indicator: IndicatorInfo, whole: CompiledPattern | null, leaves: readonly Leaf[], cache: PatternCache, compile: CompilePattern): ComplexIndicator {
  const refs: LeafRef[] = [];
  const complex: ComplexIndicator = { indicator, whole, leaves: refs };
  for (const leaf of leaves) refs.push({ owner: complex, matcher: cache.leaf(leaf.expression, compile), types: leaf.types, lastLine: 0 });
  return complex;
}

/** The leaves of a shape that is not plain equality, in the order the index numbers them. */
export function shapeLeaves(shape: PatternShape): readonly Leaf[] | null {
  switch (shape.kind) {
    case 'equality':
      return null;
    case 'single':
      return [shape.leaf];
    case 'multi':
      return shape.leaves;
  }
}

function leafPattern(expression: ComparisonExpression): Pattern {
  return { expression: { kind: 'observation', expression, column: 1 } };
}
