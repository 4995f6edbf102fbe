/** The STIX 2.1 patterning language (STIX 2.1 §9): parser, compiler to matchers, and observation input. */
export type * from './ast.ts';
export { parsePattern } from './parser.ts';
export { comparisonsOf, formatPath } from './comparisons.ts';
export { compilePattern, type CompiledPattern } from './compile.ts';
export { neverMatches, type NeverMatches } from './never-matches.ts';
export type { Observation, ScoObject } from './observation.ts';
export { observationFromObservedData, observationsFromBundle, type ObservedInputError } from './from-bundle.ts';
