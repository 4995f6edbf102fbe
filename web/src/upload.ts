import { toProblem, type ApiResult } from './api.ts';

export const LOG_FORMATS = ['auto', 'jsonl', 'csv', 'zeek', 'dns', 'nginx', 'suricata-eve'] as const;
export type LogFormat = (typeof LOG_FORMATS)[number];

export interface MatchOptions {
  readonly format: LogFormat;
  readonly publish: boolean;
  readonly includeWarningListed: boolean;
}

/** The POST /api/v1/match address for these options (every query parameter is spelled out). */
export function matchPath(o: MatchOptions): string {
  const q = new URLSearchParams({ format: o.format, publish: String(o.publish), include_warning_listed: String(o.includeWarningListed) });
  return `/api/v1/match?${q.toString()}`;
}

/** NDJSON for .jsonl/.ndjson/.json files and Suricata EVE; plain text for everything else. */
export function contentTypeFor(fileName: string, format: LogFormat): string {
  if (format === 'jsonl' || format === 'suricata-eve' || /\.(jsonl|ndjson|json)$/i.test(fileName)) return 'application/x-ndjson';
  return 'text/plain';
}

/** Whole percent of an upload, 0..100; unknown totals count as 0 until done. */
export function percent(loaded: number, total: number): number {
  if (!(total > 0)) return 0;
  return Math.max(0, Math.min(100, Math.floor((loaded / total) * 100)));
}

/** Bytes in words: "512 B", "2.4 MB". */
export function formatBytes(n: number): string {
  if (n < 1024) return `${n} B`;
  const units = ['KB', 'MB', 'GB'];
  let v = n / 1024;
  let i = 0;
  while (v >= 1024 && i < units.length - 1) {
    v /= 1024;
    i += 1;
  }
  return `${v.toFixed(v < 10 ? 1 : 0)} ${units[i] ?? 'GB'}`;
}

/**
 * POSTs a body with XMLHttpRequest because fetch cannot report upload progress; never throws.
 * `onProgress` gets whole percents.
 */
export function upload<T>(path: string, body: Blob, contentType: string, csrf: string | null, onProgress: (pct: number) => void): Promise<ApiResult<T>> {
  return new Promise((resolve) => {
    const xhr = new XMLHttpRequest();
    xhr.open('POST', path);
    xhr.withCredentials = true;
    xhr.setRequestHeader('content-type', contentType);
    xhr.setRequestHeader('accept', 'application/json');
    if (csrf !== null) xhr.setRequestHeader('x-csrf-token', csrf);
    xhr.upload.onprogress = (e) => onProgress(percent(e.loaded, e.lengthComputable ? e.total : body.size));
    xhr.onerror = () => resolve({ ok: false, error: toProblem(0, null, null) });
    xhr.onload = () => {
      let parsed: unknown = null;
      try {
        parsed = xhr.responseText === '' ? null : (JSON.parse(xhr.responseText) as unknown);
      } catch {
        parsed = null;
      }
      if (xhr.status >= 200 && xhr.status < 300) resolve({ ok: true, value: parsed as T });
      else resolve({ ok: false, error: toProblem(xhr.status, parsed, xhr.getResponseHeader('retry-after')) });
    };
    xhr.send(body);
  });
}
