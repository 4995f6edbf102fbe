import Fastify, { type FastifyInstance } from 'fastify';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { taxiiClient, type TaxiiClient } from './client.ts';
import { pullPages, START, type PullPosition } from './pull.ts';
import { pushObjects } from './push.ts';
import { taxiiTransport, type TaxiiAuth } from './transport.ts';

/**
 * A small, real TAXII 2.1 server on 127.0.0.1 that misbehaves on purpose: flaky 503s, 429 with
 * Retry-After, pages without `next`, `next` tokens that expire, pending statuses. A test double for a remote.
 */
const MEDIA = 'application/taxii+json;version=2.1';
const COLLECTION = '91a7b528-80eb-42ed-a74d-c6fbd5a26116';

interface Remote {
  url: string;
  app: FastifyInstance;
  /** Failures still to serve before answering: 503s, then 429s with Retry-After: 1. */
  flaky: { s503: number; s429: number };
  mode: 'next' | 'no-next' | 'stuck';
  tokens: Map<string, number>;
  posted: string[][];
  requests: string[];
}

function object(i: number): Record<string, unknown> {
  const n = String(i).padStart(12, '0');
  return { type: 'indicator', spec_version: '2.1', id: `indicator--00000000-0000-4000-8000-${n}`, created: '2026-01-01T00:00:00.000Z', modified: '2026-01-01T00:00:00.000Z', pattern: `[ipv4-addr:value = '198.51.100.${i}']`, pattern_type: 'stix', valid_from: '2026-01-01T00:00:00Z' };
}
const OBJECTS = Array.from({ length: 25 }, (_, i) => ({ obj: object(i + 1), added: `2026-02-01T00:00:${String(i + 10).padStart(2, '0')}.123456Z` }));

async function startRemote(): Promise<Remote> {
  const app = Fastify();
  const remote: Remote = { url: '', app, flaky: { s503: 0, s429: 0 }, mode: 'next', tokens: new Map(), posted: [], requests: [] };
  const statuses = new Map<string, { polls: number; ids: string[] }>();
  app.addContentTypeParser('application/taxii+json', { parseAs: 'string' }, (_req, body, done) => {
    try {
      done(null, JSON.parse(String(body)));
    } catch (error) {
      done(error as Error);
    }
  });
  app.addHook('onRequest', async (request, reply) => {
    remote.requests.push(`${request.method} ${request.url}`);
    const auth = request.headers.authorization ?? '';
    const good = auth === `Basic ${Buffer.from('alice:s3cret').toString('base64')}` || auth === 'Bearer key-123';
    if (!good) return reply.code(401).header('www-authenticate', 'Basic realm="taxii"').type(MEDIA).send({ title: 'Unauthorized', http_status: '401' });
    if (!(request.headers.accept ?? '').includes('application/taxii+json')) return reply.code(406).type(MEDIA).send({ title: 'Not Acceptable' });
    if (remote.flaky.s503 > 0) {
      remote.flaky.s503--;
      return reply.code(503).type('text/html').send('<h1>down</h1>');
    }
    if (remote.flaky.s429 > 0) {
      remote.flaky.s429--;
      return reply.code(429).header('retry-after', '1').type(MEDIA).send({ title: 'Too Many Requests' });
    }
    return undefined;
  });
  app.get('/taxii2/', (_q, reply) => reply.type(MEDIA).send({ title: 'Remote', default: '/api1/', api_roots: ['/api1/'] }));
  app.get('/api1/', (_q, reply) => reply.type(MEDIA).send({ title: 'API 1', versions: [MEDIA], max_content_length: 1600 }));
  app.get(`/api1/collections/${COLLECTION}/`, (_q, reply) => reply.type(MEDIA).send({ id: COLLECTION, title: 'Indicators', can_read: true, can_write: true, media_types: ['application/stix+json;version=2.1'] }));
  app.get<{ Querystring: Record<string, string> }>(`/api1/collections/${COLLECTION}/objects/`, (request, reply) => {
    const q = request.query;
    const limit = Math.min(Number(q['limit'] ?? 10), 10);
    let start = 0;
    if (q['next'] !== undefined) {
      const at = remote.tokens.get(q['next']);
      if (at === undefined) return reply.code(400).type(MEDIA).send({ title: 'Bad Request', description: 'unknown or expired next', http_status: '400' });
      start = at;
    } else if (q['added_after'] !== undefined) {
      const after = q['added_after'];
      start = OBJECTS.findIndex((o) => o.added > after);
      if (start < 0) start = OBJECTS.length;
    }
    const slice = OBJECTS.slice(start, start + limit);
    const more = start + limit < OBJECTS.length;
    const body: Record<string, unknown> = { more };
    if (slice.length > 0) body['objects'] = slice.map((o) => o.obj);
    if (more && remote.mode === 'next') {
      const token = `t${remote.tokens.size}`;
      remote.tokens.set(token, start + limit);
      body['next'] = token;
    }
    if (slice.length > 0 && remote.mode !== 'stuck') {
      void reply.header('x-taxii-date-added-first', slice[0]?.added).header('x-taxii-date-added-last', slice[slice.length - 1]?.added);
    }
    return reply.type(MEDIA).send(body);
  });
  app.post<{ Body: { objects?: { id: string }[] } }>(`/api1/collections/${COLLECTION}/objects/`, (request, reply) => {
    const ids = (request.body.objects ?? []).map((o) => o.id);
    remote.posted.push(ids);
    const id = `5a5c0000-0000-4000-8000-${String(statuses.size).padStart(12, '0')}`;
    statuses.set(id, { polls: 0, ids });
    return reply.code(202).type(MEDIA).send({ id, status: 'pending', total_count: ids.length, success_count: 0, failure_count: 0, pending_count: ids.length });
  });
  app.get<{ Params: { id: string } }>('/api1/status/:id/', (request, reply) => {
    const s = statuses.get(request.params.id);
    if (s === undefined) return reply.code(404).type(MEDIA).send({ title: 'Not Found' });
    s.polls++;
    const bad = s.ids.filter((i) => i.endsWith('000000000013'));
    const details = (ids: string[]) => ids.map((i) => ({ id: i, version: '2026-01-01T00:00:00.000Z', message: 'refused by policy' }));
    return reply.type(MEDIA).send({
      id: request.params.id,
      status: 'complete',
      total_count: s.ids.length,
      success_count: s.ids.length - bad.length,
      failure_count: bad.length,
      pending_count: 0,
      ...(bad.length > 0 ? { failures: details(bad) } : {}),
    });
  });
  app.get('/garbage/', (_q, reply) => reply.type('text/html').send('<html>hello</html>'));
  await app.listen({ host: '127.0.0.1', port: 0 });
  const address = app.server.address();
  remote.url = `http://127.0.0.1:${typeof address === 'object' && address !== null ? address.port : 0}`;
  return remote;
}

