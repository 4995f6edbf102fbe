import { createHash } from 'node:crypto';
import { readdirSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { parseOrgId, type OrgId } from '../domain/ids.ts';
import { TLP_MARKING_IDS } from '../domain/tlp.ts';
import type { StixStore, StoredVersion } from '../store/types.ts';
import { memoryStixStore } from '../../test/helpers/memory-stix-store.ts';
import { loadOasisValidator, type OasisValidator } from '../../test/helpers/oasis.ts';
import { SHARED_DATA } from '../../test/helpers/shared-data.ts';
import { eventOfReport } from './export.ts';
import { attributesOf } from './from-stix.ts';
import { importMisp, type MispImportOptions } from './import.ts';

const MISP_DIR = path.join(SHARED_DATA, 'misp');
const FIXTURE = readFileSync(new URL('../../test/fixtures/misp/fictional-election-event.json', import.meta.url));
const OPERATOR = { kind: 'operator' } as const;
const GROUP = '3c9e7a51-2b4d-4f6e-8a1c-7d5e9b3f2a60';

function orgId(value: string): OrgId {
  const parsed = parseOrgId(value);
  if (!parsed.ok) throw new Error(parsed.error.message);
  return parsed.value;
}
const OWNER = orgId('identity--0a000000-0000-4000-8000-00000000000a');

const run = (store: StixStore, input: Buffer | string, options: Partial<MispImportOptions> = {}) =>
  importMisp(store, input, { owner: OWNER, hubOwner: OWNER, groups: new Set(), now: new Date('2026-11-01T00:00:00Z'), ...options });

async function everything(store: StixStore): Promise<readonly StoredVersion[]> {
  const page = await store.list(OPERATOR, { limit: 100_000, versions: 'all' });
  if (!page.ok) throw new Error(page.error.message);
  return page.value.items;
}

async function fingerprint(store: StixStore): Promise<string> {
  const rows = (await everything(store)).map((v) => `${v.id}|${v.json}|${v.sharing.tlp}|${v.sharing.audience.join(',')}`).sort();
  return `${rows.length}:${createHash('sha256').update(rows.join('\n')).digest('hex')}`;
}

const samples = readdirSync(MISP_DIR).filter((f) => f.endsWith('.json') && !['galaxy.json', 'sharing_groups.json', 'event_obj_attr_tag.json'].includes(f));

let oasis: OasisValidator;
beforeAll(() => {
  oasis = loadOasisValidator();
});

describe('importMisp on the MISP project sample events', () => {
  it.each(samples)('%s: every object stored is valid under the OASIS schemas, and a second import changes nothing', async (file) => {
    const store = memoryStixStore();
    const bytes = readFileSync(path.join(MISP_DIR, file));
    const result = await run(store, bytes);
    if (!result.ok) throw new Error(JSON.stringify(result.error).slice(0, 2000));
    expect(result.value).toMatchObject({ events: 1, rejected: 0 });
    const stored = await everything(store);
    expect(stored.length).toBe(result.value.added);
    expect(stored.filter((v) => v.type === 'report')).toHaveLength(1);
    for (const v of stored) expect({ id: v.id, errors: oasis.validate(JSON.parse(v.json)).errors }).toEqual({ id: v.id, errors: [] });
    expect(await run(store, bytes)).toMatchObject({ ok: true, value: { added: 0, newVersions: 0 } });
  });

  it('long_event.json: every IOC attribute becomes an indicator with its pattern, the others observables', async () => {
    const store = memoryStixStore();
    expect((await run(store, readFileSync(path.join(MISP_DIR, 'long_event.json')))).ok).toBe(true);
    const stored = await everything(store);
    const patterns = stored.filter((v) => v.type === 'indicator').map((v) => (JSON.parse(v.json) as { pattern: string }).pattern);
    expect(patterns).toEqual(expect.arrayContaining([expect.stringMatching(/^\[file:name = '.+' AND file:hashes\.'SHA-256' = '[0-9a-f]{64}'\]$/), expect.stringMatching(/^\[url:value = '.+'\]$/), expect.stringMatching(/^\[domain-name:value = '.+'\]$/)]));
    expect(stored.filter((v) => v.type === 'email-addr')).not.toHaveLength(0);
    // The event is tlp:white without a distribution: CLEAR, and only the importer's organization (the stated default).
    const report = stored.find((v) => v.type === 'report');
    expect(report?.sharing).toEqual({ owner: OWNER, tlp: 'clear', audience: [`org:${OWNER}`] });
  });

  it('maps MISP distribution levels 1 and 3 to the community when the event says so', async () => {
    const store = memoryStixStore();
    expect((await run(store, readFileSync(path.join(MISP_DIR, 'existing_event.json')))).ok).toBe(true);
    for (const v of await everything(store)) expect(v.sharing).toMatchObject({ tlp: 'clear', audience: ['community'] });
  });
});

describe('importMisp on a fictional event in the MISP core format', () => {
  const byId = (stored: readonly StoredVersion[], id: string) => stored.find((v) => v.id === id);

  it('maps each attribute to STIX with its own TLP and audience, never wider than MISP said, and says where it narrowed', async () => {
    const store = memoryStixStore();
    const result = await run(store, FIXTURE, { groups: new Set([GROUP]) });
    if (!result.ok) throw new Error(JSON.stringify(result.error));
    const stored = await everything(store);
    for (const v of stored) expect(oasis.validate(JSON.parse(v.json)).errors).toEqual([]);
    const a = (n: string) => `6e2f1a3b-7c4d-4e5f-8a6b-9c0d1e2f3a4${n}`;
    // Event: distribution 1 and tlp:green.
    expect(byId(stored, 'report--4a1d7c2e-5b8f-4c3a-9e1d-2f6b8a0c4e71')?.sharing).toEqual({ owner: OWNER, tlp: 'green', audience: ['community'] });
    // Inherits the event's reach.
    expect(byId(stored, `indicator--${a('1')}`)?.sharing).toMatchObject({ tlp: 'green', audience: ['community'] });
    // Distribution 3 is narrowed by the event (1), then by its own tlp:amber to the organization.
    expect(byId(stored, `indicator--${a('2')}`)?.sharing).toMatchObject({ tlp: 'amber', audience: [`org:${OWNER}`] });
    expect(byId(stored, `observed-data--${a('3')}`)?.sharing).toMatchObject({ tlp: 'green', audience: [`org:${OWNER}`] });
    // A sharing group the importer belongs to in Rampart.
    expect(byId(stored, `indicator--${a('4')}`)?.sharing).toMatchObject({ tlp: 'green', audience: [`group:${GROUP}`] });
    // tlp:red names people, which MISP cannot: the owner's record only.
    expect(byId(stored, `indicator--${a('5')}`)?.sharing).toMatchObject({ tlp: 'red', audience: [] });
    expect(JSON.parse(byId(stored, `indicator--${a('5')}`)?.json ?? '{}')).toMatchObject({ object_marking_refs: [TLP_MARKING_IDS.red] });
    expect(result.value.notes).toEqual(
      expect.arrayContaining([
        expect.objectContaining({ code: 'audience-narrowed', path: '$.Event.Attribute[1]', message: expect.stringContaining('TLP:AMBER') as unknown }),
        expect.objectContaining({ code: 'audience-narrowed', path: '$.Event.Attribute[4]', message: expect.stringContaining('TLP:RED') as unknown }),
        expect.objectContaining({ code: 'technique-not-in-knowledge-base', message: expect.stringContaining('recorded as an attack-pattern of your own naming T1566') as unknown }),
      ]),
    );
  });

  it('writes patterns, observables, rules, notes, a vulnerability, and relationships to knowledge-base techniques', async () => {
    const store = memoryStixStore();
    expect((await run(store, FIXTURE)).ok).toBe(true);
    const stored = await everything(store);
    const json = (id: string) => JSON.parse(byId(stored, id)?.json ?? 'null') as Record<string, unknown> | null;
    const a = (n: string) => `6e2f1a3b-7c4d-4e5f-8a6b-9c0d1e2f3a4${n}`;
    expect(json(`indicator--${a('1')}`)).toMatchObject({ pattern: "[ipv4-addr:value = '203.0.113.47']", pattern_type: 'stix', created_by_ref: OWNER, labels: ['misp:type="ip-dst"', 'misp:category="Network activity"'] });
    expect(json(`indicator--${a('9')}`)).toMatchObject({ pattern: "[file:name = 'Updated_Poll_Worker_Schedule.docm' AND file:hashes.'MD5' = '00000000000000000000000000000002']" });
    expect(json(`indicator--${a('8')}`)).toMatchObject({ pattern_type: 'yara' });
    expect(json(`vulnerability--${a('7')}`)).toMatchObject({ name: 'CVE-2099-0001', external_references: [{ source_name: 'cve', external_id: 'CVE-2099-0001' }] });
    expect(json(`note--${a('6')}`)).toMatchObject({ content: expect.stringContaining('invented') as unknown, object_refs: ['report--4a1d7c2e-5b8f-4c3a-9e1d-2f6b8a0c4e71'] });
    const domainIp = json(`observed-data--${a('a')}`);
    const domain = stored.find((v) => v.type === 'domain-name' && v.json.includes('cdn.ballot-results-update.example'));
    expect(domainIp?.['object_refs']).toEqual([domain?.id]);
    expect(JSON.parse(domain?.json ?? '{}')).toMatchObject({ resolves_to_refs: [expect.stringMatching(/^ipv4-addr--/)] });
    // The deleted attribute is not imported.
    expect(byId(stored, `indicator--${a('c')}`)).toBeUndefined();
    // T0817 (ATT&CK for ICS) on the IP: the indicator indicates it; T0865 (ICS) and T1566 (Enterprise, not in the
    // knowledge base: a stub of the importer's own with the ATT&CK reference) on the event: the report is related to them.
    const drive = 'attack-pattern--7830cfcf-b268-4ac0-a69e-73c6affbae9a';
    const spearphishing = 'attack-pattern--648f995e-9c3a-41e4-aeee-98bb41037426';
    const stub = stored.find((v) => v.type === 'attack-pattern');
    expect(JSON.parse(stub?.json ?? '{}')).toMatchObject({ name: 'Phishing', created_by_ref: OWNER, external_references: [{ source_name: 'mitre-attack', external_id: 'T1566', url: 'https://attack.mitre.org/techniques/T1566/' }] });
    expect(stub?.sharing).toEqual({ owner: OWNER, tlp: 'green', audience: ['community'] });
    const report = 'report--4a1d7c2e-5b8f-4c3a-9e1d-2f6b8a0c4e71';
    const relationships = stored.filter((v) => v.type === 'relationship').map((v) => JSON.parse(v.json) as Record<string, unknown>);
    // The event's threat-actor galaxy cluster is a threat-actor of the importer's own, held by the report, using the event's techniques.
    const actor = stored.find((v) => v.type === 'threat-actor');
    expect(JSON.parse(actor?.json ?? '{}')).toMatchObject({ name: 'FICTIONAL SPIDER', created_by_ref: OWNER, labels: ['misp:galaxy="threat-actor"'] });
    expect(actor?.sharing).toEqual({ owner: OWNER, tlp: 'green', audience: ['community'] });
    expect(relationships).toHaveLength(6);
    expect(relationships).toEqual(
      expect.arrayContaining([
        expect.objectContaining({ relationship_type: 'uses', source_ref: actor?.id, target_ref: spearphishing }),
        expect.objectContaining({ relationship_type: 'uses', source_ref: actor?.id, target_ref: stub?.id }),
        // The file object: an indicator of its to_ids sha1, based on the observation of the whole file.
        expect.objectContaining({ relationship_type: 'based-on', source_ref: 'indicator--8f3e2d1c-0b9a-4c8d-9e7f-6a5b4c3d2e11', target_ref: 'observed-data--8f3e2d1c-0b9a-4c8d-9e7f-6a5b4c3d2e11' }),
        expect.objectContaining({ relationship_type: 'indicates', source_ref: `indicator--${a('1')}`, target_ref: drive }),
        expect.objectContaining({ relationship_type: 'related-to', source_ref: report, target_ref: spearphishing }),
        expect.objectContaining({ relationship_type: 'related-to', source_ref: report, target_ref: stub?.id }),
      ]),
    );
    expect(json('report--4a1d7c2e-5b8f-4c3a-9e1d-2f6b8a0c4e71')).toMatchObject({
      name: expect.stringContaining('FICTIONAL') as unknown,
      published: '2026-10-20T00:00:00Z',
      object_refs: expect.arrayContaining([`indicator--${a('1')}`, drive, 'attack-pattern--648f995e-9c3a-41e4-aeee-98bb41037426', actor?.id]) as unknown,
      labels: ['misp-galaxy:threat-actor="FICTIONAL SPIDER"', 'rampart-test:fictional'],
    });
  });

  it('narrows a sharing group the importer does not belong to in Rampart to its organization', async () => {
    const store = memoryStixStore();
    const result = await run(store, FIXTURE);
    expect((await everything(store)).find((v) => v.id === 'indicator--6e2f1a3b-7c4d-4e5f-8a6b-9c0d1e2f3a44')?.sharing.audience).toEqual([`org:${OWNER}`]);
    expect(result.ok && result.value.notes).toEqual(expect.arrayContaining([expect.objectContaining({ path: '$.Event.Attribute[3]', message: expect.stringContaining(GROUP) as unknown })]));
  });
});

describe('importMisp refuses what is not a MISP event, precisely, storing nothing', () => {
  const event = JSON.parse(FIXTURE.toString('utf8')) as { Event: { Attribute: Record<string, unknown>[] } & Record<string, unknown> };
  const withAttribute = (i: number, patch: Record<string, unknown>) => JSON.stringify({ Event: { ...event.Event, Attribute: event.Event.Attribute.map((a, j) => (j === i ? { ...a, ...patch } : a)) } });
  const cases: [string, string | Buffer, string, string | undefined][] = [
    ['an empty file', '', 'empty-input', undefined],
    ['bytes that are not JSON', Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x00]), 'malformed-json', undefined],
    ['a STIX bundle', '{"type":"bundle","id":"bundle--5d0092c5-5f74-4287-9642-33f4c354e56d","objects":[]}', 'not-a-misp-event', '$'],
    ['a MISP galaxy', readFileSync(path.join(MISP_DIR, 'galaxy.json')), 'not-a-misp-event', '$'],
    ['a MISP sharing-group listing', readFileSync(path.join(MISP_DIR, 'sharing_groups.json')), 'not-a-misp-event', '$[0]'],
    ['objects without an event', readFileSync(path.join(MISP_DIR, 'event_obj_attr_tag.json')), 'not-a-misp-event', '$'],
    ['an empty list', '[]', 'not-a-misp-event', '$'],
    ['an object of something else', '{"name": "not an event"}', 'not-a-misp-event', '$'],
    ['an event without info', JSON.stringify({ Event: { uuid: '4a1d7c2e-5b8f-4c3a-9e1d-2f6b8a0c4e71', info: 3 } }), 'invalid-misp-event', '$.Event.info'],
    ['a distribution that is not a number', withAttribute(0, { distribution: 'all' }), 'invalid-misp-event', '$.Event.Attribute[0].distribution'],
    ['a distribution above 5', withAttribute(0, { distribution: '7' }), 'invalid-misp-event', '$.Event.Attribute[0].distribution'],
    ['a filename|md5 without its two parts', withAttribute(8, { value: 'only-a-name.docm' }), 'invalid-misp-event', '$.Event.Attribute[8].value'],
    ['a first_seen that is no time', withAttribute(0, { first_seen: 'last tuesday' }), 'invalid-misp-event', '$.Event.Attribute[0].first_seen'],
    ['voter personal data in a text attribute (refused by the STIX validator)', withAttribute(5, { value: 'Leaked row: voter SSN 123-45-6789' }), 'import-rejected', '$.Event.Attribute[5]'],
  ];
  it.each(cases)('%s', async (_label, input, code, at) => {
    const store = memoryStixStore();
    await run(store, readFileSync(path.join(MISP_DIR, 'misp_event.json')));
    const before = await fingerprint(store);
    const result = await run(store, input);
    expect(result.ok).toBe(false);
    if (result.ok) return;
    expect(result.error.code).toBe(code);
    expect(result.error.message).toMatch(/nothing was stored/);
    // Plain words, never a JSON shape such as {"Event": {...}}.
    for (const said of [result.error.message, ...(result.error.details ?? []).map((d) => d.message)]) expect(said).not.toMatch(/[{}]|\[\.\.\.\]|union value/);
    if (at !== undefined) expect(result.error.details?.[0]?.path).toBe(at);
    expect(await fingerprint(store)).toBe(before);
  });
});

