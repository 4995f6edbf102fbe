/** TAXII 2.1 media types and the Accept / Content-Type negotiation of §3.1. */

/** What every TAXII response carries, errors included (the "Required Headers" of each endpoint). */
export const TAXII_CONTENT_TYPE = 'application/taxii+json;version=2.1';
/** The object media type of every collection (STIX 2.1 only). */
export const STIX_MEDIA_TYPE = 'application/stix+json;version=2.1';

interface MediaRange {
  readonly type: string;
  readonly version: string | undefined;
  readonly q: number;
}

function parseRanges(header: string): MediaRange[] {
  return header.split(',').map((part) => {
    const [range = '', ...params] = part.split(';').map((p) => p.trim().toLowerCase());
    let version: string | undefined;
    let q = 1;
    for (const param of params) {
      const eq = param.indexOf('=');
      const name = param.slice(0, eq < 0 ? param.length : eq).trim();
      const value = eq < 0 ? '' : param.slice(eq + 1).trim().replace(/^"(.*)"$/, '$1');
      if (name === 'version') version = value;
      if (name === 'q') q = Number.isFinite(Number(value)) ? Number(value) : 0;
    }
    return { type: range, version, q };
  });
}

/**
 * Whether an Accept header asks for TAXII 2.1: `application/taxii+json` with version 2.1 or none
 * (§3.1: no version means the highest the server speaks). Every request must carry one (§3.1),
 * so a missing header, `*\/*` alone or plain JSON are refused with 406.
 */
export function acceptsTaxii(accept: string | undefined): boolean {
  if (accept === undefined) return false;
  return parseRanges(accept).some((r) => r.q > 0 && r.type === 'application/taxii+json' && (r.version === undefined || r.version === '2.1'));
}

/** Whether a request body's Content-Type is the TAXII 2.1 envelope media type (§5.5). */
export function isTaxiiContentType(contentType: string | undefined): boolean {
  if (contentType === undefined) return false;
  const [range] = parseRanges(contentType);
  return range !== undefined && range.type === 'application/taxii+json' && (range.version === undefined || range.version === '2.1');
}
