import { assertNever } from '../../domain/assert-never.ts';
import type { Comparison, ComparisonExpression, ObjectPath, ObservationExpression, Pattern, PathStep } from './ast.ts';

/** Every comparison of a pattern, in source order (log matching indexes the equality ones). */
export function comparisonsOf(pattern: Pattern): Comparison[] {
  const found: Comparison[] = [];
  const visitComparisons = (e: ComparisonExpression): void => {
    if (e.kind === 'comparison') found.push(e);
    else for (const operand of e.operands) visitComparisons(operand);
  };
  const visit = (e: ObservationExpression): void => {
    switch (e.kind) {
      case 'observation':
        visitComparisons(e.expression);
        return;
      case 'qualified':
        visit(e.expression);
        return;
      case 'and':
      case 'or':
      case 'followedby':
        for (const operand of e.operands) visit(operand);
        return;
      default:
        assertNever(e);
    }
  };
  visit(pattern.expression);
  return found;
}

function formatStep(step: PathStep): string {
  switch (step.kind) {
    case 'key':
      return /^[A-Za-z_][A-Za-z0-9_]*$/.test(step.key) ? `.${step.key}` : `.'${step.key.replace(/[\\']/g, '\\$&')}'`;
    case 'index':
      return `[${step.index}]`;
    case 'any-index':
      return '[*]';
    default:
      return assertNever(step);
  }
}

/** An object path as pattern text, e.g. `file:hashes.'SHA-256'`. */
export function formatPath(path: ObjectPath): string {
  return `${path.objectType}:${path.steps.map(formatStep).join('').slice(1)}`;
}
