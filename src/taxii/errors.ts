/** The statuses a TAXII endpoint answers with on error (§3.6, the endpoint tables of §4 and §5; 429 when over the hub's request limit). */
export type TaxiiStatus = 400 | 401 | 403 | 404 | 406 | 413 | 415 | 422 | 429 | 500;

/** A refused TAXII request: a stable `code` (error_code) and a message that says what to fix. */
export interface TaxiiError {
  readonly status: TaxiiStatus;
  readonly code: string;
  readonly message: string;
}

const TITLES: Readonly<Record<TaxiiStatus, string>> = {
  400: 'Bad request',
  401: 'Authentication required',
  403: 'Forbidden',
  404: 'Not found',
  406: 'Not acceptable',
  413: 'Request too large',
  415: 'Unsupported media type',
  422: 'Unprocessable content',
  429: 'Too many requests',
  500: 'Internal server error',
};

export function taxiiError(status: TaxiiStatus, code: string, message: string): TaxiiError {
  return { status, code, message };
}

/** The one 404 for anything the caller may not see or that does not exist: it never tells which (Appendix B). */
export function notFound(what: string): TaxiiError {
  return taxiiError(404, 'not-found', `${what} does not exist here or you have no access to it; check the id and your credentials`);
}

/** The TAXII error resource (§3.6.1), which src/http/taxii-error.ts sends: title, description, error_code, and http_status equal to the status. */
export function errorBody(e: TaxiiError): string {
  return JSON.stringify({ title: TITLES[e.status], description: e.message, error_code: e.code, http_status: String(e.status) });
}
