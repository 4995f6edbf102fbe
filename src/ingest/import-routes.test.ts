import { readFileSync } from 'node:fs';
import { PassThrough } from 'node:stream';
import { setTimeout as sleep } from 'node:timers/promises';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { memoryStixStore } from '../../test/helpers/memory-stix-store.ts';
import { createAuditLog } from '../audit/audit-log.ts';
import { openStore } from '../store/index.ts';
import { testDatabase, testDialects } from '../../test/helpers/store.ts';
import { harness, ORG_A, ORG_B, type Harness } from '../../test/helpers/http.ts';
import { SHARED_DATA } from '../../test/helpers/shared-data.ts';
import { loadOasisValidator } from '../../test/helpers/oasis.ts';
import { TLP_MARKING_IDS } from '../domain/tlp.ts';

const TLP_BUNDLE = readFileSync(`${SHARED_DATA}/tlp/tlp-marking-definitions.bundle.json`, 'utf8');

function identity(n: number, extra: Record<string, unknown> = {}) {
  return {
    type: 'identity',
    spec_version: '2.1',
    id: `identity--${String(n).padStart(8, '0')}-1111-4111-8111-111111111111`,
    created: '2024-01-01T00:00:00.000Z',
    modified: '2024-01-01T00:00:00.000Z',
    name: `Office ${n}`,
    identity_class: 'organization',
    ...extra,
  };
}
const bundle = (objects: unknown[]) => JSON.stringify({ type: 'bundle', id: 'bundle--5d0092c5-5f74-4287-9642-33f4c354e56d', objects });

let h: Harness;
beforeEach(async () => {
  h = await harness({ stix: memoryStixStore(), config: { importLimit: 64 * 1024 } });
});
afterEach(async () => {
  await h.close();
});

const upload = (payload: string | Buffer, options: { key?: string; type?: string; query?: string; headers?: Record<string, string> } = {}) =>
  h.app.inject({
    method: 'POST',
    url: `/api/v1/import${options.query ?? ''}`,
    headers: { authorization: `Bearer ${options.key ?? h.a.writeKey}`, 'content-type': options.type ?? 'application/stix+json', ...options.headers },
    payload,
  });

