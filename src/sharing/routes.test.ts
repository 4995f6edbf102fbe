import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { createAuditLog, type AuditLog } from '../audit/audit-log.ts';
import { auditRoutes } from '../audit/routes.ts';
import type { OrgId, StixId } from '../domain/ids.ts';
import type { Principal } from '../domain/principal.ts';
import { bearer, harness, ORG_A, ORG_B, phishingIndicator, PHISHING_ID as ID, type Harness } from '../../test/helpers/http.ts';
import { openStore, type RampartStore } from '../store/index.ts';
import { testDatabase, type TestDatabase } from '../../test/helpers/store.ts';
import type { OrgInfo } from './keys.ts';
import { sharingRoutes } from './routes.ts';
import { createSharingService } from './service.ts';

const indicator = phishingIndicator();
const ORGS = new Map<OrgId, OrgInfo>([
  [ORG_A, { kind: 'local', stateFips: '06' }],
  [ORG_B, { kind: 'state', stateFips: '48' }],
]);

let db: TestDatabase;
let store: RampartStore;
let audit: AuditLog;
let h: Harness;
let admins: Set<OrgId>;

beforeEach(async () => {
  db = testDatabase('sqlite');
  store = await openStore({ url: db.url });
  audit = createAuditLog(store);
  admins = new Set([ORG_A, ORG_B]);
  const sharing = createSharingService({ store, audit, orgInfo: (id) => Promise.resolve(ORGS.get(id) ?? null) });
  // Org-admins here: the write keys of the orgs in `admins`; read keys never administer.
  const isOrgAdmin = (p: Principal) => Promise.resolve(p.scope === 'write' && admins.has(p.orgId));
  h = await harness({ stix: store.stix, sharing, plugins: [sharingRoutes({ sharing, isOrgAdmin }), auditRoutes({ audit, isOrgAdmin })] });
});
afterEach(async () => {
  await h.close();
  await store.close();
  await db.drop();
});

const create = (body: object, key = h.a.writeKey) => h.app.inject({ method: 'POST', url: '/api/v1/objects', headers: bearer(key), payload: body });
const reshare = (body: object, key = h.a.writeKey, id = ID) => h.app.inject({ method: 'PUT', url: `/api/v1/objects/${id}/sharing`, headers: bearer(key), payload: body });
const seenBy = async (key: string) => (await h.app.inject({ method: 'GET', url: `/api/v1/objects/${ID}`, headers: bearer(key) })).statusCode;

