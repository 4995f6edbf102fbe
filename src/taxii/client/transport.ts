import { err, ok, type Result } from '../../domain/result.ts';
import { taxiiError, type TaxiiClientError, type TaxiiClientErrorCode } from './errors.ts';
import { TAXII_MEDIA_TYPE, readableContentType } from './media.ts';
import { parseErrorBody } from './resources.ts';

/** How the client proves who it is: HTTP Basic (TAXII 2.1 §8.2.2: clients MUST support it) or a bearer API key. */
export type TaxiiAuth =
  | { readonly kind: 'none' }
  | { readonly kind: 'basic'; readonly user: string; readonly password: string }
  | { readonly kind: 'bearer'; readonly token: string };

export interface RetryPolicy {
  /** Further attempts after the first one fails with a network error, 429 or 5xx. */
  readonly retries: number;
  /** First back-off; doubles each attempt, with jitter, up to maxDelayMs. */
  readonly baseDelayMs: number;
  readonly maxDelayMs: number;
  /** A Retry-After longer than this ends the request rather than stalling a pull for hours. */
  readonly maxRetryAfterMs: number;
}

export const DEFAULT_RETRY: RetryPolicy = { retries: 5, baseDelayMs: 500, maxDelayMs: 30_000, maxRetryAfterMs: 300_000 };

export interface RetryEvent {
  readonly url: string;
  readonly attempt: number;
  readonly delayMs: number;
  readonly reason: string;
}

export interface TransportOptions {
  readonly auth: TaxiiAuth;
  readonly retry?: Partial<RetryPolicy>;
  /** Per attempt (default 60 s). */
  readonly timeoutMs?: number;
  readonly fetch?: typeof fetch;
  readonly sleep?: (ms: number) => Promise<void>;
  /** In [0, 1): the jitter source. */
  readonly random?: () => number;
  /** Milliseconds since the epoch, to read an HTTP-date Retry-After. */
  readonly now?: () => number;
  readonly onRetry?: (event: RetryEvent) => void;
  readonly userAgent?: string;
  /** Largest response body read (default 256 MiB): a remote cannot exhaust this hub's memory. */
  readonly maxResponseBytes?: number;
}

export interface TaxiiResponse {
  readonly url: string;
  readonly status: number;
  readonly headers: Headers;
  /** The parsed JSON body; null when the body was empty. */
  readonly body: unknown;
  /** The body as received, so objects can be stored with their exact bytes. */
  readonly text: string;
}

export interface RequestOptions {
  readonly method?: 'GET' | 'POST' | 'DELETE';
  /** A JSON body; sent as application/taxii+json;version=2.1. */
  readonly body?: string;
}

export interface TaxiiTransport {
  request(url: string, options?: RequestOptions): Promise<Result<TaxiiResponse, TaxiiClientError>>;
}

const RETRIED_STATUS = new Set([429, 500, 502, 503, 504]);

export const DEFAULT_MAX_RESPONSE_BYTES = 256 * 1024 * 1024;

/** The body as text, or null when it is larger than `max` bytes (the rest is not read). */
async function boundedText(response: Response, max: number): Promise<string | null> {
  if (response.body === null) return '';
  const chunks: Uint8Array[] = [];
  let total = 0;
  // Leaving the loop early cancels the stream, so the rest of an oversized body is never read.
  for await (const chunk of response.body as unknown as AsyncIterable<Uint8Array>) {
    total += chunk.byteLength;
    if (total > max) return null;
    chunks.push(chunk);
  }
  return Buffer.concat(chunks).toString('utf8');
}

/** Seconds or an HTTP-date (RFC 9110 §10.2.3), as milliseconds from now; undefined when absent or unreadable. */
export function retryAfterMs(header: string | null, now: number): number | undefined {
  if (header === null) return undefined;
  const value = header.trim();
  if (/^\d+$/.test(value)) return Number(value) * 1000;
  const at = Date.parse(value);
  return Number.isNaN(at) ? undefined : Math.max(0, at - now);
}

/** Exponential back-off with "equal jitter": half the window fixed, half random, so retries from many clients spread. */
export function backoffMs(attempt: number, policy: RetryPolicy, random: () => number): number {
  const window = Math.min(policy.maxDelayMs, policy.baseDelayMs * 2 ** attempt);
  return Math.round(window / 2 + random() * (window / 2));
}

function authorization(auth: TaxiiAuth): string | undefined {
  switch (auth.kind) {
    case 'none':
      return undefined;
    case 'basic':
      return `Basic ${Buffer.from(`${auth.user}:${auth.password}`, 'utf8').toString('base64')}`;
    case 'bearer':
      return `Bearer ${auth.token}`;
  }
}

function codeOfStatus(status: number): TaxiiClientErrorCode {
  if (status === 401) return 'taxii-unauthorized';
  if (status === 403) return 'taxii-forbidden';
  if (status === 404) return 'taxii-not-found';
  return 'taxii-rejected';
}

function advice(status: number): string {
  if (status === 401) return '; check the user and password or API key';
  if (status === 403) return '; these credentials may not do this (can_read / can_write)';
  if (status === 404) return '; check the URL and collection id';
  if (status === 406) return '; the server does not accept application/taxii+json;version=2.1';
  if (status === 413) return '; send smaller envelopes';
  return '';
}

