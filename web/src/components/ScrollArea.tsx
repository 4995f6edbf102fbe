import { useEffect, useRef, useState, type ReactNode } from 'react';

/**
 * A wide table that scrolls sideways inside its card instead of pushing the page wider; when it does
 * not fit (a phone), a line above it says so, because a sideways scroll bar is easy to miss on a phone.
 */
export function ScrollArea(props: { readonly label: string; readonly children: ReactNode }) {
  const ref = useRef<HTMLDivElement>(null);
  const [overflows, setOverflows] = useState(false);
  useEffect(() => {
    const el = ref.current;
    if (el === null) return;
    const check = () => setOverflows(el.scrollWidth > el.clientWidth + 1);
    check();
    const seen = new ResizeObserver(check);
    seen.observe(el);
    if (el.firstElementChild !== null) seen.observe(el.firstElementChild);
    return () => seen.disconnect();
  }, []);
  return (
    <div className="scroll-area">
      {overflows ? (
        <p className="scroll-hint small" aria-hidden="true">
          Swipe sideways to see every column →
        </p>
      ) : null}
      {/* Focusable so that keyboard users can scroll it too. */}
      <div ref={ref} className={overflows ? 'table-scroll overflowing' : 'table-scroll'} role="region" aria-label={props.label} tabIndex={0}>
        {props.children}
      </div>
    </div>
  );
}
