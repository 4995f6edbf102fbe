import type { ProblemDetail } from '../domain/problem.ts';
import { err, ok, type Result } from '../domain/result.ts';
import { locateJsonError } from './json-syntax.ts';
import { BundleSplitter, DEFAULT_LIMITS, type BundleItem, type SplitterLimits } from './bundle-splitter.ts';

export { DEFAULT_LIMITS, type BundleItem, type SplitterLimits } from './bundle-splitter.ts';

export interface ReadOptions {
  readonly limits?: Partial<SplitterLimits>;
  /** Called after each chunk with the total bytes read so far (for progress bars). */
  readonly onBytes?: (total: number) => void;
}

/**
 * Streams a bundle (or TAXII envelope, or single object) from bytes, yielding the items found in
 * each chunk together, so a consumer awaits once per chunk rather than once per object.
 */
export async function* readBundle(source: AsyncIterable<Uint8Array | string> | Iterable<Uint8Array | string>, options: ReadOptions = {}): AsyncGenerator<readonly BundleItem[]> {
  const splitter = new BundleSplitter({ ...DEFAULT_LIMITS, ...options.limits });
  let total = 0;
  for await (const chunk of source) {
    const buf = typeof chunk === 'string' ? Buffer.from(chunk, 'utf8') : Buffer.isBuffer(chunk) ? chunk : Buffer.from(chunk.buffer, chunk.byteOffset, chunk.byteLength);
    total += buf.length;
    const items = splitter.push(buf);
    options.onBytes?.(total);
    if (items.length > 0) yield items;
    if (splitter.failed) return;
  }
  const last = splitter.end();
  if (last.length > 0) yield last;
}

type ObjectItem = Extract<BundleItem, { kind: 'object' }>;

/** Parses one element's text; a syntax error names the byte offset, line and column in the whole document. */
export function parseItem(item: ObjectItem): Result<unknown, ProblemDetail> {
  try {
    return ok(JSON.parse(item.text) as unknown);
  } catch {
    const located = locateJsonError(item.text);
    const id = /"id"\s*:\s*"([^"\\]{1,300})"/.exec(item.text)?.[1];
    let where = `the element starting at byte ${item.at.offset} (line ${item.at.line}, column ${item.at.column})`;
    if (located !== null) {
      const before = item.text.slice(0, located.position);
      const newlines = before.split('\n').length - 1;
      const line = item.at.line + newlines;
      const column = newlines === 0 ? item.at.column + located.position : located.position - before.lastIndexOf('\n');
      where = `byte ${item.at.offset + Buffer.byteLength(before)} (line ${line}, column ${column})`;
    }
    const reason = located?.message ?? 'not valid JSON';
    const detail = { path: item.path, code: 'malformed-json', message: `invalid JSON at ${where}: ${reason}` };
    return err(id === undefined ? detail : { id, ...detail });
  }
}
