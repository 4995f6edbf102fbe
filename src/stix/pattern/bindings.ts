/**
 * How observations combine (STIX 2.1 §9.4–9.6): each observation expression of a pattern is bound
 * to its own observations, none used twice (an observed-data with `number_observed` n counts as
 * n observations over the same interval). A binding records how many observations of each
 * observed-data it uses, so interchangeable copies are never enumerated twice.
 */
export interface Binding {
  /** Indexes of the observed-data used, ascending. */
  readonly members: readonly number[];
  /** How many of each member's `number_observed` observations are used (parallel to `members`). */
  readonly counts: readonly number[];
  readonly key: string;
  /** Latest first_observed and earliest last_observed among the members (ms, fractional). */
  readonly latestFirst: number;
  readonly earliestLast: number;
}

/** What the engine knows of each observed-data: its interval and how many observations it stands for. */
export interface Timeline {
  readonly first: readonly number[];
  readonly last: readonly number[];
  readonly available: readonly number[];
  /** Joins still allowed in this evaluation (see MAX_JOINS); shared by every sub-expression. */
  readonly work: { left: number };
}

/**
 * Conditions that, once false for a binding, are false for every larger binding (START/STOP bounds,
 * WITHIN windows). Checked while bindings grow, so impossible combinations are never enumerated.
 * `windowMs` is the narrowest WITHIN in force: it lets time-sorted loops stop early.
 */
export interface Constraint {
  readonly test: (binding: Binding) => boolean;
  readonly windowMs: number;
}

export const NO_CONSTRAINT: Constraint = { test: () => true, windowMs: Infinity };

/**
 * Upper bounds so hostile patterns or inputs cannot take unbounded time: bindings kept per
 * sub-expression, and joins tried per evaluation. Past them the search stops and reports what it found.
 */
export const MAX_BINDINGS = 20_000;
export const MAX_JOINS = 2_000_000;

function keyOf(members: readonly number[], counts: readonly number[]): string {
  let key = '';
  for (let i = 0; i < members.length; i++) key += `${members[i]}:${counts[i]},`;
  return key;
}

export function single(index: number, timeline: Timeline): Binding {
  return { members: [index], counts: [1], key: `${index}:1,`, latestFirst: timeline.first[index] ?? Number.NaN, earliestLast: timeline.last[index] ?? Number.NaN };
}

/** The union of two bindings, or null when together they use more observations than an observed-data holds. */
export function join(a: Binding, b: Binding, timeline: Timeline): Binding | null {
  if (timeline.work.left <= 0) return null;
  timeline.work.left -= 1;
  const members: number[] = [];
  const counts: number[] = [];
  let i = 0;
  let j = 0;
  while (i < a.members.length || j < b.members.length) {
    const ma = a.members[i] ?? Infinity;
    const mb = b.members[j] ?? Infinity;
    let member: number;
    let count: number;
    if (ma === mb) {
      member = ma;
      count = (a.counts[i] ?? 0) + (b.counts[j] ?? 0);
      i++;
      j++;
    } else if (ma < mb) {
      member = ma;
      count = a.counts[i] ?? 0;
      i++;
    } else {
      member = mb;
      count = b.counts[j] ?? 0;
      j++;
    }
    if (count > (timeline.available[member] ?? 1)) return null;
    members.push(member);
    counts.push(count);
  }
  return {
    members,
    counts,
    key: keyOf(members, counts),
    latestFirst: Math.max(a.latestFirst, b.latestFirst),
    earliestLast: Math.min(a.earliestLast, b.earliestLast),
  };
}

/** Collects bindings once each, up to MAX_BINDINGS. */
export class BindingSet {
  private readonly byKey = new Map<string, Binding>();

  add(binding: Binding): boolean {
    if (this.byKey.size >= MAX_BINDINGS) return false;
    if (!this.byKey.has(binding.key)) this.byKey.set(binding.key, binding);
    return true;
  }

