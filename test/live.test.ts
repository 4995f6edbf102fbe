import { randomBytes } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { createApiKey, revokeApiKey } from '../src/accounts/api-keys.ts';
import { OPERATOR } from '../src/accounts/context.ts';
import { createOrganization, seedOrganizations } from '../src/accounts/organizations.ts';
import { createUser } from '../src/accounts/users.ts';
import { natsBus, type ChangeBus } from '../src/alerts/bus.ts';
import { parseResumeId } from '../src/alerts/feed.ts';
import { natsReachable, TEST_NATS_URL } from './helpers/alerts.ts';
import type { OrgId } from '../src/domain/ids.ts';
import { composeHub, type Hub } from '../src/hub/compose.ts';
import { openStore, type RampartStore } from '../src/store/index.ts';
import type { DialectName } from '../src/store/db.ts';
import { testDatabase, testDialects, type TestDatabase } from './helpers/store.ts';
import { openSse, type SseStream } from './helpers/sse.ts';
import { obj, put, share } from './helpers/stix-kit.ts';
import { TEST_POLICY } from './helpers/accounts.ts';

const HUB = 'identity--cc8654b7-1ffc-487a-bf1c-ed29e18f0a33' as OrgId;
type Who = 'county' | 'state' | 'outsider';

interface World {
  readonly orgs: Record<Who, OrgId>;
  /** API keys: the county writes; the state and the outsider read with read-scoped keys. */
  readonly keys: Record<Who, string>;
  readonly users: Record<Who, string>;
}

/** A Wisconsin county clerk, the Wisconsin state office, and Illinois's state office as the outsider. */
async function populate(hub: Hub, store: RampartStore): Promise<World> {
  const seeded = await seedOrganizations(store);
  if (!seeded.ok) throw new Error(seeded.error.message);
  const ctx = hub.auth.context;
  const made = await createOrganization(ctx, OPERATOR, { kind: 'local', name: 'Birch Falls Town Clerk (fictional)', state_fips: '55' });
  if (!made.ok) throw new Error(made.error.message);
  const wisconsin = (await ctx.accounts.listOrganizations({ stateFips: '55' })).find((o) => o.kind === 'state');
  const illinois = (await ctx.accounts.listOrganizations({ stateFips: '17' })).find((o) => o.kind === 'state');
  if (wisconsin === undefined || illinois === undefined) throw new Error('seed is missing a state');
  const orgs: Record<Who, OrgId> = { county: made.value.id, state: wisconsin.id, outsider: illinois.id };
  const keys: Record<Who, string> = { county: '', state: '', outsider: '' };
  const users: Record<Who, string> = { county: '', state: '', outsider: '' };
  for (const who of ['county', 'state', 'outsider'] as const) {
    const email = `${who}@live-test.example`;
    const user = await createUser(ctx, OPERATOR, { email, name: who, role: 'analyst', password: 'correct horse battery staple', org_id: orgs[who] });
    if (!user.ok) throw new Error(user.error.message);
    const row = await ctx.accounts.userByEmail(email);
    if (row === null) throw new Error('user not stored');
    users[who] = row.id;
    const key = await createApiKey(ctx, OPERATOR, row, { name: 'live', scope: who === 'county' ? 'write' : 'read' });
    if (!key.ok) throw new Error(key.error.message);
    keys[who] = key.value.key;
  }
  return { orgs, keys, users };
}

let serial = 0;
function indicator(name: string): { id: string; object: Record<string, unknown> } {
  const id = `indicator--${randomBytes(4).toString('hex')}-0000-4000-8000-${(++serial).toString(16).padStart(12, '0')}`;
  const object = { type: 'indicator', spec_version: '2.1', id, created: '2026-11-02T10:00:00.000Z', modified: '2026-11-02T10:00:00.000Z', name, pattern: "[ipv4-addr:value = '203.0.113.77']", pattern_type: 'stix', valid_from: '2026-11-02T10:00:00Z' };
  return { id, object };
}

async function post(hub: Hub, key: string, object: Record<string, unknown>, tlp: string, audience: readonly string[]): Promise<void> {
  const res = await hub.app.inject({ method: 'POST', url: '/api/v1/objects', headers: { authorization: `Bearer ${key}` }, payload: { object, tlp, audience } });
  if (res.statusCode !== 201) throw new Error(`post ${tlp} ${audience.join(',')}: ${res.statusCode} ${res.body}`);
}