describe('address and port attributes', () => {
  const event = (value: string, extra: Record<string, unknown> = {}) =>
    JSON.stringify({
      Event: {
        uuid: '2e8c9a71-4b3d-4f5e-9a6b-7c8d9e0f1a2b',
        info: 'FICTIONAL address and port test',
        date: '2026-10-21',
        timestamp: '1792590000',
        distribution: '1',
        Tag: [{ name: 'tlp:green' }],
        Attribute: [
          { uuid: '2e8c9a71-4b3d-4f5e-9a6b-7c8d9e0f1a01', type: 'ip-dst|port', category: 'Network activity', to_ids: true, value, timestamp: '1792580000', ...extra },
          { uuid: '2e8c9a71-4b3d-4f5e-9a6b-7c8d9e0f1a02', type: 'ip-src|port', category: 'Network activity', to_ids: false, value: '2001:db8::7|8443', timestamp: '1792580000' },
        ],
      },
    });

  it('become network-traffic patterns and observables that validate, and come back as the same attributes', async () => {
    const store = memoryStixStore();
    const result = await run(store, event('203.0.113.5|443'));
    if (!result.ok) throw new Error(JSON.stringify(result.error));
    const stored = await everything(store);
    for (const v of stored) expect(oasis.validate(JSON.parse(v.json)).errors).toEqual([]);
    expect(JSON.parse(stored.find((v) => v.type === 'indicator')?.json ?? '{}')).toMatchObject({ pattern: "[network-traffic:dst_ref.value = '203.0.113.5' AND network-traffic:dst_port = 443]" });
    expect(JSON.parse(stored.find((v) => v.type === 'network-traffic')?.json ?? '{}')).toMatchObject({ src_port: 8443, protocols: ['ipv6'], src_ref: expect.stringMatching(/^ipv6-addr--/) as unknown });
    const report = stored.find((v) => v.type === 'report');
    if (report === undefined) throw new Error('no report');
    const exported = await eventOfReport(store, { kind: 'member', orgId: OWNER, userId: null, keys: ['public', 'community', `org:${OWNER}`] }, report);
    expect(exported.Attribute.map((a) => [a.type, a.value, a.to_ids])).toEqual([
      ['ip-dst|port', '203.0.113.5|443', true],
      ['ip-src|port', '2001:db8::7|8443', false],
    ]);
  });

  it.each(['203.0.113.5|https', '203.0.113.5|70000', '203.0.113.5'])('refuses %s with the attribute named, storing nothing', async (value) => {
    const store = memoryStixStore();
    const result = await run(store, event(value));
    expect(result.ok ? null : { code: result.error.code, path: result.error.details?.[0]?.path }).toEqual({ code: 'invalid-misp-event', path: '$.Event.Attribute[0].value' });
    expect(await store.count(OPERATOR)).toBe(0);
  });
});

