import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { FastifyInstance } from 'fastify';
import type { OrgId, UserId } from '../domain/ids.ts';
import { buildApp } from '../http/app.ts';
import { restPlugins } from '../hub/compose.ts';
import { memoryAuth, ORG_A, ORG_B, tlpRulesSharing, type TestOrg } from '../../test/helpers/http.ts';
import { openStore, type RampartStore } from '../store/index.ts';
import { testDatabase, type TestDatabase } from '../../test/helpers/store.ts';
import { createAuditLog, type AuditLog } from './audit-log.ts';

const org = (orgId: OrgId, n: number): TestOrg => ({
  orgId,
  userId: `${String(n).repeat(8)}-0000-4000-8000-000000000000` as UserId,
  email: `u${n}@example.gov`,
  password: 'unused password',
  writeKey: `write-${n}`,
  readKey: `read-${n}`,
});
const A = org(ORG_A, 1);
const B = org(ORG_B, 2);
const indicator = (id: string, modified = '2024-11-05T13:00:00.000Z') => ({
  type: 'indicator',
  spec_version: '2.1',
  id,
  created: '2024-11-05T13:00:00.000Z',
  modified,
  pattern: "[domain-name:value = 'clerk-elections.example']",
  pattern_type: 'stix',
  valid_from: '2024-11-05T13:00:00Z',
});
const AMBER_ID = 'indicator--8e2e2d2b-17d4-4cbf-938f-98ee46b3cd3f';
const GREEN_ID = 'indicator--11111111-2222-4333-8444-555555555555';

let db: TestDatabase;
let store: RampartStore;
let audit: AuditLog;
let app: FastifyInstance;

beforeEach(async () => {
  db = testDatabase('sqlite');
  store = await openStore({ url: db.url });
  audit = createAuditLog(store);
  const clock = { now: () => new Date('2024-11-06T09:00:00.000Z') };
  app = await buildApp({
    store,
    auth: memoryAuth([A, B]),
    clock,
    config: { hubOwner: 'identity--0c000000-0000-4000-8000-00000000000c' as OrgId },
    plugins: restPlugins({ stix: store.stix, sharing: tlpRulesSharing, clock, audit }),
  });
});
afterEach(async () => {
  await app.close();
  await store.close();
  await db.drop();
});

const call = (method: 'GET' | 'POST', url: string, key: string, payload?: object) =>
  app.inject({ method, url, headers: { authorization: `Bearer ${key}` }, ...(payload === undefined ? {} : { payload }) });

describe('the objects routes write the audit log', () => {
  it('records shares, versions, revocations and reads of TLP:AMBER and above, not of GREEN, and keeps the chain intact', async () => {
    expect((await call('POST', '/api/v1/objects', A.writeKey, { object: indicator(AMBER_ID), sharing: { tlp: 'amber', audience: [`org:${ORG_A}`, `org:${ORG_B}`] } })).statusCode).toBe(201);
    expect((await call('POST', '/api/v1/objects', A.writeKey, { object: indicator(GREEN_ID), sharing: { tlp: 'green', audience: ['community'] } })).statusCode).toBe(201);
    expect((await call('POST', '/api/v1/objects', A.writeKey, { object: indicator(GREEN_ID), sharing: { tlp: 'green', audience: ['community'] } })).statusCode).toBe(200); // unchanged: nothing to record
    expect((await call('POST', '/api/v1/objects', A.writeKey, { object: indicator(AMBER_ID, '2024-11-05T14:00:00.000Z') })).statusCode).toBe(201);
    expect((await call('GET', `/api/v1/objects/${AMBER_ID}`, B.readKey)).statusCode).toBe(200);
    expect((await call('GET', `/api/v1/objects/${GREEN_ID}`, B.readKey)).statusCode).toBe(200);
    expect((await call('GET', '/api/v1/objects', B.readKey)).statusCode).toBe(200);
    expect((await call('POST', `/api/v1/objects/${AMBER_ID}/revoke`, A.writeKey)).statusCode).toBe(201);
    expect((await call('POST', `/api/v1/objects/${GREEN_ID}/revoke`, B.writeKey)).statusCode).toBe(403); // refused: nothing recorded

    const trail = await audit.trail(ORG_A, 0, 100);
    expect(trail.map((e) => [e.action, e.actor_org, e.object_id, e.details['via'] ?? null])).toEqual([
      ['share', ORG_A, AMBER_ID, null],
      ['share', ORG_A, GREEN_ID, null],
      ['version', ORG_A, AMBER_ID, null],
      ['read', ORG_B, AMBER_ID, 'GET /api/v1/objects/{id}'],
      ['read', ORG_B, AMBER_ID, 'GET /api/v1/objects'],
      ['revoke', ORG_A, AMBER_ID, null],
    ]);
    expect(trail[0]?.details).toEqual({ tlp: 'amber', audience: [`org:${ORG_A}`, `org:${ORG_B}`] });
    expect((await audit.verify()).findings).toEqual([]);
  });

  it("records a download of everything shared (GET /api/v1/export) in the trail of each owner of a TLP:AMBER object in it, as any other read", async () => {
    expect((await call('POST', '/api/v1/objects', A.writeKey, { object: indicator(AMBER_ID), sharing: { tlp: 'amber', audience: [`org:${ORG_A}`, `org:${ORG_B}`] } })).statusCode).toBe(201);
    expect((await call('POST', '/api/v1/objects', A.writeKey, { object: indicator(GREEN_ID), sharing: { tlp: 'green', audience: ['community'] } })).statusCode).toBe(201);
    const download = await call('GET', '/api/v1/export', B.readKey);
    expect(download.statusCode).toBe(200);
    expect((JSON.parse(download.body) as { objects: { id: string }[] }).objects.map((o) => o.id).sort()).toEqual([GREEN_ID, AMBER_ID].sort());

    const owners = await audit.trail(ORG_A, 0, 100);
    expect(owners.filter((e) => e.action === 'read').map((e) => [e.actor_org, e.object_id, e.details['via']])).toEqual([[ORG_B, AMBER_ID, 'GET /api/v1/export']]);
    const exporters = await audit.trail(ORG_B, 0, 100);
    expect(exporters.filter((e) => e.action === 'export').map((e) => e.details['via'])).toEqual(['GET /api/v1/export']);
    expect((await audit.verify()).findings).toEqual([]);
  });
});
