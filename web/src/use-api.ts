import { useEffect, useState } from 'react';
import { api, type ApiProblem } from './api.ts';

export type Loadable<T> = { readonly state: 'loading' } | { readonly state: 'error'; readonly problem: ApiProblem } | { readonly state: 'ready'; readonly value: T };

/** GETs `path` whenever it (or `version`, bumped after a change) changes; a newer request wins over a slower older one. */
export function useGet<T>(path: string | null, version = 0): Loadable<T> {
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
