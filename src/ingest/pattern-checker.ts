import { parsePattern } from '../stix/pattern/index.ts';
import type { PatternChecker } from '../stix/validate.ts';

/** The STIX pattern check used on import and validate: src/stix/pattern's `parsePattern`. */
export const defaultPatternChecker: PatternChecker | undefined = parsePattern;
