import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import type { AudienceKey } from '../domain/audience.ts';
import type { OrgId, UserId } from '../domain/ids.ts';
import { freshStores, listAll, obj, OPERATOR, put, share } from '../../test/helpers/stix-kit.ts';
import { testDialects } from '../../test/helpers/store.ts';
import type { MemberReader } from '../store/types.ts';
import { seenByDistinct } from './matcher.ts';

const org = (n: number) => `identity--0000000${n}-0000-4000-8000-0000000000e${n}` as OrgId;
const ORGS = [org(1), org(2), org(3), org(4), org(5)] as const;
const user = (n: number) => `0d000000-0000-4000-8000-00000000000${n}` as UserId;
const GROUP = 'group:0e000000-0000-4000-8000-00000000000e' as AudienceKey;
/** Keys a reader or an audience may hold: shared ones, each organization's own, two people's. */
const KEYS: readonly AudienceKey[] = ['public', 'community', 'state:55', 'state:17', GROUP, ...ORGS.map((o) => `org:${o}` as AudienceKey), `user:${user(1)}` as AudienceKey, `user:${user(2)}` as AudienceKey];

describe.each(testDialects())('seenByDistinct on %s', (dialect) => {
  const fresh = freshStores(dialect);

  it('answers for every reader what the store answers for it alone, asking fewer readers when they cannot be told apart (property)', async () => {
    const { store } = await fresh();
    const readerArb = fc.record({
      org: fc.integer({ min: 0, max: ORGS.length - 1 }),
      shared: fc.subarray(['public', 'community', 'state:55', 'state:17', GROUP] as AudienceKey[]),
      ownOrgKey: fc.boolean(),
      person: fc.constantFrom(null, 1, 2),
    });
    await fc.assert(
      fc.asyncProperty(fc.integer({ min: 0, max: ORGS.length - 1 }), fc.subarray([...KEYS], { minLength: 1 }), fc.array(readerArb, { minLength: 1, maxLength: 12 }), async (owner, audience, specs) => {
        const version = obj({ type: 'x-rampart-status', name: 'a report', sharing: share(ORGS[owner] ?? ORGS[0], 'amber', audience) });
        await put(store.stix, [version]);
        const stored = (await listAll(store.stix, OPERATOR, 'all')).find((v) => v.id === version.id);
        if (stored === undefined) throw new Error('not stored');
        const readers: MemberReader[] = specs.map((s) => {
          const orgId = ORGS[s.org] ?? ORGS[0];
          const keys = [...s.shared, ...(s.ownOrgKey ? [`org:${orgId}` as AudienceKey] : []), ...(s.person === null ? [] : [`user:${user(s.person)}` as AudienceKey])];
          return { kind: 'member', orgId, userId: null, keys };
        });
        let asked = 0;
        const counted = {
          seenBy: (rs: Parameters<typeof store.stix.seenBy>[0], id: Parameters<typeof store.stix.seenBy>[1], at: number) => {
            asked = rs.length;
            return store.stix.seenBy(rs, id, at);
          },
        };
        const distinct = await seenByDistinct(counted, readers, stored);
        const alone = await Promise.all(readers.map(async (r) => (await store.stix.seenBy([r], stored.id, stored.addedUs))[0] === true));
        expect(distinct).toEqual(alone);
        expect(asked).toBeLessThanOrEqual(readers.length);
      }),
      { numRuns: 40 },
    );
  });

  it('asks one arm for the local offices of a state that a report does not name by their own keys', async () => {
    const { store } = await fresh();
    const version = obj({ type: 'x-rampart-status', name: 'Dane County: polls open', sharing: share(ORGS[0], 'amber', ['state:55']) });
    await put(store.stix, [version]);
    const stored = (await listAll(store.stix, OPERATOR, 'all')).find((v) => v.id === version.id);
    if (stored === undefined) throw new Error('not stored');
    const offices: MemberReader[] = ORGS.slice(1).map((o) => ({ kind: 'member', orgId: o, userId: null, keys: ['public', 'community', o === ORGS[4] ? 'state:17' : 'state:55', `org:${o}` as AudienceKey] }));
    const calls: number[] = [];
    const seen = await seenByDistinct({ seenBy: (rs, id, at) => (calls.push(rs.length), store.stix.seenBy(rs, id, at)) }, offices, stored);
    expect(seen).toEqual([true, true, true, false]);
    // Three Wisconsin offices share one arm; Illinois's keys make another.
    expect(calls).toEqual([2]);
  });
});
