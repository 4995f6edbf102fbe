import { classify, ipKind, type LineParser, type LineProblem, type LogRecord } from '../record.ts';

const BAD: LineProblem = { code: 'unrecognized-line', message: 'not in the combined log format: $remote_addr - $remote_user [$time_local] "$request" $status $bytes "$referer" "$user_agent"' };

/** The host of an absolute URL, for its domain or address. */
function addUrlAndHost(record: LogRecord, url: string): void {
  // The common case without a regex: http(s) and no whitespace (nginx escapes the rest).
  const plain = url.length > 9 && (url.startsWith('http://') || url.startsWith('https://')) && url.indexOf(' ') < 0 && url.indexOf('\t') < 0;
  if (!plain && classify(url) !== 'url') return;
  record.add('url', url);
  const start = url.indexOf('://') + 3;
  let end = start;
  while (end < url.length && url[end] !== '/' && url[end] !== ':' && url[end] !== '?') end++;
  const host = url.slice(start, end);
  const kind = classify(host);
  if (kind === 'domain' || kind === 'ipv4') record.add(kind, host);
}

/**
 * nginx / Apache combined log format, parsed by position rather than by regex (it is the hot
 * path of the benchmark): client address, time, request method and target, referer, user agent.
 */
export function nginxParser(): LineParser {
  return {
    parse(line: string, record: LogRecord): LineProblem | null {
      const sp = line.indexOf(' ');
      if (sp <= 0) return BAD;
      const client = line.slice(0, sp);
      const open = line.indexOf('[', sp);
      const close = open < 0 ? -1 : line.indexOf(']', open);
      if (close < 0 || line.charCodeAt(close + 1) !== 32 || line.charCodeAt(close + 2) !== 34) return BAD;
      const reqEnd = line.indexOf('" ', close + 3);
      if (reqEnd < 0) return BAD;
      const kind = ipKind(client);
      if (kind !== null) {
        record.srcIp = client;
        record.add(kind, client);
      } else if (classify(client) === 'domain') record.add('domain', client);
      record.setTime(line.slice(open + 1, close), 'clf');
      const request = line.slice(close + 3, reqEnd);
      const m1 = request.indexOf(' ');
      if (m1 > 0) {
        record.method = request.slice(0, m1);
        const m2 = request.indexOf(' ', m1 + 1);
        const target = m2 < 0 ? request.slice(m1 + 1) : request.slice(m1 + 1, m2);
        record.requestTarget = target;
        if (target.charCodeAt(0) !== 47) addUrlAndHost(record, target);
      }
      const refOpen = line.indexOf('"', reqEnd + 2);
      if (refOpen < 0) return null;
      const refClose = line.indexOf('"', refOpen + 1);
      if (refClose < 0) return BAD;
      const referer = line.slice(refOpen + 1, refClose);
      if (referer !== '-' && referer !== '') addUrlAndHost(record, referer);
      const uaOpen = line.indexOf('"', refClose + 1);
      if (uaOpen < 0) return null;
      const uaClose = line.indexOf('"', uaOpen + 1);
      if (uaClose < 0) return BAD;
      const agent = line.slice(uaOpen + 1, uaClose);
      if (agent !== '-' && agent !== '') {
        record.userAgent = agent;
        record.add('user-agent', agent);
      }
      record.protocol = 'tcp';
      return null;
    },
  };
}
