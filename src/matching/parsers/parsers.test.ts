import { describe, expect, it } from 'vitest';
import { detectFormat, parserFor, type LogFormat } from '../formats.ts';
import { LogRecord, type LineProblem } from '../record.ts';
import { timeToMillis } from '../time.ts';

interface Parsed {
  readonly values: string[];
  readonly time: string | null;
  readonly net: string;
  readonly ua: string | null;
  readonly problem: LineProblem | null;
}

function run(format: LogFormat, lines: readonly string[]): Parsed[] {
  const parser = parserFor(format);
  const record = new LogRecord();
  return lines.map((line, i) => {
    record.reset(i + 1);
    const problem = parser.parse(line, record);
    const values = record.kinds.slice(0, record.size).map((k, j) => `${k}:${record.values[j] ?? ''}`);
    const ms = timeToMillis(record.timeRaw, record.timeFormat, 2026);
    return {
      values,
      time: ms === null ? null : new Date(ms).toISOString(),
      net: `${record.srcIp ?? '-'}:${record.srcPort} > ${record.dstIp ?? '-'}:${record.dstPort} ${record.protocol ?? '-'}`,
      ua: record.userAgent,
      problem,
    };
  });
}

describe('jsonl', () => {
  it('takes known and generic fields, nested objects and arrays', () => {
    const [a, b] = run('jsonl', [
      '{"@timestamp":"2026-11-03T14:05:06.250Z","source":{"ip":"198.51.100.23","port":51515},"destination":{"ip":"203.0.113.80","port":443},"url":{"full":"https://vote-info.example/ballot?id=7"},"user_agent":{"original":"curl/8.4.0"},"file":{"hash":{"sha256":"E3B0C44298FC1C149AFBF4C8996FB92427AE41E4649B934CA495991B7852B855"}},"note":"see admin@county.example"}',
      '{"ts":1762178706.5,"query":"evil-ballots.example","answers":["203.0.113.66","2001:db8::42"],"count":3}',
    ]);
    expect(a?.values).toEqual([
      'ipv4:198.51.100.23',
      'ipv4:203.0.113.80',
      'url:https://vote-info.example/ballot?id=7',
      'domain:vote-info.example',
      'user-agent:curl/8.4.0',
      'sha256:E3B0C44298FC1C149AFBF4C8996FB92427AE41E4649B934CA495991B7852B855',
    ]);
    expect(a?.net).toBe('198.51.100.23:51515 > 203.0.113.80:443 -');
    expect(a?.time).toBe('2026-11-03T14:05:06.250Z');
    expect(b?.values).toEqual(['domain:evil-ballots.example', 'ipv4:203.0.113.66', 'ipv6:2001:db8::42']);
    expect(b?.time).toBe('2025-11-03T14:05:06.500Z');
  });

  it("joins a host and a path into a full URL, as in Zeek's JSON http log", () => {
    const [http, absolute] = run('jsonl', [
      '{"ts":1762160400.0,"uid":"Cx3","id.orig_h":"198.51.100.5","id.orig_p":50000,"id.resp_h":"203.0.113.8","id.resp_p":80,"method":"GET","host":"sos.example","uri":"/upload.php","referrer":"-","user_agent":"python-requests/2.31"}',
      '{"host":"sos.example","uri":"http://other.example/a"}',
    ]);
    expect(http?.values).toEqual(['ipv4:198.51.100.5', 'ipv4:203.0.113.8', 'domain:sos.example', 'user-agent:python-requests/2.31', 'url:http://sos.example/upload.php']);
    expect(absolute?.values).toEqual(['domain:sos.example', 'url:http://other.example/a', 'domain:other.example']);
  });

  it('reports lines that are not JSON objects', () => {
    const [a, b] = run('jsonl', ['{"a":', '[1,2]']);
    expect(a?.problem?.code).toBe('malformed-json');
    expect(b?.problem).toEqual({ code: 'not-an-object', message: 'the line is JSON but not an object; put one JSON object on each line' });
  });

  it('reads a line nested 50,000 arrays deep without overflowing, taking fields from the first levels only', () => {
    const [row] = run('jsonl', [`{"src":"198.51.100.1","x":${'['.repeat(50_000)}"203.0.113.9"${']'.repeat(50_000)}}`]);
    expect(row?.problem).toBeNull();
    expect(JSON.stringify(row)).toContain('198.51.100.1');
    expect(JSON.stringify(row)).not.toContain('203.0.113.9');
  });
});

