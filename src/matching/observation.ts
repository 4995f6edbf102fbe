import { detach, type LogRecord, type ValueKind } from './record.ts';

/** A cyber-observable object inside an observation (STIX 2.1 §6), keyed by its position. */
export type ScoObject = { readonly type: string } & Record<string, unknown>;

/** One observation as the pattern compiler evaluates it. */
export interface Observation {
  readonly first_observed: string;
  readonly last_observed: string;
  readonly number_observed: number;
  readonly objects: Record<string, ScoObject>;
}

const HASH_NAMES: Partial<Record<ValueKind, string>> = { md5: 'MD5', sha1: 'SHA-1', sha256: 'SHA-256', sha512: 'SHA-512' };

/** The SCO types a record yields, for the prefilter of complex patterns. */
export function objectTypesOf(record: LogRecord, out: Set<string>): void {
  out.clear();
  for (let i = 0; i < record.size; i++) {
    switch (record.kinds[i]) {
      case 'ipv4':
        out.add('ipv4-addr');
        break;
      case 'ipv6':
        out.add('ipv6-addr');
        break;
      case 'domain':
        out.add('domain-name');
        break;
      case 'url':
        out.add('url');
        break;
      case 'email':
        out.add('email-addr');
        break;
      case 'md5':
      case 'sha1':
      case 'sha256':
      case 'sha512':
        out.add('file');
        break;
      case 'user-agent':
      case undefined:
        break;
    }
  }
  if (record.srcIp !== null || record.dstIp !== null || record.srcPort >= 0 || record.dstPort >= 0 || record.userAgent !== null || record.method !== null) out.add('network-traffic');
  if (record.fileName !== null) out.add('file');
}

function scoOf(kind: ValueKind, value: string): ScoObject | null {
  switch (kind) {
    case 'ipv4':
      return { type: 'ipv4-addr', value };
    case 'ipv6':
      return { type: 'ipv6-addr', value };
    case 'domain':
      return { type: 'domain-name', value };
    case 'url':
      return { type: 'url', value };
    case 'email':
      return { type: 'email-addr', value };
    case 'md5':
    case 'sha1':
    case 'sha256':
    case 'sha512':
      return { type: 'file', hashes: { [HASH_NAMES[kind] ?? kind]: value } };
    case 'user-agent':
      return null;
  }
}

/**
 * The STIX observation of one log line: an SCO per value, and a network-traffic object joining
 * the addresses, ports, protocol and HTTP request (method, target, User-Agent) when the line has them.
 * A line's hashes (and its file name) describe one file, so they share one `file` object; a second
 * hash of an algorithm that file already holds starts another file.
 */
export function toObservation(record: LogRecord, time: string): Observation {
  const objects: Record<string, ScoObject> = {};
  const keyOf = new Map<string, string>();
  const files: { readonly sco: ScoObject; readonly hashes: Record<string, string> }[] = [];
  let n = 0;
  const newFile = () => {
    const hashes: Record<string, string> = {};
    const file = { sco: { type: 'file', hashes }, hashes };
    files.push(file);
    objects[String(n++)] = file.sco;
    return file;
  };
  for (let i = 0; i < record.size; i++) {
    const kind = record.kinds[i];
    const value = record.values[i];
    if (kind === undefined || value === undefined || keyOf.has(`${kind}|${value}`)) continue;
    const algorithm = HASH_NAMES[kind];
    if (algorithm !== undefined) {
      const file = files.find((f) => f.hashes[algorithm] === undefined) ?? newFile();
      file.hashes[algorithm] = detach(value);
      keyOf.set(`${kind}|${value}`, '');
      continue;
    }
    const sco = scoOf(kind, detach(value));
    if (sco === null) continue;
    const key = String(n++);
    keyOf.set(`${kind}|${value}`, key);
    objects[key] = sco;
  }
  if (record.fileName !== null) {
    const file = files[0]?.sco;
    if (file === undefined) objects[String(n++)] = { type: 'file', name: detach(record.fileName) };
    else file['name'] = detach(record.fileName);
  }
  const ipRef = (ip: string | null) => (ip === null ? undefined : (keyOf.get(`ipv4|${ip}`) ?? keyOf.get(`ipv6|${ip}`)));
  const srcRef = ipRef(record.srcIp);
  const dstRef = ipRef(record.dstIp);
  if (srcRef !== undefined || dstRef !== undefined || record.srcPort >= 0 || record.dstPort >= 0 || record.userAgent !== null || record.method !== null) {
    const traffic: Record<string, unknown> = { type: 'network-traffic', protocols: [detach(record.protocol ?? (record.method !== null ? 'tcp' : 'ipv4'))] };
    if (srcRef !== undefined) traffic['src_ref'] = srcRef;
    if (dstRef !== undefined) traffic['dst_ref'] = dstRef;
    if (record.srcPort >= 0) traffic['src_port'] = record.srcPort;
    if (record.dstPort >= 0) traffic['dst_port'] = record.dstPort;
    if (record.method !== null || record.userAgent !== null) {
      const headers: Record<string, string> = {};
      if (record.userAgent !== null) headers['User-Agent'] = detach(record.userAgent);
      traffic['extensions'] = { 'http-request-ext': { request_method: detach((record.method ?? 'get').toLowerCase()), request_value: detach(record.requestTarget ?? '/'), request_header: headers } };
    }
    objects[String(n++)] = traffic as ScoObject;
  }
  return { first_observed: time, last_observed: time, number_observed: 1, objects };
}

/** An observation holding one value alone, for expressions that depend on nothing else (see channelOf). */
export function channelObservation(kind: ValueKind, value: string): Observation {
  const sco: ScoObject =
    kind === 'user-agent'
      ? { type: 'network-traffic', protocols: ['tcp'], extensions: { 'http-request-ext': { request_method: 'get', request_value: '/', request_header: { 'User-Agent': value } } } }
      : (scoOf(kind, value) ?? { type: 'x-none' });
  return { first_observed: '1970-01-01T00:00:00Z', last_observed: '1970-01-01T00:00:00Z', number_observed: 1, objects: { '0': sco } };
}
