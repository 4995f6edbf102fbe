import { describe, expect, it } from 'vitest';
import type { Comparison, ObservationExpression, Pattern } from './ast.ts';
import { comparisonsOf, formatPath } from './comparisons.ts';
import { parsePattern } from './parser.ts';

function parse(text: string): Pattern {
  const result = parsePattern(text);
  if (!result.ok) throw new Error(`${result.error.message} at column ${result.error.column}`);
  return result.value;
}

function only(text: string): Comparison {
  const [first, ...rest] = comparisonsOf(parse(text));
  if (first === undefined || rest.length > 0) throw new Error('expected one comparison');
  return first;
}

function error(text: string): { message: string; column: number } {
  const result = parsePattern(text);
  if (result.ok) throw new Error(`parsed: ${text}`);
  expect(result.error.code).toBe('invalid-pattern');
  return { message: result.error.message, column: result.error.column };
}

describe('parsePattern: the examples of STIX 2.1 §9.9', () => {
  const examples = [
    "[file:hashes.'SHA-256' = 'aec070645fe53ee3b3763059376134f058cc337247c978add178b6ccdfb0019f']",
    "[email-message:from_ref.value MATCHES '.+\\\\@example\\\\.com$' AND email-message:body_multipart[*].body_raw_ref.name MATCHES '^Final Report.+\\\\.exe$']",
    "[file:hashes.'SHA-256' = 'aec070645fe53ee3b3763059376134f058cc337247c978add178b6ccdfb0019f' AND file:mime_type = 'application/x-pdf']",
    "[file:hashes.'SHA-256' = 'bf07a7fbb825fc0aae7bf4a1177b2b31fcf8a3feeaf7092761e18c859ee52a9c' OR file:hashes.MD5 = 'cead3f77f6cda6ec00f57d76c9a6879f'] AND [file:hashes.'SHA-256' = 'aec070645fe53ee3b3763059376134f058cc337247c978add178b6ccdfb0019f']",
    "[ipv4-addr:value = '198.51.100.1/32' OR ipv4-addr:value = '203.0.113.33/32' OR ipv6-addr:value = '2001:0db8:dead:beef:dead:beef:dead:0001/128'] AND [domain-name:value = 'example.com'] WITHIN 600 SECONDS",
    "[ipv4-addr:value ISSUBSET '198.51.100.0/24']",
    "[file:name = 'pdf.exe'] REPEATS 5 TIMES WITHIN 1800 SECONDS",
    "[network-traffic:dst_ref.type = 'domain-name' AND network-traffic:dst_ref.value = 'example.com'] REPEATS 5 TIMES",
    "[domain-name:value = 'example.com'] START t'2016-06-01T00:00:00Z' STOP t'2016-07-01T00:00:00Z'",
    "[user-account:account_type = 'unix' AND user-account:user_id = '1007' AND user-account:account_login = 'Peter'] AND [user-account:account_type = 'unix' AND user-account:user_id = '1008' AND user-account:account_login = 'Paul']",
    "[artifact:mime_type = 'application/vnd.tcpdump.pcap' AND artifact:payload_bin MATCHES '\\\\xd4\\\\xc3\\\\xb2\\\\xa1\\\\x02\\\\x00\\\\x04\\\\x00']",
    "[file:name = 'foo.dll' AND file:parent_directory_ref.path = 'C:\\\\Windows\\\\System32']",
    "[file:extensions.'windows-pebinary-ext'.sections[*].entropy > 7.0]",
    "[file:mime_type = 'image/bmp' AND file:magic_number_hex = h'ffd8']",
    "[network-traffic:dst_ref.value ISSUBSET '2001:0db8:dead:beef:0000:0000:0000:0000/64']",
    "([file:name = 'foo.dll'] AND [process:name = 'procname']) OR [windows-registry-key:key = 'HKEY_LOCAL_MACHINE\\\\foo\\\\bar'] FOLLOWEDBY [process:name = 'x']",
    "[(file:name = 'foo.dll' AND file:size < 1000) OR file:name LIKE 'bar%'] START t'2024-01-01T00:00:00.000Z' STOP t'2024-01-02T00:00:00.123456Z'",
    "[x-usb-device:usbdrive.serial_number = '575833304637383247325A']",
    "[process:command_line MATCHES '^.+>-add GlobalSign.cer -c -s -r localMachine Root$'] FOLLOWEDBY [process:command_line MATCHES '^.+>-add GlobalSign.cer -c -s -r localMachineTrustedPublisher$'] WITHIN 300 SECONDS",
  ];
  it.each(examples)('parses %s', (text) => {
    expect(parsePattern(text).ok).toBe(true);
  });
});