describe('more attribute types, actors and the techniques they use', () => {
  const uuid = (n: string) => `7d1e2f3a-4b5c-4d6e-8f7a-8b9c0d1e2f${n.padStart(2, '0')}`;
  const attribute = (n: string, type: string, value: string, to_ids: boolean, extra: Record<string, unknown> = {}) => ({ uuid: uuid(n), type, category: 'Network activity', to_ids, value, timestamp: '1792580000', ...extra });
  const event = JSON.stringify({
    Event: {
      uuid: '7d1e2f3a-4b5c-4d6e-8f7a-8b9c0d1e2f00',
      info: 'FICTIONAL more types',
      date: '2026-10-21',
      timestamp: '1792590000',
      distribution: '1',
      Tag: [{ name: 'tlp:green' }, { name: 'misp-galaxy:mitre-attack-pattern="Spearphishing Attachment - T0865"' }],
      Attribute: [
        attribute('1', 'hostname|port', 'c2.ballot-results-update.example|8443', true),
        attribute('2', 'hostname|port', 'c2.ballot-results-update.example|8443', false),
        attribute('3', 'AS', 'AS64496', false),
        attribute('4', 'regkey|value', 'HKLM\\Software\\Microsoft\\Windows\\CurrentVersion\\Run|%TEMP%\\lure.exe', true),
        attribute('5', 'user-agent', 'Mozilla/5.0 (FICTIONAL)', true),
        attribute('6', 'user-agent', 'Mozilla/5.0 (FICTIONAL)', false),
        attribute('7', 'email-message-id', '<fictional-1@county-helpdesk.example>', false),
        attribute('8', 'x509-fingerprint-sha256', 'aa'.repeat(32), true),
        attribute('9', 'threat-actor', 'FICTIONAL SPIDER', false, { category: 'Attribution' }),
        attribute('10', 'campaign-name', 'Operation Fictional Ballot', false, { category: 'Attribution' }),
        attribute('11', 'AS', '64497', true),
        attribute('12', 'pdb', 'C:\\fictional\\lure.pdb', false),
        attribute('13', 'pdb', 'C:\\fictional\\other.pdb', false),
      ],
    },
  });

  it('map to STIX that validates, and the event says in plain words which types it left out', async () => {
    const store = memoryStixStore();
    const result = await run(store, event);
    if (!result.ok) throw new Error(JSON.stringify(result.error));
    const stored = await everything(store);
    for (const v of stored) expect({ id: v.id, errors: oasis.validate(JSON.parse(v.json)).errors }).toEqual({ id: v.id, errors: [] });
    const json = (type: string, n: string) => JSON.parse(stored.find((v) => v.id === `${type}--${uuid(n)}`)?.json ?? 'null') as Record<string, unknown> | null;
    expect(json('indicator', '1')).toMatchObject({ pattern: "[network-traffic:dst_ref.value = 'c2.ballot-results-update.example' AND network-traffic:dst_port = 8443]" });
    const traffic = JSON.parse(stored.find((v) => v.type === 'network-traffic')?.json ?? '{}') as Record<string, unknown>;
    expect(traffic).toMatchObject({ dst_port: 8443, protocols: ['tcp'], dst_ref: expect.stringMatching(/^domain-name--/) as unknown });
    expect(JSON.parse(stored.find((v) => v.type === 'autonomous-system')?.json ?? '{}')).toMatchObject({ number: 64496 });
    expect(json('indicator', '11')).toMatchObject({ pattern: '[autonomous-system:number = 64497]' });
    expect(json('indicator', '4')).toMatchObject({ pattern: "[windows-registry-key:key = 'HKEY_LOCAL_MACHINE\\\\Software\\\\Microsoft\\\\Windows\\\\CurrentVersion\\\\Run' AND windows-registry-key:values[*].data = '%TEMP%\\\\lure.exe']" });
    expect(json('indicator', '5')).toMatchObject({ pattern: "[network-traffic:extensions.'http-request-ext'.request_header.'User-Agent' = 'Mozilla/5.0 (FICTIONAL)']" });
    // STIX cannot hold a user agent as an observable alone: without to_ids it is kept as a note.
    expect(json('note', '6')).toMatchObject({ content: 'Mozilla/5.0 (FICTIONAL)', labels: expect.arrayContaining(['misp:type="user-agent"']) as unknown });
    expect(JSON.parse(stored.find((v) => v.type === 'email-message')?.json ?? '{}')).toMatchObject({ message_id: '<fictional-1@county-helpdesk.example>', is_multipart: false });
    expect(json('indicator', '8')).toMatchObject({ pattern: `[x509-certificate:hashes.'SHA-256' = '${'aa'.repeat(32)}']` });
    expect(json('threat-actor', '9')).toMatchObject({ name: 'FICTIONAL SPIDER', created_by_ref: OWNER });
    expect(json('campaign', '10')).toMatchObject({ name: 'Operation Fictional Ballot' });
    // The event's technique: the report is related to it, its actor and campaign use it.
    const spearphishing = 'attack-pattern--648f995e-9c3a-41e4-aeee-98bb41037426';
    const relationships = stored.filter((v) => v.type === 'relationship').map((v) => JSON.parse(v.json) as Record<string, unknown>);
    expect(relationships.map((r) => [r['relationship_type'], r['source_ref'], r['target_ref']]).sort()).toEqual(
      [
        ['related-to', 'report--7d1e2f3a-4b5c-4d6e-8f7a-8b9c0d1e2f00', spearphishing],
        ['uses', `campaign--${uuid('10')}`, spearphishing],
        ['uses', `threat-actor--${uuid('9')}`, spearphishing],
      ].sort(),
    );
    expect(result.value.notes).toEqual(expect.arrayContaining([expect.objectContaining({ code: 'not-carried', message: '2 pdb attributes were left out: Rampart has no STIX form for that type (docs/misp.md lists the types it carries)' })]));
  });

  it('come back from the export as the same MISP types and values', async () => {
    const store = memoryStixStore();
    expect((await run(store, event)).ok).toBe(true);
    const report = (await everything(store)).find((v) => v.type === 'report');
    if (report === undefined) throw new Error('no report');
    const exported = await eventOfReport(store, { kind: 'member', orgId: OWNER, userId: null, keys: ['public', 'community', `org:${OWNER}`] }, report);
    const pairs = exported.Attribute.map((a) => `${a.type} ${a.value} ${a.to_ids}`);
    // Without its MISP type label (a STIX indicator from elsewhere), a host name and port is still hostname|port.
    const unlabelled = { ...report, type: 'indicator', id: 'indicator--7d1e2f3a-4b5c-4d6e-8f7a-8b9c0d1e2f99', json: JSON.stringify({ type: 'indicator', pattern: "[network-traffic:dst_ref.value = 'c2.example' AND network-traffic:dst_port = 443]", pattern_type: 'stix' }) } as StoredVersion;
    expect(attributesOf(unlabelled, { groupName: (g) => g, observables: new Map(), galaxies: new Map() }).map((a) => [a.type, a.value])).toEqual([['hostname|port', 'c2.example|443']]);
    expect(pairs).toEqual(
      expect.arrayContaining([
        'hostname|port c2.ballot-results-update.example|8443 true',
        'AS 64497 true',
        'user-agent Mozilla/5.0 (FICTIONAL) true',
        'user-agent Mozilla/5.0 (FICTIONAL) false',
        'threat-actor FICTIONAL SPIDER false',
        'campaign-name Operation Fictional Ballot false',
      ]),
    );
  });

  it('a sample event from the MISP project: its regkey|value is carried now, with the hive written out', async () => {
    const store = memoryStixStore();
    const result = await run(store, readFileSync(path.join(MISP_DIR, '57c4445b-c548-4654-af0b-4be3950d210f.json')));
    if (!result.ok) throw new Error(JSON.stringify(result.error));
    expect(result.value.notes.filter((n) => n.code === 'not-carried')).toEqual([]);
    const patterns = (await everything(store)).filter((v) => v.type === 'indicator').map((v) => (JSON.parse(v.json) as { pattern: string }).pattern);
    expect(patterns).toContain("[windows-registry-key:key = 'Software\\\\Wow6432Node\\\\Microsoft\\\\Windows\\\\CurrentVersion\\\\Run' AND windows-registry-key:values[*].data = '%TEMP%\\\\3Z4wnG9603it23y.exe']");
  });
});

