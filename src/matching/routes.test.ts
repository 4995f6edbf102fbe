import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { loadOasisValidator } from '../../test/helpers/oasis.ts';
import type { AudienceKey } from '../domain/audience.ts';
import type { OrgId, StixId } from '../domain/ids.ts';
import { harness, ORG_A, ORG_B, type Harness } from '../../test/helpers/http.ts';
import type { OrgInfo } from '../sharing/keys.ts';
import { createSharingService } from '../sharing/service.ts';
import { openStore, type RampartStore } from '../store/index.ts';
import { sharingRepository } from '../store/sharing-store.ts';
import { testDatabase, type TestDatabase } from '../../test/helpers/store.ts';
import type { Sharing } from '../store/types.ts';
import { matchPlugin } from './routes.ts';

const ORG_C = 'identity--0c000000-0000-4000-8000-0000000000cc' as OrgId;
const ORGS = new Map<OrgId, OrgInfo>([
  [ORG_A, { kind: 'local', stateFips: '55' }],
  [ORG_B, { kind: 'state', stateFips: '17' }],
  [ORG_C, { kind: 'local', stateFips: '55' }],
]);
const SHARED = 'indicator--11111111-1111-4111-8111-111111111111' as StixId;
const PRIVATE_B = 'indicator--22222222-2222-4222-8222-222222222222' as StixId;
const NOW = new Date('2026-11-03T18:00:00.000Z');

let db: TestDatabase;
let store: RampartStore;
let h: Harness;
const bearer = (key: string, type = 'text/plain') => ({ authorization: `Bearer ${key}`, 'content-type': type });

async function putIndicator(id: StixId, pattern: string, sharing: Sharing): Promise<void> {
  const object = { type: 'indicator', spec_version: '2.1', id, created: '2026-10-01T00:00:00.000Z', modified: '2026-10-01T00:00:00.000Z', name: `indicator ${id.slice(11, 15)}`, pattern, pattern_type: 'stix', valid_from: '2026-10-01T00:00:00Z', created_by_ref: sharing.owner };
  const result = await store.stix.write(async (w) => ({ ok: true as const, value: await w.putBatch([{ id, type: 'indicator', created: object.created, modified: object.modified, revoked: false, name: object.name, description: null, json: JSON.stringify(object), sharing }], 'reject') }));
  if (!result.ok || result.value[0]?.kind !== 'added') throw new Error('indicator not stored');
}

beforeEach(async () => {
  db = testDatabase('sqlite');
  store = await openStore({ url: db.url });
  const orgInfo = (id: OrgId) => Promise.resolve(ORGS.get(id) ?? null);
  const sharing = createSharingService({ store, orgInfo });
  const plugin = matchPlugin({ stix: store.stix, sharing, clock: { now: () => NOW }, sightingCounts: (reader, id) => sharing.sightingAggregate(reader, id), uploadLimit: 4096 });
  h = await harness({ stix: store.stix, sharing, plugins: [plugin], now: () => NOW });
  await putIndicator(SHARED, "[domain-name:value = 'ballot-tracker.example']", { owner: ORG_C, tlp: 'green', audience: ['community'] });
  await putIndicator(PRIVATE_B, "[domain-name:value = 'secret-b.example']", { owner: ORG_B, tlp: 'amber', audience: [`org:${ORG_B}` as AudienceKey] });
});
afterEach(async () => {
  await h.close();
  await store.close();
  await db.drop();
});

const LOG = ['{"ts":"2026-11-03T09:00:00Z","query":"ballot-tracker.example"}', '{"ts":"2026-11-03T11:00:00Z","query":"secret-b.example"}', 'garbage', '{"ts":"2026-11-03T10:00:00Z","query":"Ballot-Tracker.example"}'].join('\n');

interface Report {
  readonly format: string;
  readonly malformed: number;
  readonly problems: readonly { line: number; code: string }[];
  readonly hits: readonly { indicator: string; count: number; first_seen: string; last_seen: string }[];
  readonly sightings: readonly { indicator: string; sighting: string }[];
}

