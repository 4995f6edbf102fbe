import { sql } from 'kysely';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createApiKey } from '../src/accounts/api-keys.ts';
import { OPERATOR } from '../src/accounts/context.ts';
import { createOrganization, seedOrganizations } from '../src/accounts/organizations.ts';
import { createUser } from '../src/accounts/users.ts';
import type { OrgId } from '../src/domain/ids.ts';
import { composeHub, type Hub } from '../src/hub/compose.ts';
import { openStore, type RampartStore } from '../src/store/index.ts';
import { defaultPhases } from '../src/elections/service.ts';
import { importObjects } from '../src/ingest/import.ts';
import { ELECTION_TYPE, RAMPART_EXTENSION_ID } from '../src/stix/rampart-ids.ts';
import { tableRows, testDatabase, type TestDatabase } from './helpers/store.ts';
import { TEST_POLICY } from './helpers/accounts.ts';

const HUB = 'identity--cc8654b7-1ffc-487a-bf1c-ed29e18f0a33' as OrgId;
const IGNORE = { api_key: ['last_used_at'] };
type Who = 'county' | 'state' | 'federal' | 'otherState';

/** Elections and status through the composed hub: who records, who posts, who sees what in the roll-up. */
describe('election day over REST', () => {
  let db: TestDatabase;
  let store: RampartStore;
  let hub: Hub;
  let now = new Date('2026-11-03T15:00:00.000Z');
  const keys = {} as Record<Who, string>;
  const orgs = {} as Record<Who, OrgId>;
  let election = '';

  beforeAll(async () => {
    db = testDatabase('sqlite');
    store = await openStore({ url: db.url });
    hub = await composeHub({ store, hubOwner: HUB, authPolicy: TEST_POLICY, clock: { now: () => now } });
    const seeded = await seedOrganizations(store);
    if (!seeded.ok) throw new Error(seeded.error.message);
    const ctx = hub.auth.context;
    const made = await createOrganization(ctx, OPERATOR, { kind: 'local', name: 'Dane County Clerk (test)', state_fips: '55', county_fips: '55025' });
    if (!made.ok) throw new Error(made.error.message);
    orgs.county = made.value.id;
    const find = async (pred: (o: { kind: string; state_fips: string | null; short_name: string | null }) => boolean) => {
      const found = (await ctx.accounts.listOrganizations()).find(pred);
      if (found === undefined) throw new Error('seed is missing an organization');
      return found.id;
    };
    orgs.state = await find((o) => o.kind === 'state' && o.state_fips === '55');
    orgs.otherState = await find((o) => o.kind === 'state' && o.state_fips === '17');
    orgs.federal = await find((o) => o.kind === 'federal' && o.short_name === 'CISA');
    for (const who of ['county', 'state', 'federal', 'otherState'] as const) {
      const email = `${who}@election-day.example`;
      const user = await createUser(ctx, OPERATOR, { email, name: who, role: 'org-admin', password: 'correct horse battery staple', org_id: orgs[who] });
      if (!user.ok) throw new Error(user.error.message);
      const row = await ctx.accounts.userByEmail(email);
      if (row === null) throw new Error('no user');
      const key = await createApiKey(ctx, OPERATOR, row, { name: 'test', scope: 'write' });
      if (!key.ok) throw new Error(key.error.message);
      keys[who] = key.value.key;
    }
  });
  afterAll(async () => {
    await hub.app.close();
    await store.close();
    await db.drop();
  });

  const call = (who: Who, method: 'GET' | 'POST' | 'PUT', url: string, payload?: unknown) =>
    hub.app.inject({ method, url, headers: { authorization: `Bearer ${keys[who]}` }, ...(payload === undefined ? {} : { payload: payload as Record<string, unknown> }) });

  it('lets a state record its own election, and no one else’s', async () => {
    const mine = await call('state', 'POST', '/api/v1/elections', { name: 'General election (test)', election_type: 'general', election_date: '2026-11-03', state_fips: ['55'] });
    expect(mine.statusCode, mine.body).toBe(201);
    election = mine.json<{ object: { id: string } }>().object.id;
    const wide = await call('state', 'POST', '/api/v1/elections', { name: 'Two states', election_date: '2026-11-03', state_fips: ['55', '17'] });
    expect([wide.statusCode, wide.json<{ code: string }>().code]).toEqual([403, 'not-your-election']);
    const county = await call('county', 'POST', '/api/v1/elections', { name: 'County', election_date: '2026-11-03', state_fips: ['55'] });
    expect(county.statusCode).toBe(403);
    const list = await call('county', 'GET', '/api/v1/elections');
    expect(list.json<{ items: { id: string; phase: string | null }[] }>().items).toEqual([expect.objectContaining({ id: election, phase: 'election-day' })]);
  });

  it('starts with every jurisdiction as no-report and every question unknown', async () => {
    const res = await call('state', 'GET', `/api/v1/elections/${election}/rollup`);
    expect(res.statusCode, res.body).toBe(200);
    const body = res.json<{ counts: Record<string, number>; questions: Record<string, { answer: string; silent: number }> }>();
    expect(body.counts).toMatchObject({ normal: 0, 'no-report': 2 });
    expect(body.questions['voting']).toMatchObject({ answer: 'unknown', silent: 2 });
  });

  it('refuses a bad status on the posting route, naming the field, storing nothing', async () => {
    const before = await tableRows(store.database, IGNORE);
    const res = await call('county', 'POST', `/api/v1/elections/${election}/status`, { functions: { voting: { level: 'fine' } } });
    expect(res.statusCode).toBe(422);
    expect(res.json<{ errors: { path: string; code: string }[] }>().errors).toEqual([expect.objectContaining({ path: '$.functions.voting.level', code: 'unknown-status-level' })]);
    const empty = await call('county', 'POST', `/api/v1/elections/${election}/status`, { functions: {} });
    expect(empty.json<{ errors: { path: string; code: string }[] }>().errors).toEqual([expect.objectContaining({ path: '$.functions', code: 'no-functions' })]);
    expect(await tableRows(store.database, IGNORE)).toEqual(before);
  });

  it('shares a county status TLP:AMBER with its state; the roll-up, state view and timeline follow', async () => {
    const all = (level: string) => Object.fromEntries(['voter-registration', 'candidate-ballot-management', 'ballot-delivery', 'pollbooks', 'ballot-marking', 'voting', 'vote-counting', 'tallying', 'results-reporting', 'canvass-certification', 'audits', 'election-communications'].map((f) => [f, { level }]));
    const posted = await call('county', 'POST', `/api/v1/elections/${election}/status`, { functions: all('normal') });
    expect(posted.statusCode, posted.body).toBe(201);
    expect(posted.json<{ sharing: unknown }>().sharing).toEqual({ owner: orgs.county, tlp: 'amber', audience: ['state:55'] });
    now = new Date('2026-11-03T15:30:00.000Z');
    const worse = await call('county', 'POST', `/api/v1/elections/${election}/status`, { functions: { ...all('normal'), pollbooks: { level: 'disrupted', note: 'E-pollbooks down at 3 sites', contingencies: ['paper-pollbooks'] } } });
    expect(worse.statusCode).toBe(201);

    const mine = await call('county', 'GET', `/api/v1/elections/${election}/my-status`);
    expect(mine.json<{ last: { functions: Record<string, unknown> } }>().last.functions['pollbooks']).toEqual({ level: 'disrupted', note: 'E-pollbooks down at 3 sites', contingencies: ['paper-pollbooks'] });

    const state = await call('state', 'GET', `/api/v1/elections/${election}/rollup/55`);
    const view = state.json<{ jurisdictions: { id: string; level: string; reported_at: string | null; details: unknown }[]; questions: Record<string, { answer: string; reports: string[] }> }>();
    expect(view.jurisdictions.map((j) => [j.id, j.level, j.reported_at])).toEqual([
      [orgs.state, 'no-report', null],
      [orgs.county, 'disrupted', '2026-11-03T15:30:00.000000Z'],
    ]);
    // The county's own words for what is not normal, from the report counted; none for a jurisdiction without one.
    expect(view.jurisdictions.map((j) => j.details)).toEqual([{}, { pollbooks: { note: 'E-pollbooks down at 3 sites', contingencies: ['paper-pollbooks'] } }]);
    expect(view.questions['voting']?.answer).toBe('yes');
    expect(view.questions['counting']?.answer).toBe('unknown');

    // CISA was not shared the county's report: for it the county is silent, never normal.
    const federal = await call('federal', 'GET', `/api/v1/elections/${election}/rollup`);
    expect(federal.statusCode, federal.body).toBe(404);

    const timeline = await call('state', 'GET', `/api/v1/elections/${election}/timeline?state=55`);
    const items = timeline.json<{ items: { jurisdiction_ref: string; worst: string; changes: { function: string; from: string | null; to: string }[] }[] }>().items;
    expect(items.map((i) => [i.worst, i.changes.length])).toEqual([
      ['disrupted', 1],
      ['normal', 12],
    ]);
    expect(items[0]?.changes).toEqual([{ function: 'pollbooks', from: 'normal', to: 'disrupted' }]);

    // Each status shared is in the county's audit trail, as any object shared through /api/v1/objects is.
    const { rows } = await sql<{ object_id: string }>`select object_id from audit_entry where action = 'share' and actor_org = ${orgs.county}`.execute(store.database.db);
    expect(rows.map((r) => r.object_id)).toEqual(expect.arrayContaining([posted.json<{ object: { id: string } }>().object.id, worse.json<{ object: { id: string } }>().object.id]));
  });

  it('shows a state its expectations per phase and jurisdiction, and refuses another state’s county or a phase the election lacks', async () => {
    type View = { can_change: boolean; phases: { phase: string; election_minutes: number | null; state_minutes: number | null; minutes: number | null }[]; jurisdictions: { id: string; declined: boolean; phases: { phase: string; own_minutes: number | null; minutes: number | null; source: string }[] }[] };
    const read = async (who: Who) => {
      const res = await call(who, 'GET', `/api/v1/elections/${election}/expectations?state=55`);
      expect(res.statusCode, res.body).toBe(200);
      return res.json<View>();
    };
    const first = await read('state');
    expect(first.can_change).toBe(true);
    expect(first.phases.map((p) => [p.phase, p.election_minutes, p.state_minutes, p.minutes])).toEqual([
      ['early-voting', 1440, null, 1440],
      ['election-day', 120, null, 120],
      ['canvass', 1440, null, 1440],
    ]);
    // A county reads its state's expectations but may not change them.
    expect((await read('county')).can_change).toBe(false);

    const before = await tableRows(store.database, IGNORE);
    const foreign = await call('state', 'PUT', `/api/v1/elections/${election}/expectations`, { state_fips: '55', jurisdiction_ref: orgs.otherState, report_every_minutes: 30 });
    expect([foreign.statusCode, foreign.json<{ code: string }>().code]).toEqual([400, 'unknown-jurisdiction']);
    const phase = await call('state', 'PUT', `/api/v1/elections/${election}/expectations`, { state_fips: '55', phase: 'certification', report_every_minutes: 30 });
    expect([phase.statusCode, phase.json<{ errors: { path: string; code: string }[] }>().errors]).toEqual([400, [expect.objectContaining({ path: '$.phase', code: 'phase-not-in-election' })]]);
    expect(await tableRows(store.database, IGNORE)).toEqual(before);

    const county = await call('state', 'PUT', `/api/v1/elections/${election}/expectations`, { state_fips: '55', jurisdiction_ref: orgs.county, phase: 'election-day', report_every_minutes: 45 });
    expect(county.statusCode, county.body).toBe(200);
    const after = await read('state');
    const dane = after.jurisdictions.find((j) => j.id === orgs.county);
    expect(dane?.phases.find((p) => p.phase === 'election-day')).toEqual({ phase: 'election-day', own_minutes: 45, minutes: 45, source: 'jurisdiction' });
    expect(after.jurisdictions.find((j) => j.id === orgs.state)?.phases.find((p) => p.phase === 'election-day')).toMatchObject({ minutes: 120, source: 'rampart' });
    const rollup = await call('state', 'GET', `/api/v1/elections/${election}/rollup/55`);
    expect(rollup.json<{ jurisdictions: { id: string; every_minutes: number }[] }>().jurisdictions.find((j) => j.id === orgs.county)?.every_minutes).toBe(45);
    // The expectations list the jurisdictions in the roll-up's order: the state office first, then its local offices by name.
    expect(after.jurisdictions.map((j) => j.id)).toEqual(rollup.json<{ jurisdictions: { id: string }[] }>().jurisdictions.map((j) => j.id));
    expect(after.jurisdictions[0]?.id).toBe(orgs.state);
    // Back to the state's interval.
    const reset = await call('state', 'PUT', `/api/v1/elections/${election}/expectations`, { state_fips: '55', jurisdiction_ref: orgs.county, phase: 'election-day', report_every_minutes: null });
    expect(reset.statusCode).toBe(200);
    expect((await read('state')).jurisdictions.find((j) => j.id === orgs.county)?.phases.find((p) => p.phase === 'election-day')?.source).toBe('rampart');
    const federal = await call('federal', 'GET', `/api/v1/elections/${election}/expectations?state=55`);
    expect(federal.statusCode).toBe(404);
    const absent = await call('state', 'GET', `/api/v1/elections/${election}/expectations?state=17`);
    expect([absent.statusCode, absent.json<{ code: string }>().code]).toEqual([404, 'state-not-in-election']);
    const malformed = await call('state', 'GET', `/api/v1/elections/${election}/expectations?state=5`);
    expect(malformed.statusCode).toBe(400);
  });

  it('lets only the state office set how its jurisdictions report, and a decline takes them out', async () => {
    const county = await call('county', 'PUT', `/api/v1/elections/${election}/expectations`, { state_fips: '55', declined: true });
    expect(county.statusCode).toBe(403);
    const other = await call('otherState', 'PUT', `/api/v1/elections/${election}/expectations`, { state_fips: '17', report_every_minutes: 60 });
    expect(other.statusCode).toBe(404);
    // Reports older than the state's 20-minute interval are overdue.
    const every = await call('state', 'PUT', `/api/v1/elections/${election}/expectations`, { state_fips: '55', phase: 'election-day', report_every_minutes: 20 });
    expect(every.statusCode, every.body).toBe(200);
    now = new Date('2026-11-03T16:00:00.000Z');
    const stale = await call('state', 'GET', `/api/v1/elections/${election}/rollup/55`);
    expect(stale.json<{ jurisdictions: { level: string; stale: boolean }[] }>().jurisdictions.map((j) => [j.level, j.stale])).toEqual([
      ['no-report', false],
      ['disrupted', true],
    ]);
    const declined = await call('state', 'PUT', `/api/v1/elections/${election}/expectations`, { state_fips: '55', declined: true });
    expect(declined.statusCode).toBe(200);
    const after = await call('state', 'GET', `/api/v1/elections/${election}/rollup`);
    const body = after.json<{ counts: Record<string, number>; states: { declined: boolean }[]; questions: Record<string, { answer: string }> }>();
    expect([body.states[0]?.declined, body.counts['no-report'], body.questions['voting']?.answer]).toEqual([true, 0, 'unknown']);
  });

  it('says who recorded each election: a member organization by name, or the hub itself (its administrators) for one the hub owns', async () => {
    // What `rampart election add` records: owned by the hub's own identity, which is no member organization.
    const national = { type: ELECTION_TYPE, spec_version: '2.1', id: 'x-rampart-election--0d7c9f3e-6a1b-4c2d-8e5f-1a2b3c4d5e6f', created: '2026-10-01T00:00:00.000Z', modified: '2026-10-01T00:00:00.000Z', extensions: { [RAMPART_EXTENSION_ID]: { extension_type: 'new-sdo' } }, name: 'National (test)', election_date: '2026-11-03', state_fips: ['55', '17'], phases: defaultPhases('2026-11-03') };
    const imported = await importObjects(store.stix, [JSON.stringify(national)], { hubOwner: HUB, tlp: 'green', audience: ['community'] });
    expect(imported).toMatchObject({ ok: true, value: { added: 1 } });
    const items = (await call('county', 'GET', '/api/v1/elections')).json<{ items: { id: string; owner: string; owner_name: string | null; owner_is_hub: boolean }[] }>().items;
    expect(items.find((e) => e.id === national.id)).toMatchObject({ owner: HUB, owner_name: null, owner_is_hub: true });
    expect(items.find((e) => e.id === election)).toMatchObject({ owner: orgs.state, owner_name: expect.stringContaining('Wisconsin') as unknown, owner_is_hub: false });
  });
});