const bearer = (key: string) => ({ authorization: `Bearer ${key}` });
const idsOf = (s: SseStream) => s.objects().map((o) => o.id);

describe.each(testDialects())('live feed on %s', (dialect) => {
  let db: TestDatabase;
  let store: RampartStore;
  let hub: Hub;
  let world: World;
  let base: string;

  beforeAll(async () => {
    db = testDatabase(dialect);
    store = await openStore({ url: db.url });
    hub = await composeHub({ store, hubOwner: HUB, authPolicy: TEST_POLICY, live: { maxPerPrincipal: 3, heartbeatMs: 200 } });
    world = await populate(hub, store);
    base = `${await hub.app.listen({ port: 0, host: '127.0.0.1' })}/api/v1/live`;
  });
  afterAll(async () => {
    await hub.app.close();
    await store.close();
    await db.drop();
  });

  it('streams to each reader exactly what the sharing rule lets it see, in added order', async () => {
    const streams = {
      county: await openSse(base, bearer(world.keys.county)),
      state: await openSse(base, bearer(world.keys.state)),
      outsider: await openSse(base, bearer(world.keys.outsider)),
      public: await openSse(base),
    };
    try {
      for (const s of Object.values(streams)) {
        expect(s.status, s.body).toBe(200);
        expect(s.contentType).toMatch(/^text\/event-stream/);
      }
      const toState = indicator('amber to Wisconsin');
      const community = indicator('green to the community');
      const strictOutsider = indicator('amber+strict to Illinois');
      const redStateUser = indicator('red to one Wisconsin analyst');
      const clear = indicator('clear to the public');
      const outsiderOwn = indicator('Illinois keeps to itself');
      const sentinel = indicator('sentinel');
      await post(hub, world.keys.county, toState.object, 'amber', ['state:55']);
      await post(hub, world.keys.county, community.object, 'green', ['community']);
      await post(hub, world.keys.county, strictOutsider.object, 'amber+strict', [`org:${world.orgs.outsider}`]);
      await post(hub, world.keys.county, redStateUser.object, 'red', [`user:${world.users.state}`]);
      await post(hub, world.keys.county, clear.object, 'clear', ['public']);
      const outsiderWriter = await hub.auth.context.accounts.userByEmail('outsider@live-test.example');
      if (outsiderWriter === null) throw new Error('no outsider user');
      const writeKey = await createApiKey(hub.auth.context, OPERATOR, outsiderWriter, { name: 'write', scope: 'write' });
      if (!writeKey.ok) throw new Error(writeKey.error.message);
      await post(hub, writeKey.value.key, outsiderOwn.object, 'amber', ['state:17']);
      await post(hub, world.keys.county, sentinel.object, 'clear', ['public']);

      // Events arrive in added order, so once the sentinel is in, everything before it is too.
      for (const [name, s] of Object.entries(streams)) await s.until(() => idsOf(s).includes(sentinel.id), `the sentinel on ${name}`);
      expect(idsOf(streams.county)).toEqual([toState.id, community.id, strictOutsider.id, redStateUser.id, clear.id, sentinel.id]);
      expect(idsOf(streams.state)).toEqual([toState.id, community.id, redStateUser.id, clear.id, sentinel.id]);
      expect(idsOf(streams.outsider)).toEqual([community.id, strictOutsider.id, clear.id, outsiderOwn.id, sentinel.id]);
      expect(idsOf(streams.public)).toEqual([clear.id, sentinel.id]);

      const first = streams.state.objects()[0];
      expect(first).toMatchObject({ type: 'indicator', name: 'amber to Wisconsin', tlp: 'amber', owner: world.orgs.county, owner_name: 'Birch Falls Town Clerk (fictional)', change: 'stored', revoked: false });
      // Ids are resume points on the store's log, never going back; a reconnect with the first one resumes after it.
      const ids = streams.state.frames.map((f) => f.id ?? '');
      const points = ids.map((id) => parseResumeId(id));
      expect(points.every((p) => p !== null)).toBe(true);
      const throughs = points.map((p) => p?.through ?? 0);
      expect([...throughs].sort((x, y) => x - y)).toEqual(throughs);
      const resumed = await openSse(base, { ...bearer(world.keys.state), 'last-event-id': String(ids[0]) });
      const byQuery = await openSse(`${base}?last_event_id=${ids[2]}`, bearer(world.keys.state));
      try {
        await resumed.until(() => idsOf(resumed).includes(sentinel.id), 'the resumed stream to catch up');
        expect(idsOf(resumed)).toEqual([community.id, redStateUser.id, clear.id, sentinel.id]);
        await byQuery.until(() => idsOf(byQuery).includes(sentinel.id), 'the stream resumed by query to catch up');
        expect(idsOf(byQuery)).toEqual([clear.id, sentinel.id]);
      } finally {
        await Promise.all([resumed.close(), byQuery.close()]);
      }
    } finally {
      await Promise.all(Object.values(streams).map((s) => s.close()));
    }
  });

  it('after a narrowing re-share, the reader who lost the object hears nothing more of it; the one who keeps it gets its new version', async () => {
    const shared = indicator('shared with Wisconsin and Illinois');
    const state = await openSse(base, bearer(world.keys.state));
    const outsider = await openSse(base, bearer(world.keys.outsider));
    try {
      await post(hub, world.keys.county, shared.object, 'amber', ['state:55', `org:${world.orgs.outsider}`]);
      await state.until(() => idsOf(state).includes(shared.id), 'the state to see it');
      await outsider.until(() => idsOf(outsider).includes(shared.id), 'the outsider to see it');

      const narrowed = await hub.app.inject({ method: 'PUT', url: `/api/v1/objects/${shared.id}/sharing`, headers: bearer(world.keys.county), payload: { audience: ['state:55'] } });
      expect(narrowed.statusCode, narrowed.body).toBe(200);
      // Wait for the re-share to reach the stream before the next version: under load one round could carry both, and the reader would get only the newer.
      await state.until(() => state.objects().some((o) => o.id === shared.id && o.change === 'reshared'), 'the re-share on the state stream');
      await post(hub, world.keys.county, { ...shared.object, modified: '2026-11-02T11:00:00.000Z', name: 'shared, second version' }, 'amber', ['state:55']);
      const sentinel = indicator('sentinel after narrowing');
      await post(hub, world.keys.county, sentinel.object, 'green', ['community']);
      await state.until(() => idsOf(state).includes(sentinel.id), 'the sentinel on the state stream');
      await outsider.until(() => idsOf(outsider).includes(sentinel.id), 'the sentinel on the outsider stream');

      expect(state.objects().filter((o) => o.id === shared.id).map((o) => [o.change, o.name])).toEqual([
        ['stored', 'shared with Wisconsin and Illinois'],
        ['reshared', 'shared with Wisconsin and Illinois'],
        ['stored', 'shared, second version'],
      ]);
      expect(outsider.objects().filter((o) => o.id === shared.id).map((o) => o.change)).toEqual(['stored']);
    } finally {
      await Promise.all([state.close(), outsider.close()]);
    }
  });

  it('a reconnect with Last-Event-ID reports, once, an object re-shared to its reader while it was away; nothing of one narrowed away from it', async () => {
    const widened = indicator('kept by the county, then shared with Wisconsin');
    const narrowed = indicator('shared with Wisconsin, then kept by the county');
    const before = indicator('sentinel before the reconnect');
    const after = indicator('sentinel after the reconnect');
    const last = indicator('sentinel on the second reconnect');
    const reshare = async (id: string, audience: readonly string[]) => {
      const res = await hub.app.inject({ method: 'PUT', url: `/api/v1/objects/${id}/sharing`, headers: bearer(world.keys.county), payload: { audience } });
      expect(res.statusCode, res.body).toBe(200);
    };
    const state = await openSse(base, bearer(world.keys.state));
    const outsider = await openSse(base, bearer(world.keys.outsider));
    let stateId: string | null = null;
    let outsiderId: string | null = null;
    try {
      await post(hub, world.keys.county, widened.object, 'amber', [`org:${world.orgs.county}`]);
      await post(hub, world.keys.county, narrowed.object, 'amber', ['state:55']);
      await post(hub, world.keys.county, before.object, 'green', ['community']);
      await state.until(() => idsOf(state).includes(before.id), 'the sentinel on the state stream');
      await outsider.until(() => idsOf(outsider).includes(before.id), 'the sentinel on the outsider stream');
      expect(idsOf(state)).toEqual([narrowed.id, before.id]);
      stateId = state.frames.at(-1)?.id ?? null;
      outsiderId = outsider.frames.at(-1)?.id ?? null;
    } finally {
      await Promise.all([state.close(), outsider.close()]);
    }
    if (stateId === null || outsiderId === null) throw new Error('no event id');

    // While both are away.
    await reshare(widened.id, ['state:55']);
    await reshare(narrowed.id, [`org:${world.orgs.county}`]);
    await post(hub, world.keys.county, after.object, 'green', ['community']);

    const back = await openSse(base, { ...bearer(world.keys.state), 'last-event-id': stateId });
    const outsiderBack = await openSse(`${base}?last_event_id=${outsiderId}`, bearer(world.keys.outsider));
    let backId: string | null = null;
    try {
      await back.until(() => idsOf(back).includes(after.id), 'the state to catch up');
      await outsiderBack.until(() => idsOf(outsiderBack).includes(after.id), 'the outsider to catch up');
      expect(back.objects().map((o) => [o.id, o.change, o.name])).toEqual([
        [widened.id, 'reshared', 'kept by the county, then shared with Wisconsin'],
        [after.id, 'stored', 'sentinel after the reconnect'],
      ]);
      expect(idsOf(outsiderBack)).toEqual([after.id]);
      const throughs = back.frames.map((f) => parseResumeId(f.id ?? '')?.through ?? -1);
      expect(throughs[0]).toBeGreaterThanOrEqual(parseResumeId(stateId)?.through ?? Infinity);
      expect([...throughs].sort((x, y) => x - y)).toEqual(throughs);
      backId = back.frames.at(-1)?.id ?? null;
    } finally {
      await Promise.all([back.close(), outsiderBack.close()]);
    }
    if (backId === null) throw new Error('no event id');

    // Reconnecting again from the last id it got: the re-share is not reported twice.
    const again = await openSse(base, { ...bearer(world.keys.state), 'last-event-id': backId });
    try {
      await post(hub, world.keys.county, last.object, 'green', ['community']);
      await again.until(() => idsOf(again).includes(last.id), 'the state to catch up again');
      expect(idsOf(again)).toEqual([last.id]);
    } finally {
      await again.close();
    }
  });

  it('checks the reader again before each round: a group left or a key revoked mid-stream stops what it no longer may see', async () => {
    const county = { orgId: world.orgs.county, userId: null };
    const state = { orgId: world.orgs.state, userId: null };
    const group = await hub.sharing.createGroup(county, `Live test group ${++serial}`);
    if (!group.ok) throw new Error(group.error.message);
    for (const step of [await hub.sharing.invite(county, group.value.id, world.orgs.state), await hub.sharing.answer(state, group.value.id, 'accepted')]) if (!step.ok) throw new Error(step.error.message);
    const stateUser = await hub.auth.context.accounts.userByEmail('state@live-test.example');
    if (stateUser === null) throw new Error('no state user');
    const doomed = await createApiKey(hub.auth.context, OPERATOR, stateUser, { name: 'revoked mid-stream', scope: 'read' });
    if (!doomed.ok) throw new Error(doomed.error.message);
    const member = await openSse(base, bearer(world.keys.state));
    const revoked = await openSse(base, bearer(doomed.value.key));
    try {
      const before = indicator('amber to the group, while the state is in it');
      await post(hub, world.keys.county, before.object, 'amber', [`group:${group.value.id}`]);
      await member.until(() => idsOf(member).includes(before.id), 'the member to see the group object');
      await revoked.until(() => idsOf(revoked).includes(before.id), 'the soon-revoked key to see it too');

      const left = await hub.sharing.leave(state, group.value.id);
      if (!left.ok) throw new Error(left.error.message);
      const gone = await revokeApiKey(hub.auth.context, OPERATOR, stateUser, doomed.value.view.id);
      if (!gone.ok) throw new Error(gone.error.message);
      const after = indicator('amber to the group, after the state left');
      const sentinel = indicator('sentinel after leaving');
      await post(hub, world.keys.county, after.object, 'amber', [`group:${group.value.id}`]);
      await post(hub, world.keys.county, sentinel.object, 'clear', ['public']);
      await member.until(() => idsOf(member).includes(sentinel.id), 'the sentinel on the stream that left the group');
      expect(idsOf(member)).not.toContain(after.id);
      await revoked.until(() => revoked.ended(), 'the stream of the revoked key to end');
      expect(idsOf(revoked)).toEqual([before.id]);
    } finally {
      await Promise.all([member.close(), revoked.close()]);
    }
  });

  it('ends at its next heartbeat a stream whose key was revoked without an access change, and sends what another program wrote straight into the database', async () => {
    const stateUser = await hub.auth.context.accounts.userByEmail('state@live-test.example');
    if (stateUser === null) throw new Error('no state user');
    const quiet = await createApiKey(hub.auth.context, OPERATOR, stateUser, { name: 'revoked quietly', scope: 'read' });
    if (!quiet.ok) throw new Error(quiet.error.message);
    const doomed = await openSse(base, bearer(quiet.value.key));
    const state = await openSse(base, bearer(world.keys.state));
    const outsider = await openSse(base, bearer(world.keys.outsider));
    try {
      expect([doomed.status, state.status, outsider.status]).toEqual([200, 200, 200]);
      // Each stream past its first read of the store (which would find the write below itself): a post every one of them gets.
      const opened = indicator('every stream has read the store once');
      await post(hub, world.keys.county, opened.object, 'green', ['community']);
      for (const s of [doomed, state, outsider]) await s.until(() => idsOf(s).includes(opened.id), 'the first post on every stream');
      // Through the store itself, not the hub: no change is announced.
      const direct = obj({ name: 'written by another program', sharing: share(world.orgs.county, 'amber', ['state:55']) });
      await put(store.stix, [direct]);
      await state.until(() => idsOf(state).includes(direct.id), 'the unannounced object on the state stream');
      await doomed.until(() => idsOf(doomed).includes(direct.id), 'the unannounced object on the stream of the key');
      expect((await hub.app.inject({ method: 'GET', url: '/metrics' })).body).toMatch(/^rampart_live_caught_up_versions_total [1-9]/m);
      const sentinel = indicator('sentinel after the unannounced write');
      await post(hub, world.keys.county, sentinel.object, 'clear', ['public']);
      await outsider.until(() => idsOf(outsider).includes(sentinel.id), 'the sentinel on the outsider stream');
      expect(idsOf(outsider)).toEqual([opened.id, sentinel.id]);

      // Revoked in the store itself: no access change is announced either.
      expect(await hub.auth.context.accounts.revokeApiKey(quiet.value.view.id, stateUser.id, Date.now())).toBe(true);
      await doomed.until(() => doomed.ended(), 'the stream of the quietly revoked key to end');
      expect(state.ended()).toBe(false);
    } finally {
      await Promise.all([doomed.close(), state.close(), outsider.close()]);
    }
  });

  it('refuses a bad Last-Event-ID, a revoked key, and a fourth stream for one principal (429), and counts open streams in /metrics', async () => {
    const bad = await openSse(base, { ...bearer(world.keys.state), 'last-event-id': 'yesterday' });
    expect([bad.status, JSON.parse(bad.body)]).toEqual([400, expect.objectContaining({ code: 'invalid-last-event-id' })]);
    const unknown = await openSse(base, bearer('rk_not_a_key'));
    expect([unknown.status, JSON.parse(unknown.body)]).toEqual([401, expect.objectContaining({ code: 'invalid-api-key' })]);

    const open = [await openSse(base, bearer(world.keys.outsider)), await openSse(base, bearer(world.keys.outsider)), await openSse(base, bearer(world.keys.outsider))];
    try {
      expect(open.map((s) => s.status)).toEqual([200, 200, 200]);
      const fourth = await openSse(base, bearer(world.keys.outsider));
      expect([fourth.status, JSON.parse(fourth.body)]).toEqual([429, expect.objectContaining({ code: 'too-many-live-connections' })]);
      const other = await openSse(base, bearer(world.keys.state));
      expect(other.status).toBe(200);
      const metrics = await hub.app.inject({ method: 'GET', url: '/metrics' });
      expect(metrics.body).toMatch(/^rampart_live_connections 4$/m);
      await other.close();
    } finally {
      await Promise.all(open.map((s) => s.close()));
    }
    // Closing frees the slots.
    for (let i = 0; i < 100 && !/^rampart_live_connections 0$/m.test((await hub.app.inject({ method: 'GET', url: '/metrics' })).body); i++) await new Promise((r) => setTimeout(r, 10));
    const again = await openSse(base, bearer(world.keys.outsider));
    expect(again.status).toBe(200);
    await again.close();
  });
});

