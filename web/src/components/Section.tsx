import { useState, type ReactNode } from 'react';

const PHONE = '(max-width: 640px)';

/** Whether the page was opened at phone width (read once: sections start folded there, and the reader unfolds what they need). */
export function usePhone(): boolean {
  const [phone] = useState(() => typeof window !== 'undefined' && typeof window.matchMedia === 'function' && window.matchMedia(PHONE).matches);
  return phone;
}

/** A card whose body folds away under its title, so a long page reads as a list of headings on a phone. */
export function Section(props: { readonly title: string; readonly open: boolean; readonly className?: string; readonly children: ReactNode }) {
  const [open, setOpen] = useState(props.open);
  return (
    <details className={`card section ${props.className ?? ''}`} open={open} onToggle={(e) => setOpen(e.currentTarget.open)}>
      <summary>
        <h2>{props.title}</h2>
      </summary>
      {open ? <div className="section-body">{props.children}</div> : null}
    </details>
  );
}