describe('POST /api/v1/import', () => {
  it('imports a bundle owned by the caller and answers the CLI summary', async () => {
    const res = await upload(bundle([identity(1), identity(2)]));
    expect(res.statusCode).toBe(200);
    expect(res.json()).toEqual({ stored: true, objects: 2, added: 2, newVersions: 0, unchanged: 0, rejected: 0, rejections: [] });
    const stored = await h.stix.get({ kind: 'operator' }, identity(1).id as never);
    // No audience asked: the organization's own default for the TLP (the same as publishing the items one by one), never the TLP's widest.
    expect(stored?.sharing).toEqual({ owner: ORG_A, tlp: 'green', audience: [`org:${ORG_A}`] });
    const again = await upload(bundle([identity(1), identity(2, { modified: '2024-02-01T00:00:00.000Z' })]));
    expect(again.json()).toMatchObject({ added: 0, newVersions: 1, unchanged: 1 });
  });

  it('writes the TLP marking it holds an unmarked object under into the object, and the same file again is the same version', async () => {
    const file = bundle([identity(1), identity(2, { object_marking_refs: [TLP_MARKING_IDS.amber] })]);
    expect((await upload(file)).json()).toMatchObject({ added: 2 });
    const unmarked = await h.stix.get({ kind: 'operator' }, identity(1).id as never);
    // Shared under GREEN by default, and now says so to TAXII readers and the Intelligence list; the rest of its text is as it came.
    expect(unmarked?.json).toBe(`${JSON.stringify(identity(1)).slice(0, -1)},"object_marking_refs":["${TLP_MARKING_IDS.green}"]}`);
    expect(unmarked?.sharing.tlp).toBe('green');
    expect(loadOasisValidator().validate(JSON.parse(unmarked?.json ?? '{}')).errors).toEqual([]);
    // An object marked already is stored as it came.
    expect((await h.stix.get({ kind: 'operator' }, identity(2).id as never))?.json).toBe(JSON.stringify(identity(2, { object_marking_refs: [TLP_MARKING_IDS.amber] })));
    expect((await upload(file)).json()).toMatchObject({ added: 0, newVersions: 0, unchanged: 2, rejected: 0 });
    // Under ?tlp=amber the marking written in is AMBER's.
    expect((await upload(bundle([identity(3)]), { query: `?tlp=amber&audience=org:${ORG_A}` })).statusCode).toBe(200);
    expect(JSON.parse((await h.stix.get({ kind: 'operator' }, identity(3).id as never))?.json ?? '{}')).toMatchObject({ object_marking_refs: [TLP_MARKING_IDS.amber] });
  });

  it('recognises a file stored before the hub wrote markings in as the same versions', async () => {
    // A version stored as it came, without the marking (what earlier imports stored).
    const old = identity(4);
    await h.stix.write(async (w) => {
      await w.putBatch([{ id: old.id as never, type: 'identity', created: old.created, modified: old.modified, revoked: false, name: old.name, description: null, json: JSON.stringify(old), sharing: { owner: ORG_A, tlp: 'green', audience: ['community'] } }], 'reject');
      return { ok: true, value: null } as const;
    });
    expect((await upload(bundle([old]))).json()).toMatchObject({ added: 0, newVersions: 0, unchanged: 1, rejected: 0 });
    expect((await h.stix.get({ kind: 'operator' }, old.id as never))?.json).toBe(JSON.stringify(old));
  });

  it('stores nothing when one object is invalid (422 import-rejected with the path), or only the valid ones with skip_invalid', async () => {
    const before = await h.fingerprint();
    const res = await upload(bundle([identity(1), identity(2, { identity_class: undefined, created: 'yesterday' })]));
    expect(res.statusCode).toBe(422);
    const problem = res.json<{ code: string; errors: { path: string; code: string }[] }>();
    expect(problem.code).toBe('import-rejected');
    expect(problem.errors).toEqual(expect.arrayContaining([expect.objectContaining({ path: '$.objects[1].created', code: 'invalid-timestamp' })]));
    expect(await h.fingerprint()).toBe(before);
    const skip = await upload(bundle([identity(1), identity(2, { created: 'yesterday' })]), { query: '?skip_invalid=true' });
    expect(skip.statusCode).toBe(200);
    expect(skip.json()).toMatchObject({ objects: 2, added: 1, rejected: 1 });
  });

  it("refuses objects another organization created or owns, storing nothing", async () => {
    const before = await h.fingerprint();
    const foreign = await upload(bundle([identity(1), identity(2, { created_by_ref: ORG_B })]));
    expect(foreign.statusCode).toBe(422);
    expect(foreign.json<{ errors: { code: string }[] }>().errors).toEqual([expect.objectContaining({ code: 'created-by-mismatch' })]);
    expect(await h.fingerprint()).toBe(before);

    expect((await upload(bundle([identity(3)]), { key: h.b.writeKey, query: '?audience=community' })).statusCode).toBe(200);
    const mid = await h.fingerprint();
    const takeover = await upload(bundle([identity(4), identity(3, { modified: '2024-05-01T00:00:00.000Z' })]));
    expect(takeover.statusCode).toBe(422);
    expect(takeover.json<{ errors: { code: string }[] }>().errors).toEqual([expect.objectContaining({ code: 'not-owner' })]);
    expect(await h.fingerprint()).toBe(mid);
  });

  it('says an item another organization made and shared with the uploader is already here, and stores the rest with skip_invalid', async () => {
    // Organization B shares an identity with everyone; A exports it and uploads it again beside one of its own.
    expect((await upload(bundle([identity(5, { created_by_ref: ORG_B })]), { key: h.b.writeKey, query: '?tlp=green&audience=community' })).statusCode).toBe(200);
    const before = await h.fingerprint();
    const again = await upload(bundle([identity(6), identity(5, { created_by_ref: ORG_B })]));
    expect(again.statusCode).toBe(422);
    const refused = again.json<{ detail: string; errors: { code: string; message: string; path: string }[] }>();
    expect(refused.errors).toEqual([expect.objectContaining({ code: 'already-here', path: '$.objects[1]' })]);
    expect(refused.errors[0]?.message).toMatch(/^this item is already here: .*only its maker can change it; leave it out/);
    expect(await h.fingerprint()).toBe(before);
    const rest = await upload(bundle([identity(6), identity(5, { created_by_ref: ORG_B })]), { query: '?skip_invalid=true' });
    expect(rest.json()).toMatchObject({ stored: true, added: 1, rejected: 1 });
  });

  it('applies the tlp and audience query and refuses an audience the TLP does not allow', async () => {
    const ok = await upload(bundle([identity(1)]), { query: `?tlp=amber&audience=org:${ORG_A},state:06` });
    expect(ok.statusCode).toBe(200);
    expect((await h.stix.get({ kind: 'operator' }, identity(1).id as never))?.sharing).toEqual({ owner: ORG_A, tlp: 'amber', audience: [`org:${ORG_A}`, 'state:06'] });
    const before = await h.fingerprint();
    const wide = await upload(bundle([identity(2)]), { query: '?tlp=red&audience=community' });
    expect(wide.statusCode).toBe(422);
    expect(wide.json<{ errors: { code: string }[] }>().errors[0]?.code).toBe('tlp-audience-mismatch');
    const badKey = await upload(bundle([identity(2)]), { query: '?audience=everyone' });
    expect(badKey.statusCode).toBe(400);
    expect(badKey.json<{ code: string }>().code).toBe('invalid-audience-key');
    const badTlp = await upload(bundle([identity(2)]), { query: '?tlp=purple' });
    expect(badTlp.statusCode).toBe(400);
    expect(badTlp.json<{ code: string }>().code).toBe('invalid-request');
    expect(await h.fingerprint()).toBe(before);
  });

  it('refuses malformed JSON (400), a wrong media type (415), an upload over the limit (413), and callers who may not write', async () => {
    const before = await h.fingerprint();
    const malformed = await upload('{"type": "bundle" "objects": []}');
    expect(malformed.statusCode).toBe(400);
    expect(malformed.json<{ code: string }>().code).toBe('malformed-json');
    const element = await upload('{"type": "bundle", "objects": [ {"type": "identity",, } ] }');
    expect(element.statusCode).toBe(422);
    expect(element.json<{ errors: { code: string; path: string }[] }>().errors).toEqual([expect.objectContaining({ code: 'malformed-json', path: '$.objects[0]' })]);
    const deep = await upload(`{"type": "bundle", "objects": [ {"type": "identity", "x_deep": ${'{"a":'.repeat(3_000)}1${'}'.repeat(3_000)}} ] }`);
    expect(deep.statusCode).toBe(422);
    expect(deep.json<{ errors: { code: string; path: string }[] }>().errors).toEqual([expect.objectContaining({ code: 'too-deeply-nested' })]);
    const text = await upload(bundle([identity(1)]), { type: 'text/csv' });
    expect(text.statusCode).toBe(415);
    expect(text.json<{ code: string }>().code).toBe('unsupported-media-type');
    const many = Array.from({ length: 400 }, (_, i) => identity(i + 1));
    const big = await upload(bundle(many));
    expect(big.statusCode).toBe(413);
    expect(big.json<{ code: string }>().code).toBe('payload-too-large');
    const readOnly = await upload(bundle([identity(1)]), { key: h.a.readKey });
    expect(readOnly.statusCode).toBe(403);
    expect(readOnly.json<{ code: string }>().code).toBe('insufficient-scope');
    const anonymous = await h.app.inject({ method: 'POST', url: '/api/v1/import', headers: { 'content-type': 'application/json' }, payload: bundle([identity(1)]) });
    expect(anonymous.statusCode).toBe(401);
    expect(await h.fingerprint()).toBe(before);
  });

  it('answers a POST without Content-Type (so without an upload) 415, storing nothing', async () => {
    const before = await h.fingerprint();
    for (const payload of [undefined, bundle([identity(1)])]) {
      const res = await h.app.inject({ method: 'POST', url: '/api/v1/import', headers: { authorization: `Bearer ${h.a.writeKey}` }, ...(payload === undefined ? {} : { payload }) });
      expect(res.statusCode, res.body).toBe(415);
      expect(res.json<{ code: string }>().code).toBe('unsupported-media-type');
    }
    expect(await h.fingerprint()).toBe(before);
  });

  it('follows the storing as JSON lines when asked (Accept: application/x-ndjson), ending with the summary or the problem', async () => {
    // Larger than one read of the spooled file (64 KiB), so that storing it takes several steps.
    const many = bundle(Array.from({ length: 600 }, (_, i) => identity(i + 1, { description: 'x'.repeat(400) })));
    await h.close();
    h = await harness({ stix: memoryStixStore(), config: { importLimit: 4 * 1024 * 1024 } });
    const res = await upload(many, { headers: { accept: 'application/x-ndjson' } });
    expect(res.statusCode).toBe(200);
    expect(res.headers['content-type']).toBe('application/x-ndjson; charset=utf-8');
    const lines = res.body.trimEnd().split('\n').map((l) => JSON.parse(l) as Record<string, unknown>);
    const steps = lines.slice(0, -1) as { stage: string; bytes: number; total: number }[];
    expect(steps.length).toBeGreaterThan(1);
    expect(steps.every((l) => l.stage === 'storing' && l.total === Buffer.byteLength(many) && l.bytes <= l.total)).toBe(true);
    expect(steps.map((l) => l.bytes)).toEqual([...steps.map((l) => l.bytes)].sort((a, b) => a - b));
    expect(lines.at(-1)).toEqual({ result: { stored: true, objects: 600, added: 600, newVersions: 0, unchanged: 0, rejected: 0, rejections: [] } });

    const before = await h.fingerprint();
    const refused = await upload(bundle([identity(1000), identity(1001, { created: 'yesterday' })]), { headers: { accept: 'application/x-ndjson' } });
    const last = JSON.parse(refused.body.trimEnd().split('\n').at(-1) ?? '{}') as { problem?: { code: string; status: number } };
    expect(last.problem).toMatchObject({ code: 'import-rejected', status: 422 });
    expect(await h.fingerprint()).toBe(before);
    // Refusals before any byte is stored stay plain problem+json.
    const unauthorised = await upload(many, { key: 'nonsense', headers: { accept: 'application/x-ndjson' } });
    expect(unauthorised.statusCode).toBe(401);
  });

  it('imports the official TLP marking definitions bundle', async () => {
    const res = await upload(TLP_BUNDLE, { type: 'application/json' });
    expect(res.statusCode, res.body).toBe(200);
    expect(res.json<{ added: number }>().added).toBeGreaterThan(0);
  });
});

