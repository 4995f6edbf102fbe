import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import type { AudienceKey } from '../domain/audience.ts';
import type { OrgId, StixId, UserId } from '../domain/ids.ts';
import { ok } from '../domain/result.ts';
import { openStore } from '../store/index.ts';
import type { IncomingObject, Reader, StixStore } from '../store/types.ts';
import { memoryStixStore } from '../../test/helpers/memory-stix-store.ts';
import { mispEventCache, readerKey } from './export-cache.ts';
import { importMisp } from './import.ts';

const OWNER = 'identity--0a000000-0000-4000-8000-00000000000a' as OrgId;
const member = (org: string, keys: AudienceKey[], userId: UserId | null = '11111111-0000-4000-8000-000000000000' as UserId): Extract<Reader, { kind: 'member' }> => ({ kind: 'member', orgId: org as OrgId, userId, keys });
const C = member('identity--0c000000-0000-4000-8000-00000000000c', ['community', 'org:identity--0c000000-0000-4000-8000-00000000000c']);
const fixture = (name: string) => readFileSync(new URL(`../../test/fixtures/misp/${name}`, import.meta.url));

/** The store with its list calls counted: each build of a reader's events lists reports, incidents and loose indicators. */
function counted(store: StixStore): { stix: StixStore; lists: () => number; failNext: () => void } {
  let lists = 0;
  let fail = false;
  const stix: StixStore = {
    ...store,
    list: (reader, query) => {
      lists++;
      if (fail) {
        fail = false;
        return Promise.resolve({ ok: false, error: { kind: 'unavailable', code: 'test-failure', message: 'the test made this read fail' } } as never);
      }
      return store.list(reader, query);
    },
  };
  return { stix, lists: () => lists, failNext: () => void (fail = true) };
}

async function imported(store: StixStore, name: string): Promise<void> {
  const r = await importMisp(store, fixture(name), { owner: OWNER, hubOwner: OWNER, groups: new Set(), now: new Date('2026-11-01T00:00:00Z') });
  if (!r.ok) throw new Error(r.error.message);
}

describe('mispEventCache', () => {
  it('builds a key set once until the store changes, and again after any write', async () => {
    const store = memoryStixStore();
    await imported(store, 'fictional-election-event.json');
    const { stix, lists } = counted(store);
    const cache = mispEventCache(stix);
    const first = await cache.events(C);
    if (!first.ok) throw new Error(first.error.message);
    expect(first.value.map((e) => e.event.uuid)).toEqual(['4a1d7c2e-5b8f-4c3a-9e1d-2f6b8a0c4e71']);
    const afterFirst = lists();
    // Another person of the same organization with the same keys (in another order): the same events, not built again.
    expect(await cache.events(member(C.orgId, [...C.keys].reverse(), '22222222-0000-4000-8000-000000000000' as UserId))).toBe(first);
    expect(lists()).toBe(afterFirst);
    await imported(store, 'fictional-sightings-event.json');
    const second = await cache.events(C);
    expect(lists()).toBeGreaterThan(afterFirst);
    expect(second.ok && second.value.map((e) => e.event.uuid).sort()).toEqual(['4a1d7c2e-5b8f-4c3a-9e1d-2f6b8a0c4e71', '7b2e4c91-3d5a-4f6b-8c7d-9e0f1a2b3c57']);
  });

  it('keeps key sets apart, at most max of them, and does not keep a failed build', async () => {
    const store = memoryStixStore();
    await imported(store, 'fictional-election-event.json');
    const { stix, lists, failNext } = counted(store);
    const cache = mispEventCache(stix, { max: 1 });
    const outsider = member('identity--0d000000-0000-4000-8000-00000000000d', ['public']);
    const forC = await cache.events(C);
    const forOutsider = await cache.events(outsider);
    expect(forC.ok && forC.value).toHaveLength(1);
    expect(forOutsider.ok && forOutsider.value).toEqual([]);
    // max 1: C's entry left when the outsider's came, so C is built again.
    const n = lists();
    await cache.events(C);
    expect(lists()).toBeGreaterThan(n);
    failNext();
    const other = member('identity--0e000000-0000-4000-8000-00000000000e', ['community']);
    expect((await cache.events(other)).ok).toBe(false);
    expect((await cache.events(other)).ok).toBe(true);
  });

  it('builds again after a sighting or a false positive the events show is re-shared, so nobody is shown one no longer shared with them', async () => {
    const store = await openStore({ url: ':memory:' });
    try {
      const T = '2026-11-03T12:00:00.000Z';
      const indicator = 'indicator--5e000000-0000-4000-8000-000000000001' as StixId;
      const sighting = 'sighting--5e000000-0000-4000-8000-000000000002' as StixId;
      const opinion = 'opinion--5e000000-0000-4000-8000-000000000003' as StixId;
      const report = 'report--5e000000-0000-4000-8000-000000000004' as StixId;
      const green = { owner: OWNER, tlp: 'green' as const, audience: ['community' as AudienceKey] };
      const item = (id: StixId, type: string, object: Record<string, unknown>): IncomingObject =>
        ({ id, type, created: T, modified: T, revoked: false, name: null, description: null, json: JSON.stringify({ type, spec_version: '2.1', id, created: T, modified: T, created_by_ref: OWNER, ...object }), sharing: green });
      const written = await store.stix.write(async (w) =>
        ok(
          await w.putBatch(
            [
              item(indicator, 'indicator', { name: 'bad domain', pattern: "[domain-name:value = 'bad.example']", pattern_type: 'stix', valid_from: T }),
              item(sighting, 'sighting', { sighting_of_ref: indicator, last_seen: T }),
              item(opinion, 'opinion', { opinion: 'strongly-disagree', labels: ['misp:sighting="false-positive"'], object_refs: [indicator] }),
              item(report, 'report', { name: 'report', published: T, report_types: ['threat-report'], object_refs: [indicator, sighting, opinion] }),
            ],
            'reject',
          ),
        ),
      );
      expect(written.ok).toBe(true);
      const cache = mispEventCache(store.stix);
      const sightingsOf = async () => {
        const events = await cache.events(C);
        if (!events.ok) throw new Error(events.error.message);
        return events.value.flatMap((e) => e.event.Attribute.flatMap((a) => (a.Sighting ?? []).map((s) => `${s.type} ${s.uuid}`))).sort();
      };
      expect(await sightingsOf()).toEqual(['0 5e000000-0000-4000-8000-000000000002', '1 5e000000-0000-4000-8000-000000000003']);
      // Narrowed to its owner alone: C no longer sees the sighting, then the false positive.
      await store.stix.reshare(sighting, { ...green, audience: [`org:${OWNER}`] });
      expect(await sightingsOf()).toEqual(['1 5e000000-0000-4000-8000-000000000003']);
      await store.stix.reshare(opinion, { ...green, audience: [`org:${OWNER}`] });
      expect(await sightingsOf()).toEqual([]);
    } finally {
      await store.close();
    }
  });

  it('names a reader by organization and keys, not by person or key order', () => {
    expect(readerKey(member('identity--0c000000-0000-4000-8000-00000000000c', ['org:x', 'community']))).toBe(readerKey(member('identity--0c000000-0000-4000-8000-00000000000c', ['community', 'org:x'], null)));
    expect(readerKey({ kind: 'operator' })).not.toBe(readerKey({ kind: 'public' }));
  });
});
