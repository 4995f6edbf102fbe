import type { ApiProblem } from '../api.ts';
import { problemHeading, problemPlace } from '../problem-words.ts';

export function Loading(props: { readonly what: string }) {
  return (
    <p className="muted loading" role="status">
      Loading {props.what}…
    </p>
  );
}

export function ProblemBox(props: { readonly problem: ApiProblem }) {
  return (
    <div className="error" role="alert">
      <strong>{problemHeading(props.problem)}.</strong> {props.problem.detail}
      {props.problem.errors.length === 0 ? null : (
        <ul>
          {props.problem.errors.slice(0, 10).map((e, i) => {
            const place = problemPlace(e.path);
            return <li key={i}>{place === null ? e.message : `${place}: ${e.message}`}</li>;
          })}
        </ul>
      )}
    </div>
  );
}
