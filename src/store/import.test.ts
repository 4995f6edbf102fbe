import { readFileSync, readdirSync } from 'node:fs';
import path from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import type { OrgId, StixId } from '../domain/ids.ts';
import { TLP_MARKING_IDS } from '../domain/tlp.ts';
import { importObjects } from '../ingest/import.ts';
import { loadOasisValidator, OASIS_DIR, type OasisValidator } from '../../test/helpers/oasis.ts';
import { testDialects } from '../../test/helpers/store.ts';
import { asMarked, asReceivedText } from '../../test/helpers/hub-marking.ts';
import type { StixStore } from './types.ts';
import { OPERATOR, PUBLIC, freshStores } from '../../test/helpers/stix-kit.ts';

const HUB = 'identity--cc8654b7-1ffc-487a-bf1c-ed29e18f0a33' as OrgId;
const KB = path.resolve(import.meta.dirname, '../../kb');
const examples = [
  ...readdirSync(path.join(OASIS_DIR, 'examples')).filter((f) => f.endsWith('.json')).map((f) => path.join(OASIS_DIR, 'examples', f)),
  ...readdirSync(path.join(OASIS_DIR, 'examples/threat-reports')).map((f) => path.join(OASIS_DIR, 'examples/threat-reports', f)),
  path.resolve(OASIS_DIR, '../tlp/tlp-marking-definitions.bundle.json'),
];
// The big knowledge-base bundles run on SQLite only, to keep the PostgreSQL pass quick.
const knowledgeBase = [path.join(KB, 'attack/ics-attack-18.1.json'), path.join(KB, 'attack/mobile-attack-17.1.json'), path.join(KB, 'disarm/DISARM.json')];

let oasis: OasisValidator;
beforeAll(() => {
  oasis = loadOasisValidator();
});

async function everything(stix: StixStore) {
  const page = await stix.list(OPERATOR, { limit: 100_000, versions: 'all' });
  if (!page.ok) throw new Error(page.error.message);
  return page.value.items;
}

describe.each(testDialects())('importing real bundles into the %s store', (dialect) => {
  const fresh = freshStores(dialect);
  const files = dialect === 'sqlite' ? [...examples, ...knowledgeBase] : examples;

  it.each(files.map((f) => [path.basename(f), f]))('%s imports cleanly, byte for byte with the TLP marking it is held under, and everything emitted is OASIS-valid', async (_name, file) => {
    const { store } = await fresh();
    const text = readFileSync(file);
    const result = await importObjects(store.stix, [text], { hubOwner: HUB });
    if (!result.ok) throw new Error(JSON.stringify(result.error).slice(0, 2000));
    const doc = JSON.parse(text.toString('utf8')) as { id: string; objects?: ({ id: string } & Record<string, unknown>)[] } & Record<string, unknown>;
    // A file may hold a single object instead of a bundle.
    const objects = doc.objects ?? [doc];
    expect(result.value).toMatchObject({ objects: objects.length, rejected: 0 });
    const stored = await everything(store.stix);
    expect(stored).toHaveLength(result.value.added + result.value.newVersions);
    for (const version of stored) {
      const original = objects.find((o) => o.id === version.id && (o['modified'] ?? null) === version.modified);
      if (original === undefined) throw new Error(`${version.id} is not in the file`);
      // Byte for byte, with the TLP marking the hub holds it under when it came without one.
      expect(JSON.parse(version.json)).toEqual(asMarked(original, version.sharing.tlp));
      expect(text.includes(Buffer.from(asReceivedText(version.json, original, version.sharing.tlp)))).toBe(true);
      expect(oasis.validate(JSON.parse(version.json)).errors).toEqual([]);
    }
    expect(await store.stix.count(OPERATOR)).toBe(new Set(objects.map((o) => o.id)).size);
    const again = await importObjects(store.stix, [text], { hubOwner: HUB });
    expect(again).toMatchObject({ ok: true, value: { added: 0, newVersions: 0, unchanged: objects.length } });
    // What the public sees is a subset of the store, and every item of it is shared with the public.
    const shown = await store.stix.list(PUBLIC, { limit: 100_000 });
    for (const v of shown.ok ? shown.value.items : []) expect(v.sharing.audience).toContain('public');
  });

  it('an object stored as it came, before the hub wrote TLP markings in, is the same version when its file comes again', async () => {
    const { store } = await fresh();
    const text = '{"type":"identity","spec_version":"2.1","id":"identity--8d4e3da0-4f88-4d6f-9a8d-7ecd8e4f5b62","created":"2024-10-01T12:00:00.000Z","modified":"2024-10-01T12:00:00.000Z","name":"E","identity_class":"organization"}';
    const stored = await store.stix.write(async (w) => ({ ok: true as const, value: await w.putBatch([{ id: 'identity--8d4e3da0-4f88-4d6f-9a8d-7ecd8e4f5b62' as StixId, type: 'identity', created: '2024-10-01T12:00:00.000Z', modified: '2024-10-01T12:00:00.000Z', revoked: false, name: 'E', description: null, json: text, sharing: { owner: HUB, tlp: 'green', audience: ['community'] } }], 'reject') }));
    expect(stored).toMatchObject({ ok: true, value: [{ kind: 'added' }] });
    const again = await importObjects(store.stix, [text], { hubOwner: HUB });
    expect(again).toMatchObject({ ok: true, value: { added: 0, newVersions: 0, unchanged: 1, rejected: 0 } });
    expect((await everything(store.stix)).map((v) => v.json)).toEqual([text]);
    // A new file is stored with the marking.
    const marked = text.replace('8d4e3da0', '9e5f4eb1');
    await importObjects(store.stix, [marked], { hubOwner: HUB });
    expect((await everything(store.stix)).map((v) => JSON.parse(v.json) as { object_marking_refs?: string[] }).map((o) => o.object_marking_refs)).toEqual(expect.arrayContaining([undefined, [TLP_MARKING_IDS.green]]));
  });
});
