import { createPublicKey, verify } from 'node:crypto';
import { Type, type Static } from '@sinclair/typebox';
import { TypeCompiler } from '@sinclair/typebox/compiler';
import { checkpointBytes, contentHashOf, entryHashOf, GENESIS_HASH } from '../domain/transparency.ts';
import type { KeySet } from '../statements/signing.ts';

const HEX64 = '^[0-9a-f]{64}$';
export const EntrySchema = Type.Object(
  {
    seq: Type.Integer({ minimum: 1 }),
    time: Type.String(),
    kind: Type.String(),
    content: Type.Record(Type.String(), Type.Unknown()),
    content_hash: Type.String({ pattern: HEX64 }),
    prev_hash: Type.String({ pattern: HEX64 }),
    hash: Type.String({ pattern: HEX64 }),
  },
  { additionalProperties: false },
);
export const CheckpointSchema = Type.Object(
  {
    id: Type.Integer({ minimum: 1 }),
    hub: Type.String(),
    tree_size: Type.Integer({ minimum: 0 }),
    head_hash: Type.String({ pattern: HEX64 }),
    time: Type.String(),
    key_id: Type.String(),
    signature: Type.String(),
  },
  { additionalProperties: false },
);
/** A whole log as `rampart transparency verify` reads it from a file (what --save writes). */
export const LogDocumentSchema = Type.Object({ entries: Type.Array(EntrySchema), checkpoints: Type.Array(CheckpointSchema) });
export type LogDocument = Static<typeof LogDocumentSchema>;
const checkDocument = TypeCompiler.Compile(LogDocumentSchema);

/** The log document in `value`, or what is wrong with it (the first schema error, with its path). */
export function parseLogDocument(value: unknown): LogDocument | string {
  if (checkDocument.Check(value)) return value;
  const first = checkDocument.Errors(value).First();
  return `not a transparency log document (${first === undefined ? 'unreadable' : `${first.path || '/'}: ${first.message}`}); expected {"entries": [...], "checkpoints": [...]}`;
}

export type LogProblemCode =
  | 'sequence-gap'
  | 'sequence-order'
  | 'content-changed'
  | 'entry-hash'
  | 'chain-broken'
  | 'checkpoint-beyond-log'
  | 'checkpoint-head-mismatch'
  | 'checkpoint-signature'
  | 'checkpoint-key'
  | 'checkpoint-order';

export interface LogProblem {
  readonly code: LogProblemCode;
  /** `entry <seq>` (the position in the log when the seq itself is wrong) or `checkpoint <id>`. */
  readonly where: string;
  readonly message: string;
}

export interface LogReport {
  readonly ok: boolean;
  readonly entries: number;
  readonly checkpoints: number;
  /** The head recomputed from the entries' content: what a checkpoint of the whole log must sign. */
  readonly head: { readonly tree_size: number; readonly head_hash: string };
  readonly problems: readonly LogProblem[];
}

function signatureValid(bytes: Buffer, publicKey: string, signature: string): boolean {
  try {
    return verify(null, bytes, createPublicKey({ key: { kty: 'OKP', crv: 'Ed25519', x: publicKey }, format: 'jwk' }), Buffer.from(signature, 'base64url'));
  } catch {
    return false;
  }
}

/**
 * Recomputes the chain of a downloaded log and checks every checkpoint against it and against the key set:
 * each entry's content hash, its hash, its link to the one before and its place; each checkpoint's signature
 * (by the hub's key, not revoked) and its head against the head recomputed from the entries' content, which
 * also catches an entry rewritten with every hash after it.
 */
