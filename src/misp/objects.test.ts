import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import type { AudienceKey } from '../domain/audience.ts';
import { parseOrgId } from '../domain/ids.ts';
import { TLP_LEVELS, type Tlp } from '../domain/tlp.ts';
import { memoryStixStore } from '../../test/helpers/memory-stix-store.ts';
import { importMisp } from './import.ts';
import { objectPattern, relationshipType, splitRoot } from './objects.ts';

const owner = (() => {
  const p = parseOrgId('identity--0a000000-0000-4000-8000-00000000000a');
  if (!p.ok) throw new Error(p.error.message);
  return p.value;
})();
const GROUP = '3c9e7a51-2b4d-4f6e-8a1c-7d5e9b3f2a60';

/** An independent reading of docs/misp.md: the keys MISP's distribution (5 inherits; 4 a group the importer is in) lets see something. */
function allowed(distribution: number, group: boolean): Set<AudienceKey> {
  const own: AudienceKey = `org:${owner}`;
  if (distribution === 0) return new Set([own]);
  if (distribution === 4) return new Set(group ? [own, `group:${GROUP}` as const] : [own]);
  // Every sharing group is made of member organizations, each of which reads with `community`: a group is within the community.
  return new Set([own, 'community', `group:${GROUP}` as const]);
}
const RANK: Readonly<Record<number, number>> = { 0: 0, 4: 1, 1: 2, 2: 3, 3: 4 };
const narrower = (a: number, b: number): number => ((RANK[a] ?? 0) <= (RANK[b] ?? 0) ? a : b);

const distributionArb = fc.constantFrom(0, 1, 2, 3, 4, 5);
const tlpArb = fc.option(fc.constantFrom<Tlp>('clear', 'green', 'amber', 'amber+strict', 'red'), { nil: null });
const attributeArb = fc.record({ distribution: distributionArb, tlp: tlpArb, ids: fc.boolean() });

describe('a MISP object as one unit', () => {
  it('is never shared wider, nor under a weaker TLP, than any of its attributes', async () => {
    await fc.assert(
      fc.asyncProperty(fc.constantFrom(0, 1, 2, 3, 4), distributionArb, fc.array(attributeArb, { minLength: 1, maxLength: 4 }), async (eventD, objectD, attributes) => {
        const withGroup = (d: number) => (d === 4 ? { sharing_group_id: '7', SharingGroup: { uuid: GROUP } } : {});
        const event = {
          uuid: '6a7b8c9d-0e1f-4a2b-8c3d-4e5f6a7b8c00',
          info: 'FICTIONAL property',
          timestamp: '1792600000',
          distribution: String(eventD),
          ...withGroup(eventD),
          Object: [
            {
              uuid: '6a7b8c9d-0e1f-4a2b-8c3d-4e5f6a7b8c01',
              name: 'file',
              distribution: String(objectD),
              ...withGroup(objectD),
              Attribute: attributes.map((a, i) => ({ uuid: `6a7b8c9d-0e1f-4a2b-8c3d-4e5f6a7b8c1${i}`, object_relation: 'md5', type: 'md5', value: `${i}`.padStart(32, 'a'), to_ids: a.ids, distribution: String(a.distribution), ...withGroup(a.distribution), Tag: a.tlp === null ? [] : [{ name: `tlp:${a.tlp}` }] })),
            },
          ],
        };
        const store = memoryStixStore();
        const result = await importMisp(store, JSON.stringify({ Event: event }), { owner, hubOwner: owner, groups: new Set([GROUP]), now: new Date('2026-11-01T00:00:00Z') });
        if (!result.ok) throw new Error(JSON.stringify(result.error));
        const page = await store.list({ kind: 'operator' }, { limit: 1000 });
        if (!page.ok) throw new Error(page.error.message);
        const units = page.value.items.filter((v) => v.id.endsWith('6a7b8c9d-0e1f-4a2b-8c3d-4e5f6a7b8c01'));
        expect(units.length).toBeGreaterThan(0);
        for (const unit of units) {
          for (const a of attributes) {
            const inherited = objectD === 5 ? eventD : narrower(objectD, eventD);
            const reach = a.distribution === 5 ? inherited : narrower(a.distribution, inherited);
            const may = allowed(reach, true);
            for (const key of unit.sharing.audience) expect(may.has(key), `${key} for ${JSON.stringify({ eventD, objectD, a })}`).toBe(true);
            if (a.tlp !== null) expect(TLP_LEVELS.indexOf(unit.sharing.tlp)).toBeGreaterThanOrEqual(TLP_LEVELS.indexOf(a.tlp));
          }
        }
      }),
      { numRuns: 60 },
    );
  });
});

describe('object patterns', () => {
  it('puts the root observable in one observation, several values of one path as alternatives, other attributes as observations of their own', () => {
    const root = [
      { path: 'domain-name:value', value: 'a.example' },
      { path: 'domain-name:value', value: 'b.example' },
      { path: 'domain-name:resolves_to_refs[*].value', value: '192.0.2.1' },
    ];
    expect(objectPattern(root, [[{ path: 'network-traffic:dst_port', value: '53' }]])).toBe(
      "[(domain-name:value = 'a.example' OR domain-name:value = 'b.example') AND domain-name:resolves_to_refs[*].value = '192.0.2.1'] AND [network-traffic:dst_port = 53]",
    );
    // The second domain is an observable of its own; the list path stays with the first.
    expect(splitRoot(root)).toEqual([[root[0], root[2]], [root[1]]]);
  });

  it("writes MISP's free-text relationship types in STIX's form", () => {
    expect(['Delivers Payload', 'communicates-with', 'analysed_with', '  ', 'DROPS/Installs'].map(relationshipType)).toEqual(['delivers-payload', 'communicates-with', 'analysed-with', 'related-to', 'drops-installs']);
  });
});
