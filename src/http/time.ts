/** Microsecond timestamps: the store counts `added` in microseconds, STIX and TAXII print up to 6 fraction digits. */

/** `2024-11-05T13:00:00.123456Z` → microseconds since the epoch; null when not a real UTC timestamp. */
export function microsFromIso(text: string): number | null {
  const match = /^(\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2})(?:\.(\d{1,9}))?Z$/.exec(text);
  if (match?.[1] === undefined) return null;
  const seconds = Date.parse(`${match[1]}Z`);
  if (Number.isNaN(seconds) || new Date(seconds).toISOString().slice(0, 19) !== match[1]) return null;
  const fraction = (match[2] ?? '').padEnd(6, '0').slice(0, 6);
  return seconds * 1000 + Number(fraction);
}

export function isoFromMicros(micros: number): string {
  const ms = Math.floor(micros / 1000);
  const rest = micros - ms * 1000;
  return `${new Date(ms).toISOString().slice(0, -1)}${String(rest).padStart(3, '0')}Z`;
}

/** A `modified` for the next version: now, or 1 ms after the previous one when the clock has not moved past it. */
export function nextModified(previous: string | null, now: Date): string {
  const before = previous === null ? null : microsFromIso(previous);
  const nowMicros = now.getTime() * 1000;
  if (before === null || nowMicros > before) return now.toISOString();
  return new Date(Math.floor(before / 1000) + 1).toISOString();
}