let remote: Remote;
beforeAll(async () => {
  remote = await startRemote();
});
afterAll(async () => {
  await remote.app.close();
});

function clientWith(auth: TaxiiAuth, sleeps: number[] = [], retries = 5): TaxiiClient {
  return taxiiClient(
    taxiiTransport({
      auth,
      retry: { retries, baseDelayMs: 100, maxDelayMs: 1000 },
      random: () => 0.5,
      sleep: (ms) => {
        sleeps.push(ms);
        return Promise.resolve();
      },
    }),
  );
}
const BASIC: TaxiiAuth = { kind: 'basic', user: 'alice', password: 's3cret' };

async function collect(client: TaxiiClient, collectionUrl: string, position: PullPosition, stopAfter = Infinity) {
  const ids: string[] = [];
  let last = position;
  let pages = 0;
  for await (const page of pullPages(client, collectionUrl, { position, limit: 10 })) {
    if (!page.ok) return { ids, position: last, error: page.error };
    ids.push(...page.value.objects.map((o) => o.id));
    last = page.value.position;
    if (++pages >= stopAfter) break;
  }
  return { ids, position: last, error: null };
}

describe('TAXII 2.1 client against a misbehaving server', () => {
  it('finds a collection from the discovery URL with Basic auth, and says so when the password is wrong', async () => {
    remote.mode = 'next';
    const located = await clientWith(BASIC).locate(`${remote.url}/taxii2`, COLLECTION);
    expect(located.ok && located.value.collectionUrl).toBe(`${remote.url}/api1/collections/${COLLECTION}/`);
    expect(located.ok && located.value.apiRoot.max_content_length).toBe(1600);
    const wrong = await clientWith({ kind: 'basic', user: 'alice', password: 'nope' }).locate(`${remote.url}/taxii2/`, COLLECTION);
    expect(!wrong.ok && wrong.error.code).toBe('taxii-unauthorized');
    expect(!wrong.ok && wrong.error.message).toMatch(/401.*check the user and password/);
    const missing = await clientWith(BASIC).locate(`${remote.url}/taxii2/`, '0e1f0000-0000-4000-8000-000000000000');
    expect(!missing.ok && missing.error.code).toBe('taxii-collection-missing');
  });

  it('pages by next through flaky 503s and a 429, honouring Retry-After', async () => {
    remote.mode = 'next';
    remote.flaky = { s503: 2, s429: 1 };
    const sleeps: number[] = [];
    const client = clientWith({ kind: 'bearer', token: 'key-123' }, sleeps);
    const result = await collect(client, `${remote.url}/api1/collections/${COLLECTION}/`, START);
    expect(result.error).toBeNull();
    expect(result.ids).toEqual(OBJECTS.map((o) => o.obj['id']));
    // Two back-offs (100·2⁰ and 100·2¹ windows with jitter 0.5), then exactly the 1 s the server asked for.
    expect(sleeps).toEqual([75, 150, 1000]);
    expect(result.position).toEqual({ addedAfter: OBJECTS[24]?.added, next: null, highWater: OBJECTS[24]?.added });
  });

  it('pages by X-TAXII-Date-Added-Last when the server gives no next', async () => {
    remote.mode = 'no-next';
    const result = await collect(clientWith(BASIC), `${remote.url}/api1/collections/${COLLECTION}/`, START);
    expect(result.error).toBeNull();
    expect(result.ids).toEqual(OBJECTS.map((o) => o.obj['id']));
    expect(new Set(result.ids).size).toBe(25);
  });

  it('resumes from a saved position, and from the high-water mark when the next token has expired', async () => {
    remote.mode = 'next';
    const url = `${remote.url}/api1/collections/${COLLECTION}/`;
    const first = await collect(clientWith(BASIC), url, START, 1);
    expect(first.ids).toHaveLength(10);
    expect(first.position.next).not.toBeNull();
    const resumed = await collect(clientWith(BASIC), url, first.position);
    expect([...first.ids, ...resumed.ids]).toEqual(OBJECTS.map((o) => o.obj['id']));
    remote.tokens.clear(); // the server restarted and forgot its tokens
    const again = await collect(clientWith(BASIC), url, first.position);
    expect(again.error).toBeNull();
    expect(again.ids).toEqual(OBJECTS.slice(10).map((o) => o.obj['id']));
  });

  it('stops with a clear error when more=true comes with neither next nor a date header', async () => {
    remote.mode = 'stuck';
    const result = await collect(clientWith(BASIC), `${remote.url}/api1/collections/${COLLECTION}/`, START);
    expect(result.error?.code).toBe('taxii-cannot-page');
    expect(result.ids).toHaveLength(10);
  });

  it('gives up after its retries with the reason, on 503s and on a refused connection', async () => {
    remote.flaky = { s503: 10, s429: 0 };
    const sleeps: number[] = [];
    const down = await clientWith(BASIC, sleeps, 2).apiRoot(`${remote.url}/api1/`);
    expect(!down.ok && down.error.code).toBe('taxii-unavailable');
    expect(!down.ok && down.error.message).toMatch(/HTTP 503.*gave up after 3 attempts/);
    expect(sleeps).toHaveLength(2);
    remote.flaky = { s503: 0, s429: 0 };
    const closed = Fastify();
    await closed.listen({ host: '127.0.0.1', port: 0 });
    const address = closed.server.address();
    await closed.close();
    const refused = await clientWith(BASIC, [], 1).discovery(`http://127.0.0.1:${typeof address === 'object' && address !== null ? address.port : 1}/taxii2/`);
    expect(!refused.ok && refused.error.code).toBe('taxii-network');
    const garbage = await clientWith(BASIC).discovery(`${remote.url}/garbage/`);
    expect(!garbage.ok && garbage.error.code).toBe('taxii-bad-response');
    const small = await taxiiClient(taxiiTransport({ auth: BASIC, maxResponseBytes: 100 })).discovery(`${remote.url}/taxii2/`);
    expect(small.ok).toBe(true);
    const tooBig = await taxiiClient(taxiiTransport({ auth: BASIC, maxResponseBytes: 100 })).objects(`${remote.url}/api1/collections/${COLLECTION}/`, { limit: 10 });
    expect(!tooBig.ok && tooBig.error.message).toMatch(/more than 100 bytes; ask for smaller pages/);
    const notUrl = await clientWith(BASIC).locate('hub.example.gov', COLLECTION);
    expect(!notUrl.ok && notUrl.error.code).toBe('taxii-invalid-url');
  });

  it('pushes in envelopes within max_content_length and reports the failures of each status', async () => {
    remote.posted = [];
    const client = clientWith(BASIC);
    const located = await client.locate(`${remote.url}/taxii2/`, COLLECTION);
    if (!located.ok) throw new Error(located.error.message);
    const source = [...OBJECTS.map((o) => JSON.stringify(o.obj)), JSON.stringify({ ...object(99), description: 'x'.repeat(2000) })];
    const result = await pushObjects(client, located.value, source, { statusIntervalMs: 1, sleep: () => Promise.resolve() });
    if (!result.ok) throw new Error(result.error.message);
    expect(remote.posted.flat()).toEqual(OBJECTS.map((o) => o.obj['id']));
    expect(remote.posted.length).toBeGreaterThan(1);
    expect(result.value).toMatchObject({ sent: 25, succeeded: 24, failed: 2, envelopes: remote.posted.length });
    expect(result.value.failures.map((f) => f.message)).toEqual(['refused by policy', expect.stringMatching(/more than the server accepts in one request \(1600 bytes\)/)]);
  });
});
