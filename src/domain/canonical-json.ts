/**
 * RFC 8785 JSON Canonicalization Scheme (JCS): the one byte form a statement is signed in, so that any
 * verifier, in any language, rebuilds the same bytes. Object members sorted by their names' UTF-16 code
 * units, no whitespace, strings and numbers serialized as ECMAScript's JSON.stringify does (which is what
 * RFC 8785 specifies for them). Values JSON cannot hold (undefined, functions, non-finite numbers) are bugs.
 */
export function canonicalJson(value: unknown): string {
  if (value === null || typeof value === 'boolean' || typeof value === 'string') return JSON.stringify(value);
  if (typeof value === 'number') {
    if (!Number.isFinite(value)) throw new Error(`canonical JSON has no form for ${String(value)}`);
    return JSON.stringify(value);
  }
  if (Array.isArray(value)) return `[${value.map((v: unknown) => canonicalJson(v)).join(',')}]`;
  if (typeof value === 'object') {
    const entries = Object.entries(value as Record<string, unknown>).filter(([, v]) => v !== undefined);
    // Array.prototype.sort without a comparator orders by UTF-16 code units, exactly as RFC 8785 §3.2.3 asks.
    const names = entries.map(([k]) => k).sort();
    const map = new Map(entries);
    return `{${names.map((k) => `${JSON.stringify(k)}:${canonicalJson(map.get(k))}`).join(',')}}`;
  }
  throw new Error(`canonical JSON has no form for a ${typeof value}`);
}
