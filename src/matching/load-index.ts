import { Type } from '@sinclair/typebox';
import { Value } from '@sinclair/typebox/value';
import type { Problem } from '../domain/problem.ts';
import { ok, type Result } from '../domain/result.ts';
import type { Reader, StixStore } from '../store/types.ts';
import { IndicatorIndex, type CompilePattern, type PatternCache } from './indicator-index.ts';

const IndicatorJson = Type.Object({
  id: Type.String(),
  name: Type.Optional(Type.String()),
  pattern: Type.String(),
  pattern_type: Type.String(),
  valid_from: Type.Optional(Type.String()),
  valid_until: Type.Optional(Type.String()),
  revoked: Type.Optional(Type.Boolean()),
});

const PAGE = 1000;

export interface LoadOptions {
  readonly now: Date;
  readonly compile: CompilePattern;
  readonly cache?: PatternCache;
}

/**
 * Loads every indicator the reader may see (latest versions, not revoked, valid now, STIX
 * patterns only) into an index. Other pattern languages are skipped silently; broken STIX
 * patterns are listed in `index.problems`.
 */
export async function loadIndex(stix: StixStore, reader: Reader, options: LoadOptions): Promise<Result<IndicatorIndex, Problem>> {
  const index = new IndicatorIndex(options.cache);
  const now = options.now.getTime();
  let cursor: string | undefined;
  do {
    const page = await stix.list(reader, { types: ['indicator'], versions: 'latest', limit: PAGE, ...(cursor === undefined ? {} : { cursor }) });
    if (!page.ok) return page;
    for (const version of page.value.items) {
      if (version.revoked) continue;
      const json: unknown = JSON.parse(version.json);
      if (!Value.Check(IndicatorJson, json)) continue;
      if (json.revoked === true || json.pattern_type !== 'stix') continue;
      if (json.valid_until !== undefined && Date.parse(json.valid_until) <= now) continue;
      // Not yet valid: its owner says it should not raise hits before then.
      if (json.valid_from !== undefined && Date.parse(json.valid_from) > now) continue;
      index.add({ id: version.id, name: json.name ?? null, pattern: json.pattern, owner: version.sharing.owner }, options.compile);
    }
    cursor = page.value.nextCursor ?? undefined;
  } while (cursor !== undefined);
  return ok(index);
}
