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

  describe('the same version under another TLP', () => {
    const ID = 'indicator--4f1c7a8e-2b3d-4e5f-8a9b-0c1d2e3f4a5b';
    const unmarked = `{"type":"indicator","spec_version":"2.1","id":"${ID}","created":"2024-10-01T12:00:00.000Z","modified":"2024-10-01T12:00:00.000Z","name":"Phishing sender","pattern":"[email-addr:value = 'clerk-help@example.net']","pattern_type":"stix","valid_from":"2024-10-01T12:00:00Z"}`;
    const marked = (tlp: keyof typeof TLP_MARKING_IDS) => unmarked.replace(/}$/, `,"object_marking_refs":["${TLP_MARKING_IDS[tlp]}"]}`);
    const snapshot = async (stix: StixStore) => (await everything(stix)).map((v) => [v.json, v.sharing.tlp, v.sharing.audience.join(','), v.addedUs]);

    it('an unmarked object imported again with another TLP asked for is refused, saying how to change its TLP; nothing stored changes', async () => {
      const { store } = await fresh();
      expect(await importObjects(store.stix, [unmarked], { hubOwner: HUB, tlp: 'amber' })).toMatchObject({ ok: true, value: { added: 1 } });
      const before = await snapshot(store.stix);
      const again = await importObjects(store.stix, [unmarked], { hubOwner: HUB, tlp: 'green' });
      expect(again).toMatchObject({ ok: false, error: { code: 'import-rejected', details: [{ id: ID, path: '$', code: 'tlp-change-needs-version' }] } });
      const message = again.ok ? '' : (again.error.details?.[0]?.message ?? '');
      expect(message).toBe(
        `${ID} version modified=2024-10-01T12:00:00.000Z is already stored under TLP:AMBER and this copy would be held under TLP:GREEN (the TLP this import asks for); a version keeps the TLP it was shared with. To change its TLP, publish a new version: the same object with a later "modified" and the new marking. To leave it as it is, import it with TLP:AMBER or without a TLP.`,
      );
      expect(await snapshot(store.stix)).toEqual(before);
      // The TLP it is stored under, or none asked for: the same version, unchanged.
      for (const options of [{ tlp: 'amber' as const }, {}, { onConflict: 'replace' as const }]) {
        expect(await importObjects(store.stix, [unmarked], { hubOwner: HUB, ...options })).toMatchObject({ ok: true, value: { added: 0, newVersions: 0, unchanged: 1, rejected: 0 } });
      }
      expect(await snapshot(store.stix)).toEqual(before);
    });

    it('an object carrying another TLP marking than its stored version is refused the same way; other differences stay a version conflict', async () => {
      const { store } = await fresh();
      expect(await importObjects(store.stix, [marked('green')], { hubOwner: HUB })).toMatchObject({ ok: true, value: { added: 1 } });
      const before = await snapshot(store.stix);
      const amber = await importObjects(store.stix, [marked('amber')], { hubOwner: HUB });
      expect(amber).toMatchObject({ ok: false, error: { code: 'import-rejected', details: [{ code: 'tlp-change-needs-version', message: expect.stringContaining('is already stored under TLP:GREEN and this copy carries TLP:AMBER;') as unknown }] } });
      expect(amber.ok ? '' : amber.error.details?.[0]?.message).toContain('To leave it as it is, remove its marking or mark it TLP:GREEN.');
      // Unmarked, with no TLP asked for: the stored version stands.
      expect(await importObjects(store.stix, [unmarked], { hubOwner: HUB })).toMatchObject({ ok: true, value: { unchanged: 1 } });
      const renamed = await importObjects(store.stix, [marked('amber').replace('Phishing sender', 'Phishing sender (renamed)')], { hubOwner: HUB });
      expect(renamed).toMatchObject({ ok: false, error: { details: [{ code: 'version-conflict' }] } });
      expect(await snapshot(store.stix)).toEqual(before);
      // A later "modified" with the new marking is a new version under the new TLP; the old version keeps its own.
      const later = await importObjects(store.stix, [marked('amber').replace('"modified":"2024-10-01T12:00:00.000Z"', '"modified":"2024-10-02T12:00:00.000Z"')], { hubOwner: HUB, audience: [`org:${HUB}`] });
      expect(later).toMatchObject({ ok: true, value: { newVersions: 1 } });
      expect((await everything(store.stix)).map((v) => [v.modified, v.sharing.tlp]).sort()).toEqual([
        ['2024-10-01T12:00:00.000Z', 'green'],
        ['2024-10-02T12:00:00.000Z', 'amber'],
      ]);
    });
  });
});
