import { existsSync } from 'node:fs';
import type { PatternChecker } from '../stix/validate.ts';

/** What ingest uses of the patterning module: `parsePattern(text): Result<Ast, { code, message, column }>`. */
interface PatternModule {
  readonly parsePattern: (text: string) => { readonly ok: true } | { readonly ok: false; readonly error: { readonly code: string; readonly message: string; readonly column: number } };
}

const PATTERN_MODULE = '../stix/pattern/index.ts';

/**
 * The STIX pattern check used on import and validate: src/stix/pattern's `parsePattern`, loaded once.
 * Until that module exists, patterns are stored unchecked (the rest of validation still applies).
 */
export const defaultPatternChecker: PatternChecker | undefined = existsSync(new URL(PATTERN_MODULE, import.meta.url))
  ? ((await import(PATTERN_MODULE)) as PatternModule).parsePattern
  : undefined;
