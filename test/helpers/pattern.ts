import type { Observation, ScoObject } from '../../src/stix/pattern/observation.ts';
import { compilePattern } from '../../src/stix/pattern/compile.ts';
import { parsePattern } from '../../src/stix/pattern/parser.ts';

/** Test helper: one observation of the given SCOs (keyed '0', '1', … unless a record is given) at a time. */
export function observation(objects: readonly ScoObject[] | Readonly<Record<string, ScoObject>>, first = '2024-11-05T12:00:00Z', last = first, numberObserved = 1): Observation {
  const keyed = Array.isArray(objects) ? Object.fromEntries(objects.map((o, i) => [String(i), o])) : objects;
  return { first_observed: first, last_observed: last, number_observed: numberObserved, objects: keyed as Readonly<Record<string, ScoObject>> };
}

/** Test helper: parses (throwing on a bad pattern), compiles and matches. */
export function patternMatches(pattern: string, observations: readonly Observation[]): boolean {
  const parsed = parsePattern(pattern);
  if (!parsed.ok) throw new Error(`${parsed.error.message} (column ${parsed.error.column})`);
  return compilePattern(parsed.value).matches(observations);
}

/** Test helper: does the pattern match one observation holding these objects? */
export function matchesObjects(pattern: string, ...objects: ScoObject[]): boolean {
  return patternMatches(pattern, [observation(objects)]);
}
