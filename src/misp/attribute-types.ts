/**
 * How each MISP attribute type becomes STIX (docs/misp.md, "Attribute types"): an observable value
 * (one STIX object path per `|`-separated part of the value), a detection rule (an indicator in the
 * rule's own pattern language), a vulnerability, or words (a note). Types not listed are reported as
 * not carried.
 */
export type AttributeMapping =
  /** `patternOnly`: STIX has a pattern path for it but no observable that can hold it alone (a user agent needs a whole HTTP request), so without `to_ids` it becomes a note. */
  | { readonly kind: 'observable'; readonly paths: readonly string[]; readonly patternOnly?: true }
  | { readonly kind: 'actor'; readonly sdo: 'threat-actor' | 'campaign' }
  | { readonly kind: 'rule'; readonly patternType: 'yara' | 'snort' | 'sigma' }
  | { readonly kind: 'vulnerability' }
  | { readonly kind: 'note' };

/** Stands for `ipv4-addr:value` or `ipv6-addr:value`, chosen by the value. */
export const IP = 'ip';

const HASHES: Readonly<Record<string, string>> = {
  md5: 'MD5',
  sha1: 'SHA-1',
  sha256: 'SHA-256',
  sha512: 'SHA-512',
  'sha3-256': 'SHA3-256',
  'sha3-512': 'SHA3-512',
  ssdeep: 'SSDEEP',
  tlsh: 'TLSH',
};

const hashPath = (algorithm: string): string => `file:hashes.'${algorithm}'`;

const OBSERVABLES: Readonly<Record<string, readonly string[]>> = {
  'ip-src': [IP],
  'ip-dst': [IP],
  domain: ['domain-name:value'],
  hostname: ['domain-name:value'],
  'domain|ip': ['domain-name:value', `domain-name:resolves_to_refs[*].value`],
  url: ['url:value'],
  email: ['email-addr:value'],
  'email-src': ['email-addr:value'],
  'email-dst': ['email-addr:value'],
  'email-subject': ['email-message:subject'],
  filename: ['file:name'],
  mutex: ['mutex:name'],
  'mac-address': ['mac-addr:value'],
  regkey: ['windows-registry-key:key'],
  'regkey|value': ['windows-registry-key:key', 'windows-registry-key:values[*].data'],
  'hostname|port': ['network-traffic:dst_ref.value', 'network-traffic:dst_port'],
  AS: ['autonomous-system:number'],
  'email-message-id': ['email-message:message_id'],
  'email-body': ['email-message:body'],
  'x509-fingerprint-sha256': [`x509-certificate:hashes.'SHA-256'`],
  'x509-fingerprint-md5': [`x509-certificate:hashes.'MD5'`],
  'ip-dst|port': ['network-traffic:dst_ref.value', 'network-traffic:dst_port'],
  'ip-src|port': ['network-traffic:src_ref.value', 'network-traffic:src_port'],
  'x509-fingerprint-sha1': [`x509-certificate:hashes.'SHA-1'`],
  ...Object.fromEntries(Object.entries(HASHES).flatMap(([misp, stix]) => [
    [misp, [hashPath(stix)]],
    [`filename|${misp}`, ['file:name', hashPath(stix)]],
  ])),
};

/** Types STIX can only match, not hold as an observable alone. */
const PATTERN_ONLY: Readonly<Record<string, readonly string[]>> = {
  'user-agent': [`network-traffic:extensions.'http-request-ext'.request_header.'User-Agent'`],
  'email-attachment': ['email-message:body_multipart[*].body_raw_ref.name'],
  imphash: [`file:extensions.'windows-pebinary-ext'.imphash`],
};

const ACTORS: Readonly<Record<string, 'threat-actor' | 'campaign'>> = { 'threat-actor': 'threat-actor', 'campaign-name': 'campaign' };

const RULES: Readonly<Record<string, 'yara' | 'snort' | 'sigma'>> = { yara: 'yara', snort: 'snort', sigma: 'sigma' };
const NOTES = new Set(['text', 'comment', 'link', 'other']);

