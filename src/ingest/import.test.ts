import { createHash } from 'node:crypto';
import { readFileSync, readdirSync } from 'node:fs';
import path from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { parseOrgId, type OrgId } from '../domain/ids.ts';
import type { StixStore } from '../store/types.ts';
import { loadOasisValidator, OASIS_DIR, type OasisValidator } from '../../test/helpers/oasis.ts';
import { memoryStixStore } from '../../test/helpers/memory-stix-store.ts';
import { asMarked, asReceivedText } from '../../test/helpers/hub-marking.ts';
import { importObjects, type ImportOptions } from './import.ts';
import { exportBundle } from './export.ts';

const DATA = path.resolve(OASIS_DIR, '..');
const HUB = orgId('identity--cc8654b7-1ffc-487a-bf1c-ed29e18f0a33');
const OPERATOR = { kind: 'operator' } as const;

function orgId(value: string): OrgId {
  const parsed = parseOrgId(value);
  if (!parsed.ok) throw new Error(parsed.error.message);
  return parsed.value;
}

const source = (text: string | Buffer) => [Buffer.isBuffer(text) ? text : Buffer.from(text)];
const run = (store: StixStore, text: string | Buffer, options: Partial<ImportOptions> = {}) => importObjects(store, source(text), { hubOwner: HUB, ...options });

/** Count and digest of everything stored, to prove a failed import changed nothing. */
async function fingerprint(store: StixStore): Promise<string> {
  const page = await store.list(OPERATOR, { limit: 100_000, versions: 'all' });
  if (!page.ok) throw new Error(page.error.message);
  const rows = page.value.items.map((v) => `${v.id}|${v.modified ?? ''}|${v.json}|${v.sharing.tlp}|${v.sharing.audience.join(',')}`).sort();
  return `${rows.length}:${createHash('sha256').update(rows.join('\n')).digest('hex')}`;
}

const examples = [
  ...readdirSync(path.join(OASIS_DIR, 'examples')).filter((f) => f.endsWith('.json')).map((f) => path.join(OASIS_DIR, 'examples', f)),
  ...readdirSync(path.join(OASIS_DIR, 'examples/threat-reports')).map((f) => path.join(OASIS_DIR, 'examples/threat-reports', f)),
  path.join(DATA, 'attack/ics-attack-18.0.json'),
  path.join(DATA, 'attack/mobile-attack-17.1.json'),
  path.join(DATA, 'disarm/DISARM.json'),
  path.join(DATA, 'tlp/tlp-marking-definitions.bundle.json'),
];

const stores: [string, () => Promise<StixStore>][] = [['memory', () => Promise.resolve(memoryStixStore())]];

let oasis: OasisValidator;
beforeAll(() => {
  oasis = loadOasisValidator();
});

