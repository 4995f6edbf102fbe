import type { ApiProblem } from '../api.ts';
import { addressProblemWords, listedErrors, problemHeading, problemPlace } from '../problem-words.ts';

export function Loading(props: { readonly what: string }) {
  return (
    <p className="muted loading" role="status">
      Loading {props.what}…
    </p>
  );
}

export function ProblemBox(props: { readonly problem: ApiProblem }) {
  const problem = addressProblemWords(props.problem);
  const errors = listedErrors(problem);
  return (
    <div className="error" role="alert">
      <strong>{problemHeading(problem)}.</strong> {problem.detail}
      {errors.length === 0 ? null : (
        <ul>
          {errors.slice(0, 10).map((e, i) => {
            const place = problemPlace(e.path);
            return <li key={i}>{place === null ? e.message : `${place}: ${e.message}`}</li>;
          })}
        </ul>
      )}
    </div>
  );
}
