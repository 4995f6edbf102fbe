import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { composedHub, type ComposedHub, type Person } from './helpers/composed-hub.ts';
import { tableRows, testDialects } from './helpers/store.ts';

const IGNORED = { api_key: ['last_used_at'] };

describe.each(testDialects())('saved searches on %s', (dialect) => {
  let h: ComposedHub;
  let clerk: Person;
  let colleague: Person;
  beforeAll(async () => {
    h = await composedHub({}, dialect);
    const wi = await h.state('55');
    clerk = await h.person(wi, 'Clerk');
    colleague = await h.person(wi, 'Colleague');
  });
  afterAll(async () => {
    await h.close();
  });
  const call = async (who: Person, method: 'GET' | 'POST' | 'DELETE', url: string, payload?: unknown) => {
    const res = await h.hub.app.inject({ method, url, headers: { authorization: `Bearer ${who.key}` }, ...(payload === undefined ? {} : { payload: payload as object }) });
    return { status: res.statusCode, body: res.body === '' ? {} : res.json<Record<string, unknown>>() };
  };
  const refused = async (who: Person, method: 'POST' | 'DELETE', url: string, payload: unknown, status: number, code: string) => {
    const before = await tableRows(h.store.database, IGNORED);
    const res = await call(who, method, url, payload);
    expect([res.status, res.body['code']], JSON.stringify(res.body)).toEqual([status, code]);
    expect(await tableRows(h.store.database, IGNORED)).toEqual(before);
  };

  it('saves, lists by name, offers the watch rule it becomes, and deletes; each person sees only their own', async () => {
    const saved = await call(clerk, 'POST', '/api/v1/me/saved-searches', { name: ' Phishing in Wisconsin ', query: { q: 'phishing', type: 'incident,indicator', tlp: 'green,amber', severity: 'high', state: '55', owner: clerk.orgId, sort: 'modified', order: 'desc' } });
    expect(saved.status, JSON.stringify(saved.body)).toBe(201);
    expect(saved.body).toMatchObject({
      name: 'Phishing in Wisconsin',
      query: { q: 'phishing', type: 'incident,indicator', state: '55' },
      watch_rule: { criteria: { keywords: ['phishing'], types: ['incident', 'indicator'], tlp: ['green', 'amber'], min_severity: 'high', states: ['55'] } },
    });
    expect((saved.body['watch_rule'] as { not_carried: string[] }).not_carried).toEqual(['severity exactly high: the rule watches high and above', 'the owner organizations']);
    // The criteria are a watch rule the alerts feature takes as they are.
    const rule = await call(clerk, 'POST', '/api/v1/me/watch-rules', { name: 'From my search', criteria: (saved.body['watch_rule'] as { criteria: unknown }).criteria });
    expect(rule.status, JSON.stringify(rule.body)).toBe(201);
    expect((await call(clerk, 'POST', '/api/v1/me/saved-searches', { name: 'All amber', query: { tlp: 'amber' } })).status).toBe(201);
    const list = await call(clerk, 'GET', '/api/v1/me/saved-searches');
    expect((list.body['items'] as { name: string }[]).map((i) => i.name)).toEqual(['All amber', 'Phishing in Wisconsin']);
    expect((await call(colleague, 'GET', '/api/v1/me/saved-searches')).body).toEqual({ items: [] });
    const id = String(saved.body['id']);
    // Another person's saved search is answered as one that does not exist.
    await refused(colleague, 'DELETE', `/api/v1/me/saved-searches/${id}`, undefined, 404, 'not-found');
    expect((await call(clerk, 'DELETE', `/api/v1/me/saved-searches/${id}`)).status).toBe(204);
    expect(((await call(clerk, 'GET', '/api/v1/me/saved-searches')).body['items'] as unknown[]).length).toBe(1);
  });

  it('refuses a taken name, an empty name and a query the list would refuse, storing nothing', async () => {
    await refused(clerk, 'POST', '/api/v1/me/saved-searches', { name: 'All amber', query: { tlp: 'green' } }, 409, 'name-taken');
    await refused(clerk, 'POST', '/api/v1/me/saved-searches', { name: '   ', query: {} }, 400, 'invalid-request');
    await refused(clerk, 'POST', '/api/v1/me/saved-searches', { name: 'bad', query: { tlp: 'purple' } }, 400, 'invalid-request');
    await refused(clerk, 'POST', '/api/v1/me/saved-searches', { name: 'bad', query: { cursor: 'abc' } }, 400, 'invalid-request');
    await refused(clerk, 'DELETE', '/api/v1/me/saved-searches/not-an-id', undefined, 400, 'invalid-request');
  });
});