describe('MISP objects: one STIX unit each, with their references', () => {
  it('existing_event.json (MISP project sample): each file and domain-ip object is one indicator, its words a note, its references relationships', async () => {
    const store = memoryStixStore();
    const result = await run(store, readFileSync(path.join(MISP_DIR, 'existing_event.json')));
    if (!result.ok) throw new Error(JSON.stringify(result.error));
    const stored = await everything(store);
    const json = (id: string) => JSON.parse(stored.find((v) => v.id === id)?.json ?? 'null') as Record<string, unknown> | null;
    const units = stored.filter((v) => v.type === 'indicator' && v.json.includes('misp:object='));
    // 37 file objects and 12 domain-ip objects, every attribute of which is to_ids.
    expect(units).toHaveLength(49);
    expect(json('indicator--5a3ce58a-3198-4cb8-9d51-44e5950d210f')).toMatchObject({ pattern: "[domain-name:resolves_to_refs[*].value = '87.236.211.182' AND domain-name:value = 'servicecdp.com']", labels: ['misp:object="domain-ip"'] });
    expect(json('indicator--5a3cd5b6-9568-4342-b2ab-4c62950d210f')).toMatchObject({ pattern: expect.stringMatching(/^\[file:name = 'Bulletin\.doc' AND file:hashes\.'SHA-1' = '[0-9a-f]{40}'\]$/) as unknown, description: 'Win32/Sednit.AX' });
    // The object's text attribute (state: Malicious) is a note about the unit, not an attribute of its own.
    const notes = stored.filter((v) => v.type === 'note').map((v) => JSON.parse(v.json) as Record<string, unknown>);
    expect(notes).toEqual(expect.arrayContaining([expect.objectContaining({ content: 'state: Malicious', abstract: 'file object: Win32/Sednit.AX', object_refs: ['indicator--5a3cd5b6-9568-4342-b2ab-4c62950d210f'] })]));
    // No attribute of an object became an object of its own.
    expect(stored.filter((v) => v.type === 'indicator' && v.json.includes('misp:type="sha1"'))).toEqual([]);
    // A reference to an attribute (referenced_type 0) and one to an object (1) are relationships between what they became.
    expect(json('relationship--5a3cdba2-2fdc-4f9a-a4eb-4dae950d210f')).toMatchObject({ relationship_type: 'communicates-with', source_ref: 'indicator--5a3cda96-85c4-45a1-82ea-c5ed950d210f', target_ref: 'indicator--5a3c3045-ab0c-4d38-8efe-459002de0b81' });
    const references = stored.filter((v) => v.type === 'relationship' && !v.json.includes('"based-on"'));
    expect(references).toHaveLength(20);
    for (const r of references) {
      const o = JSON.parse(r.json) as { source_ref: string; target_ref: string };
      expect(stored.some((v) => v.id === o.source_ref) && stored.some((v) => v.id === o.target_ref)).toBe(true);
    }
  });

  const objectEvent = (objects: unknown[], attributes: unknown[] = []) =>
    JSON.stringify({ Event: { uuid: '5c6d7e8f-9a0b-4c1d-8e2f-3a4b5c6d7e00', info: 'FICTIONAL objects', date: '2026-10-22', timestamp: '1792600000', distribution: '1', Tag: [{ name: 'tlp:green' }], Attribute: attributes, Object: objects } });
  const id = (n: string) => `5c6d7e8f-9a0b-4c1d-8e2f-3a4b5c6d7e${n.padStart(2, '0')}`;
  const attr = (n: string, relation: string, type: string, value: string, to_ids: boolean, extra: Record<string, unknown> = {}) => ({ uuid: id(n), object_relation: relation, type, value, to_ids, category: 'Network activity', timestamp: '1792600000', ...extra });
  const email = { uuid: id('10'), name: 'email', comment: 'the lure', distribution: '5', timestamp: '1792600000', Attribute: [attr('11', 'from', 'email-src', 'it-support@county-helpdesk.example', true), attr('12', 'to', 'email-dst', 'clerk@county.example', false), attr('13', 'to', 'email-dst', 'deputy@county.example', false), attr('14', 'subject', 'email-subject', 'Updated poll worker schedule', true)], ObjectReference: [{ uuid: id('15'), referenced_uuid: id('20'), relationship_type: 'Delivers Payload', comment: 'the link in the mail' }] };
  const ipPort = { uuid: id('20'), name: 'ip-port', distribution: '5', timestamp: '1792600000', Attribute: [attr('21', 'ip', 'ip-dst', '203.0.113.47', true), attr('22', 'dst-port', 'port', '8443', false, { distribution: '0' })] };
  const domainIp = { uuid: id('30'), name: 'domain-ip', distribution: '5', timestamp: '1792600000', Attribute: [attr('31', 'domain', 'domain', 'ballot-results-update.example', true), attr('32', 'domain', 'domain', 'cdn.ballot-results-update.example', true), attr('33', 'ip', 'ip-dst', '198.51.100.23', true), attr('34', 'ip', 'ip-dst', '198.51.100.24', true)] };
  const lonelyIp = { uuid: id('40'), name: 'domain-ip', distribution: '5', timestamp: '1792600000', Attribute: [attr('41', 'ip', 'ip-dst', '192.0.2.10', false), attr('42', 'port', 'port', '53', false)], ObjectReference: [{ uuid: id('43'), referenced_uuid: id('99'), relationship_type: 'related-to' }] };

  it('email, ip-port and domain-ip objects: patterns of their to_ids attributes, observables of all, shared as their narrowest attribute', async () => {
    const store = memoryStixStore();
    const result = await run(store, objectEvent([email, ipPort, domainIp, lonelyIp]));
    if (!result.ok) throw new Error(JSON.stringify(result.error));
    const stored = await everything(store);
    for (const v of stored) expect({ id: v.id, errors: oasis.validate(JSON.parse(v.json)).errors }).toEqual({ id: v.id, errors: [] });
    const json = (sid: string) => JSON.parse(stored.find((v) => v.id === sid)?.json ?? 'null') as Record<string, unknown> | null;
    expect(json(`indicator--${id('10')}`)).toMatchObject({ pattern: "[email-message:from_ref.value = 'it-support@county-helpdesk.example' AND email-message:subject = 'Updated poll worker schedule']", description: 'the lure' });
    const message = JSON.parse(stored.find((v) => v.type === 'email-message')?.json ?? '{}') as Record<string, unknown>;
    expect(message).toMatchObject({ subject: 'Updated poll worker schedule', from_ref: expect.stringMatching(/^email-addr--/) as unknown, to_refs: [expect.stringMatching(/^email-addr--/), expect.stringMatching(/^email-addr--/)] as unknown });
    expect(json(`observed-data--${id('10')}`)).toMatchObject({ object_refs: [message['id']] });
    // Several domains and addresses of one domain-ip: any of them.
    expect(json(`indicator--${id('30')}`)).toMatchObject({ pattern: "[(domain-name:value = 'ballot-results-update.example' OR domain-name:value = 'cdn.ballot-results-update.example') AND (domain-name:resolves_to_refs[*].value = '198.51.100.23' OR domain-name:resolves_to_refs[*].value = '198.51.100.24')]" });
    // The port is shared with the organization only: the whole ip-port object is, and the notes say so.
    expect(stored.find((v) => v.id === `indicator--${id('20')}`)?.sharing.audience).toEqual([`org:${OWNER}`]);
    expect(json(`indicator--${id('20')}`)).toMatchObject({ pattern: "[network-traffic:dst_ref.value = '203.0.113.47']" });
    expect(JSON.parse(stored.find((v) => v.type === 'network-traffic')?.json ?? '{}')).toMatchObject({ dst_port: 8443, protocols: ['ipv4'] });
    expect(result.value.notes).toEqual(expect.arrayContaining([expect.objectContaining({ code: 'audience-narrowed', path: '$.Event.Object[1]', message: expect.stringContaining('ip-port object') as unknown })]));
    // The reference: a relationship in words MISP's free text allows, shared no wider than its narrower end.
    const reference = stored.find((v) => v.id === `relationship--${id('15')}`);
    expect(JSON.parse(reference?.json ?? '{}')).toMatchObject({ relationship_type: 'delivers-payload', source_ref: `indicator--${id('10')}`, target_ref: `indicator--${id('20')}`, description: 'the link in the mail' });
    expect(reference?.sharing.audience).toEqual([`org:${OWNER}`]);
    // A domain-ip without a domain describes no domain: its address stands alone; its port and its reference to nothing are reported.
    expect(json(`observed-data--${id('40')}`)).toMatchObject({ object_refs: [expect.stringMatching(/^ipv4-addr--/)] });
    expect(result.value.notes).toEqual(expect.arrayContaining([expect.objectContaining({ code: 'not-carried', message: expect.stringContaining('1 port') as unknown }), expect.objectContaining({ code: 'not-carried', path: '$.Event.Object[3].ObjectReference[0]' })]));
  });

  it('come back from the export as the same MISP objects, and import again to the same STIX', async () => {
    const store = memoryStixStore();
    expect((await run(store, objectEvent([email, ipPort, domainIp]))).ok).toBe(true);
    const report = (await everything(store)).find((v) => v.type === 'report');
    if (report === undefined) throw new Error('no report');
    const exported = await eventOfReport(store, { kind: 'member', orgId: OWNER, userId: null, keys: ['public', 'community', `org:${OWNER}`] }, report);
    expect(exported.Attribute).toEqual([]);
    const mail = exported.Object.find((o) => o.uuid === id('10'));
    expect(mail).toMatchObject({ name: 'email', comment: 'the lure', ObjectReference: [{ uuid: id('15'), referenced_uuid: id('20'), relationship_type: 'delivers-payload' }] });
    expect(mail?.Attribute.map((a) => [a.object_relation, a.type, a.value, a.to_ids]).sort()).toEqual(
      [
        ['from', 'email-src', 'it-support@county-helpdesk.example', true],
        ['subject', 'email-subject', 'Updated poll worker schedule', true],
        ['to', 'email-dst', 'clerk@county.example', false],
        ['to', 'email-dst', 'deputy@county.example', false],
      ].sort(),
    );
    const again = memoryStixStore();
    expect((await run(again, JSON.stringify({ Event: exported }))).ok).toBe(true);
    const shape = async (s: StixStore) => (await everything(s)).filter((v) => v.type !== 'report').map((v) => `${v.id} ${v.sharing.tlp} ${v.sharing.audience.join(',')}`).sort();
    expect(await shape(again)).toEqual(await shape(store));
  });
});

