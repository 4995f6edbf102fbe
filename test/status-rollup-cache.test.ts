import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { AudienceKey } from '../src/domain/audience.ts';
import { ELECTION_FUNCTIONS } from '../src/domain/election.ts';
import type { OrgId, StixId, UserId } from '../src/domain/ids.ts';
import { ok } from '../src/domain/result.ts';
import { TLP_MARKING_IDS } from '../src/domain/tlp.ts';
import type { Jurisdiction } from '../src/status/rollup.ts';
import { rollupCache, type RollupCache } from '../src/status/rollup-cache.ts';
import { rollupFor, rollupJson, stateRollupFor, warmRollups, type StatusDeps } from '../src/status/service.ts';
import { ELECTION_TYPE, RAMPART_EXTENSION_ID, STATUS_REPORT_TYPE } from '../src/stix/rampart-extension.ts';
import { electionStatusStore } from '../src/store/elections.ts';
import { openStore, type RampartStore } from '../src/store/index.ts';
import { stateOfficeId } from '../src/store/status-index.ts';
import type { Reader } from '../src/store/types.ts';
import { testDatabase, testDialects, type TestDatabase } from './helpers/store.ts';

const WI = stateOfficeId('55') as OrgId;
const IL = stateOfficeId('17') as OrgId;
const DANE = 'identity--c0000000-0000-4000-8000-000000000001' as OrgId;
const FEDERAL = 'identity--fede0000-0000-4000-8000-000000000001' as OrgId;
const JURISDICTIONS: Jurisdiction[] = [
  { id: WI, name: 'Wisconsin', kind: 'state', stateFips: '55', countyFips: null },
  { id: DANE, name: 'Dane County', kind: 'local', stateFips: '55', countyFips: '55025' },
  { id: IL, name: 'Illinois', kind: 'state', stateFips: '17', countyFips: null },
];
const member = (orgId: OrgId, keys: readonly AudienceKey[]): Reader => ({ kind: 'member', orgId, userId: null, keys: ['community', `org:${orgId}`, ...keys] });
const WI_READER = member(WI, ['state:55']);
const FEDERAL_READER = member(FEDERAL, []);
const START = Date.parse('2026-11-03T12:00:00.000Z');
const NORMAL = Object.fromEntries(ELECTION_FUNCTIONS.map((f) => [f, { level: 'normal' }]));

/**
 * The roll-up cache (src/status/rollup-cache.ts) against the real store: what another process writes, a reshare,
 * an expectation and the clock each show at the next read, and each reader gets only its own answer.
 */
