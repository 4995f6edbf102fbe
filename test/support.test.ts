import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { OrgId } from '../src/domain/ids.ts';
import { composedHub, type ComposedHub, type Person } from './helpers/composed-hub.ts';
import { openSse } from './helpers/sse.ts';
import { tableRows } from './helpers/store.ts';

/**
 * Support requests through the composed hub: a county asks CISA for a vulnerability scan from CISA's
 * catalogue; CISA accepts, schedules and completes; both write; the county adds its state office.
 * Every refusal leaves every table as it was.
 */
const IGNORED = { api_key: ['last_used_at'] };

let h: ComposedHub;
let county: OrgId;
let wisconsin: OrgId;
let cisa: OrgId;
let clerk: Person;
let stateAnalyst: Person;
let cisaAnalyst: Person;
let outsider: Person;
let requestId = '';

async function call(who: Person, method: 'GET' | 'POST' | 'PUT', url: string, payload?: unknown) {
  const res = await h.hub.app.inject({ method, url, headers: { authorization: `Bearer ${who.key}`, accept: 'application/json' }, ...(payload === undefined ? {} : { payload: payload as object }) });
  return { status: res.statusCode, body: res.json<Record<string, unknown>>(), text: res.body };
}

async function refused(who: Person, method: 'POST' | 'PUT', url: string, payload: unknown, status: number, code: string): Promise<Record<string, unknown>> {
  const before = await tableRows(h.store.database, IGNORED);
  const res = await call(who, method, url, payload);
  expect([res.status, res.body['code']], res.text).toEqual([status, code]);
  expect(await tableRows(h.store.database, IGNORED)).toEqual(before);
  return res.body;
}

const scan = { provider_org: '', service: 'vulnerability-scanning', title: 'Scan our results website before election night', details: 'Please scan results.example.gov and our office network before 2026-11-03.' };

beforeAll(async () => {
  h = await composedHub();
  wisconsin = await h.state('55');
  county = await h.organization({ kind: 'local', name: 'Birch Falls Town Clerk (fictional)', state_fips: '55' });
  const federal = (await h.hub.auth.context.accounts.listOrganizations({})).find((o) => o.kind === 'federal' && o.name.includes('Cybersecurity'));
  if (federal === undefined) throw new Error('the seed has no CISA');
  cisa = federal.id;
  scan.provider_org = cisa;
  clerk = await h.person(county, 'Clerk');
  stateAnalyst = await h.person(wisconsin, 'State analyst');
  cisaAnalyst = await h.person(cisa, 'CISA analyst');
  outsider = await h.person(await h.state('17'), 'Illinois analyst');
});
afterAll(async () => {
  await h.close();
});

describe('the catalogue', () => {
  it('lets a provider publish services, and lists them for everyone signed in', async () => {
    for (const service of ['vulnerability-scanning', 'tabletop-exercise']) {
      const put = await call(cisaAnalyst, 'PUT', `/api/v1/support/offerings/${service}`, { description: `CISA ${service} for election offices, free of charge.`, active: true });
      expect(put.status, put.text).toBe(200);
    }
    const catalogue = await call(clerk, 'GET', '/api/v1/support/catalogue');
    const items = catalogue.body['items'] as { provider: { id: string; name: string }; service: string }[];
    expect(items.map((i) => [i.provider.id, i.service])).toEqual([
      [cisa, 'tabletop-exercise'],
      [cisa, 'vulnerability-scanning'],
    ]);
    await refused(cisaAnalyst, 'PUT', '/api/v1/support/offerings/mind-reading', { description: 'x', active: true }, 400, 'invalid-request');
    await refused(cisaAnalyst, 'PUT', '/api/v1/support/offerings/threat-briefing', { description: 'Contact Jane Roe, SSN 219-09-9999', active: true }, 422, 'voter-personal-data');
  });
});

