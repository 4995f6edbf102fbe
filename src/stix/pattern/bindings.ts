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
}

/**
 * A condition that, once false for a binding, is false for every larger binding (START/STOP bounds,
 * WITHIN windows). Checked while bindings grow, so impossible combinations are never enumerated.
 */
export type Constraint = (binding: Binding) => boolean;

/** Upper bound on the bindings kept per sub-expression, so hostile inputs cannot take unbounded time. */
export const MAX_BINDINGS = 20_000;

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

  get full(): boolean {
    return this.byKey.size >= MAX_BINDINGS;
  }

  values(): Binding[] {
    return [...this.byKey.values()];
  }
}

/** AND (ordered = false) or FOLLOWEDBY (ordered = true: the left side's observations may all come no later than the right side's). */
export function joinAll(left: readonly Binding[], right: readonly Binding[], ordered: boolean, timeline: Timeline, constraint: Constraint): Binding[] {
  const out = new BindingSet();
  for (const l of left) {
    for (const r of right) {
      if (ordered && !(l.latestFirst <= r.earliestLast)) continue;
      const joined = join(l, r, timeline);
      if (joined !== null && constraint(joined) && !out.add(joined)) return out.values();
    }
  }
  return out.values();
}

/** REPEATS n: n bindings of the inner expression on distinct observations, as multisets (no reordering). */
export function repeat(inner: readonly Binding[], times: number, timeline: Timeline, constraint: Constraint): Binding[] {
  const sorted = [...inner].sort((a, b) => a.latestFirst - b.latestFirst);
  // Each state remembers the lowest inner index it may still add, so each multiset is built once.
  let states = new Map<string, { binding: Binding; from: number }>();
  sorted.forEach((binding, from) => {
    if (!states.has(binding.key)) states.set(binding.key, { binding, from });
  });
  for (let round = 1; round < times; round++) {
    const next = new Map<string, { binding: Binding; from: number }>();
    for (const { binding, from } of states.values()) {
      for (let k = from; k < sorted.length; k++) {
        const candidate = sorted[k];
        if (candidate === undefined) continue;
        const joined = join(binding, candidate, timeline);
        if (joined === null || !constraint(joined)) continue;
        const seen = next.get(joined.key);
        if (seen === undefined) {
          if (next.size >= MAX_BINDINGS) break;
          next.set(joined.key, { binding: joined, from: k });
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
export function withinWindow(ms: number): Constraint {
  return (b) => b.latestFirst - b.earliestLast <= ms;
}

/** START/STOP: every member's interval overlaps [start, stop), touching start but not stop. */
export function startStop(start: number, stop: number, timeline: Timeline): Constraint {
  return (b) => b.members.every((m) => (timeline.first[m] ?? Number.NaN) < stop && (timeline.last[m] ?? Number.NaN) >= start);
}

export function both(a: Constraint, b: Constraint): Constraint {
  return (binding) => a(binding) && b(binding);
}
