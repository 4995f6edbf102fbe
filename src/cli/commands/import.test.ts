import { existsSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import type { Command } from 'commander';
import { describe, expect, it } from 'vitest';
import { runCommand, type CommandRun } from '../../../test/helpers/cli.ts';
import { OASIS_DIR } from '../../../test/helpers/oasis.ts';
import { openStoreFromOptions } from '../options.ts';
import { parseStixId } from '../../domain/ids.ts';
import { TLP_MARKING_IDS } from '../../domain/tlp.ts';
import { loadOasisValidator } from '../../../test/helpers/oasis.ts';
import { exportCommand } from './export.ts';
import { importCommand } from './import.ts';

const dir = mkdtempSync(path.join(tmpdir(), 'rampart-import-cli-'));
const DATA = path.resolve(OASIS_DIR, '..');

function cli(command: Command, args: string[]): Promise<CommandRun> {
  return runCommand(command, args);
}

async function count(db: string): Promise<number> {
  const store = await openStoreFromOptions({ db });
  try {
    return await store.stix.count({ kind: 'operator' }, { versions: 'all' });
  } finally {
    await store.close();
  }
}

// Runs once the store (src/store/index.ts) exists; the pipeline itself is tested in src/ingest.
describe.skipIf(!existsSync(new URL('../../store/index.ts', import.meta.url)))('rampart import / export', () => {
  it('imports files, prints a summary, and exports them back as one bundle', async () => {
    const db = path.join(dir, 'a.sqlite');
    const first = await cli(importCommand(), ['--db', db, path.join(DATA, 'disarm/DISARM.json'), path.join(OASIS_DIR, 'examples/threat-reports/apt1.json')]);
    expect(first.exit).toBe(0);
    expect(first.out).toContain('698 objects: 698 added, 0 new versions, 0 unchanged, 0 rejected');
    expect(await count(db)).toBe(698 + 76);
    const out = path.join(dir, 'export.json');
    expect((await cli(exportCommand(), ['--db', db, '--type', 'attack-pattern', '--out', out])).exit).toBe(0);
    const bundle = JSON.parse(readFileSync(out, 'utf8')) as { type: string; id: string; objects: { type: string }[] };
    expect(bundle.type).toBe('bundle');
    expect(bundle.id).toMatch(/^bundle--[0-9a-f-]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/);
    expect(bundle.objects.length).toBeGreaterThan(390);
    expect(new Set(bundle.objects.map((o) => o.type))).toEqual(new Set(['attack-pattern']));
  });

  it('exits 1 and stores nothing when a file has an invalid object; 2 for unusable input', async () => {
    const db = path.join(dir, 'b.sqlite');
    const bad = path.join(dir, 'bad.json');
    writeFileSync(bad, '{"type":"bundle","objects":[{"type":"identity","spec_version":"2.1","id":"identity--5a1b0a7f-1c55-4a3c-8f5a-4b9a5b1d2e3f","created":"2024-10-01T12:00:00.000Z","modified":"2024-10-01T12:00:00.000Z","name":"A"},{"type":"identity","spec_version":"2.0","id":"identity--5a1b0a7f-1c55-4a3c-8f5a-4b9a5b1d2e30","created":"2024-10-01T12:00:00.000Z","modified":"2024-10-01T12:00:00.000Z","name":"B"}]}');
    const rejected = await cli(importCommand(), ['--db', db, bad]);
    expect(rejected.exit).toBe(1);
    expect(rejected.out).toContain('identity--5a1b0a7f-1c55-4a3c-8f5a-4b9a5b1d2e30 $.objects[1].spec_version: [wrong-spec-version]');
    expect(await count(db)).toBe(0);
    expect((await cli(importCommand(), ['--db', db, '--skip-invalid', bad])).exit).toBe(1);
    expect(await count(db)).toBe(1);
    const garbage = path.join(dir, 'garbage.bin');
    writeFileSync(garbage, Buffer.from([0, 1, 2, 3, 250]));
    expect((await cli(importCommand(), ['--db', db, garbage])).exit).toBe(2);
    expect((await cli(importCommand(), ['--db', db, path.join(dir, 'missing.json')])).exit).toBe(2);
    expect((await cli(importCommand(), ['--db', db, '--tlp', 'purple', bad])).exit).toBe(2);
    expect(await count(db)).toBe(1);
  });

  it('writes the TLP an unmarked object is held under into it (--tlp); the same file again changes nothing', async () => {
    const db = path.join(dir, 't.sqlite');
    const file = path.join(dir, 'unmarked.json');
    const object = '{"type":"identity","spec_version":"2.1","id":"identity--7c3d2c9f-3e77-4c5e-8f7c-6dbc7d3f4a51","created":"2024-10-01T12:00:00.000Z","modified":"2024-10-01T12:00:00.000Z","name":"D","identity_class":"organization"}';
    writeFileSync(file, `{"type":"bundle","id":"bundle--7c3d2c9f-3e77-4c5e-8f7c-6dbc7d3f4a52","objects":[${object}]}`);
    expect((await cli(importCommand(), ['--db', db, '--tlp', 'amber', file])).exit).toBe(0);
    const again = await cli(importCommand(), ['--db', db, '--tlp', 'amber', file]);
    expect(again.exit).toBe(0);
    expect(again.out).toContain('1 objects: 0 added, 0 new versions, 1 unchanged, 0 rejected');
    const store = await openStoreFromOptions({ db });
    try {
      const id = parseStixId('identity--7c3d2c9f-3e77-4c5e-8f7c-6dbc7d3f4a51');
      if (!id.ok) throw new Error(id.error.message);
      const stored = await store.stix.get({ kind: 'operator' }, id.value);
      expect(stored?.sharing.tlp).toBe('amber');
      expect(stored?.json).toBe(`${object.slice(0, -1)},"object_marking_refs":["${TLP_MARKING_IDS.amber}"]}`);
      expect(loadOasisValidator().validate(JSON.parse(stored?.json ?? '{}')).errors).toEqual([]);
    } finally {
      await store.close();
    }
  });

  it('caps --max-object-size at the 16 MiB that REST and TAXII accept: above it, or not a number, exit 2 and nothing stored', async () => {
    const db = path.join(dir, 'c.sqlite');
    const good = path.join(dir, 'good.json');
    writeFileSync(good, '{"type":"bundle","objects":[{"type":"identity","spec_version":"2.1","id":"identity--6b2c1b8f-2d66-4b4d-9f6b-5cab6c2e3f40","created":"2024-10-01T12:00:00.000Z","modified":"2024-10-01T12:00:00.000Z","name":"C"}]}');
    const above = await cli(importCommand(), ['--db', db, '--max-object-size', String(16 * 1024 * 1024 + 1), good]);
    expect(above.exit).toBe(2);
    expect(above.err).toContain('--max-object-size: 16777217 is above 16777216 bytes (16 MiB), the largest object REST and TAXII accept');
    for (const bad of ['0', '-5', '1.5', '16MiB', '1e9']) {
      const refused = await cli(importCommand(), ['--db', db, '--max-object-size', bad, good]);
      expect(refused.exit).toBe(2);
      expect(refused.err).toContain(`--max-object-size: "${bad}" is not a positive whole number of bytes`);
    }
    expect(await count(db)).toBe(0);
    expect((await cli(importCommand(), ['--db', db, '--max-object-size', String(16 * 1024 * 1024), good])).exit).toBe(0);
    expect(await count(db)).toBe(1);
  });

  it('--format misp imports MISP events with their sharing and notes, and refuses what is not MISP (exit 2) or breaks a rule (exit 1), storing nothing', async () => {
    const db = path.join(dir, 'm.sqlite');
    const event = path.join(DATA, 'misp/existing_event.json');
    const run = await cli(importCommand(), ['--db', db, '--format', 'misp', '--json', event]);
    expect(run.exit).toBe(0);
    const summary = JSON.parse(run.out) as { stored: boolean; events: number; added: number; rejected: number };
    expect(summary).toMatchObject({ stored: true, events: 1, rejected: 0 });
    expect(await count(db)).toBe(summary.added);
    const text = await cli(importCommand(), ['--db', db, '--format', 'misp', path.join(DATA, 'misp/long_event.json')]);
    expect(text.exit).toBe(0);
    expect(text.out).toMatch(/1 MISP event as \d+ STIX objects: \d+ added/);
    expect(text.out).toContain('[no-distribution]');
    const before = await count(db);
    const stix = await cli(importCommand(), ['--db', db, '--format', 'misp', path.join(OASIS_DIR, 'examples/threat-reports/apt1.json')]);
    expect(stix.exit).toBe(2);
    expect(stix.out).toContain('not MISP: upload it as STIX instead');
    const bad = path.join(dir, 'bad-misp.json');
    writeFileSync(bad, readFileSync(path.join(DATA, 'misp/misp_event.json'), 'utf8').replace('"distribution": "0"', '"distribution": "8"'));
    const invalid = await cli(importCommand(), ['--db', db, '--format', 'misp', bad]);
    expect(invalid.exit).toBe(1);
    expect(invalid.out).toContain('$.distribution: [invalid-misp-event]');
    expect((await cli(importCommand(), ['--db', db, '--format', 'misp', '--audience', 'community', event])).exit).toBe(2);
    expect((await cli(importCommand(), ['--db', db, '--distribution', '1', event])).exit).toBe(2);
    expect(await count(db)).toBe(before);
  });
});
