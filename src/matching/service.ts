import { problem, type Problem } from '../domain/problem.ts';
import { err, ok, type Result } from '../domain/result.ts';
import type { Reader, StixStore } from '../store/types.ts';
import { compilePattern } from '../stix/pattern/index.ts';
import type { FormatChoice } from './formats.ts';
import type { CompilePattern, IndicatorProblem, MatchIndex, PatternCache } from './indicator-index.ts';
import { loadIndex, type LoadOptions } from './load-index.ts';
import { matchLogs, type Hit, type LineReport, type MatchSummary } from './matcher.ts';
import type { PublishedSighting } from './sightings.ts';
import { defaultWarningLists, type WarningLists } from './warning-lists.ts';

/** How a reader's index is obtained when it is not built from the store at each request, e.g. read from a persisted index file. */
export type IndexLoader = (reader: Reader, options: LoadOptions) => Promise<Result<MatchIndex, Problem>>;

/** Indicators come from the store (an index built per request) or from a loader. */
export type MatchDeps = MatchDepsBase & ({ readonly stix: Pick<StixStore, 'indicators'>; readonly loadIndex?: undefined } | { readonly loadIndex: IndexLoader; readonly stix?: undefined });

interface MatchDepsBase {
  readonly clock: { now(): Date };
  readonly compile?: CompilePattern;
  readonly warningLists?: WarningLists;
  /** Keeps compiled patterns between requests (visibility is still decided per request). */
  readonly patternCache?: PatternCache;
}

export interface MatchRequest {
  readonly format: FormatChoice;
  readonly includeWarningListed?: boolean;
  readonly maxLineLength?: number;
  readonly onBytes?: (total: number) => void;
}

export interface MatchReport {
  readonly summary: MatchSummary;
  readonly indicators: { readonly equality: number; readonly complex: number; readonly problems: readonly IndicatorProblem[] };
}

/** Matches a log stream against every indicator the reader may see. */
export async function matchForReader(deps: MatchDeps, reader: Reader, source: AsyncIterable<Uint8Array | string>, request: MatchRequest): Promise<Result<MatchReport, Problem>> {
  const now = deps.clock.now();
  const options: LoadOptions = { now, compile: deps.compile ?? compilePattern, ...(deps.patternCache === undefined ? {} : { cache: deps.patternCache }) };
  const index = deps.loadIndex === undefined ? await loadIndex(deps.stix, reader, options) : await deps.loadIndex(reader, options);
  if (!index.ok) return index;
  const result = await matchLogs(source, index.value, {
    format: request.format,
    warningLists: deps.warningLists ?? defaultWarningLists(),
    includeWarningListed: request.includeWarningListed === true,
    now,
    ...(request.maxLineLength === undefined ? {} : { maxLineLength: request.maxLineLength }),
    ...(request.onBytes === undefined ? {} : { onBytes: request.onBytes }),
  });
  if (!result.ok) return err(problem('invalid', result.error.code, result.error.message));
  return ok({ summary: result.value, indicators: { equality: index.value.equality, complex: index.value.compiled, problems: index.value.problems } });
}

export interface HitView {
  readonly indicator: string;
  readonly name: string | null;
  readonly pattern: string;
  readonly count: number;
  readonly first_seen: string;
  readonly last_seen: string;
  readonly values: readonly string[];
  readonly warning_lists: readonly string[];
}

export interface MatchReportView {
  readonly format: string;
  readonly lines: number;
  readonly malformed: number;
  readonly problems: readonly LineReport[];
  readonly indicators: { readonly equality: number; readonly complex: number; readonly unusable: readonly IndicatorProblem[] };
  readonly hits: readonly HitView[];
  readonly suppressed: Readonly<Record<string, number>>;
  readonly sightings: readonly { readonly indicator: string; readonly sighting: string }[];
}

export function hitView(hit: Hit): HitView {
  return {
    indicator: hit.indicator.id,
    name: hit.indicator.name,
    pattern: hit.indicator.pattern,
    count: hit.count,
    first_seen: new Date(hit.firstMs).toISOString(),
    last_seen: new Date(hit.lastMs).toISOString(),
    values: hit.values,
    warning_lists: hit.warningLists,
  };
}

/** The report as the API and `--json` give it. */
export function reportView(report: MatchReport, sightings: readonly PublishedSighting[]): MatchReportView {
  const s = report.summary;
  return {
    format: s.format,
    lines: s.lines,
    malformed: s.malformed,
    problems: s.problems,
    indicators: { equality: report.indicators.equality, complex: report.indicators.complex, unusable: report.indicators.problems },
    hits: s.hits.map(hitView),
    suppressed: s.suppressed,
    sightings,
  };
}
