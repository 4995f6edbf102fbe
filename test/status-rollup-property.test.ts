import fc from 'fast-check';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { AudienceKey } from '../src/domain/audience.ts';
import { ELECTION_FUNCTIONS, STATUS_LEVELS } from '../src/domain/election.ts';
import type { OrgId, StixId, UserId } from '../src/domain/ids.ts';
import { ok } from '../src/domain/result.ts';
import { TLP_MARKING_IDS } from '../src/domain/tlp.ts';
import { rollUp, type Jurisdiction } from '../src/status/rollup.ts';
import { rollupCache } from '../src/status/rollup-cache.ts';
import { rollupFor, stateRollupFor, type StatusDeps } from '../src/status/service.ts';
import { ELECTION_TYPE, RAMPART_EXTENSION_ID, STATUS_REPORT_TYPE } from '../src/stix/rampart-extension.ts';
import { electionStatusStore } from '../src/store/elections.ts';
import { openStore, type RampartStore } from '../src/store/index.ts';
import { stateOfficeId } from '../src/store/status-index.ts';
import type { Reader } from '../src/store/types.ts';
import { testDatabase, testDialects, type TestDatabase } from './helpers/store.ts';

const EVERY_MINUTES = 120;
const county = (n: number) => `identity--c0000000-0000-4000-8000-0000000000${String(n).padStart(2, '0')}` as OrgId;
const WI = stateOfficeId('55') as OrgId;
const IL = stateOfficeId('17') as OrgId;
const FEDERAL = 'identity--fede0000-0000-4000-8000-000000000001' as OrgId;
const JURISDICTIONS: Jurisdiction[] = [
  { id: WI, name: 'WI', kind: 'state', stateFips: '55', countyFips: null },
  { id: county(1), name: 'c1', kind: 'local', stateFips: '55', countyFips: null },
  { id: county(2), name: 'c2', kind: 'local', stateFips: '55', countyFips: null },
  { id: county(3), name: 'c3', kind: 'local', stateFips: '55', countyFips: null },
  { id: IL, name: 'IL', kind: 'state', stateFips: '17', countyFips: null },
  { id: county(4), name: 'c4', kind: 'local', stateFips: '17', countyFips: null },
];
const OTHER_OWNERS = [county(5), FEDERAL];

const person = (n: number) => `0000000${n}-0000-4000-8000-00000000000${n}` as UserId;
/** Readers, each with the keys the sharing rule gives it; a person's include `user:<id>` (TLP:RED names people). */
const READERS: readonly { readonly orgId: OrgId; readonly userId: UserId | null; readonly keys: readonly AudienceKey[] }[] = [
  { orgId: WI, userId: null, keys: ['community', `org:${WI}`, 'state:55'] },
  { orgId: IL, userId: null, keys: ['community', `org:${IL}`, 'state:17'] },
  { orgId: county(1), userId: null, keys: ['community', `org:${county(1)}`, 'state:55'] },
  { orgId: FEDERAL, userId: null, keys: ['community', `org:${FEDERAL}`] },
  // Two people of the Wisconsin office and one of county 1: an entry of their organization's keys, their own reports merged in.
  { orgId: WI, userId: person(1), keys: ['community', `org:${WI}`, 'state:55', `user:${person(1)}`] },
  { orgId: WI, userId: person(2), keys: ['community', `org:${WI}`, 'state:55', `user:${person(2)}`] },
  { orgId: county(1), userId: person(3), keys: ['community', `org:${county(1)}`, 'state:55', `user:${person(3)}`] },
];
const AUDIENCES: readonly AudienceKey[][] = [
  ['state:55'],
  ['state:17'],
  ['community'],
  [`org:${FEDERAL}`],
  [`org:${WI}`],
  ['state:55', `org:${FEDERAL}`],
  // TLP:RED to people (tlpOf): one of an office, two of different offices, one of an office that sees nothing else of Illinois.
  [`user:${person(1)}`],
  [`user:${person(2)}`, `user:${person(3)}`],
  [`user:${person(3)}`],
];
/** TLP:RED names people; everything else here is AMBER. */
const tlpOf = (audience: readonly AudienceKey[]) => (audience.some((k) => k.startsWith('user:')) ? ('red' as const) : ('amber' as const));

const reportArb = fc.record({
  jurisdiction: fc.nat(JURISDICTIONS.length - 1),
  /** 0: the jurisdiction itself, 1: its state office, 2+: someone else. */
  owner: fc.nat(3),
  minutesAgo: fc.integer({ min: 0, max: 3 * EVERY_MINUTES }),
  levels: fc.dictionary(fc.constantFrom(...ELECTION_FUNCTIONS), fc.constantFrom(...STATUS_LEVELS), { minKeys: 1, maxKeys: 4 }),
  audience: fc.nat(AUDIENCES.length - 1),
  revoked: fc.boolean(),
});
type ReportSpec = typeof reportArb extends fc.Arbitrary<infer T> ? T : never;

