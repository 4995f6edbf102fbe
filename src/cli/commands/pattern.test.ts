import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { runCommand, spawnRampart } from '../../../test/helpers/cli.ts';
import { formatPatternError, patternCommand } from './pattern.ts';

const dir = mkdtempSync(path.join(tmpdir(), 'rampart-pattern-'));

const rampart = (...args: string[]) => spawnRampart(args);
const inProcess = (...args: string[]) => runCommand(patternCommand(), args);

function file(name: string, content: unknown): string {
  const p = path.join(dir, name);
  writeFileSync(p, typeof content === 'string' ? content : JSON.stringify(content));
  return p;
}

const common = { spec_version: '2.1', created: '2024-11-05T12:00:00.000Z', modified: '2024-11-05T12:00:00.000Z' };
const bundle21 = {
  type: 'bundle',
  id: 'bundle--0b7a4f6e-2a6c-4f0e-9d1c-5f2f3c1f7a10',
  objects: [
    { type: 'ipv4-addr', spec_version: '2.1', id: 'ipv4-addr--ff26c055-6336-5bc5-b98d-13d6226742dd', value: '198.51.100.3' },
    { type: 'network-traffic', spec_version: '2.1', id: 'network-traffic--2568d22a-8998-58eb-99ec-3c8ca74f527d', dst_ref: 'ipv4-addr--ff26c055-6336-5bc5-b98d-13d6226742dd', protocols: ['tcp'] },
    { type: 'observed-data', id: 'observed-data--b67d30ff-02ac-498a-92f9-32f845f448cf', ...common, first_observed: '2024-11-05T12:00:00Z', last_observed: '2024-11-05T12:00:00Z', number_observed: 1, object_refs: ['network-traffic--2568d22a-8998-58eb-99ec-3c8ca74f527d'] },
    { type: 'domain-name', spec_version: '2.1', id: 'domain-name--3c10e93f-798e-5a26-a0c1-08156efab7f5', value: 'example.com' },
    { type: 'observed-data', id: 'observed-data--c67d30ff-02ac-498a-92f9-32f845f448cf', ...common, first_observed: '2024-11-05T12:05:00Z', last_observed: '2024-11-05T12:05:00Z', number_observed: 1, object_refs: ['domain-name--3c10e93f-798e-5a26-a0c1-08156efab7f5'] },
  ],
};
const bundle20 = {
  type: 'bundle',
  id: 'bundle--1b7a4f6e-2a6c-4f0e-9d1c-5f2f3c1f7a10',
  objects: [{ type: 'observed-data', id: 'observed-data--d67d30ff-02ac-498a-92f9-32f845f448cf', created: '2016-04-06T19:58:16.000Z', modified: '2016-04-06T19:58:16.000Z', first_observed: '2005-01-21T11:17:41Z', last_observed: '2005-01-21T11:22:41Z', number_observed: 5, objects: { '0': { type: 'file', hashes: { 'SHA-256': 'bf07a7fbb825fc0aae7bf4a1177b2b31fcf8a3feeaf7092761e18c859ee52a9c' } }, '1': { type: 'file', name: 'a.zip', extensions: { 'archive-ext': { contains_refs: ['0'] } } } } }],
};

describe('formatPatternError', () => {
  it('puts a caret under the column', () => {
    expect(formatPatternError("[file:name 'x']", { code: 'invalid-pattern', message: 'expected an operator', column: 12 })).toBe("invalid pattern at column 12: expected an operator\n  [file:name 'x']\n             ^\n");
  });

  it('shows the line of a multi-line pattern, tabs kept', () => {
    expect(formatPatternError("[a:b = 1]\n\tAND [a:b ?]", { code: 'invalid-pattern', message: 'x', column: 20 })).toBe('invalid pattern at line 2, column 10: x\n  \tAND [a:b ?]\n  \t        ^\n');
  });
});

