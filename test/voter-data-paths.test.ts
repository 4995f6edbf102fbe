import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { importCommand } from '../src/cli/commands/import.ts';
import type { Hub } from '../src/hub/compose.ts';
import { composedHub, type ComposedHub } from './helpers/composed-hub.ts';
import { RAMPART_EXTENSION_ID } from '../src/stix/rampart-extension.ts';
import { openStore, type RampartStore } from '../src/store/index.ts';
import { tableRows } from './helpers/store.ts';
import { runCommand } from './helpers/cli.ts';

const TAXII = 'application/taxii+json;version=2.1';
// Columns a refused request may touch without changing data: when a key was last used.
const IGNORED = { api_key: ['last_used_at'] };

function incident(n: number, extra: Record<string, unknown>): Record<string, unknown> {
  return {
    type: 'incident',
    spec_version: '2.1',
    id: `incident--${String(n).padStart(8, '0')}-5555-4555-8555-555555555555`,
    created: '2026-11-03T10:00:00.000Z',
    modified: '2026-11-03T10:00:00.000Z',
    name: 'Caller asked poll workers for voter details (fictional)',
    ...extra,
  };
}

/** Each kind the scanner refuses, in the field it is put in (all numbers invented). */
const LEAKS: readonly [string, Record<string, unknown>, string, string][] = [
  ['a social security number in the description', { description: 'The caller read out 219-09-9999 as proof.' }, 'description', 'a social security number'],
  ['a date of birth next to a name', { description: 'Elena Marsh (DOB 03/14/1962) was named in the call.' }, 'description', 'a date of birth next to a name'],
  ["a driver's licence number in a custom property", { x_caller_notes: "driver's license D4829173" }, 'x_caller_notes', "a driver's licence or state ID number"],
  ['a voter registration number next to a name in a record', { x_people: [{ full_name: 'Nora Lindqvist', voter_id: '100293847' }] }, 'voter_id', 'a voter registration number next to a name'],
  ['a list of names with addresses', { x_targets: ['Jane Roe, 12 Oak St', 'John Doe, 48 Elm Avenue'] }, 'x_targets', 'a list of names with home addresses'],
];