describe('POST /api/v1/match', () => {
  it('matches a streamed log against what the uploader may see', async () => {
    const res = await h.app.inject({ method: 'POST', url: '/api/v1/match', headers: bearer(h.a.readKey, 'application/x-ndjson'), payload: LOG });
    expect(res.statusCode).toBe(200);
    const report = res.json<Report>();
    expect(report.format).toBe('jsonl');
    expect(report.hits).toEqual([{ indicator: SHARED, name: 'indicator 1111', pattern: "[domain-name:value = 'ballot-tracker.example']", count: 2, first_seen: '2026-11-03T09:00:00.000Z', last_seen: '2026-11-03T10:00:00.000Z', values: ['ballot-tracker.example', 'Ballot-Tracker.example'], warning_lists: [] }]);
    expect(report.problems).toEqual([{ line: 3, code: 'malformed-json', message: expect.stringContaining('not JSON') as unknown }]);
    const b = (await h.app.inject({ method: 'POST', url: '/api/v1/match?format=jsonl', headers: bearer(h.b.readKey), payload: LOG })).json<Report>();
    expect(b.hits.map((x) => [x.indicator, x.count])).toEqual([
      [SHARED, 2],
      [PRIVATE_B, 1],
    ]);
  });

  it('publishes OASIS-valid sightings under the uploader, and refuses a read-only key', async () => {
    const before = await h.fingerprint();
    const refused = await h.app.inject({ method: 'POST', url: '/api/v1/match?publish=true', headers: bearer(h.a.readKey), payload: LOG });
    expect(refused.statusCode).toBe(403);
    expect(await h.fingerprint()).toBe(before);
    const res = await h.app.inject({ method: 'POST', url: '/api/v1/match?publish=true&tlp=green&audience=community', headers: bearer(h.a.writeKey), payload: LOG });
    expect(res.statusCode).toBe(200);
    const [published] = res.json<Report>().sightings;
    expect(published?.indicator).toBe(SHARED);
    const stored = await store.stix.get({ kind: 'operator' }, (published?.sighting ?? '') as StixId);
    expect(stored?.sharing).toEqual({ owner: ORG_A, tlp: 'green', audience: ['community'] });
    const sighting = JSON.parse(stored?.json ?? '{}') as Record<string, unknown>;
    expect(sighting).toMatchObject({ type: 'sighting', sighting_of_ref: SHARED, count: 2, first_seen: '2026-11-03T09:00:00.000Z', last_seen: '2026-11-03T10:00:00.000Z', where_sighted_refs: [ORG_A], created_by_ref: ORG_A });
    expect(loadOasisValidator().validate(sighting).errors).toEqual([]);
  });

  it('refuses bad input with exact errors and stores nothing', async () => {
    const before = await h.fingerprint();
    const anonymous = await h.app.inject({ method: 'POST', url: '/api/v1/match', headers: { 'content-type': 'text/plain' }, payload: LOG });
    expect([anonymous.statusCode, anonymous.json<{ code: string }>().code]).toEqual([401, 'unauthenticated']);
    const json = await h.app.inject({ method: 'POST', url: '/api/v1/match', headers: bearer(h.a.readKey, 'application/json'), payload: '{}' });
    expect([json.statusCode, json.json<{ detail: string }>().detail]).toEqual([415, 'Send the log as text/plain or application/x-ndjson; got application/json']);
    const format = await h.app.inject({ method: 'POST', url: '/api/v1/match?format=syslog', headers: bearer(h.a.readKey), payload: LOG });
    expect([format.statusCode, format.json<{ code: string }>().code]).toEqual([400, 'invalid-request']);
    const unknown = await h.app.inject({ method: 'POST', url: '/api/v1/match', headers: bearer(h.a.readKey), payload: 'hello there\nsecond line\n' });
    expect([unknown.statusCode, unknown.json<{ code: string }>().code]).toEqual([400, 'format-not-detected']);
    const binary = await h.app.inject({ method: 'POST', url: '/api/v1/match?format=jsonl', headers: bearer(h.a.readKey), payload: Buffer.from([0, 159, 146, 150, 10, 0, 0]) });
    expect(binary.json<Report>().problems.map((p) => p.code)).toEqual(['binary-data', 'binary-data']);
    const big = await h.app.inject({ method: 'POST', url: '/api/v1/match?format=jsonl&publish=true', headers: bearer(h.a.writeKey), payload: `${LOG}\n${'x'.repeat(5000)}` });
    expect([big.statusCode, big.json<{ code: string }>().code]).toEqual([413, 'payload-too-large']);
    const audience = await h.app.inject({ method: 'POST', url: '/api/v1/match?publish=true&tlp=red&audience=community', headers: bearer(h.a.writeKey), payload: LOG });
    expect([audience.statusCode, audience.json<{ code: string }>().code]).toEqual([422, 'tlp-audience-mismatch']);
    expect(await h.fingerprint()).toBe(before);
  });
});

