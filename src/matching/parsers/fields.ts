import { classify, hashKind, ipKind, isDomain, type LogRecord, type TimeFormat } from '../record.ts';

/** What a named field of a structured log (JSON, CSV, Zeek) holds. */
export type FieldRole =
  | 'src-ip'
  | 'dst-ip'
  | 'ip'
  | 'src-port'
  | 'dst-port'
  | 'proto'
  | 'host'
  | 'url'
  | 'uri'
  | 'user-agent'
  | 'hash'
  | 'email'
  | 'time'
  | 'method'
  | 'filename'
  | 'list'
  | 'ignore';

const ROLES: Readonly<Record<string, FieldRole>> = {
  src_ip: 'src-ip', source_ip: 'src-ip', srcip: 'src-ip', src: 'src-ip', src_addr: 'src-ip', client_ip: 'src-ip', clientip: 'src-ip', client: 'src-ip',
  remote_addr: 'src-ip', 'id.orig_h': 'src-ip', 'source.ip': 'src-ip', 'source.address': 'src-ip', 'c-ip': 'src-ip', orig_h: 'src-ip', sourceip: 'src-ip',
  dest_ip: 'dst-ip', dst_ip: 'dst-ip', destination_ip: 'dst-ip', dstip: 'dst-ip', dst: 'dst-ip', dest: 'dst-ip', dst_addr: 'dst-ip', server_ip: 'dst-ip',
  'id.resp_h': 'dst-ip', 'destination.ip': 'dst-ip', 'destination.address': 'dst-ip', 's-ip': 'dst-ip', resp_h: 'dst-ip', destinationip: 'dst-ip',
  ip: 'ip', ip_address: 'ip', ipaddress: 'ip', addr: 'ip', address: 'ip', 'host.ip': 'ip', peer: 'ip', tx_hosts: 'ip', rx_hosts: 'ip',
  src_port: 'src-port', source_port: 'src-port', sport: 'src-port', srcport: 'src-port', 'id.orig_p': 'src-port', 'source.port': 'src-port', orig_p: 'src-port',
  dest_port: 'dst-port', dst_port: 'dst-port', destination_port: 'dst-port', dport: 'dst-port', dstport: 'dst-port', 'id.resp_p': 'dst-port', 'destination.port': 'dst-port', resp_p: 'dst-port', port: 'dst-port',
  proto: 'proto', protocol: 'proto', transport: 'proto', 'network.transport': 'proto',
  query: 'host', qname: 'host', domain: 'host', hostname: 'host', host: 'host', server_name: 'host', sni: 'host', rrname: 'host', fqdn: 'host',
  'dns.question.name': 'host', 'url.domain': 'host', 'destination.domain': 'host', 'http.hostname': 'host', 'tls.sni': 'host', 'dns.rrname': 'host', 'host.name': 'ignore',
  url: 'url', request_url: 'url', 'url.full': 'url', 'url.original': 'url', referrer: 'url', referer: 'url', http_refer: 'url', 'http.http_refer': 'url', 'http.url': 'uri',
  uri: 'uri', request_uri: 'uri', path: 'ignore',
  user_agent: 'user-agent', useragent: 'user-agent', http_user_agent: 'user-agent', 'user-agent': 'user-agent', ua: 'user-agent', 'user_agent.original': 'user-agent',
  'http.http_user_agent': 'user-agent', 'cs(user-agent)': 'user-agent',
  md5: 'hash', sha1: 'hash', sha256: 'hash', sha512: 'hash', hash: 'hash', file_hash: 'hash', 'file.hash.md5': 'hash', 'file.hash.sha1': 'hash', 'file.hash.sha256': 'hash',
  'fileinfo.md5': 'hash', 'fileinfo.sha1': 'hash', 'fileinfo.sha256': 'hash',
  email: 'email', from: 'email', to: 'email', cc: 'email', sender: 'email', recipient: 'email', mailfrom: 'email', rcptto: 'email', reply_to: 'email', 'email.from': 'email', 'email.to': 'email',
  ts: 'time', timestamp: 'time', '@timestamp': 'time', time: 'time', datetime: 'time', event_time: 'time', eventtime: 'time', date: 'time', flow_start: 'ignore',
  method: 'method', request_method: 'method', http_method: 'method', 'http.http_method': 'method', 'http.request.method': 'method',
  filename: 'filename', file_name: 'filename', 'fileinfo.filename': 'filename', 'file.name': 'filename',
  answers: 'list', 'dns.answers.data': 'list', rdata: 'list', 'dns.rdata': 'list', 'answers.rdata': 'list',
  uid: 'ignore', message: 'ignore', msg: 'ignore',
};

