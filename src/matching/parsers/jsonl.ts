import type { LineParser, LineProblem, LogRecord } from '../record.ts';
import { addRequestUrl, applyField, isBlank, roleOf, type FieldRole } from './fields.ts';

const MAX_DEPTH = 16;

/** What a walk remembers across fields: the last host field, to join with a request path (addRequestUrl). */
interface Walk {
  host: string | null;
}

function walk(record: LogRecord, seen: Walk, path: string, value: unknown, depth: number, role: FieldRole | null): void {
  if (depth > MAX_DEPTH) return;
  if (typeof value === 'string') {
    applyField(record, role, value);
    if (role === 'host' && !isBlank(value)) seen.host = value;
  } else if (typeof value === 'number') {
    if (role === 'src-port' || role === 'dst-port' || role === 'time') applyField(record, role, String(value));
  } else if (Array.isArray(value)) {
    for (const item of value) walk(record, seen, path, item, depth + 1, role);
  } else if (typeof value === 'object' && value !== null) {
    for (const [key, inner] of Object.entries(value)) {
      const at = path === '' ? key : `${path}.${key}`;
      walk(record, seen, at, inner, depth + 1, roleOf(at));
    }
  }
}

/** Parses one line as a JSON object, or says why it is not one. */
export function parseJsonObject(line: string): { readonly ok: true; readonly value: Record<string, unknown> } | { readonly ok: false; readonly error: LineProblem } {
  let value: unknown;
  try {
    value = JSON.parse(line);
  } catch (error) {
    return { ok: false, error: { code: 'malformed-json', message: `not JSON: ${(error as Error).message}` } };
  }
  if (typeof value !== 'object' || value === null || Array.isArray(value)) return { ok: false, error: { code: 'not-an-object', message: 'the line is JSON but not an object; put one JSON object on each line' } };
  return { ok: true, value: value as Record<string, unknown> };
}

/**
 * Any JSON object per line: known field names (Zeek JSON, ECS, common SIEM exports) and values that look like indicators;
 * a host field and a path (Zeek's http `host` and `uri`) also make a full URL.
 */
export function jsonlParser(): LineParser {
  return {
    parse(line: string, record: LogRecord): LineProblem | null {
      const parsed = parseJsonObject(line);
      if (!parsed.ok) return parsed.error;
      const seen: Walk = { host: null };
      walk(record, seen, '', parsed.value, 0, null);
      addRequestUrl(record, seen.host);
      return null;
    },
  };
}

/** Walks an already parsed object into the record (shared with the Suricata EVE parser, which joins its URL itself). */
export function walkObject(record: LogRecord, value: Record<string, unknown>): void {
  walk(record, { host: null }, '', value, 0, null);
}
