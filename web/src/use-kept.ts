import { useRef } from 'react';
import type { Loadable } from './use-api.ts';

/** What was last read, and for what (a route and its parameters). */
export interface Kept<T> {
  readonly key: string;
  readonly value: T;
}

/**
 * What a page shows while it reads again what it already shows: the last answer for the same `key` instead of
 * "Loading…", so that a refresh never blanks the page under its reader (nor scrolls it back to the top). A new key
 * (another election, another state) loads as usual; an error replaces what was kept.
 */
export function keptWhileReloading<T>(kept: Kept<T> | null, key: string, loaded: Loadable<T>): Loadable<T> {
  return loaded.state === 'loading' && kept !== null && kept.key === key ? { state: 'ready', value: kept.value } : loaded;
}

/** `loaded`, or while it reads again for the same `key`, its last answer (keptWhileReloading). */
export function useKept<T>(loaded: Loadable<T>, key: string): Loadable<T> {
  const kept = useRef<Kept<T> | null>(null);
  if (loaded.state === 'ready') kept.current = { key, value: loaded.value };
  else if (loaded.state === 'error') kept.current = null;
  return keptWhileReloading(kept.current, key, loaded);
}
