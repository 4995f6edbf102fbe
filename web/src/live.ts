import { parseTlp, type Tlp } from '../../src/domain/tlp.ts';
import { isRecord } from './objects.ts';

/** One object from the live feed (GET /api/v1/live, `event: object`). */
export interface LiveItem {
  readonly id: string;
  readonly type: string;
  readonly name: string | null;
  readonly tlp: Tlp;
  readonly ownerName: string | null;
  readonly modified: string | null;
  readonly revoked: boolean;
  readonly change: 'stored' | 'reshared';
}

/** The `data` of a live event, or null when it is not one this page understands. */
export function readLiveItem(data: string): LiveItem | null {
  let v: unknown;
  try {
    v = JSON.parse(data);
  } catch {
    return null;
  }
  if (!isRecord(v) || typeof v['id'] !== 'string' || typeof v['type'] !== 'string' || typeof v['tlp'] !== 'string') return null;
  const tlp = parseTlp(v['tlp']);
  if (tlp === undefined) return null;
  const text = (x: unknown) => (typeof x === 'string' ? x : null);
  return {
    id: v['id'],
    type: v['type'],
    name: text(v['name']),
    tlp,
    ownerName: text(v['owner_name']),
    modified: text(v['modified']),
    revoked: v['revoked'] === true,
    change: v['change'] === 'reshared' ? 'reshared' : 'stored',
  };
}

/** The most recent items a page keeps. */
export const LIVE_KEEP = 20;

/** Newest first, one row per object (a new version replaces the older row), at most LIVE_KEEP. */
export function addLiveItem(items: readonly LiveItem[], item: LiveItem): readonly LiveItem[] {
  return [item, ...items.filter((i) => i.id !== item.id)].slice(0, LIVE_KEEP);
}

/** Waits before reconnecting after the server refused or the stream failed for good: grows to a minute. */
export function retryDelayMs(failures: number): number {
  return Math.min(60_000, 2_000 * 2 ** Math.max(0, failures - 1));
}

/**
 * The election-day page reads its roll-ups again when a status report arrives, but on a busy day hundreds
 * arrive a minute: it reads again at most once per this many milliseconds, the last arrival always included.
 */
export const REFRESH_GAP_MS = 5000;

/**
 * How long to wait before reading again after an arrival at `now`, when the page last read at `last` (ms):
 * at once when the last read is older than the gap, else at the end of the gap (arrivals meanwhile share that read).
 */
export function refreshDelayMs(now: number, last: number, gap = REFRESH_GAP_MS): number {
  return Math.max(0, last + gap - now);
}
