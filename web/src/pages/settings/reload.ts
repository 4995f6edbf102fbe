import { useCallback, useState } from 'react';
import type { ApiResponse, RouteWithGet } from '../../api.ts';
import { useGet, useRoute, type Loadable } from '../../use-api.ts';

/** useGet with a reload after a change here (the callback) or elsewhere (`outside` bumped). */
export function useReload<T>(path: string, outside = 0): [Loadable<T>, () => void] {
  const [n, setN] = useState(0);
  const loaded = useGet<T>(path, n + outside);
  return [loaded, useCallback(() => setN((x) => x + 1), [])];
}

/** useRoute (its answer typed by the OpenAPI document) with the same reload: after a change here, or `outside` bumped. */
export function useRouteReload<P extends RouteWithGet>(template: P, outside = 0): [Loadable<ApiResponse<P>>, () => void] {
  const [n, setN] = useState(0);
  const loaded = useRoute(template, { version: n + outside });
  return [loaded, useCallback(() => setN((x) => x + 1), [])];
}