describe('a request from asking to completion', () => {
  it('opens a request for the caller’s own office, to a provider that offers the service', async () => {
    const opened = await call(clerk, 'POST', '/api/v1/support/requests', scan);
    expect(opened.status, opened.text).toBe(201);
    expect(opened.body).toMatchObject({ role: 'requester', requester: { id: county }, provider: { id: cisa }, status: 'requested', service_label: 'Vulnerability scanning', actions: ['cancel'] });
    requestId = String(opened.body['id']);
  });

  it('refuses a request on another office’s behalf, by a provider, for a service not offered, to oneself, or with voter data', async () => {
    await refused(clerk, 'POST', '/api/v1/support/requests', { ...scan, requester_org: wisconsin }, 400, 'invalid-request');
    await refused(cisaAnalyst, 'POST', '/api/v1/support/requests', { ...scan, provider_org: wisconsin }, 403, 'not-an-election-office');
    await refused(clerk, 'POST', '/api/v1/support/requests', { ...scan, service: 'risk-assessment' }, 422, 'service-not-offered');
    await refused(clerk, 'POST', '/api/v1/support/requests', { ...scan, provider_org: county }, 422, 'own-organization');
    const leak = await refused(clerk, 'POST', '/api/v1/support/requests', { ...scan, details: 'Voter ID 100293847 belongs to Nora Lindqvist' }, 422, 'voter-personal-data');
    expect(JSON.stringify(leak)).not.toContain('100293847');
  });

  it('shows the request to its requester and provider only', async () => {
    expect((await call(cisaAnalyst, 'GET', `/api/v1/support/requests/${requestId}`)).body).toMatchObject({ role: 'provider', actions: ['accept', 'decline'] });
    expect((await call(stateAnalyst, 'GET', `/api/v1/support/requests/${requestId}`)).status).toBe(404);
    expect((await call(outsider, 'GET', `/api/v1/support/requests/${requestId}`)).status).toBe(404);
    expect((await call(outsider, 'GET', '/api/v1/support/requests')).body['items']).toEqual([]);
    expect(((await call(cisaAnalyst, 'GET', '/api/v1/support/requests')).body['items'] as { id: string }[]).map((r) => r.id)).toEqual([requestId]);
  });

  it('lets only the provider accept, schedule (with a date) and complete, in order', async () => {
    await refused(clerk, 'POST', `/api/v1/support/requests/${requestId}/actions`, { action: 'accept' }, 403, 'not-your-step');
    await refused(cisaAnalyst, 'POST', `/api/v1/support/requests/${requestId}/actions`, { action: 'complete' }, 409, 'support-status-not-allowed');
    await refused(outsider, 'POST', `/api/v1/support/requests/${requestId}/actions`, { action: 'accept' }, 404, 'not-found');
    expect((await call(cisaAnalyst, 'POST', `/api/v1/support/requests/${requestId}/actions`, { action: 'accept' })).body).toMatchObject({ status: 'accepted' });
    await refused(cisaAnalyst, 'POST', `/api/v1/support/requests/${requestId}/actions`, { action: 'schedule' }, 400, 'missing-date');
    const scheduled = await call(cisaAnalyst, 'POST', `/api/v1/support/requests/${requestId}/actions`, { action: 'schedule', scheduled_for: '2026-10-20T14:00:00Z' });
    expect(scheduled.body).toMatchObject({ status: 'scheduled', scheduled_for: '2026-10-20T14:00:00Z' });
  });

  it('carries messages both ways, refusing outsiders and voter data', async () => {
    expect((await call(clerk, 'POST', `/api/v1/support/requests/${requestId}/messages`, { body: 'Our IT contact is on site Tuesdays.' })).status).toBe(201);
    expect((await call(cisaAnalyst, 'POST', `/api/v1/support/requests/${requestId}/messages`, { body: 'We will come on Tuesday 20 October.' })).status).toBe(201);
    await refused(outsider, 'POST', `/api/v1/support/requests/${requestId}/messages`, { body: 'hello' }, 404, 'not-found');
    await refused(clerk, 'POST', `/api/v1/support/requests/${requestId}/messages`, { body: 'SSN 219-09-9999' }, 422, 'voter-personal-data');
    const detail = await call(clerk, 'GET', `/api/v1/support/requests/${requestId}`);
    expect((detail.body['messages'] as { author: { id: string }; body: string }[]).map((m) => [m.author.id, m.body])).toEqual([
      [county, 'Our IT contact is on site Tuesdays.'],
      [cisa, 'We will come on Tuesday 20 October.'],
    ]);
  });

  it('lets only the requester add an organization; the provider cannot widen it', async () => {
    await refused(cisaAnalyst, 'POST', `/api/v1/support/requests/${requestId}/parties`, { org_id: outsider.orgId }, 403, 'requester-only');
    await refused(clerk, 'POST', `/api/v1/support/requests/${requestId}/parties`, { org_id: 'identity--0fffffff-0000-4000-8000-000000000000' }, 422, 'unknown-organization');
    const added = await call(clerk, 'POST', `/api/v1/support/requests/${requestId}/parties`, { org_id: wisconsin });
    expect(added.status, added.text).toBe(200);
    expect((added.body['parties'] as { id: string }[]).map((p) => p.id)).toEqual([wisconsin]);
    await refused(clerk, 'POST', `/api/v1/support/requests/${requestId}/parties`, { org_id: wisconsin }, 409, 'already-a-party');
    expect((await call(stateAnalyst, 'GET', `/api/v1/support/requests/${requestId}`)).body).toMatchObject({ role: 'party', actions: [] });
    expect((await call(stateAnalyst, 'POST', `/api/v1/support/requests/${requestId}/messages`, { body: 'The state can join the visit.' })).status).toBe(201);
    await refused(stateAnalyst, 'POST', `/api/v1/support/requests/${requestId}/parties`, { org_id: outsider.orgId }, 403, 'requester-only');
    await refused(stateAnalyst, 'POST', `/api/v1/support/requests/${requestId}/actions`, { action: 'complete' }, 403, 'not-your-step');
    expect((await call(outsider, 'GET', `/api/v1/support/requests/${requestId}`)).status).toBe(404);
  });

  it('completes, after which the requester can no longer cancel', async () => {
    expect((await call(cisaAnalyst, 'POST', `/api/v1/support/requests/${requestId}/actions`, { action: 'complete' })).body).toMatchObject({ status: 'completed', actions: [] });
    await refused(clerk, 'POST', `/api/v1/support/requests/${requestId}/actions`, { action: 'cancel' }, 409, 'support-status-not-allowed');
  });
});

