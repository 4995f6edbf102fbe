import { classify, ipKind, type LineParser, type LineProblem, type LogRecord } from '../record.ts';

// BIND 9 query log: "25-Nov-2026 06:50:46.123 queries: info: client @0x7f 198.51.100.7#53122 (www.example.com): query: www.example.com IN A +E(0) (203.0.113.53)"
const BIND = /^(\d{2}-[A-Z][a-z]{2}-\d{4} \d{2}:\d{2}:\d{2}(?:\.\d+)?) .*?client (?:@\S+ )?([0-9a-fA-F.:]+)#(\d+)(?: \([^)]*\))?: (?:view [^:]+: )?query: (\S+) \S+ (\S+)/;
// dnsmasq: "Nov 25 06:50:46 dnsmasq[812]: query[A] www.example.com from 198.51.100.7" (also reply/cached/forwarded, with log-queries=extra fields)
const DNSMASQ = /^([A-Z][a-z]{2} [ \d]\d \d{2}:\d{2}:\d{2}) (?:\S+ )?dnsmasq\[\d+\]: (?:\d+ \S+ )?(query\[\w+\]|reply|cached|forwarded|config|\/\S+) (\S+) (?:from|is|to) (\S+)/;
// Unbound with log-queries: "[1732517446] unbound[812:0] info: 198.51.100.7 www.example.com. A IN"
const UNBOUND = /^\[(\d+)\] unbound\[[\d:]+\] (?:info|query): ([0-9a-fA-F.:]+) (\S+) (\S+) IN/;

const BAD: LineProblem = { code: 'unrecognized-line', message: 'not a BIND query log, dnsmasq or Unbound query line' };

function addName(record: LogRecord, name: string): void {
  const kind = classify(name.endsWith('.') ? name.slice(0, -1) : name);
  if (kind === 'domain') record.add('domain', name.endsWith('.') ? name.slice(0, -1) : name);
  else if (kind === 'ipv4' || kind === 'ipv6') record.add(kind, name);
}

/** DNS server query logs: the client address and port, the queried name and (dnsmasq) answers and upstreams. */
export function dnsParser(): LineParser {
  return {
    parse(line: string, record: LogRecord): LineProblem | null {
      const bind = BIND.exec(line);
      if (bind !== null) {
        const [, time = '', client = '', port = '', name = ''] = bind;
        record.setTime(time, 'bind');
        record.srcIp = client;
        record.addIp(client);
        record.srcPort = Number(port);
        record.dstPort = 53;
        record.protocol = 'udp';
        addName(record, name);
        return null;
      }
      const masq = DNSMASQ.exec(line);
      if (masq !== null) {
        const [, time = '', action = '', name = '', other = ''] = masq;
        record.setTime(time, 'syslog');
        addName(record, name);
        if (ipKind(other) !== null) {
          if (action.startsWith('query')) {
            record.srcIp = other;
            record.dstPort = 53;
            record.protocol = 'udp';
          }
          record.addIp(other);
        } else if (action !== 'forwarded') addName(record, other);
        return null;
      }
      const unbound = UNBOUND.exec(line);
      if (unbound !== null) {
        const [, time = '', client = '', name = ''] = unbound;
        record.setTime(time, 'epoch-s');
        record.srcIp = client;
        record.addIp(client);
        record.dstPort = 53;
        record.protocol = 'udp';
        addName(record, name);
        return null;
      }
      return BAD;
    },
  };
}