export function mappingOf(type: string): AttributeMapping | null {
  const paths = OBSERVABLES[type];
  if (paths !== undefined) return { kind: 'observable', paths };
  const patternPaths = PATTERN_ONLY[type];
  if (patternPaths !== undefined) return { kind: 'observable', paths: patternPaths, patternOnly: true };
  const actor = ACTORS[type];
  if (actor !== undefined) return { kind: 'actor', sdo: actor };
  const rule = RULES[type];
  if (rule !== undefined) return { kind: 'rule', patternType: rule };
  if (type === 'vulnerability') return { kind: 'vulnerability' };
  if (NOTES.has(type)) return { kind: 'note' };
  return null;
}

/** A path as the pattern formatter writes it: quotes only around keys that need them (`file:hashes.MD5`, `file:hashes.'SHA-256'`). */
export function normalPath(path: string): string {
  return path.replace(/\.'([A-Za-z_][A-Za-z0-9_]*)'/g, '.$1');
}

/** The MISP type for one STIX path (export of indicators and observables without their MISP type label). */
export function mispTypeOfPath(path: string): string | null {
  const wanted = normalPath(path);
  if (wanted === 'ipv4-addr:value' || wanted === 'ipv6-addr:value') return 'ip-dst';
  for (const [type, paths] of Object.entries(OBSERVABLES)) {
    if (paths.length === 1 && normalPath(paths[0] ?? '') === wanted && !['hostname', 'email-src', 'email-dst', 'ip-src'].includes(type)) return type;
  }
  for (const [type, paths] of Object.entries(PATTERN_ONLY)) if (normalPath(paths[0] ?? '') === wanted) return type;
  return null;
}

/** Paths whose values are whole numbers in a pattern (`network-traffic:dst_port = 443`), not strings. */
export const isIntegerPath = (path: string): boolean => path.endsWith('_port') || path === 'autonomous-system:number' || path === 'file:size';

/** A part's value as STIX holds it: `AS64496` is the number 64496; a registry hive is written out (`HKLM\…` is `HKEY_LOCAL_MACHINE\…`, as STIX requires). */
export function stixValue(path: string, value: string): string {
  if (path === 'autonomous-system:number') return value.replace(/^AS/i, '');
  if (path === 'windows-registry-key:key') return value.replace(/^(HKLM|HKCU|HKCR|HKU|HKCC)(?=\\|$)/i, (hive) => HIVES[hive.toUpperCase()] ?? hive);
  return value;
}

const HIVES: Readonly<Record<string, string>> = { HKLM: 'HKEY_LOCAL_MACHINE', HKCU: 'HKEY_CURRENT_USER', HKCR: 'HKEY_CLASSES_ROOT', HKU: 'HKEY_USERS', HKCC: 'HKEY_CURRENT_CONFIG' };

/** Why a part's value cannot be what its path holds (a port above 65535, an AS that is no number), or null. */
export function badValue(path: string, value: string): string | null {
  if (!isIntegerPath(path)) return null;
  if (!/^\d{1,10}$/.test(value)) return `${path.endsWith('_port') ? 'a port' : 'a whole number'} was expected; got ${JSON.stringify(value.slice(0, 20))}`;
  if (path.endsWith('_port') && Number(value) > 65535) return `a port is from 0 to 65535; got ${value}`;
  return null;
}

/** Which value parts a type has: `filename|md5` has two, `ip-dst` one. */
export function splitValue(type: string, value: string): string[] {
  const mapping = mappingOf(type);
  if (mapping?.kind !== 'observable' || mapping.paths.length === 1) return [value];
  const at = value.indexOf('|');
  return at < 0 ? [value] : [value.slice(0, at), value.slice(at + 1)];
}

/** The pattern path of a part: IP resolves to v4 or v6 by the value. */
export function concretePath(path: string, value: string): string {
  if (path === IP) return value.includes(':') ? 'ipv6-addr:value' : 'ipv4-addr:value';
  return path;
}

/** The MISP type of a pair of paths written together (export): `file:name` with a hash is `filename|<hash>`. */
export function mispTypeOfPair(first: string, second: string): string | null {
  for (const [type, paths] of Object.entries(OBSERVABLES)) {
    if (paths.length === 2 && normalPath(paths[0] ?? '') === normalPath(first) && normalPath(paths[1] ?? '') === normalPath(second)) return type;
  }
  return null;
}
