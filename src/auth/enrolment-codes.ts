import { randomInt } from 'node:crypto';
import type { UserId } from '../domain/ids.ts';
import { sha256Hex } from './tokens.ts';

// No 0/O, 1/I/L: the code is read aloud or typed from a note by someone who did not choose it.
const ALPHABET = 'ABCDEFGHJKMNPQRSTUVWXYZ23456789';
const LENGTH = 12;

/** How long an enrolment code stays usable after it is issued. */
export const ENROLMENT_CODE_TTL_MS = 24 * 3_600_000;

/** A new one-time enrolment code, `XXXX-XXXX-XXXX` (12 of 31 characters, about 59 bits); shown once. */
export function newEnrolmentCode(): string {
  let code = '';
  for (let i = 0; i < LENGTH; i++) code += ALPHABET.charAt(randomInt(ALPHABET.length));
  return `${code.slice(0, 4)}-${code.slice(4, 8)}-${code.slice(8)}`;
}

/** The code as typed, without spaces or dashes and in capitals (people copy it with either). */
export function normalizeEnrolmentCode(typed: string): string {
  return typed.replace(/[\s-]/g, '').toUpperCase();
}

/** What is stored: bound to the person, so a code hash copied to another person's row does not open there. */
export function enrolmentCodeHash(userId: UserId, typed: string): string {
  return sha256Hex(`${userId}:${normalizeEnrolmentCode(typed)}`);
}
