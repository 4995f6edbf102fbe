import { describe, expect, it } from 'vitest';
import { loadOasisValidator } from '../../test/helpers/oasis.ts';
import { memoryStixStore } from '../../test/helpers/memory-stix-store.ts';
import type { OrgId, StixId } from '../domain/ids.ts';
import { tlpRulesSharing } from '../../test/helpers/http.ts';
import { parseFormatChoice } from './formats.ts';
import type { Hit } from './matcher.ts';
import { publishSightings, sightingObject } from './sightings.ts';

const ORG = 'identity--0a000000-0000-4000-8000-00000000000a' as OrgId;
const IND = 'indicator--11111111-1111-4111-8111-111111111111' as StixId;
const NOW = new Date('2026-11-03T18:00:00.000Z');
const hit = (count: number): Hit => ({ indicator: { id: IND, name: 'x', pattern: "[domain-name:value = 'a.example']", owner: ORG }, count, firstMs: Date.parse('2026-11-03T09:00:00Z'), lastMs: Date.parse('2026-11-03T10:30:00.250Z'), values: ['a.example'], warningLists: [] });
let n = 0;
const newId = () => `5a1b0a7f-1c55-4a3c-8f5a-4b9a5b1d2e${String(n++).padStart(2, '0')}`;

describe('sightings', () => {
  it('builds sightings the official OASIS schema accepts, with the count capped as STIX requires', () => {
    const oasis = loadOasisValidator();
    for (const count of [1, 7, 5_000_000_000]) {
      const object = sightingObject(hit(count), { orgId: ORG, tlp: 'amber', now: NOW, id: newId() });
      expect(oasis.validate(object).errors).toEqual([]);
      expect(object['count']).toBe(Math.min(count, 999_999_999));
    }
    expect(sightingObject(hit(1), { orgId: ORG, tlp: 'green', now: NOW, id: '5a1b0a7f-1c55-4a3c-8f5a-4b9a5b1d2e3f' })).toEqual({
      type: 'sighting',
      spec_version: '2.1',
      id: 'sighting--5a1b0a7f-1c55-4a3c-8f5a-4b9a5b1d2e3f',
      created: '2026-11-03T18:00:00.000Z',
      modified: '2026-11-03T18:00:00.000Z',
      created_by_ref: ORG,
      sighting_of_ref: IND,
      count: 1,
      first_seen: '2026-11-03T09:00:00.000Z',
      last_seen: '2026-11-03T10:30:00.250Z',
      where_sighted_refs: [ORG],
      object_marking_refs: ['marking-definition--bab4a63c-aed9-4cf5-a766-dfca5abac2bb'],
    });
  });

  it('stores all sightings with the sharing decided for them, or none', async () => {
    const stix = memoryStixStore();
    const deps = { stix, clock: { now: () => NOW }, newId };
    const green = await tlpRulesSharing.decide(ORG, 'green', undefined);
    if (!green.ok) throw new Error(green.error.message);
    const published = await publishSightings(deps, [hit(2), hit(3)], green.value);
    expect(published.ok && published.value.length).toBe(2);
    expect(stix.rows().map((r) => r.sharing)).toEqual([
      { owner: ORG, tlp: 'green', audience: [`org:${ORG}`] },
      { owner: ORG, tlp: 'green', audience: [`org:${ORG}`] },
    ]);
    // A duplicate id with different content is refused by the store: nothing of the batch is kept.
    const taken = (stix.rows()[0]?.id ?? '').replace('sighting--', '');
    const fixed = { ...deps, newId: () => taken };
    const clash = await publishSightings(fixed, [hit(9)], green.value);
    expect(clash.ok ? null : clash.error.code).toBe('sighting-not-stored');
    expect(stix.rows()).toHaveLength(2);
  });

  it('names the formats when one is unknown', () => {
    expect(parseFormatChoice('syslog')).toEqual({ ok: false, error: { code: 'unknown-format', message: 'unknown log format "syslog"; use auto, jsonl, csv, zeek, dns, nginx, suricata-eve' } });
    expect(parseFormatChoice('zeek')).toEqual({ ok: true, value: 'zeek' });
  });
});
