import { useEffect, useState } from 'react';
import { call } from './api.ts';

/** Fired after this tab read or acknowledged notifications, so the top bar counts again at once. */
export const NOTIFICATIONS_CHANGED = 'rampart:notifications-changed';

export function notificationsChanged(): void {
  window.dispatchEvent(new Event(NOTIFICATIONS_CHANGED));
}

const EVERY_MS = 30_000;

/**
 * How many of my notifications are unread (null until known): asked when the page opens, every 30
 * seconds, when the tab comes back into view, and when notifications were read here.
 */
export function useUnreadCount(signedIn: boolean): number | null {
  const [unread, setUnread] = useState<number | null>(null);
  const [tick, setTick] = useState(0);
  useEffect(() => {
    if (!signedIn) return;
    const again = () => setTick((t) => t + 1);
    const timer = setInterval(again, EVERY_MS);
    const onVisible = () => {
      if (document.visibilityState === 'visible') again();
    };
    window.addEventListener(NOTIFICATIONS_CHANGED, again);
    document.addEventListener('visibilitychange', onVisible);
    return () => {
      clearInterval(timer);
      window.removeEventListener(NOTIFICATIONS_CHANGED, again);
      document.removeEventListener('visibilitychange', onVisible);
    };
  }, [signedIn]);
  useEffect(() => {
    if (!signedIn) return;
    let current = true;
    void call('get', '/api/v1/notifications/unread').then((res) => {
      if (current && res.ok) setUnread(res.value.unread);
    });
    return () => {
      current = false;
    };
  }, [signedIn, tick]);
  return unread;
}
