import { assertNever } from '../../domain/assert-never.ts';
import { compareTimestamps } from '../timestamp.ts';
import type { ComparisonExpression, ObservationExpression, Pattern } from './ast.ts';

/**
 * Why a pattern that parses can still never match: inside one `[...]`, comparisons joined by AND
 * are tested against one and the same object (STIX 2.1 §9; the OASIS reference matcher intersects
 * the objects each side matched), so AND between two object types can never hold. Patterns written
 * as if the brackets held a whole log line (`[ipv4-addr:value = … AND network-traffic:dst_port = …]`)
 * are the usual case; the fix is to reach the other object through a reference. And a START/STOP window whose STOP
 * is not later than its START holds no instant, so nothing observed can fall in it (the reference matcher accepts such
 * a pattern and never matches it).
 */
export interface NeverMatches {
  readonly code: 'and-across-object-types' | 'empty-start-stop';
  /** 1-based column of the AND expression's first comparison. */
  readonly column: number;
  readonly message: string;
}

type Types = ReadonlySet<string>;

/** The root object types a comparison expression can hold for, and the first AND that can hold for none. */
function typesOf(expression: ComparisonExpression, found: NeverMatches[]): Types {
  switch (expression.kind) {
    case 'comparison':
      return new Set([expression.path.objectType]);
    case 'or': {
      const all = new Set<string>();
      for (const operand of expression.operands) for (const type of typesOf(operand, found)) all.add(type);
      return all;
    }
    case 'and': {
      const sides = expression.operands.map((operand) => typesOf(operand, found));
      const [first = new Set<string>(), ...rest] = sides;
      const result = new Set([...first].filter((type) => rest.every((side) => side.has(type))));
      // Report only where the emptiness starts, not again at every AND around it.
      if (result.size === 0 && sides.every((side) => side.size > 0)) found.push(acrossTypes(expression.column, sides));
      return result;
    }
    default:
      return assertNever(expression);
  }
}

function acrossTypes(column: number, sides: readonly Types[]): NeverMatches {
  const names = [...new Set(sides.flatMap((side) => [...side]))];
  const hint =
    names.includes('network-traffic') && names.some((n) => n === 'ipv4-addr' || n === 'ipv6-addr')
      ? "; reach the address through the connection instead, e.g. network-traffic:dst_ref.value = '198.51.100.7' AND network-traffic:dst_port = 443"
      : '; use OR, or put each object type in its own [...] joined by AND (one observation each)';
  return {
    code: 'and-across-object-types',
    column,
    message: `AND at column ${column} joins comparisons of different object types (${names.join(', ')}), but inside one [...] every comparison joined by AND must hold for the same object, so this can never match${hint}`,
  };
}

/** True when the observation expression can match at all; collects the reasons when it cannot. */
function canMatch(expression: ObservationExpression, found: NeverMatches[]): boolean {
  switch (expression.kind) {
    case 'observation': {
      // A dead branch of an OR inside the brackets is no reason while another branch can hold.
      const reasons: NeverMatches[] = [];
      if (typesOf(expression.expression, reasons).size > 0) return true;
      found.push(...reasons);
      return false;
    }
    case 'and':
    case 'followedby': {
      let all = true;
      for (const operand of expression.operands) if (!canMatch(operand, found)) all = false;
      return all;
    }
    case 'or': {
      const reasons: NeverMatches[] = [];
      const any = expression.operands.map((operand) => canMatch(operand, reasons)).some(Boolean);
      if (!any) found.push(...reasons);
      return any;
    }
    case 'qualified': {
      const q = expression.qualifier;
      if (q.kind === 'start-stop' && compareTimestamps(q.start, q.stop) >= 0) {
        found.push({
          code: 'empty-start-stop',
          column: q.column,
          message: `START t'${q.start}' STOP t'${q.stop}' at column ${q.column} is an empty window (STOP must be later than START), so this can never match; swap the two times or widen the window`,
        });
        return false;
      }
      return canMatch(expression.expression, found);
    }
    default:
      return assertNever(expression);
  }
}

/** Why the pattern can never match any observations, in the order the text gives them; empty when it can. */
export function neverMatches(pattern: Pattern): readonly NeverMatches[] {
  const found: NeverMatches[] = [];
  return canMatch(pattern.expression, found) ? [] : found;
}