describe('parsePattern: structure', () => {
  it('reads a comparison with a quoted key and a string', () => {
    const c = only("[file:hashes.'SHA-256' = 'abc']");
    expect(c).toMatchObject({ operator: '=', negated: false, value: { kind: 'string', value: 'abc' } });
    expect(c.path).toMatchObject({ objectType: 'file', steps: [{ kind: 'key', key: 'hashes' }, { kind: 'key', key: 'SHA-256' }] });
    expect(formatPath(c.path)).toBe("file:hashes.'SHA-256'");
  });

  it('reads list indexes, [*] and negative indexes', () => {
    const c = only('[file:extensions.x.sections[*].names[2].a[-1] = 1]');
    expect(c.path.steps.slice(2)).toEqual([{ kind: 'key', key: 'sections' }, { kind: 'any-index' }, { kind: 'key', key: 'names' }, { kind: 'index', index: 2 }, { kind: 'key', key: 'a' }, { kind: 'index', index: -1 }]);
    expect(formatPath(c.path)).toBe('file:extensions.x.sections[*].names[2].a[-1]');
  });

  it('reads every literal kind', () => {
    expect(only("[a:b = 'it\\'s \\\\ ok']").value).toMatchObject({ kind: 'string', value: "it's \\ ok" });
    expect(only('[a:b = -12]').value).toMatchObject({ kind: 'int', value: -12 });
    expect(only('[a:b = +12]').value).toMatchObject({ kind: 'int', value: 12 });
    expect(only('[a:b = -.5]').value).toMatchObject({ kind: 'float', value: -0.5 });
    expect(only('[a:b = 7.25]').value).toMatchObject({ kind: 'float', value: 7.25 });
    expect(only('[a:b = true]').value).toMatchObject({ kind: 'bool', value: true });
    expect(only('[a:b != false]').value).toMatchObject({ kind: 'bool', value: false });
    const bin = only("[a:b = b'AQID']").value;
    expect(bin.kind === 'binary' && [...bin.value]).toEqual([1, 2, 3]);
    const hex = only("[a:b = h'00ff10']").value;
    expect(hex.kind === 'hex' && [...hex.value]).toEqual([0, 255, 16]);
    expect(only("[a:b > t'2024-11-05T13:00:00.123456Z']").value).toMatchObject({ kind: 'timestamp', value: '2024-11-05T13:00:00.123456Z' });
  });

  it('reads every operator, with and without NOT', () => {
    for (const op of ['=', '!=', '<', '>', '<=', '>=']) {
      expect(only(`[a:b ${op} 1]`)).toMatchObject({ operator: op, negated: false });
      expect(only(`[a:b NOT ${op} 1]`)).toMatchObject({ operator: op, negated: true });
    }
    expect(only("[a:b == 'x']").operator).toBe('=');
    expect(only("[a:b <> 'x']").operator).toBe('!=');
    expect(only("[a:b NOT IN ('x', 'y')]")).toMatchObject({ operator: 'IN', negated: true, value: { kind: 'set', values: [{ value: 'x' }, { value: 'y' }] } });
    expect(only('[a:b IN (1, 2.5)]').value).toMatchObject({ kind: 'set' });
    expect(only('[a:b IN ()]').value).toMatchObject({ kind: 'set', values: [] });
    for (const op of ['LIKE', 'MATCHES']) expect(only(`[a:b NOT ${op} 'x']`)).toMatchObject({ operator: op, negated: true });
    expect(only("[a:b ISSUBSET '10.0.0.0/8']").operator).toBe('ISSUBSET');
    expect(only("[a:b ISSUPERSET '10.1.2.3']").operator).toBe('ISSUPERSET');
  });

  it('lets AND bind tighter than OR inside brackets, and parentheses regroup', () => {
    const p = parse("[a:b = 1 OR a:c = 2 AND a:d = 3]").expression;
    expect(p).toMatchObject({ kind: 'observation', expression: { kind: 'or', operands: [{ kind: 'comparison' }, { kind: 'and' }] } });
    const q = parse("[(a:b = 1 OR a:c = 2) AND a:d = 3]").expression;
    expect(q).toMatchObject({ kind: 'observation', expression: { kind: 'and', operands: [{ kind: 'or' }, { kind: 'comparison' }] } });
  });

  it('orders observation operators AND over OR over FOLLOWEDBY, qualifiers tightest', () => {
    const shape = (e: ObservationExpression): unknown => {
      switch (e.kind) {
        case 'observation':
          return 'o';
        case 'qualified':
          return { [e.qualifier.kind]: shape(e.expression) };
        case 'and':
        case 'or':
        case 'followedby':
          return { [e.kind]: e.operands.map(shape) };
      }
    };
    expect(shape(parse('[a:b = 1] AND [a:b = 2] OR [a:b = 3] FOLLOWEDBY [a:b = 4]').expression)).toEqual({ followedby: [{ or: [{ and: ['o', 'o'] }, 'o'] }, 'o'] });
    expect(shape(parse('[a:b = 1] AND ([a:b = 2] OR [a:b = 3]) REPEATS 2 TIMES WITHIN 5 SECONDS').expression)).toEqual({ and: ['o', { within: { repeats: { or: ['o', 'o'] } } }] });
    expect(parse('[a:b = 1] WITHIN 2.5 SECONDS').expression).toMatchObject({ qualifier: { kind: 'within', seconds: 2.5 } });
    expect(parse("[a:b = 1] START t'2024-01-01T00:00:00Z' STOP t'2024-01-02T00:00:00Z'").expression).toMatchObject({ qualifier: { kind: 'start-stop', start: '2024-01-01T00:00:00Z', stop: '2024-01-02T00:00:00Z' } });
  });

  it('accepts nesting up to the limit, counted across both kinds of parentheses', () => {
    expect(parsePattern(`${'('.repeat(60)}[${'('.repeat(40)}file:x = 1${')'.repeat(40)}]${')'.repeat(60)}`).ok).toBe(true);
  });

  it('skips whitespace and comments', () => {
    expect(parsePattern("/* lead */ [ a:b\n=\t1 ] // trailing").ok).toBe(true);
  });

  it('gives positions as 1-based columns', () => {
    const c = only("[file:name = 'x']");
    expect(c.column).toBe(2);
    expect(c.value).toMatchObject({ column: 14 });
  });
});

