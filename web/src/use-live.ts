import { useEffect, useState } from 'react';
import { addLiveItem, readLiveItem, retryDelayMs, type LiveItem } from './live.ts';

export interface LiveFeed {
  /** live: the stream is open; connecting: opening or the browser is reconnecting; offline: refused or failed, retrying later. */
  readonly status: 'connecting' | 'live' | 'offline';
  /** The objects heard since the page opened, newest first. */
  readonly items: readonly LiveItem[];
  /** How many arrived since markSeen. */
  readonly unseen: number;
  markSeen(): void;
}

/**
 * The live feed (GET /api/v1/live) while the component is mounted. The browser reconnects a dropped
 * stream by itself (sending Last-Event-ID); when the server refused it (signed out, too many tabs)
 * the hook opens a new one later, resuming from the last event it saw.
 */
export function useLiveFeed(): LiveFeed {
  const [status, setStatus] = useState<LiveFeed['status']>('connecting');
  const [items, setItems] = useState<readonly LiveItem[]>([]);
  const [unseen, setUnseen] = useState(0);
  useEffect(() => {
    if (typeof EventSource === 'undefined') {
      setStatus('offline');
      return;
    }
    let source: EventSource | null = null;
    let timer: ReturnType<typeof setTimeout> | undefined;
    let failures = 0;
    let lastId = '';
    let stopped = false;
    const open = () => {
      const es = new EventSource(`/api/v1/live${lastId === '' ? '' : `?last_event_id=${encodeURIComponent(lastId)}`}`);
      source = es;
      es.onopen = () => {
        failures = 0;
        setStatus('live');
      };
      es.addEventListener('object', (event: MessageEvent<string>) => {
        if (event.lastEventId !== '') lastId = event.lastEventId;
        const item = readLiveItem(event.data);
        if (item === null) return;
        setItems((old) => addLiveItem(old, item));
        setUnseen((n) => n + 1);
      });
      es.onerror = () => {
        if (es.readyState !== EventSource.CLOSED) {
          setStatus('connecting');
          return;
        }
        es.close();
        failures++;
        setStatus('offline');
        if (!stopped) timer = setTimeout(open, retryDelayMs(failures));
      };
    };
    open();
    return () => {
      stopped = true;
      clearTimeout(timer);
      source?.close();
    };
  }, []);
  return { status, items, unseen, markSeen: () => setUnseen(0) };
}