describe('importMisp: threat-actor and intrusion-set clusters, sightings, event reports and proposals', () => {
  const SIGHTINGS = readFileSync(new URL('../../test/fixtures/misp/fictional-sightings-event.json', import.meta.url));
  const parsed = (v: StoredVersion | undefined): Record<string, unknown> => JSON.parse(v?.json ?? '{}') as Record<string, unknown>;
  const domainIndicator = 'indicator--7b2e4c91-3d5a-4f6b-8c7d-000000000001';

  it('a threat-actor cluster becomes a threat-actor, an ATT&CK group cluster the knowledge base intrusion-set with that group id', async () => {
    const store = memoryStixStore();
    const result = await run(store, SIGHTINGS);
    if (!result.ok) throw new Error(JSON.stringify(result.error));
    const stored = await everything(store);
    for (const v of stored) expect({ id: v.id, errors: oasis.validate(JSON.parse(v.json)).errors }).toEqual({ id: v.id, errors: [] });
    const actor = stored.find((v) => v.type === 'threat-actor');
    expect(parsed(actor)).toMatchObject({ name: 'FICTIONAL HERON', created_by_ref: OWNER, labels: ['misp:galaxy="threat-actor"'] });
    expect(actor?.sharing).toEqual({ owner: OWNER, tlp: 'green', audience: ['community'] });
    const report = parsed(stored.find((v) => v.type === 'report'));
    expect(report['object_refs']).toEqual(expect.arrayContaining([actor?.id]));
    // The cluster on the domain names Sandworm Team (G0034), which ATT&CK for ICS holds: the indicator indicates that intrusion-set; no copy is made.
    const sandworm = 'intrusion-set--381fcf73-60f6-4ab2-9991-6af3cbc35192';
    expect(stored.filter((v) => v.type === 'intrusion-set')).toEqual([]);
    const relationships = stored.filter((v) => v.type === 'relationship').map(parsed);
    expect(relationships).toEqual(expect.arrayContaining([expect.objectContaining({ relationship_type: 'indicates', source_ref: domainIndicator, target_ref: sandworm })]));
    // The same event again: nothing new (the actor's id comes from owner, type and name).
    expect(await run(store, SIGHTINGS)).toMatchObject({ ok: true, value: { added: 0, newVersions: 0 } });
  });

  it('an intrusion-set cluster the knowledge base lacks becomes an intrusion-set of the importer with its ATT&CK group reference', async () => {
    const store = memoryStixStore();
    const event = JSON.parse(SIGHTINGS.toString('utf8')) as { Event: Record<string, unknown> & { Tag: { name: string }[] } };
    event.Event.Tag.push({ name: 'misp-galaxy:mitre-intrusion-set="FICTIONAL OWL - G9990"' });
    expect((await run(store, JSON.stringify(event))).ok).toBe(true);
    const set = (await everything(store)).find((v) => v.type === 'intrusion-set');
    expect(parsed(set)).toMatchObject({ name: 'FICTIONAL OWL', created_by_ref: OWNER, labels: ['misp:galaxy="mitre-intrusion-set"'], external_references: [{ source_name: 'mitre-attack', external_id: 'G9990', url: 'https://attack.mitre.org/groups/G9990/' }] });
  });

  it('sightings of indicators become STIX sightings, false positives opinions; expirations and sightings of observations are counted as left out', async () => {
    const store = memoryStixStore();
    const result = await run(store, SIGHTINGS);
    if (!result.ok) throw new Error(JSON.stringify(result.error));
    const stored = await everything(store);
    const sightings = stored.filter((v) => v.type === 'sighting');
    expect(sightings.map((v) => v.id).sort()).toEqual(['sighting--7b2e4c91-3d5a-4f6b-8c7d-5a0000000001', 'sighting--7b2e4c91-3d5a-4f6b-8c7d-5a0000000004']);
    expect(parsed(sightings.find((v) => v.id.endsWith('01')))).toMatchObject({ sighting_of_ref: domainIndicator, first_seen: '2026-10-27T14:06:40.000Z', last_seen: '2026-10-27T14:06:40.000Z', count: 1, description: 'Sighted in MISP by Example County IT (fictional) (source: proxy logs)', created_by_ref: OWNER });
    // Each shared as the indicator it sights: the URL is tlp:amber, distribution 0.
    expect(sightings.find((v) => v.id.endsWith('04'))?.sharing).toEqual({ owner: OWNER, tlp: 'amber', audience: [`org:${OWNER}`] });
    expect(sightings.find((v) => v.id.endsWith('01'))?.sharing).toEqual({ owner: OWNER, tlp: 'green', audience: ['community'] });
    const opinion = stored.find((v) => v.type === 'opinion');
    expect(parsed(opinion)).toMatchObject({ id: 'opinion--7b2e4c91-3d5a-4f6b-8c7d-5a0000000002', opinion: 'strongly-disagree', object_refs: [domainIndicator], explanation: 'Reported as a false positive in MISP by Example Vendor SOC (fictional)' });
    expect(result.value.notes).toEqual(expect.arrayContaining([expect.objectContaining({ code: 'not-carried', message: expect.stringMatching(/^2 MISP sightings were left out: 1 of attributes that are not indicators.*1 expiration/) as unknown })]));
    expect(parsed(stored.find((v) => v.type === 'report'))['object_refs']).toEqual(expect.arrayContaining([sightings[0]?.id, opinion?.id]));
  });

  it('event reports become notes about the report and the items they mention, shared by their own distribution; proposals are counted, not carried', async () => {
    const store = memoryStixStore();
    const result = await run(store, SIGHTINGS);
    if (!result.ok) throw new Error(JSON.stringify(result.error));
    const stored = await everything(store);
    const report = 'report--7b2e4c91-3d5a-4f6b-8c7d-9e0f1a2b3c57';
    const write = stored.find((v) => v.id === 'note--7b2e4c91-3d5a-4f6b-8c7d-e00000000001');
    expect(parsed(write)).toMatchObject({ abstract: 'How the vendor phishing works (fictional)', content: expect.stringContaining('# Summary') as unknown, object_refs: [report, domainIndicator], labels: ['misp:event-report'] });
    expect(write?.sharing).toEqual({ owner: OWNER, tlp: 'green', audience: ['community'] });
    expect(stored.find((v) => v.id === 'note--7b2e4c91-3d5a-4f6b-8c7d-e00000000002')?.sharing).toEqual({ owner: OWNER, tlp: 'green', audience: [`org:${OWNER}`] });
    expect(stored.find((v) => v.id === 'note--7b2e4c91-3d5a-4f6b-8c7d-e00000000003')).toBeUndefined();
    // The proposed address is not imported.
    expect(stored.filter((v) => v.type === 'ipv4-addr').map((v) => parsed(v)['value'])).toEqual(['198.51.100.23']);
    expect(result.value.notes).toEqual(expect.arrayContaining([expect.objectContaining({ code: 'not-carried', message: expect.stringContaining('1 MISP proposal was left out') as unknown })]));
  });

  it('sighting_1.json (MISP project sample): its sightings of the domain indicators are STIX sightings; existing_event.json: Sofacy is a threat-actor', async () => {
    const store = memoryStixStore();
    expect((await run(store, readFileSync(path.join(MISP_DIR, 'sighting_1.json')))).ok).toBe(true);
    const sightings = (await everything(store)).filter((v) => v.type === 'sighting').map(parsed);
    expect(sightings.length).toBeGreaterThan(0);
    for (const s of sightings) expect(s).toMatchObject({ sighting_of_ref: expect.stringMatching(/^indicator--/) as unknown, count: 1, description: expect.stringContaining('Sighted in MISP by ORGNAME') as unknown });
    const other = memoryStixStore();
    expect((await run(other, readFileSync(path.join(MISP_DIR, 'existing_event.json')))).ok).toBe(true);
    expect((await everything(other)).filter((v) => v.type === 'threat-actor').map((v) => parsed(v)['name'])).toEqual(['Sofacy']);
  });
});