describe.each(stores)('importObjects (%s store)', (_name, makeStore) => {
  it.each(examples.map((f) => [path.relative(DATA, f), f]))('imports %s cleanly, byte-for-byte with the TLP marking it is held under, and emits OASIS-valid objects', async (_label, file) => {
    const store = await makeStore();
    const text = readFileSync(file);
    const result = await run(store, text);
    if (!result.ok) throw new Error(JSON.stringify(result.error).slice(0, 2000));
    const doc = JSON.parse(text.toString('utf8')) as { objects?: Record<string, unknown>[] } & Record<string, unknown>;
    const objects = doc.objects ?? [doc];
    expect(result.value).toMatchObject({ objects: objects.length, rejected: 0 });
    expect(result.value.added + result.value.newVersions + result.value.unchanged).toBe(objects.length);
    const page = await store.list(OPERATOR, { limit: 100_000, versions: 'all' });
    if (!page.ok) throw new Error(page.error.message);
    for (const stored of page.value.items) {
      const original = objects.find((o) => o['id'] === stored.id && (o['modified'] ?? null) === stored.modified);
      if (original === undefined) throw new Error(`${stored.id} is not in the file`);
      // As it came, plus the TLP marking the hub holds it under when it carried none (GREEN by default).
      expect(JSON.parse(stored.json)).toEqual(asMarked(original, stored.sharing.tlp));
      expect(text.includes(Buffer.from(asReceivedText(stored.json, original, stored.sharing.tlp)))).toBe(true);
      expect(oasis.validate(JSON.parse(stored.json)).errors).toEqual([]);
    }
    const again = await run(store, text);
    expect(again).toMatchObject({ ok: true, value: { added: 0, newVersions: 0 } });
  });

  it('records ATT&CK 18.1 changes as new versions of 18.0 objects', async () => {
    const store = await makeStore();
    await run(store, readFileSync(path.join(DATA, 'attack/ics-attack-18.0.json')));
    const result = await run(store, readFileSync(path.join(DATA, 'attack/ics-attack-18.1.json')));
    expect(result.ok && result.value.newVersions + result.value.added).toBeGreaterThan(0);
    expect(result.ok && result.value.rejected).toBe(0);
  });

  describe('bad input stores nothing and says why', () => {
    const ind = (extra: string) =>
      `{"type":"indicator","spec_version":"2.1","id":"indicator--8e2e2d2b-17d4-4cbf-938f-98ee46b3cd3f","created":"2024-10-01T12:00:00.000Z","modified":"2024-10-01T12:00:00.000Z","pattern":"[ipv4-addr:value = '203.0.113.9']","pattern_type":"stix","valid_from":"2024-10-01T12:00:00Z"${extra}}`;
    const good = '{"type":"identity","spec_version":"2.1","id":"identity--5a1b0a7f-1c55-4a3c-8f5a-4b9a5b1d2e3f","created":"2024-10-01T12:00:00.000Z","modified":"2024-10-01T12:00:00.000Z","name":"Fictional County Elections"}';
    const cases: [string, string | Buffer, string, string | undefined][] = [
      ['malformed JSON inside an object', `{"type":"bundle","objects":[${good},\n{"type":"indicator","id":"indicator--1" "x":1}]}`, 'import-rejected', 'malformed-json'],
      ['a STIX 2.0 object', `{"type":"bundle","objects":[${good},${ind('').replace('"spec_version":"2.1",', '')}]}`, 'import-rejected', 'wrong-spec-version'],
      ['a missing required property', `{"type":"bundle","objects":[${good},${ind('').replace(',"pattern_type":"stix"', '')}]}`, 'import-rejected', 'missing-property'],
      ['an object over the size limit', `{"type":"bundle","objects":[${good},${ind(`,"description":"${'x'.repeat(5000)}"`)}]}`, 'import-rejected', 'object-too-large'],
      ['too deep nesting', `{"type":"bundle","objects":[${good},${ind(`,"x_deep":${'['.repeat(80)}1${']'.repeat(80)}`)}]}`, 'import-rejected', 'too-deeply-nested'],
      ['binary garbage', Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a, 0x00, 0xff]), 'malformed-json', undefined],
      ['not a bundle', '[{"type":"indicator"}]', 'not-a-bundle', undefined],
      ['an empty file', '', 'empty-input', undefined],
      ['a truncated bundle', `{"type":"bundle","objects":[${good},${ind('')}`, 'malformed-json', undefined],
      ['the negative TLP example', readFileSync(path.join(DATA, 'tlp/negative/using-tlp2.0-green.invalid.json')), 'import-rejected', 'invalid-timestamp'],
    ];
    it.each(cases)('%s', async (_label, text, code, detailCode) => {
      const store = await makeStore();
      await run(store, readFileSync(path.join(OASIS_DIR, 'examples/threat-reports/apt1.json')));
      const before = await fingerprint(store);
      const result = await run(store, text, { limits: { maxObjectBytes: 4096, maxDepth: 64 } });
      expect(result.ok).toBe(false);
      if (result.ok) return;
      expect(result.error.code).toBe(code);
      if (detailCode !== undefined) expect(result.error.details?.map((d) => d.code)).toContain(detailCode);
      for (const d of result.error.details ?? []) expect(d.path).toMatch(/^\$/);
      expect(await fingerprint(store)).toBe(before);
    });

    it('names the id and JSON path of each rejected object', async () => {
      const store = await makeStore();
      const result = await run(store, `{"type":"bundle","objects":[${good},${ind(',"valid_until":"2020-01-01T00:00:00Z"')}]}`);
      expect(result.ok ? null : result.error.details).toEqual([
        { id: 'indicator--8e2e2d2b-17d4-4cbf-938f-98ee46b3cd3f', path: '$.objects[1].valid_until', code: 'invalid-validity-window', message: expect.stringContaining('valid_from') as unknown },
      ]);
    });

    it('with skipInvalid stores the valid objects and reports the rest', async () => {
      const store = await makeStore();
      const result = await run(store, `{"type":"bundle","objects":[${good},${ind('').replace('"2.1"', '"2.0"')}]}`, { skipInvalid: true });
      expect(result).toMatchObject({ ok: true, value: { objects: 2, added: 1, rejected: 1, rejections: [{ code: 'wrong-spec-version', path: '$.objects[1].spec_version' }] } });
      expect(await store.count(OPERATOR)).toBe(1);
    });
  });

  it('refuses a changed object with the same modified unless asked to replace it', async () => {
    const store = await makeStore();
    const v1 = '{"type":"x-rampart-note","spec_version":"2.1","id":"x-rampart-note--0d4e8a5b-0a0f-4f33-9d0e-6d1a1b2c3d4e","created":"2024-10-01T12:00:00.000Z","modified":"2024-10-01T12:00:00.000Z","text":"a"}';
    await run(store, `{"objects":[${v1}],"more":false}`);
    const changed = `{"objects":[${v1.replace('"a"', '"b"')}]}`;
    const rejected = await run(store, changed);
    expect(rejected.ok).toBe(false);
    const replaced = await run(store, changed, { onConflict: 'replace' });
    expect(replaced.ok).toBe(true);
    const stored = await store.get(OPERATOR, 'x-rampart-note--0d4e8a5b-0a0f-4f33-9d0e-6d1a1b2c3d4e' as never);
    expect(stored?.json).toContain('"b"');
  });

  it('shares by the object’s own TLP marking and creator, else by the defaults', async () => {
    const store = await makeStore();
    const base = '"spec_version":"2.1","created":"2024-10-01T12:00:00.000Z","modified":"2024-10-01T12:00:00.000Z"';
    const amberV1 = `{"type":"note",${base},"id":"note--0d4e8a5b-0a0f-4f33-9d0e-6d1a1b2c3d41","content":"x","object_refs":["identity--5a1b0a7f-1c55-4a3c-8f5a-4b9a5b1d2e3f"],"created_by_ref":"identity--5a1b0a7f-1c55-4a3c-8f5a-4b9a5b1d2e3f","object_marking_refs":["marking-definition--f88d31f6-486f-44da-b317-01333bde0b82"]}`;
    const plain = `{"type":"note",${base},"id":"note--0d4e8a5b-0a0f-4f33-9d0e-6d1a1b2c3d42","content":"y","object_refs":["identity--5a1b0a7f-1c55-4a3c-8f5a-4b9a5b1d2e3f"]}`;
    const owner = orgId('identity--11111111-1111-4111-8111-111111111111');
    const result = await run(store, `{"objects":[${amberV1},${plain}]}`, { owner, tlp: 'clear' });
    expect(result.ok).toBe(true);
    const amber = await store.get(OPERATOR, 'note--0d4e8a5b-0a0f-4f33-9d0e-6d1a1b2c3d41' as never);
    expect(amber?.sharing).toEqual({ owner: 'identity--5a1b0a7f-1c55-4a3c-8f5a-4b9a5b1d2e3f', tlp: 'amber', audience: ['org:identity--5a1b0a7f-1c55-4a3c-8f5a-4b9a5b1d2e3f'] });
    const clear = await store.get(OPERATOR, 'note--0d4e8a5b-0a0f-4f33-9d0e-6d1a1b2c3d42' as never);
    expect(clear?.sharing).toEqual({ owner, tlp: 'clear', audience: ['public'] });
    const mismatch = await run(store, `{"objects":[${amberV1.replace('"x"', '"z"').replace('12:00:00.000Z"}', '13:00:00.000Z"}')}]}`, { audience: ['public'] });
    expect(mismatch.ok ? null : mismatch.error.details?.[0]?.code).toBe('tlp-audience-mismatch');
  });

  it('exports a valid bundle of the exact stored bytes that imports back unchanged', async () => {
    const store = await makeStore();
    await run(store, readFileSync(path.join(DATA, 'disarm/DISARM.json')));
    const bundle = await exportBundle(store, OPERATOR, { pageSize: 100 }, () => '6f0c1d0e-4c1b-4e59-9a51-3c3c6d2b8f10');
    if (!bundle.ok) throw new Error(bundle.error.message);
    let text = '';
    for await (const chunk of bundle.value) text += chunk;
    const doc = JSON.parse(text) as { type: string; id: string; objects: unknown[] };
    expect(doc.id).toBe('bundle--6f0c1d0e-4c1b-4e59-9a51-3c3c6d2b8f10');
    expect(doc.objects).toHaveLength(698);
    expect(text).toContain('2024-11-22T16:43:58.074918Z');
    const again = await run(store, text);
    expect(again).toMatchObject({ ok: true, value: { objects: 698, unchanged: 698 } });
  });
});
