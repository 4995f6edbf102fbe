import { randomBytes, scrypt, timingSafeEqual, type ScryptOptions } from 'node:crypto';
import { err, ok, type Result } from '../domain/result.ts';

/** scrypt cost: N (CPU/memory), r (block size), p (parallelism). Production uses DEFAULT_SCRYPT; tests a cheap one. */
export interface ScryptCost {
  readonly N: number;
  readonly r: number;
  readonly p: number;
}

/** 2^15 with r=8 costs 32 MiB and tens of milliseconds per attempt (OWASP's scrypt floor is 2^17 with r=8, p=1 or the equivalent). */
export const DEFAULT_SCRYPT: ScryptCost = { N: 2 ** 15, r: 8, p: 3 };
export const MIN_PASSWORD_LENGTH = 12;
/** Longer inputs only cost hashing time; no passphrase needs more. */
export const MAX_PASSWORD_LENGTH = 256;
const KEY_LENGTH = 32;

export interface PasswordError {
  readonly code: 'password-too-short' | 'password-too-long' | 'password-too-simple';
  readonly message: string;
}

/** The password rules, with a message a county clerk can act on. */
export function checkPasswordPolicy(password: string, email: string): Result<string, PasswordError> {
  const length = [...password].length;
  if (length < MIN_PASSWORD_LENGTH) {
    return err({ code: 'password-too-short', message: `A password needs at least ${MIN_PASSWORD_LENGTH} characters (this one has ${length}); a phrase of three or four words is long enough and easy to remember.` });
  }
  if (length > MAX_PASSWORD_LENGTH) return err({ code: 'password-too-long', message: `A password may have at most ${MAX_PASSWORD_LENGTH} characters (this one has ${length}).` });
  if (new Set(password).size < 4) return err({ code: 'password-too-simple', message: 'This password repeats too few different characters; choose a phrase of several words.' });
  const local = email.split('@')[0]?.toLowerCase() ?? '';
  if (local.length >= 4 && password.toLowerCase().includes(local)) {
    return err({ code: 'password-too-simple', message: 'A password must not contain the name part of your email address.' });
  }
  return ok(password);
}

function derive(password: string, salt: Buffer, cost: ScryptCost): Promise<Buffer> {
  const options: ScryptOptions = { N: cost.N, r: cost.r, p: cost.p, maxmem: 256 * cost.N * cost.r + 1024 * 1024 };
  return new Promise((resolve, reject) => {
    scrypt(password.normalize('NFC'), salt, KEY_LENGTH, options, (error, key) => (error === null ? resolve(key) : reject(error)));
  });
}

/** `scrypt$N$r$p$<salt b64>$<key b64>`: the cost travels with the hash so it can be raised later. */
export async function hashPassword(password: string, cost: ScryptCost = DEFAULT_SCRYPT): Promise<string> {
  const salt = randomBytes(16);
  const key = await derive(password, salt, cost);
  return ['scrypt', cost.N, cost.r, cost.p, salt.toString('base64'), key.toString('base64')].join('$');
}

/** True when `password` matches `stored`; compares in constant time. A malformed hash never matches. */
export async function verifyPassword(password: string, stored: string): Promise<boolean> {
  const parts = stored.split('$');
  if (parts.length !== 6 || parts[0] !== 'scrypt') return false;
  const [N, r, p] = [Number(parts[1]), Number(parts[2]), Number(parts[3])];
  if (![N, r, p].every((x) => Number.isInteger(x) && x > 0)) return false;
  const salt = Buffer.from(parts[4] ?? '', 'base64');
  const expected = Buffer.from(parts[5] ?? '', 'base64');
  if (expected.length !== KEY_LENGTH) return false;
  const key = await derive(password, salt, { N, r, p });
  return timingSafeEqual(key, expected);
}
