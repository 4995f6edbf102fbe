import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Principal } from '../domain/principal.ts';
import { bearer, harness, ORG_A, type Harness } from '../../test/helpers/http.ts';
import { openStore, type RampartStore } from '../store/index.ts';
import { testDatabase, type TestDatabase } from '../../test/helpers/store.ts';
import { envCredentials } from './credentials.ts';
import { federation, type Federation } from './index.ts';
import { federationPlugin } from './routes.ts';

let db: TestDatabase;
let store: RampartStore;
let fed: Federation;
let h: Harness;
const admins = new Set<string>([ORG_A]);
// The server's environment as feeds see it: one usable secret, one missing its form.
const env: Record<string, string | undefined> = { STATE_HUB_KEY: 'bearer:k3y', PLAIN_KEY: 'k3y-without-form' };

beforeAll(async () => {
  db = testDatabase('sqlite');
  store = await openStore({ url: db.url });
  fed = federation({
    store,
    hubOwner: 'identity--0c000000-0000-4000-8000-00000000000c' as Principal['orgId'],
    clock: { now: () => new Date('2026-11-05T08:00:00.000Z') },
    isOrgAdmin: (p) => Promise.resolve(p.scope === 'write' && admins.has(p.orgId)),
    credentials: envCredentials(env),
    transport: { retry: { retries: 0 } },
  });
  h = await harness({ stix: store.stix, plugins: [federationPlugin(fed.routes)] });
});
afterAll(async () => {
  await h.close();
  await store.close();
  await db.drop();
});

const VALID = { name: 'State hub', url: 'https://state.example.gov/taxii2/', collection: 'community', direction: 'pull', credential_ref: 'env:STATE_HUB_KEY', interval_seconds: 900 };

async function post(key: string, payload: Record<string, unknown>) {
  return h.app.inject({ method: 'POST', url: '/api/v1/feeds', headers: bearer(key), payload });
}