describe('live feed stream lifetime', () => {
  it('ends a stream after its maximum age, so the client reconnects and signs in again', async () => {
    const db = testDatabase('sqlite');
    const store = await openStore({ url: db.url });
    const hub = await composeHub({ store, hubOwner: HUB, authPolicy: TEST_POLICY, live: { maxAgeMs: 150 } });
    try {
      const stream = await openSse(`${await hub.app.listen({ port: 0, host: '127.0.0.1' })}/api/v1/live`);
      expect(stream.status).toBe(200);
      await stream.until(() => stream.ended(), 'the stream to end');
      await stream.close();
    } finally {
      await hub.app.close();
      await store.close();
      await db.drop();
    }
  });
});

describe('live feed and the clocks of its process', () => {
  it('a stream opened after the wall clock moved ahead of the monotonic clock (a paused VM resumed, an NTP step) still gets what is stored', async () => {
    // The monotonic clock does not count a pause (nor follow a step of the wall clock): it lags the wall clock from then on.
    const monotonic = performance.now.bind(performance);
    const lagging = vi.spyOn(performance, 'now').mockImplementation(() => monotonic() - 120_000);
    const db = testDatabase('sqlite');
    const store = await openStore({ url: db.url });
    const hub = await composeHub({ store, hubOwner: HUB, authPolicy: TEST_POLICY });
    try {
      const world = await populate(hub, store);
      const stream = await openSse(`${await hub.app.listen({ port: 0, host: '127.0.0.1' })}/api/v1/live`, bearer(world.keys.state));
      try {
        expect(stream.status, stream.body).toBe(200);
        const report = indicator('stored after the clocks parted');
        await post(hub, world.keys.county, report.object, 'amber', ['state:55']);
        // Before the fix the store's added time lagged the stream's start by the pause: nothing came for two minutes.
        await stream.until(() => idsOf(stream).includes(report.id), 'the object on a stream opened after the clocks parted', 15_000);
        expect((parseResumeId(stream.frames[0]?.id ?? '')?.through ?? 0) / 1000).toBeGreaterThan(Date.now() - 60_000);
      } finally {
        await stream.close();
      }
    } finally {
      lagging.mockRestore();
      await hub.app.close();
      await store.close();
      await db.drop();
    }
  });
});

