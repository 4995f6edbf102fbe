import { request as httpRequest } from 'node:http';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { AudienceKey } from '../src/domain/audience.ts';
import { testDialects } from './helpers/store.ts';
import { collectionIdOf } from '../src/taxii/collections.ts';
import { TAXII_CONTENT_TYPE } from '../src/taxii/media.ts';
import { checkListen, startServer } from '../src/http/server.ts';
import { harness } from './helpers/http.ts';
import { csrfTokenFor } from '../src/http/auth.ts';
import { GROUP, SESSION_TOKEN, startHub, type Member, type TaxiiHub } from './taxii/setup.ts';
import { httpsGet, selfSignedCert } from './taxii/tls.ts';
import { memoryStixStore } from './helpers/memory-stix-store.ts';
import { envelope, indicator, malware, uuidOf } from './taxii/stix.ts';
import { loadOasisValidator } from './helpers/oasis.ts';
import { TLP_MARKING_IDS } from '../src/domain/tlp.ts';

/**
 * Walks ../shared/spec/TAXII-2.1-server-checklist.md over real HTTP (127.0.0.1, fetch). Test names
 * start with the spec section they check; "medallion" marks cases where the reference server fails.
 */

const TS6 = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}\.\d{6}Z$/;
const V4 = /^[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/;

interface Envelope {
  more?: boolean;
  next?: string;
  objects?: { id: string; modified?: string; [k: string]: unknown }[];
}
interface Status {
  id: string;
  status: string;
  request_timestamp: string;
  total_count: number;
  success_count: number;
  failure_count: number;
  pending_count: number;
  successes?: { id: string; version: string; message?: string }[];
  failures?: { id: string; version: string; message?: string }[];
}
interface TaxiiErrorBody {
  title: string;
  description?: string;
  error_code?: string;
  http_status?: string;
}

async function json<T>(res: Response): Promise<T> {
  return (await res.json()) as T;
}

async function expectError(res: Response, status: number, code?: string): Promise<TaxiiErrorBody> {
  expect(res.status).toBe(status);
  expect(res.headers.get('content-type')).toBe(TAXII_CONTENT_TYPE);
  const body = await json<TaxiiErrorBody>(res);
  expect(typeof body.title).toBe('string');
  expect(body.http_status).toBe(String(status));
  if (code !== undefined) expect(body.error_code).toBe(code);
  return body;
}

describe.each(testDialects())('TAXII 2.1 server conformance over HTTP (%s)', (dialect) => {
  let hub: TaxiiHub;
  const col = (key: AudienceKey) => collectionIdOf(key);
  let ORG: string;
  const STATE = col('state:06');
  const COMMUNITY = col('community');
  const objectsPath = (c: string) => `/taxii2/rampart/collections/${c}/objects/`;
  const post = async (who: Member, c: string, objects: readonly unknown[]) => {
    const res = await hub.call(who, objectsPath(c), { method: 'POST', body: envelope(objects) });
    expect(res.status).toBe(202);
    return json<Status>(res);
  };
  const getAll = async (who: Member, path: string): Promise<Envelope['objects'] & object> => {
    const res = await hub.call(who, path);
    expect(res.status).toBe(200);
    return (await json<Envelope>(res)).objects ?? [];
  };

  beforeAll(async () => {
    hub = await startHub(dialect);
    ORG = col(`org:${hub.m.county.principal.orgId}`);
    // Three versions of indicator 1 and one of indicator 2 in the state collection (TLP:AMBER by default there).
    await post(hub.m.county, STATE, [indicator(1, { modified: '2024-10-01T00:00:00.000Z' })]);
    await post(hub.m.county, STATE, [indicator(1, { modified: '2024-10-02T00:00:00.000Z' }), indicator(2)]);
    await post(hub.m.county, STATE, [indicator(1, { modified: '2024-10-03T00:00:00.000Z' })]);
    // Community gets TLP:GREEN malware; the county's own org collection an AMBER+STRICT indicator.
    await post(hub.m.county, COMMUNITY, [malware(1), malware(2)]);
    await post(hub.m.county, ORG, [indicator(3, { tlp: 'amber+strict' })]);
  });
  afterAll(async () => {
    await hub.close();
  });

  describe('8.2 conformance target', () => {
    it('8.2.1 discovery at /taxii2/ with title, default among api_roots, relative URLs without query', async () => {
      const res = await hub.call(hub.m.county, '/taxii2/');
      expect(res.status).toBe(200);
      expect(res.headers.get('content-type')).toBe(TAXII_CONTENT_TYPE);
      const body = await json<{ title: string; default: string; api_roots: string[] }>(res);
      expect(body.title).toBeTruthy();
      expect(body.api_roots).toContain(body.default);
      for (const root of body.api_roots) expect(root).toMatch(/^\/[^/?]+.*\/$/);
    });

    it('4.2.1 the API root has title, versions with taxii 2.1 and max_content_length > 0', async () => {
      const body = await json<{ title: string; versions: string[]; max_content_length: number }>(await hub.call(hub.m.county, hub.root));
      expect(body.title).toBeTruthy();
      expect(body.versions).toContain('application/taxii+json;version=2.1');
      expect(body.max_content_length).toBe(64 * 1024);
    });

    it('8.2.1 a request without User-Agent is served', async () => {
      const url = new URL(`${hub.url}/taxii2/`);
      const status = await new Promise<number>((resolve, reject) => {
        const req = httpRequest({ host: url.hostname, port: url.port, path: url.pathname, headers: { accept: TAXII_CONTENT_TYPE, authorization: `Bearer ${hub.m.county.key}` } }, (res) => {
          res.resume();
          resolve(res.statusCode ?? 0);
        });
        req.removeHeader('user-agent');
        req.on('error', reject);
        req.end();
      });
      expect(status).toBe(200);
    });

    it('8.2.2 HTTP Basic: user = email or key name, password = API key', async () => {
      const basic = (user: string, pass: string) => `Basic ${Buffer.from(`${user}:${pass}`).toString('base64')}`;
      expect((await hub.call(null, hub.root, { headers: { authorization: basic(hub.m.county.email, hub.m.county.key) } })).status).toBe(200);
      await expectError(await hub.call(null, hub.root, { headers: { authorization: basic(hub.m.county.email, 'wrong') } }), 401);
    });
  });

  describe('3.1 paths, media types and headers', () => {
    it('3.1 a path without the trailing slash is a TAXII 404, not a redirect (medallion redirects)', async () => {
      const res = await hub.call(hub.m.county, '/taxii2/rampart/collections', { headers: {} });
      const body = await expectError(res, 404, 'not-found');
      expect(body.description).toContain('end in "/"');
    });

    it('3.1 a path the router cannot read (bad percent-encoding) is a TAXII 400, not Fastify\'s own JSON; an over-long segment a TAXII 404', async () => {
      expect((await expectError(await hub.call(hub.m.county, '/taxii2/rampart/collections/%ZZ/objects/'), 400, 'bad-url')).description).toMatch(/percent-encoding/);
      await expectError(await hub.call(hub.m.county, `/taxii2/rampart/collections/${'a'.repeat(301)}/`), 404, 'not-found');
    });

    it('3.1 Accept application/taxii+json without version is served as 2.1', async () => {
      const res = await hub.call(hub.m.county, hub.root, { headers: { accept: 'application/taxii+json' } });
      expect(res.status).toBe(200);
      expect(res.headers.get('content-type')).toBe(TAXII_CONTENT_TYPE);
    });

    it('3.1 406 for a missing Accept, plain JSON, another TAXII version, or q=0', async () => {
      for (const accept of ['', 'application/json', 'application/taxii+json;version=2.0', 'application/taxii+json;version=2.1;q=0', 'text/html']) {
        await expectError(await hub.call(hub.m.county, `${hub.root}collections/`, { headers: { accept } }), 406, 'not-acceptable');
      }
    });

    it('3.1 every response, errors included, is application/taxii+json;version=2.1', async () => {
      for (const path of ['/taxii2/', hub.root, `${hub.root}collections/`, `${hub.root}nothing/`, `${objectsPath(STATE)}?limit=0`]) {
        expect((await hub.call(hub.m.county, path)).headers.get('content-type')).toBe(TAXII_CONTENT_TYPE);
      }
    });

    it('3.1 / 5.5 POST needs Content-Type application/taxii+json;version=2.1: others get 415 and store nothing', async () => {
      const before = await getAll(hub.m.county, `${objectsPath(ORG)}?match[version]=all`);
      for (const contentType of ['application/json', 'application/stix+json;version=2.1', 'application/taxii+json;version=2.0', 'text/plain']) {
        const res = await hub.call(hub.m.county, objectsPath(ORG), { method: 'POST', body: envelope([indicator(90)]), headers: { 'content-type': contentType } });
        await expectError(res, 415, 'unsupported-media-type');
      }
      expect(await getAll(hub.m.county, `${objectsPath(ORG)}?match[version]=all`)).toEqual(before);
    });

    it('1.6.9 401 carries WWW-Authenticate Basic and a TAXII error body (medallion sends text/html)', async () => {
      for (const headers of [{}, { authorization: 'Bearer nope' }]) {
        const res = await hub.call(null, `${hub.root}collections/`, { headers });
        expect(res.headers.get('www-authenticate')).toMatch(/^Basic realm="[^"]+"/);
        await expectError(res, 401);
      }
    });

    it('3.6.1 the error resource: title, description, http_status equal to the status', async () => {
      const body = await expectError(await hub.call(hub.m.county, `${hub.root}collections/${uuidOf(9)}/`), 404, 'not-found');
      expect(body.description).toBeTruthy();
    });
  });

  describe('5.1 / 5.2 collections as views of the sharing rule', () => {
    it('5.1 one collection per audience key the reader holds, stable v4 ids, readable titles, can_read/can_write', async () => {
      const body = await json<{ collections: { id: string; title: string; alias: string; can_read: boolean; can_write: boolean; media_types: string[] }[] }>(await hub.call(hub.m.county, `${hub.root}collections/`));
      const ids = body.collections.map((c) => c.id);
      expect(ids).toEqual(expect.arrayContaining([ORG, STATE, COMMUNITY, col(GROUP), col(`user:${hub.m.county.principal.userId ?? ''}`)]));
      for (const c of body.collections) {
        expect(c.id).toMatch(V4);
        expect(c.title.length).toBeGreaterThan(3);
        expect(c.can_read).toBe(true);
        expect(c.can_write).toBe(true);
        expect(c.media_types).toEqual(['application/stix+json;version=2.1']);
      }
      const again = await json<{ collections: { id: string }[] }>(await hub.call(hub.m.county, `${hub.root}collections/`));
      expect(again.collections.map((c) => c.id)).toEqual(ids);
      const texas = await json<{ collections: { id: string }[] }>(await hub.call(hub.m.texas, `${hub.root}collections/`));
      expect(texas.collections.map((c) => c.id)).not.toContain(STATE);
    });

    it('5.2.1 the alias stands in for the id', async () => {
      const byAlias = await json<{ id: string; title: string }>(await hub.call(hub.m.county, `${hub.root}collections/state-06/`));
      expect(byAlias.id).toBe(STATE);
      expect(byAlias.title).toContain('California');
      expect((await getAll(hub.m.county, `${hub.root}collections/state-06/objects/`)).length).toBeGreaterThan(0);
    });

    it('5.2 a collection the reader does not hold is 404, whether or not it exists', async () => {
      await expectError(await hub.call(hub.m.texas, `${hub.root}collections/${STATE}/`), 404);
      await expectError(await hub.call(hub.m.texas, objectsPath(STATE)), 404);
      await expectError(await hub.call(hub.m.texas, `${hub.root}collections/${uuidOf(1)}/`), 404);
    });

    it('a collection lists only what is shared with its key: state objects are not in community, and the reverse', async () => {
      const state = (await getAll(hub.m.state, objectsPath(STATE))).map((o) => o.id);
      expect(state).toEqual(expect.arrayContaining([`indicator--${uuidOf(1)}`, `indicator--${uuidOf(2)}`]));
      expect(state.some((id) => id.startsWith('malware--'))).toBe(false);
      const community = (await getAll(hub.m.texas, objectsPath(COMMUNITY))).map((o) => o.id);
      expect(community.sort()).toEqual([`malware--${uuidOf(1, 'b')}`, `malware--${uuidOf(2, 'b')}`]);
      // The own-org collection: what the org owns, not what others shared with the state.
      const own = (await getAll(hub.m.county, objectsPath(ORG))).map((o) => o.id);
      expect(own).toContain(`indicator--${uuidOf(3)}`);
      expect(own).toContain(`malware--${uuidOf(1, 'b')}`);
      expect((await getAll(hub.m.state, objectsPath(col(`org:${hub.m.state.principal.orgId}`)))).length).toBe(0);
    });

    it('org-admins define filter collections (types + audience key); others may not', async () => {
      const base = `${hub.root}admin/collections/`;
      await expectError(await hub.call(hub.m.state, base, { method: 'POST', body: JSON.stringify({ title: 'x', audience: 'community' }) }), 403, 'not-org-admin');
      await expectError(await hub.call(hub.m.county, base, { method: 'POST', body: JSON.stringify({ title: 'x', audience: 'state:48' }) }), 400, 'audience-not-held');
      await expectError(await hub.call(hub.m.county, base, { method: 'POST', body: JSON.stringify({ title: 'x', audience: 'community', alias: 'community' }) }), 400, 'alias-reserved');
      await expectError(await hub.call(hub.m.county, base, { method: 'POST', body: JSON.stringify({ title: '', audience: 'community' }) }), 400, 'invalid-collection');
      const res = await hub.call(hub.m.county, base, { method: 'POST', body: JSON.stringify({ title: 'State indicators', alias: 'state-indicators', types: ['indicator'], audience: 'state:06' }) });
      expect(res.status).toBe(201);
      expect(res.headers.get('content-type')).toBe(TAXII_CONTENT_TYPE);
      const made = await json<{ id: string }>(res);
      expect(made.id).toMatch(V4);
      expect(made).toEqual({ id: made.id, title: 'State indicators', alias: 'state-indicators', types: ['indicator'], audience: 'state:06' });
      // The list, as its response schema types it (answers are checked against the route's schema, issue 9).
      const listed = await hub.call(hub.m.county, base);
      expect(listed.headers.get('content-type')).toBe(TAXII_CONTENT_TYPE);
      expect(await json<unknown>(listed)).toEqual({ collections: [made] });
      const c = await json<{ id: string; can_write: boolean }>(await hub.call(hub.m.countyRead, `${hub.root}collections/state-indicators/`));
      expect(c).toMatchObject({ id: made.id, title: 'State indicators', can_write: false });
      expect(await json<unknown>(await hub.call(hub.m.countyRead, `${hub.root}collections/${made.id}/`))).toEqual(c);
      const objects = await getAll(hub.m.county, objectsPath(made.id));
      expect(objects.length).toBeGreaterThan(0);
      expect(objects.every((o) => o.id.startsWith('indicator--'))).toBe(true);
      // Another organization does not see it.
      await expectError(await hub.call(hub.m.state, `${hub.root}collections/${made.id}/`), 404);
      await expectError(await hub.call(hub.m.county, objectsPath(made.id), { method: 'POST', body: envelope([indicator(91)]) }), 403, 'cannot-write');
      expect((await hub.call(hub.m.county, `${base}${made.id}/`, { method: 'DELETE' })).status).toBe(200);
      await expectError(await hub.call(hub.m.county, `${hub.root}collections/${made.id}/`), 404);
      expect(await json<unknown>(await hub.call(hub.m.county, base))).toEqual({});
    });
  });

  describe('5.5 POST objects and 4.3 status', () => {
    it('5.5 returns 202 with a complete status; 4.3 the status stays queryable by the poster only', async () => {
      const status = await post(hub.m.county, ORG, [indicator(10), indicator(11, { tlp: 'amber' })]);
      expect(status).toMatchObject({ status: 'complete', total_count: 2, success_count: 2, failure_count: 0, pending_count: 0 });
      expect(status.id).toMatch(V4);
      expect(status.request_timestamp).toMatch(TS6);
      expect(status.successes?.map((d) => d.id).sort()).toEqual([`indicator--${uuidOf(10)}`, `indicator--${uuidOf(11)}`]);
      expect(status.failures).toBeUndefined();
      const again = await hub.call(hub.m.countyRead, `${hub.root}status/${status.id}/`);
      expect(await json<Status>(again)).toEqual(status);
      await expectError(await hub.call(hub.m.state, `${hub.root}status/${status.id}/`), 404);
      await expectError(await hub.call(hub.m.county, `${hub.root}status/${uuidOf(5)}/`), 404);
    });

    it('5.5 an exact duplicate is a success, not a failure (medallion reports it as a failure)', async () => {
      const first = await post(hub.m.county, ORG, [indicator(12)]);
      expect(first.success_count).toBe(1);
      const dup = await post(hub.m.county, ORG, [indicator(12), indicator(12)]);
      expect(dup).toMatchObject({ total_count: 2, success_count: 2, failure_count: 0 });
      expect(dup.successes?.[0]).toMatchObject({ id: `indicator--${uuidOf(12)}`, version: '2024-10-01T00:00:00.000Z' });
    });

    it('5.5 an object posted without a TLP marking is served with the marking it is held under (the collection\'s TLP), and posting it again changes nothing', async () => {
      const oasis = loadOasisValidator();
      await post(hub.m.county, ORG, [indicator(13)]);
      await post(hub.m.county, COMMUNITY, [indicator(14)]);
      const [own] = await getAll(hub.m.county, `${objectsPath(ORG)}indicator--${uuidOf(13)}/`);
      expect(own).toEqual({ ...indicator(13), object_marking_refs: [TLP_MARKING_IDS.amber] });
      const [shared] = await getAll(hub.m.countyRead, `${objectsPath(COMMUNITY)}indicator--${uuidOf(14)}/`);
      expect(shared).toEqual({ ...indicator(14), object_marking_refs: [TLP_MARKING_IDS.green] });
      expect(oasis.validate(own).errors).toEqual([]);
      expect(oasis.validate(shared).errors).toEqual([]);
      const again = await post(hub.m.county, ORG, [indicator(13)]);
      expect(again).toMatchObject({ success_count: 1, failure_count: 0 });
      expect(await json<{ versions: string[] }>(await hub.call(hub.m.county, `${objectsPath(ORG)}indicator--${uuidOf(13)}/versions/`))).toMatchObject({ versions: ['2024-10-01T00:00:00.000Z'] });
      expect(await getAll(hub.m.county, `${objectsPath(ORG)}indicator--${uuidOf(13)}/`)).toEqual([own]);
    });

    it('objects that would break the TLP rule, name another creator, version another owner\'s object or are invalid fail one by one', async () => {
      const status = await post(hub.m.county, COMMUNITY, [
        indicator(20, { tlp: 'amber' }),
        indicator(21, { tlp: 'red' }),
        indicator(22, { createdBy: hub.m.texas.principal.orgId }),
        { type: 'indicator', id: `indicator--${uuidOf(23)}`, spec_version: '2.1' },
        indicator(24, { tlp: 'green' }),
        indicator(25, { tlp: 'clear' }),
      ]);
      expect(status).toMatchObject({ total_count: 6, success_count: 2, failure_count: 4 });
      const failed = new Map(status.failures?.map((f) => [f.id, f.message ?? '']));
      expect(failed.get(`indicator--${uuidOf(20)}`)).toMatch(/TLP:AMBER.*community/);
      expect(failed.get(`indicator--${uuidOf(21)}`)).toMatch(/TLP:RED/);
      expect(failed.get(`indicator--${uuidOf(22)}`)).toMatch(/created_by_ref/);
      expect(failed.get(`indicator--${uuidOf(23)}`)).toBeTruthy();
      expect((await hub.call(hub.m.texas, `${objectsPath(COMMUNITY)}indicator--${uuidOf(20)}/`)).status).toBe(404);
      expect((await hub.call(hub.m.texas, `${objectsPath(COMMUNITY)}indicator--${uuidOf(24)}/`)).status).toBe(200);
      // Texas may not publish a version of the county's object.
      const hijack = await post(hub.m.texas, COMMUNITY, [indicator(24, { tlp: 'green', modified: '2025-01-01T00:00:00.000Z' })]);
      expect(hijack.failures?.[0]?.message).toMatch(/only its owner/);
    });

    it('5.5 413 over max_content_length, 422 for malformed JSON, a STIX bundle or an empty envelope; nothing stored', async () => {
      const before = await getAll(hub.m.county, `${objectsPath(ORG)}?match[version]=all`);
      const big = envelope(Array.from({ length: 200 }, (_, i) => indicator(1000 + i, { name: 'x'.repeat(400) })));
      await expectError(await hub.call(hub.m.county, objectsPath(ORG), { method: 'POST', body: big }), 413, 'too-large');
      await expectError(await hub.call(hub.m.county, objectsPath(ORG), { method: 'POST', body: '{"objects": [' }), 422, 'malformed-envelope');
      await expectError(await hub.call(hub.m.county, objectsPath(ORG), { method: 'POST', body: JSON.stringify({ type: 'bundle', id: `bundle--${uuidOf(1)}`, objects: [indicator(30)] }) }), 422, 'bundle-not-envelope');
      await expectError(await hub.call(hub.m.county, objectsPath(ORG), { method: 'POST', body: '{"objects": []}' }), 422, 'malformed-envelope');
      await expectError(await hub.call(hub.m.county, objectsPath(ORG), { method: 'POST', body: '[]' }), 422, 'malformed-envelope');
      expect(await getAll(hub.m.county, `${objectsPath(ORG)}?match[version]=all`)).toEqual(before);
    });

    it('5.5 a cookie session writes only with its CSRF token (API keys need none)', async () => {
      const session = { cookie: `rampart_session=${SESSION_TOKEN}` };
      const path = objectsPath(ORG);
      const body = envelope([indicator(41)]);
      const withoutCookieAuth = (headers: Record<string, string>) => hub.call(null, path, { method: 'POST', body, headers });
      expect((await hub.call(null, `${hub.root}collections/`, { headers: session })).status).toBe(200);
      await expectError(await withoutCookieAuth(session), 403, 'csrf-missing');
      await expectError(await hub.call(null, `${path}indicator--${uuidOf(3)}/`, { method: 'DELETE', headers: session }), 403, 'csrf-missing');
      expect((await withoutCookieAuth({ ...session, 'x-csrf-token': csrfTokenFor(SESSION_TOKEN) })).status).toBe(202);
    });

    it('5.5 a read-scoped key sees can_write false and its POST is 403; a collection it cannot see is 404', async () => {
      const c = await json<{ can_write: boolean }>(await hub.call(hub.m.countyRead, `${hub.root}collections/${STATE}/`));
      expect(c.can_write).toBe(false);
      await expectError(await hub.call(hub.m.countyRead, objectsPath(STATE), { method: 'POST', body: envelope([indicator(40)]) }), 403, 'cannot-write');
      await expectError(await hub.call(hub.m.texas, objectsPath(STATE), { method: 'POST', body: envelope([indicator(40)]) }), 404);
    });
  });

  describe('3.2 / 3.3 / 3.4 / 3.5 reading: order, headers, filters and paging', () => {
    it('3.3 objects come oldest date_added first; 3.2 X-TAXII-Date-Added-First/Last match, microsecond timestamps', async () => {
      const res = await hub.call(hub.m.county, `${hub.root}collections/${STATE}/manifest/`);
      expect(res.status).toBe(200);
      const body = await json<{ objects: { id: string; date_added: string; version: string; media_type: string }[] }>(res);
      const added = body.objects.map((r) => r.date_added);
      for (const a of added) expect(a).toMatch(TS6);
      expect([...added].sort()).toEqual(added);
      expect(res.headers.get('x-taxii-date-added-first')).toBe(added[0]);
      expect(res.headers.get('x-taxii-date-added-last')).toBe(added[added.length - 1]);
      expect(body.objects[0]?.media_type).toBe('application/stix+json;version=2.1');
    });

    it('3.2 headers are on an empty 200 too, and an empty result is {} (medallion leaves them off)', async () => {
      for (const path of [`${objectsPath(STATE)}?match[type]=campaign`, `${hub.root}collections/${STATE}/manifest/?match[type]=campaign`, `${objectsPath(STATE)}indicator--${uuidOf(1)}/?added_after=2100-01-01T00:00:00Z`]) {
        const res = await hub.call(hub.m.county, path);
        expect(res.status).toBe(200);
        expect(res.headers.get('x-taxii-date-added-first')).toMatch(TS6);
        expect(res.headers.get('x-taxii-date-added-last')).toMatch(TS6);
        expect(await res.json()).toEqual({});
      }
    });

    it('3.7 the envelope serves each object exactly as posted (with the TLP marking it is held under when it had none)', async () => {
      const custom = { ...indicator(50, { tlp: 'amber' }), x_rampart_note: 'kept', confidence: 70 };
      await post(hub.m.county, ORG, [custom]);
      const res = await hub.call(hub.m.county, `${objectsPath(ORG)}indicator--${uuidOf(50)}/`);
      expect(await json<Envelope>(res)).toEqual({ more: false, objects: [custom] });
    });

    it('3.4 every malformed parameter is a 400 (medallion answers added_after=yesterday with a 500)', async () => {
      const bad = [
        'added_after=yesterday',
        'added_after=2024-01-01T00:00:00+01:00',
        'added_after=2024-01-01T00:00:00Z&added_after=2024-01-02T00:00:00Z',
        'limit=0',
        'limit=-5',
        'limit=ten',
        'limit=',
        'match[id]=not-an-id',
        'match[type]=Indicator',
        'match[type]=indicator,,malware',
        'match[type]=indicator&match[type]=malware',
        'match[version]=newest',
        'match[version]=all,last',
        'match[version]=last,last',
        'match[spec_version]=two',
        'next=forged',
        'unknown=1',
        'match[colour]=red',
      ];
      for (const q of bad) await expectError(await hub.call(hub.m.county, `${objectsPath(STATE)}?${q}`), 400);
      await expectError(await hub.call(hub.m.county, `${hub.root}collections/${STATE}/objects/indicator--${uuidOf(1)}/?match[type]=indicator`), 400, 'unsupported-parameter');
      await expectError(await hub.call(hub.m.county, `${hub.root}collections/${STATE}/objects/not-an-id/`), 400, 'invalid-id');
    });

    it('3.4.1 limit: never more than asked, clamped to the server maximum, everything when it fits', async () => {
      const two = await json<Envelope>(await hub.call(hub.m.county, `${objectsPath(ORG)}?limit=2`));
      expect(two.objects).toHaveLength(2);
      expect(two.more).toBe(true);
      expect(typeof two.next).toBe('string');
      const all = await json<Envelope>(await hub.call(hub.m.county, `${objectsPath(ORG)}?limit=500`));
      expect(all.more).toBe(false);
      expect((all.objects ?? []).length).toBeLessThanOrEqual(50);
      expect((all.objects ?? []).length).toBeGreaterThan(2);
    });

    it('3.5 next pages through everything once; it is refused for another reader, another query or when altered', async () => {
      const seen: string[] = [];
      let next: string | undefined;
      let first: Envelope | undefined;
      do {
        const res = await hub.call(hub.m.county, `${objectsPath(ORG)}?limit=2&match[version]=all${next === undefined ? '' : `&next=${encodeURIComponent(next)}`}`);
        expect(res.status).toBe(200);
        const page = await json<Envelope>(res);
        first ??= page;
        for (const o of page.objects ?? []) seen.push(`${o.id}@${String(o.modified)}`);
        next = page.more === true ? page.next : undefined;
      } while (next !== undefined);
      const everything = await getAll(hub.m.county, `${objectsPath(ORG)}?match[version]=all`);
      expect(seen).toEqual(everything.map((o) => `${o.id}@${String(o.modified)}`));
      const token = encodeURIComponent(first?.next ?? '');
      // Another reader of the same collection (the state office) cannot replay the county's token.
      const statePage = await json<Envelope>(await hub.call(hub.m.county, `${objectsPath(STATE)}?limit=1`));
      await expectError(await hub.call(hub.m.state, `${objectsPath(STATE)}?limit=1&next=${encodeURIComponent(statePage.next ?? '')}`), 400, 'invalid-next');
      expect((await hub.call(hub.m.county, `${objectsPath(STATE)}?limit=1&next=${encodeURIComponent(statePage.next ?? '')}`)).status).toBe(200);
      await expectError(await hub.call(hub.m.county, `${objectsPath(ORG)}?limit=2&match[type]=indicator&match[version]=all&next=${token}`), 400, 'invalid-next');
      await expectError(await hub.call(hub.m.county, `${hub.root}collections/${ORG}/manifest/?limit=2&match[version]=all&next=${token}`), 400, 'invalid-next');
      await expectError(await hub.call(hub.m.county, `${objectsPath(ORG)}?limit=2&match[version]=all&next=${token.slice(0, -2)}AA`), 400, 'invalid-next');
      // The page size may change between pages.
      expect((await hub.call(hub.m.county, `${objectsPath(ORG)}?limit=3&match[version]=all&next=${token}`)).status).toBe(200);
    });

    it('3.4 added_after compares with date_added, strictly after', async () => {
      const manifest = await json<{ objects: { id: string; date_added: string }[] }>(await hub.call(hub.m.county, `${hub.root}collections/${STATE}/manifest/?match[version]=all`));
      const middle = manifest.objects[1];
      const after = await json<{ objects: { date_added: string }[] }>(await hub.call(hub.m.county, `${hub.root}collections/${STATE}/manifest/?match[version]=all&added_after=${middle?.date_added ?? ''}`));
      expect(after.objects.map((o) => o.date_added)).toEqual(manifest.objects.slice(2).map((o) => o.date_added));
    });

    it('3.4.2 match[id] and match[type] take comma lists, and different fields are ANDed', async () => {
      const ids = `indicator--${uuidOf(1)},malware--${uuidOf(1, 'b')}`;
      expect((await getAll(hub.m.county, `${objectsPath(ORG)}?match[id]=${ids}`)).map((o) => o.id).sort()).toEqual([`indicator--${uuidOf(1)}`, `malware--${uuidOf(1, 'b')}`]);
      expect((await getAll(hub.m.county, `${objectsPath(ORG)}?match[id]=${ids}&match[type]=malware`)).map((o) => o.id)).toEqual([`malware--${uuidOf(1, 'b')}`]);
      const both = await getAll(hub.m.county, `${objectsPath(ORG)}?match[type]=malware,indicator`);
      expect(new Set(both.map((o) => o.id.split('--')[0]))).toEqual(new Set(['malware', 'indicator']));
      const manifest = await json<{ objects: { id: string }[] }>(await hub.call(hub.m.county, `${hub.root}collections/${ORG}/manifest/?match[type]=malware`));
      expect(manifest.objects.every((r) => r.id.startsWith('malware--'))).toBe(true);
    });

    it('3.4.2 match[version]: last by default, first, all, exact values and combinations', async () => {
      const path = `${objectsPath(STATE)}indicator--${uuidOf(1)}/`;
      const versions = async (q: string) => (await getAll(hub.m.state, `${path}${q}`)).map((o) => o.modified);
      expect(await versions('')).toEqual(['2024-10-03T00:00:00.000Z']);
      expect(await versions('?match[version]=last')).toEqual(['2024-10-03T00:00:00.000Z']);
      expect(await versions('?match[version]=first')).toEqual(['2024-10-01T00:00:00.000Z']);
      expect(await versions('?match[version]=first,last')).toEqual(['2024-10-01T00:00:00.000Z', '2024-10-03T00:00:00.000Z']);
      expect(await versions('?match[version]=all')).toEqual(['2024-10-01T00:00:00.000Z', '2024-10-02T00:00:00.000Z', '2024-10-03T00:00:00.000Z']);
      expect(await versions('?match[version]=2024-10-02T00:00:00Z')).toEqual(['2024-10-02T00:00:00.000Z']);
      expect(await versions('?match[version]=2024-10-02T00:00:00.000Z,first')).toEqual(['2024-10-01T00:00:00.000Z', '2024-10-02T00:00:00.000Z']);
      const listFirst = await getAll(hub.m.state, `${objectsPath(STATE)}?match[id]=indicator--${uuidOf(1)}&match[version]=first`);
      expect(listFirst.map((o) => o.modified)).toEqual(['2024-10-01T00:00:00.000Z']);
    });

    it('3.4.2 match[spec_version]: other spec versions match nothing; 2.1 matches all', async () => {
      expect(await getAll(hub.m.county, `${objectsPath(STATE)}?match[spec_version]=2.0`)).toEqual([]);
      expect((await getAll(hub.m.county, `${objectsPath(STATE)}?match[spec_version]=2.0,2.1`)).length).toBeGreaterThan(0);
    });

    it('5.8 versions lists every version oldest first, with the date headers; unknown objects are 404', async () => {
      const res = await hub.call(hub.m.state, `${objectsPath(STATE)}indicator--${uuidOf(1)}/versions/`);
      expect(res.status).toBe(200);
      expect(res.headers.get('x-taxii-date-added-first')).toMatch(TS6);
      expect(await res.json()).toEqual({ more: false, versions: ['2024-10-01T00:00:00.000Z', '2024-10-02T00:00:00.000Z', '2024-10-03T00:00:00.000Z'] });
      await expectError(await hub.call(hub.m.state, `${objectsPath(STATE)}indicator--${uuidOf(777)}/versions/`), 404);
      await expectError(await hub.call(hub.m.state, `${objectsPath(STATE)}indicator--${uuidOf(3)}/`), 404);
    });
  });

  describe('5.7 DELETE', () => {
    it('5.7 the permission table: read-only key 403, not the owner 403, cannot see 404', async () => {
      const path = `${objectsPath(STATE)}indicator--${uuidOf(2)}/`;
      await expectError(await hub.call(hub.m.countyRead, path, { method: 'DELETE' }), 403, 'cannot-write');
      await expectError(await hub.call(hub.m.state, path, { method: 'DELETE' }), 403, 'not-owner');
      await expectError(await hub.call(hub.m.texas, path, { method: 'DELETE' }), 404);
      await expectError(await hub.call(hub.m.county, `${objectsPath(STATE)}indicator--${uuidOf(888)}/`, { method: 'DELETE' }), 404);
      expect((await hub.call(hub.m.state, path)).status).toBe(200);
    });

    it('5.7 after DELETE without match[version], every version is gone for every reader (medallion keeps older versions)', async () => {
      await post(hub.m.county, STATE, [indicator(60, { modified: '2024-10-01T00:00:00.000Z' })]);
      await post(hub.m.county, STATE, [indicator(60, { modified: '2024-10-05T00:00:00.000Z' })]);
      const path = `${objectsPath(STATE)}indicator--${uuidOf(60)}/`;
      expect((await hub.call(hub.m.county, path, { method: 'DELETE' })).status).toBe(200);
      for (const who of [hub.m.county, hub.m.state]) {
        await expectError(await hub.call(who, path), 404);
        await expectError(await hub.call(who, `${path}versions/`), 404);
        await expectError(await hub.call(who, `${path}?match[version]=all`), 404);
        const listed = await getAll(who, `${objectsPath(STATE)}?match[version]=all`);
        expect(listed.some((o) => o.id === `indicator--${uuidOf(60)}`)).toBe(false);
        const manifest = await json<{ objects?: { id: string }[] }>(await hub.call(who, `${hub.root}collections/${STATE}/manifest/?match[version]=all`));
        expect((manifest.objects ?? []).some((o) => o.id === `indicator--${uuidOf(60)}`)).toBe(false);
      }
      // The owner's own-organization collection does not serve it either; a new version serves it again.
      await expectError(await hub.call(hub.m.county, `${objectsPath(ORG)}indicator--${uuidOf(60)}/`), 404);
      await post(hub.m.county, STATE, [indicator(60, { modified: '2024-10-06T00:00:00.000Z' })]);
      expect((await getAll(hub.m.state, path)).map((o) => o.modified)).toEqual(['2024-10-06T00:00:00.000Z']);
    });

    it('5.7 DELETE with match[version] removes only those versions', async () => {
      await post(hub.m.county, STATE, [indicator(61, { modified: '2024-10-01T00:00:00.000Z' }), indicator(61, { modified: '2024-10-02T00:00:00.000Z' })]);
      const path = `${objectsPath(STATE)}indicator--${uuidOf(61)}/`;
      expect((await hub.call(hub.m.county, `${path}?match[version]=first`, { method: 'DELETE' })).status).toBe(200);
      expect(await json<{ versions: string[] }>(await hub.call(hub.m.state, `${path}versions/`))).toEqual({ more: false, versions: ['2024-10-02T00:00:00.000Z'] });
      await expectError(await hub.call(hub.m.county, `${path}?match[version]=2023-01-01T00:00:00Z`, { method: 'DELETE' }), 404);
      expect((await hub.call(hub.m.county, `${path}?match[version]=last`, { method: 'DELETE' })).status).toBe(200);
      await expectError(await hub.call(hub.m.state, path), 404);
    });
  });
});

describe('8.2.2 HTTPS', () => {
  it('8.2.2 serves TLS 1.3 and TLS 1.2, refuses TLS 1.1 and blacklisted (non-AEAD) TLS 1.2 ciphers', async () => {
    const { cert, key } = selfSignedCert();
    const h = await harness({ stix: memoryStixStore() });
    const server = await startServer({ app: h.app, host: '127.0.0.1', port: 0, handleSignals: false, tls: { cert, key } });
    try {
      expect(server.url).toMatch(/^https:\/\/127\.0\.0\.1:\d+$/);
      const headers = { accept: 'application/json' };
      const v13 = await httpsGet(`${server.url}/healthz`, cert, headers);
      expect(v13).toMatchObject({ status: 200, protocol: 'TLSv1.3' });
      const v12 = await httpsGet(`${server.url}/healthz`, cert, headers, { maxVersion: 'TLSv1.2' });
      expect(v12).toMatchObject({ status: 200, protocol: 'TLSv1.2' });
      await expect(httpsGet(`${server.url}/healthz`, cert, headers, { minVersion: 'TLSv1', maxVersion: 'TLSv1.1', ciphers: 'DEFAULT@SECLEVEL=0' })).rejects.toThrow();
      await expect(httpsGet(`${server.url}/healthz`, cert, headers, { maxVersion: 'TLSv1.2', ciphers: 'AES128-SHA:ECDHE-ECDSA-AES128-SHA' })).rejects.toThrow();
    } finally {
      await server.stop();
    }
  });

  it('8.2.2 plain HTTP is refused on a non-loopback host unless allowed; loopback is fine', async () => {
    expect(checkListen({ host: '0.0.0.0' })).toMatchObject({ ok: false, error: { code: 'plain-http-refused' } });
    expect(checkListen({ host: '10.1.2.3', allowPlainHttp: true }).ok).toBe(true);
    expect(checkListen({ host: '::1' }).ok).toBe(true);
    expect(checkListen({ host: '127.0.0.1' }).ok).toBe(true);
    expect(checkListen({ host: '0.0.0.0', tls: selfSignedCert() }).ok).toBe(true);
    const h = await harness({ stix: memoryStixStore() });
    await expect(startServer({ app: h.app, host: '0.0.0.0', port: 0, handleSignals: false })).rejects.toThrow(/Refusing plain HTTP/);
    await h.close();
  });
});
