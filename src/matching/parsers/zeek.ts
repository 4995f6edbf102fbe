import type { LineParser, LineProblem, LogRecord } from '../record.ts';
import { applyColumns } from './csv.ts';
import { roleOf, type FieldRole } from './fields.ts';

function unescape(text: string): string {
  return text.replace(/\\x([0-9a-fA-F]{2})/g, (_, hex: string) => String.fromCharCode(parseInt(hex, 16)));
}

/** Zeek TSV logs (conn, dns, http, ssl, files and others): columns named by the `#fields` header. */
export function zeekParser(): LineParser {
  let separator = '\t';
  let roles: (FieldRole | null)[] | null = null;
  return {
    parse(line: string, record: LogRecord): LineProblem | null {
      if (line.startsWith('#')) {
        if (line.startsWith('#separator')) separator = unescape(line.slice('#separator'.length).trim()) || '\t';
        else if (line.startsWith('#fields')) roles = line.split(separator).slice(1).map((f) => roleOf(f));
        return null;
      }
      if (roles === null) return { code: 'no-header', message: 'a Zeek log line before any #fields header; keep the header lines of the log' };
      const cells = line.split(separator);
      if (cells.length !== roles.length) return { code: 'wrong-field-count', message: `${cells.length} fields, but #fields names ${roles.length}` };
      applyColumns(record, roles, cells);
      return null;
    },
  };
}
