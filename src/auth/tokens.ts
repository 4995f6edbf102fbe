import { createHash, randomBytes, timingSafeEqual } from 'node:crypto';

/** A random secret of `bytes` bytes, base64url (no padding). Session tokens and API key secrets use 32. */
export function randomToken(bytes = 32): string {
  return randomBytes(bytes).toString('base64url');
}

/** SHA-256 in hex: enough for high-entropy secrets (session tokens, API keys), never for passwords. */
export function sha256Hex(value: string): string {
  return createHash('sha256').update(value, 'utf8').digest('hex');
}

export function sameHex(a: string, b: string): boolean {
  const x = Buffer.from(a, 'hex');
  const y = Buffer.from(b, 'hex');
  return x.length === y.length && x.length > 0 && timingSafeEqual(x, y);
}

export const API_KEY_PREFIX = 'rk_';
const API_KEY = /^rk_([0-9a-f]{16})_([A-Za-z0-9_-]{43})$/;

/** An API key as shown once: `rk_<16 hex key id>_<43 chars of 32 random bytes>`. */
export function newApiKey(): { readonly id: string; readonly key: string } {
  const id = randomBytes(8).toString('hex');
  return { id, key: `${API_KEY_PREFIX}${id}_${randomToken(32)}` };
}

/** The key id of a well-formed API key, or null. */
export function apiKeyId(key: string): string | null {
  return API_KEY.exec(key)?.[1] ?? null;
}