function ownerOf(r: ReportSpec): OrgId {
  const j = JURISDICTIONS[r.jurisdiction] as Jurisdiction;
  if (r.owner === 0) return j.id as OrgId;
  if (r.owner === 1) return stateOfficeId(j.stateFips) as OrgId;
  return OTHER_OWNERS[r.owner - 2] as OrgId;
}

/** The independent oracle of who sees what (DESIGN.md): the owner, or anyone holding one of the audience keys. */
const sees = (reader: (typeof READERS)[number], owner: OrgId, audience: readonly AudienceKey[]) => owner === reader.orgId || audience.some((k) => reader.keys.includes(k));

/** A status report of `spec` in `election`, stored as the `n`th of its run. */
function reportItem(election: string, run: number, n: number, r: ReportSpec, now: Date) {
  const j = JURISDICTIONS[r.jurisdiction] as Jurisdiction;
  const owner = ownerOf(r);
  const created = new Date(now.getTime() - r.minutesAgo * 60_000).toISOString();
  const audience = AUDIENCES[r.audience] as AudienceKey[];
  const id = `${STATUS_REPORT_TYPE}--00000000-0000-4000-9${String(run).padStart(3, '0')}-${String(n).padStart(12, '0')}` as StixId;
  const object = {
    type: STATUS_REPORT_TYPE, spec_version: '2.1', id, created, modified: created, created_by_ref: owner,
    object_marking_refs: [TLP_MARKING_IDS[tlpOf(audience)]], extensions: { [RAMPART_EXTENSION_ID]: { extension_type: 'new-sdo' } },
    election_ref: election, jurisdiction_ref: j.id, state_fips: j.stateFips,
    functions: Object.fromEntries(Object.entries(r.levels).map(([fn, level]) => [fn, { level }])),
    ...(r.revoked ? { revoked: true } : {}),
  };
  return { id, type: STATUS_REPORT_TYPE, created, modified: created, revoked: r.revoked, name: null, description: null, json: JSON.stringify(object), sharing: { owner, tlp: tlpOf(audience), audience } };
}

const stepArb = fc.oneof(
  { weight: 2, arbitrary: fc.record({ kind: fc.constant('write' as const), reports: fc.array(reportArb, { minLength: 1, maxLength: 3 }), otherHandle: fc.boolean() }) },
  { weight: 4, arbitrary: fc.record({ kind: fc.constant('read' as const), reader: fc.nat(READERS.length - 1), scope: fc.constantFrom('', '55', '17') }) },
  { weight: 1, arbitrary: fc.record({ kind: fc.constant('reshare' as const), report: fc.nat(40), audience: fc.nat(AUDIENCES.length - 1), otherHandle: fc.boolean() }) },
);

