import { describe, expect, it } from 'vitest';
import type { OrgId } from '../domain/ids.ts';
import { testDialects } from '../../test/helpers/store.ts';
import { OPERATOR, freshStores, member, obj, put, share, uuid } from '../../test/helpers/stix-kit.ts';
import { STATUS_REPORT_TYPE } from '../stix/rampart-extension.ts';
import { electionStatusStore } from './elections.ts';
import { stateOfficeId } from './status-index.ts';
import type { Sharing } from './types.ts';

const ELECTION = 'x-rampart-election--00000000-0000-4000-8000-0000000000e1';
const county = (n: number) => `identity--c0000000-0000-4000-8000-0000000000${String(n).padStart(2, '0')}` as OrgId;
const WI = stateOfficeId('55') as OrgId;

function status(jurisdiction: OrgId, created: string, levels: Record<string, string>, sharing: Sharing, extra: { id?: string; modified?: string; revoked?: boolean } = {}) {
  const functions = Object.fromEntries(Object.entries(levels).map(([fn, level]) => [fn, { level }]));
  return obj({
    type: STATUS_REPORT_TYPE,
    ...(extra.id === undefined ? {} : { id: extra.id }),
    modified: extra.modified ?? created,
    ...(extra.revoked === undefined ? {} : { revoked: extra.revoked }),
    sharing,
    extra: { created, election_ref: ELECTION, jurisdiction_ref: jurisdiction, state_fips: '55', functions },
  });
}

