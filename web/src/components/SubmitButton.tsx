import { useId, type ReactNode } from 'react';

/**
 * A submit button that, while it cannot be used, says why and what to do beside it (and to screen readers through
 * aria-describedby), instead of sitting greyed out: `why` is that sentence, or null when the button works.
 */
export function SubmitButton(props: { readonly why: string | null; readonly className?: string; readonly children: ReactNode }) {
  const hint = useId();
  return (
    <span className="submit-with-reason">
      <button type="submit" className={props.className} disabled={props.why !== null} aria-describedby={props.why === null ? undefined : hint}>
        {props.children}
      </button>
      {props.why === null ? null : (
        <span id={hint} className="muted small submit-reason">
          {props.why}
        </span>
      )}
    </span>
  );
}
