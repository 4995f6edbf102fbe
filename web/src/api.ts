/** The REST client: every call returns a value, never throws; problems carry the server's `detail`. */
export interface ApiProblem {
  readonly status: number;
  readonly title: string;
  readonly detail: string;
  readonly code: string;
  /** Seconds to wait before retrying (locked account, rate limit), when the server says. */
  readonly retryAfter: number | null;
  /** Per-field problems (`errors` of the problem+json body), e.g. which STIX property is wrong. */
  readonly errors: readonly { readonly path: string | null; readonly message: string }[];
}

export type ApiResult<T> = { readonly ok: true; readonly value: T } | { readonly ok: false; readonly error: ApiProblem };

let csrfToken: string | null = null;

/** Remember the CSRF token the server gave at sign-in (or in /me) for cookie-authenticated writes. */
export function setCsrfToken(token: string | null): void {
  csrfToken = token;
}

/** The CSRF token for writes that do not go through `api` (uploads with progress). */
export function getCsrfToken(): string | null {
  return csrfToken;
}

function isRecord(v: unknown): v is Record<string, unknown> {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}

function str(v: unknown): string | null {
  return typeof v === 'string' && v !== '' ? v : null;
}

/** Turns any error response into a problem a person can read: problem+json `detail` first. */
export function toProblem(status: number, body: unknown, retryAfterHeader: string | null): ApiProblem {
  const b = isRecord(body) ? body : {};
  const headerSeconds = retryAfterHeader === null ? NaN : Number(retryAfterHeader);
  const bodySeconds = typeof b['retry_after'] === 'number' ? b['retry_after'] : NaN;
  const retryAfter = Number.isFinite(bodySeconds) ? bodySeconds : Number.isFinite(headerSeconds) ? headerSeconds : null;
  const title = str(b['title']) ?? (status === 0 ? 'No connection' : `Request failed (${status})`);
  const detail =
    str(b['detail']) ?? str(b['message']) ?? (status === 0 ? 'Rampart could not be reached. Check your connection and try again.' : title);
  const errors = Array.isArray(b['errors'])
    ? b['errors'].flatMap((e) => (isRecord(e) && str(e['message']) !== null ? [{ path: str(e['path']), message: str(e['message']) ?? '' }] : []))
    : [];
  return { status, title, detail, code: str(b['code']) ?? `http-${status}`, retryAfter, errors };
}

export async function api<T>(method: 'GET' | 'POST' | 'PUT' | 'PATCH' | 'DELETE', path: string, body?: unknown): Promise<ApiResult<T>> {
  const headers: Record<string, string> = { accept: 'application/json' };
  if (body !== undefined) headers['content-type'] = 'application/json';
  if (method !== 'GET' && csrfToken !== null) headers['x-csrf-token'] = csrfToken;
  let res: Response;
  try {
    res = await fetch(path, { method, headers, credentials: 'same-origin', ...(body === undefined ? {} : { body: JSON.stringify(body) }) });
  } catch {
    return { ok: false, error: toProblem(0, null, null) };
  }
  const text = await res.text();
  let parsed: unknown = null;
  if (text !== '') {
    try {
      parsed = JSON.parse(text) as unknown;
    } catch {
      parsed = null;
    }
  }
  if (!res.ok) return { ok: false, error: toProblem(res.status, parsed, res.headers.get('retry-after')) };
  return { ok: true, value: parsed as T };
}

/** The query string for a list request, leaving out empty values. */
export function query(params: Readonly<Record<string, string | number | null | undefined>>): string {
  const q = new URLSearchParams();
  for (const [k, v] of Object.entries(params)) if (v !== null && v !== undefined && v !== '') q.set(k, String(v));
  const s = q.toString();
  return s === '' ? '' : `?${s}`;
}
