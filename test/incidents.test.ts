import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { OrgId } from '../src/domain/ids.ts';
import { RAMPART_EXTENSION_ID } from '../src/stix/rampart-extension.ts';
import { composedHub, type ComposedHub, type Person } from './helpers/composed-hub.ts';
import { tableRows } from './helpers/store.ts';

/**
 * Incidents as cases through the composed hub: two counties of one state, the state office and an
 * outsider state. Every step is a new version or object by the right organization; every refusal
 * leaves every table as it was.
 */
const IGNORED = { api_key: ['last_used_at'] };
const INCIDENT = 'incident--1a000000-0000-4000-8000-000000000001';
const B_INCIDENT = 'incident--1b000000-0000-4000-8000-000000000002';
const INDICATOR = 'indicator--1c000000-0000-4000-8000-000000000003';
const HIDDEN_INDICATOR = 'indicator--1d000000-0000-4000-8000-000000000004';
const TECHNIQUE = 'attack-pattern--1e000000-0000-4000-8000-000000000005';

let h: ComposedHub;
let countyA: OrgId;
let countyB: OrgId;
let clerk: Person;
let deputy: Person;
let admin: Person;
let clerkB: Person;
let stateAnalyst: Person;
let outsider: Person;

const sdo = (type: string, id: string, extra: Record<string, unknown>) => ({ type, spec_version: '2.1', id, created: '2026-11-03T08:00:00.000Z', modified: '2026-11-03T08:00:00.000Z', ...extra });

async function call(who: Person, method: 'GET' | 'POST', url: string, payload?: unknown) {
  const res = await h.hub.app.inject({ method, url, headers: { authorization: `Bearer ${who.key}`, accept: 'application/json' }, ...(payload === undefined ? {} : { payload: payload as object }) });
  return { status: res.statusCode, body: res.json<Record<string, unknown>>(), text: res.body };
}

/** Runs a request that must be refused with `status` and `code`, and proves no table changed. */
async function refused(who: Person, url: string, payload: unknown, status: number, code: string): Promise<Record<string, unknown>> {
  const before = await tableRows(h.store.database, IGNORED);
  const res = await call(who, 'POST', url, payload);
  expect([res.status, res.body['code']], res.text).toEqual([status, code]);
  expect(await tableRows(h.store.database, IGNORED)).toEqual(before);
  return res.body;
}

const extOf = (body: Record<string, unknown>) => ((body['object'] as Record<string, Record<string, Record<string, unknown>>>)['extensions'] ?? {})[RAMPART_EXTENSION_ID] ?? {};

beforeAll(async () => {
  h = await composedHub();
  const wisconsin = await h.state('55');
  countyA = await h.organization({ kind: 'local', name: 'Birch Falls Town Clerk (fictional)', state_fips: '55' });
  countyB = await h.organization({ kind: 'local', name: 'Cedar Lake County Clerk (fictional)', state_fips: '55' });
  clerk = await h.person(countyA, 'Clerk A');
  deputy = await h.person(countyA, 'Deputy A');
  admin = await h.person(countyA, 'Admin A', 'org-admin');
  clerkB = await h.person(countyB, 'Clerk B');
  stateAnalyst = await h.person(wisconsin, 'State analyst');
  outsider = await h.person(await h.state('17'), 'Illinois analyst');
  const threat = sdo('incident', INCIDENT, {
    name: 'Threatening calls to poll workers (fictional)',
    description: 'Three poll workers received threatening calls at the county office.',
    extensions: { [RAMPART_EXTENSION_ID]: { extension_type: 'property-extension', incident_category: 'threat-to-election-workers', severity: 'high' } },
  });
  expect((await call(clerk, 'POST', '/api/v1/objects', { object: threat, tlp: 'amber', audience: ['state:55'] })).status).toBe(201);
  expect((await call(clerkB, 'POST', '/api/v1/objects', { object: sdo('incident', B_INCIDENT, { name: 'Same calls here (fictional)' }), tlp: 'amber', audience: ['state:55'] })).status).toBe(201);
  expect((await call(stateAnalyst, 'POST', '/api/v1/objects', { object: sdo('indicator', INDICATOR, { name: 'Caller number', pattern: "[x-phone:value = '555-0100']", pattern_type: 'stix', valid_from: '2026-11-03T08:00:00Z' }), tlp: 'green', audience: ['community'] })).status).toBe(201);
  expect((await call(outsider, 'POST', '/api/v1/objects', { object: sdo('indicator', HIDDEN_INDICATOR, { name: 'Not shared', pattern: "[ipv4-addr:value = '203.0.113.9']", pattern_type: 'stix', valid_from: '2026-11-03T08:00:00Z' }), tlp: 'amber', audience: ['state:17'] })).status).toBe(201);
  expect((await call(stateAnalyst, 'POST', '/api/v1/objects', { object: sdo('attack-pattern', TECHNIQUE, { name: 'Harass election workers (fictional technique)' }), tlp: 'green', audience: ['community'] })).status).toBe(201);
});
afterAll(async () => {
  await h.close();
});

