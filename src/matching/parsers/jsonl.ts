import type { LineParser, LineProblem, LogRecord } from '../record.ts';
import { applyField, roleOf, type FieldRole } from './fields.ts';

const MAX_DEPTH = 16;

function walk(record: LogRecord, path: string, value: unknown, depth: number, role: FieldRole | null): void {
  if (typeof value === 'string') applyField(record, role, value);
  else if (typeof value === 'number') {
    if (role === 'src-port' || role === 'dst-port' || role === 'time') applyField(record, role, String(value));
  } else if (Array.isArray(value)) {
    for (const item of value) walk(record, path, item, depth + 1, role);
  } else if (typeof value === 'object' && value !== null && depth < MAX_DEPTH) {
    for (const [key, inner] of Object.entries(value)) {
      const at = path === '' ? key : `${path}.${key}`;
      walk(record, at, inner, depth + 1, roleOf(at));
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

/** Any JSON object per line: known field names (Zeek JSON, ECS, common SIEM exports) and values that look like indicators. */
export function jsonlParser(): LineParser {
  return {
    parse(line: string, record: LogRecord): LineProblem | null {
      const parsed = parseJsonObject(line);
      if (!parsed.ok) return parsed.error;
      walk(record, '', parsed.value, 0, null);
      return null;
    },
  };
}

/** Walks an already parsed object into the record (shared with the Suricata EVE parser). */
export function walkObject(record: LogRecord, value: Record<string, unknown>): void {
  walk(record, '', value, 0, null);
}