describe('csv', () => {
  it('maps columns by header, with quoted cells and a host+path URL', () => {
    const rows = run('csv', [
      'timestamp,src_ip,dst_ip,dst_port,host,uri,user_agent,sha1',
      '2026-11-03T09:00:00Z,198.51.100.4,203.0.113.9,80,results.example,/totals.json,"Mozilla/5.0 (X11; Linux x86_64) ""quoted""",da39a3ee5e6b4b0d3255bfef95601890afd80709',
      'a,b',
      '"unterminated,x',
    ]);
    expect(rows[0]?.values).toEqual([]);
    expect(rows[1]?.values).toEqual([
      'ipv4:198.51.100.4',
      'ipv4:203.0.113.9',
      'domain:results.example',
      'user-agent:Mozilla/5.0 (X11; Linux x86_64) "quoted"',
      'sha1:da39a3ee5e6b4b0d3255bfef95601890afd80709',
      'url:http://results.example/totals.json',
    ]);
    expect(rows[1]?.net).toBe('198.51.100.4:-1 > 203.0.113.9:80 -');
    expect(rows[2]?.problem).toEqual({ code: 'wrong-field-count', message: '2 fields, but the header names 8' });
    expect(rows[3]?.problem?.code).toBe('unrecognized-line');
  });
});

describe('zeek', () => {
  const header = (path: string, fields: string) => ['#separator \\x09', '#set_separator\t,', `#path\t${path}`, `#fields\t${fields.split(' ').join('\t')}`, '#types\t...'];
  it('reads conn, dns, http, ssl and files logs', () => {
    const conn = run('zeek', [...header('conn', 'ts uid id.orig_h id.orig_p id.resp_h id.resp_p proto'), '1762160400.123456\tCx1\t198.51.100.5\t49152\t203.0.113.7\t22\ttcp']);
    expect(conn[5]?.values).toEqual(['ipv4:198.51.100.5', 'ipv4:203.0.113.7']);
    expect(conn[5]?.net).toBe('198.51.100.5:49152 > 203.0.113.7:22 tcp');
    expect(conn[5]?.time).toBe('2025-11-03T09:00:00.123Z');
    const dns = run('zeek', [...header('dns', 'ts uid id.orig_h id.orig_p id.resp_h id.resp_p proto query answers'), '1762160400.0\tCx2\t198.51.100.5\t5353\t203.0.113.53\t53\tudp\tpolls.example\t203.0.113.99,2001:db8::9']);
    expect(dns[5]?.values).toEqual(['ipv4:198.51.100.5', 'ipv4:203.0.113.53', 'domain:polls.example', 'ipv4:203.0.113.99', 'ipv6:2001:db8::9']);
    const http = run('zeek', [...header('http', 'ts uid id.orig_h id.orig_p id.resp_h id.resp_p method host uri referrer user_agent'), '1762160400.0\tCx3\t198.51.100.5\t50000\t203.0.113.8\t80\tGET\tsos.example\t/upload.php\t-\tpython-requests/2.31']);
    expect(http[5]?.values).toEqual(['ipv4:198.51.100.5', 'ipv4:203.0.113.8', 'domain:sos.example', 'user-agent:python-requests/2.31', 'url:http://sos.example/upload.php']);
    const ssl = run('zeek', [...header('ssl', 'ts uid id.orig_h id.orig_p id.resp_h id.resp_p server_name'), '1762160400.0\tCx4\t198.51.100.5\t50001\t203.0.113.8\t443\tlogin.county.example']);
    expect(ssl[5]?.values).toContain('domain:login.county.example');
    const files = run('zeek', [...header('files', 'ts fuid tx_hosts rx_hosts mime_type filename md5 sha1 sha256'), '1762160400.0\tF1\t203.0.113.8\t198.51.100.5\tapplication/pdf\tballot.pdf\t0cc175b9c0f1b6a831c399e269772661\t-\t(empty)']);
    expect(files[5]?.values).toEqual(['ipv4:203.0.113.8', 'ipv4:198.51.100.5', 'md5:0cc175b9c0f1b6a831c399e269772661']);
  });

  it('refuses data before the header and rows of the wrong width', () => {
    expect(run('zeek', ['1762160400.0\tx'])[0]?.problem?.code).toBe('no-header');
    expect(run('zeek', ['#fields\tts\tuid', '1\t2\t3'])[1]?.problem).toEqual({ code: 'wrong-field-count', message: '3 fields, but #fields names 2' });
  });
});