describe.each(testDialects())('POST /api/v1/import over a real store (%s)', (dialect) => {
  it('answers (it once waited forever on SQLite: the owner check read outside the write transaction) and still refuses versions of another organization\'s object, storing nothing', async () => {
    const db = testDatabase(dialect);
    const store = await openStore({ url: db.url });
    const real = await harness({ stix: store.stix });
    try {
      const send = (key: string, objects: unknown[]) =>
        real.app.inject({ method: 'POST', url: '/api/v1/import?audience=community', headers: { authorization: `Bearer ${key}`, 'content-type': 'application/json' }, payload: bundle(objects) });
      const first = await send(real.b.writeKey, [identity(3)]);
      expect(first.statusCode, first.body).toBe(200);
      const before = await real.fingerprint();
      const takeover = await send(real.a.writeKey, [identity(4), identity(3, { modified: '2024-05-01T00:00:00.000Z' })]);
      expect(takeover.statusCode).toBe(422);
      expect(takeover.json<{ errors: { code: string }[] }>().errors).toEqual([expect.objectContaining({ code: 'not-owner' })]);
      expect(await real.fingerprint()).toBe(before);
      expect((await send(real.b.writeKey, [identity(3, { modified: '2024-05-01T00:00:00.000Z' })])).json()).toMatchObject({ newVersions: 1 });
    } finally {
      await real.close();
      await store.close();
      await db.drop();
    }
  });

  it('answers other requests while a slow client is still sending its upload (the write transaction opens only once the body is in)', async () => {
    const db = testDatabase(dialect);
    const store = await openStore({ url: db.url });
    const real = await harness({ stix: store.stix });
    try {
      const text = bundle([identity(5)]);
      const body = new PassThrough();
      const pending = real.app.inject({ method: 'POST', url: '/api/v1/import', headers: { authorization: `Bearer ${real.a.writeKey}`, 'content-type': 'application/json' }, payload: body });
      body.write(text.slice(0, 20));
      await sleep(50);
      const list = real.app.inject({ method: 'GET', url: '/api/v1/objects', headers: { authorization: `Bearer ${real.b.readKey}` } });
      const answered = await Promise.race([list.then((r) => r.statusCode), sleep(5000).then(() => 'still waiting')]);
      expect(answered).toBe(200);
      body.end(text.slice(20));
      const done = await pending;
      expect(done.statusCode, done.body).toBe(200);
      expect(done.json()).toMatchObject({ added: 1 });
    } finally {
      await real.close();
      await store.close();
      await db.drop();
    }
  });
});