export function verifyLog(log: LogDocument, keySet: KeySet): LogReport {
  const problems: LogProblem[] = [];
  // heads[n]: the hash after n entries, recomputed from content alone (never from the stored hashes).
  const heads: string[] = [GENESIS_HASH];
  let listedPrev = GENESIS_HASH;
  log.entries.forEach((e, i) => {
    const position = i + 1;
    const where = `entry ${e.seq}`;
    if (e.seq > position) {
      const from = i === 0 ? 1 : (log.entries[i - 1]?.seq ?? 0) + 1;
      problems.push({ code: 'sequence-gap', where, message: `entry ${e.seq} comes at position ${position}: ${from === e.seq - 1 ? `entry ${from} is` : `entries ${from} to ${e.seq - 1} are`} missing (removed from the log)` });
    } else if (e.seq < position) {
      problems.push({ code: 'sequence-order', where, message: `entry ${e.seq} comes at position ${position}, after entry ${log.entries[i - 1]?.seq ?? '?'}: entries are reordered or repeated` });
    }
    const contentHash = contentHashOf(e.content);
    if (contentHash !== e.content_hash) problems.push({ code: 'content-changed', where, message: `entry ${e.seq} (${e.kind}): its content no longer matches its content_hash: the content was changed after it was logged` });
    const hash = entryHashOf(e);
    if (hash !== e.hash) problems.push({ code: 'entry-hash', where, message: `entry ${e.seq}: its hash does not cover its own seq, time, kind, content_hash and prev_hash: one of them was changed` });
    if (e.prev_hash !== listedPrev) {
      problems.push({ code: 'chain-broken', where, message: `entry ${e.seq}: prev_hash ${e.prev_hash.slice(0, 12)}… is not the hash of the entry before it (${i === 0 ? 'the genesis hash' : `entry ${log.entries[i - 1]?.seq ?? '?'}`}, ${listedPrev.slice(0, 12)}…): the chain is broken here` });
    }
    listedPrev = e.hash;
    heads.push(entryHashOf({ seq: position, time: e.time, kind: e.kind, content_hash: contentHash, prev_hash: heads[i] ?? GENESIS_HASH }));
  });

  const keys = new Map(keySet.keys.map((k) => [k.key_id, k]));
  let lastSize = 0;
  let lastMatching = 0;
  for (const c of log.checkpoints) {
    const where = `checkpoint ${c.id}`;
    const key = keys.get(c.key_id);
    if (c.hub !== keySet.hub) problems.push({ code: 'checkpoint-key', where, message: `checkpoint ${c.id} names hub ${c.hub}, but the key set is of hub ${keySet.hub}` });
    else if (key === undefined) problems.push({ code: 'checkpoint-key', where, message: `checkpoint ${c.id} is signed with key ${c.key_id}, which the key set does not hold` });
    else if (key.org_ref !== keySet.hub) problems.push({ code: 'checkpoint-key', where, message: `checkpoint ${c.id} is signed with key ${c.key_id} of ${key.org_ref}, not the hub's` });
    else if (key.status === 'revoked') problems.push({ code: 'checkpoint-key', where, message: `checkpoint ${c.id} is signed with key ${c.key_id}, which the hub revoked${key.revoked_reason === null ? '' : ` (${key.revoked_reason})`}` });
    else if (!signatureValid(checkpointBytes(c), key.public_key, c.signature)) {
      problems.push({ code: 'checkpoint-signature', where, message: `checkpoint ${c.id} (size ${c.tree_size}, ${c.time}): the signature does not verify with the hub's key ${c.key_id}: the checkpoint was forged or altered` });
    }
    if (c.tree_size < lastSize) problems.push({ code: 'checkpoint-order', where, message: `checkpoint ${c.id} covers ${c.tree_size} entries, fewer than the checkpoint before it (${lastSize}): the log shrank` });
    lastSize = Math.max(lastSize, c.tree_size);
    const head = heads[c.tree_size];
    if (head === undefined) {
      problems.push({ code: 'checkpoint-beyond-log', where, message: `checkpoint ${c.id} signed ${c.tree_size} entries, but the log holds ${log.entries.length}: entries after ${log.entries.length} were removed` });
    } else if (head !== c.head_hash) {
      const from = lastMatching + 1;
      problems.push({ code: 'checkpoint-head-mismatch', where, message: `checkpoint ${c.id} signed head ${c.head_hash.slice(0, 12)}… at size ${c.tree_size}, but the entries give ${head.slice(0, 12)}…: an entry ${from === c.tree_size ? `(entry ${from})` : `between ${from} and ${c.tree_size}`} was changed, removed or reordered after it was signed` });
    } else {
      lastMatching = Math.max(lastMatching, c.tree_size);
    }
  }
  return { ok: problems.length === 0, entries: log.entries.length, checkpoints: log.checkpoints.length, head: { tree_size: log.entries.length, head_hash: heads[log.entries.length] ?? GENESIS_HASH }, problems };
}
