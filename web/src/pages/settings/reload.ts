import { useCallback, useState } from 'react';
import type { ApiResponse, RouteWithGet } from '../../api.ts';
import { useRoute, type Loadable } from '../../use-api.ts';

/**
 * useRoute (its answer typed by the OpenAPI document) with the same reload: after a change here, or `version`
 * bumped outside. `params` and `query` as useRoute.
 */
export function useRouteReload<P extends RouteWithGet>(
  template: P,
  options: { readonly params?: Readonly<Record<string, string>>; readonly query?: string; readonly version?: number } = {},
): [Loadable<ApiResponse<P>>, () => void] {
  const [n, setN] = useState(0);
  const loaded = useRoute(template, { ...options, version: n + (options.version ?? 0) });
  return [loaded, useCallback(() => setN((x) => x + 1), [])];
}