describe('POST /api/v1/match with a session cookie', () => {
  it('needs the CSRF token like every other cookie-authenticated write, and publishes nothing without it', async () => {
    const { cookie, csrf } = await h.signIn(h.a);
    const before = await h.fingerprint();
    for (const url of ['/api/v1/match', '/api/v1/match?publish=true&tlp=green&audience=community']) {
      const missing = await h.app.inject({ method: 'POST', url, headers: { cookie, 'content-type': 'text/plain' }, payload: LOG });
      expect([missing.statusCode, missing.json<{ code: string }>().code], url).toEqual([403, 'csrf-missing']);
      const wrong = await h.app.inject({ method: 'POST', url, headers: { cookie, 'content-type': 'text/plain', 'x-csrf-token': 'not-the-token' }, payload: LOG });
      expect([wrong.statusCode, wrong.json<{ code: string }>().code], url).toEqual([403, 'csrf-invalid']);
    }
    expect(await h.fingerprint()).toBe(before);
    const res = await h.app.inject({ method: 'POST', url: '/api/v1/match', headers: { cookie, 'content-type': 'text/plain', 'x-csrf-token': csrf }, payload: LOG });
    expect(res.statusCode).toBe(200);
    expect(res.json<Report>().hits.map((x) => x.indicator)).toEqual([SHARED]);
  });
});

describe('GET /api/v1/objects/{id}/sightings/summary', () => {
  it('counts visible sightings and those allowed to be counted, never naming who', async () => {
    const publish = (key: string, audience: string) => h.app.inject({ method: 'POST', url: `/api/v1/match?publish=true&tlp=green&audience=${audience}`, headers: bearer(key), payload: LOG });
    expect((await publish(h.a.writeKey, `org:${ORG_A}`)).statusCode).toBe(200);
    expect((await publish(h.b.writeKey, 'community')).statusCode).toBe(200);
    const summary = async (key: string) => h.app.inject({ method: 'GET', url: `/api/v1/objects/${SHARED}/sightings/summary`, headers: { authorization: `Bearer ${key}` } });
    // A sees its own sighting and B's (shared with the community); B sees its own, and A's is not counted (A kept it to itself).
    expect((await summary(h.a.readKey)).json()).toEqual({ indicator: SHARED, sightings: 4, jurisdictions: 2, other_organizations: 0, organizations: 2, states: 2, text: 'sighted 4 times by 2 jurisdictions in 2 states', last_sighted: expect.stringMatching(/^\d{4}-\d\d-\d\dT\d\d:00:00Z$/) as unknown });
    expect((await summary(h.b.readKey)).json()).toMatchObject({ sightings: 2, jurisdictions: 1, states: 1, text: 'sighted 2 times by 1 jurisdiction in 1 state' });
    await sharingRepository(store.database).setOrgCounting(ORG_A, true);
    expect((await summary(h.b.readKey)).json()).toMatchObject({ sightings: 4, jurisdictions: 2, states: 2 });
    const hidden = await h.app.inject({ method: 'GET', url: `/api/v1/objects/${PRIVATE_B}/sightings/summary`, headers: { authorization: `Bearer ${h.a.readKey}` } });
    expect([hidden.statusCode, hidden.json<{ code: string }>().code]).toEqual([404, 'not-found']);
  });
});
