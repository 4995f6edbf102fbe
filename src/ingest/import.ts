import { problem, type Problem, type ProblemDetail } from '../domain/problem.ts';
import { err, ok, type Result } from '../domain/result.ts';
import { REFERENCE_DATA, type ConflictPolicy, type IncomingObject, type StixStore, type StixWriter } from '../store/types.ts';
import { readBundle, type SplitterLimits } from '../stix/bundle-reader.ts';
import type { PatternChecker } from '../stix/validate.ts';
import { prepareItem } from './prepare.ts';
import type { SharingDefaults } from './sharing-defaults.ts';

export interface ImportOptions extends SharingDefaults {
  /** Same id and modified but different bytes: refuse the newcomer (default) or replace the stored one. */
  readonly onConflict?: ConflictPolicy;
  /** Store the valid objects of a file that has invalid ones (default: the file stores nothing). */
  readonly skipInvalid?: boolean;
  readonly limits?: Partial<SplitterLimits>;
  /** Objects per store batch (default 1000). */
  readonly batchSize?: number;
  readonly checkPattern?: PatternChecker;
  /** Progress: total bytes read so far. */
  readonly onBytes?: (total: number) => void;
  /** How many rejections to report in detail (default 1000); all are counted. */
  readonly maxReported?: number;
  /** The hub's own reference material (knowledge base, its identity, the organizations' directory): public, but not logged in the transparency log (src/store/types.ts REFERENCE_DATA). */
  readonly referenceData?: boolean;
}

export interface ImportSummary {
  readonly objects: number;
  readonly added: number;
  readonly newVersions: number;
  readonly unchanged: number;
  readonly rejected: number;
  /** Why each object was refused: id (when known), JSON path, code and message. */
  readonly rejections: readonly ProblemDetail[];
}

/** Input the pipeline accepts: a Node stream, any async source of bytes, or chunks in hand (e.g. `[body]`). */
export type ByteSource = AsyncIterable<Uint8Array | string> | Iterable<Uint8Array | string>;

interface Tally {
  objects: number;
  added: number;
  newVersions: number;
  unchanged: number;
  rejected: number;
  rejections: ProblemDetail[];
}

/**
 * Imports a STIX bundle, TAXII envelope or single object from a byte stream in one transaction:
 * streamed element by element, validated, shared, and written in batches. Without `skipInvalid`,
 * any rejected object means nothing is stored. Shared by the CLI, HTTP upload and TAXII POST.
 */
export async function importObjects(store: StixStore, source: ByteSource, options: ImportOptions): Promise<Result<ImportSummary, Problem>> {
  const policy = options.onConflict ?? 'reject';
  const batchSize = options.batchSize ?? 1000;
  const maxReported = options.maxReported ?? 1000;
  const tally: Tally = { objects: 0, added: 0, newVersions: 0, unchanged: 0, rejected: 0, rejections: [] };
  const reject = (details: readonly ProblemDetail[]) => {
    tally.rejected++;
    for (const d of details) if (tally.rejections.length < maxReported) tally.rejections.push(d);
  };

  return store.write(async (writer) => {
    let batch: IncomingObject[] = [];
    let paths: string[] = [];
    let writing = true;
    const flush = async () => {
      if (batch.length === 0) return;
      if (writing) await putBatch(writer, batch, paths, policy, tally, reject);
      batch = [];
      paths = [];
      if (!options.skipInvalid && tally.rejected > 0) writing = false;
    };
    const readOptions = { ...(options.limits === undefined ? {} : { limits: options.limits }), ...(options.onBytes === undefined ? {} : { onBytes: options.onBytes }) };
    for await (const items of readBundle(source, readOptions)) {
      for (const item of items) {
        if (item.kind === 'fatal') {
          const detail: ProblemDetail = { path: item.path, code: item.code, message: item.message };
          return err(problem('invalid', item.code, `${item.message}; nothing was stored`, [detail, ...tally.rejections]));
        }
        tally.objects++;
        const prepared = prepareItem(item, options, options.checkPattern);
        if (!prepared.ok) {
          reject(prepared.error);
          // Atomic by default: after the first rejection keep reading only to report every problem.
          if (!options.skipInvalid) writing = false;
          continue;
        }
        if (!writing) continue;
        batch.push(options.referenceData === true ? { ...prepared.value, transparency: REFERENCE_DATA } : prepared.value);
        paths.push(item.path);
        if (batch.length >= batchSize) await flush();
      }
    }
    await flush();
    if (tally.rejected > 0 && !options.skipInvalid) {
      return err(
        problem(
          'invalid',
          'import-rejected',
          `${tally.rejected} of ${tally.objects} objects were rejected, so nothing was stored; fix them, or pass --skip-invalid to store the valid ones`,
          tally.rejections,
        ),
      );
    }
    return ok({ ...tally, rejections: tally.rejections });
  });
}

async function putBatch(
  writer: StixWriter,
  batch: readonly IncomingObject[],
  paths: readonly string[],
  policy: ConflictPolicy,
  tally: Tally,
  reject: (details: readonly ProblemDetail[]) => void,
): Promise<void> {
  const outcomes = await writer.putBatch(batch, policy);
  outcomes.forEach((outcome, i) => {
    switch (outcome.kind) {
      case 'added':
        tally.added++;
        return;
      case 'new-version':
        tally.newVersions++;
        return;
      case 'unchanged':
        tally.unchanged++;
        return;
      case 'rejected': {
        const object = batch[i];
        reject([{ ...(object === undefined ? {} : { id: object.id }), path: paths[i] ?? '$', code: outcome.code, message: outcome.message }]);
        return;
      }
    }
  });
}