describe('the case workflow: status, assignee, referral', () => {
  it('moves the case forward as new versions by the owner, and refuses going back', async () => {
    const ack = await call(clerk, 'POST', `/api/v1/incidents/${INCIDENT}/case`, { status: 'acknowledged' });
    expect(ack.status, ack.text).toBe(201);
    expect(ack.body['outcome']).toBe('new-version');
    expect(extOf(ack.body)['case_status']).toBe('acknowledged');
    expect(ack.body['sharing']).toMatchObject({ tlp: 'amber', audience: ['state:55'] });
    const body = await refused(clerk, `/api/v1/incidents/${INCIDENT}/case`, { status: 'new' }, 409, 'case-status-not-allowed');
    expect(body['detail']).toBe('This case is acknowledged; it can move to investigating or contained or resolved, not to new');
    expect((await call(clerk, 'POST', `/api/v1/incidents/${INCIDENT}/case`, { status: 'investigating' })).status).toBe(201);
  });

  it('assigns the case only to a person of the owner organization', async () => {
    const people = await call(clerk, 'GET', '/api/v1/incidents/assignees');
    expect((people.body as unknown as { name: string }[]).map((p) => p.name).sort()).toEqual(['Admin A', 'Clerk A', 'Deputy A']);
    const assigned = await call(clerk, 'POST', `/api/v1/incidents/${INCIDENT}/case`, { assignee: deputy.userId });
    expect(assigned.status, assigned.text).toBe(201);
    expect(extOf(assigned.body)['assignee']).toBe(deputy.userId);
    await refused(clerk, `/api/v1/incidents/${INCIDENT}/case`, { assignee: clerkB.userId }, 422, 'assignee-not-in-organization');
  });

  it('records the referral to law enforcement: who and when', async () => {
    const referred = await call(clerk, 'POST', `/api/v1/incidents/${INCIDENT}/case`, { referral: { agency: 'FBI field office (fictional)', referred_at: '2026-11-03T09:15:00Z', reference: 'case 42' } });
    expect(referred.status, referred.text).toBe(201);
    expect(extOf(referred.body)['law_enforcement_referral']).toEqual({ agency: 'FBI field office (fictional)', referred_at: '2026-11-03T09:15:00Z', reference: 'case 42' });
  });

  it('refuses case changes by anyone but the owner; one who cannot see the incident learns nothing', async () => {
    await refused(stateAnalyst, `/api/v1/incidents/${INCIDENT}/case`, { status: 'resolved' }, 403, 'not-owner');
    const hidden = await refused(outsider, `/api/v1/incidents/${INCIDENT}/case`, { status: 'resolved' }, 404, 'not-found');
    const never = await refused(outsider, '/api/v1/incidents/incident--1f000000-0000-4000-8000-00000000000f/case', { status: 'resolved' }, 404, 'not-found');
    expect(hidden['detail']).toBe(String(never['detail']).replace('incident--1f000000-0000-4000-8000-00000000000f', INCIDENT));
    await refused(clerk, `/api/v1/incidents/${INCIDENT}/case`, { status: 'done' }, 400, 'invalid-request');
    await refused(clerk, `/api/v1/incidents/${INCIDENT}/case`, {}, 400, 'invalid-request');
    await refused(clerk, `/api/v1/incidents/${INDICATOR}/case`, { status: 'resolved' }, 400, 'not-an-incident');
  });
});

