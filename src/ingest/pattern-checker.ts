import type { PatternChecker } from '../stix/validate.ts';

/**
 * The STIX pattern check used on import. The patterning module (src/stix/pattern) plugs in here;
 * until it exists, patterns are stored unchecked.
 */
export const defaultPatternChecker: PatternChecker | undefined = undefined;
