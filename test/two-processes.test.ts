import { randomBytes } from 'node:crypto';
import { afterAll, describe, expect, it } from 'vitest';
import { openStore } from '../src/store/index.ts';
import { natsReachable, TEST_NATS_URL } from './helpers/alerts.ts';
import { incident, notificationWorld, type World } from './helpers/notifications.ts';
import { envWithout, startServe, stopServe, type ServedProcess } from './helpers/serve.ts';
import { testDatabase, testDialects, type TestDatabase } from './helpers/store.ts';

// Issue 9, "Deployment beyond one machine": two `rampart serve` processes (the built dist/) on one PostgreSQL and
// one NATS, as docs/deployment.md describes; whatever one process starts, the other continues.
const ENV = envWithout(['RAMPART_SECRET_KEY', 'RAMPART_NATS_URL', 'RAMPART_NATS_SUBJECT', 'RAMPART_TAXII_SECRET', 'RAMPART_SMTP_URL']);

const noNats = await natsReachable();
const noPostgres = testDialects().includes('postgres') ? null : 'RAMPART_TEST_DATABASE_URL is not set';
const skip = noPostgres ?? noNats;
if (skip !== null) console.warn(`\n!!!!! SKIPPING the two-server-process deployment test (PostgreSQL and NATS): ${skip} (.ci/run starts both) !!!!!\n`);

const TAXII = 'application/taxii+json;version=2.1';

describe.skipIf(skip !== null)('two server processes on one PostgreSQL and NATS', () => {
  // Made when the test runs, not when the block is collected: without RAMPART_TEST_DATABASE_URL it is skipped.
  let db: TestDatabase | undefined;
  const servers: ServedProcess[] = [];
  // A graceful stop (SIGTERM) ends within the grace period even when a live-feed connection lingers (src/http/server.ts).
  afterAll(async () => {
    await Promise.all(servers.map((s) => stopServe(s)));
    await db?.drop();
  }, 180_000);

  it('a session, TAXII next tokens, the live feed and an import started on one process work on the other', async () => {
    db = testDatabase('postgres');
    const store = await openStore({ url: db.url });
    let world: World;
    try {
      world = await notificationWorld(store);
    } finally {
      await store.close();
    }
    // What docs/deployment.md asks every process to share: the server key, the TAXII paging secret, NATS.
    const env = {
      RAMPART_SECRET_KEY: randomBytes(32).toString('hex'),
      RAMPART_TAXII_SECRET: randomBytes(32).toString('hex'),
      RAMPART_NATS_URL: TEST_NATS_URL,
      // A subject of this test alone: other tests on the same NATS server do not wake these feeds.
      RAMPART_NATS_SUBJECT: `rampart.test.${randomBytes(4).toString('hex')}`,
    };
    const a = await startServe({ db: db.url, env: { ...ENV, ...env } });
    servers.push(a);
    const b = await startServe({ db: db.url, env: { ...ENV, ...env } });
    servers.push(b);
    const county = { authorization: `Bearer ${world.keys.county}` };
    const state = { authorization: `Bearer ${world.keys.state}` };

    // A session signed in on A works on B, and signing out on B ends it on A.
    const signedIn = await fetch(`${a.url}/api/v1/session`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ email: world.emails.state, password: 'correct horse battery staple' }) });
    expect(signedIn.status).toBe(200);
    const cookie = (signedIn.headers.get('set-cookie') ?? '').split(';')[0] ?? '';
    expect(cookie).toMatch(/^rampart_session=./);
    const me = await fetch(`${b.url}/api/v1/me`, { headers: { cookie } });
    expect(me.status).toBe(200);
    expect(await me.json()).toMatchObject({ user: { email: world.emails.state } });

    // The live feed open on B hears of an incident the county stores through A.
    const controller = new AbortController();
    const live = await fetch(`${b.url}/api/v1/live`, { headers: { ...state, accept: 'text/event-stream' }, signal: controller.signal });
    expect(live.status).toBe(200);
    const reader: ReadableStreamDefaultReader<Uint8Array> | undefined = live.body?.getReader();
    if (reader === undefined) throw new Error('the live feed has no body');
    let streamed = '';
    const decoder = new TextDecoder();
    // The stream starts "now" once its first comment arrived; only then is the object stored.
    while (!streamed.includes('rampart live feed')) {
      const chunk = await reader.read();
      if (chunk.done) throw new Error(`the live feed ended: ${streamed}`);
      streamed += decoder.decode(chunk.value, { stream: true });
    }
    const posted: string[] = [];
    for (let i = 0; i < 3; i++) {
      const report = incident(`Two-process incident ${i}`);
      const res = await fetch(`${a.url}/api/v1/objects`, { method: 'POST', headers: { ...county, 'content-type': 'application/json' }, body: JSON.stringify({ object: report.object, tlp: 'amber', audience: ['state:55'] }) });
      expect(res.status).toBe(201);
      posted.push(report.id);
    }
    while (!posted.every((id) => streamed.includes(`"id":"${id}"`))) {
      const chunk = await reader.read();
      if (chunk.done) throw new Error(`the live feed ended before the objects arrived: ${streamed}`);
      streamed += decoder.decode(chunk.value, { stream: true });
    }
    controller.abort();
    await reader.cancel().catch(() => undefined);

    // TAXII paging: each page's next token, issued by one process, continues on the other.
    const seen: string[] = [];
    let next: string | undefined;
    let pages = 0;
    for (;;) {
      const on = pages % 2 === 0 ? a : b;
      const query = new URLSearchParams({ limit: '1', 'match[type]': 'incident', ...(next === undefined ? {} : { next }) });
      const page = await fetch(`${on.url}/taxii2/rampart/collections/state-55/objects/?${query.toString()}`, { headers: { ...state, accept: TAXII } });
      expect(page.status, await page.clone().text()).toBe(200);
      const body = (await page.json()) as { objects?: { id: string }[]; more?: boolean; next?: string };
      seen.push(...(body.objects ?? []).map((o) => o.id));
      pages += 1;
      if (body.more !== true) break;
      expect(typeof body.next).toBe('string');
      next = body.next;
    }
    expect(pages).toBeGreaterThanOrEqual(3);
    expect(seen).toEqual(expect.arrayContaining(posted));
    expect(new Set(seen).size).toBe(seen.length);

    // An import through A is readable through B.
    const imported = incident('Imported through the first process');
    const bundle = { type: 'bundle', id: `bundle--${crypto.randomUUID()}`, objects: [imported.object] };
    const upload = await fetch(`${a.url}/api/v1/import?tlp=amber&audience=state:55`, { method: 'POST', headers: { ...county, 'content-type': 'application/json' }, body: JSON.stringify(bundle) });
    expect(upload.status, await upload.clone().text()).toBe(200);
    const read = await fetch(`${b.url}/api/v1/objects/${imported.id}`, { headers: state });
    expect(read.status).toBe(200);
    expect(JSON.stringify(await read.json())).toContain('Imported through the first process');

    // Signing out on B ends the session A issued.
    const csrf = ((await (await fetch(`${a.url}/api/v1/me`, { headers: { cookie } })).json()) as { csrf_token?: string }).csrf_token ?? '';
    const out = await fetch(`${b.url}/api/v1/session`, { method: 'DELETE', headers: { cookie, 'x-csrf-token': csrf } });
    expect(out.status).toBeLessThan(300);
    expect((await fetch(`${a.url}/api/v1/me`, { headers: { cookie } })).status).toBe(401);
    expect(a.stderr() + b.stderr()).not.toMatch(/FATAL|Error:/);
  });
});