const noNats = await natsReachable();
if (noNats !== null) console.warn(`SKIPPING the two-process live feed test: ${noNats} (start nats-server, see .ci/run)`);

/**
 * Two hubs ("server processes") on one new database of `dialect`, their changes sent over one NATS subject, set up
 * before the describe block's tests and closed after them. `busOf` may change hub i's bus (lose some of its messages).
 */
function twoHubs(dialect: DialectName, live: { readonly heartbeatMs: number }, busOf: (i: number, nats: ChangeBus) => ChangeBus = (_i, nats) => nats): { readonly stores: RampartStore[]; readonly hubs: Hub[] } {
  let db: TestDatabase;
  const stores: RampartStore[] = [];
  const hubs: Hub[] = [];
  beforeAll(async () => {
    db = testDatabase(dialect);
    const subject = `rampart.test.${randomBytes(6).toString('hex')}`;
    for (let i = 0; i < 2; i++) {
      const store = await openStore({ url: db.url });
      stores.push(store);
      hubs.push(await composeHub({ store, hubOwner: HUB, authPolicy: TEST_POLICY, bus: busOf(i, await natsBus({ url: TEST_NATS_URL, subject })), live }));
    }
  });
  afterAll(async () => {
    for (const hub of hubs) await hub.app.close();
    for (const store of stores) await store.close();
    await db.drop();
  });
  return { stores, hubs };
}