describe.each(testDialects())('election status store on %s', (dialect) => {
  const fresh = freshStores(dialect);

  it('gives the newest report of each jurisdiction the reader may see, from the jurisdiction or its state office only', async () => {
    const { store } = await fresh();
    const repo = electionStatusStore(store.database);
    const toState = (owner: OrgId) => share(owner, 'amber', ['state:55']);
    const onlyOwn = (owner: OrgId) => share(owner, 'amber', [`org:${owner}`]);
    await put(store.stix, [
      status(county(1), '2026-11-03T13:00:00.000Z', { voting: 'normal' }, toState(county(1))),
      status(county(1), '2026-11-03T15:00:00.000Z', { voting: 'disrupted' }, toState(county(1))),
      // Newer, but kept to the county itself: a state reader sees the 15:00 one.
      status(county(1), '2026-11-03T16:00:00.000Z', { voting: 'degraded' }, onlyOwn(county(1))),
      // The state office reports for county 2 after a phone call: counted.
      status(county(2), '2026-11-03T14:00:00.000Z', { pollbooks: 'degraded' }, toState(WI)),
      // Someone else claims county 3 is normal: not counted.
      status(county(3), '2026-11-03T14:00:00.000Z', { voting: 'normal' }, toState(county(4))),
    ]);
    const stateReader = member(WI, ['community', `org:${WI}`, 'state:55']);
    const seen = await repo.latest(stateReader, ELECTION);
    expect(seen.map((e) => [e.jurisdictionRef, e.levels]).sort()).toEqual([
      [county(1), { voting: 'disrupted' }],
      [county(2), { pollbooks: 'degraded' }],
    ]);
    const own = await repo.latest(member(county(1), [`org:${county(1)}`]), ELECTION);
    expect(own.map((e) => e.levels)).toEqual([{ voting: 'degraded' }]);
    expect(await repo.latest(member(county(9), ['community']), ELECTION)).toEqual([]);
    // An election nobody reported on yet: nothing, for a member as for the operator.
    const none = 'x-rampart-election--00000000-0000-4000-8000-0000000000e2';
    expect(await repo.latest(stateReader, none)).toEqual([]);
    expect(await repo.latest(OPERATOR, none)).toEqual([]);
    // Only some jurisdictions, as the posting screen asks for its own.
    expect((await repo.latest(stateReader, ELECTION, [county(1), county(3)])).map((e) => e.levels)).toEqual([{ voting: 'disrupted' }]);
    expect((await repo.latest(OPERATOR, ELECTION, [county(2)])).map((e) => e.jurisdictionRef)).toEqual([county(2)]);
  });

  it('never dates a report later than it arrived, and follows new versions, revocations and replaced bytes', async () => {
    const { store } = await fresh();
    const repo = electionStatusStore(store.database);
    const sharing = share(county(1), 'amber', ['state:55']);
    const id = `${STATUS_REPORT_TYPE}--${uuid()}`;
    await put(store.stix, [status(county(1), '2099-01-01T00:00:00.000Z', { voting: 'normal' }, sharing, { id })]);
    const [future] = await repo.latest(OPERATOR, ELECTION);
    expect(future?.reportedUs).toBeLessThan(Date.parse('2099-01-01T00:00:00.000Z') * 1000);
    expect(future?.reportedUs).toBe(future?.addedUs);

    await put(store.stix, [status(county(1), '2026-11-03T12:00:00.000Z', { voting: 'degraded' }, sharing, { id, modified: '2099-01-02T00:00:00.000Z' })]);
    expect((await repo.latest(OPERATOR, ELECTION)).map((e) => e.levels)).toEqual([{ voting: 'degraded' }]);
    await put(store.stix, [status(county(1), '2026-11-03T12:00:00.000Z', { voting: 'disrupted' }, sharing, { id, modified: '2099-01-02T00:00:00.000Z' })], 'replace');
    expect((await repo.latest(OPERATOR, ELECTION)).map((e) => e.levels)).toEqual([{ voting: 'disrupted' }]);
    const { rows } = await store.database.db.withTables<{ status_report: { added_us: number } }>().selectFrom('status_report').select('added_us').execute().then((r) => ({ rows: r }));
    expect(rows).toHaveLength(2);
    await put(store.stix, [status(county(1), '2026-11-03T12:00:00.000Z', { voting: 'disrupted' }, sharing, { id, modified: '2099-01-03T00:00:00.000Z', revoked: true })]);
    expect(await repo.latest(OPERATOR, ELECTION)).toEqual([]);
  });

  it('lists the timeline newest first and keeps expectations per state', async () => {
    const { store } = await fresh();
    const repo = electionStatusStore(store.database);
    const sharing = (owner: OrgId) => share(owner, 'amber', ['state:55']);
    await put(store.stix, [
      status(county(1), '2026-11-03T13:00:00.000Z', { voting: 'normal' }, sharing(county(1))),
      status(county(2), '2026-11-03T14:00:00.000Z', { voting: 'normal' }, sharing(county(2))),
      status(county(1), '2026-11-03T15:00:00.000Z', { voting: 'degraded' }, sharing(county(1))),
    ]);
    const all = await repo.timeline(OPERATOR, ELECTION, { limit: 10 });
    expect(all.map((e) => [e.jurisdictionRef, new Date(e.reportedUs / 1000).toISOString()])).toEqual([
      [county(1), '2026-11-03T15:00:00.000Z'],
      [county(2), '2026-11-03T14:00:00.000Z'],
      [county(1), '2026-11-03T13:00:00.000Z'],
    ]);
    const older = await repo.timeline(OPERATOR, ELECTION, { limit: 10, jurisdictions: [county(1)], beforeUs: all[0]?.reportedUs ?? 0 });
    expect(older.map((e) => e.levels)).toEqual([{ voting: 'normal' }]);

    await repo.setExpectation({ electionRef: ELECTION, stateFips: '55', jurisdictionRef: '', phase: 'election-day' }, { reportEveryMinutes: 60, declined: false, setBy: WI, setAtUs: 1 });
    await repo.setExpectation({ electionRef: ELECTION, stateFips: '55', jurisdictionRef: '', phase: 'election-day' }, { reportEveryMinutes: 30, declined: false, setBy: WI, setAtUs: 2 });
    expect((await repo.expectations(ELECTION)).map((e) => [e.stateFips, e.phase, e.reportEveryMinutes])).toEqual([['55', 'election-day', 30]]);
    await repo.setExpectation({ electionRef: ELECTION, stateFips: '55', jurisdictionRef: '', phase: 'election-day' }, null);
    expect(await repo.expectations(ELECTION)).toEqual([]);
  });
});
