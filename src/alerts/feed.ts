import { parseStixId, type OrgId, type StixId } from '../domain/ids.ts';
import type { Tlp } from '../domain/tlp.ts';
import type { Reader, StixStore, StoredVersion } from '../store/types.ts';
import type { Change } from './bus.ts';

/** What a live feed says of one object: enough for a list row, never its content beyond the name. */
export interface LiveObject {
  readonly id: StixId;
  readonly type: string;
  readonly name: string | null;
  readonly tlp: Tlp;
  readonly owner: OrgId;
  readonly owner_name: string | null;
  readonly modified: string | null;
  readonly revoked: boolean;
  /** `stored`: a new object or version; `reshared`: its audience changed and this reader still sees it. */
  readonly change: 'stored' | 'reshared';
}

export interface LiveEvent {
  /** The feed's position after this event (microseconds, the store's added time); resumes with Last-Event-ID. */
  readonly cursor: number;
  readonly object: LiveObject;
}

export interface FeedDeps {
  readonly stix: Pick<StixStore, 'list'>;
  /** An organization's display name, or null; called once per event, so make it cheap (see cachedNames). */
  readonly ownerName?: (id: OrgId) => Promise<string | null>;
  /** Objects read per query (default 100); a fuller backlog is read in further queries at once. */
  readonly pageSize?: number;
  /**
   * The reader as its credentials stand now (keys read again: a group left, a role or key changed),
   * asked before every round; null when they no longer hold (signed out, disabled, key revoked): the
   * feed then ends with FeedEnded. Without it the feed keeps the reader it was opened with.
   */
  readonly currentReader?: () => Promise<Reader | null>;
}

/** The feed ended because its reader's credentials no longer hold; not a failure of the store. */
export class FeedEnded extends Error {
  constructor() {
    super('the credentials of this live feed no longer hold');
  }
}

export interface Feed {
  /** Something changed somewhere: the feed will ask the store what is new for its reader. */
  notify(change: Change): void;
  /** Ask the store again even without a change (the heartbeat: covers a change message lost on the way). */
  poll(): void;
  /** The cursor of the last event sent. */
  readonly cursor: number;
  /** Resolves when no query is running or waiting (tests). */
  settled(): Promise<void>;
  close(): void;
}

const DEFAULT_PAGE = 100;

function nameOf(json: string): string | null {
  const name = (JSON.parse(json) as { name?: unknown }).name;
  return typeof name === 'string' ? name : null;
}

/**
 * One reader's live feed from `cursor` on. Changes are coalesced: however many arrive, at most one
 * round of queries runs at a time, and the next round covers all that came meanwhile. Every query
 * is the store's reader-bound list, so the visibility rule stays in SQL: a reader who lost an
 * object by a narrowing re-share gets nothing further about it.
 */
export function openFeed(deps: FeedDeps, opened: Reader, cursor: number, send: (events: readonly LiveEvent[]) => Promise<void>, onError: (error: unknown) => void): Feed {
  const pageSize = deps.pageSize ?? DEFAULT_PAGE;
  let position = cursor;
  let reader = opened;
  let dirty = false;
  let closed = false;
  const reshared = new Set<StixId>();
  let running: Promise<void> | null = null;

  const toEvent = async (v: StoredVersion, change: LiveObject['change'], at: number): Promise<LiveEvent> => ({
    cursor: at,
    object: {
      id: v.id,
      type: v.type,
      name: nameOf(v.json),
      tlp: v.sharing.tlp,
      owner: v.sharing.owner,
      owner_name: (await deps.ownerName?.(v.sharing.owner)) ?? null,
      modified: v.modified,
      revoked: v.revoked,
      change,
    },
  });

  async function round(ids: readonly StixId[]): Promise<void> {
    if (deps.currentReader !== undefined) {
      const now = await deps.currentReader();
      if (now === null) throw new FeedEnded();
      reader = now;
    }
    const page = await deps.stix.list(reader, { addedAfterUs: position, limit: pageSize });
    if (!page.ok) throw new Error(`live feed: ${page.error.message}`);
    const events: LiveEvent[] = [];
    for (const v of page.value.items) events.push(await toEvent(v, 'stored', v.addedUs));
    const last = page.value.items[page.value.items.length - 1];
    const next = last?.addedUs ?? position;
    // A backlog longer than a page: another round at once.
    if (page.value.nextCursor !== null) dirty = true;
    const fresh = new Set(events.map((e) => e.object.id));
    const rest = ids.filter((id) => !fresh.has(id));
    // An id may have a record per owner: every record of it the reader may see, page by page.
    let cursor: string | null = null;
    while (rest.length > 0) {
      const again = await deps.stix.list(reader, { ids: rest, limit: rest.length, ...(cursor === null ? {} : { cursor }) });
      if (!again.ok) throw new Error(`live feed: ${again.error.message}`);
      for (const v of again.value.items) events.push(await toEvent(v, 'reshared', next));
      cursor = again.value.nextCursor;
      if (cursor === null) break;
    }
    if (closed) return;
    position = next;
    if (events.length > 0) await send(events);
  }

  async function run(): Promise<void> {
    try {
      while (dirty && !closed) {
        // Let a burst of changes land before querying: one round for all of them.
        await new Promise((resolve) => setImmediate(resolve));
        dirty = false;
        const ids = [...reshared];
        reshared.clear();
        await round(ids);
      }
    } catch (error) {
      closed = true;
      onError(error);
    } finally {
      running = null;
    }
  }

  const wake = () => {
    dirty = true;
    if (running === null && !closed) running = run();
  };

  return {
    notify(change) {
      // Support requests are not STIX objects: the live route tells their organizations itself.
      if (closed || change.kind === 'support') return;
      // A store write that names where its versions went: a reader holding none of it has nothing new.
      // (Keys gained since the last round are picked up by the heartbeat's poll.)
      if (change.kind === 'stored' && change.audience !== undefined && change.owners !== undefined && !concerns(reader, change.audience, change.owners)) return;
      if (change.kind === 'reshared') {
        const id = parseStixId(change.id);
        if (id.ok) reshared.add(id.value);
      }
      wake();
    },
    poll: wake,
    get cursor() {
      return position;
    },
    settled: async () => {
      while (running !== null) await running;
    },
    close() {
      closed = true;
    },
  };
}

/** Whether a stored change with these audience keys and owners can hold anything `reader` may see. */
export function concerns(reader: Reader, audience: readonly string[], owners: readonly string[]): boolean {
  switch (reader.kind) {
    case 'operator':
      return true;
    case 'public':
      return audience.includes('public');
    case 'member':
      return owners.includes(reader.orgId) || reader.keys.some((k) => audience.includes(k));
  }
}

/** Organization names for events, looked up once each (names rarely change; a restart refreshes them). */
export function cachedNames(lookup: (id: OrgId) => Promise<string | null>, max = 10_000): (id: OrgId) => Promise<string | null> {
  const names = new Map<OrgId, Promise<string | null>>();
  return (id) => {
    let name = names.get(id);
    if (name === undefined) {
      if (names.size >= max) names.clear();
      name = lookup(id).catch(() => null);
      names.set(id, name);
    }
    return name;
  };
}
