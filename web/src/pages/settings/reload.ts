import { useCallback, useState } from 'react';
import { useGet, type Loadable } from '../../use-api.ts';

/** useGet with a reload after a change. */
export function useReload<T>(path: string): [Loadable<T>, () => void] {
  const [n, setN] = useState(0);
  const loaded = useGet<T>(path, n);
  return [loaded, useCallback(() => setN((x) => x + 1), [])];
}