describe('MISP export of what the new parts became', () => {
  it('event reports come back as event reports, galaxy actors as their tags (not as attributes), and import again to the same objects', async () => {
    const SIGHTINGS = readFileSync(new URL('../../test/fixtures/misp/fictional-sightings-event.json', import.meta.url));
    const store = memoryStixStore();
    expect((await run(store, SIGHTINGS)).ok).toBe(true);
    const report = (await everything(store)).find((v) => v.type === 'report');
    if (report === undefined) throw new Error('no report');
    const event = await eventOfReport(store, OPERATOR, report);
    expect(event.EventReport?.map((r) => ({ uuid: r.uuid, name: r.name, distribution: r.distribution }))).toEqual(
      expect.arrayContaining([
        { uuid: '7b2e4c91-3d5a-4f6b-8c7d-e00000000001', name: 'How the vendor phishing works (fictional)', distribution: '1' },
        { uuid: '7b2e4c91-3d5a-4f6b-8c7d-e00000000002', name: 'Internal draft', distribution: '0' },
      ]),
    );
    expect(event.Attribute.filter((a) => a.type === 'threat-actor' || a.type === 'comment')).toEqual([]);
    expect(event.Tag.map((t) => t.name)).toContain('misp-galaxy:threat-actor="FICTIONAL HERON"');
    const again = memoryStixStore();
    expect((await run(again, JSON.stringify({ Event: event }))).ok).toBe(true);
    const notes = (await everything(again)).filter((v) => v.type === 'note').map((v) => (JSON.parse(v.json) as { id: string }).id).sort();
    expect(notes).toEqual(['note--7b2e4c91-3d5a-4f6b-8c7d-e00000000001', 'note--7b2e4c91-3d5a-4f6b-8c7d-e00000000002']);
    expect((await everything(again)).filter((v) => v.type === 'threat-actor').map((v) => (JSON.parse(v.json) as { name: string }).name)).toEqual(['FICTIONAL HERON']);
    // Sightings and the false positive go back on the attributes of the indicators they are about, with MISP's organisation and source.
    const domain = event.Attribute.find((a) => a.value === 'pollbook-vendor-login.example');
    expect(domain?.Sighting).toEqual(
      expect.arrayContaining([
        { uuid: '7b2e4c91-3d5a-4f6b-8c7d-5a0000000001', type: '0', date_sighting: '1793110000', source: 'proxy logs', attribute_uuid: '7b2e4c91-3d5a-4f6b-8c7d-000000000001', Organisation: { uuid: OWNER.slice('identity--'.length), name: 'Example County IT (fictional)' } },
        { uuid: '7b2e4c91-3d5a-4f6b-8c7d-5a0000000002', type: '1', date_sighting: '1793120000', source: '', attribute_uuid: '7b2e4c91-3d5a-4f6b-8c7d-000000000001', Organisation: { uuid: OWNER.slice('identity--'.length), name: 'Example Vendor SOC (fictional)' } },
      ]),
    );
    expect(domain?.Sighting).toHaveLength(2);
    // Imported again (here by the same organization into another hub), they are the same STIX sightings and opinion, words included.
    const sightingsOf = async (s: StixStore) => (await everything(s)).filter((v) => v.type === 'sighting' || v.type === 'opinion').map((v) => v.json).sort();
    expect(await sightingsOf(again)).toEqual(await sightingsOf(store));
    expect(await sightingsOf(again)).toHaveLength(3);
  });
});