describe('dns', () => {
  it('reads BIND, dnsmasq and Unbound query lines', () => {
    const rows = run('dns', [
      '03-Nov-2026 09:15:01.042 queries: info: client @0x7f2a8c0a1b20 198.51.100.17#53122 (Voter-Lookup.example): query: Voter-Lookup.example IN A +E(0)K (203.0.113.53)',
      'Nov  3 09:15:02 ns1 dnsmasq[812]: query[AAAA] results.example from 198.51.100.18',
      'Nov  3 09:15:02 dnsmasq[812]: reply results.example is 2001:db8::5',
      '[1762161303] unbound[812:0] info: 198.51.100.19 tally.example. A IN',
      'this is not a dns line',
    ]);
    expect(rows[0]?.values).toEqual(['ipv4:198.51.100.17', 'domain:Voter-Lookup.example']);
    expect(rows[0]?.time).toBe('2026-11-03T09:15:01.042Z');
    expect(rows[0]?.net).toBe('198.51.100.17:53122 > -:53 udp');
    expect(rows[1]?.values).toEqual(['domain:results.example', 'ipv4:198.51.100.18']);
    expect(rows[1]?.time).toBe('2026-11-03T09:15:02.000Z');
    expect(rows[2]?.values).toEqual(['domain:results.example', 'ipv6:2001:db8::5']);
    expect(rows[3]?.values).toEqual(['ipv4:198.51.100.19', 'domain:tally.example']);
    expect(rows[4]?.problem).toEqual({ code: 'unrecognized-line', message: 'not a BIND query log, dnsmasq or Unbound query line' });
  });
});

describe('nginx', () => {
  it('reads the combined log format', () => {
    const rows = run('nginx', [
      '203.0.113.44 - - [03/Nov/2026:10:00:00 -0500] "GET /results/county-12.json HTTP/1.1" 200 5120 "https://news.example/live?x=1" "Mozilla/5.0 (Windows NT 10.0; Win64; x64)"',
      '198.51.100.2 - admin [03/Nov/2026:10:00:01 +0000] "GET http://proxy-target.example/a HTTP/1.1" 502 0 "-" "-"',
      '203.0.113.44 - - 03/Nov/2026 GET /',
    ]);
    expect(rows[0]?.values).toEqual(['ipv4:203.0.113.44', 'url:https://news.example/live?x=1', 'domain:news.example', 'user-agent:Mozilla/5.0 (Windows NT 10.0; Win64; x64)']);
    expect(rows[0]?.time).toBe('2026-11-03T15:00:00.000Z');
    expect(rows[1]?.values).toEqual(['ipv4:198.51.100.2', 'url:http://proxy-target.example/a', 'domain:proxy-target.example']);
    expect(rows[1]?.ua).toBeNull();
    expect(rows[2]?.problem?.code).toBe('unrecognized-line');
  });
});