describe('PUT /api/v1/objects/{id}/sharing', () => {
  it('lets the owner widen and narrow, taking effect at once', async () => {
    expect((await create({ object: indicator, tlp: 'green' })).json<{ sharing: unknown }>().sharing).toEqual({ owner: ORG_A, tlp: 'green', audience: ['state:06', `org:${ORG_A}`] });
    expect(await seenBy(h.b.readKey)).toBe(404);
    const wide = await reshare({ audience: ['community'] });
    expect(wide.statusCode).toBe(200);
    expect(wide.json()).toEqual({ id: ID, changed: true, sharing: { owner: ORG_A, tlp: 'green', audience: ['community'] } });
    expect(await seenBy(h.b.readKey)).toBe(200);
    expect((await reshare({ audience: [`org:${ORG_A}`] })).statusCode).toBe(200);
    expect(await seenBy(h.b.readKey)).toBe(404);
  });

  it('refuses non-owners (re-share, version, revoke), wrong TLP audiences, RED without people, TLP changes, read keys, missing CSRF and strangers, changing nothing', async () => {
    await create({ object: indicator, tlp: 'amber', audience: [`org:${ORG_A}`, `org:${ORG_B}`] });
    const before = await h.fingerprint();
    const cases: [Promise<{ statusCode: number; json: <T>() => T }>, number, string][] = [
      [reshare({ audience: [`org:${ORG_B}`, 'state:48'] }, h.b.writeKey), 403, 'not-owner'],
      [reshare({ audience: ['community'] }), 422, 'tlp-audience-mismatch'],
      [reshare({ audience: [`org:${ORG_A}`], tlp: 'red' }), 400, 'tlp-change-needs-version'],
      [reshare({ audience: [`org:${ORG_A}`] }, h.a.readKey), 403, 'insufficient-scope'],
      [reshare({ audience: ['not-a-key'] }), 400, 'invalid-request'],
      [reshare({ audience: [`org:${ORG_A}`] }, h.a.writeKey, 'indicator--00000000-0000-4000-8000-000000000000'), 404, 'not-found'],
      [h.app.inject({ method: 'PUT', url: `/api/v1/objects/${ID}/sharing`, payload: { audience: [`org:${ORG_A}`] } }), 401, 'unauthenticated'],
      [create({ object: { ...indicator, modified: '2024-11-06T13:00:00.000Z' } }, h.b.writeKey), 403, 'not-owner'],
      [h.app.inject({ method: 'POST', url: `/api/v1/objects/${ID}/revoke`, headers: bearer(h.b.writeKey) }), 403, 'not-owner'],
      [create({ object: { ...indicator, id: 'indicator--22222222-2222-4333-8444-555555555555' }, tlp: 'amber+strict', audience: ['state:06'] }), 422, 'tlp-audience-mismatch'],
      [create({ object: { ...indicator, id: 'indicator--33333333-2222-4333-8444-555555555555' }, tlp: 'red' }), 400, 'audience-required'],
    ];
    for (const [pending, status, code] of cases) {
      const res = await pending;
      expect([res.statusCode, res.json<{ code: string }>().code]).toEqual([status, code]);
    }
    const { cookie } = await h.signIn(h.a);
    const csrf = await h.app.inject({ method: 'PUT', url: `/api/v1/objects/${ID}/sharing`, headers: { cookie }, payload: { audience: [`org:${ORG_A}`] } });
    expect([csrf.statusCode, csrf.json<{ code: string }>().code]).toEqual([403, 'csrf-missing']);
    expect(await h.fingerprint()).toBe(before);
    expect((await audit.trail(ORG_B, 0, 100)).filter((e) => e.actor_org === ORG_B && e.action !== 'read')).toEqual([]);
  });
});

