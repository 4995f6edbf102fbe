import type { AddressInfo } from 'node:net';
import { sql } from 'kysely';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { runTransparencyVerify } from '../src/cli/commands/transparency.ts';
import { parseKeySet } from '../src/statements/signing.ts';
import { parseLogDocument, verifyLog } from '../src/transparency/verify.ts';
import { composedHub, type ComposedHub, type Person } from './helpers/composed-hub.ts';
import { tableRows, testDialects } from './helpers/store.ts';

/**
 * The public transparency log through the composed hub, on every dialect: what goes in (corrections, public
 * statements, platform shares and responses) and what never does, the public pages, checkpoints on demand,
 * append-only tables, and `rampart transparency verify` against the running hub.
 */
const IGNORED = { api_key: ['last_used_at'] };
const CORRECTION = {
  title: 'Ballots are not thrown away',
  rumour: 'Posts say mailed ballots that arrive early are thrown away.',
  reality: 'Every mailed ballot that arrives by the deadline is kept and counted.',
  official_links: [{ title: 'Wisconsin Elections Commission', url: 'https://elections.wi.gov/' }],
  state_fips: '55',
  phase: 'before',
};

describe.each(testDialects())('transparency log (%s)', (dialect) => {
  let h: ComposedHub;
  let clerk: Person;
  let state: Person;
  let platform: Person;
  let vendor: Person;
  let stranger: Person;
  let shareId = '';
  const seen: { kind: string; id: string | null }[] = [];

  async function call(who: Person | null, method: 'GET' | 'POST' | 'PUT', url: string, payload?: unknown, headers: Record<string, string> = {}) {
    const res = await h.hub.app.inject({ method, url, headers: { ...(who === null ? {} : { authorization: `Bearer ${who.key}` }), ...headers }, ...(payload === undefined ? {} : { payload: payload as object }) });
    return { status: res.statusCode, body: res.body.startsWith('{') ? res.json<Record<string, unknown>>() : {}, text: res.body, headers: res.headers };
  }
  async function refused(who: Person, url: string, payload: unknown, status: number, code: string) {
    const before = await tableRows(h.store.database, IGNORED);
    const res = await call(who, 'POST', url, payload);
    expect([res.status, res.body['code']], res.text).toEqual([status, code]);
    expect(await tableRows(h.store.database, IGNORED)).toEqual(before);
    return res.body;
  }
  const entries = async () => {
    const res = await call(null, 'GET', '/api/v1/public/transparency/entries?limit=1000');
    expect(res.status, res.text).toBe(200);
    return res.body['entries'] as { seq: number; kind: string; content: Record<string, unknown> }[];
  };
  const report = async (who: Person, tlp: string, audience: string[]) => {
    const res = await call(who, 'POST', '/api/v1/objects', { object: { type: 'report', spec_version: '2.1', id: `report--${crypto.randomUUID()}`, created: '2026-10-01T00:00:00.000Z', modified: '2026-10-01T00:00:00.000Z', name: `Report ${tlp}`, published: '2026-10-01T00:00:00.000Z', object_refs: [who.orgId] }, tlp, audience });
    expect(res.status, res.text).toBe(201);
    return String((res.body['object'] as { id: string }).id);
  };

  beforeAll(async () => {
    h = await composedHub({ transparencyCheckpointMs: 0 }, dialect);
    clerk = await h.person(await h.organization({ kind: 'local', name: 'Dane County Clerk (fictional)', state_fips: '55' }), 'Clerk');
    state = await h.person(await h.state('55'), 'State analyst');
    platform = await h.person(await h.organization({ kind: 'private', name: 'Example Social (fictional)', partner_type: 'platform' }), 'Trust and safety');
    vendor = await h.person(await h.organization({ kind: 'private', name: 'Example Voting Systems (fictional)', partner_type: 'vendor' }), 'Vendor');
    stranger = await h.person(await h.state('17'), 'Illinois analyst');
  });
  afterAll(async () => {
    await h.close();
  });

  it('logs a correction when published, updated and withdrawn, in that order', async () => {
    const made = await call(clerk, 'POST', '/api/v1/corrections', CORRECTION);
    expect(made.status, made.text).toBe(201);
    const id = String((made.body['object'] as { id: string }).id);
    expect((await call(clerk, 'PUT', `/api/v1/corrections/${id}`, { ...CORRECTION, reality: 'Every mailed ballot that arrives by 8 p.m. on election day is counted.' })).status).toBe(201);
    expect((await call(clerk, 'POST', `/api/v1/corrections/${id}/withdraw`, { reason: 'Replaced by the state’s own correction' })).status).toBe(201);
    const log = await entries();
    expect(log.map((e) => [e.seq, e.kind, (e.content['object'] as { id: string }).id])).toEqual([
      [1, 'correction-published', id],
      [2, 'correction-updated', id],
      [3, 'correction-withdrawn', id],
    ]);
    expect(log[2]?.content).toMatchObject({ title: CORRECTION.title, state_fips: '55', publisher: { org_ref: clerk.orgId, name: 'Dane County Clerk (fictional)' }, withdrawn_reason: 'Replaced by the state’s own correction' });
    seen.push({ kind: 'correction', id });
  });

  it('logs a public statement when published, and never one shared more narrowly', async () => {
    for (const tlp of ['green', 'clear']) {
      const draft = await call(state, 'POST', '/api/v1/statements', { title: `Statement (${tlp})`, text: 'Counting is secure.', cosigners: [clerk.orgId], tlp });
      const id = String(draft.body['id']);
      for (const who of [state, clerk]) {
        const hash = String((await call(who, 'GET', `/api/v1/statements/${id}`)).body['content_hash']);
        expect((await call(who, 'POST', `/api/v1/statements/${id}/approve`, { content_hash: hash })).status).toBe(200);
      }
      const published = await call(state, 'POST', `/api/v1/statements/${id}/publish`);
      expect(published.status, published.text).toBe(201);
      seen.push({ kind: tlp, id: String((published.body['object'] as { id: string }).id) });
    }
    const log = await entries();
    expect(log.map((e) => e.kind)).toEqual(['correction-published', 'correction-updated', 'correction-withdrawn', 'statement-published']);
    expect(log[3]?.content).toMatchObject({ title: 'Statement (clear)', object: { id: seen[2]?.id } });
    expect(JSON.stringify(log)).not.toContain(seen[1]?.id);
  });

  it('refuses platform shares that cannot be recorded, naming what to fix, and stores nothing', async () => {
    const amber = await report(state, 'amber', [`org:${state.orgId}`, `org:${platform.orgId}`]);
    const own = await report(state, 'amber', [`org:${state.orgId}`]);
    const body = { object_id: amber, platform: platform.orgId, url: 'https://social.example/posts/123', reason: 'The post gives the wrong election date' };
    await refused(vendor, '/api/v1/platform-shares', body, 403, 'not-an-official');
    await refused(state, '/api/v1/platform-shares', { ...body, platform: vendor.orgId }, 422, 'not-a-platform');
    await refused(state, '/api/v1/platform-shares', { ...body, object_id: own }, 422, 'not-shared-with-platform');
    await refused(stranger, '/api/v1/platform-shares', body, 404, 'not-found');
    await refused(state, '/api/v1/platform-shares', { ...body, url: 'javascript:alert(1)' }, 422, 'invalid-url');
    await refused(state, '/api/v1/platform-shares', { ...body, url: 'not a url' }, 422, 'invalid-url');
    await refused(state, '/api/v1/platform-shares', { ...body, reason: '   ' }, 422, 'empty-reason');
    await refused(state, '/api/v1/platform-shares', { ...body, takedown: true }, 400, 'invalid-request');
  });

  it('records a share and the platform’s response in the log, naming the report only when it is public', async () => {
    const amber = await report(state, 'amber', [`org:${state.orgId}`, `org:${platform.orgId}`]);
    const made = await call(state, 'POST', '/api/v1/platform-shares', { object_id: amber, platform: platform.orgId, url: 'https://social.example/posts/123', reason: 'The post gives the wrong election date' });
    expect(made.status, made.text).toBe(201);
    shareId = String(made.body['id']);
    expect(made.body).toMatchObject({ object_public: false, platform: { org_id: platform.orgId, name: 'Example Social (fictional)' }, response: null });
    const clear = await report(state, 'clear', ['public']);
    expect((await call(state, 'POST', '/api/v1/platform-shares', { object_id: clear, platform: platform.orgId, url: 'https://social.example/posts/456', reason: 'Same false claim, reposted' })).status).toBe(201);
    expect(((await call(platform, 'GET', '/api/v1/platform-shares')).body['items'] as unknown[]).length).toBe(2);
    await refused(stranger, `/api/v1/platform-shares/${shareId}/response`, { outcome: 'labelled', response: 'x' }, 404, 'not-found');
    const answered = await call(platform, 'POST', `/api/v1/platform-shares/${shareId}/response`, { outcome: 'labelled', response: 'We added a label linking to the state’s page.' });
    expect(answered.status, answered.text).toBe(200);
    expect(answered.body['response']).toMatchObject({ outcome: 'labelled', by: platform.orgId });
    const log = await entries();
    expect(log.slice(4).map((e) => [e.kind, e.content['report'] ?? (e.content['object'] as { id: string } | undefined)?.id ?? null])).toEqual([
      ['platform-share', null],
      ['notice-published', clear], // the public report itself: shared with the public
      ['platform-share', clear],
      ['platform-response', null],
    ]);
    expect(log[4]?.content).toEqual({ share_id: shareId, official: { org_ref: state.orgId, name: 'Wisconsin' }, platform: { org_ref: platform.orgId, name: 'Example Social (fictional)' }, url: 'https://social.example/posts/123', reason: 'The post gives the wrong election date', report: null });
    expect(JSON.stringify(log)).not.toContain(amber);
  });

  it('serves entries and checkpoints publicly with ETags; signs checkpoints on demand; the whole log verifies', async () => {
    // Before the first checkpoint: an ordinary answer that says so, not an error.
    const none = await call(null, 'GET', '/api/v1/public/transparency/checkpoints/latest');
    expect([none.status, none.body]).toEqual([200, { size: 8, checkpoint: null }]);
    const first = await call(clerk, 'POST', '/api/v1/transparency/checkpoints');
    expect([first.status, first.body['tree_size']], first.text).toEqual([201, 8]);
    expect((await call(clerk, 'POST', '/api/v1/transparency/checkpoints')).status).toBe(200); // nothing new to sign
    const latest = await call(null, 'GET', '/api/v1/public/transparency/checkpoints/latest');
    expect(latest.body).toEqual({ size: 8, checkpoint: first.body });
    const page = await call(null, 'GET', '/api/v1/public/transparency/entries?from=6&limit=1');
    expect([page.body['size'], page.body['next'], (page.body['entries'] as { seq: number }[]).map((e) => e.seq)]).toEqual([8, 7, [6]]);
    const etag = String(page.headers['etag']);
    expect((await call(null, 'GET', '/api/v1/public/transparency/entries?from=6&limit=1', undefined, { 'if-none-match': etag })).status).toBe(304);
    expect((await call(null, 'GET', '/api/v1/public/transparency/entries?limit=5000')).status).toBe(400);
    const keys = parseKeySet((await call(null, 'GET', '/.well-known/rampart-keys.json')).body);
    const log = parseLogDocument({ entries: await entries(), checkpoints: (await call(null, 'GET', '/api/v1/public/transparency/checkpoints')).body['checkpoints'] });
    if (keys === null || typeof log === 'string') throw new Error(`unreadable: ${typeof log === 'string' ? log : 'no key set'}`);
    expect(verifyLog(log, keys)).toMatchObject({ ok: true, entries: 8, checkpoints: 1 });
  });

  it('rampart transparency verify reads the running hub and says it is valid', async () => {
    await h.hub.app.listen({ host: '127.0.0.1', port: 0 });
    const base = `http://127.0.0.1:${(h.hub.app.server.address() as AddressInfo).port}`;
    let out = '';
    const code = await runTransparencyVerify(base, {}, (t) => (out += t), (t) => (out += t));
    expect([code, out]).toEqual([0, expect.stringContaining('VALID: the chain is intact and every checkpoint is signed by the hub and matches it')]);
    expect(out).toContain('8 entries, 1 checkpoints');
  });

  it('logs anything else a member publishes to the public, and its revocation, but nothing narrower', async () => {
    const size = (await entries()).length;
    const clear = await report(state, 'clear', ['public']);
    await report(state, 'clear', ['community']);
    await report(state, 'green', ['community']);
    const revoked = await call(state, 'POST', `/api/v1/objects/${clear}/revoke`);
    expect(revoked.status, revoked.text).toBe(201);
    const added = (await entries()).slice(size);
    expect(added.map((e) => [e.kind, (e.content['object'] as { id: string }).id, e.content['name']])).toEqual([
      ['notice-published', clear, 'Report clear'],
      ['notice-revoked', clear, 'Report clear'],
    ]);
  });

  it('logs a re-share that makes an object public or takes it back from the public', async () => {
    const size = (await entries()).length;
    const id = await report(state, 'clear', ['community']);
    const widened = await call(state, 'PUT', `/api/v1/objects/${id}/sharing`, { audience: ['public'] });
    expect(widened.status, widened.text).toBe(200);
    expect((await call(state, 'PUT', `/api/v1/objects/${id}/sharing`, { audience: ['public', 'community'] })).status).toBe(200); // still public: nothing new
    expect((await call(state, 'PUT', `/api/v1/objects/${id}/sharing`, { audience: ['community'] })).status).toBe(200);
    const added = (await entries()).slice(size);
    expect(added.map((e) => [e.kind, (e.content['object'] as { id: string }).id, e.content['reshared']])).toEqual([
      ['notice-published', id, true],
      ['notice-unpublished', id, true],
    ]);
  });

  it('keeps the log append-only in the database itself', async () => {
    const before = await tableRows(h.store.database, IGNORED);
    for (const statement of [sql`update transparency_entry set kind = 'x' where seq = 1`, sql`delete from transparency_entry where seq = 8`, sql`update transparency_checkpoint set tree_size = 1`, sql`delete from transparency_checkpoint`]) {
      await expect(statement.execute(h.store.database.db)).rejects.toThrow(/append-only/);
    }
    if (dialect === 'postgres') await expect(sql`truncate transparency_entry`.execute(h.store.database.db)).rejects.toThrow(/append-only/);
    expect(await tableRows(h.store.database, IGNORED)).toEqual(before);
  });
});
