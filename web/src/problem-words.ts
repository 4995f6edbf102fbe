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

/**
 * Where in an uploaded file a problem is, in words: `$.objects[3]` is "Item 4", `$.objects[3].pattern` "Item 4,
 * pattern"; the whole file (`$`) needs no label (null). Other paths are shown as they are.
 */
export function problemPlace(path: string | null): string | null {
  if (path === null || path === '$' || path === '') return null;
  const item = /^\$\.objects\[(\d+)\](?:\.(.+))?$/.exec(path);
  if (item?.[1] !== undefined) return `Item ${Number(item[1]) + 1}${item[2] === undefined ? '' : `, ${item[2]}`}`;
  return path.startsWith('$.') ? path.slice(2) : path;
}

/** An uploaded file's problem as the upload page says it: the command-line option becomes the page's own checkbox. */
export function uploadProblemWords<P extends { readonly detail: string }>(problem: P, checkbox: string): P {
  return { ...problem, detail: problem.detail.replace(/,? or pass --skip-invalid to store the valid ones/, `, or tick “${checkbox}” to store the others`) };
}