describe.skipIf(noNats !== null).each(testDialects())('live feed across two server processes on %s (one database, NATS)', (dialect) => {
  // A long heartbeat: the change must arrive over NATS, not by the process's catch-up of lost changes (a scan every 40 s).
  const { stores, hubs } = twoHubs(dialect, { heartbeatMs: 600_000 });

  it('an object stored through hub A reaches a reader streaming from hub B; one not shared with that reader does not', async () => {
    const [a, b] = hubs;
    const [storeA] = stores;
    if (a === undefined || b === undefined || storeA === undefined) throw new Error('two hubs expected');
    const world = await populate(a, storeA);
    const streamB = await openSse(`${await b.app.listen({ port: 0, host: '127.0.0.1' })}/api/v1/live`, bearer(world.keys.state));
    try {
      expect(streamB.status, streamB.body).toBe(200);
      const report = indicator('stored through hub A');
      const hidden = indicator('not for Wisconsin');
      await post(a, world.keys.county, hidden.object, 'amber+strict', [`org:${world.orgs.outsider}`]);
      await post(a, world.keys.county, report.object, 'amber', ['state:55']);
      await streamB.until(() => idsOf(streamB).includes(report.id), 'the change from hub A on hub B');
      expect(idsOf(streamB)).toEqual([report.id]);
    } finally {
      await streamB.close();
    }
  });
});

