import type { ProblemDetail } from '../domain/problem.ts';
import { readBundle, type SplitterLimits } from '../stix/bundle-reader.ts';
import type { PatternChecker } from '../stix/validate.ts';
import type { ByteSource } from './import.ts';
import { validateItem } from './prepare.ts';

export interface BundleReport {
  readonly objects: number;
  /** One entry per problem found, in document order. */
  readonly problems: readonly ProblemDetail[];
  /** Set when the document could not be read to its end (malformed JSON, not a bundle, empty). */
  readonly fatal: ProblemDetail | null;
}

export interface ValidateBundleOptions {
  readonly limits?: Partial<SplitterLimits>;
  readonly checkPattern?: PatternChecker;
  /** How many problems to keep in detail (default 10,000). */
  readonly maxReported?: number;
}

/** Checks a bundle exactly as an import would, without a store. */
export async function validateBundle(source: ByteSource, options: ValidateBundleOptions = {}): Promise<BundleReport> {
  const problems: ProblemDetail[] = [];
  const max = options.maxReported ?? 10_000;
  let objects = 0;
  for await (const items of readBundle(source, options.limits === undefined ? {} : { limits: options.limits })) {
    for (const item of items) {
      if (item.kind === 'fatal') return { objects, problems, fatal: { path: item.path, code: item.code, message: item.message } };
      objects++;
      const result = validateItem(item, options.checkPattern);
      if (!result.ok) for (const p of result.error) if (problems.length < max) problems.push(p);
    }
  }
  return { objects, problems, fatal: null };
}

/** `<id or index> <json path>: <message>` — one line per problem, as `rampart validate` prints. */
export function formatProblem(p: ProblemDetail): string {
  const path = p.path ?? '$';
  const where = p.id ?? /^\$\.objects\[(\d+)\]/.exec(path)?.[1] ?? '-';
  return `${where} ${path}: [${p.code}] ${p.message}`;
}
