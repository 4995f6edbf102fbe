import { err, ok, type Result } from '../domain/result.ts';
import { csvParser } from './parsers/csv.ts';
import { dnsParser } from './parsers/dns.ts';
import { jsonlParser } from './parsers/jsonl.ts';
import { nginxParser } from './parsers/nginx.ts';
import { suricataEveParser } from './parsers/suricata-eve.ts';
import { zeekParser } from './parsers/zeek.ts';
import type { LineParser } from './record.ts';

export const LOG_FORMATS = ['jsonl', 'csv', 'zeek', 'dns', 'nginx', 'suricata-eve'] as const;
export type LogFormat = (typeof LOG_FORMATS)[number];
export type FormatChoice = LogFormat | 'auto';

export interface FormatError {
  readonly code: 'unknown-format' | 'format-not-detected';
  readonly message: string;
}

export function parseFormatChoice(value: string): Result<FormatChoice, FormatError> {
  if (value === 'auto' || (LOG_FORMATS as readonly string[]).includes(value)) return ok(value as FormatChoice);
  return err({ code: 'unknown-format', message: `unknown log format "${value}"; use auto, ${LOG_FORMATS.join(', ')}` });
}

export function parserFor(format: LogFormat): LineParser {
  switch (format) {
    case 'jsonl':
      return jsonlParser();
    case 'csv':
      return csvParser();
    case 'zeek':
      return zeekParser();
    case 'dns':
      return dnsParser();
    case 'nginx':
      return nginxParser();
    case 'suricata-eve':
      return suricataEveParser();
  }
}

const NGINX = /^\S+ \S+ \S+ \[[^\]]+\] "[^"]*" \d{3} /;
const DNS_HINT = /(?: client (?:@\S+ )?[0-9a-fA-F.:]+#\d+.*query: | dnsmasq\[\d+\]: |^\[\d+\] unbound\[)/;

/** Lines inspected to recognise a format with `--format auto`. */
export const DETECT_LINES = 5;

/** Recognises a log format from its first lines (blank lines ignored), or says it cannot. */
export function detectFormat(lines: readonly string[]): Result<LogFormat, FormatError> {
  const sample = lines.filter((l) => l.trim() !== '');
  const first = sample[0];
  if (first === undefined) return err({ code: 'format-not-detected', message: 'the input has no lines to recognise a format from; give --format' });
  if (first.startsWith('#separator') || first.startsWith('#fields') || first.startsWith('#path')) return ok('zeek');
  if (first.trimStart().startsWith('{')) {
    try {
      const value: unknown = JSON.parse(first);
      if (typeof value === 'object' && value !== null && 'event_type' in value && ('src_ip' in value || 'dest_ip' in value || 'timestamp' in value)) return ok('suricata-eve');
      return ok('jsonl');
    } catch {
      // Not JSON after all: try the line formats below.
    }
  }
  if (NGINX.test(first)) return ok('nginx');
  if (DNS_HINT.test(first)) return ok('dns');
  const commas = first.split(',').length;
  if (commas > 1 && sample.slice(1).every((l) => l.split(',').length === commas || l.includes('"'))) return ok('csv');
  return err({ code: 'format-not-detected', message: `cannot tell the log format from its first lines; give --format (${LOG_FORMATS.join(', ')})` });
}