/** What a TAXII error resource says, else the start of the body. */
function describeBody(text: string): string {
  let json: unknown;
  try {
    json = JSON.parse(text);
  } catch {
    return text.trim().slice(0, 200);
  }
  const parsed = parseErrorBody(json);
  if (!parsed.ok) return text.trim().slice(0, 200);
  return [parsed.value.title, parsed.value.description].filter((s) => s !== undefined && s !== '').join(': ');
}

/** HTTP for TAXII: media types, authentication, retries with back-off on network errors, 429 and 5xx (honouring Retry-After). */
export function taxiiTransport(options: TransportOptions): TaxiiTransport {
  const policy: RetryPolicy = { ...DEFAULT_RETRY, ...options.retry };
  const doFetch = options.fetch ?? fetch;
  const sleep = options.sleep ?? ((ms: number) => new Promise<void>((resolve) => setTimeout(resolve, ms)));
  const random = options.random ?? Math.random;
  const now = options.now ?? Date.now;
  const timeoutMs = options.timeoutMs ?? 60_000;
  const maxResponseBytes = options.maxResponseBytes ?? DEFAULT_MAX_RESPONSE_BYTES;
  const auth = authorization(options.auth);

  return {
    async request(url, request = {}) {
      let parsedUrl: URL;
      try {
        parsedUrl = new URL(url);
      } catch {
        return err(taxiiError('taxii-invalid-url', `"${url}" is not a URL; give the server's discovery or API root URL, e.g. https://hub.example.gov/taxii2/`));
      }
      if (parsedUrl.protocol !== 'https:' && parsedUrl.protocol !== 'http:') {
        return err(taxiiError('taxii-invalid-url', `"${url}" is not an http(s) URL`, { url }));
      }
      const headers: Record<string, string> = { accept: TAXII_MEDIA_TYPE, 'user-agent': options.userAgent ?? 'rampart-taxii-client/2.1' };
      if (auth !== undefined) headers['authorization'] = auth;
      if (request.body !== undefined) headers['content-type'] = TAXII_MEDIA_TYPE;
      const method = request.method ?? (request.body === undefined ? 'GET' : 'POST');

      for (let attempt = 0; ; attempt++) {
        let failure: { reason: string; code: TaxiiClientErrorCode; status?: number; wait?: number };
        try {
          const response = await doFetch(url, { method, headers, ...(request.body === undefined ? {} : { body: request.body }), signal: AbortSignal.timeout(timeoutMs) });
          const text = await boundedText(response, maxResponseBytes);
          if (text === null) {
            return err(taxiiError('taxii-bad-response', `${method} ${url} answered with more than ${maxResponseBytes} bytes; ask for smaller pages (a lower limit)`, { url, status: response.status }));
          }
          if (response.ok) return parseBody(url, response, text);
          if (!RETRIED_STATUS.has(response.status)) {
            const said = describeBody(text);
            return err(
              taxiiError(codeOfStatus(response.status), `${method} ${url} answered ${response.status}${said === '' ? '' : ` (${said})`}${advice(response.status)}`, { url, status: response.status }),
            );
          }
          const wait = retryAfterMs(response.headers.get('retry-after'), now());
          failure = { reason: `HTTP ${response.status}`, code: 'taxii-unavailable', status: response.status, ...(wait === undefined ? {} : { wait }) };
        } catch (error) {
          const cause = error instanceof Error && error.cause instanceof Error ? `: ${error.cause.message}` : '';
          const reason = error instanceof Error && error.name === 'TimeoutError' ? `no answer within ${timeoutMs} ms` : `${error instanceof Error ? error.message : String(error)}${cause}`;
          failure = { reason, code: 'taxii-network' };
        }
        const tooLong = failure.wait !== undefined && failure.wait > policy.maxRetryAfterMs;
        if (attempt >= policy.retries || tooLong) {
          const why = tooLong ? `the server asked to wait ${Math.round((failure.wait ?? 0) / 1000)} s (Retry-After), longer than ${policy.maxRetryAfterMs / 1000} s` : `gave up after ${attempt + 1} attempts`;
          return err(taxiiError(failure.code, `${method} ${url} failed (${failure.reason}); ${why}; try again later`, { url, ...(failure.status === undefined ? {} : { status: failure.status }) }));
        }
        const delayMs = failure.wait ?? backoffMs(attempt, policy, random);
        options.onRetry?.({ url, attempt: attempt + 1, delayMs, reason: failure.reason });
        await sleep(delayMs);
      }
    },
  };
}

function parseBody(url: string, response: Response, text: string): Result<TaxiiResponse, TaxiiClientError> {
  const type = readableContentType(response.headers.get('content-type'));
  if (!type.ok) return err(taxiiError('taxii-bad-response', `${url}: ${type.reason}`, { url, status: response.status }));
  if (text.trim() === '') return ok({ url, status: response.status, headers: response.headers, body: null, text });
  try {
    return ok({ url, status: response.status, headers: response.headers, body: JSON.parse(text) as unknown, text });
  } catch {
    return err(taxiiError('taxii-bad-response', `${url} answered ${response.status} with a body that is not JSON: ${text.trim().slice(0, 120)}`, { url, status: response.status }));
  }
}
