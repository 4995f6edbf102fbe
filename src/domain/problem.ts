/**
 * A failure a user can cause: a stable machine `code`, a message that says what to fix,
 * and the HTTP-neutral kind that the http layer maps to a status.
 */
export type ProblemKind =
  | 'invalid' // 400 / 422: the input is malformed or breaks a rule
  | 'unauthenticated' // 401
  | 'forbidden' // 403
  | 'not-found' // 404
  | 'conflict' // 409
  | 'too-large' // 413
  | 'unsupported-media' // 415
  | 'not-acceptable' // 406
  | 'rate-limited'; // 429

export interface Problem {
  readonly kind: ProblemKind;
  readonly code: string;
  readonly message: string;
  /** Extra structured detail, e.g. a list of per-object validation issues. */
  readonly details?: readonly ProblemDetail[];
}

export interface ProblemDetail {
  /** STIX id of the object concerned, when known. */
  readonly id?: string;
  /** JSON path inside the object or document, e.g. `$.objects[3].pattern`. */
  readonly path?: string;
  readonly code: string;
  readonly message: string;
}

export function problem(kind: ProblemKind, code: string, message: string, details?: readonly ProblemDetail[]): Problem {
  return details === undefined ? { kind, code, message } : { kind, code, message, details };
}
