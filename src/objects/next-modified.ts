import { microsFromIso } from '../stix/timestamp.ts';

/** A `modified` for the next version: now, or 1 ms after the previous one when the clock has not moved past it. */
export function nextModified(previous: string | null, now: Date): string {
  const before = previous === null ? null : microsFromIso(previous);
  const nowMicros = now.getTime() * 1000;
  if (before === null || nowMicros > before) return now.toISOString();
  return new Date(Math.floor(before / 1000) + 1).toISOString();
}