describe('rampart pattern, spawned as users run it', () => {
  it('check prints ok, or the error with a caret and exits 2', () => {
    expect(rampart('pattern', 'check', "[ipv4-addr:value = '198.51.100.1'] FOLLOWEDBY [domain-name:value = 'example.com'] WITHIN 600 SECONDS")).toMatchObject({ status: 0, stdout: 'ok\n' });
    const bad = rampart('pattern', 'check', "[file:name = 'x'] REPEATS 0 TIMES");
    expect(bad.status).toBe(2);
    expect(bad.stdout).toBe('');
    expect(bad.stderr).toContain('invalid pattern at column 27: REPEATS 0 TIMES asks for fewer than one observation; write a whole number of at least 1, such as REPEATS 2 TIMES\n');
    expect(bad.stderr).toContain(`\n  ${' '.repeat(26)}^\n`);
  });

  it('match prints match and exits 0', () => {
    const b21 = file('b21.json', bundle21);
    expect(rampart('pattern', 'match', '--pattern', "[network-traffic:dst_ref.value ISSUBSET '198.51.100.0/24'] FOLLOWEDBY [domain-name:value = 'example.com']", '--observed', b21)).toMatchObject({ status: 0, stdout: 'match\n' });
  });
});

describe('rampart pattern match', () => {
  it('reads STIX 2.1 object_refs, references between SCOs, 2.0 embedded objects and arrays of bundles', async () => {
    const b21 = file('b21.json', bundle21);
    expect(await inProcess('match', '--pattern', "[domain-name:value = 'example.com'] FOLLOWEDBY [network-traffic:dst_ref.value = '198.51.100.3']", '--observed', b21)).toMatchObject({ exit: 1, out: 'nomatch\n' });
    const both = file('both.json', [bundle21, bundle20]);
    expect(await inProcess('match', '--pattern', "[file:extensions.'archive-ext'.contains_refs[*].hashes.'SHA-256' = 'bf07a7fbb825fc0aae7bf4a1177b2b31fcf8a3feeaf7092761e18c859ee52a9c'] REPEATS 5 TIMES", '--observed', both)).toMatchObject({ exit: 0, out: 'match\n' });
  });

  it('warns, on check and match, when a valid pattern can never match (AND across object types in one [...])', async () => {
    const never = "[ipv4-addr:value = '198.51.100.3' AND network-traffic:protocols[*] = 'tcp']";
    const checked = await inProcess('check', never);
    expect(checked).toMatchObject({ exit: 0, out: 'ok\n' });
    expect(checked.err).toContain('warning: this pattern can never match: AND at column 2 joins comparisons of different object types (ipv4-addr, network-traffic)');
    expect(checked.err).toContain("network-traffic:dst_ref.value = '198.51.100.7'");
    // The observation holds both objects, and still the pattern does not match: the engine follows the rule the warning states.
    const matched = await inProcess('match', '--pattern', never, '--observed', file('b21c.json', bundle21));
    expect(matched).toMatchObject({ exit: 1, out: 'nomatch\n' });
    expect(matched.err).toContain('can never match');
    expect(await inProcess('check', "[network-traffic:dst_ref.value = '198.51.100.3' AND network-traffic:protocols[*] = 'tcp']")).toMatchObject({ exit: 0, out: 'ok\n', err: '' });
  });

  it('exits 2 with the reason for a bad pattern or bad input', async () => {
    const b21 = file('b21b.json', bundle21);
    const badPattern = await inProcess('match', '--pattern', "[file:name = 'x'", '--observed', b21);
    expect(badPattern).toMatchObject({ exit: 2, out: '' });
    expect(badPattern.err).toContain('column 17');
    const notJson = await inProcess('match', '--pattern', "[file:name = 'x']", '--observed', file('bad.json', '{"type": "bundle",,}'));
    expect(notJson.exit).toBe(2);
    expect(notJson.err).toMatch(/not valid JSON at line 1, column 19/);
    const missing = await inProcess('match', '--pattern', "[file:name = 'x']", '--observed', path.join(dir, 'nope.json'));
    expect(missing.exit).toBe(2);
    expect(missing.err).toContain('ENOENT');
    const dangling = { ...bundle21, objects: bundle21.objects.filter((o) => o.type !== 'network-traffic') };
    const broken = await inProcess('match', '--pattern', "[file:name = 'x']", '--observed', file('dangling.json', [{ type: 'bundle', objects: [] }, dangling]));
    expect(broken.exit).toBe(2);
    expect(broken.err).toContain('object_refs names network-traffic--2568d22a-8998-58eb-99ec-3c8ca74f527d');
  });
});