describe('the live feed tells each side', () => {
  it('sends a support event to the requester, provider and parties, and to nobody else', async () => {
    const base = `${await h.hub.app.listen({ port: 0, host: '127.0.0.1' })}/api/v1/live`;
    const auth = (p: Person) => ({ authorization: `Bearer ${p.key}` });
    const streams = { provider: await openSse(base, auth(cisaAnalyst)), party: await openSse(base, auth(stateAnalyst)), outsider: await openSse(base, auth(outsider)) };
    try {
      expect((await call(clerk, 'POST', `/api/v1/support/requests/${requestId}/messages`, { body: 'Thank you.' })).status).toBe(201);
      const support = (f: readonly { event: string; data: string }[]) => f.some((x) => x.event === 'support' && x.data === JSON.stringify({ request_id: requestId }));
      await streams.provider.until(support, 'the provider hears of the message');
      await streams.party.until(support, 'the added party hears of the message');
      // Frames arrive in order: once the outsider sees its own later object, a support event would have come first.
      const marker = { type: 'indicator', spec_version: '2.1', id: 'indicator--5a000000-0000-4000-8000-00000000005a', created: '2026-11-03T08:00:00.000Z', modified: '2026-11-03T08:00:00.000Z', name: 'marker', pattern: "[ipv4-addr:value = '198.51.100.7']", pattern_type: 'stix', valid_from: '2026-11-03T08:00:00Z' };
      expect((await call(outsider, 'POST', '/api/v1/objects', { object: marker, tlp: 'amber', audience: [`org:${outsider.orgId}`] })).status).toBe(201);
      await streams.outsider.until((f) => f.some((x) => x.event === 'object' && x.data.includes('marker')), 'the outsider sees its own object');
      expect(streams.outsider.frames.filter((f) => f.event === 'support')).toEqual([]);
    } finally {
      await Promise.all(Object.values(streams).map((s) => s.close()));
    }
  });
});

