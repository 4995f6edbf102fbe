import { useEffect, useState } from 'react';
import { api, pathOf, type ApiProblem, type ApiResponse, type RouteWithGet } from './api.ts';

export type Loadable<T> = { readonly state: 'loading' } | { readonly state: 'error'; readonly problem: ApiProblem } | { readonly state: 'ready'; readonly value: T };

/**
 * GETs `path` whenever it (or `version`, bumped after a change) changes; a newer request wins over a slower older one.
 * Not exported: pages read routes through useRoute, whose answer type comes from the OpenAPI document.
 */
function useGet<T>(path: string | null, version = 0): Loadable<T> {
  const [result, setResult] = useState<Loadable<T>>({ state: 'loading' });
  useEffect(() => {
    if (path === null) return;
    let current = true;
    setResult({ state: 'loading' });
    void api<T>('GET', path).then((res) => {
      if (current) setResult(res.ok ? { state: 'ready', value: res.value } : { state: 'error', problem: res.error });
    });
    return () => {
      current = false;
    };
  }, [path, version]);
  return result;
}

/** The same loading or error, or `f` of the value once it is ready. */
export function mapLoadable<T, U>(loaded: Loadable<T>, f: (value: T) => U): Loadable<U> {
  return loaded.state === 'ready' ? { state: 'ready', value: f(loaded.value) } : loaded;
}

/**
 * useGet of one route of the API, its answer typed by the OpenAPI document (ApiResponse), so a page
 * never states the type of what the server sends. `params` fills the template's {…} parts.
 */
export function useRoute<P extends RouteWithGet>(
  template: P,
  options: { readonly params?: Readonly<Record<string, string>>; readonly query?: string; readonly version?: number; readonly skip?: boolean } = {},
): Loadable<ApiResponse<P>> {
  const path = options.skip === true ? null : pathOf(template, options.params) + (options.query ?? '');
  return useGet<ApiResponse<P>>(path, options.version ?? 0);
}
