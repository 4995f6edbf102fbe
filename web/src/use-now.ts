import { useEffect, useState } from 'react';

/**
 * The time now, moved on every `everyMs` (a minute by default): a page left open all day, as the election-day page is,
 * otherwise keeps the time of its last render and says "Posted 2 hours ago" long after the third hour.
 */
export function useNow(everyMs = 60_000): Date {
  const [now, setNow] = useState(() => new Date());
  useEffect(() => {
    const timer = setInterval(() => setNow(new Date()), everyMs);
    return () => clearInterval(timer);
  }, [everyMs]);
  return now;
}
