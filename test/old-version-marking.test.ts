import { sql } from 'kysely';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { TLP_MARKING_IDS, type Tlp } from '../src/domain/tlp.ts';
import type { AudienceKey } from '../src/domain/audience.ts';
import type { OrgId, StixId } from '../src/domain/ids.ts';
import { ok } from '../src/domain/result.ts';
import type { IncomingObject } from '../src/store/types.ts';
import { collectionIdOf } from '../src/taxii/collections.ts';
import { loadOasisValidator } from './helpers/oasis.ts';
import { testDialects } from './helpers/store.ts';
import { startHub, type TaxiiHub } from './taxii/setup.ts';
import { indicator, malware } from './taxii/stix.ts';

/** A marking definition of the publisher's own (a copyright statement), not a TLP. */
const STATEMENT = 'marking-definition--ad2caa47-58fd-4491-bebf-6b3f6e6f5e91';
const TLP1_AMBER = 'marking-definition--f88d31f6-486f-44da-b317-01333bde0b82';

interface Old {
  readonly object: Record<string, unknown>;
  readonly tlp: Tlp;
  readonly audience: readonly AudienceKey[];
}

/**
 * Versions as a database from before the hub wrote the TLP into what it stores (commit 241b635) holds them: the store's
 * own write (the one that wrote them then), not the import pipeline that adds the marking now, so their text carries no
 * TLP marking while their rows hold a TLP.
 */
async function storeAsOfOld(hub: TaxiiHub, owner: OrgId, versions: readonly Old[]): Promise<void> {
  const items: IncomingObject[] = versions.map(({ object, tlp, audience }) => ({
    id: object['id'] as StixId,
    type: object['type'] as string,
    created: object['created'] as string,
    modified: object['modified'] as string,
    revoked: false,
    name: object['name'] as string,
    description: null,
    json: JSON.stringify(object),
    sharing: { owner, tlp, audience },
  }));
  for (const item of items) {
    const written = await hub.store.stix.write(async (w) => ok(await w.putBatch([item], 'reject')));
    if (!written.ok) throw new Error('not stored');
  }
}

async function storedTexts(hub: TaxiiHub): Promise<Map<string, string>> {
  const { rows } = await sql<{ id: string; modified: string; json: string }>`select id, modified, json from stix_version order by added_us`.execute(hub.store.database.db);
  return new Map(rows.map((r) => [`${r.id} ${r.modified}`, r.json]));
}

const marked = (object: Record<string, unknown>, tlp: Tlp) => ({ ...object, object_marking_refs: [...((object['object_marking_refs'] as string[] | undefined) ?? []), TLP_MARKING_IDS[tlp]] });

describe.each(testDialects())('versions stored without their TLP marking, served on %s', (dialect) => {
  let hub: TaxiiHub;
  let before: Map<string, string>;
  const oasis = loadOasisValidator();
  const amberV1 = indicator(1, { modified: '2024-10-01T00:00:00.000Z' });
  const amberV2 = indicator(1, { modified: '2024-10-02T00:00:00.000Z', name: 'second version' });
  const greenWithStatement: Record<string, unknown> = { ...malware(2), object_marking_refs: [STATEMENT] };
  const clear = indicator(3);
  const tlp1: Record<string, unknown> = { ...indicator(4), object_marking_refs: [TLP1_AMBER] };
  const redToCounty = indicator(5);

  beforeAll(async () => {
    hub = await startHub(dialect);
    const county = hub.m.county.principal;
    await storeAsOfOld(hub, county.orgId, [
      { object: amberV1, tlp: 'amber', audience: ['state:06'] },
      { object: amberV2, tlp: 'amber', audience: ['state:06'] },
      { object: greenWithStatement, tlp: 'green', audience: ['community'] },
      { object: clear, tlp: 'clear', audience: ['public', 'community'] },
      { object: tlp1, tlp: 'amber', audience: ['state:06'] },
      { object: redToCounty, tlp: 'red', audience: [`user:${county.userId ?? ''}` as AudienceKey] },
    ]);
    before = await storedTexts(hub);
    // As such a database holds them: no TLP marking in their text.
    for (const o of [amberV1, amberV2, greenWithStatement, clear, redToCounty]) {
      const text = before.get(`${String(o['id'])} ${String(o['modified'])}`);
      expect(text).toBeDefined();
      for (const id of Object.values(TLP_MARKING_IDS)) expect(text).not.toContain(id);
    }
  });
  afterAll(async () => {
    await hub.close();
  });

  const taxiiObjects = async (collection: string, query = '') => {
    const res = await hub.call(hub.m.county, `/taxii2/rampart/collections/${collectionIdOf(collection)}/objects/${query}`);
    expect(res.status).toBe(200);
    return ((await res.json()) as { objects?: Record<string, unknown>[] }).objects ?? [];
  };
  const expectValid = (objects: readonly unknown[]) => {
    for (const o of objects) expect(oasis.validate(o).errors, JSON.stringify(o)).toEqual([]);
  };

  it('TAXII serves each with the marking of the TLP it is held under, every version, and the objects still meet the OASIS schemas', async () => {
    const state = await taxiiObjects('state:06', '?match[version]=all');
    expect(state).toEqual([marked(amberV1, 'amber'), marked(amberV2, 'amber'), tlp1]);
    const community = await taxiiObjects('community');
    expect(community).toEqual([{ ...greenWithStatement, object_marking_refs: [STATEMENT, TLP_MARKING_IDS.green] }, clear]);
    const own = await taxiiObjects(`user:${hub.m.county.principal.userId ?? ''}`);
    expect(own).toEqual([marked(redToCounty, 'red')]);
    const one = await hub.call(hub.m.county, `/taxii2/rampart/collections/${collectionIdOf('state:06')}/objects/${String(amberV1['id'])}/?match[version]=first`);
    expect(((await one.json()) as { objects: unknown[] }).objects).toEqual([marked(amberV1, 'amber')]);
    expectValid([...state, ...community, ...own]);
  });

  it('the REST export and object detail serve them marked too; the stored bytes are not rewritten', async () => {
    const res = await fetch(`${hub.url}/api/v1/export?versions=all`, { headers: { authorization: `Bearer ${hub.m.county.key}` } });
    expect(res.status).toBe(200);
    const bundle = (await res.json()) as { objects: Record<string, unknown>[] };
    expect(bundle.objects).toEqual([marked(amberV1, 'amber'), marked(amberV2, 'amber'), { ...greenWithStatement, object_marking_refs: [STATEMENT, TLP_MARKING_IDS.green] }, clear, tlp1, marked(redToCounty, 'red')]);
    expectValid(bundle.objects);
    const detail = await fetch(`${hub.url}/api/v1/objects/${String(amberV1['id'])}`, { headers: { authorization: `Bearer ${hub.m.county.key}` } });
    expect(((await detail.json()) as { object: unknown }).object).toEqual(marked(amberV2, 'amber'));
    expect(await storedTexts(hub)).toEqual(before);
  });
});