describe('voter personal data is refused on every write path, and nothing is stored', () => {
  let composed: ComposedHub;
  let store: RampartStore;
  let hub: Hub;
  let key = '';

  beforeAll(async () => {
    composed = await composedHub();
    ({ hub, store } = composed);
    const town = await composed.organization({ kind: 'local', name: 'Birch Falls Town Clerk (fictional)', state_fips: '55' });
    key = (await composed.person(town, 'clerk')).key;
  });
  afterAll(() => composed.close());

  const headers = (accept = 'application/json') => ({ authorization: `Bearer ${key}`, accept });

  it.each(LEAKS.map(([label, extra, field, words], i) => [label, extra, field, words, i]))(
    'REST POST /api/v1/objects refuses %s with 422, naming the field and kind, never the value',
    async (_label, extra, field, words, i) => {
      const before = await tableRows(store.database, IGNORED);
      const res = await hub.app.inject({ method: 'POST', url: '/api/v1/objects', headers: headers(), payload: { object: incident(i, extra), tlp: 'amber', audience: ['state:55'] } });
      expect(res.statusCode, res.body).toBe(422);
      const body = res.json<{ code: string; detail: string; errors: { path: string; code: string; message: string }[] }>();
      expect(body.code).toBe('voter-personal-data');
      expect(body.errors.map((e) => e.code)).toEqual(['voter-personal-data']);
      expect(body.errors[0]?.path).toContain(field);
      expect(body.errors[0]?.message).toContain(`${field} holds what looks like ${words}`);
      for (const secret of ['219-09', '1962', 'D4829173', '100293847', 'Oak St']) expect(res.body).not.toContain(secret);
      expect(await tableRows(store.database, IGNORED)).toEqual(before);
    },
  );

  it('REST import refuses the whole file with 422 and the object path', async () => {
    const before = await tableRows(store.database, IGNORED);
    const bundle = { type: 'bundle', id: 'bundle--6b6b6b6b-6b6b-4b6b-8b6b-6b6b6b6b6b6b', objects: [incident(20, { description: 'fine' }), incident(21, { description: 'SSN 219-09-9999' })] };
    const res = await hub.app.inject({ method: 'POST', url: '/api/v1/import', headers: { ...headers(), 'content-type': 'application/json' }, payload: JSON.stringify(bundle) });
    expect(res.statusCode, res.body).toBe(422);
    const body = res.json<{ code: string; errors: { path: string; code: string }[] }>();
    expect(body.code).toBe('import-rejected');
    expect(body.errors).toContainEqual(expect.objectContaining({ path: '$.objects[1].description', code: 'voter-personal-data' }));
    expect(res.body).not.toContain('219-09');
    expect(await tableRows(store.database, IGNORED)).toEqual(before);
  });

  it('TAXII POST reports the object as a failure naming the field and kind, and stores nothing', async () => {
    const collections = await hub.app.inject({ method: 'GET', url: '/taxii2/rampart/collections/', headers: headers(TAXII) });
    const own = collections.json<{ collections: { id: string; title: string }[] }>().collections.find((c) => c.title.endsWith('owned and shared with it'));
    if (own === undefined) throw new Error(`no own collection in ${collections.body}`);
    const before = await tableRows(store.database, IGNORED);
    const res = await hub.app.inject({
      method: 'POST',
      url: `/taxii2/rampart/collections/${own.id}/objects/`,
      headers: { ...headers(TAXII), 'content-type': TAXII },
      payload: JSON.stringify({ objects: [incident(30, { description: 'Caller gave SSN 219099999' })] }),
    });
    expect(res.statusCode, res.body).toBe(202);
    const status = res.json<{ success_count: number; failure_count: number; failures: { message: string }[] }>();
    expect(status).toMatchObject({ success_count: 0, failure_count: 1 });
    expect(status.failures[0]?.message).toContain('description holds what looks like a social security number');
    expect(res.body).not.toContain('219099999');
    // The status resource is the one row a TAXII POST keeps, whatever happened to its objects.
    const after = await tableRows(store.database, IGNORED);
    after.delete('taxii_status');
    before.delete('taxii_status');
    expect(after).toEqual(before);
  });

  it('rampart import exits 1 with the object path and stores nothing', async () => {
    const dir = mkdtempSync(path.join(tmpdir(), 'rampart-privacy-'));
    const file = path.join(dir, 'leak.json');
    writeFileSync(file, JSON.stringify({ type: 'bundle', id: 'bundle--6c6c6c6c-6c6c-4c6c-8c6c-6c6c6c6c6c6c', objects: [incident(40, { x_people: [{ name: 'Ivo Brandt', dob: '1970-01-31' }] })] }));
    const dbFile = path.join(dir, 'cli.sqlite');
    const run = await runCommand(importCommand(), ['--db', dbFile, file]);
    expect(run.exit).toBe(1);
    expect(run.out).toContain('$.objects[0].x_people[0].dob: [voter-personal-data] dob holds what looks like a date of birth next to a name');
    expect(run.out).not.toContain('1970');
    const check = await openStore({ url: dbFile });
    try {
      expect(await check.stix.count({ kind: 'operator' }, { versions: 'all' })).toBe(0);
    } finally {
      await check.close();
    }
  });

  it("refuses an unknown severity, category or count in Rampart's extension with the field named", async () => {
    const before = await tableRows(store.database, IGNORED);
    const ext = (props: Record<string, unknown>) => ({ extensions: { [RAMPART_EXTENSION_ID]: { extension_type: 'property-extension', ...props } } });
    const cases: [Record<string, unknown>, string, string][] = [
      [{ severity: 'urgent' }, 'severity', '"urgent" is not an allowed value; use one of low, moderate, high, critical'],
      [{ incident_category: 'rumour' }, 'incident_category', 'use one of cyber, influence, physical, operational, threat-to-election-workers'],
      [{ impact: 'huge' }, 'impact', 'use one of none, minor, moderate, major'],
      [{ election_functions: ['voting', 'counting'] }, 'election_functions[1]', '"counting" is not an election function'],
      [{ voters_affected: -3 }, 'voters_affected', 'greater or equal to 0'],
      [{ voters_affected: 2.5 }, 'voters_affected', 'expected integer'],
      [{ case_status: 'done' }, 'case_status', 'use one of new, acknowledged, investigating, contained, resolved, reopened'],
      [{ law_enforcement_referral: { agency: 'FBI field office' } }, 'law_enforcement_referral.referred_at', 'referred_at is required'],
    ];
    for (const [props, field, message] of cases) {
      const res = await hub.app.inject({ method: 'POST', url: '/api/v1/objects', headers: headers(), payload: { object: incident(50, ext(props)), tlp: 'amber', audience: ['state:55'] } });
      expect(res.statusCode, res.body).toBe(422);
      const errors = res.json<{ errors: { path: string; message: string }[] }>().errors;
      expect(errors.map((e) => e.path), JSON.stringify(props)).toContain(`$.object.extensions["${RAMPART_EXTENSION_ID}"].${field}`);
      expect(errors.map((e) => e.message).join(' | ')).toContain(message);
    }
    expect(await tableRows(store.database, IGNORED)).toEqual(before);
    const good = await hub.app.inject({ method: 'POST', url: '/api/v1/objects', headers: headers(), payload: { object: incident(51, ext({ severity: 'high', impact: 'minor', voters_affected: 1200, incident_category: 'threat-to-election-workers' })), tlp: 'amber', audience: ['state:55'] } });
    expect(good.statusCode, good.body).toBe(201);
  });
});
