import { useEffect, useMemo, useState } from 'react';

/** Calls `onTick` with the clock's time every `everyMs` until the returned stop is called. */
export function tickEvery(everyMs: number, onTick: (now: Date) => void, clock: () => number = Date.now): () => void {
  const timer = setInterval(() => onTick(new Date(clock())), everyMs);
  return () => clearInterval(timer);
}

/**
 * The server's time at `browserNow`, for a page that read `serverTime` from the server when the browser's clock said
 * `readAt`: the server's time moved on by the browser's, never before the server's own time, so that a report just
 * posted never reads as in the future on a browser whose clock is slow (or whose last tick came before the read).
 */
export function onServerClock(browserNow: Date, serverTime: string, readAt: number): Date {
  const server = Date.parse(serverTime);
  if (Number.isNaN(server)) return browserNow;
  return new Date(Math.max(server, server + browserNow.getTime() - readAt));
}

/**
 * The time now, moved on every `everyMs` (a minute by default): a page left open all day, as the election-day page is,
 * otherwise keeps the time of its last render and says "Posted 2 hours ago" long after the third hour.
 */
export function useNow(everyMs = 60_000): Date {
  const [now, setNow] = useState(() => new Date());
  useEffect(() => tickEvery(everyMs, setNow), [everyMs]);
  return now;
}

/**
 * The one "now" of a page whose numbers the server dated `serverTime` (null while they load): the server's time,
 * moved on every `everyMs` by the browser's clock. Each "N minutes ago" on the page is measured from it, so they all
 * move together, and agree with the server's clock rather than the browser's.
 */
export function useServerNow(serverTime: string | null, everyMs = 60_000): Date {
  const now = useNow(everyMs);
  // When the browser read this time from the server: taken once per answer.
  const readAt = useMemo(() => Date.now(), [serverTime]);
  return serverTime === null ? now : onServerClock(now, serverTime, readAt);
}
