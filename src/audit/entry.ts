import { createHash } from 'node:crypto';
import { Type, type Static } from '@sinclair/typebox';

/** Every kind of event the audit log keeps. */
export const AuditActionSchema = Type.Union(
  [
    Type.Literal('sign-in'),
    Type.Literal('sign-in-failed'),
    Type.Literal('sign-in-locked'),
    Type.Literal('sign-out'),
    Type.Literal('share'),
    Type.Literal('reshare'),
    Type.Literal('read'),
    Type.Literal('export'),
    Type.Literal('import'),
    Type.Literal('version'),
    Type.Literal('revoke'),
    Type.Literal('key-created'),
    Type.Literal('key-revoked'),
    Type.Literal('user-created'),
    Type.Literal('user-disabled'),
    Type.Literal('totp-enabled'),
    Type.Literal('password-changed'),
    Type.Literal('account-changed'),
    Type.Literal('org-created'),
    Type.Literal('org-settings-changed'),
    Type.Literal('defaults-changed'),
    Type.Literal('group-created'),
    Type.Literal('group-invited'),
    Type.Literal('group-accepted'),
    Type.Literal('group-declined'),
    Type.Literal('group-left'),
    Type.Literal('group-member-removed'),
  ],
  { $id: 'AuditAction' },
);
export type AuditAction = Static<typeof AuditActionSchema>;

/** An entry as the REST API shows it. */
export const AuditEntrySchema = Type.Object(
  {
    seq: Type.Integer({ minimum: 1 }),
    at: Type.String({ description: 'ISO 8601 time the entry was recorded' }),
    actor_org: Type.Union([Type.String(), Type.Null()]),
    actor_user: Type.Union([Type.String(), Type.Null()]),
    action: Type.String(),
    object_id: Type.Union([Type.String(), Type.Null()]),
    subject_org: Type.Union([Type.String(), Type.Null()], { description: 'Owner of the object concerned' }),
    details: Type.Record(Type.String(), Type.Unknown()),
    hash: Type.String({ description: 'sha256(previous hash + canonical entry), hex' }),
  },
  { additionalProperties: false },
);
export type AuditEntryView = Static<typeof AuditEntrySchema>;

export const GENESIS_HASH = '0'.repeat(64);

/** JSON with object keys sorted at every depth and no spaces: one text per value, so hashes are stable. */
export function canonicalJson(value: unknown): string {
  if (value === null || typeof value !== 'object') {
    const text = JSON.stringify(value) as string | undefined;
    return text ?? 'null';
  }
  if (Array.isArray(value)) return `[${value.map(canonicalJson).join(',')}]`;
  const entries = Object.entries(value as Record<string, unknown>)
    .filter(([, v]) => v !== undefined)
    .sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0));
  return `{${entries.map(([k, v]) => `${JSON.stringify(k)}:${canonicalJson(v)}`).join(',')}}`;
}

/** The hashed content of an entry: every column but seq and the hashes; `details` as its stored text. */
export interface HashedFields {
  readonly at: string;
  readonly actor_org: string | null;
  readonly actor_user: string | null;
  readonly action: string;
  readonly object_id: string | null;
  readonly subject_org: string | null;
  readonly details: string;
}

/** The text an entry's hash covers after the previous hash: its canonical JSON (entryHash). */
export function hashedText(fields: HashedFields): string {
  return canonicalJson({
    action: fields.action,
    actor_org: fields.actor_org,
    actor_user: fields.actor_user,
    at: fields.at,
    details: fields.details,
    object_id: fields.object_id,
    subject_org: fields.subject_org,
  });
}

/** sha256 of the previous hash then an entry's hashed text, hex (PostgreSQL computes the same in the appending statement). */
export function chainHash(prevHash: string, text: string): string {
  return createHash('sha256').update(prevHash).update(text).digest('hex');
}

/**
 * sha256(prev_hash + canonical entry). Seq is left out on purpose: the order is proved by the links,
 * so a renumbering shows as a reordering rather than as an edit.
 */
export function entryHash(prevHash: string, fields: HashedFields): string {
  return chainHash(prevHash, hashedText(fields));
}
