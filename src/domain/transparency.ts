import { createHash } from 'node:crypto';
import { canonicalJson } from './canonical-json.ts';

/**
 * The public transparency log's format (docs/transparency.md): what each entry's hashes cover and what a
 * checkpoint signs. Pure, so the store that appends, the hub that signs and `rampart transparency verify`
 * that checks all compute the same bytes.
 */

/** What was made public. Only these are ever logged. */
export const TRANSPARENCY_KINDS = ['statement-published', 'correction-published', 'correction-updated', 'correction-withdrawn', 'notice-published', 'notice-revoked', 'notice-unpublished', 'platform-share', 'platform-response'] as const;
export type TransparencyKind = (typeof TRANSPARENCY_KINDS)[number];

/** The previous hash of the first entry: 64 zeros. */
export const GENESIS_HASH = '0'.repeat(64);
export const ENTRY_PURPOSE = 'rampart-transparency-entry-v1';
export const CHECKPOINT_PURPOSE = 'rampart-transparency-checkpoint-v1';

/** An event to log, before the store gives it its place in the chain. */
export interface TransparencyEvent {
  readonly kind: TransparencyKind;
  /** ISO 8601 time of the event. */
  readonly time: string;
  /** Public facts only (JSON): what the entry says happened. */
  readonly content: Readonly<Record<string, unknown>>;
}

/** One entry as published: its place, what happened, and the hashes that chain it. */
export interface TransparencyEntry {
  readonly seq: number;
  readonly time: string;
  readonly kind: string;
  readonly content: Readonly<Record<string, unknown>>;
  readonly content_hash: string;
  readonly prev_hash: string;
  readonly hash: string;
}

const sha256 = (text: string): string => createHash('sha256').update(text, 'utf8').digest('hex');

/** sha256 (hex) of the RFC 8785 canonical form of an entry's content. */
export function contentHashOf(content: unknown): string {
  return sha256(canonicalJson(content));
}

/** sha256 (hex) of the canonical form of the entry's place, time, kind, content hash and previous hash. */
export function entryHashOf(entry: Pick<TransparencyEntry, 'seq' | 'time' | 'kind' | 'content_hash' | 'prev_hash'>): string {
  return sha256(canonicalJson({ purpose: ENTRY_PURPOSE, seq: entry.seq, time: entry.time, kind: entry.kind, content_hash: entry.content_hash, prev_hash: entry.prev_hash }));
}

/** A tree head the hub signs: how many entries, the last one's hash, when. */
export interface TreeHead {
  /** The hub's identity (the key set's `hub`). */
  readonly hub: string;
  readonly tree_size: number;
  /** The hash of entry `tree_size` (GENESIS_HASH when the log is empty). */
  readonly head_hash: string;
  readonly time: string;
}

/** The bytes a checkpoint's Ed25519 signature covers: the canonical form of the tree head with its purpose. */
export function checkpointBytes(head: TreeHead): Buffer {
  return Buffer.from(canonicalJson({ purpose: CHECKPOINT_PURPOSE, hub: head.hub, tree_size: head.tree_size, head_hash: head.head_hash, time: head.time }), 'utf8');
}

/** A signed tree head as published. */
export interface Checkpoint extends TreeHead {
  readonly key_id: string;
  /** Ed25519 over checkpointBytes, base64url. */
  readonly signature: string;
}
