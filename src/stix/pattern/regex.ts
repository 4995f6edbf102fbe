/**
 * MATCHES and LIKE as JavaScript regular expressions, compiled once per comparison.
 * STIX 2.1 §9.5 asks for PCRE; JavaScript's syntax covers the PCRE subset patterns use in practice.
 */

/** Compiles a MATCHES operand: Unicode mode when it accepts the source, else the legacy mode (which allows `\-` and friends). */
export function compileMatches(source: string): RegExp | string {
  try {
    return new RegExp(source, 'u');
  } catch {
    try {
      return new RegExp(source);
    } catch (error) {
      return (error as Error).message;
    }
  }
}

/**
 * The regex used against binary values: the same source, matched over bytes read as Latin-1
 * characters, so it exists only when every character of the source is below U+0100.
 */
export function compileBinaryMatches(source: string): RegExp | null {
  for (let i = 0; i < source.length; i++) if (source.charCodeAt(i) > 0xff) return null;
  try {
    return new RegExp(source);
  } catch {
    return null;
  }
}

/** LIKE: `%` any run of characters, `_` exactly one character, everything else literal, whole value. */
export function compileLike(operand: string): RegExp {
  let source = '^';
  for (const ch of operand) {
    if (ch === '%') source += '[\\s\\S]*';
    else if (ch === '_') source += '[\\s\\S]';
    else source += ch.replace(/[\\^$.*+?()[\]{}|]/g, '\\$&');
  }
  return new RegExp(`${source}$`, 'u');
}
