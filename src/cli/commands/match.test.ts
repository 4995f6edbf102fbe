import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { runCommand, type CommandRun } from '../../../test/helpers/cli.ts';
import type { AudienceKey } from '../../domain/audience.ts';
import type { OrgId, StixId } from '../../domain/ids.ts';
import type { Organization } from '../../domain/organization.ts';
import { accountsStore } from '../../store/accounts.ts';
import { openStore } from '../../store/index.ts';
import type { Sharing } from '../../store/types.ts';
import { matchCommand } from './match.ts';

const dir = mkdtempSync(path.join(tmpdir(), 'rampart-match-cli-'));
const db = path.join(dir, 'match.sqlite');
const ORG_A = 'identity--0a000000-0000-4000-8000-0000000000a1' as OrgId;
const ORG_B = 'identity--0b000000-0000-4000-8000-0000000000b1' as OrgId;
const SHARED = 'indicator--11111111-1111-4111-8111-111111111111' as StixId;
const PRIVATE_B = 'indicator--22222222-2222-4222-8222-222222222222' as StixId;

function org(id: OrgId, name: string): Organization {
  return { id, kind: 'local', name, short_name: null, state_fips: '55', county_fips: null, ocd_id: null, partner_type: null, seed: false, require_totp: false, created_at: '2026-01-01T00:00:00.000Z' };
}

beforeAll(async () => {
  const store = await openStore({ url: db });
  await accountsStore(store.database).insertOrganizations([org(ORG_A, 'Example County Clerk'), org(ORG_B, 'Sample Town Clerk')]);
  const put = async (id: StixId, pattern: string, sharing: Sharing) => {
    const object = { type: 'indicator', spec_version: '2.1', id, created: '2026-10-01T00:00:00.000Z', modified: '2026-10-01T00:00:00.000Z', name: `watch ${id.slice(11, 15)}`, pattern, pattern_type: 'stix', valid_from: '2026-10-01T00:00:00Z', created_by_ref: sharing.owner };
    await store.stix.write(async (w) => ({ ok: true as const, value: await w.putBatch([{ id, type: 'indicator', created: object.created, modified: object.modified, revoked: false, name: object.name, description: null, json: JSON.stringify(object), sharing }], 'reject') }));
  };
  await put(SHARED, "[url:value = 'http://ballots.example/upload.php'] OR [domain-name:value = 'ballots.example']", { owner: ORG_B, tlp: 'green', audience: ['community'] });
  await put(PRIVATE_B, "[ipv4-addr:value = '198.51.100.77']", { owner: ORG_B, tlp: 'amber', audience: [`org:${ORG_B}` as AudienceKey] });
  await store.close();
});

function cli(args: string[]): Promise<CommandRun> {
  return runCommand(matchCommand(), ['--db', db, ...args]);
}

const log = path.join(dir, 'access.log');
writeFileSync(
  log,
  [
    '198.51.100.77 - - [03/Nov/2026:10:00:00 +0000] "GET http://ballots.example/upload.php HTTP/1.1" 200 12 "-" "curl/8.4.0"',
    '198.51.100.78 - - [03/Nov/2026:10:05:00 +0000] "GET / HTTP/1.1" 200 12 "http://ballots.example/" "curl/8.4.0"',
    '198.51.100.79 - - [03/Nov/2026:10:06:00 +0000] "GET / HTTP/1.1" 200 12 "-" "curl/8.4.0"',
  ].join('\n'),
);

