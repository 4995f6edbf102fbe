import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { bearer, harness, ORG_A, ORG_B, phishingIndicator, type Harness } from '../../test/helpers/http.ts';
import { tableRows, testDatabase, type TestDatabase } from '../../test/helpers/store.ts';
import type { OrgId } from '../domain/ids.ts';
import { TLP_MARKING_IDS } from '../domain/tlp.ts';
import type { OrgInfo } from '../sharing/keys.ts';
import { sharingRoutes } from '../sharing/routes.ts';
import { createSharingService } from '../sharing/service.ts';
import { openStore, type RampartStore } from '../store/index.ts';
import { firstInvalidUtf8 } from './json-body.ts';

const ORGS = new Map<OrgId, OrgInfo>([
  [ORG_A, { kind: 'local', stateFips: '06' }],
  [ORG_B, { kind: 'state', stateFips: '48' }],
]);

let db: TestDatabase;
let store: RampartStore;
let h: Harness;

beforeEach(async () => {
  db = testDatabase('sqlite');
  store = await openStore({ url: db.url });
  const sharing = createSharingService({ store, orgInfo: (id) => Promise.resolve(ORGS.get(id) ?? null) });
  h = await harness({ stix: store.stix, sharing, plugins: [sharingRoutes({ sharing, isOrgAdmin: (p) => Promise.resolve(p.scope === 'write') })] });
});
afterEach(async () => {
  await h.close();
  await store.close();
  await db.drop();
});

/** `json` with the bytes of `marker` (ASCII) replaced by `bytes`: text that no UTF-8 encoder would write. */
function withBytes(json: string, marker: string, bytes: readonly number[]): Buffer {
  const at = json.indexOf(marker);
  return Buffer.concat([Buffer.from(json.slice(0, at)), Buffer.from(bytes), Buffer.from(json.slice(at + marker.length))]);
}

describe('JSON request bodies that are not UTF-8', () => {
  it('are refused with 400 invalid-utf8 naming the first bad byte, on objects, groups and every JSON route; nothing is stored', async () => {
    const before = await tableRows(store.database);
    const object = JSON.stringify({ object: { ...phishingIndicator(), name: 'Ballot BADBYTES lure', object_marking_refs: [TLP_MARKING_IDS.green] }, audience: ['community'] });
    const cases: [string, Buffer][] = [
      ['/api/v1/objects', withBytes(object, 'BADBYTES', [0xc3, 0x28])], // a lead byte without its continuation
      ['/api/v1/objects', withBytes(object, 'BADBYTES', [0xed, 0xa0, 0x80])], // an encoded surrogate
      ['/api/v1/groups', withBytes(JSON.stringify({ name: 'Border BADBYTES states' }), 'BADBYTES', [0xff])],
    ];
    for (const [url, payload] of cases) {
      for (const type of ['application/json', 'application/stix+json;version=2.1']) {
        const res = await h.app.inject({ method: 'POST', url, headers: { ...bearer(h.a.writeKey), 'content-type': type }, payload });
        const body = res.json<{ code: string; detail: string }>();
        expect([res.statusCode, body.code], url).toEqual([400, 'invalid-utf8']);
        expect(body.detail).toMatch(/not valid UTF-8 text \(first bad byte at offset \d+\)/);
      }
    }
    expect(await tableRows(store.database)).toEqual(before);
    // Valid multi-byte text still passes.
    const fine = await h.app.inject({ method: 'POST', url: '/api/v1/groups', headers: bearer(h.a.writeKey), payload: { name: 'Estados fronterizos — región sur' } });
    expect(fine.statusCode).toBe(201);
  });

  it('finds the first bad byte', () => {
    expect(firstInvalidUtf8(Buffer.from([0x61, 0xc3, 0xa9, 0xc3, 0x28]))).toBe(3);
    expect(firstInvalidUtf8(Buffer.from([0x61, 0xe2, 0x82]))).toBe(1);
    expect(firstInvalidUtf8(Buffer.from([0xc0, 0xaf]))).toBe(0);
  });
});