describe('organization defaults', () => {
  it('shows the built-in defaults, lets an org-admin change them, and uses them for new objects', async () => {
    const shown = await h.app.inject({ method: 'GET', url: '/api/v1/org/sharing-defaults', headers: bearer(h.a.readKey) });
    expect(shown.json<{ defaults: unknown[] }>().defaults[2]).toEqual({ tlp: 'amber', audience: ['state:06', `org:${ORG_A}`], source: 'built-in' });
    const put = await h.app.inject({ method: 'PUT', url: '/api/v1/org/sharing-defaults', headers: bearer(h.a.writeKey), payload: { defaults: { amber: [`org:${ORG_A}`, `org:${ORG_B}`] } } });
    expect(put.statusCode).toBe(200);
    expect((await create({ object: indicator, tlp: 'amber' })).json<{ sharing: unknown }>().sharing).toEqual({ owner: ORG_A, tlp: 'amber', audience: [`org:${ORG_A}`, `org:${ORG_B}`] });
  });

  it('apply to a bundle upload without an audience, exactly as to items published one by one', async () => {
    const put = await h.app.inject({ method: 'PUT', url: '/api/v1/org/sharing-defaults', headers: bearer(h.a.writeKey), payload: { defaults: { amber: [`org:${ORG_A}`, `org:${ORG_B}`] } } });
    expect(put.statusCode).toBe(200);
    const upload = (object: object, tlp: string) =>
      h.app.inject({ method: 'POST', url: `/api/v1/import?tlp=${tlp}`, headers: { ...bearer(h.a.writeKey), 'content-type': 'application/json' }, payload: { type: 'bundle', id: 'bundle--0b2c7f1e-9f7e-4c1a-8d55-3f1c2a9e4b10', objects: [object] } });
    expect((await upload(indicator, 'amber')).statusCode).toBe(200);
    expect((await h.stix.get({ kind: 'operator' }, ID as StixId))?.sharing).toEqual({ owner: ORG_A, tlp: 'amber', audience: [`org:${ORG_A}`, `org:${ORG_B}`] });
    // TLP:CLEAR says the item may be passed on; publishing it to the public is the owner's choice, never a default.
    const clear = { ...indicator, id: 'indicator--7b1e2f3a-4c5d-4e6f-8a9b-0c1d2e3f4a5b' };
    expect((await upload(clear, 'clear')).statusCode).toBe(200);
    expect((await h.stix.get({ kind: 'operator' }, clear.id as StixId))?.sharing).toEqual({ owner: ORG_A, tlp: 'clear', audience: ['state:06', `org:${ORG_A}`] });
  });

  it('refuses defaults that break their TLP, and non-admins', async () => {
    const bad = await h.app.inject({ method: 'PUT', url: '/api/v1/org/sharing-defaults', headers: bearer(h.a.writeKey), payload: { defaults: { 'amber+strict': ['state:06'] } } });
    expect([bad.statusCode, bad.json<{ detail: string }>().detail]).toEqual([422, 'default for TLP:AMBER+STRICT: TLP:AMBER+STRICT may only name organizations; remove state:06']);
    admins.delete(ORG_A);
    const denied = await h.app.inject({ method: 'PUT', url: '/api/v1/org/sharing-defaults', headers: bearer(h.a.writeKey), payload: { defaults: { amber: [`org:${ORG_A}`] } } });
    expect([denied.statusCode, denied.json<{ code: string }>().code]).toEqual([403, 'org-admin-required']);
    const shown = await h.app.inject({ method: 'GET', url: '/api/v1/org/sharing-defaults', headers: bearer(h.a.readKey) });
    expect(shown.json<{ defaults: { source: string }[] }>().defaults.every((d) => d.source === 'built-in')).toBe(true);
  });
});

describe('sharing groups over REST', () => {
  it('creates, invites, accepts; only then does the invited org read with the group', async () => {
    const made = await h.app.inject({ method: 'POST', url: '/api/v1/groups', headers: bearer(h.a.writeKey), payload: { name: 'Border states' } });
    expect(made.statusCode).toBe(201);
    const group = made.json<{ id: string }>().id;
    const invited = await h.app.inject({ method: 'POST', url: `/api/v1/groups/${group}/invitations`, headers: bearer(h.a.writeKey), payload: { org_id: ORG_B } });
    expect(invited.statusCode).toBe(201);
    const mine = await h.app.inject({ method: 'GET', url: '/api/v1/groups', headers: bearer(h.b.readKey) });
    expect(mine.json()).toEqual({ groups: [expect.objectContaining({ id: group, status: 'invited', members: null })] });
    const readOnly = await h.app.inject({ method: 'POST', url: `/api/v1/groups/${group}/accept`, headers: bearer(h.b.readKey) });
    expect(readOnly.statusCode).toBe(403);
    const accepted = await h.app.inject({ method: 'POST', url: `/api/v1/groups/${group}/accept`, headers: bearer(h.b.writeKey) });
    expect([accepted.statusCode, accepted.json<{ status: string }>().status]).toEqual([200, 'accepted']);
    const again = await h.app.inject({ method: 'POST', url: `/api/v1/groups/${group}/decline`, headers: bearer(h.b.writeKey) });
    expect([again.statusCode, again.json<{ code: string }>().code]).toEqual([404, 'no-invitation']);
    const shared = await create({ object: indicator, tlp: 'amber', audience: [`group:${group}`] });
    expect(shared.statusCode).toBe(201);
    const left = await h.app.inject({ method: 'POST', url: `/api/v1/groups/${group}/leave`, headers: bearer(h.b.writeKey) });
    expect([left.statusCode, left.json()]).toEqual([200, { left: group }]);
    const gone = await h.app.inject({ method: 'DELETE', url: `/api/v1/groups/${group}/members/${ORG_B}`, headers: bearer(h.a.writeKey) });
    expect([gone.statusCode, gone.json<{ code: string }>().code]).toEqual([404, 'not-a-member']);
  });
});

