import { useCallback, useState } from 'react';
import { useGet, type Loadable } from '../../use-api.ts';

/** useGet with a reload after a change here (the callback) or elsewhere (`outside` bumped). */
export function useReload<T>(path: string, outside = 0): [Loadable<T>, () => void] {
  const [n, setN] = useState(0);
  const loaded = useGet<T>(path, n + outside);
  return [loaded, useCallback(() => setN((x) => x + 1), [])];
}
