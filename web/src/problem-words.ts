import type { ApiProblem } from './api.ts';

/** A heading for a problem in plain words, instead of the HTTP reason phrase ("Forbidden", "Unprocessable Entity"). */
export function problemHeading(problem: Pick<ApiProblem, 'status' | 'title'>): string {
  const { status } = problem;
  if (status === 0) return 'No connection';
  if (status === 400 || status === 422) return 'Please check what you entered';
  if (status === 401) return 'You are signed out';
  if (status === 403) return 'Not allowed';
  if (status === 404) return 'Not found';
  if (status === 409) return 'Could not save';
  if (status === 413) return 'Too large';
  if (status === 415) return 'Not a file Rampart can read';
  if (status === 429) return 'Too many tries';
  if (status >= 500) return 'Something went wrong on the hub';
  return problem.title;
}
