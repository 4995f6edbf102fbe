import type { LineParser, LineProblem, LogRecord } from '../record.ts';
import { addRequestUrl } from './fields.ts';
import { walkObject, parseJsonObject } from './jsonl.ts';

function text(value: unknown): string | null {
  return typeof value === 'string' && value !== '' ? value : null;
}

function section(value: Record<string, unknown>, name: string): Record<string, unknown> | null {
  const inner = value[name];
  return typeof inner === 'object' && inner !== null && !Array.isArray(inner) ? (inner as Record<string, unknown>) : null;
}

/**
 * Suricata EVE JSON: flow addresses and ports, DNS queries and answers, HTTP host/URL/user agent,
 * TLS SNI, file hashes, SMTP addresses; the HTTP host and path are also joined into a full URL.
 */
export function suricataEveParser(): LineParser {
  return {
    parse(line: string, record: LogRecord): LineProblem | null {
      const parsed = parseJsonObject(line);
      if (!parsed.ok) return parsed.error;
      const event = parsed.value;
      if (typeof event['event_type'] !== 'string') return { code: 'unrecognized-line', message: 'not a Suricata EVE event: the "event_type" field is missing' };
      walkObject(record, event);
      const http = section(event, 'http');
      // http.url is the request target (its role is 'uri'), so the shared join applies, with Suricata's port.
      if (http !== null) addRequestUrl(record, text(http['hostname']), typeof http['http_port'] === 'number' ? http['http_port'] : null);
      return null;
    },
  };
}