describe('POST /api/v1/import in the audit log', () => {
  it('records one import entry per upload that stored something, and none for a refused or unchanged one', async () => {
    const db = testDatabase('sqlite');
    const store = await openStore({ url: db.url });
    const audit = createAuditLog(store);
    const local = await harness({ stix: store.stix, audit });
    try {
      const send = (payload: string, query = '') =>
        local.app.inject({ method: 'POST', url: `/api/v1/import${query}`, headers: { authorization: `Bearer ${local.a.writeKey}`, 'content-type': 'application/stix+json' }, payload });
      expect((await send(bundle([identity(1), identity(2)]), '?tlp=green&audience=community')).statusCode).toBe(200);
      const refused = await send(bundle([identity(3), { ...identity(4), identity_class: undefined, name: undefined }]));
      expect(refused.statusCode).toBe(422);
      expect((await send(bundle([identity(1)]))).statusCode).toBe(200);
      const entries = await audit.entries(0, 100);
      expect(entries.map((e) => [e.action, e.actor_org, e.subject_org])).toEqual([['import', ORG_A, ORG_A]]);
      expect(entries[0]?.details).toEqual({ via: 'POST /api/v1/import', objects: 2, added: 2, new_versions: 0, unchanged: 0, rejected: 0, tlp: 'green', audience: ['community'] });
      expect((await audit.verify()).findings).toEqual([]);
    } finally {
      await local.close();
      await store.close();
      await db.drop();
    }
  });
});