describe('a request about an incident', () => {
  const incident = (n: number, name: string) => ({
    type: 'incident',
    spec_version: '2.1',
    id: `incident--5b000000-0000-4000-8000-00000000000${n}`,
    created: '2026-11-03T09:00:00.000Z',
    modified: '2026-11-03T09:00:00.000Z',
    name,
  });
  const own = incident(1, 'Results website defaced (fictional)');
  const hidden = incident(2, 'Illinois poll-book outage (fictional)');

  it('links the request to an incident its requester sees, and shows the link only to readers who see the incident', async () => {
    expect((await call(clerk, 'POST', '/api/v1/objects', { object: own, tlp: 'amber', audience: [`org:${county}`] })).status).toBe(201);
    expect((await call(outsider, 'POST', '/api/v1/objects', { object: hidden, tlp: 'amber', audience: [`org:${outsider.orgId}`] })).status).toBe(201);
    // An incident the requester may not see is refused exactly as one that does not exist, and nothing is stored.
    const other = await refused(clerk, 'POST', '/api/v1/support/requests', { ...scan, incident_id: hidden.id }, 422, 'incident-not-found');
    const none = await refused(clerk, 'POST', '/api/v1/support/requests', { ...scan, incident_id: 'incident--5b000000-0000-4000-8000-0000000000ff' }, 422, 'incident-not-found');
    expect({ ...other, instance: null }).toEqual({ ...none, instance: null });
    expect(JSON.stringify(other)).not.toContain('Illinois');

    const opened = await call(clerk, 'POST', '/api/v1/support/requests', { ...scan, incident_id: own.id });
    expect(opened.status, opened.text).toBe(201);
    expect(opened.body['incident']).toEqual({ id: own.id, title: own.name });
    const id = String(opened.body['id']);
    const about = async (who: Person) => ((await call(who, 'GET', `/api/v1/support/requests?incident=${own.id}`)).body['items'] as { id: string }[]).map((r) => r.id);
    expect(await about(clerk)).toEqual([id]);

    // CISA is asked but may not see the incident: the request shows no incident, no title, no id.
    const seenByCisa = await call(cisaAnalyst, 'GET', `/api/v1/support/requests/${id}`);
    expect(seenByCisa.body['incident']).toBeNull();
    expect(seenByCisa.text).not.toContain(own.name);
    expect(seenByCisa.text).not.toContain(own.id);
    expect(await about(cisaAnalyst)).toEqual([]);
    expect(JSON.stringify((await call(cisaAnalyst, 'GET', '/api/v1/support/requests')).body)).not.toContain(own.id);

    // Once the county shares the incident with CISA, CISA sees the link both ways.
    expect((await call(clerk, 'PUT', `/api/v1/objects/${own.id}/sharing`, { audience: [`org:${county}`, `org:${cisa}`] })).status).toBe(200);
    expect((await call(cisaAnalyst, 'GET', `/api/v1/support/requests/${id}`)).body['incident']).toEqual({ id: own.id, title: own.name });
    expect(await about(cisaAnalyst)).toEqual([id]);
    // Illinois sees neither the request nor, by the incident, anything about it.
    expect(await about(outsider)).toEqual([]);
  });
});