describe('rampart match', () => {
  it('prints the hits the operator sees, warning-listed values only when asked', async () => {
    const quiet = await cli([log]);
    expect(quiet.exit).toBe(0);
    expect(quiet.out).toContain(`${log}: 3 lines read (nginx), 0 unreadable; 2 indicators (2 by index, 0 compiled)`);
    expect(quiet.out).toContain(`  ${SHARED}  watch 1111  http://ballots.example/upload.php, ballots.example  ×2  2026-11-03T10:00:00.000Z .. 2026-11-03T10:05:00.000Z`);
    expect(quiet.out).toContain('suppressed by warning lists (use --include-warning-listed to see them): special-ip-ranges 1');
    const loud = await cli([log, '--include-warning-listed', '--json']);
    const report = JSON.parse(loud.out) as { hits: { indicator: string; count: number; warning_lists: string[] }[] };
    expect(report.hits.map((h) => [h.indicator, h.count, h.warning_lists])).toEqual([
      [SHARED, 2, []],
      [PRIVATE_B, 1, ['special-ip-ranges']],
    ]);
  });

  it('matches as an organization and publishes its sightings', async () => {
    const as = await cli([log, '--org', ORG_A, '--include-warning-listed', '--publish-sightings', '--json']);
    expect(as.exit).toBe(0);
    const report = JSON.parse(as.out) as { hits: { indicator: string }[]; sightings: { indicator: string; sighting: string }[] };
    expect(report.hits.map((h) => h.indicator)).toEqual([SHARED]);
    expect(report.sightings.map((s) => s.indicator)).toEqual([SHARED]);
    const store = await openStore({ url: db });
    try {
      const stored = await store.stix.get({ kind: 'operator' }, (report.sightings[0]?.sighting ?? '') as StixId);
      expect(stored?.sharing.owner).toBe(ORG_A);
      expect(JSON.parse(stored?.json ?? '{}')).toMatchObject({ sighting_of_ref: SHARED, count: 2, where_sighted_refs: [ORG_A] });
    } finally {
      await store.close();
    }
  });

  it('exits 1 with line numbers for unreadable lines and 2 for unusable input or flags', async () => {
    const mixed = path.join(dir, 'mixed.jsonl');
    writeFileSync(mixed, '{"host":"ballots.example"}\n{broken\n');
    const partly = await cli([mixed, '--format', 'jsonl']);
    expect(partly.exit).toBe(1);
    expect(partly.out).toMatch(/line 2: \[malformed-json\] not JSON: /);
    const unknown = path.join(dir, 'unknown.txt');
    writeFileSync(unknown, 'hello\nworld\n');
    expect(await cli([unknown])).toMatchObject({ exit: 2, err: 'rampart match: cannot tell the log format from its first lines; give --format (jsonl, csv, zeek, dns, nginx, suricata-eve)\n' });
    expect(await cli([path.join(dir, 'missing.log')])).toMatchObject({ exit: 2, err: `rampart match: cannot read ${path.join(dir, 'missing.log')}: ENOENT\n` });
    expect(await cli([log, '--publish-sightings'])).toMatchObject({ exit: 2, err: 'rampart match: --publish-sightings needs --as <email> or --org <identity id>: sightings belong to an organization\n' });
    expect(await cli([log, '--org', 'identity--0f000000-0000-4000-8000-00000000000f'])).toMatchObject({ exit: 2, err: 'rampart match: --org: no organization identity--0f000000-0000-4000-8000-00000000000f in this database\n' });
    expect(await cli([log, '--as', 'nobody@county.example'])).toMatchObject({ exit: 2, err: 'rampart match: --as: no person with the email nobody@county.example\n' });
    expect(await cli([log, '--org', ORG_A, '--publish-sightings', '--tlp', 'purple'])).toMatchObject({ exit: 2, err: 'rampart match: --tlp: "purple" is not a TLP level; use clear, green, amber, amber+strict or red\n' });
  });

  it('counts every line read, Zeek headers too, as the line numbers of problems do, in singular or plural', async () => {
    const one = path.join(dir, 'one.jsonl');
    writeFileSync(one, '{"query":"ballots.example"}\n');
    expect((await cli([one, '--org', ORG_A])).out).toContain(`${one}: 1 line read (jsonl), 0 unreadable; 1 indicator (1 by index, 0 compiled)\n`);
    const zeek = path.join(dir, 'dns.log');
    writeFileSync(zeek, ['#separator \\x09', '#path\tdns', '#fields\tts\tquery', '#types\ttime\tstring', '1762160400.0\tballots.example', '1762160401.0\tballots.example\textra'].join('\n'));
    const run = await cli([zeek]);
    expect(run.exit).toBe(1);
    expect(run.out).toContain(`${zeek}: 6 lines read (zeek), 1 unreadable; 2 indicators (2 by index, 0 compiled)\n`);
    expect(run.out).toContain('line 6: [wrong-field-count] 3 fields, but #fields names 2\n');
  });

  it('refuses --tlp and --audience without --publish-sightings instead of ignoring them', async () => {
    expect(await cli([log, '--tlp', 'amber'])).toEqual({ exit: 2, out: '', err: 'rampart match: --tlp only applies to published sightings; add --publish-sightings (with --as or --org), or leave it out\n' });
    expect(await cli([log, '--org', ORG_A, '--audience', 'community'])).toEqual({ exit: 2, out: '', err: 'rampart match: --audience only applies to published sightings; add --publish-sightings (with --as or --org), or leave it out\n' });
  });

  it("refuses the sightings' sharing before reading the log: exit 2 with the reason, nothing read or stored", async () => {
    const sightings = async () => {
      const store = await openStore({ url: db });
      try {
        const page = await store.stix.list({ kind: 'operator' }, { types: ['sighting'], limit: 100 });
        return page.ok ? page.value.items.length : -1;
      } finally {
        await store.close();
      }
    };
    const before = await sightings();
    const strict = await cli([log, '--org', ORG_A, '--include-warning-listed', '--publish-sightings', '--tlp', 'amber+strict', '--audience', 'state:55']);
    expect(strict).toEqual({
      exit: 2,
      out: '',
      err: 'rampart match: cannot publish sightings with --tlp amber+strict --audience state:55: [tlp-audience-mismatch] TLP:AMBER+STRICT may only name organizations; remove state:55\n',
    });
    // The sharing is refused before the log is opened: a missing file is not even noticed.
    const red = await cli([path.join(dir, 'missing.log'), '--org', ORG_A, '--publish-sightings', '--tlp', 'red']);
    expect(red.exit).toBe(2);
    expect(red.err).toMatch(/^rampart match: cannot publish sightings with --tlp red: \[audience-required\] /);
    expect(await sightings()).toBe(before);
  });
});
