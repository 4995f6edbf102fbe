import { Type, type Static } from '@sinclair/typebox';
import { TypeCompiler } from '@sinclair/typebox/compiler';
import { connect, type NatsConnection } from 'nats';

/**
 * What live feeds hear: only that something changed, never the object. Each feed then asks the
 * store what is new for its own reader, so the visibility rule stays in the store's queries.
 * - `stored`: a write committed new objects or versions (revocations are new versions); with `audience`
 *   and `owners` (read back from the rows stored, when they were few) a feed whose reader holds none of
 *   those keys and is none of those owners need not ask the store: nothing new can be for it.
 *   With `versions` too (each version's id and added time, the same rows) a process asks the store once per
 *   version which of its feeds' key sets may see it (seenBy) instead of each feed asking what is new;
 * - `reshared`: an owner (or a federation pull, or a TAXII delete) changed who an object is shared with; with `at_us`,
 *   when the store logged it (its clock, as added times): a feed's cursor moves past it, so a resumed stream does not repeat it;
 *   with `owner`, whose record of the id it was (other owners' records of an observable did not change);
 * - `support`: a support request changed; only the organizations named (its requester, provider and
 *   added parties) hear of it, and they ask for the request like any reader;
 * - `access`: credentials were taken away (a key revoked, a person disabled or signed out, a group left):
 *   the streams of those organizations (of all, without `orgs`) read their readers again at once.
 */
export const ChangeSchema = Type.Union([
  Type.Object(
    {
      kind: Type.Literal('stored'),
      count: Type.Integer({ minimum: 1 }),
      audience: Type.Optional(Type.Array(Type.String({ maxLength: 300 }), { maxItems: 1000 })),
      owners: Type.Optional(Type.Array(Type.String({ maxLength: 300 }), { maxItems: 1000 })),
      versions: Type.Optional(Type.Array(Type.Object({ id: Type.String({ minLength: 1, maxLength: 300 }), added_us: Type.Integer({ minimum: 0 }) }, { additionalProperties: false }), { maxItems: 1000 })),
    },
    { additionalProperties: false },
  ),
  Type.Object(
    { kind: Type.Literal('reshared'), id: Type.String({ minLength: 1, maxLength: 300 }), owner: Type.Optional(Type.String({ minLength: 1, maxLength: 300 })), at_us: Type.Optional(Type.Integer({ minimum: 0 })) },
    { additionalProperties: false },
  ),
  Type.Object({ kind: Type.Literal('access'), orgs: Type.Optional(Type.Array(Type.String({ maxLength: 300 }), { maxItems: 200 })) }, { additionalProperties: false }),
  Type.Object({ kind: Type.Literal('support'), request_id: Type.String({ minLength: 1, maxLength: 100 }), orgs: Type.Array(Type.String({ maxLength: 300 }), { maxItems: 200 }) }, { additionalProperties: false }),
]);
export type Change = Static<typeof ChangeSchema>;

const changeCheck = TypeCompiler.Compile(ChangeSchema);

/** Changes sent in one message at most (publishAll): a large import's re-shares go in a few messages, not one each. */
export const CHANGES_PER_MESSAGE = 500;

const changesCheck = TypeCompiler.Compile(Type.Array(ChangeSchema, { minItems: 1, maxItems: CHANGES_PER_MESSAGE }));

/** A change read off the wire, or null when the bytes are not one (another program on the subject). */
export function parseChange(text: string): Change | null {
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch {
    return null;
  }
  return changeCheck.Check(value) ? value : null;
}

/** The changes of one message: one change, or a list of them (publishAll); none when the bytes are neither. */
export function parseChanges(text: string): readonly Change[] {
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch {
    return [];
  }
  if (changeCheck.Check(value)) return [value];
  return changesCheck.Check(value) ? value : [];
}

export type Listener = (change: Change) => void;

