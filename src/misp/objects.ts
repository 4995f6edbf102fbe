import { isIntegerPath, normalPath } from './attribute-types.ts';
import { patternString, type PathValue } from './observables.ts';

/**
 * How the attributes of a MISP object template describe one observable (docs/misp.md, "MISP objects"):
 * each object relation is a path of the object's root observable, with the MISP type an export writes
 * it back as. Relations not listed (a url object's `domain`, a file's `text`) are mapped by their
 * attribute type, as attributes outside objects are.
 */
export interface ObjectTemplate {
  readonly relations: Readonly<Record<string, { readonly path: string; readonly type: string }>>;
  /** The root observable needs one of these paths (a domain-ip without a domain is no domain-name): otherwise each attribute stands alone. */
  readonly keys: readonly string[];
}

const rel = (path: string, type: string) => ({ path, type });
const FILE_HASHES: Readonly<Record<string, string>> = { md5: 'MD5', sha1: 'SHA-1', sha256: 'SHA-256', sha512: 'SHA-512', 'sha3-256': 'SHA3-256', 'sha3-512': 'SHA3-512', ssdeep: 'SSDEEP', tlsh: 'TLSH' };
const address = {
  'ip-src': rel('network-traffic:src_ref.value', 'ip-src'),
  'ip-dst': rel('network-traffic:dst_ref.value', 'ip-dst'),
  'src-port': rel('network-traffic:src_port', 'port'),
  'dst-port': rel('network-traffic:dst_port', 'port'),
};
const TRAFFIC_KEYS = ['network-traffic:src_ref.value', 'network-traffic:dst_ref.value'];

export const OBJECT_TEMPLATES: Readonly<Record<string, ObjectTemplate>> = {
  file: {
    relations: {
      filename: rel('file:name', 'filename'),
      'size-in-bytes': rel('file:size', 'size-in-bytes'),
      'mime-type': rel('file:mime_type', 'mime-type'),
      ...Object.fromEntries(Object.entries(FILE_HASHES).map(([misp, stix]) => [misp, rel(`file:hashes.'${stix}'`, misp)])),
    },
    keys: ['file:name', ...Object.values(FILE_HASHES).map((h) => `file:hashes.'${h}'`)],
  },
  'domain-ip': {
    relations: { domain: rel('domain-name:value', 'domain'), hostname: rel('domain-name:value', 'hostname'), ip: rel('domain-name:resolves_to_refs[*].value', 'ip-dst') },
    keys: ['domain-name:value'],
  },
  url: { relations: { url: rel('url:value', 'url') }, keys: ['url:value'] },
  email: {
    relations: {
      from: rel('email-message:from_ref.value', 'email-src'),
      to: rel('email-message:to_refs[*].value', 'email-dst'),
      cc: rel('email-message:cc_refs[*].value', 'email-dst'),
      bcc: rel('email-message:bcc_refs[*].value', 'email-dst'),
      subject: rel('email-message:subject', 'email-subject'),
      'message-id': rel('email-message:message_id', 'email-message-id'),
      'email-body': rel('email-message:body', 'email-body'),
    },
    keys: ['email-message:from_ref.value', 'email-message:to_refs[*].value', 'email-message:subject', 'email-message:message_id', 'email-message:body'],
  },
  'ip-port': { relations: { ip: rel('network-traffic:dst_ref.value', 'ip-dst'), ...address }, keys: TRAFFIC_KEYS },
  'network-connection': { relations: { ...address, 'hostname-dst': rel('network-traffic:dst_ref.value', 'hostname'), 'hostname-src': rel('network-traffic:src_ref.value', 'hostname') }, keys: TRAFFIC_KEYS },
  x509: {
    relations: {
      'x509-fingerprint-sha1': rel(`x509-certificate:hashes.'SHA-1'`, 'x509-fingerprint-sha1'),
      'x509-fingerprint-sha256': rel(`x509-certificate:hashes.'SHA-256'`, 'x509-fingerprint-sha256'),
      'x509-fingerprint-md5': rel(`x509-certificate:hashes.'MD5'`, 'x509-fingerprint-md5'),
      'serial-number': rel('x509-certificate:serial_number', 'text'),
      issuer: rel('x509-certificate:issuer', 'text'),
      subject: rel('x509-certificate:subject', 'text'),
    },
    keys: [`x509-certificate:hashes.'SHA-1'`, `x509-certificate:hashes.'SHA-256'`, `x509-certificate:hashes.'MD5'`, 'x509-certificate:serial_number'],
  },
  'registry-key': { relations: { key: rel('windows-registry-key:key', 'regkey'), data: rel('windows-registry-key:values[*].data', 'text') }, keys: ['windows-registry-key:key'] },
};

/** Paths that hold a list (a domain resolves to several addresses, a mail goes to several people): repeated values all belong to the one observable. */
const isListPath = (path: string): boolean => path.includes('[*]');

/**
 * The observables of an object's root group: the first value of each path makes the root observable (with
 * every value of a list path); a further value of a single-valued path (a second domain in a domain-ip) is
 * an observable of its own.
 */
export function splitRoot(parts: readonly PathValue[]): PathValue[][] {
  const root: PathValue[] = [];
  const more: PathValue[][] = [];
  for (const part of parts) {
    if (!isListPath(part.path) && root.some((p) => p.path === part.path)) more.push([part]);
    else root.push(part);
  }
  return [root, ...more];
}

function comparison(p: PathValue): string {
  return `${p.path} = ${isIntegerPath(p.path) ? p.value : patternString(p.value)}`;
}

/**
 * The STIX pattern of an object: its root observable's comparisons in one observation (several values of
 * one path are alternatives: any of the domains, any of the addresses), and every attribute outside the
 * template as an observation of its own, all of which must be seen.
 */
export function objectPattern(root: readonly PathValue[], others: readonly (readonly PathValue[])[]): string {
  const observations: string[] = [];
  if (root.length > 0) {
    const byPath = new Map<string, PathValue[]>();
    for (const p of root) byPath.set(p.path, [...(byPath.get(p.path) ?? []), p]);
    const terms = [...byPath.values()].map((values) => (values.length === 1 ? comparison(values[0] as PathValue) : `(${values.map(comparison).join(' OR ')})`));
    observations.push(`[${terms.join(' AND ')}]`);
  }
  for (const group of others) observations.push(`[${group.map(comparison).join(' AND ')}]`);
  return observations.join(' AND ');
}

/** The relation and MISP type of a path in a template (export of an object), or null. */
export function relationOfPath(template: ObjectTemplate, path: string): { relation: string; type: string } | null {
  const wanted = normalPath(path);
  for (const [relation, r] of Object.entries(template.relations)) if (normalPath(r.path) === wanted) return { relation, type: r.type };
  return null;
}

/** A STIX relationship type from MISP's (`analysed-with`, `communicates-with`; free text in MISP): lower case, words joined by hyphens. */
export function relationshipType(misp: string): string {
  const t = misp
    .toLowerCase()
    .replace(/[^a-z0-9]+/g, '-')
    .replace(/^-+|-+$/g, '');
  return t === '' ? 'related-to' : t.slice(0, 250);
}