describe.each(testDialects())('the cached roll-up on %s', (dialect) => {
  let db: TestDatabase;
  let store: RampartStore;
  /** Another server process, as far as the cache can tell: a second handle on the same database. */
  let other: RampartStore;
  let now = new Date(START);
  let cache: RollupCache;
  let deps: StatusDeps;
  let anew: StatusDeps;
  let n = 0;
  const election = `${ELECTION_TYPE}--e0000000-0000-4000-8000-000000000001`;

  const report = async (owner: OrgId, audience: readonly AudienceKey[], at: Date, levels: Record<string, { level: string }> = NORMAL, tlp: 'amber' | 'red' = 'amber') => {
    n += 1;
    const id = `${STATUS_REPORT_TYPE}--50000000-0000-4000-8000-${String(n).padStart(12, '0')}` as StixId;
    const created = at.toISOString();
    const object = {
      type: STATUS_REPORT_TYPE, spec_version: '2.1', id, created, modified: created, created_by_ref: owner, object_marking_refs: [TLP_MARKING_IDS[tlp]],
      extensions: { [RAMPART_EXTENSION_ID]: { extension_type: 'new-sdo' } }, election_ref: election, jurisdiction_ref: owner, state_fips: owner === IL ? '17' : '55', functions: levels,
    };
    await other.stix.write(async (w) => ok(await w.putBatch([{ id, type: STATUS_REPORT_TYPE, created, modified: created, revoked: false, name: null, description: null, json: JSON.stringify(object), sharing: { owner, tlp, audience } }], 'reject')));
    return id;
  };
  /** The cached answer, after checking it is exactly what a roll-up built anew says. */
  const state = async (reader: Reader, fips: string) => {
    const cached = await stateRollupFor(deps, reader, election, fips);
    expect(cached).toEqual(await stateRollupFor(anew, reader, election, fips));
    if (!cached.ok) throw new Error(cached.error.message);
    return cached.value;
  };
  const row = async (reader: Reader, id: OrgId) => (await state(reader, id === IL ? '17' : '55')).jurisdictions.find((j) => j.id === id);

  beforeAll(async () => {
    db = testDatabase(dialect);
    store = await openStore({ url: db.url });
    other = await openStore({ url: db.url });
    const at = new Date(START - 86_400_000).toISOString();
    // Election day starts ten minutes in; reports every 30 minutes then (a day before it).
    const phases = [{ phase: 'election-day', start: new Date(START + 600_000).toISOString(), end: new Date(START + 12 * 3_600_000).toISOString(), report_every_minutes: 30 }];
    const object = {
      type: ELECTION_TYPE, spec_version: '2.1', id: election, created: at, modified: at, created_by_ref: FEDERAL, object_marking_refs: [TLP_MARKING_IDS.green],
      extensions: { [RAMPART_EXTENSION_ID]: { extension_type: 'new-sdo' } }, name: 'Cache test election', election_date: '2026-11-03', state_fips: ['55', '17'], phases,
    };
    await store.stix.write(async (w) => ok(await w.putBatch([{ id: election as StixId, type: ELECTION_TYPE, created: at, modified: at, revoked: false, name: null, description: null, json: JSON.stringify(object), sharing: { owner: FEDERAL, tlp: 'green', audience: ['community'] } }], 'reject')));
    cache = rollupCache();
    anew = {
      stix: store.stix,
      sharing: { decide: () => Promise.reject(new Error('the test does not publish')) },
      clock: { now: () => now },
      orgInfo: () => Promise.resolve(null),
      orgName: () => Promise.resolve(null),
      elections: electionStatusStore(store.database),
      jurisdictions: (fips) => Promise.resolve(JURISDICTIONS.filter((j) => fips.includes(j.stateFips))),
    };
    deps = { ...anew, rollups: cache };
  });
  afterAll(async () => {
    await other.close();
    await store.close();
    await db.drop();
  });

  it('shows a report another process stored, and a reshare, at the next read, to the readers it is shared with only', async () => {
    expect((await row(WI_READER, DANE))?.level).toBe('no-report');
    expect((await row(FEDERAL_READER, DANE))?.level).toBe('no-report');
    const repo = electionStatusStore(store.database);
    const before = await repo.statusMark(election);
    const id = await report(DANE, ['state:55'], now);
    const after = await repo.statusMark(election);
    // A new report only raises the newest added time: the cache then reads just the reports added since.
    expect(after.changes).toBe(before.changes);
    expect(after.newestUs).toBeGreaterThan(before.newestUs);
    expect((await row(WI_READER, DANE))?.report_id).toBe(id);
    expect((await row(FEDERAL_READER, DANE))?.report_id).toBeNull();
    expect((await state(FEDERAL_READER, '55')).state.not_shared).toBe(1);

    await other.stix.reshare(id, { owner: DANE, tlp: 'amber', audience: [`org:${FEDERAL}`] });
    expect((await repo.statusMark(election)).changes).toBeGreaterThan(after.changes);
    expect((await row(WI_READER, DANE))?.report_id).toBeNull();
    expect((await row(FEDERAL_READER, DANE))?.report_id).toBe(id);
    await other.stix.reshare(id, { owner: DANE, tlp: 'amber', audience: ['state:55'] });
    expect((await row(WI_READER, DANE))?.report_id).toBe(id);
    expect((await row(FEDERAL_READER, DANE))?.report_id).toBeNull();
  });

  it('never gives one reader what another may see, though both read the same election from one cache', async () => {
    const own = await report(IL, [`org:${IL}`], now, { ...NORMAL, 'vote-counting': { level: 'disrupted' } });
    const illinois = member(IL, ['state:17']);
    for (let i = 0; i < 3; i++) {
      for (const reader of [illinois, WI_READER, FEDERAL_READER, member(IL, ['state:17', 'user:u1'])]) {
        const national = await rollupFor(deps, reader, election);
        expect(national).toEqual(await rollupFor(anew, reader, election));
        if (!national.ok) throw new Error(national.error.message);
        const seesIt = reader.kind === 'member' && reader.orgId === IL;
        expect(national.value.questions.counting.answer === 'yes', JSON.stringify(reader)).toBe(seesIt);
        expect((await row(reader, IL))?.report_id ?? null).toBe(seesIt ? own : null);
      }
    }
  });

  it('keeps one entry for the people of an office, and one of their own for a person a report names (TLP:RED), with that report merged in', async () => {
    const userId = (n: number) => `0000000${n}-0000-4000-8000-00000000000${n}` as UserId;
    const person = (n: number): Reader => ({ kind: 'member', orgId: WI, userId: userId(n), keys: ['community', `org:${WI}`, 'state:55', `user:${userId(n)}`] });
    const [alice, bob] = [person(1), person(2)];
    const before = (await row(bob, DANE))?.report_id ?? null;
    const size = cache.size;
    for (const reader of [alice, bob, WI_READER]) expect(await rollupFor(deps, reader, election)).toEqual(await rollupFor(anew, reader, election));
    expect(cache.size).toBe(size);
    // Dane County's newest report, named to Alice of the state office alone.
    const at = now;
    now = new Date(now.getTime() + 1000);
    const red = await report(DANE, [`user:${userId(1)}`], now, NORMAL, 'red');
    expect((await row(alice, DANE))?.report_id).toBe(red);
    expect((await row(bob, DANE))?.report_id ?? null).toBe(before);
    expect((await row(WI_READER, DANE))?.report_id ?? null).toBe(before);
    expect(cache.size).toBe(size + 1);
    expect(await rollupFor(deps, alice, election)).toEqual(await rollupFor(anew, alice, election));
    // Its reshare away from her shows at her next read.
    await other.stix.reshare(red, { owner: DANE, tlp: 'red', audience: [`user:${userId(2)}`] });
    expect((await row(alice, DANE))?.report_id ?? null).toBe(before);
    expect((await row(bob, DANE))?.report_id).toBe(red);
    await other.stix.reshare(red, { owner: DANE, tlp: 'amber', audience: [`org:${FEDERAL}`] });
    now = at;
  });

  it('follows the clock: a phase starting and a report going stale show without any write', async () => {
    const id = await report(WI, ['state:55'], now);
    expect((await state(WI_READER, '55')).phase).toBeNull();
    expect((await row(WI_READER, WI))?.every_minutes).toBe(24 * 60);
    now = new Date(START + 600_000);
    expect((await state(WI_READER, '55')).phase?.phase).toBe('election-day');
    const fresh = await row(WI_READER, WI);
    expect([fresh?.every_minutes, fresh?.stale, fresh?.level, fresh?.report_id]).toEqual([30, false, 'normal', id]);
    // Reported at START, every 30 minutes: current up to START + 30 min exactly, stale a millisecond later.
    now = new Date(START + 1_800_000);
    expect((await row(WI_READER, WI))?.stale).toBe(false);
    now = new Date(START + 1_800_001);
    const stale = await row(WI_READER, WI);
    expect([stale?.stale, stale?.level]).toEqual([true, 'stale']);
    // The clock set back (a test, or a corrected host clock): built anew, not served from the future.
    now = new Date(START + 600_000);
    expect((await row(WI_READER, WI))?.stale).toBe(false);
    now = new Date(START + 1_800_001);
  });

  it('shows a changed expectation at the next read', async () => {
    const repo = electionStatusStore(other.database);
    expect((await row(WI_READER, WI))?.every_minutes).toBe(30);
    await repo.setExpectation({ electionRef: election, stateFips: '55', jurisdictionRef: '', phase: '' }, { reportEveryMinutes: 90, declined: false, setBy: WI, setAtUs: now.getTime() * 1000 });
    const after = await row(WI_READER, WI);
    expect([after?.every_minutes, after?.stale]).toEqual([90, false]);
    await repo.setExpectation({ electionRef: election, stateFips: '55', jurisdictionRef: '', phase: '' }, null);
    expect((await row(WI_READER, WI))?.every_minutes).toBe(30);
  });

  it('reads and builds an entry once for the readers that find it missing at once, and catches up those who came after a new report', async () => {
    const repo = electionStatusStore(store.database);
    let reads = 0;
    let marks = 0;
    let caughtUp = 0;
    let release = () => {};
    const held = new Promise<void>((resolve) => {
      release = resolve;
    });
    const first = { ...deps, rollups: rollupCache(), elections: { ...repo,
      // The office's reports, held back until the test lets them go: every reader meanwhile finds the entry being read.
      latest: async (...args: Parameters<typeof repo.latest>) => {
        reads += 1;
        await held;
        return repo.latest(...args);
      },
      statusMark: async (...args: Parameters<typeof repo.statusMark>) => {
        const mark = await repo.statusMark(...args);
        marks += 1;
        return mark;
      },
      addedBetween: (...args: Parameters<typeof repo.addedBetween>) => {
        caughtUp += 1;
        return repo.addedBetween(...args);
      },
    } };
    // People of Wisconsin's office whom no report names: one entry for them all.
    const people = [1, 2, 3, 4, 5, 6].map((i): Reader => {
      const id = `0000001${i}-0000-4000-8000-00000000001${i}` as UserId;
      return { kind: 'member', orgId: WI, userId: id, keys: ['community', `org:${WI}`, 'state:55', `user:${id}`] };
    });
    const answer = (deps: StatusDeps, i: number) => {
      const reader = people[i] as Reader;
      return i % 2 === 0 ? rollupFor(deps, reader, election) : stateRollupFor(deps, reader, election, '55');
    };
    const herd = [0, 1, 2, 3].map((i) => answer(first, i));
    await expect.poll(() => marks).toBe(4);
    // A report stored while the entry is being read: readers who came after it wait for that read too, then merge what was added since their mark.
    const added = await report(DANE, ['state:55'], now);
    const later = [4, 5].map((i) => answer(first, i));
    await expect.poll(() => marks).toBe(6);
    expect(reads).toBe(1);
    release();
    const answers = await Promise.all([...herd, ...later]);
    expect(reads).toBe(1);
    expect(caughtUp).toBeGreaterThan(0);
    for (const [i, got] of answers.entries()) expect(got).toEqual(await answer(anew, i));
    expect(answers.map((a) => (a.ok && 'jurisdictions' in a.value ? a.value.jurisdictions.find((j) => j.id === DANE)?.report_id : 'national'))).toEqual(['national', added, 'national', added, 'national', added]);
    expect(first.rollups.size).toBe(1);
  });

  it('builds the offices\' roll-ups of an election under way before the first request: their first reads only catch up', async () => {
    const repo = electionStatusStore(store.database);
    let reads = 0;
    const counted = { ...deps, rollups: rollupCache(), elections: { ...repo,
      latest: (...args: Parameters<typeof repo.latest>) => {
        reads += 1;
        return repo.latest(...args);
      },
    } };
    const at = now;
    now = new Date(START - 3_600_000);
    expect(await warmRollups(counted, [WI_READER, FEDERAL_READER])).toBe(0);
    now = new Date(START + 3_600_000);
    // The national roll-up for both, Wisconsin's own for its office.
    expect(await warmRollups(counted, [WI_READER, FEDERAL_READER])).toBe(3);
    expect([counted.rollups.size, reads]).toEqual([2, 2]);
    const added = await report(WI, ['state:55'], now);
    const alice: Reader = { kind: 'member', orgId: WI, userId: '00000021-0000-4000-8000-000000000021' as UserId, keys: ['community', `org:${WI}`, 'state:55', 'user:00000021-0000-4000-8000-000000000021'] };
    for (const reader of [alice, WI_READER, FEDERAL_READER]) expect(await rollupFor(counted, reader, election)).toEqual(await rollupFor(anew, reader, election));
    const state = await stateRollupFor(counted, alice, election, '55');
    expect(state).toEqual(await stateRollupFor(anew, alice, election, '55'));
    expect(state.ok && state.value.jurisdictions.find((j) => j.id === WI)?.report_id).toBe(added);
    expect([counted.rollups.size, reads]).toEqual([2, 2]);
    now = at;
  });

  it('serializes a roll-up once while it holds, each answer with its own generated_at', async () => {
    let serialized = 0;
    const serialize = (value: unknown) => {
      serialized += 1;
      return JSON.stringify(value);
    };
    const first = await rollupJson(deps, WI_READER, election, serialize);
    now = new Date(now.getTime() + 1);
    const second = await rollupJson(deps, WI_READER, election, serialize);
    const built = await rollupFor(anew, WI_READER, election);
    if (!first.ok || !second.ok || !built.ok) throw new Error('the election is visible');
    expect(serialized).toBe(1);
    expect(JSON.parse(second.value)).toEqual(built.value);
    expect(second.value).not.toBe(first.value);
    await report(DANE, ['state:55'], now);
    const third = await rollupJson(deps, WI_READER, election, serialize);
    expect(serialized).toBe(2);
    if (!third.ok) throw new Error('the election is visible');
    const rebuilt = await rollupFor(anew, WI_READER, election);
    if (!rebuilt.ok) throw new Error('the election is visible');
    expect(JSON.parse(third.value)).toEqual(rebuilt.value);
  });
});
