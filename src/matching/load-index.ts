import type { Problem } from '../domain/problem.ts';
import { ok, type Result } from '../domain/result.ts';
import type { IndicatorFields, Reader, StixStore } from '../store/types.ts';
import { IndicatorIndex, type CompilePattern, type PatternCache } from './indicator-index.ts';

/** Indicators read per query: large pages, as the whole index is held anyway. */
const PAGE = 10_000;

export interface LoadOptions {
  readonly now: Date;
  readonly compile: CompilePattern;
  readonly cache?: PatternCache;
}

/** Every indicator the reader may see (latest versions, not revoked, STIX patterns only), page by page in added order. */
export async function* visibleIndicators(stix: Pick<StixStore, 'indicators'>, reader: Reader): AsyncGenerator<readonly IndicatorFields[]> {
  let afterUs: number | undefined;
  for (;;) {
    const page = await stix.indicators(reader, { limit: PAGE, ...(afterUs === undefined ? {} : { afterUs }) });
    yield page;
    if (page.length < PAGE) return;
    afterUs = page[page.length - 1]?.addedUs;
  }
}

/**
 * Loads every indicator the reader may see (latest versions, not revoked, valid now, STIX
 * patterns only: the store leaves out other pattern languages) into an index; broken STIX
 * patterns are listed in `index.problems`.
 */
export async function loadIndex(stix: Pick<StixStore, 'indicators'>, reader: Reader, options: LoadOptions): Promise<Result<IndicatorIndex, Problem>> {
  const index = new IndicatorIndex(options.cache);
  const now = options.now.getTime();
  for await (const page of visibleIndicators(stix, reader)) {
    for (const indicator of page) {
      if (indicator.validUntil !== null && Date.parse(indicator.validUntil) <= now) continue;
      // Not yet valid: its owner says it should not raise hits before then.
      if (indicator.validFrom !== null && Date.parse(indicator.validFrom) > now) continue;
      index.add(indicator, options.compile);
    }
  }
  return ok(index);
}
