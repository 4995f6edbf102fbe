import fc from 'fast-check';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { AudienceKey } from '../src/domain/audience.ts';
import { ELECTION_FUNCTIONS, STATUS_LEVELS } from '../src/domain/election.ts';
import type { OrgId, StixId } from '../src/domain/ids.ts';
import { ok } from '../src/domain/result.ts';
import { TLP_MARKING_IDS } from '../src/domain/tlp.ts';
import { rollUp, type Jurisdiction } from '../src/status/rollup.ts';
import { RAMPART_EXTENSION_ID, STATUS_REPORT_TYPE } from '../src/stix/rampart-extension.ts';
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

/** Readers, each with the keys the sharing rule gives it. */
const READERS: readonly { readonly orgId: OrgId; readonly keys: readonly AudienceKey[] }[] = [
  { orgId: WI, keys: ['community', `org:${WI}`, 'state:55'] },
  { orgId: IL, keys: ['community', `org:${IL}`, 'state:17'] },
  { orgId: county(1), keys: ['community', `org:${county(1)}`, 'state:55'] },
  { orgId: FEDERAL, keys: ['community', `org:${FEDERAL}`] },
];
const AUDIENCES: readonly AudienceKey[][] = [['state:55'], ['state:17'], ['community'], [`org:${FEDERAL}`], [`org:${WI}`], ['state:55', `org:${FEDERAL}`]];

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

describe.each(testDialects())('the roll-up on %s, for any reports and any reader', (dialect) => {
  let db: TestDatabase;
  let store: RampartStore;
  let run = 0;
  beforeAll(async () => {
    db = testDatabase(dialect);
    store = await openStore({ url: db.url });
  });
  afterAll(async () => {
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
        const items = reports.map((r, i) => {
          const j = JURISDICTIONS[r.jurisdiction] as Jurisdiction;
          const owner = ownerOf(r);
          const created = new Date(now.getTime() - r.minutesAgo * 60_000).toISOString();
          const id = `${STATUS_REPORT_TYPE}--00000000-0000-4000-9${String(run).padStart(3, '0')}-${String(i).padStart(12, '0')}` as StixId;
          const object = {
            type: STATUS_REPORT_TYPE, spec_version: '2.1', id, created, modified: created, created_by_ref: owner,
            object_marking_refs: [TLP_MARKING_IDS.amber], extensions: { [RAMPART_EXTENSION_ID]: { extension_type: 'new-sdo' } },
            election_ref: election, jurisdiction_ref: j.id, state_fips: j.stateFips,
            functions: Object.fromEntries(Object.entries(r.levels).map(([fn, level]) => [fn, { level }])),
            ...(r.revoked ? { revoked: true } : {}),
          };
          return { id, type: STATUS_REPORT_TYPE, created, modified: created, revoked: r.revoked, name: null, description: null, json: JSON.stringify(object), sharing: { owner, tlp: 'amber' as const, audience: AUDIENCES[r.audience] as AudienceKey[] } };
        });
        if (items.length > 0) await store.stix.write(async (w) => ok(await w.putBatch(items, 'reject')));
        const who = READERS[readerIndex] as (typeof READERS)[number];
        const reader: Reader = { kind: 'member', orgId: who.orgId, userId: null, keys: who.keys };
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
});