describe('/api/v1/feeds', () => {
  it('refuses anyone who is not a signed-in org-admin with a write credential', async () => {
    expect((await h.app.inject({ method: 'GET', url: '/api/v1/feeds' })).statusCode).toBe(401);
    const notAdmin = await h.app.inject({ method: 'GET', url: '/api/v1/feeds', headers: bearer(h.b.writeKey) });
    expect([notAdmin.statusCode, notAdmin.json<{ code: string }>().code]).toEqual([403, 'org-admin-required']);
    const readKey = await post(h.a.readKey, VALID);
    expect([readKey.statusCode, readKey.json<{ code: string }>().code]).toEqual([403, 'insufficient-scope']);
  });

  it('refuses each bad registration with a precise code, storing nothing', async () => {
    const cases: [Record<string, unknown>, number, string][] = [
      [{ ...VALID, password: 'x' }, 400, 'invalid-request'],
      [{ ...VALID, credential_ref: 'hunter2' }, 400, 'invalid-request'],
      [{ ...VALID, direction: 'both' }, 400, 'invalid-request'],
      [{ ...VALID, interval_seconds: 5 }, 400, 'invalid-request'],
      [{ ...VALID, url: 'not a url' }, 400, 'invalid-feed-url'],
      [{ ...VALID, url: 'http://state.example.gov/taxii2/' }, 400, 'insecure-feed-url'],
      [{ ...VALID, audience: ['everyone'] }, 400, 'invalid-audience-key'],
      [{ ...VALID, direction: 'push' }, 400, 'push-audience-required'],
      [{ ...VALID, direction: 'push', audience: [`org:${ORG_A}`] }, 400, 'push-audience-too-wide'],
      [{ ...VALID, credential_ref: 'env:PLAIN_KEY' }, 400, 'credential-malformed'],
    ];
    for (const [payload, status, code] of cases) {
      const res = await post(h.a.writeKey, payload);
      expect([res.statusCode, res.json<{ code: string }>().code], JSON.stringify(payload)).toEqual([status, code]);
    }
    expect(await fed.repo.feeds()).toEqual([]);
  });

  it("registers, lists, runs and deletes a feed; another organization's feed is not found", async () => {
    const created = await post(h.a.writeKey, { ...VALID, url: 'http://127.0.0.1:9/taxii2/', audience: ['state:06'] });
    expect(created.statusCode).toBe(201);
    const feed = created.json<{ id: string; audience: string[]; last_status: null }>();
    expect(feed).toMatchObject({ audience: ['state:06'], last_status: null });
    const listed = await h.app.inject({ method: 'GET', url: '/api/v1/feeds', headers: bearer(h.a.writeKey) });
    expect(listed.json<{ feeds: { id: string }[] }>().feeds.map((f) => f.id)).toEqual([feed.id]);

    // Nothing listens on port 9: the run fails, is reported, and recorded on the feed.
    const ran = await h.app.inject({ method: 'POST', url: `/api/v1/feeds/${feed.id}/run`, headers: bearer(h.a.writeKey) });
    expect(ran.statusCode).toBe(200);
    expect(ran.json()).toMatchObject({ run: { status: 'error', code: 'taxii-network' }, feed: { last_status: 'error', last_run_at: '2026-11-05T08:00:00.000Z' } });

    // One feed with its refusals (none yet): its organization's admins only.
    const one = await h.app.inject({ method: 'GET', url: `/api/v1/feeds/${feed.id}`, headers: bearer(h.a.writeKey) });
    expect(one.json()).toMatchObject({ id: feed.id, refused: 0, refusals: [] });
    admins.add(h.b.orgId);
    const notTheirs = await h.app.inject({ method: 'GET', url: `/api/v1/feeds/${feed.id}`, headers: bearer(h.b.writeKey) });
    expect([notTheirs.statusCode, notTheirs.json<{ code: string }>().code]).toEqual([404, 'feed-not-found']);
    const theirs = await h.app.inject({ method: 'DELETE', url: `/api/v1/feeds/${feed.id}`, headers: bearer(h.b.writeKey) });
    expect([theirs.statusCode, theirs.json<{ code: string }>().code]).toEqual([404, 'feed-not-found']);
    expect((await h.app.inject({ method: 'POST', url: `/api/v1/feeds/${feed.id}/run`, headers: bearer(h.b.writeKey) })).statusCode).toBe(404);
    expect((await h.app.inject({ method: 'DELETE', url: '/api/v1/feeds/not-a-uuid', headers: bearer(h.a.writeKey) })).statusCode).toBe(400);

    expect((await h.app.inject({ method: 'DELETE', url: `/api/v1/feeds/${feed.id}`, headers: bearer(h.a.writeKey) })).statusCode).toBe(204);
    expect((await h.app.inject({ method: 'DELETE', url: `/api/v1/feeds/${feed.id}`, headers: bearer(h.a.writeKey) })).statusCode).toBe(404);
    expect(await fed.repo.feeds()).toEqual([]);
  });

  it('a credential variable in neither form is reported on the feed, naming the variable and the forms, without calling the remote', async () => {
    const created = await post(h.a.writeKey, { ...VALID, name: 'Misconfigured', url: 'http://127.0.0.1:9/taxii2/' });
    expect(created.statusCode).toBe(201);
    const feed = created.json<{ id: string }>();
    env['STATE_HUB_KEY'] = 'k3y-without-form';
    expect(await fed.credentialProblems()).toEqual([expect.objectContaining({ feed: expect.objectContaining({ id: feed.id }) as unknown, error: expect.objectContaining({ code: 'credential-malformed' }) as unknown })]);
    const ran = await h.app.inject({ method: 'POST', url: `/api/v1/feeds/${feed.id}/run`, headers: bearer(h.a.writeKey) });
    const body = ran.json<{ run: { status: string; code: string; message: string }; feed: { last_status: string; last_message: string } }>();
    // Not taxii-network: nothing was sent to the remote (port 9 would refuse the connection).
    expect(body.run).toMatchObject({ status: 'error', code: 'credential-malformed' });
    expect(body.feed.last_status).toBe('error');
    expect(body.feed.last_message).toContain('STATE_HUB_KEY');
    expect(body.feed.last_message).toContain('bearer:<api key> or basic:<user>:<password>');
    expect(body.feed.last_message).not.toContain('k3y');
    env['STATE_HUB_KEY'] = 'bearer:k3y';
    expect(await fed.credentialProblems()).toEqual([]);
    expect((await h.app.inject({ method: 'DELETE', url: `/api/v1/feeds/${feed.id}`, headers: bearer(h.a.writeKey) })).statusCode).toBe(204);
  });
});