describe('suricata-eve', () => {
  it('reads flow, dns, http, tls and fileinfo events', () => {
    const rows = run('suricata-eve', [
      '{"timestamp":"2026-11-03T10:00:00.000123+0000","flow_id":1,"event_type":"dns","src_ip":"198.51.100.30","src_port":40000,"dest_ip":"203.0.113.53","dest_port":53,"proto":"UDP","dns":{"type":"query","rrname":"c2.election-fraud.example","rrtype":"A"}}',
      '{"timestamp":"2026-11-03T10:00:01.000000+0000","event_type":"http","src_ip":"198.51.100.30","src_port":40001,"dest_ip":"203.0.113.80","dest_port":80,"proto":"TCP","http":{"hostname":"portal.example","url":"/login","http_user_agent":"Go-http-client/1.1","http_method":"POST"}}',
      '{"timestamp":"2026-11-03T10:00:02.000000+0000","event_type":"tls","src_ip":"2001:db8::30","dest_ip":"2001:db8::443","tls":{"sni":"secure.portal.example"}}',
      '{"timestamp":"2026-11-03T10:00:03.000000+0000","event_type":"fileinfo","src_ip":"203.0.113.80","dest_ip":"198.51.100.30","fileinfo":{"filename":"/ballot.exe","md5":"0cc175b9c0f1b6a831c399e269772661","sha256":"ca978112ca1bbdcafac231b39a23dc4da786eff8147c4e72b9807785afee48bb"}}',
      '{"timestamp":"2026-11-03T10:00:04Z","src_ip":"198.51.100.30"}',
    ]);
    expect(rows[0]?.values).toEqual(['ipv4:198.51.100.30', 'ipv4:203.0.113.53', 'domain:c2.election-fraud.example']);
    expect(rows[0]?.net).toBe('198.51.100.30:40000 > 203.0.113.53:53 udp');
    expect(rows[0]?.time).toBe('2026-11-03T10:00:00.000Z');
    expect(rows[1]?.values).toEqual(['ipv4:198.51.100.30', 'ipv4:203.0.113.80', 'domain:portal.example', 'user-agent:Go-http-client/1.1', 'url:http://portal.example/login']);
    expect(rows[2]?.values).toEqual(['ipv6:2001:db8::30', 'ipv6:2001:db8::443', 'domain:secure.portal.example']);
    expect(rows[3]?.values).toEqual(['ipv4:203.0.113.80', 'ipv4:198.51.100.30', 'md5:0cc175b9c0f1b6a831c399e269772661', 'sha256:ca978112ca1bbdcafac231b39a23dc4da786eff8147c4e72b9807785afee48bb']);
    expect(rows[4]?.problem).toEqual({ code: 'unrecognized-line', message: 'not a Suricata EVE event: the "event_type" field is missing' });
    const [port] = run('suricata-eve', ['{"event_type":"http","src_ip":"198.51.100.30","http":{"hostname":"portal.example","http_port":8080,"url":"/login"}}']);
    expect(port?.values).toEqual(['ipv4:198.51.100.30', 'domain:portal.example', 'url:http://portal.example:8080/login']);
  });
});

describe('detectFormat', () => {
  it('recognises each format from its first lines', () => {
    expect(detectFormat(['#separator \\x09', '#fields\tts'])).toEqual({ ok: true, value: 'zeek' });
    expect(detectFormat(['', '{"event_type":"dns","src_ip":"198.51.100.1"}'])).toEqual({ ok: true, value: 'suricata-eve' });
    expect(detectFormat(['{"src":"198.51.100.1"}'])).toEqual({ ok: true, value: 'jsonl' });
    expect(detectFormat(['203.0.113.1 - - [03/Nov/2026:10:00:00 +0000] "GET / HTTP/1.1" 200 1 "-" "-"'])).toEqual({ ok: true, value: 'nginx' });
    expect(detectFormat(['Nov  3 09:15:02 dnsmasq[812]: query[A] a.example from 198.51.100.18'])).toEqual({ ok: true, value: 'dns' });
    expect(detectFormat(['ip,domain', '198.51.100.1,a.example'])).toEqual({ ok: true, value: 'csv' });
    expect(detectFormat(['hello world'])).toEqual({ ok: false, error: { code: 'format-not-detected', message: 'cannot tell the log format from its first lines; give --format (jsonl, csv, zeek, dns, nginx, suricata-eve)' } });
  });
});

describe('isDomain', () => {
  it('agrees with the reference pattern', async () => {
    const { isDomain, DOMAIN_PATTERN } = await import('../record.ts');
    const samples = ['a.example', 'www.Vote-Info.example', 'x_y.example', 'a.example.', '-a.example', 'a-.example', 'a..example', 'a.b', 'a.b1', 'a.1b', 'a.e_x', 'a.ex-', 'abc', '1.2.3.4', 'host123.zone5.example', `${'a'.repeat(64)}.example`, `${'a'.repeat(63)}.example`, 'a.ex ample', 'ab.c-d', '_dmarc.county.example', 'report.pdf'];
    for (const s of samples) expect(isDomain(s), s).toBe(DOMAIN_PATTERN.test(s));
  });
});
