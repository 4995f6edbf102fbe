import { assertNever } from '../../domain/assert-never.ts';
import type { ComparisonExpression, ObservationExpression, Pattern } from './ast.ts';
import { BindingSet, joinAll, MAX_BINDINGS, MAX_JOINS, NO_CONSTRAINT, repeat, single, startStop, withinWindow, type Binding, type Constraint, type Timeline } from './bindings.ts';
import { instantOf, type Observation, type ScoObject } from './observation.ts';
import { compilePath, type ObjectIndex } from './path.ts';
import { compileValueTest } from './values.ts';

/** A pattern compiled once into matchers: regexes, CIDR blocks, LIKE and paths precompiled. */
export interface CompiledPattern {
  readonly pattern: Pattern;
  /** The SCO types the pattern tests: observations holding none of them cannot match. */
  readonly objectTypes: ReadonlySet<string>;
  /** True when the observations, taken together, satisfy the whole pattern (STIX 2.1 §9). */
  matches(observations: readonly Observation[]): boolean;
}

type ObjectTest = (object: ScoObject, objects: ObjectIndex) => boolean;

function compileComparisons(expression: ComparisonExpression, types: Set<string>): ObjectTest {
  switch (expression.kind) {
    case 'comparison': {
      const type = expression.path.objectType;
      types.add(type);
      const walk = compilePath(expression.path.steps, compileValueTest(expression));
      return (object, objects) => object['type'] === type && walk(object, objects);
    }
    // Inside one observation expression, AND and OR combine tests on the same root object.
    case 'and': {
      const operands = expression.operands.map((e) => compileComparisons(e, types));
      return (object, objects) => {
        for (const test of operands) if (!test(object, objects)) return false;
        return true;
      };
    }
    case 'or': {
      const operands = expression.operands.map((e) => compileComparisons(e, types));
      return (object, objects) => {
        for (const test of operands) if (test(object, objects)) return true;
        return false;
      };
    }
    default:
      return assertNever(expression);
  }
}

/** True when some SCO of the observation satisfies the whole bracketed expression. */
function observationTest(test: ObjectTest): (observation: Observation) => boolean {
  return (observation) => {
    const objects = observation.objects;
    // for…in rather than Object.keys: no array per observation on the hot path.
    for (const key in objects) {
      const object = objects[key];
      if (object !== undefined && test(object, objects)) return true;
    }
    return false;
  };
}

type Node =
  | { readonly kind: 'leaf'; readonly test: (observation: Observation) => boolean }
  | { readonly kind: 'and' | 'or' | 'followedby'; readonly operands: readonly Node[] }
  | { readonly kind: 'repeats'; readonly times: number; readonly inner: Node }
  | { readonly kind: 'within'; readonly ms: number; readonly inner: Node }
  | { readonly kind: 'start-stop'; readonly start: number; readonly stop: number; readonly inner: Node };

function compileNode(expression: ObservationExpression, types: Set<string>): Node {
  switch (expression.kind) {
    case 'observation':
      return { kind: 'leaf', test: observationTest(compileComparisons(expression.expression, types)) };
    case 'and':
    case 'or':
    case 'followedby':
      return { kind: expression.kind, operands: expression.operands.map((e) => compileNode(e, types)) };
    case 'qualified': {
      const inner = compileNode(expression.expression, types);
      const q = expression.qualifier;
      switch (q.kind) {
        case 'repeats':
          return { kind: 'repeats', times: q.times, inner };
        case 'within':
          return { kind: 'within', ms: q.seconds * 1000, inner };
        case 'start-stop':
          return { kind: 'start-stop', start: instantOf(q.start), stop: instantOf(q.stop), inner };
        default:
          return assertNever(q);
      }
    }
    default:
      return assertNever(expression);
  }
}

/** One evaluation over one list of observations; leaf results are computed once and shared. */
class Evaluation {
  private readonly leafMatches = new Map<Node, number[]>();
  private times: Timeline | undefined;

  constructor(private readonly observations: readonly Observation[]) {}

  // Built on first use: OR of plain observation expressions never needs it.
  private get timeline(): Timeline {
    this.times ??= {
      first: this.observations.map((o) => instantOf(o.first_observed)),
      last: this.observations.map((o) => instantOf(o.last_observed)),
      available: this.observations.map((o) => (Number.isFinite(o.number_observed) && o.number_observed >= 1 ? Math.floor(o.number_observed) : 1)),
      work: { left: MAX_JOINS },
    };
    return this.times;
  }

  private matching(node: Extract<Node, { kind: 'leaf' }>): number[] {
    let found = this.leafMatches.get(node);
    if (found === undefined) {
      found = [];
      for (let i = 0; i < this.observations.length; i++) {
        const observation = this.observations[i];
        if (observation !== undefined && node.test(observation)) found.push(i);
      }
      this.leafMatches.set(node, found);
    }
    return found;
  }

  /** The ways to bind observations to `node` under `constraint`; `want` bounds how many the caller needs. */
  bindings(node: Node, constraint: Constraint, want: number): Binding[] {
    switch (node.kind) {
      case 'leaf': {
        const out: Binding[] = [];
        for (const i of this.matching(node)) {
          const b = single(i, this.timeline);
          if (constraint.test(b)) out.push(b);
          if (out.length >= want) break;
        }
        return out;
      }
      case 'or': {
        const out = new BindingSet();
        for (const operand of node.operands) {
          for (const b of this.bindings(operand, constraint, want)) if (!out.add(b) || out.size >= want) return out.values();
        }
        return out.values();
      }
      case 'and':
      case 'followedby': {
        const [first, ...rest] = node.operands;
        if (first === undefined) return [];
        let acc = this.bindings(first, constraint, rest.length === 0 ? want : MAX_BINDINGS);
        rest.forEach((operand, i) => {
          if (acc.length === 0) return;
          acc = joinAll(acc, this.bindings(operand, constraint, MAX_BINDINGS), node.kind === 'followedby', this.timeline, constraint, i === rest.length - 1 ? want : MAX_BINDINGS);
        });
        return acc;
      }
      case 'repeats':
        return repeat(this.bindings(node.inner, constraint, MAX_BINDINGS), node.times, this.timeline, constraint, want);
      case 'within':
        return this.bindings(node.inner, withinWindow(constraint, node.ms), want);
      case 'start-stop':
        return this.bindings(node.inner, startStop(constraint, node.start, node.stop, this.timeline), want);
      default:
        return assertNever(node);
    }
  }

  /** Existence only: OR and single observation expressions need no bindings. */
  exists(node: Node): boolean {
    switch (node.kind) {
      case 'leaf':
        return this.observations.some(node.test);
      case 'or':
        return node.operands.some((operand) => this.exists(operand));
      case 'and':
      case 'followedby':
      case 'repeats':
      case 'within':
      case 'start-stop':
        return this.bindings(node, NO_CONSTRAINT, 1).length > 0;
      default:
        return assertNever(node);
    }
  }
}

/** Compiles a parsed pattern into a matcher over observations. */
export function compilePattern(pattern: Pattern): CompiledPattern {
  const types = new Set<string>();
  const root = compileNode(pattern.expression, types);
  return {
    pattern,
    objectTypes: types,
    matches: (observations) => (root.kind === 'leaf' ? observations.some(root.test) : new Evaluation(observations).exists(root)),
  };
}