  get size(): number {
    return this.byKey.size;
  }

  values(): Binding[] {
    return [...this.byKey.values()];
  }
}

function byLatestFirst(bindings: readonly Binding[]): Binding[] {
  return [...bindings].sort((a, b) => a.latestFirst - b.latestFirst);
}

/**
 * AND (ordered = false) or FOLLOWEDBY (ordered = true: the left side's observations may all come
 * no later than the right side's). Stops once `want` bindings are found.
 */
export function joinAll(left: readonly Binding[], right: readonly Binding[], ordered: boolean, timeline: Timeline, constraint: Constraint, want: number): Binding[] {
  const out = new BindingSet();
  const sorted = byLatestFirst(right);
  for (const l of left) {
    if (timeline.work.left <= 0) break;
    for (const r of sorted) {
      // Later candidates start later still, so they cannot fit the window either.
      if (r.latestFirst - l.earliestLast > constraint.windowMs) break;
      if (l.latestFirst - r.earliestLast > constraint.windowMs) continue;
      if (ordered && !(l.latestFirst <= r.earliestLast)) continue;
      const joined = join(l, r, timeline);
      if (joined === null || !constraint.test(joined)) continue;
      if (!out.add(joined) || out.size >= want) return out.values();
    }
  }
  return out.values();
}

/** REPEATS n: n bindings of the inner expression on distinct observations, as multisets (no reordering). */
export function repeat(inner: readonly Binding[], times: number, timeline: Timeline, constraint: Constraint, want: number): Binding[] {
  // More repetitions than there are observations can never be bound.
  if (times > timeline.available.reduce((sum, n) => sum + n, 0)) return [];
  const sorted = byLatestFirst(inner);
  // Each state remembers the lowest inner index it may still add, so each multiset is built once.
  let states = new Map<string, { binding: Binding; from: number }>();
  sorted.forEach((binding, from) => {
    if (!states.has(binding.key)) states.set(binding.key, { binding, from });
  });
  for (let round = 1; round < times; round++) {
    const next = new Map<string, { binding: Binding; from: number }>();
    const limit = round === times - 1 ? Math.min(want, MAX_BINDINGS) : MAX_BINDINGS;
    grow: for (const { binding, from } of states.values()) {
      if (timeline.work.left <= 0) break;
      for (let k = from; k < sorted.length; k++) {
        const candidate = sorted[k];
        if (candidate === undefined) continue;
        if (candidate.latestFirst - binding.earliestLast > constraint.windowMs) break;
        const joined = join(binding, candidate, timeline);
        if (joined === null || !constraint.test(joined)) continue;
        const seen = next.get(joined.key);
        if (seen === undefined) {
          next.set(joined.key, { binding: joined, from: k });
          if (next.size >= limit) break grow;
        } else if (k < seen.from) {
          next.set(joined.key, { binding: joined, from: k });
        }
      }
    }
    states = next;
    if (states.size === 0) return [];
  }
  return [...states.values()].map((s) => s.binding);
}

/** WITHIN: some window of `ms` overlaps every member's [first_observed, last_observed]. */
export function withinWindow(outer: Constraint, ms: number): Constraint {
  return { test: (b) => b.latestFirst - b.earliestLast <= ms && outer.test(b), windowMs: Math.min(ms, outer.windowMs) };
}

/**
 * START/STOP: every member's interval overlaps [start, stop), touching start but not stop. A window whose stop is not
 * after its start holds no instant: nothing falls in it, however long an observation's interval (as in the reference matcher).
 */
export function startStop(outer: Constraint, start: number, stop: number, timeline: Timeline): Constraint {
  const inRange = (m: number): boolean => start < stop && (timeline.first[m] ?? Number.NaN) < stop && (timeline.last[m] ?? Number.NaN) >= start;
  return { test: (b) => b.members.every(inRange) && outer.test(b), windowMs: outer.windowMs };
}
