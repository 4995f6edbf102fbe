import type { ThrottleRow } from '../store/accounts.ts';

/** Failures allowed within a window before the subject (an account or an IP address) is locked for a while. */
export interface ThrottlePolicy {
  readonly maxFailures: number;
  readonly windowMs: number;
  readonly lockMs: number;
}

export const ACCOUNT_THROTTLE: ThrottlePolicy = { maxFailures: 5, windowMs: 15 * 60_000, lockMs: 15 * 60_000 };
export const IP_THROTTLE: ThrottlePolicy = { maxFailures: 30, windowMs: 15 * 60_000, lockMs: 15 * 60_000 };

export const accountSubject = (email: string): string => `account:${email.trim().toLowerCase()}`;
export const ipSubject = (ip: string): string => `ip:${ip}`;

/** When the subject may try again, or null when it is not locked now. */
export function lockedUntil(row: ThrottleRow | null, now: number): number | null {
  return row?.locked_until !== null && row?.locked_until !== undefined && row.locked_until > now ? row.locked_until : null;
}

/** The row after one more failure: a fresh window when the last one has passed, a lock at the limit. */
export function afterFailure(row: ThrottleRow | null, subject: string, now: number, policy: ThrottlePolicy): ThrottleRow {
  const fresh = row === null || now - row.window_start >= policy.windowMs || (row.locked_until !== null && row.locked_until <= now);
  const failures = fresh ? 1 : row.failures + 1;
  const windowStart = fresh ? now : row.window_start;
  return { subject, failures, window_start: windowStart, locked_until: failures >= policy.maxFailures ? now + policy.lockMs : null };
}

/** "Try again after 07:15 UTC (in 15 minutes)." */
export function retryMessage(until: number, now: number): string {
  const minutes = Math.max(1, Math.ceil((until - now) / 60_000));
  const at = new Date(until).toISOString().slice(11, 16);
  return `Try again after ${at} UTC (in ${minutes} minute${minutes === 1 ? '' : 's'}).`;
}
