import { createCipheriv, createDecipheriv, createHmac, randomBytes } from 'node:crypto';
import { problem, type Problem } from '../domain/problem.ts';
import { err, ok, type Result } from '../domain/result.ts';

/** Bytes of an AES-256 key. */
export const SECRET_KEY_BYTES = 32;

const VERSION = 'v1';
const IV_BYTES = 12;
const TAG_BYTES = 16;

/**
 * Seals short secrets (TOTP seeds) under the server key with AES-256-GCM, as
 * `v1:<key id>:<iv>:<tag>:<ciphertext>` in base64url. The key id names the key without revealing it,
 * so that a value written under another key is told apart from a tampered one, and so that a later
 * rotation can pick the right key. `context` (e.g. the owner's user id) is authenticated with the value:
 * a sealed value copied into another row does not open there.
 */
export interface SecretBox {
  readonly keyId: string;
  seal(plaintext: string, context: string): string;
  open(sealed: string, context: string): Result<string, Problem>;
}

/** Whether `value` is in the sealed form (any version, any key); anything else is plain text. */
export function isSealed(value: string): boolean {
  return /^v\d+:/.test(value);
}

const b64url = (bytes: Uint8Array): string => Buffer.from(bytes).toString('base64url');

function keyIdOf(key: Uint8Array): string {
  return b64url(createHmac('sha256', key).update('rampart secret-box key id').digest().subarray(0, 6));
}

export function secretBox(key: Uint8Array): SecretBox {
  if (key.length !== SECRET_KEY_BYTES) throw new Error(`secret-box key must be ${SECRET_KEY_BYTES} bytes, got ${key.length}`);
  const keyId = keyIdOf(key);
  const aad = (context: string) => Buffer.from(`${VERSION}:${keyId}:${context}`, 'utf8');
  return {
    keyId,
    seal(plaintext, context) {
      const iv = randomBytes(IV_BYTES);
      const cipher = createCipheriv('aes-256-gcm', key, iv, { authTagLength: TAG_BYTES });
      cipher.setAAD(aad(context));
      const ct = Buffer.concat([cipher.update(plaintext, 'utf8'), cipher.final()]);
      return [VERSION, keyId, b64url(iv), b64url(cipher.getAuthTag()), b64url(ct)].join(':');
    },
    open(sealed, context) {
      const parts = sealed.split(':');
      const [version, id, ivText, tagText, ctText] = parts;
      if (parts.length !== 5 || version === undefined || id === undefined || ivText === undefined || tagText === undefined || ctText === undefined) {
        return err(problem('invalid', 'secret-malformed', 'The stored secret is not in the sealed form v1:<key id>:<iv>:<tag>:<ciphertext>; the database was edited by hand or damaged.'));
      }
      if (version !== VERSION) return err(problem('invalid', 'secret-version-unknown', `The stored secret is sealed with format ${version}, which this version of Rampart does not read; upgrade Rampart.`));
      if (id !== keyId) {
        return err(
          problem('invalid', 'secret-key-mismatch', `The stored secret was sealed under another server key (key id ${id}; this server's key id is ${keyId}); start the server with that key (RAMPART_SECRET_KEY or the secret.key file), or reset the secret.`),
        );
      }
      const iv = Buffer.from(ivText, 'base64url');
      const tag = Buffer.from(tagText, 'base64url');
      if (iv.length !== IV_BYTES || tag.length !== TAG_BYTES) return err(problem('invalid', 'secret-malformed', 'The stored secret has an IV or tag of the wrong length; the database was edited by hand or damaged.'));
      try {
        const decipher = createDecipheriv('aes-256-gcm', key, iv, { authTagLength: TAG_BYTES });
        decipher.setAAD(aad(context));
        decipher.setAuthTag(tag);
        return ok(Buffer.concat([decipher.update(Buffer.from(ctText, 'base64url')), decipher.final()]).toString('utf8'));
      } catch {
        // GCM refuses any change to the ciphertext, tag, IV or context; the key id already matched.
        return err(problem('invalid', 'secret-tampered', 'The stored secret fails its integrity check (altered, or copied from another account); reset it.'));
      }
    },
  };
}

/**
 * Reads a server key given as text: 64 hex digits, or base64 / base64url of exactly 32 bytes.
 * `source` names where it came from in the message (e.g. "RAMPART_SECRET_KEY").
 */
export function parseSecretKey(text: string, source: string): Result<Buffer, Problem> {
  const trimmed = text.trim();
  if (/^[0-9a-fA-F]{64}$/.test(trimmed)) return ok(Buffer.from(trimmed, 'hex'));
  if (/^[A-Za-z0-9+/_-]{43}=?$/.test(trimmed)) {
    const key = Buffer.from(trimmed.replace(/=$/, ''), 'base64url');
    if (key.length === SECRET_KEY_BYTES) return ok(key);
  }
  return err(
    problem(
      'invalid',
      'secret-key-invalid',
      `${source} is not a 32-byte key: give 64 hex digits or 44 characters of base64 (for example the output of "openssl rand -base64 32"), or unset it to use a key file generated beside the database.`,
    ),
  );
}

/** A new random server key as base64, the form written to a key file. */
export function newSecretKeyText(): string {
  return randomBytes(SECRET_KEY_BYTES).toString('base64');
}
