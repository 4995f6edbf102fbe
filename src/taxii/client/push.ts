import { err, ok, type Result } from '../../domain/result.ts';
import type { CollectionLocation, TaxiiClient } from './client.ts';
import type { TaxiiClientError } from './errors.ts';
import type { StatusDetails } from './resources.ts';

export interface PushOptions {
  /** Largest envelope in bytes; the API root's max_content_length bounds it too. */
  readonly maxEnvelopeBytes?: number;
  /** Most objects per envelope (default 500). */
  readonly maxObjects?: number;
  readonly statusIntervalMs?: number;
  readonly statusTimeoutMs?: number;
  readonly sleep?: (ms: number) => Promise<void>;
  /** Called after each envelope's status is final. */
  readonly onEnvelope?: (sent: number) => void;
}

export interface PushSummary {
  readonly envelopes: number;
  readonly sent: number;
  readonly succeeded: number;
  readonly failed: number;
  readonly pending: number;
  /** Objects the server refused, with its message; and objects too large to send at all. */
  readonly failures: readonly StatusDetails[];
}

const OPEN = '{"objects":[';
const CLOSE = ']}';

function idAndVersion(json: string): { id: string; version: string } {
  const id = /"id"\s*:\s*"([^"]+)"/.exec(json)?.[1] ?? '?';
  const version = /"modified"\s*:\s*"([^"]+)"/.exec(json)?.[1] ?? /"created"\s*:\s*"([^"]+)"/.exec(json)?.[1] ?? '';
  return { id, version };
}

/**
 * Sends objects (each as its stored JSON text, bytes unchanged) in envelopes no larger than the server
 * accepts, POSTing one envelope at a time and polling its status until complete. The status failures are
 * collected, not fatal; an error value means the push could not go on (the server stopped answering).
 */
export async function pushObjects(client: TaxiiClient, where: CollectionLocation, objects: AsyncIterable<string> | Iterable<string>, options: PushOptions = {}): Promise<Result<PushSummary, TaxiiClientError>> {
  const limitBytes = Math.min(options.maxEnvelopeBytes ?? 10 * 1024 * 1024, where.apiRoot.max_content_length);
  const maxObjects = options.maxObjects ?? 500;
  const tally = { envelopes: 0, sent: 0, succeeded: 0, failed: 0, pending: 0 };
  const failures: StatusDetails[] = [];
  let batch: string[] = [];
  let bytes = Buffer.byteLength(OPEN) + Buffer.byteLength(CLOSE);

  const flush = async (): Promise<Result<void, TaxiiClientError>> => {
    if (batch.length === 0) return ok(undefined);
    const body = `${OPEN}${batch.join(',')}${CLOSE}`;
    const count = batch.length;
    batch = [];
    bytes = Buffer.byteLength(OPEN) + Buffer.byteLength(CLOSE);
    const posted = await client.addObjects(where.collectionUrl, body);
    if (!posted.ok) return posted;
    const status = await client.waitForStatus(where.apiRootUrl, posted.value, {
      intervalMs: options.statusIntervalMs ?? 1000,
      timeoutMs: options.statusTimeoutMs ?? 120_000,
      ...(options.sleep === undefined ? {} : { sleep: options.sleep }),
    });
    if (!status.ok) return status;
    tally.envelopes++;
    tally.sent += count;
    tally.succeeded += status.value.success_count;
    tally.failed += status.value.failure_count;
    tally.pending += status.value.pending_count;
    failures.push(...(status.value.failures ?? []));
    options.onEnvelope?.(tally.sent);
    return ok(undefined);
  };

  for await (const json of objects) {
    const size = Buffer.byteLength(json) + 1;
    if (Buffer.byteLength(OPEN) + Buffer.byteLength(CLOSE) + size > limitBytes) {
      tally.failed++;
      failures.push({ ...idAndVersion(json), message: `not sent: ${size} bytes is more than the server accepts in one request (${limitBytes} bytes)` });
      continue;
    }
    if (batch.length >= maxObjects || bytes + size > limitBytes) {
      const sent = await flush();
      if (!sent.ok) return err(sent.error);
    }
    batch.push(json);
    bytes += size;
  }
  const sent = await flush();
  if (!sent.ok) return err(sent.error);
  return ok({ ...tally, failures });
}