describe('parsePattern: errors say what was expected, where', () => {
  it.each([
    ['', 1, /expected an observation expression/],
    ["file:name = 'x'", 1, /expected '\['/],
    ["[file:name = 'x'", 17, /close the observation expression/],
    ["[file:name 'x']", 12, /comparison operator/],
    ["[file:name NOT 'x']", 16, /comparison operator/],
    ['[file:name = ]', 14, /value to compare/],
    ["[file = 'x']", 7, /':' after the object type/],
    ["[file:na-me = 'x']", 7, /hyphen/],
    ["[file:hashes.SHA-256 = 'x']", 14, /quote it/],
    ["[file:name = 'x] ", 14, /never closed/],
    ["[file:name = 'a\\b']", 16, /invalid escape/],
    ["[file:name = 'x'] AND", 22, /'\['/],
    ["[file:name = 'x'] [file:name = 'y']", 19, /AND, OR, FOLLOWEDBY/],
    ["[file:name = 'x'] and [file:name = 'y']", 19, /AND, OR, FOLLOWEDBY/],
    ["[file:name = 'x' and file:size = 1]", 18, /AND, OR or '\]'/],
    ["[file:name = 'x'] REPEATS 0 TIMES", 27, /^REPEATS 0 TIMES asks for fewer than one observation; write a whole number of at least 1, such as REPEATS 2 TIMES$/],
    ["[file:name = 'x'] REPEATS 1.5 TIMES", 27, /^expected a whole number of at least 1 after REPEATS, such as REPEATS 2 TIMES, found a float literal$/],
    ["[file:name = 'x'] REPEATS 2", 28, /TIMES/],
    ["[file:name = 'x'] WITHIN -5 SECONDS", 26, /^WITHIN -5 SECONDS is no time window; write a positive number of seconds, such as WITHIN 300 SECONDS$/],
    ["[file:name = 'x'] WITHIN 'x' SECONDS", 26, /^expected a positive number of seconds after WITHIN, such as WITHIN 300 SECONDS, found a string literal$/],
    ["[file:name = 'x'] WITHIN 5 MINUTES", 28, /SECONDS/],
    ["[file:name = 'x'] START '2024-01-01T00:00:00Z' STOP t'2024-01-02T00:00:00Z'", 25, /timestamp literal/],
    ["[file:created = t'2024-13-01T00:00:00Z']", 17, /timestamp literal/],
    ["[file:created = t'2024-01-01 00:00:00Z']", 17, /timestamp literal/],
    ["[file:x = h'abc']", 11, /pairs of hexadecimal/],
    ["[file:x = b'AQI']", 11, /base64/],
    ["[file:x = b'']", 11, /base64/],
    ['[file:x = 007]', 11, /leading zero/],
    ['[file:x > true]', 11, /cannot order booleans/],
    ['[file:x LIKE 5]', 14, /quoted string after LIKE/],
    ["[file:x MATCHES '(']", 17, /valid regular expression/],
    ["[ipv4-addr:value ISSUBSET '10.0.0.0/33']", 27, /CIDR/],
    ["[ipv4-addr:value ISSUPERSET 'example.com']", 29, /CIDR/],
    ["[file:x IN ('a', 1)]", 18, /same type/],
    ["[file:x IN 'a']", 12, /'\(' to open the set/],
    ["[file:x IN ('a' 'b')]", 17, /',' or '\)'/],
    ['[file:x[a] = 1]', 9, /list index/],
    ['[file:x = 1] /* open', 14, /comment is never closed/],
    ['[file:x = 1] #', 14, /unexpected character "#"/],
    ['[file:x = 1] ^', 14, /unexpected character/],
    ["([file:x = 1]", 14, /'\)'/],
    [`${'('.repeat(101)}[file:x = 1]${')'.repeat(101)}`, 101, /nest deeper than 100/],
    [`[${'('.repeat(101)}file:x = 1${')'.repeat(101)}]`, 102, /nest deeper than 100/],
  ])('%s → column %i', (text, column, message) => {
    const e = error(text);
    expect(e.message).toMatch(message);
    expect(e.column).toBe(column);
  });
});