describe('the timeline of notes', () => {
  it("adds notes shared with the incident's audience by default, or narrower", async () => {
    const note = await call(clerk, 'POST', `/api/v1/incidents/${INCIDENT}/notes`, { content: 'Called the sheriff; patrols added at the office.' });
    expect(note.status, note.text).toBe(201);
    expect(note.body['sharing']).toEqual({ owner: countyA, tlp: 'amber', audience: ['state:55'] });
    expect((note.body['object'] as Record<string, unknown>)['object_refs']).toEqual([INCIDENT]);
    const narrow = await call(clerk, 'POST', `/api/v1/incidents/${INCIDENT}/notes`, { content: 'Workers named in the report were told.', tlp: 'amber+strict', audience: [`org:${countyA}`] });
    expect(narrow.status, narrow.text).toBe(201);
    const fromState = await call(stateAnalyst, 'POST', `/api/v1/incidents/${INCIDENT}/notes`, { content: 'State police informed.', audience: [`org:${countyB}`] });
    expect(fromState.status, fromState.text).toBe(201);
  });

  it('refuses a note wider than the incident, or with voter personal data, and a note on what the writer cannot see', async () => {
    await refused(clerk, `/api/v1/incidents/${INCIDENT}/notes`, { content: 'wider', tlp: 'green', audience: ['community'] }, 422, 'note-wider-than-incident');
    await refused(clerk, `/api/v1/incidents/${INCIDENT}/notes`, { content: 'elsewhere', audience: [`org:${outsider.orgId}`] }, 422, 'note-wider-than-incident');
    const leak = await refused(clerk, `/api/v1/incidents/${INCIDENT}/notes`, { content: 'Caller gave SSN 219-09-9999.' }, 422, 'voter-personal-data');
    expect(JSON.stringify(leak)).not.toContain('219-09');
    await refused(outsider, `/api/v1/incidents/${INCIDENT}/notes`, { content: 'hello' }, 404, 'not-found');
    await refused(clerk, `/api/v1/incidents/${INCIDENT}/notes`, { content: '' }, 400, 'invalid-request');
  });

  it('shows each reader the versions and notes shared with it, oldest first', async () => {
    const mine = await call(clerk, 'GET', `/api/v1/incidents/${INCIDENT}/timeline`);
    const items = mine.body['items'] as { kind: string; owner_name: string; object: Record<string, unknown> }[];
    expect(items.filter((i) => i.kind === 'version')).toHaveLength(5);
    expect(items.filter((i) => i.kind === 'note').map((i) => i.object['content'])).toEqual(['Called the sheriff; patrols added at the office.', 'Workers named in the report were told.']);
    const state = await call(stateAnalyst, 'GET', `/api/v1/incidents/${INCIDENT}/timeline`);
    const stateNotes = (state.body['items'] as { kind: string; owner_name: string; object: Record<string, unknown> }[]).filter((i) => i.kind === 'note');
    expect(stateNotes.map((i) => [i.object['content'], i.owner_name])).toEqual([
      ['Called the sheriff; patrols added at the office.', 'Birch Falls Town Clerk (fictional)'],
      ['State police informed.', 'Wisconsin'],
    ]);
    expect((await call(outsider, 'GET', `/api/v1/incidents/${INCIDENT}/timeline`)).status).toBe(404);
  });
});

