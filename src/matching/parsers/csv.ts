import type { LineParser, LineProblem, LogRecord } from '../record.ts';
import { addRequestUrl, applyField, isBlank, roleOf, type FieldRole } from './fields.ts';

/** Splits one CSV line (RFC 4180 quoting; fields may not span lines), or null on an unterminated quote. */
export function splitCsv(line: string, separator = ','): string[] | null {
  if (!line.includes('"')) return line.split(separator);
  const out: string[] = [];
  let i = 0;
  const n = line.length;
  for (;;) {
    if (line[i] === '"') {
      let value = '';
      i++;
      for (;;) {
        const q = line.indexOf('"', i);
        if (q < 0) return null;
        value += line.slice(i, q);
        if (line[q + 1] === '"') {
          value += '"';
          i = q + 2;
        } else {
          i = q + 1;
          break;
        }
      }
      out.push(value);
      if (i >= n) return out;
      if (line[i] !== separator) return null;
      i++;
    } else {
      const end = line.indexOf(separator, i);
      if (end < 0) {
        out.push(line.slice(i));
        return out;
      }
      out.push(line.slice(i, end));
      i = end + 1;
    }
  }
}

/** Fills a record from named columns; a host column and a path column also make a full URL. */
export function applyColumns(record: LogRecord, roles: readonly (FieldRole | null)[], values: readonly string[]): void {
  let host: string | null = null;
  for (let i = 0; i < values.length; i++) {
    const role = roles[i] ?? null;
    const value = values[i] ?? '';
    applyField(record, role, value);
    if (role === 'host' && !isBlank(value)) host = value;
  }
  addRequestUrl(record, host);
}

/** CSV with a header row naming the columns; cells of unknown columns are classified by their look. */
export function csvParser(): LineParser {
  let roles: (FieldRole | null)[] | null = null;
  return {
    parse(line: string, record: LogRecord): LineProblem | null {
      const cells = splitCsv(line);
      if (cells === null) return { code: 'unrecognized-line', message: 'unterminated or misplaced quote in a CSV line' };
      if (roles === null) {
        roles = cells.map((c) => roleOf(c.trim()));
        return null;
      }
      if (cells.length !== roles.length) return { code: 'wrong-field-count', message: `${cells.length} fields, but the header names ${roles.length}` };
      applyColumns(record, roles, cells);
      return null;
    },
  };
}