describe('GET /api/v1/org/audit', () => {
  it('gives an org-admin their own trail, and nobody else', async () => {
    await create({ object: indicator, tlp: 'green', audience: ['community'] });
    await reshare({ audience: ['state:06'] });
    const trail = await h.app.inject({ method: 'GET', url: '/api/v1/org/audit?limit=10', headers: bearer(h.a.writeKey) });
    expect(trail.statusCode).toBe(200);
    expect(trail.json<{ entries: { action: string; object_id: string }[] }>().entries.map((e) => [e.action, e.object_id])).toContainEqual(['reshare', ID]);
    const other = await h.app.inject({ method: 'GET', url: '/api/v1/org/audit', headers: bearer(h.b.writeKey) });
    expect(other.json<{ entries: unknown[] }>().entries).toEqual([]);
    const reader = await h.app.inject({ method: 'GET', url: '/api/v1/org/audit', headers: bearer(h.a.readKey) });
    expect([reader.statusCode, reader.json<{ code: string }>().code]).toEqual([403, 'org-admin-required']);
    const bad = await h.app.inject({ method: 'GET', url: '/api/v1/org/audit?limit=0', headers: bearer(h.a.writeKey) });
    expect(bad.statusCode).toBe(400);
  });
});

describe('GET /api/v1/aggregates/sightings/{id}', () => {
  it('counts sightings owners allowed to be counted, and refuses indicators the reader may not see', async () => {
    await create({ object: indicator, tlp: 'green', audience: ['community'] });
    const sighting = { type: 'sighting', spec_version: '2.1', id: 'sighting--44444444-2222-4333-8444-555555555555', created: '2024-11-05T14:00:00.000Z', modified: '2024-11-05T14:00:00.000Z', sighting_of_ref: ID };
    // Kept to B itself: A cannot see it, so A counts it only once B allows counting.
    expect((await create({ object: sighting, tlp: 'amber', audience: [`org:${ORG_B}`] }, h.b.writeKey)).statusCode).toBe(201);
    const aggregate = async () => (await h.app.inject({ method: 'GET', url: `/api/v1/aggregates/sightings/${ID}`, headers: bearer(h.a.readKey) })).json<unknown>();
    expect(await aggregate()).toEqual({ indicator: ID, sightings: 0, jurisdictions: 0, other_organizations: 0, organizations: 0, states: 0, text: 'sighted 0 times by 0 jurisdictions in 0 states', last_sighted: null });
    const optIn = await h.app.inject({ method: 'PUT', url: '/api/v1/org/counting', headers: bearer(h.b.writeKey), payload: { allow_counting: true } });
    expect(optIn.statusCode).toBe(200);
    expect(await aggregate()).toEqual({ indicator: ID, sightings: 1, jurisdictions: 1, other_organizations: 0, organizations: 1, states: 1, text: 'sighted 1 time by 1 jurisdiction in 1 state', last_sighted: '2024-11-05T14:00:00Z' });
    const optOut = await h.app.inject({ method: 'PUT', url: '/api/v1/org/counting', headers: bearer(h.b.writeKey), payload: { allow_counting: false } });
    expect(optOut.statusCode).toBe(200);
    expect(await aggregate()).toMatchObject({ sightings: 0, organizations: 0 });
    await reshare({ audience: [`org:${ORG_A}`] });
    const hidden = await h.app.inject({ method: 'GET', url: `/api/v1/aggregates/sightings/${ID}`, headers: bearer(h.b.readKey) });
    expect([hidden.statusCode, hidden.json<{ code: string }>().code]).toEqual([404, 'not-found']);
  });
});