/** Fan-out of changes to the live feeds of this process and, with NATS, of every process on the subject. */
export interface ChangeBus {
  publish(change: Change): void;
  /**
   * Each of `changes`, as publish would, in as few messages as the transport allows (NATS: CHANGES_PER_MESSAGE to a
   * message; a process of the previous version refuses such a message, and its catch-up finds what it names). Absent: publish each.
   */
  publishAll?(changes: readonly Change[]): void;
  /** Returns the function that stops `listener` hearing changes. */
  subscribe(listener: Listener): () => void;
  close(): Promise<void>;
}

/** Calls every listener; one listener's bug must not silence the others. */
function fanOut(listeners: ReadonlySet<Listener>, change: Change, onError: (error: unknown) => void): void {
  for (const listener of listeners) {
    try {
      listener(change);
    } catch (error) {
      onError(error);
    }
  }
}

const logToStderr = (error: unknown) => console.error('rampart live feed: a listener failed', error);

/** The embedded default: one process, listeners called synchronously on publish. */
export function inProcessBus(onError: (error: unknown) => void = logToStderr): ChangeBus {
  const listeners = new Set<Listener>();
  return {
    publish: (change) => fanOut(listeners, change, onError),
    publishAll: (changes) => {
      for (const change of changes) fanOut(listeners, change, onError);
    },
    subscribe(listener) {
      listeners.add(listener);
      return () => listeners.delete(listener);
    },
    close() {
      listeners.clear();
      return Promise.resolve();
    },
  };
}

export const DEFAULT_NATS_SUBJECT = 'rampart.changes';

export interface NatsBusOptions {
  /** e.g. nats://127.0.0.1:4222; several servers separated by commas. */
  readonly url: string;
  /** Processes that share one database share one subject (the default unless several hubs share a NATS server). */
  readonly subject?: string;
  readonly onError?: (error: unknown) => void;
}

/**
 * Several server processes over one database: a change published here reaches every process
 * subscribed to the subject, this one included (NATS echoes to the publisher), so a process's own
 * feeds hear it the same way. Delivery is at most once; the feeds' heartbeat query covers a lost message.
 */
export async function natsBus(options: NatsBusOptions): Promise<ChangeBus> {
  const subject = options.subject ?? DEFAULT_NATS_SUBJECT;
  const onError = options.onError ?? logToStderr;
  const servers = options.url.split(',').map((s) => s.trim());
  const nc: NatsConnection = await connect({ servers, name: 'rampart', maxReconnectAttempts: -1 });
  const listeners = new Set<Listener>();
  const subscription = nc.subscribe(subject);
  const received = (async () => {
    for await (const message of subscription) {
      for (const change of parseChanges(message.string())) fanOut(listeners, change, onError);
    }
  })();
  let closed: Promise<void> | null = null;
  const send = (text: string) => {
    if (nc.isClosed()) return;
    try {
      nc.publish(subject, text);
    } catch (error) {
      onError(error);
    }
  };
  return {
    publish(change) {
      send(JSON.stringify(change));
    },
    publishAll(changes) {
      // One change goes as publish sends it (a process of the previous version reads it).
      if (changes.length === 1) send(JSON.stringify(changes[0]));
      else for (let from = 0; from < changes.length; from += CHANGES_PER_MESSAGE) send(JSON.stringify(changes.slice(from, from + CHANGES_PER_MESSAGE)));
    },
    subscribe(listener) {
      listeners.add(listener);
      return () => listeners.delete(listener);
    },
    close: () =>
      (closed ??= (async () => {
        listeners.clear();
        // drain delivers what already arrived, then closes; the receive loop ends with the subscription.
        await nc.drain();
        await received;
      })()),
  };
}

/** The bus `RAMPART_NATS_URL` asks for: NATS when set, in-process otherwise. */
export async function busFromEnv(env: Readonly<Record<string, string | undefined>> = process.env): Promise<ChangeBus> {
  const url = env['RAMPART_NATS_URL'];
  if (url === undefined || url.trim() === '') return inProcessBus();
  const subject = env['RAMPART_NATS_SUBJECT'];
  return natsBus({ url, ...(subject === undefined || subject === '' ? {} : { subject }) });
}