/** The role of a field, by its full dotted path first, then by its last name. */
export function roleOf(name: string): FieldRole | null {
  const lower = name.toLowerCase();
  const direct = ROLES[lower];
  if (direct !== undefined) return direct;
  const dot = lower.lastIndexOf('.');
  return dot < 0 ? null : (ROLES[lower.slice(dot + 1)] ?? null);
}

const EPOCH = /^\d{9,10}(?:\.\d+)?$/;

export function timeFormatOf(raw: string): TimeFormat {
  return EPOCH.test(raw) ? 'epoch-s' : 'iso';
}

function port(value: string): number {
  const n = Number(value);
  return Number.isInteger(n) && n >= 0 && n <= 65535 && value !== '' ? n : -1;
}

/** A host field: an IP address or a domain name (with an optional :port dropped). */
function addHost(record: LogRecord, value: string): void {
  const ip = ipKind(value);
  if (ip !== null) {
    record.add(ip, value);
    return;
  }
  const colon = value.lastIndexOf(':');
  const host = colon > 0 && !value.includes('::') && value.indexOf(':') === colon ? value.slice(0, colon) : value;
  if (ipKind(host) === 'ipv4') record.add('ipv4', host);
  else if (isDomain(host)) record.add('domain', host);
}

function addUrl(record: LogRecord, value: string): void {
  if (classify(value) === 'url') {
    record.add('url', value);
    const start = value.indexOf('://') + 3;
    let end = start;
    while (end < value.length && value[end] !== '/' && value[end] !== '?' && value[end] !== '#') end++;
    addHost(record, value.slice(start, end).replace(/^[^@]*@/, ''));
  }
}

/** Whether a field holds no value in the log's own way ('', '-', Zeek's '(empty)'). */
export function isBlank(value: string): boolean {
  return value === '' || value === '-' || value === '(empty)';
}

/**
 * Adds the full URL of an HTTP request logged as a host field and a path (`http://host[:port]/path`), as CSV, Zeek
 * (TSV and JSON), JSON lines and Suricata log it; nothing when either is missing or the target is not a path.
 */
export function addRequestUrl(record: LogRecord, host: string | null, port: number | null = null): void {
  const target = record.requestTarget;
  if (host === null || isBlank(host) || target === null || !target.startsWith('/')) return;
  record.add('url', `http://${host}${port !== null && port !== 80 ? `:${port}` : ''}${target}`);
}

/** Puts one field's value where its role says; unknown fields are classified by their look. */
export function applyField(record: LogRecord, role: FieldRole | null, value: string): void {
  if (isBlank(value)) return;
  switch (role) {
    case 'src-ip':
      if (ipKind(value) !== null) {
        record.srcIp = value;
        record.addIp(value);
      }
      return;
    case 'dst-ip':
      if (ipKind(value) !== null) {
        record.dstIp = value;
        record.addIp(value);
      }
      return;
    case 'ip':
      for (const part of value.split(',')) record.addIp(part.trim());
      return;
    case 'src-port':
      record.srcPort = port(value);
      return;
    case 'dst-port':
      record.dstPort = port(value);
      return;
    case 'proto':
      record.protocol = value.toLowerCase();
      return;
    case 'host':
      addHost(record, value);
      return;
    case 'url':
      addUrl(record, value);
      return;
    case 'uri':
      record.requestTarget = value;
      addUrl(record, value);
      return;
    case 'user-agent':
      record.userAgent = value;
      record.add('user-agent', value);
      return;
    case 'hash': {
      const kind = hashKind(value);
      if (kind !== null) record.add(kind, value);
      return;
    }
    case 'email':
      for (const part of value.split(',')) {
        const address = part.trim().replace(/^.*<([^>]+)>$/, '$1');
        if (classify(address) === 'email') record.add('email', address);
      }
      return;
    case 'time':
      if (record.timeFormat === 'none') record.setTime(value, timeFormatOf(value));
      return;
    case 'method':
      record.method = value;
      return;
    case 'filename':
      record.fileName = value;
      return;
    case 'list':
      for (const part of value.split(',')) applyField(record, null, part.trim());
      return;
    case 'ignore':
      return;
    case null: {
      const kind = classify(value);
      if (kind !== null) record.add(kind, value);
      return;
    }
  }
}