describe('links and "seen here too"', () => {
  it('links an indicator and a technique the owner may see, once', async () => {
    const link = await call(clerk, 'POST', `/api/v1/incidents/${INCIDENT}/links`, { target_id: INDICATOR });
    expect(link.status, link.text).toBe(201);
    expect(link.body['object']).toMatchObject({ relationship_type: 'indicates', source_ref: INDICATOR, target_ref: INCIDENT });
    expect(link.body['sharing']).toEqual({ owner: countyA, tlp: 'amber', audience: ['state:55'] });
    const technique = await call(clerk, 'POST', `/api/v1/incidents/${INCIDENT}/links`, { target_id: TECHNIQUE });
    expect(technique.body['object']).toMatchObject({ relationship_type: 'uses', source_ref: INCIDENT, target_ref: TECHNIQUE });
    await refused(clerk, `/api/v1/incidents/${INCIDENT}/links`, { target_id: INDICATOR }, 409, 'already-linked');
  });

  it('refuses links to what the owner cannot see (as not found), to incidents, and by others', async () => {
    await refused(clerk, `/api/v1/incidents/${INCIDENT}/links`, { target_id: HIDDEN_INDICATOR }, 404, 'not-found');
    await refused(clerk, `/api/v1/incidents/${INCIDENT}/links`, { target_id: B_INCIDENT }, 422, 'cannot-link');
    await refused(clerkB, `/api/v1/incidents/${INCIDENT}/links`, { target_id: INDICATOR }, 403, 'not-owner');
  });

  it('lets another jurisdiction say "seen here too" with its own incident, seen by the owner only as far as it is shared', async () => {
    await refused(clerk, `/api/v1/incidents/${INCIDENT}/corroborations`, { incident_id: INCIDENT }, 422, 'own-incident');
    await refused(clerkB, `/api/v1/incidents/${INCIDENT}/corroborations`, { incident_id: INCIDENT }, 422, 'not-your-incident');
    await refused(outsider, `/api/v1/incidents/${INCIDENT}/corroborations`, { incident_id: B_INCIDENT }, 404, 'not-found');
    const hiddenLink = await call(clerkB, 'POST', `/api/v1/incidents/${INCIDENT}/corroborations`, { incident_id: B_INCIDENT, tlp: 'amber+strict', audience: [`org:${countyB}`] });
    expect(hiddenLink.status, hiddenLink.text).toBe(201);
    const related = async () => ((await call(clerk, 'GET', `/api/v1/objects/${INCIDENT}/related`)).body['items'] as { relationship: Record<string, unknown> }[]).map((i) => i.relationship['relationship_type']);
    expect(await related()).not.toContain('corroborates');
    await refused(clerkB, `/api/v1/incidents/${INCIDENT}/corroborations`, { incident_id: B_INCIDENT }, 409, 'already-linked');
  });

  it('shows the owner a "seen here too" shared with it', async () => {
    const other = 'incident--1b000000-0000-4000-8000-000000000009';
    expect((await call(clerkB, 'POST', '/api/v1/objects', { object: sdo('incident', other, { name: 'Calls again (fictional)' }), tlp: 'amber', audience: ['state:55'] })).status).toBe(201);
    const shared = await call(clerkB, 'POST', `/api/v1/incidents/${INCIDENT}/corroborations`, { incident_id: other });
    expect(shared.status, shared.text).toBe(201);
    expect(shared.body['sharing']).toEqual({ owner: countyB, tlp: 'amber', audience: ['state:55'] });
    const items = (await call(clerk, 'GET', `/api/v1/objects/${INCIDENT}/related`)).body['items'] as { relationship: Record<string, unknown>; other: { id: string } | null }[];
    expect(items.filter((i) => i.relationship['relationship_type'] === 'corroborates').map((i) => i.other?.id)).toEqual([other]);
  });
});

describe('closing and revoking', () => {
  it('closes (resolved), reopens, and after a revocation refuses every change', async () => {
    expect((await call(clerk, 'POST', `/api/v1/incidents/${INCIDENT}/case`, { status: 'resolved' })).status).toBe(201);
    expect((await call(clerk, 'POST', `/api/v1/incidents/${INCIDENT}/case`, { status: 'reopened' })).status).toBe(201);
    expect((await call(clerk, 'POST', `/api/v1/incidents/${INCIDENT}/case`, { status: 'resolved' })).status).toBe(201);
    expect((await call(clerk, 'POST', `/api/v1/objects/${INCIDENT}/revoke`)).status).toBe(201);
    await refused(clerk, `/api/v1/incidents/${INCIDENT}/case`, { status: 'reopened' }, 409, 'already-revoked');
  });

  it('audits every change of the case as a version, share or revocation by the owner', async () => {
    const trail = await call(admin, 'GET', '/api/v1/org/audit?limit=200');
    if (trail.status !== 200) return expect.fail(`audit trail: ${trail.text}`);
    const entries = trail.body['entries'] as { action: string; object_id: string | null }[];
    const forIncident = entries.filter((e) => e.object_id === INCIDENT).map((e) => e.action);
    expect(forIncident.filter((a) => a === 'version')).toHaveLength(7);
    expect(forIncident).toContain('revoke');
  });
});
