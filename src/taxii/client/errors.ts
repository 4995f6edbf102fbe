/**
 * What can go wrong talking to a TAXII server, as values. `status` is the HTTP status when the server
 * answered; `message` says what happened and what to try.
 */
export type TaxiiClientErrorCode =
  | 'taxii-invalid-url' // the URL given is not an http(s) URL
  | 'taxii-network' // no answer (refused, reset, DNS, timeout) after every retry
  | 'taxii-unavailable' // 429 / 5xx after every retry
  | 'taxii-unauthorized' // 401: wrong or missing credentials
  | 'taxii-forbidden' // 403: the credentials may not do this
  | 'taxii-not-found' // 404: no such API root, collection, object or status
  | 'taxii-rejected' // another 4xx: the server refused the request
  | 'taxii-bad-response' // the answer is not a TAXII 2.1 resource
  | 'taxii-not-a-root' // the URL is neither a discovery endpoint nor an API root
  | 'taxii-collection-missing' // no API root of the server has this collection
  | 'taxii-cannot-page' // more=true but neither next nor X-TAXII-Date-Added-Last lets the client go on
  | 'taxii-status-timeout'; // a POST's status stayed pending past the wait

export interface TaxiiClientError {
  readonly code: TaxiiClientErrorCode;
  readonly message: string;
  readonly url?: string;
  readonly status?: number;
}

export function taxiiError(code: TaxiiClientErrorCode, message: string, extra: { readonly url?: string; readonly status?: number } = {}): TaxiiClientError {
  return { code, message, ...extra };
}
