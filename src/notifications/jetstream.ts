import { AckPolicy, connect, nanos, RetentionPolicy, StorageType, type ConsumerMessages, type NatsConnection } from 'nats';

/**
 * Hands due deliveries to server processes. Each message names one outbox row; whichever process
 * takes it leases the row in the database before sending, so a message delivered twice (a process
 * died before acknowledging it) still sends the row once unless the first process died mid-send.
 */
export interface DeliveryQueue {
  /** Queues these rows; a row queued again with the same attempt count within two minutes is dropped by the server. */
  publish(rows: readonly { readonly id: string; readonly attempts: number }[]): Promise<void>;
  /** Starts taking queued rows; `handle` leases and sends one (it resolves once the row is finished or was not free). */
  consume(handle: (id: string) => Promise<void>): void;
  close(): Promise<void>;
}

export interface JetStreamQueueOptions {
  readonly url: string;
  /** The subject prefix the hub's processes share (RAMPART_NATS_SUBJECT); the queue lives under `<prefix>.alerts`. */
  readonly subject: string;
  /** How long a process may hold a message before JetStream gives it to another (default 60 s). */
  readonly ackWaitMs?: number;
  readonly onError: (error: unknown) => void;
}

/** A stream name is letters, digits, - and _ only: derived from the subject so hubs sharing a NATS server stay apart. */
export const streamNameOf = (subject: string) => `RAMPART_ALERTS_${subject.replace(/[^A-Za-z0-9_-]/g, '_')}`;

/**
 * The queue over NATS JetStream: a work-queue stream (each message is taken by one consumer and
 * removed when acknowledged) and one durable pull consumer that every process of the hub shares.
 */
export async function jetStreamQueue(options: JetStreamQueueOptions): Promise<DeliveryQueue> {
  const nc: NatsConnection = await connect({ servers: options.url.split(',').map((s) => s.trim()), name: 'rampart-alerts', maxReconnectAttempts: -1 });
  const stream = streamNameOf(options.subject);
  const subject = `${options.subject}.alerts`;
  const jsm = await nc.jetstreamManager();
  const config = { name: stream, subjects: [subject], retention: RetentionPolicy.Workqueue, storage: StorageType.File, duplicate_window: nanos(120_000) };
  try {
    await jsm.streams.info(stream);
  } catch {
    await jsm.streams.add(config).catch(async (error: unknown) => {
      // Another process made it in the meantime.
      await jsm.streams.info(stream).catch(() => {
        throw error;
      });
    });
  }
  const durable = 'rampart-deliver';
  await jsm.consumers.add(stream, { durable_name: durable, ack_policy: AckPolicy.Explicit, ack_wait: nanos(options.ackWaitMs ?? 60_000), max_deliver: -1 }).catch(() => undefined);
  const js = nc.jetstream();
  let messages: ConsumerMessages | null = null;
  let loop: Promise<void> | null = null;
  return {
    async publish(rows) {
      for (const row of rows) await js.publish(subject, row.id, { msgID: `${row.id}:${row.attempts}` });
    },
    consume(handle) {
      loop = (async () => {
        const consumer = await js.consumers.get(stream, durable);
        messages = await consumer.consume({ max_messages: 20 });
        for await (const message of messages) {
          try {
            await handle(message.string());
            message.ack();
          } catch (error) {
            options.onError(error);
            // Handed to another process (or this one) again later.
            message.nak(5_000);
          }
        }
      })().catch(options.onError);
    },
    async close() {
      await messages?.close();
      await loop;
      await nc.drain();
    },
  };
}
