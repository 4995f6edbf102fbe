/** The TAXII 2.1 media type every request asks for and every compliant server answers with (TAXII 2.1 §1.6.8, §3.1). */
export const TAXII_MEDIA_TYPE = 'application/taxii+json;version=2.1';

/**
 * Whether a response Content-Type can be read as TAXII 2.1: `application/taxii+json` with version 2.1
 * or none (the server's highest), or plain JSON, which some servers (older MISP/OpenCTI proxies) send.
 */
export function readableContentType(header: string | null): { readonly ok: true } | { readonly ok: false; readonly reason: string } {
  if (header === null || header.trim() === '') return { ok: true };
  const [range = '', ...params] = header.toLowerCase().split(';').map((p) => p.trim());
  if (range === 'application/json' || range === 'application/problem+json') return { ok: true };
  if (range !== 'application/taxii+json') return { ok: false, reason: `the server answered ${header}, not application/taxii+json` };
  const version = params.find((p) => p.startsWith('version='))?.slice('version='.length).replace(/"/g, '');
  if (version === undefined || version === '2.1') return { ok: true };
  return { ok: false, reason: `the server speaks TAXII ${version}; this client speaks TAXII 2.1` };
}
