import { uuidV5 } from '../domain/uuid.ts';
import { isIntegerPath } from './attribute-types.ts';

/** STIX 2.1 §2.9: the namespace of deterministic SCO ids. */
const SCO_NAMESPACE = '00abedb4-aa42-466c-9c01-fed23315a9b7';

/** The properties whose values make an SCO's id (STIX 2.1 §6, each type's "ID Contributing Properties"). */
const ID_PROPERTIES: Readonly<Record<string, readonly string[]>> = {
  file: ['hashes', 'name'],
  'email-message': ['from_ref', 'subject', 'body'],
  'windows-registry-key': ['key', 'values'],
  'x509-certificate': ['hashes', 'serial_number'],
  mutex: ['name'],
  'network-traffic': ['start', 'end', 'src_ref', 'dst_ref', 'src_port', 'dst_port', 'protocols', 'extensions'],
};

function canonical(value: unknown): string {
  if (Array.isArray(value)) return `[${value.map(canonical).join(',')}]`;
  if (typeof value === 'object' && value !== null) {
    const entries = Object.entries(value as Record<string, unknown>).sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0));
    return `{${entries.map(([k, v]) => `${JSON.stringify(k)}:${canonical(v)}`).join(',')}}`;
  }
  return JSON.stringify(value);
}

/** The id STIX gives an observable with these properties: the same value always gets the same id. */
export function scoId(type: string, properties: Readonly<Record<string, unknown>>): string {
  const contributing = ID_PROPERTIES[type] ?? ['value'];
  const picked = Object.fromEntries(contributing.filter((k) => properties[k] !== undefined).map((k) => [k, properties[k]]));
  return `${type}--${uuidV5(canonical(picked), SCO_NAMESPACE)}`;
}

/** One `path = value` comparison of a pattern, as its MISP value part gives it. */
export interface PathValue {
  readonly path: string;
  readonly value: string;
}

const HASH_STEP = /^hashes\.'([^']+)'$/;
/** `dst_ref.value`, `resolves_to_refs[*].value`, `to_refs[*].value`: a reference to another observable by its value. */
const REF_STEP = /^([a-z_]+?)_ref(s\[\*\])?\.value$/;

/**
 * The observables (SCOs, without sharing properties) that a set of comparisons of one attribute
 * describe, and which of them the attribute is about (its root, e.g. the file, the domain).
 */
export function observablesOf(parts: readonly PathValue[]): { readonly objects: Record<string, unknown>[]; readonly roots: string[] } {
  const byType = new Map<string, Record<string, unknown>>();
  const extra: Record<string, unknown>[] = [];
  for (const { path, value } of parts) {
    const colon = path.indexOf(':');
    const type = path.slice(0, colon);
    const rest = path.slice(colon + 1);
    const props = byType.get(type) ?? {};
    byType.set(type, props);
    const ref = REF_STEP.exec(rest);
    if (ref?.[1] !== undefined) {
      const refType = ref[1] === 'src' || ref[1] === 'dst' || ref[1] === 'resolves_to' ? addressType(value) : 'email-addr';
      const target = { type: refType, spec_version: '2.1', id: scoId(refType, { value }), value };
      if (!extra.some((e) => e['id'] === target.id)) extra.push(target);
      const key = `${ref[1]}_ref${ref[2] === undefined ? '' : 's'}`;
      if (ref[2] === undefined) props[key] = target.id;
      else props[key] = [...new Set([...((props[key] as string[] | undefined) ?? []), target.id])];
      // STIX requires the protocols: an address says its network layer; a host name says none, and MISP's host|port is a TCP service (web, mail, C2).
      if (type === 'network-traffic') props['protocols'] = [refType === 'ipv6-addr' ? 'ipv6' : refType === 'ipv4-addr' ? 'ipv4' : 'tcp'];
      continue;
    }
    if (isIntegerPath(path)) {
      props[rest] = Number(value);
      continue;
    }
    if (rest === 'values[*].data') {
      props['values'] = [...((props['values'] as unknown[] | undefined) ?? []), { data: value }];
      continue;
    }
    const hash = HASH_STEP.exec(rest);
    if (hash?.[1] !== undefined) props['hashes'] = { ...(props['hashes'] as Record<string, string> | undefined), [hash[1]]: value };
    else props[rest] = value;
  }
  const objects: Record<string, unknown>[] = [];
  const roots: string[] = [];
  for (const [type, props] of byType) {
    const full = type === 'email-message' ? { is_multipart: false, ...props } : props;
    const id = scoId(type, full);
    objects.push({ type, spec_version: '2.1', id, ...full });
    roots.push(id);
  }
  return { objects: [...objects, ...extra], roots };
}

/** The observable type of an address a MISP value names: IPv6 has colons, IPv4 is four numbers, anything else a host name. */
function addressType(value: string): 'ipv4-addr' | 'ipv6-addr' | 'domain-name' {
  if (value.includes(':')) return 'ipv6-addr';
  return /^\d{1,3}(\.\d{1,3}){3}(\/\d{1,2})?$/.test(value) ? 'ipv4-addr' : 'domain-name';
}

/** A string literal of a STIX pattern: quotes and backslashes escaped. */
export function patternString(value: string): string {
  return `'${value.replace(/[\\']/g, '\\$&')}'`;
}

/** The STIX pattern of comparisons that all hold of one observation. */
export function patternOf(parts: readonly PathValue[]): string {
  return `[${parts.map((p) => `${p.path} = ${isIntegerPath(p.path) ? p.value : patternString(p.value)}`).join(' AND ')}]`;
}
