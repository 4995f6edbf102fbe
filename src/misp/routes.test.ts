import { createHash } from 'node:crypto';
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import type { AudienceKey } from '../domain/audience.ts';
import type { OrgId, StixId, UserId } from '../domain/ids.ts';
import type { Principal } from '../domain/principal.ts';
import { openStore, type RampartStore } from '../store/index.ts';
import type { StoredVersion } from '../store/types.ts';
import { harness, principalKeyAuth, type Harness } from '../../test/helpers/http.ts';
import { memoryStixStore } from '../../test/helpers/memory-stix-store.ts';
import { SHARED_DATA } from '../../test/helpers/shared-data.ts';
import { testDatabase, testDialects, type TestDatabase } from '../../test/helpers/store.ts';
import { importObjects } from '../ingest/import.ts';
import { KNOWLEDGE_BASE } from '../kb/knowledge-base.ts';
import type { AuditRecord } from '../audit/audit-log.ts';
import { RAMPART_EXTENSION_ID } from '../stix/rampart-extension.ts';
import { mispPlugin } from './routes.ts';
import type { MispEventOut } from './from-stix.ts';

const FIXTURE = readFileSync(new URL('../../test/fixtures/misp/fictional-election-event.json', import.meta.url), 'utf8');
const EVENT_UUID = '4a1d7c2e-5b8f-4c3a-9e1d-2f6b8a0c4e71';
const GROUP = '3c9e7a51-2b4d-4f6e-8a1c-7d5e9b3f2a60';
const DRIVE_BY = 'attack-pattern--7830cfcf-b268-4ac0-a69e-73c6affbae9a';
const SPEARPHISHING = 'attack-pattern--648f995e-9c3a-41e4-aeee-98bb41037426';
const HUB = 'identity--0c000000-0000-4000-8000-00000000000c' as OrgId;
const INCIDENT = 'incident--1e2d3c4b-5a69-4788-8a7b-6c5d4e3f2a10';
const LOOSE = '2f3e4d5c-6b7a-4988-9a8b-7c6d5e4f3a2';

const member = (n: string, extra: AudienceKey[] = [], scope: 'read' | 'write' = 'read'): Principal => {
  const orgId = `identity--0${n}000000-0000-4000-8000-00000000000${n}` as OrgId;
  const userId = `${n.repeat(8)}-0000-4000-8000-000000000000` as UserId;
  // As the sharing service gives them (src/sharing/keys.ts): public, community, the organization, the person, its groups.
  return { orgId, userId, keys: ['public', 'community', `org:${orgId}`, `user:${userId}`, ...extra], scope };
};
/** A imports; B is in the sharing group A shares with; C is another community member; D is no community member (sees the public only). */
const A = member('a', [`group:${GROUP}`], 'write');
const B = member('b', [`group:${GROUP}`]);
const C = member('c');
const D: Principal = { ...member('d'), keys: ['public', `org:identity--0d000000-0000-4000-8000-00000000000d`] };
const KEYS = new Map([
  ['key-a', A],
  ['key-a-read', { ...A, scope: 'read' as const }],
  ['key-b', B],
  ['key-c', C],
  ['key-d', D],
]);

/** The independent oracle of DESIGN.md: a member reads what its organization owns or what shares a key with it. */
const mayRead = (p: Principal, v: StoredVersion): boolean => v.sharing.owner === p.orgId || v.sharing.audience.some((k) => p.keys.includes(k));

const auth = (key: string) => ({ authorization: `Bearer ${key}` });

