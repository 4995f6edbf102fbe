import { createHash } from 'node:crypto';
import { mkdir, readFile, rename, rm, writeFile } from 'node:fs/promises';
import path from 'node:path';
import type { IndicatorFields, Reader, StixStore } from '../store/types.ts';
import { FrozenIndex } from './frozen-index.ts';
import { IndicatorIndex } from './indicator-index.ts';
import { decodeIndexFile, encodeIndexFile, FORMAT, IndicatorKind, type FileIndicator, type IndexFile, type IndexFileRefusal } from './index-file.ts';
import { visibleIndicators, type LoadOptions } from './load-index.ts';

export interface PersistedIndexDeps {
  readonly stix: Pick<StixStore, 'indicators' | 'changeMark'>;
  /** The folder of index files (one per reader), created when missing. */
  readonly dir: string;
}

/** The index, and whether it came from its file or was rebuilt (with why, and whether the new file was written). */
export interface PersistedIndex {
  readonly index: FrozenIndex;
  readonly from: 'file' | 'built';
  readonly refused: IndexFileRefusal | 'missing' | null;
  readonly saved: boolean;
}

/** The reader as the index depends on it: whose organization, and which audience keys. */
function readerKey(reader: Reader): string {
  switch (reader.kind) {
    case 'operator':
    case 'public':
      return reader.kind;
    case 'member':
      return JSON.stringify(['member', reader.orgId, reader.userId, [...reader.keys].sort()]);
    case 'audience':
      return JSON.stringify(['audience', [...reader.keys].sort()]);
  }
}

/** The file that holds `reader`'s index in `dir`. */
export function indexFileOf(dir: string, reader: Reader): string {
  return path.join(dir, `${createHash('sha256').update(readerKey(reader)).digest('hex').slice(0, 32)}.idx`);
}

const time = (text: string | null) => (text === null ? NaN : Date.parse(text));

/** What a file must have been built for: this format, the store's change mark of indicators, this reader. */
function fileKey(mark: string, reader: Reader): string {
  return `${FORMAT} ${mark} ${readerKey(reader)}`;
}

/** The reader's index file in `dir` if it was built for `mark` (StixStore.changeMark('indicator')), else why not. */
export async function readIndexFile(dir: string, reader: Reader, mark: string): Promise<{ ok: true; value: IndexFile } | { ok: false; error: IndexFileRefusal | 'missing' }> {
  const bytes = await readFile(indexFileOf(dir, reader)).catch(() => null);
  if (bytes === null) return { ok: false, error: 'missing' };
  return decodeIndexFile(bytes, fileKey(mark, reader));
}

/**
 * The indicators `reader` may see as a match index, read from its file when the file was built for this reader and
 * the store's indicators have not changed since (the store's change mark for the type, taken before reading);
 * otherwise built from the store, written back (atomically, readable by the owner only) and used. A file that is
 * damaged, foreign, of another format or stale is never trusted, only replaced.
 */
export async function loadPersistedIndex(deps: PersistedIndexDeps, reader: Reader, options: LoadOptions): Promise<PersistedIndex> {
  // Taken before the indicators are read: a change meanwhile leaves the file one mark behind, so the next start rebuilds it.
  const mark = await deps.stix.changeMark('indicator');
  const found = await readIndexFile(deps.dir, reader, mark);
  if (found.ok) return { index: new FrozenIndex(found.value, options), from: 'file', refused: null, saved: false };
  const refused = found.error;
  const key = fileKey(mark, reader);
  const file = indexFileOf(deps.dir, reader);
  const built = await buildIndexFile(deps.stix, reader, key, options);
  const saved = await save(file, built);
  const decoded = decodeIndexFile(built, key);
  // Bytes this process just encoded: refusing them would be a bug in the encoder.
  if (!decoded.ok) throw new Error(`the match index just built does not read back (${decoded.error})`);
  return { index: new FrozenIndex(decoded.value, options), from: 'built', refused, saved };
}

/** Every indicator the reader may see, whatever its validity (checked at each use), encoded as an index file. */
async function buildIndexFile(stix: PersistedIndexDeps['stix'], reader: Reader, key: string, options: LoadOptions): Promise<Buffer> {
  const builder = indexFileBuilder(options);
  for await (const page of visibleIndicators(stix, reader)) for (const indicator of page) builder.add(indicator);
  return builder.encode(key);
}

/** Collects indicators (in the order given) into an index and encodes it as an index file's bytes. */
export function indexFileBuilder(options: Pick<LoadOptions, 'compile' | 'cache'>): { add(indicator: IndicatorFields): void; encode(key: string): Buffer } {
  const index = new IndicatorIndex(options.cache);
  const indicators: FileIndicator[] = [];
  return {
    add(indicator) {
      const before = { equality: index.equality, compiled: index.compiled };
      const info = { id: indicator.id, name: indicator.name, pattern: indicator.pattern, owner: indicator.owner };
      index.add(info, options.compile);
      const kind = index.equality > before.equality ? IndicatorKind.Equality : index.compiled > before.compiled ? IndicatorKind.Compiled : IndicatorKind.Problem;
      indicators.push({ info, validFromMs: time(indicator.validFrom), validUntilMs: time(indicator.validUntil), kind });
    },
    encode: (key) => encodeIndexFile(key, index, indicators),
  };
}

/** Writes the file beside a temporary name and renames it into place; false (the index is still used) when the folder is not writable. */
async function save(file: string, bytes: Buffer): Promise<boolean> {
  const temporary = `${file}.${process.pid}.tmp`;
  try {
    await mkdir(path.dirname(file), { recursive: true, mode: 0o700 });
    await writeFile(temporary, bytes, { mode: 0o600 });
    await rename(temporary, file);
    return true;
  } catch {
    await rm(temporary, { force: true }).catch(() => undefined);
    return false;
  }
}
