import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { AudienceKey } from '../src/domain/audience.ts';
import type { StixId } from '../src/domain/ids.ts';
import { TLP_MARKING_IDS } from '../src/domain/tlp.ts';
import type { OrgInfo } from '../src/sharing/keys.ts';
import { createSharingService } from '../src/sharing/service.ts';
import { openStore, type RampartStore } from '../src/store/index.ts';
import { bearer, harness, ORG_A, ORG_B, phishingIndicator, PHISHING_ID, type Harness } from './helpers/http.ts';
import { tableRows, testDatabase, testDialects, type TestDatabase } from './helpers/store.ts';

/*
 * Issue 15 item 3: a new version given a stricter TLP and no audience keeps the audience of the
 * version before it where its TLP allows that audience, and is refused (422 tlp-audience-mismatch,
 * nothing stored) where it does not. It never takes the owner's default audience: ORG_A's default
 * for GREEN and AMBER+STRICT here would widen or narrow the object silently.
 */

const STATE: AudienceKey = 'state:06';
const SELF: AudienceKey = `org:${ORG_A}`;
const OPERATOR = { kind: 'operator' } as const;
const at = (day: number) => `2024-11-${String(day).padStart(2, '0')}T13:00:00.000Z`;

describe.each(testDialects())('a new version without an audience on %s', (dialect) => {
  let db: TestDatabase;
  let store: RampartStore;
  let h: Harness;

  beforeEach(async () => {
    db = testDatabase(dialect);
    store = await openStore({ url: db.url });
    const info = new Map<string, OrgInfo>([
      [ORG_A, { kind: 'local', stateFips: '06' }],
      [ORG_B, { kind: 'state', stateFips: '06' }],
    ]);
    const sharing = createSharingService({ store, orgInfo: (id) => Promise.resolve(info.get(id) ?? null) });
    const defaults = await sharing.setDefaults({ orgId: ORG_A, userId: null }, new Map([['green', ['community']], ['clear', ['public']]]));
    if (!defaults.ok) throw new Error(defaults.error.message);
    h = await harness({ stix: store.stix, sharing });
  });
  afterEach(async () => {
    await h.close();
    await store.close();
    await db.drop();
  });

  const publish = (body: Record<string, unknown>) => h.app.inject({ method: 'POST', url: '/api/v1/objects', headers: bearer(h.a.writeKey), payload: body });
  const upload = (objects: unknown[], query = '') =>
    h.app.inject({
      method: 'POST',
      url: `/api/v1/import${query}`,
      headers: { ...bearer(h.a.writeKey), 'content-type': 'application/stix+json' },
      payload: JSON.stringify({ type: 'bundle', id: 'bundle--5d0092c5-5f74-4287-9642-33f4c354e56d', objects }),
    });
  const sharingOf = async () => (await store.stix.get(OPERATOR, PHISHING_ID as StixId))?.sharing;

  it('REST: keeps the audience where the new TLP allows it, refuses with 422 where it does not, never the default', async () => {
    expect((await publish({ object: phishingIndicator(), tlp: 'amber', audience: [STATE, SELF] })).statusCode).toBe(201);

    // GREEN allows a state and an organization: kept, not ORG_A's GREEN default (community).
    const green = await publish({ object: phishingIndicator({ modified: at(6) }), tlp: 'green' });
    expect(green.statusCode).toBe(201);
    expect(green.json<{ sharing: unknown }>().sharing).toEqual({ owner: ORG_A, tlp: 'green', audience: [STATE, SELF] });

    const before = await tableRows(store.database);
    const strict = await publish({ object: phishingIndicator({ modified: at(7) }), tlp: 'amber+strict' });
    expect(strict.statusCode).toBe(422);
    expect(strict.json<{ code: string; detail: string }>()).toMatchObject({
      code: 'tlp-audience-mismatch',
      detail: 'TLP:AMBER+STRICT may only name organizations; remove state:06 or give an audience (a new version without one keeps the audience of the version before it)',
    });
    // The marking on the object says RED: the same refusal, naming both keys RED does not allow.
    const red = await publish({ object: phishingIndicator({ modified: at(7), object_marking_refs: [TLP_MARKING_IDS.red] }) });
    expect(red.statusCode).toBe(422);
    expect(red.json<{ code: string; detail: string }>().detail).toMatch(/^TLP:RED may only name people \(user:<id>\); remove state:06 \(also org:identity--0a000000-0000-4000-8000-00000000000a\) or give an audience/);
    expect(await tableRows(store.database)).toEqual(before);
    expect(await sharingOf()).toEqual({ owner: ORG_A, tlp: 'green', audience: [STATE, SELF] });

    // With an audience the stricter version is published, and the older versions follow it as far as their TLP allows.
    const given = await publish({ object: phishingIndicator({ modified: at(7) }), tlp: 'amber+strict', audience: [SELF] });
    expect(given.statusCode).toBe(201);
    expect((await store.stix.versions(OPERATOR, PHISHING_ID as StixId)).map((v) => [v.sharing.tlp, v.sharing.audience])).toEqual([
      ['amber', [SELF]],
      ['green', [SELF]],
      ['amber+strict', [SELF]],
    ]);
  });

  it('import: a version without an audience keeps the stored one, or the whole upload is refused with nothing stored', async () => {
    expect((await publish({ object: phishingIndicator(), tlp: 'amber', audience: [STATE] })).statusCode).toBe(201);
    const before = await tableRows(store.database);
    const strict = await upload([phishingIndicator({ modified: at(6), created_by_ref: ORG_A, object_marking_refs: [TLP_MARKING_IDS['amber+strict']] })]);
    expect(strict.statusCode).toBe(422);
    const problem = strict.json<{ code: string; errors: { id: string; code: string; message: string }[] }>();
    expect(problem.code).toBe('import-rejected');
    expect(problem.errors).toEqual([
      {
        id: PHISHING_ID,
        path: '$.objects[0]',
        code: 'tlp-audience-mismatch',
        message: `${PHISHING_ID} version modified=${at(6)}: TLP:AMBER+STRICT may only name organizations; remove state:06 or give an audience (a new version without one keeps the audience of the version before it)`,
      },
    ]);
    expect(await tableRows(store.database)).toEqual(before);

    // GREEN without an audience: the import's default for GREEN would be the community; the stored audience is kept.
    const green = await upload([phishingIndicator({ modified: at(6), created_by_ref: ORG_A, object_marking_refs: [TLP_MARKING_IDS.green] })]);
    expect(green.statusCode).toBe(200);
    expect(await sharingOf()).toEqual({ owner: ORG_A, tlp: 'green', audience: [STATE] });
    // An audience given for the upload applies as given.
    const given = await upload([phishingIndicator({ modified: at(7), created_by_ref: ORG_A, object_marking_refs: [TLP_MARKING_IDS['amber+strict']] })], `?audience=${SELF}`);
    expect(given.statusCode).toBe(200);
    expect(await sharingOf()).toEqual({ owner: ORG_A, tlp: 'amber+strict', audience: [SELF] });
    // A new object without an audience still takes the TLP's default.
    const fresh = await upload([phishingIndicator({ id: 'indicator--11111111-2222-4333-8444-555555555555', created_by_ref: ORG_A, object_marking_refs: [TLP_MARKING_IDS.green] })]);
    expect(fresh.statusCode).toBe(200);
    expect((await store.stix.get(OPERATOR, 'indicator--11111111-2222-4333-8444-555555555555' as StixId))?.sharing.audience).toEqual(['community']);
  });
});
