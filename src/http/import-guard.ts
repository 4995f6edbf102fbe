import { createReadStream, createWriteStream } from 'node:fs';
import { mkdtemp, readdir, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { pipeline } from 'node:stream/promises';
import type { OrgId, StixId } from '../domain/ids.ts';
import type { IncomingObject, MemberReader, PutOutcome, StixStore, StixWriter } from '../store/types.ts';
import { ownershipRefusals } from '../ingest/ownership.ts';

/** Thrown by the byte limiter; the error handler maps Fastify's body-too-large code to 413 payload-too-large. */
export class UploadTooLargeError extends Error {
  readonly statusCode = 413;
  readonly code = 'FST_ERR_CTP_BODY_TOO_LARGE';
}

/** Passes an upload through, failing (so the import's transaction rolls back) once it exceeds `limit` bytes. */
export async function* limitBytes(source: AsyncIterable<Uint8Array | string>, limit: number): AsyncGenerator<Uint8Array | string> {
  let total = 0;
  for await (const chunk of source) {
    total += typeof chunk === 'string' ? Buffer.byteLength(chunk) : chunk.byteLength;
    if (total > limit) throw new UploadTooLargeError(`the upload is larger than the ${limit}-byte limit`);
    yield chunk;
  }
}

/** Spool directories are named for the process that made them, so a start can tell its dead predecessors' apart from a live neighbour's. */
const SPOOL_PREFIX = 'rampart-upload-';

/**
 * Runs `use` on the upload read back from a temporary file it was first written to (at most
 * `limit` bytes), then removes the file. The import's write transaction is opened only once the
 * whole body has arrived: on SQLite one connection serves every query, and a transaction held
 * while a slow (or stalled) client sends its body would stop every other read and write of the hub.
 * A file left behind by a killed server is removed at the next start (removeStaleUploads).
 */
export async function withSpooledUpload<T>(
  source: AsyncIterable<Uint8Array | string>,
  limit: number,
  use: (spooled: AsyncIterable<Uint8Array>) => Promise<T>,
  under: string = tmpdir(),
): Promise<T> {
  const dir = await mkdtemp(path.join(under, `${SPOOL_PREFIX}${process.pid}-`));
  try {
    const file = path.join(dir, 'upload');
    await pipeline(limitBytes(source, limit), createWriteStream(file));
    return await use(createReadStream(file));
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
}

function isRunning(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (error) {
    // EPERM: it runs, as another user.
    return (error as NodeJS.ErrnoException).code === 'EPERM';
  }
}

/**
 * Removes the upload spools of server processes that no longer run (killed mid-upload), and those
 * of older versions that did not name their process; a spool of a running server is left alone.
 * Called by `rampart serve` at start. Returns how many were removed.
 */
export async function removeStaleUploads(under: string = tmpdir()): Promise<number> {
  let removed = 0;
  for (const entry of await readdir(under, { withFileTypes: true })) {
    if (!entry.isDirectory() || !entry.name.startsWith(SPOOL_PREFIX)) continue;
    const named = /^(\d+)-/.exec(entry.name.slice(SPOOL_PREFIX.length));
    const pid = named === null ? null : Number(named[1]);
    if (pid !== null && (pid === process.pid || isRunning(pid))) continue;
    await rm(path.join(under, entry.name), { recursive: true, force: true });
    removed++;
  }
  return removed;
}

/**
 * The store as one organization's upload may use it: an object that names another creator, or that
 * is a new version of another organization's object the uploader may see, is rejected (and so,
 * without skip_invalid, the whole upload stores nothing). An id it cannot see is written as its own
 * record, like a free id (src/ingest/ownership.ts).
 */
export function ownerOnlyStore(stix: StixStore, uploader: MemberReader): StixStore {
  const guard = (writer: StixWriter): StixWriter => ({
    async putBatch(items, policy) {
      // Items another organization made that the uploader already sees (a re-upload of an export) are told apart.
      const foreign = items.filter((item) => item.sharing.owner !== uploader.orgId).map((item) => item.id);
      const seen = foreign.length === 0 ? new Map<StixId, readonly OrgId[]>() : await writer.visibleOwners(uploader, foreign);
      const created = items.map((item) => creatorProblem(item, uploader.orgId, seen.get(item.id)?.includes(item.sharing.owner) === true));
      // Through the writer: a read on the store would wait for this very transaction on SQLite.
      const owned = await ownershipRefusals(writer, uploader, items.filter((_, i) => created[i] === null));
      let at = 0;
      const outcomes = created.map((c) => c ?? owned[at++] ?? null);
      const allowed = items.filter((_, i) => outcomes[i] === null);
      const written = allowed.length === 0 ? [] : await writer.putBatch(allowed, policy);
      let next = 0;
      return outcomes.map((o) => o ?? written[next++] ?? { kind: 'rejected', code: 'not-stored', message: 'the store returned no outcome for this object' });
    },
    visibleOwners: (reader, ids) => writer.visibleOwners(reader, ids),
  });
  return {
    write: (fn) => stix.write((writer) => fn(guard(writer))),
    get: (reader, id) => stix.get(reader, id),
    versions: (reader, id) => stix.versions(reader, id),
    seenBy: (readers, id, addedUs) => stix.seenBy(readers, id, addedUs),
    list: (reader, query) => stix.list(reader, query),
    count: (reader, query) => stix.count(reader, query),
    listCounted: (reader, query, atMost) => stix.listCounted(reader, query, atMost),
    indicators: (reader, page) => stix.indicators(reader, page),
    changeMark: (type) => stix.changeMark(type),
    changeMarks: (types) => stix.changeMarks(types),
    reshare: (id, sharing) => stix.reshare(id, sharing),
    reshares: (after, limit) => stix.reshares(after, limit),
    resharedAfter: (afterUs, limit) => stix.resharedAfter(afterUs, limit),
    close: () => stix.close(),
  };
}

function creatorProblem(item: IncomingObject, owner: OrgId, alreadyHere: boolean): PutOutcome | null {
  if (item.sharing.owner === owner) return null;
  if (alreadyHere) {
    return {
      kind: 'rejected',
      code: 'already-here',
      message: 'this item is already here: another organization made it and shared it with you, and only its maker can change it; leave it out of the upload (or store the rest without it)',
    };
  }
  return {
    kind: 'rejected',
    code: 'created-by-mismatch',
    // Names only the id the file itself gives, never an owner's name the uploader may not see.
    message: `another organization made this item (its created_by_ref is ${item.sharing.owner}), and only its maker can share it; leave it out of the upload (or store the rest without it), or remove its created_by_ref to share it as your own`,
  };
}
