import { getCsrfToken, toProblem, type ApiResult } from './api.ts';

export type ExportFormat = 'stix' | 'csv';

/** The file name a Content-Disposition header gives, or a default for the format. */
export function fileNameOf(disposition: string | null, format: ExportFormat): string {
  const m = disposition === null ? null : /filename="([^"]+)"/.exec(disposition);
  return m?.[1] ?? (format === 'csv' ? 'rampart-selection.csv' : 'rampart-selection.json');
}

/** The chosen ids, each once, in the order chosen; the server takes at most 1000. */
export function selectionIds(selected: ReadonlySet<string>): string[] {
  return [...selected].slice(0, 1000);
}

/** POST /api/v1/export/selection: the chosen objects as a file (only those shared with the reader); never throws. */
export async function exportSelection(ids: readonly string[], format: ExportFormat): Promise<ApiResult<{ readonly blob: Blob; readonly fileName: string }>> {
  const headers: Record<string, string> = { 'content-type': 'application/json', accept: `${format === 'csv' ? 'text/csv' : 'application/stix+json'}, application/problem+json` };
  const csrf = getCsrfToken();
  if (csrf !== null) headers['x-csrf-token'] = csrf;
  let res: Response;
  try {
    res = await fetch('/api/v1/export/selection', { method: 'POST', headers, credentials: 'same-origin', body: JSON.stringify({ ids, format }) });
  } catch {
    return { ok: false, error: toProblem(0, null, null) };
  }
  if (!res.ok) {
    let body: unknown = null;
    try {
      body = JSON.parse(await res.text()) as unknown;
    } catch {
      body = null;
    }
    return { ok: false, error: toProblem(res.status, body, res.headers.get('retry-after')) };
  }
  return { ok: true, value: { blob: await res.blob(), fileName: fileNameOf(res.headers.get('content-disposition'), format) } };
}

/** Hands a file to the browser's downloads. */
export function saveFile(blob: Blob, fileName: string): void {
  const url = URL.createObjectURL(blob);
  const a = document.createElement('a');
  a.href = url;
  a.download = fileName;
  document.body.append(a);
  a.click();
  a.remove();
  setTimeout(() => URL.revokeObjectURL(url), 10_000);
}