describe.each(testDialects())('MISP routes over a real store (%s)', (dialect) => {
  let db: TestDatabase;
  let store: RampartStore;
  let h: Harness;
  let stored: readonly StoredVersion[];
  const audited: AuditRecord[] = [];

  beforeAll(async () => {
    db = testDatabase(dialect);
    store = await openStore({ url: db.url });
    // The two ATT&CK for ICS techniques the fixture names, loaded as the knowledge base is: public, TLP:CLEAR.
    const ics = KNOWLEDGE_BASE.find((b) => b.name.includes('ICS'));
    const kb = JSON.parse(readFileSync(ics?.path ?? '', 'utf8')) as { objects: { id: string }[] };
    const techniques = kb.objects.filter((o) => [DRIVE_BY, SPEARPHISHING].includes(o.id));
    expect(techniques).toHaveLength(2);
    const loaded = await importObjects(store.stix, [JSON.stringify({ type: 'bundle', id: 'bundle--0c9e7a51-2b4d-4f6e-8a1c-7d5e9b3f2a61', objects: techniques })], { hubOwner: HUB, tlp: 'clear', audience: ['public'] });
    expect(loaded.ok).toBe(true);
    h = await harness({ stix: store.stix, auth: () => principalKeyAuth(KEYS), plugins: [mispPlugin({ stix: store.stix, clock: { now: () => new Date('2026-11-01T00:00:00Z') }, hubOwner: HUB, audit: { record: (e) => Promise.resolve(void audited.push(e)), recordAll: (es) => Promise.resolve(void audited.push(...es)) } })] });
    const res = await h.app.inject({ method: 'POST', url: '/api/v1/import/misp', headers: { ...auth('key-a'), 'content-type': 'application/json' }, payload: FIXTURE });
    expect(res.statusCode).toBe(200);
    expect(res.json()).toMatchObject({ stored: true, events: 1, rejected: 0 });
    // A second event that only A's organization may read (distribution 0, tlp:amber).
    const own = JSON.parse(FIXTURE) as { Event: Record<string, unknown> & { Attribute: unknown[] } };
    const second = { Event: { ...own.Event, uuid: '9b8c7d6e-5f4a-4b3c-8d2e-1f0a9b8c7d6e', info: 'FICTIONAL second event, organization only', distribution: '0', Tag: [{ name: 'tlp:amber' }], Galaxy: [], Object: [], Attribute: [{ uuid: '9b8c7d6e-5f4a-4b3c-8d2e-1f0a9b8c7d01', type: 'ip-dst', category: 'Network activity', to_ids: true, distribution: '5', value: '192.0.2.77', timestamp: '1792490000' }] } };
    const res2 = await h.app.inject({ method: 'POST', url: '/api/v1/import/misp', headers: { ...auth('key-a'), 'content-type': 'application/json' }, payload: JSON.stringify(second) });
    expect(res2.statusCode).toBe(200);
    // Outside any report: an incident the community may read, an indicator that indicates it, a community
    // indicator on its own, and one only A's organization may read.
    const made = { spec_version: '2.1', created: '2026-10-23T10:00:00.000Z', modified: '2026-10-23T10:00:00.000Z', created_by_ref: A.orgId };
    const loose = (tlp: 'green' | 'amber', audience: AudienceKey[], objects: Record<string, unknown>[]) =>
      importObjects(store.stix, [JSON.stringify({ type: 'bundle', id: `bundle--${LOOSE.slice(0, 30)}${objects.length}${tlp === 'green' ? 'a' : 'b'}`, objects })], { hubOwner: HUB, owner: A.orgId, tlp, audience });
    expect((await loose('green', ['community'], [
      { type: 'incident', id: INCIDENT, ...made, name: 'FICTIONAL phishing of the county results site', description: 'Staff received the lure.', extensions: { [RAMPART_EXTENSION_ID]: { extension_type: 'property-extension', incident_category: 'cyber', severity: 'moderate' } } },
      { type: 'indicator', id: `indicator--${LOOSE}1`, ...made, pattern: "[domain-name:value = 'results-county.example']", pattern_type: 'stix', valid_from: made.created },
      { type: 'relationship', id: `relationship--${LOOSE}2`, ...made, relationship_type: 'indicates', source_ref: `indicator--${LOOSE}1`, target_ref: INCIDENT },
      { type: 'indicator', id: `indicator--${LOOSE}3`, ...made, pattern: "[ipv4-addr:value = '198.51.100.99']", pattern_type: 'stix', valid_from: made.created },
    ])).ok).toBe(true);
    expect((await loose('amber', [`org:${A.orgId}`], [{ type: 'indicator', id: `indicator--${LOOSE}4`, ...made, pattern: "[ipv4-addr:value = '198.51.100.100']", pattern_type: 'stix', valid_from: made.created }])).ok).toBe(true);
    const page = await store.stix.list({ kind: 'operator' }, { limit: 10_000 });
    if (!page.ok) throw new Error(page.error.message);
    stored = page.value.items;
  });
  afterAll(async () => {
    await h.close();
    await store.close();
    await db.drop();
  });

  const exportAs = async (key: string): Promise<MispEventOut[]> => {
    const res = await h.app.inject({ method: 'GET', url: '/api/v1/export/misp', headers: auth(key) });
    expect(res.statusCode).toBe(200);
    return res.json<{ response: { Event: MispEventOut }[] }>().response.map((r) => r.Event);
  };
  const visibleAttributeUuids = (p: Principal): Set<string> => new Set(stored.filter((v) => mayRead(p, v)).map((v) => v.id.slice(v.id.indexOf('--') + 2)));

  it.each([
    ['A (the importer)', 'key-a', A],
    ['B (in the sharing group)', 'key-b', B],
    ['C (community member)', 'key-c', C],
    ['D (sees nothing of A)', 'key-d', D],
  ] as const)('export to %s holds only events and attributes shared with it', async (_label, key, principal) => {
    const events = await exportAs(key);
    const heads = stored.filter((v) => (v.type === 'report' || v.type === 'incident') && mayRead(principal, v)).map((v) => v.id.slice(v.id.indexOf('--') + 2));
    const looseVisible = stored.some((v) => v.id.startsWith(`indicator--${LOOSE}`) && mayRead(principal, v));
    // Each report and incident it may read, and its loose indicators in events of their own.
    expect(events.filter((e) => heads.includes(e.uuid)).map((e) => e.uuid).sort()).toEqual(heads.sort());
    expect(events.length > heads.length).toBe(looseVisible);
    const visible = visibleAttributeUuids(principal);
    for (const e of events) for (const a of e.Attribute) expect(visible.has(a.uuid), `${a.type} ${a.value}`).toBe(true);
  });

  it('shows each reader exactly what was shared with it', async () => {
    const values = async (key: string) => (await exportAs(key)).find((e) => e.uuid === EVENT_UUID)?.Attribute.map((a) => a.value) ?? [];
    const a = await values('key-a');
    const b = await values('key-b');
    const c = await values('key-c');
    expect(a).toEqual(expect.arrayContaining(['203.0.113.47', 'ballot-results-update.example', 'it-support@county-helpdesk.example', '0000000000000000000000000000000000000000000000000000000000000001']));
    expect(b).toContain('it-support@county-helpdesk.example');
    expect(b).toContain('203.0.113.47');
    for (const hidden of ['ballot-results-update.example', 'https://ballot-results-update.example/login', '0000000000000000000000000000000000000000000000000000000000000001']) expect(b).not.toContain(hidden);
    expect(c).not.toContain('it-support@county-helpdesk.example');
    expect(c).toContain('203.0.113.47');
  });

  it('writes MISP events that carry TLP tags, distribution, galaxies and the attribute types they came from', async () => {
    const event = (await exportAs('key-a')).find((e) => e.uuid === EVENT_UUID);
    expect(event).toMatchObject({ info: expect.stringContaining('FICTIONAL') as unknown, date: '2026-10-20', distribution: '1', Tag: expect.arrayContaining([{ name: 'tlp:green' }, { name: 'misp-galaxy:threat-actor="FICTIONAL SPIDER"' }]) as unknown });
    // The event's techniques: T0865 from the knowledge base, T1566 (Enterprise, not in it) the importer's own attack-pattern, both by their ATT&CK ids.
    expect(event?.Galaxy.map((g) => g.GalaxyCluster[0]?.value).sort()).toEqual(['Phishing - T1566', 'Spearphishing Attachment - T0865']);
    const byValue = (v: string) => event?.Attribute.find((a) => a.value === v);
    expect(byValue('203.0.113.47')).toMatchObject({ type: 'ip-dst', to_ids: true, Galaxy: [{ GalaxyCluster: [{ value: 'Drive-by Compromise - T0817' }] }] });
    expect(byValue('it-support@county-helpdesk.example')).toMatchObject({ type: 'email-src', distribution: '4', SharingGroup: { uuid: GROUP } });
    expect(byValue('Updated_Poll_Worker_Schedule.docm|00000000000000000000000000000002')).toMatchObject({ type: 'filename|md5' });
    expect(byValue('cdn.ballot-results-update.example|198.51.100.23')).toMatchObject({ type: 'domain|ip', to_ids: false });
    expect(byValue('0000000000000000000000000000000000000000000000000000000000000001')).toMatchObject({ type: 'sha256', Tag: [{ name: 'tlp:red' }], distribution: '0' });
  });

  it('round-trips: the exported events imported into another hub give the same objects with the same sharing', async () => {
    const events = (await exportAs('key-a')).filter((e) => e.uuid === EVENT_UUID);
    const other = memoryStixStore();
    const h2 = await harness({ stix: other, auth: () => principalKeyAuth(KEYS), plugins: [mispPlugin({ stix: other, clock: { now: () => new Date() }, hubOwner: HUB })] });
    try {
      const res = await h2.app.inject({ method: 'POST', url: '/api/v1/import/misp', headers: { ...auth('key-a'), 'content-type': 'application/json' }, payload: JSON.stringify({ response: events.map((Event) => ({ Event })) }) });
      expect(res.statusCode).toBe(200);
      const page = await other.list({ kind: 'operator' }, { limit: 10_000 });
      if (!page.ok) throw new Error(page.error.message);
      // The knowledge base's techniques are not A's to import; the stub A made for T1566 is.
      const first = stored.filter((v) => !v.id.includes('9b8c7d6e') && !v.id.includes(LOOSE) && v.id !== INCIDENT && (v.type !== 'attack-pattern' || v.sharing.owner === A.orgId));
      const shape = (v: StoredVersion) => {
        const o = JSON.parse(v.json) as Record<string, unknown>;
        // MISP objects come back as plain attributes (docs/misp.md), so an indicator's name may differ.
        return { id: v.id, tlp: v.sharing.tlp, audience: v.sharing.audience, pattern: o['pattern'] ?? null, value: o['pattern'] === undefined ? (o['value'] ?? o['name'] ?? o['content'] ?? null) : null };
      };
      const sort = (xs: ReturnType<typeof shape>[]) => xs.sort((x, y) => (x.id < y.id ? -1 : 1));
      expect(sort(page.value.items.filter((v) => v.type !== 'report').map(shape))).toEqual(sort(first.filter((v) => v.type !== 'report').map(shape)));
      expect(page.value.items.find((v) => v.type === 'report')?.sharing).toEqual(first.find((v) => v.type === 'report')?.sharing);
    } finally {
      await h2.close();
    }
  });

  it('exports incidents and the indicators no report holds as events too, each only to whom it was shared', async () => {
    const incidentUuid = INCIDENT.slice('incident--'.length);
    const forC = await exportAs('key-c');
    const incident = forC.find((e) => e.uuid === incidentUuid);
    expect(incident).toMatchObject({ info: 'FICTIONAL phishing of the county results site', distribution: '1', Tag: expect.arrayContaining([{ name: 'tlp:green' }, { name: 'rampart:incident-category="cyber"' }, { name: 'rampart:severity="moderate"' }]) as unknown });
    expect(incident?.Attribute.map((a) => [a.type, a.value, a.to_ids])).toEqual([
      ['text', 'Staff received the lure.', false],
      ['domain', 'results-county.example', true],
    ]);
    // The indicator of the incident is in the incident's event, not again among the loose ones.
    const looseForC = forC.filter((e) => e.Tag.some((t) => t.name === 'rampart:type="loose-indicators"'));
    expect(looseForC.flatMap((e) => e.Attribute.map((a) => a.value))).toEqual(['198.51.100.99']);
    expect(looseForC[0]).toMatchObject({ date: '2026-10-23', distribution: '1', Tag: expect.arrayContaining([{ name: 'tlp:green' }]) as unknown });
    // A's own AMBER indicator: an event of its own (its sharing differs), for A only.
    const looseForA = (await exportAs('key-a')).filter((e) => e.Tag.some((t) => t.name === 'rampart:type="loose-indicators"'));
    expect(looseForA.map((e) => [e.distribution, e.Tag[0]?.name, e.Attribute.map((a) => a.value)]).sort()).toEqual([
      ['0', 'tlp:amber', ['198.51.100.100']],
      ['1', 'tlp:green', ['198.51.100.99']],
    ]);
    expect((await exportAs('key-d')).map((e) => e.uuid)).toEqual([]);
    // The feed holds the same events: in the manifest, in hashes.csv, and as files; not shared is not found.
    const manifest = (await h.app.inject({ method: 'GET', url: '/misp/feed/manifest.json', headers: auth('key-c') })).json<Record<string, unknown>>();
    expect(Object.keys(manifest).sort()).toEqual(forC.map((e) => e.uuid).sort());
    const hashes = (await h.app.inject({ method: 'GET', url: '/misp/feed/hashes.csv', headers: auth('key-c') })).body;
    const md5 = (v: string) => createHash('md5').update(v).digest('hex');
    expect(hashes).toContain(`${md5('198.51.100.99')},${looseForC[0]?.uuid ?? ''}`);
    expect(hashes).not.toContain(md5('198.51.100.100'));
    for (const e of [incident, looseForC[0]]) {
      const file = await h.app.inject({ method: 'GET', url: `/misp/feed/${e?.uuid ?? ''}.json`, headers: auth('key-c') });
      expect(file.json<{ Event: MispEventOut }>().Event).toEqual(e);
    }
    const amberGroup = looseForA.find((e) => e.distribution === '0')?.uuid ?? '';
    expect((await h.app.inject({ method: 'GET', url: `/misp/feed/${amberGroup}.json`, headers: auth('key-c') })).statusCode).toBe(404);
    expect((await h.app.inject({ method: 'GET', url: `/misp/feed/${amberGroup}.json`, headers: auth('key-a') })).statusCode).toBe(200);
  });

  describe('the MISP feed', () => {
    it('lists in manifest.json and hashes.csv only the events and values the key may see', async () => {
      const manifest = async (key: string) => {
        const res = await h.app.inject({ method: 'GET', url: '/misp/feed/manifest.json', headers: auth(key) });
        expect(res.statusCode).toBe(200);
        return res.json<Record<string, { info: string; Tag: { name: string }[]; Orgc: { uuid: string } }>>();
      };
      // The reports' events (incidents and loose indicators: the test above).
      const reportsOnly = (m: Record<string, unknown>) => Object.keys(m).filter((uuid) => stored.some((v) => v.id === `report--${uuid}`));
      expect(reportsOnly(await manifest('key-a')).sort()).toEqual([EVENT_UUID, '9b8c7d6e-5f4a-4b3c-8d2e-1f0a9b8c7d6e'].sort());
      const c = await manifest('key-c');
      expect(reportsOnly(c)).toEqual([EVENT_UUID]);
      expect(c[EVENT_UUID]).toMatchObject({ info: expect.stringContaining('FICTIONAL') as unknown, Tag: expect.arrayContaining([{ name: 'tlp:green' }]) as unknown, Orgc: { uuid: '0a000000-0000-4000-8000-00000000000a' } });
      expect(await manifest('key-d')).toEqual({});

      const md5 = (s: string) => createHash('md5').update(s).digest('hex');
      const hashes = async (key: string) => (await h.app.inject({ method: 'GET', url: '/misp/feed/hashes.csv', headers: auth(key) })).body;
      const forC = await hashes('key-c');
      expect(forC).toContain(`${md5('203.0.113.47')},${EVENT_UUID}\n`);
      expect(forC).not.toContain(md5('it-support@county-helpdesk.example'));
      expect(forC).not.toContain(md5('192.0.2.77'));
      expect(await hashes('key-b')).toContain(`${md5('it-support@county-helpdesk.example')},${EVENT_UUID}`);
      // filename|md5 is hashed part by part, as MISP does.
      expect(await hashes('key-a')).toContain(`${md5('Updated_Poll_Worker_Schedule.docm')},${EVENT_UUID}`);
    });

    it('serves <uuid>.json as the export does, and an event not shared with the key exactly like one that does not exist', async () => {
      const res = await h.app.inject({ method: 'GET', url: `/misp/feed/${EVENT_UUID}.json`, headers: auth('key-c') });
      expect(res.statusCode).toBe(200);
      expect(res.json<{ Event: MispEventOut }>().Event).toEqual((await exportAs('key-c')).find((e) => e.uuid === EVENT_UUID));
      const hidden = await h.app.inject({ method: 'GET', url: '/misp/feed/9b8c7d6e-5f4a-4b3c-8d2e-1f0a9b8c7d6e.json', headers: auth('key-c') });
      const missing = await h.app.inject({ method: 'GET', url: '/misp/feed/00000000-0000-4000-8000-000000000000.json', headers: auth('key-c') });
      expect([hidden.statusCode, missing.statusCode]).toEqual([404, 404]);
      expect(hidden.json<{ code: string }>().code).toBe(missing.json<{ code: string }>().code);
      expect(hidden.body.replace('9b8c7d6e-5f4a-4b3c-8d2e-1f0a9b8c7d6e', 'X')).toBe(missing.body.replace('00000000-0000-4000-8000-000000000000', 'X'));
    });

    it('records reads of TLP:AMBER and above in the audit trail, as TAXII does', async () => {
      audited.length = 0;
      expect((await h.app.inject({ method: 'GET', url: `/misp/feed/${EVENT_UUID}.json`, headers: auth('key-b') })).statusCode).toBe(200);
      // B reads nothing AMBER of this event (the amber indicator is A's own), so nothing is recorded.
      expect(audited).toEqual([]);
      expect((await h.app.inject({ method: 'GET', url: `/misp/feed/${EVENT_UUID}.json`, headers: auth('key-a') })).statusCode).toBe(200);
      expect(audited).toEqual([expect.objectContaining({ action: 'read', actorOrg: A.orgId, details: expect.objectContaining({ via: `GET /misp/feed/${EVENT_UUID}.json` }) as unknown })]);
    });

    it('needs an API key', async () => {
      for (const url of ['/misp/feed/manifest.json', '/misp/feed/hashes.csv', `/misp/feed/${EVENT_UUID}.json`]) {
        expect((await h.app.inject({ method: 'GET', url })).statusCode).toBe(401);
        expect((await h.app.inject({ method: 'GET', url, headers: auth('not-a-key') })).statusCode).toBe(401);
      }
    });

    it('takes the API key alone in Authorization, as a MISP instance sends a feed header in the form of its own API, and only there', async () => {
      for (const url of ['/misp/feed/manifest.json', '/misp/feed/hashes.csv', `/misp/feed/${EVENT_UUID}.json`]) {
        const bearer = await h.app.inject({ method: 'GET', url, headers: auth('key-c') });
        const bare = await h.app.inject({ method: 'GET', url, headers: { authorization: 'key-c' } });
        expect(bare.statusCode, url).toBe(200);
        expect(bare.body, url).toBe(bearer.body);
        const unknown = await h.app.inject({ method: 'GET', url, headers: { authorization: 'not-a-key' } });
        expect([unknown.statusCode, unknown.json<{ code: string }>().code]).toEqual([401, 'invalid-api-key']);
        const spaced = await h.app.inject({ method: 'GET', url, headers: { authorization: 'key c' } });
        expect([spaced.statusCode, spaced.json<{ code: string }>().code]).toEqual([401, 'invalid-authorization']);
        expect(spaced.json<{ detail: string }>().detail).toBe('The Authorization header must be "Bearer <api key>", the API key alone or HTTP Basic with an API key as the password.');
      }
      // Everywhere else the scheme is needed: the MISP export is an API route like any other.
      const exported = await h.app.inject({ method: 'GET', url: '/api/v1/export/misp', headers: { authorization: 'key-c' } });
      expect([exported.statusCode, exported.json<{ code: string; detail: string }>()]).toEqual([401, expect.objectContaining({ code: 'invalid-authorization', detail: 'The Authorization header must be "Bearer <api key>" or HTTP Basic with an API key as the password.' })]);
    });
  });

  describe('POST /api/v1/import/misp refuses bad input precisely, storing nothing', () => {
    const cases: [string, string, string, number, string][] = [
      ['not JSON', 'application/json', 'this is not json', 400, 'malformed-json'],
      ['a STIX bundle', 'application/json', '{"type":"bundle","id":"bundle--5d0092c5-5f74-4287-9642-33f4c354e56d"}', 400, 'not-a-misp-event'],
      ['a MISP galaxy', 'application/json', readFileSync(path.join(SHARED_DATA, 'misp/galaxy.json'), 'utf8'), 400, 'not-a-misp-event'],
      ['a distribution of 9', 'application/json', FIXTURE.replace('"distribution": "1"', '"distribution": "9"'), 422, 'invalid-misp-event'],
    ];
    it.each(cases)('%s', async (_label, type, payload, status, code) => {
      const before = await h.fingerprint();
      const res = await h.app.inject({ method: 'POST', url: '/api/v1/import/misp', headers: { ...auth('key-a'), 'content-type': type }, payload });
      expect(res.statusCode).toBe(status);
      expect(res.json<{ code: string }>().code).toBe(code);
      expect(await h.fingerprint()).toBe(before);
    });

    it('refuses a read-only key and an upload without a body type', async () => {
      const before = await h.fingerprint();
      expect((await h.app.inject({ method: 'POST', url: '/api/v1/import/misp', headers: { ...auth('key-a-read'), 'content-type': 'application/json' }, payload: FIXTURE })).statusCode).toBe(403);
      expect((await h.app.inject({ method: 'POST', url: '/api/v1/import/misp', headers: { ...auth('key-a'), 'content-type': 'text/plain' }, payload: FIXTURE })).statusCode).toBe(415);
      expect(await h.fingerprint()).toBe(before);
    });
  });
  // Last: it stores more (a second event, a new version of an indicator, a narrower sharing).
  it('answers from the cache per key set until a change, then rebuilds; ?since= gives whole events with anything added since and no held indicator as loose', async () => {
    const SIGHTINGS = readFileSync(new URL('../../test/fixtures/misp/fictional-sightings-event.json', import.meta.url), 'utf8');
    const NEW_EVENT = '7b2e4c91-3d5a-4f6b-8c7d-9e0f1a2b3c57';
    const before = await exportAs('key-c');
    // Unchanged store: the same answer (from memory), and the feed agrees with it.
    expect(await exportAs('key-c')).toEqual(before);
    const manifest = (await h.app.inject({ method: 'GET', url: '/misp/feed/manifest.json', headers: auth('key-c') })).json<Record<string, unknown>>();
    expect(Object.keys(manifest).sort()).toEqual(before.map((e) => e.uuid).sort());
    // A point after everything stored so far.
    const all = await store.stix.list({ kind: 'operator' }, { limit: 100_000, versions: 'all' });
    if (!all.ok) throw new Error(all.error.message);
    const sinceMs = Math.ceil(Math.max(...all.value.items.map((v) => v.addedUs)) / 1000) + 1;
    await vi.waitFor(() => expect(Date.now()).toBeGreaterThan(sinceMs + 1), { timeout: 5_000, interval: 5 });
    const since = new Date(sinceMs).toISOString();
    expect((await h.app.inject({ method: 'GET', url: `/api/v1/export/misp?since=${since}`, headers: auth('key-c') })).json<{ response: unknown[] }>().response).toEqual([]);
    // A new event shared with the community: C's next export holds it (the write changed the store's marks).
    expect((await h.app.inject({ method: 'POST', url: '/api/v1/import/misp', headers: { ...auth('key-a'), 'content-type': 'application/json' }, payload: SIGHTINGS })).statusCode).toBe(200);
    const after = await exportAs('key-c');
    expect(after.map((e) => e.uuid).sort()).toEqual([...before.map((e) => e.uuid), NEW_EVENT].sort());
    expect(after.find((e) => e.uuid === NEW_EVENT)?.EventReport?.map((r) => r.name)).toEqual(['How the vendor phishing works (fictional)']);
    // A new version of an indicator the first event holds: ?since= gives that event whole, and the indicator is not loose.
    const first = JSON.parse(FIXTURE) as { Event: Record<string, unknown> & { Attribute: Record<string, unknown>[] } };
    first.Event.Attribute = first.Event.Attribute.map((a) => (a['value'] === '203.0.113.47' ? { ...a, timestamp: '1792600000' } : a));
    expect((await h.app.inject({ method: 'POST', url: '/api/v1/import/misp', headers: { ...auth('key-a'), 'content-type': 'application/json' }, payload: JSON.stringify(first) })).json()).toMatchObject({ added: 0, newVersions: 2 });
    const sinceEvents = (await h.app.inject({ method: 'GET', url: `/api/v1/export/misp?since=${since}`, headers: auth('key-c') })).json<{ response: { Event: MispEventOut }[] }>().response.map((r) => r.Event);
    expect(sinceEvents.map((e) => e.uuid).sort()).toEqual([EVENT_UUID, NEW_EVENT].sort());
    expect(sinceEvents.find((e) => e.uuid === EVENT_UUID)?.Attribute.map((a) => a.value).sort()).toEqual(before.find((e) => e.uuid === EVENT_UUID)?.Attribute.map((a) => a.value).sort());
    // Narrower sharing of the new report: C no longer gets its event; A still does.
    const report = await store.stix.get({ kind: 'operator' }, `report--${NEW_EVENT}` as StixId);
    if (report === null) throw new Error('no report');
    await store.stix.reshare(report.id, { ...report.sharing, audience: [`org:${A.orgId}`] });
    expect((await exportAs('key-c')).map((e) => e.uuid)).not.toContain(NEW_EVENT);
    expect((await exportAs('key-a')).map((e) => e.uuid)).toContain(NEW_EVENT);
    expect((await h.app.inject({ method: 'GET', url: `/misp/feed/${NEW_EVENT}.json`, headers: auth('key-c') })).statusCode).toBe(404);
  });
});
