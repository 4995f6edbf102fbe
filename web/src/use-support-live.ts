import { useEffect, useRef } from 'react';
import { retryDelayMs } from './live.ts';

/**
 * Calls `onChange(requestId)` whenever the live feed (GET /api/v1/live) says a support request of the
 * signed-in organization changed; the page then asks for it again. Reconnects after a refusal.
 */
export function useSupportEvents(onChange: (requestId: string) => void): void {
  const handler = useRef(onChange);
  handler.current = onChange;
  useEffect(() => {
    if (typeof EventSource === 'undefined') return;
    let source: EventSource | null = null;
    let timer: ReturnType<typeof setTimeout> | undefined;
    let failures = 0;
    let stopped = false;
    const open = () => {
      const es = new EventSource('/api/v1/live');
      source = es;
      es.onopen = () => {
        failures = 0;
      };
      es.addEventListener('support', (event: MessageEvent<string>) => {
        try {
          const data = JSON.parse(event.data) as { request_id?: unknown };
          if (typeof data.request_id === 'string') handler.current(data.request_id);
        } catch {
          // Not a frame this page understands; the next change or a reload shows the truth.
        }
      });
      es.onerror = () => {
        if (es.readyState !== EventSource.CLOSED) return;
        es.close();
        failures++;
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
}
