import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { parseKeySet, verifyStatement } from '../src/statements/signing.ts';
import { composedHub, type ComposedHub, type Person } from './helpers/composed-hub.ts';
import { tableRows, testDialects } from './helpers/store.ts';

/** Joint statements through the composed hub: draft, approvals of the exact text, reset on edit, publish, verify; on SQLite, and PostgreSQL when RAMPART_TEST_DATABASE_URL is set. */
const IGNORED = { api_key: ['last_used_at'] };

describe.each(testDialects())('joint statements on %s', (dialect) => {
  let h: ComposedHub;
  let cisa: Person;
  let cisaAdmin: Person;
  let wi: Person;
  let il: Person;
  let id = '';
  let stixId = '';

  async function call(who: Person | null, method: 'GET' | 'POST' | 'PUT', url: string, payload?: unknown) {
    const res = await h.hub.app.inject({ method, url, headers: who === null ? {} : { authorization: `Bearer ${who.key}` }, ...(payload === undefined ? {} : { payload: payload as object }) });
    return { status: res.statusCode, body: res.body === '' ? {} : res.json<Record<string, unknown>>(), text: res.body };
  }
  async function refused(who: Person, method: 'POST' | 'PUT', url: string, payload: unknown, status: number, code: string) {
    const before = await tableRows(h.store.database, IGNORED);
    const res = await call(who, method, url, payload);
    expect([res.status, res.body['code']], res.text).toEqual([status, code]);
    expect(await tableRows(h.store.database, IGNORED)).toEqual(before);
  }
  const hashOf = async (who: Person) => String((await call(who, 'GET', `/api/v1/statements/${id}`)).body['content_hash']);

  beforeAll(async () => {
    h = await composedHub({}, dialect);
    const federal = await h.organization({ kind: 'federal', name: 'Cybersecurity and Infrastructure Security Agency (test)' });
    cisa = await h.person(federal, 'CISA analyst');
    cisaAdmin = await h.person(federal, 'CISA admin', 'org-admin');
    wi = await h.person(await h.state('55'), 'Wisconsin analyst');
    il = await h.person(await h.state('17'), 'Illinois analyst');
  });
  afterAll(async () => {
    await h.close();
  });

  it('drafts with co-signers; refuses bad drafts and stores nothing', async () => {
    await refused(cisa, 'POST', '/api/v1/statements', { title: 'T', text: 'X', cosigners: [cisa.orgId], tlp: 'clear' }, 422, 'no-cosigner');
    await refused(cisa, 'POST', '/api/v1/statements', { title: 'T', text: 'X', cosigners: ['identity--00000000-0000-4000-8000-000000000009'], tlp: 'clear' }, 422, 'unknown-cosigner');
    await refused(cisa, 'POST', '/api/v1/statements', { title: 'T', text: 'X', cosigners: [wi.orgId], tlp: 'red' }, 400, 'invalid-request');
    const made = await call(cisa, 'POST', '/api/v1/statements', { title: 'Joint statement on the general election', text: 'The election was secure. Votes are being counted accurately.', cosigners: [wi.orgId], tlp: 'clear' });
    expect(made.status, made.text).toBe(201);
    id = String(made.body['id']);
    expect((made.body['signers'] as { org_id: string; approved: boolean }[]).map((s) => [s.org_id, s.approved])).toEqual([[cisa.orgId, false], [wi.orgId, false]]);
    expect((await call(il, 'GET', `/api/v1/statements/${id}`)).status).toBe(404);
    expect(((await call(wi, 'GET', '/api/v1/statements')).body['items'] as unknown[]).length).toBe(1);
  });

  it('approves only the exact text; an edit resets every approval; publishes only when all approved', async () => {
    await refused(wi, 'POST', `/api/v1/statements/${id}/approve`, { content_hash: 'stale' }, 409, 'statement-changed');
    expect((await call(wi, 'POST', `/api/v1/statements/${id}/approve`, { content_hash: await hashOf(wi) })).status).toBe(200);
    await refused(cisa, 'POST', `/api/v1/statements/${id}/publish`, undefined, 409, 'approvals-missing');
    const edited = await call(cisa, 'PUT', `/api/v1/statements/${id}`, { title: 'Joint statement on the general election', text: 'The election was secure. Every vote is being counted accurately.', cosigners: [wi.orgId], tlp: 'clear' });
    expect(edited.status, edited.text).toBe(200);
    expect((edited.body['signers'] as { approved: boolean }[]).every((s) => !s.approved)).toBe(true);
    // Wisconsin had approved the earlier text: the pages can say the edit cleared it.
    expect((edited.body['signers'] as { org_id: string; approved_at: string | null; earlier_approval_at: string | null }[]).map((s) => [s.org_id, s.approved_at, s.earlier_approval_at !== null])).toEqual([
      [cisa.orgId, null, false],
      [wi.orgId, null, true],
    ]);
    await refused(wi, 'PUT', `/api/v1/statements/${id}`, { title: 'x', text: 'y', cosigners: [cisa.orgId], tlp: 'clear' }, 403, 'not-drafter');
    await refused(il, 'POST', `/api/v1/statements/${id}/approve`, { content_hash: await hashOf(cisa) }, 404, 'not-found');
    for (const who of [cisa, wi]) expect((await call(who, 'POST', `/api/v1/statements/${id}/approve`, { content_hash: await hashOf(who) })).status).toBe(200);
    await refused(wi, 'POST', `/api/v1/statements/${id}/publish`, undefined, 403, 'not-drafter');
    const published = await call(cisa, 'POST', `/api/v1/statements/${id}/publish`);
    expect(published.status, published.text).toBe(201);
    expect(published.body['sharing']).toMatchObject({ owner: cisa.orgId, tlp: 'clear', audience: ['public'] });
    stixId = String((published.body['object'] as { id: string }).id);
    await refused(cisa, 'POST', `/api/v1/statements/${id}/publish`, undefined, 409, 'already-published');
  });

  it('serves the signed statement and the key set publicly; it verifies, and stops verifying when tampered or its key is revoked', async () => {
    const statement = await call(null, 'GET', `/api/v1/public/statements/${stixId}`);
    expect(statement.status).toBe(200);
    const keys = parseKeySet((await call(null, 'GET', '/.well-known/rampart-keys.json')).body);
    expect(keys).not.toBeNull();
    if (keys === null) return;
    const report = verifyStatement(statement.body, keys);
    expect(report).toMatchObject({ ok: true, changed: [] });
    expect(report.signers.map((s) => s.name)).toEqual(['Cybersecurity and Infrastructure Security Agency (test)', 'Wisconsin']);
    expect(verifyStatement({ ...statement.body, description: 'Nothing is secure.' }, keys).changed).toEqual(['text']);
    const cisaKey = keys.keys.find((k) => k.org_ref === cisa.orgId);
    await refused(cisa, 'POST', `/api/v1/signing-keys/${String(cisaKey?.key_id)}/revoke`, { reason: 'lost laptop' }, 403, 'org-admin-only');
    expect((await call(cisaAdmin, 'POST', `/api/v1/signing-keys/${String(cisaKey?.key_id)}/revoke`, { reason: 'lost laptop' })).status).toBe(204);
    const after = parseKeySet((await call(null, 'GET', '/.well-known/rampart-keys.json')).body);
    if (after === null) throw new Error('no key set');
    expect(verifyStatement(statement.body, after).signers.map((s) => s.status)).toEqual(['revoked-key', 'valid']);
    const rotated = await call(cisaAdmin, 'POST', '/api/v1/signing-keys/rotate');
    expect(rotated.status).toBe(201);
  });

  it('lists the published statement with its signers on the public pages', async () => {
    const list = await call(null, 'GET', '/api/v1/public/statements');
    expect(list.body['items']).toEqual([expect.objectContaining({ id: stixId, signers: ['Cybersecurity and Infrastructure Security Agency (test)', 'Wisconsin'] })]);
    const notices = await call(null, 'GET', '/api/v1/public/notices');
    expect((notices.body['items'] as { id: string }[]).map((n) => n.id)).not.toContain(stixId); // its own section, not twice
  });
});
