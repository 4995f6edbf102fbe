const TIMESTAMP = /^(\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2})(?:\.(\d+))?Z$/;

/**
 * A STIX timestamp as fixed-width text (nanoseconds), so that text order is time order and
 * `…:00Z` and `…:00.000Z` name the same version. Null for a string that is not a STIX timestamp.
 */
export function timestampKey(value: string): string | null {
  const m = TIMESTAMP.exec(value);
  if (m === null) return null;
  return `${m[1] ?? ''}.${(m[2] ?? '').padEnd(9, '0').slice(0, 9)}Z`;
}

/** The version key of an incoming `modified`: '' for objects without one (SCOs). */
export function versionKey(modified: string | null): string {
  if (modified === null) return '';
  return timestampKey(modified) ?? modified;
}