describe.skipIf(noNats !== null).each(testDialects())('live feed across two server processes on %s: a re-share whose message is lost', (dialect) => {
  // A short heartbeat: the process's catch-up scans every half second. Hub A's `reshared` messages are lost on the way
  // (NATS reconnecting, a process restarting); its `stored` ones arrive.
  const { stores, hubs } = twoHubs(dialect, { heartbeatMs: 1_500 }, (i, nats) => (i === 0 ? { ...nats, publish: (change) => (change.kind === 'reshared' ? undefined : nats.publish(change)) } : nats));

  it('a reader streaming from hub B that gains an object by a re-share through hub A still gets it; a reader outside the new audience gets nothing of it', async () => {
    const [a, b] = hubs;
    const [storeA] = stores;
    if (a === undefined || b === undefined || storeA === undefined) throw new Error('two hubs expected');
    const world = await populate(a, storeA);
    const kept = indicator('kept by the county, then shared with Wisconsin');
    await post(a, world.keys.county, kept.object, 'amber', [`org:${world.orgs.county}`]);
    const base = `${await b.app.listen({ port: 0, host: '127.0.0.1' })}/api/v1/live`;
    const state = await openSse(base, bearer(world.keys.state));
    const outsider = await openSse(base, bearer(world.keys.outsider));
    try {
      expect([state.status, outsider.status]).toEqual([200, 200]);
      const widened = await a.app.inject({ method: 'PUT', url: `/api/v1/objects/${kept.id}/sharing`, headers: bearer(world.keys.county), payload: { audience: ['state:55'] } });
      expect(widened.statusCode, widened.body).toBe(200);
      // Only hub B's catch-up can bring it: no message names the re-share, and its version was stored before the streams opened.
      await state.until(() => state.objects().some((o) => o.id === kept.id), 'the re-shared object on the state stream of hub B');
      expect(state.objects().map((o) => [o.id, o.change])).toEqual([[kept.id, 'reshared']]);
      expect((await b.app.inject({ method: 'GET', url: '/metrics' })).body).toMatch(/^rampart_live_caught_up_reshares_total [1-9]/m);

      const sentinel = indicator('sentinel after the lost re-share');
      await post(a, world.keys.county, sentinel.object, 'green', ['community']);
      await outsider.until(() => idsOf(outsider).includes(sentinel.id), 'the sentinel on the outsider stream of hub B');
      await state.until(() => idsOf(state).includes(sentinel.id), 'the sentinel on the state stream of hub B');
      expect(idsOf(outsider)).toEqual([sentinel.id]);
      expect(idsOf(state)).toEqual([kept.id, sentinel.id]);
    } finally {
      await Promise.all([state.close(), outsider.close()]);
    }
  });
});
