/** STIX timestamps (§3.2): RFC 3339, UTC with `Z`, any sub-second precision, kept exactly as written. */

const DAYS_IN_MONTH = [31, 29, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31];

/** The number in `value`'s ASCII digits [from, to), or -1 if any is not a digit. */
function digits(value: string, from: number, to: number): number {
  let n = 0;
  for (let i = from; i < to; i++) {
    const d = value.charCodeAt(i) - 48;
    if (d < 0 || d > 9) return -1;
    n = n * 10 + d;
  }
  return n;
}

/**
 * True when `value` is a real UTC instant written as STIX requires (`YYYY-MM-DDTHH:MM:SS[.fraction]Z`);
 * `millis` demands ≥ 3 fractional digits. Read by position rather than by a regular expression: an
 * import checks several timestamps per object.
 */
export function isStixTimestamp(value: string, millis = false): boolean {
  const n = value.length;
  if (n < 20 || value[4] !== '-' || value[7] !== '-' || value[10] !== 'T' || value[13] !== ':' || value[16] !== ':' || value[n - 1] !== 'Z') return false;
  if (n === 20) {
    if (millis) return false;
  } else if (value[19] !== '.' || n < 22 || digits(value, 20, n - 1) < 0 || (millis && n < 24)) {
    // A fraction: '.', then one digit or more (three or more with `millis`), then the final Z.
    return false;
  }
  const year = digits(value, 0, 4);
  const month = digits(value, 5, 7);
  const day = digits(value, 8, 10);
  if (year < 0 || month < 1 || month > 12 || day < 1) return false;
  const leap = (year % 4 === 0 && year % 100 !== 0) || year % 400 === 0;
  const maxDay = month === 2 && !leap ? 28 : (DAYS_IN_MONTH[month - 1] ?? 0);
  if (day > maxDay) return false;
  const hour = digits(value, 11, 13);
  const minute = digits(value, 14, 16);
  const second = digits(value, 17, 19);
  // Second 60 is a leap second, which RFC 3339 allows.
  return hour >= 0 && hour <= 23 && minute >= 0 && minute <= 59 && second >= 0 && second <= 60;
}

/** Orders two valid STIX timestamps without losing precision (microseconds and beyond compare correctly). */
export function compareTimestamps(a: string, b: string): number {
  const head = a.slice(0, 19).localeCompare(b.slice(0, 19));
  if (head !== 0) return head;
  const fa = fraction(a);
  const fb = fraction(b);
  const width = Math.max(fa.length, fb.length);
  const pa = fa.padEnd(width, '0');
  const pb = fb.padEnd(width, '0');
  return pa < pb ? -1 : pa > pb ? 1 : 0;
}

function fraction(ts: string): string {
  return ts.length > 20 && ts[19] === '.' ? ts.slice(20, -1) : '';
}

/**
 * `2024-11-05T13:00:00.123456Z` → microseconds since the epoch (the store counts `added` in
 * microseconds; STIX and TAXII print up to 6 fraction digits); null when not a real UTC timestamp.
 */
export function microsFromIso(text: string): number | null {
  const match = /^(\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2})(?:\.(\d{1,9}))?Z$/.exec(text);
  if (match?.[1] === undefined) return null;
  const seconds = Date.parse(`${match[1]}Z`);
  if (Number.isNaN(seconds) || new Date(seconds).toISOString().slice(0, 19) !== match[1]) return null;
  const fraction = (match[2] ?? '').padEnd(6, '0').slice(0, 6);
  return seconds * 1000 + Number(fraction);
}

/** Microseconds since the epoch → a UTC timestamp with 6 fraction digits. */
export function isoFromMicros(micros: number): string {
  const ms = Math.floor(micros / 1000);
  const rest = micros - ms * 1000;
  return `${new Date(ms).toISOString().slice(0, -1)}${String(rest).padStart(3, '0')}Z`;
}
