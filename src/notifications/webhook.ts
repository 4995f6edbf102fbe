import { createHmac, randomBytes, timingSafeEqual } from 'node:crypto';
import http from 'node:http';
import https from 'node:https';
import { err, ok, type Result } from '../domain/result.ts';

/** The headers every webhook request carries (docs/alerts.md). */
export const SIGNATURE_HEADER = 'rampart-signature';
export const DELIVERY_HEADER = 'rampart-delivery';

/** A new signing secret: 32 random bytes, shown to the org-admin once as `whsec_<base64url>`. */
export const newWebhookSecret = (): string => `whsec_${randomBytes(32).toString('base64url')}`;

/** `t=<unix seconds>,v1=<hex HMAC-SHA256 of "<t>.<body>" under the secret>`. */
export function signature(secret: string, timestamp: number, body: string): string {
  const mac = createHmac('sha256', secret).update(`${timestamp}.${body}`).digest('hex');
  return `t=${timestamp},v1=${mac}`;
}

/** What a receiver does (and the tests): checks the signature and that it is fresh. */
export function verifySignature(secret: string, header: string, body: string, nowSeconds: number, toleranceSeconds = 300): boolean {
  const parts = new Map(header.split(',').map((p) => [p.slice(0, p.indexOf('=')), p.slice(p.indexOf('=') + 1)] as const));
  const t = Number(parts.get('t'));
  const given = parts.get('v1') ?? '';
  if (!Number.isInteger(t) || Math.abs(nowSeconds - t) > toleranceSeconds || !/^[0-9a-f]{64}$/.test(given)) return false;
  const expected = createHmac('sha256', secret).update(`${t}.${body}`).digest();
  return timingSafeEqual(expected, Buffer.from(given, 'hex'));
}

/** Why a webhook URL is refused: https only, except to this machine (a receiver beside the hub, and tests). */
export function checkWebhookUrl(text: string): Result<string, string> {
  let url: URL;
  try {
    url = new URL(text);
  } catch {
    return err(`"${text}" is not a web address; give one such as https://soc.example.gov/rampart`);
  }
  const local = url.hostname === '127.0.0.1' || url.hostname === 'localhost' || url.hostname === '[::1]';
  if (url.protocol !== 'https:' && !(url.protocol === 'http:' && local)) return err('the address must start with https:// (plain http:// only to this machine)');
  if (url.username !== '' || url.password !== '') return err('put no user name or password in the address; requests are signed instead');
  return ok(url.toString());
}

export interface WebhookRequest {
  readonly url: string;
  readonly secret: string;
  readonly deliveryId: string;
  readonly body: string;
  readonly timestampSeconds: number;
}

/** Sends a webhook request; ok when the receiver answered 2xx, otherwise what went wrong, in a line. */
export type WebhookSender = (request: WebhookRequest) => Promise<Result<void, string>>;

/**
 * POSTs over node:http(s) with keep-alive agents: one connection per receiver is reused for the next
 * deliveries (fetch cost about twice the CPU per request here). Redirects are not followed: a 3xx is a failure.
 */
export function httpWebhookSender(timeoutMs = 10_000, maxSockets = 64): WebhookSender {
  const agents = { http: new http.Agent({ keepAlive: true, maxSockets }), https: new https.Agent({ keepAlive: true, maxSockets }) };
  return (request) =>
    new Promise((resolve) => {
      let url: URL;
      try {
        url = new URL(request.url);
      } catch {
        resolve(err(`cannot reach the receiver: "${request.url}" is not a web address`));
        return;
      }
      const secure = url.protocol === 'https:';
      const body = Buffer.from(request.body);
      const req = (secure ? https : http).request(url, {
        method: 'POST',
        agent: secure ? agents.https : agents.http,
        headers: {
          'content-type': 'application/json',
          'content-length': body.length,
          'user-agent': 'Rampart-Webhook/1',
          [DELIVERY_HEADER]: request.deliveryId,
          [SIGNATURE_HEADER]: signature(request.secret, request.timestampSeconds, request.body),
        },
        timeout: timeoutMs,
      });
      req.on('response', (response) => {
        const status = response.statusCode ?? 0;
        // The answer's body is not read, only drained so that the connection can be reused.
        response.resume();
        resolve(status >= 200 && status < 300 ? ok(undefined) : err(`the receiver answered ${status}`));
      });
      req.on('timeout', () => req.destroy(Object.assign(new Error(`no answer within ${timeoutMs} ms`), { code: 'ETIMEDOUT' })));
      req.on('error', (error: NodeJS.ErrnoException) => resolve(err(`cannot reach the receiver: ${error.code ?? error.message}`)));
      req.end(body);
    });
}

/** Exponential back-off with jitter: `base · 2^(attempt-1)`, at most `cap`, then a random half of it to a whole. */
export function backoffMs(attempt: number, baseMs: number, capMs: number, random: () => number = Math.random): number {
  const ceiling = Math.min(capMs, baseMs * 2 ** Math.max(0, attempt - 1));
  return Math.round(ceiling / 2 + random() * (ceiling / 2));
}
