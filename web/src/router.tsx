import { useSyncExternalStore, type MouseEvent, type ReactNode } from 'react';

/** A tiny history router: the UI has six pages, so a library would be more code than this. */
const listeners = new Set<() => void>();

function subscribe(listener: () => void): () => void {
  listeners.add(listener);
  window.addEventListener('popstate', listener);
  return () => {
    listeners.delete(listener);
    window.removeEventListener('popstate', listener);
  };
}

const snapshot = (): string => window.location.pathname + window.location.search;

export function navigate(to: string, options: { replace?: boolean } = {}): void {
  if (options.replace === true) window.history.replaceState(null, '', to);
  else window.history.pushState(null, '', to);
  window.scrollTo(0, 0);
  for (const l of listeners) l();
}

export interface Location {
  readonly path: string;
  readonly params: URLSearchParams;
}

export function useLocation(): Location {
  const url = useSyncExternalStore(subscribe, snapshot);
  const q = url.indexOf('?');
  return q < 0 ? { path: url, params: new URLSearchParams() } : { path: url.slice(0, q), params: new URLSearchParams(url.slice(q + 1)) };
}

export function Link(props: { readonly to: string; readonly className?: string; readonly 'aria-label'?: string; readonly title?: string; readonly children: ReactNode; readonly onFollow?: () => void }) {
  const onClick = (e: MouseEvent<HTMLAnchorElement>) => {
    if (e.button !== 0 || e.metaKey || e.ctrlKey || e.shiftKey || e.altKey) return;
    e.preventDefault();
    navigate(props.to);
    props.onFollow?.();
  };
  return (
    <a href={props.to} className={props.className} aria-label={props['aria-label']} title={props.title} onClick={onClick}>
      {props.children}
    </a>
  );
}
