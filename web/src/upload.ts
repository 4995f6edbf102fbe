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

/** What the import route's JSON lines say so far: how far storing got, and its end once it came. */
export interface ImportProgress {
  readonly stored: number | null;
  readonly end: { readonly result: unknown } | { readonly problem: unknown } | null;
}

/** Reads the JSON lines of POST /api/v1/import (Accept: application/x-ndjson) received so far; a last, partial line is left for later. */
export function readImportLines(text: string): ImportProgress {
  let stored: number | null = null;
  let end: ImportProgress['end'] = null;
  for (const line of text.split('\n').slice(0, -1)) {
    let parsed: unknown;
    try {
      parsed = JSON.parse(line) as unknown;
    } catch {
      continue;
    }
    if (typeof parsed !== 'object' || parsed === null) continue;
    const p = parsed as Record<string, unknown>;
    if (p['stage'] === 'storing' && typeof p['bytes'] === 'number') stored = typeof p['total'] === 'number' ? percent(p['bytes'], p['total']) : null;
    else if ('result' in p) end = { result: p['result'] };
    else if ('problem' in p) end = { problem: p['problem'] };
  }
  return { stored, end };
}

/**
 * POSTs a bundle to the import route and follows both halves: the bytes the browser sends (`onSent`, whole
 * percents) and then the share of them the hub has stored (`onStored`, whole percents, from its JSON lines).
 * Never throws.
 */
export function uploadBundle<T>(path: string, body: Blob, csrf: string | null, onSent: (pct: number) => void, onStored: (pct: number) => void): Promise<ApiResult<T>> {
  return new Promise((resolve) => {
    const xhr = new XMLHttpRequest();
    xhr.open('POST', path);
    xhr.withCredentials = true;
    xhr.setRequestHeader('content-type', 'application/json');
    xhr.setRequestHeader('accept', 'application/x-ndjson, application/problem+json');
    if (csrf !== null) xhr.setRequestHeader('x-csrf-token', csrf);
    xhr.upload.onprogress = (e) => onSent(percent(e.loaded, e.lengthComputable ? e.total : body.size));
    xhr.onprogress = () => {
      if (xhr.status < 200 || xhr.status >= 300) return;
      const { stored } = readImportLines(xhr.responseText);
      if (stored !== null) onStored(stored);
    };
    xhr.onerror = () => resolve({ ok: false, error: toProblem(0, null, null) });
    xhr.onload = () => {
      if (xhr.status >= 200 && xhr.status < 300) {
        const { end } = readImportLines(xhr.responseText);
        if (end !== null && 'result' in end) resolve({ ok: true, value: end.result as T });
        else if (end !== null) resolve({ ok: false, error: toProblem(problemStatus(end.problem), end.problem, null) });
        else resolve({ ok: false, error: toProblem(0, null, null) });
        return;
      }
      let parsed: unknown = null;
      try {
        parsed = xhr.responseText === '' ? null : (JSON.parse(xhr.responseText) as unknown);
      } catch {
        parsed = null;
      }
      resolve({ ok: false, error: toProblem(xhr.status, parsed, xhr.getResponseHeader('retry-after')) });
    };
    xhr.send(body);
  });
}

function problemStatus(problem: unknown): number {
  const status = typeof problem === 'object' && problem !== null ? (problem as Record<string, unknown>)['status'] : undefined;
  return typeof status === 'number' ? status : 500;
}