describe.each(testDialects())('the roll-up on %s, for any reports and any reader', (dialect) => {
  let db: TestDatabase;
  let store: RampartStore;
  /** A second handle on the same database: another server process, as far as the cache can tell. */
  let other: RampartStore;
  let run = 0;
  beforeAll(async () => {
    db = testDatabase(dialect);
    store = await openStore({ url: db.url });
    other = await openStore({ url: db.url });
  });
  afterAll(async () => {
    await other.close();
    await store.close();
    await db.drop();
  });

  it('never counts a jurisdiction normal without a normal report from it, visible to the reader, inside the expectation window', async () => {
    const repo = electionStatusStore(store.database);
    await fc.assert(
      fc.asyncProperty(fc.array(reportArb, { maxLength: 14 }), fc.nat(READERS.length - 1), async (reports, readerIndex) => {
        run += 1;
        const election = `x-rampart-election--00000000-0000-4000-8000-${String(run).padStart(12, '0')}`;
        const now = new Date();
        const items = reports.map((r, i) => reportItem(election, run, i, r, now));
        if (items.length > 0) await store.stix.write(async (w) => ok(await w.putBatch(items, 'reject')));
        const who = READERS[readerIndex] as (typeof READERS)[number];
        const reader: Reader = { kind: 'member', orgId: who.orgId, userId: who.userId, keys: who.keys };
        const latest = await repo.latest(reader, election);
        const rollup = rollUp({ state_fips: ['55', '17'], phases: [{ phase: 'election-day', start: new Date(now.getTime() - 86_400_000).toISOString(), end: new Date(now.getTime() + 86_400_000).toISOString(), report_every_minutes: EVERY_MINUTES }] }, JURISDICTIONS, [], latest, now);
        for (const state of rollup.states) {
          for (const s of state.jurisdictions) {
            const justified = reports.some((r, i) => {
              const item = items[i];
              return (
                item !== undefined &&
                JURISDICTIONS[r.jurisdiction]?.id === s.jurisdiction.id &&
                r.owner <= 1 &&
                !r.revoked &&
                sees(who, item.sharing.owner, item.sharing.audience) &&
                r.minutesAgo <= EVERY_MINUTES &&
                Object.values(r.levels).every((l) => l === 'normal')
              );
            });
            if (s.level === 'normal') expect(justified, `${s.jurisdiction.name} counted normal for ${who.orgId}`).toBe(true);
            const anyVisible = reports.some((r, i) => JURISDICTIONS[r.jurisdiction]?.id === s.jurisdiction.id && r.owner <= 1 && !r.revoked && items[i] !== undefined && sees(who, items[i].sharing.owner, items[i].sharing.audience));
            if (!anyVisible) expect(s.level).toBe('no-report');
          }
          expect(Object.values(state.counts).reduce((a, b) => a + b, 0)).toBe(state.jurisdictions.length);
        }
      }),
      { numRuns: dialect === 'sqlite' ? 150 : 40 },
    );
  });

  it('answers from its cache exactly what it would build anew, and only what each reader may see, across writes and reshares from either process', async () => {
    // Fewer entries than readers: some reads find their entry evicted.
    const cache = rollupCache({ entries: 3 });
    const jurisdictions = (fips: readonly string[]) => Promise.resolve(JURISDICTIONS.filter((j) => fips.includes(j.stateFips)));
    await fc.assert(
      fc.asyncProperty(fc.array(stepArb, { minLength: 12, maxLength: 30 }), async (steps) => {
        run += 1;
        const now = new Date();
        const clock = { now: () => now };
        const election = `${ELECTION_TYPE}--00000000-0000-4000-8000-${String(run).padStart(12, '0')}`;
        const day = { phase: 'election-day' as const, start: new Date(now.getTime() - 86_400_000).toISOString(), end: new Date(now.getTime() + 86_400_000).toISOString(), report_every_minutes: EVERY_MINUTES };
        const object = {
          type: ELECTION_TYPE, spec_version: '2.1', id: election, created: day.start, modified: day.start, created_by_ref: FEDERAL, object_marking_refs: [TLP_MARKING_IDS.green],
          extensions: { [RAMPART_EXTENSION_ID]: { extension_type: 'new-sdo' } }, name: `Property election ${run}`, election_date: now.toISOString().slice(0, 10), state_fips: ['55', '17'], phases: [day],
        };
        const electionItem = { id: election as StixId, type: ELECTION_TYPE, created: day.start, modified: day.start, revoked: false, name: null, description: null, json: JSON.stringify(object), sharing: { owner: FEDERAL, tlp: 'green' as const, audience: ['community'] as AudienceKey[] } };
        await store.stix.write(async (w) => ok(await w.putBatch([electionItem], 'reject')));
        const base: StatusDeps = {
          stix: store.stix,
          sharing: { decide: () => Promise.reject(new Error('the test does not publish')) },
          clock,
          orgInfo: () => Promise.resolve(null),
          orgName: () => Promise.resolve(null),
          elections: electionStatusStore(store.database),
          jurisdictions,
        };
        const cached: StatusDeps = { ...base, rollups: cache };
        const written: { spec: ReportSpec; item: ReturnType<typeof reportItem>; audience: readonly AudienceKey[] }[] = [];
        for (const step of steps) {
          const handle = step.kind !== 'read' && step.otherHandle ? other : store;
          if (step.kind === 'write') {
            const items = step.reports.map((r, i) => reportItem(election, run, written.length + i, r, now));
            step.reports.forEach((r, i) => written.push({ spec: r, item: items[i] as ReturnType<typeof reportItem>, audience: AUDIENCES[r.audience] as AudienceKey[] }));
            await handle.stix.write(async (w) => ok(await w.putBatch(items, 'reject')));
            continue;
          }
          if (step.kind === 'reshare') {
            const target = written[step.report % Math.max(1, written.length)];
            if (target === undefined) continue;
            target.audience = AUDIENCES[step.audience] as AudienceKey[];
            await handle.stix.reshare(target.item.id, { owner: target.item.sharing.owner, tlp: tlpOf(target.audience), audience: target.audience });
            continue;
          }
          const who = READERS[step.reader] as (typeof READERS)[number];
          const reader: Reader = { kind: 'member', orgId: who.orgId, userId: who.userId, keys: who.keys };
          if (step.scope === '') {
            const [fromCache, anew] = [await rollupFor(cached, reader, election), await rollupFor(base, reader, election)];
            expect(fromCache).toEqual(anew);
            continue;
          }
          const [fromCache, anew] = [await stateRollupFor(cached, reader, election, step.scope), await stateRollupFor(base, reader, election, step.scope)];
          expect(fromCache).toEqual(anew);
          if (!fromCache.ok) throw new Error(fromCache.error.message);
          // The oracle: per jurisdiction, the newest counted report the reader may see (its own or its state office's, not revoked).
          for (const row of fromCache.value.jurisdictions) {
            let newest: (typeof written)[number] | undefined;
            for (const w of written) {
              if (JURISDICTIONS[w.spec.jurisdiction]?.id !== row.id || w.spec.owner > 1 || w.spec.revoked || !sees(who, w.item.sharing.owner, w.audience)) continue;
              if (newest === undefined || w.spec.minutesAgo <= newest.spec.minutesAgo) newest = w;
            }
            expect(row.report_id, `${row.name} for ${who.orgId}`).toBe(newest?.item.id ?? null);
          }
        }
      }),
      { numRuns: dialect === 'sqlite' ? 100 : 30 },
    );
  });
});
