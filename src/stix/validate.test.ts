import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { validateStixObject } from './validate.ts';
import { SHARED_DATA } from '../../test/helpers/shared-data.ts';

const indicator = {
  type: 'indicator',
  spec_version: '2.1',
  id: 'indicator--8e2e2d2b-17d4-4cbf-938f-98ee46b3cd3f',
  created: '2024-10-01T12:00:00.000Z',
  modified: '2024-10-01T12:00:00.123456Z',
  name: 'Phishing domain',
  pattern: "[domain-name:value = 'vote-info.example']",
  pattern_type: 'stix',
  valid_from: '2024-10-01T12:00:00Z',
  x_rampart_note: 'custom properties are kept',
};

const codes = (value: unknown) => {
  const result = validateStixObject(value, '$.objects[0]');
  return result.ok ? [] : result.error.map((p) => `${p.code} ${p.path ?? ''}`);
};

describe('validateStixObject', () => {
  it('accepts a valid indicator and returns its indexed fields', () => {
    const result = validateStixObject(indicator, '$');
    expect(result).toMatchObject({ ok: true, value: { id: indicator.id, type: 'indicator', kind: 'sdo', name: 'Phishing domain', modified: '2024-10-01T12:00:00.123456Z', revoked: false } });
  });

  it.each([
    [{ ...indicator, spec_version: '2.0' }, 'wrong-spec-version $.objects[0].spec_version'],
    [{ ...indicator, spec_version: undefined }, 'wrong-spec-version $.objects[0].spec_version'],
    [{ ...indicator, pattern: undefined }, 'missing-property $.objects[0].pattern'],
    [{ ...indicator, valid_from: undefined }, 'missing-property $.objects[0].valid_from'],
    [{ ...indicator, name: 7 }, 'wrong-type $.objects[0].name'],
    [{ ...indicator, created: '2024-10-01T12:00:00Z' }, 'invalid-timestamp $.objects[0].created'],
    [{ ...indicator, valid_from: '2024-10-01 12:00:00' }, 'invalid-timestamp $.objects[0].valid_from'],
    [{ ...indicator, valid_from: '2024-10-01T12:00:00+02:00' }, 'invalid-timestamp $.objects[0].valid_from'],
    [{ ...indicator, modified: '2024-09-01T00:00:00.000Z' }, 'modified-before-created $.objects[0].modified'],
    [{ ...indicator, valid_until: '2024-09-01T00:00:00Z' }, 'invalid-validity-window $.objects[0].valid_until'],
    [{ ...indicator, id: 'malware--8e2e2d2b-17d4-4cbf-938f-98ee46b3cd3f' }, 'id-type-mismatch $.objects[0].id'],
    [{ ...indicator, created_by_ref: 'malware--8e2e2d2b-17d4-4cbf-938f-98ee46b3cd3f' }, 'bad-reference $.objects[0].created_by_ref'],
    [{ ...indicator, object_marking_refs: ['identity--8e2e2d2b-17d4-4cbf-938f-98ee46b3cd3f'] }, 'bad-reference $.objects[0].object_marking_refs[0]'],
    [{ ...indicator, x_related_ref: 'not an id' }, 'bad-reference $.objects[0].x_related_ref'],
    [{ ...indicator, 'Bad-Name': 1 }, 'invalid-property-name $.objects[0]["Bad-Name"]'],
    [{ ...indicator, severity: 'high' }, 'reserved-property $.objects[0].severity'],
    [{ ...indicator, labels: [] }, 'empty-list $.objects[0].labels'],
    [{ ...indicator, extensions: { 'not-an-extension': { a: 1 } } }, 'invalid-extension-key $.objects[0].extensions["not-an-extension"]'],
    [{ ...indicator, type: 'Indicator' }, 'invalid-type-name $.objects[0].type'],
    [{ ...indicator, type: undefined }, 'missing-property $.objects[0].type'],
    ['a string', 'wrong-type $.objects[0]'],
  ])('rejects %# with the exact code and path', (value, expected) => {
    expect(codes(JSON.parse(JSON.stringify(value)))).toContain(expected);
  });

  it('rejects a value nested past 64 levels with too-deeply-nested, even 100,000 deep, without recursing', () => {
    let deep: unknown = 'x';
    for (let i = 0; i < 100_000; i++) deep = { d: deep };
    expect(codes({ ...indicator, x_deep: deep })).toEqual(['too-deeply-nested $.objects[0].x_deep.d.d.d.d.d… (64 levels down)']);
    let shallow: unknown = 'x';
    for (let i = 0; i < 60; i++) shallow = [shallow];
    expect(codes({ ...indicator, x_list: shallow })).not.toContainEqual(expect.stringContaining('too-deeply-nested'));
  });

  it('checks relationship and sighting reference targets', () => {
    const base = { spec_version: '2.1', created: '2024-10-01T12:00:00.000Z', modified: '2024-10-01T12:00:00.000Z' };
    const rel = { ...base, type: 'relationship', id: 'relationship--3c1a2cd3-3dbd-4d31-9b2c-91cd4e1ac2a3', relationship_type: 'indicates', source_ref: indicator.id, target_ref: 'marking-definition--34098fce-860f-48ae-8e50-ebd3cc5e41da' };
    expect(codes(rel)).toEqual(['bad-reference $.objects[0].target_ref']);
    const sighting = { ...base, type: 'sighting', id: 'sighting--3c1a2cd3-3dbd-4d31-9b2c-91cd4e1ac2a3', sighting_of_ref: 'ipv4-addr--3c1a2cd3-3dbd-4d31-9b2c-91cd4e1ac2a3', where_sighted_refs: ['indicator--3c1a2cd3-3dbd-4d31-9b2c-91cd4e1ac2a3'] };
    expect(codes(sighting)).toEqual(['bad-reference $.objects[0].where_sighted_refs[0]']);
  });

  it('rejects an unparseable STIX pattern through the pattern checker, naming the column', () => {
    const result = validateStixObject(indicator, '$', { checkPattern: () => ({ ok: false, error: { code: 'syntax', message: 'expected ]', column: 12 } }) });
    expect(result.ok ? [] : result.error).toEqual([{ id: indicator.id, path: '$.pattern', code: 'invalid-pattern', message: 'STIX pattern error at column 12: expected ]' }]);
  });

  it('accepts TLP 1.0 and TLP 2.0 marking definitions and custom objects', () => {
    const tlp = JSON.parse(readFileSync(`${SHARED_DATA}/tlp/tlp-marking-definitions.bundle.json`, 'utf8')) as { objects: unknown[] };
    for (const object of tlp.objects) expect(validateStixObject(object, '$').ok).toBe(true);
    const custom = { type: 'x-mitre-tactic', spec_version: '2.1', id: 'x-mitre-tactic--b03163eb-7e81-4fed-9819-641bf7c99507', created: '2024-11-22T16:43:58.074918Z', modified: '2024-11-22T16:43:58.074918Z', name: 'Plan', x_mitre_shortname: 'plan' };
    expect(validateStixObject(custom, '$')).toMatchObject({ ok: true, value: { custom: true, kind: 'sdo' } });
  });

  it('rejects a fake TLP 1.0 marking definition', () => {
    const fake = { type: 'marking-definition', spec_version: '2.1', id: 'marking-definition--3c1a2cd3-3dbd-4d31-9b2c-91cd4e1ac2a3', created: '2017-01-20T00:00:00.000Z', definition_type: 'tlp', name: 'TLP:GREEN', definition: { tlp: 'green' } };
    expect(codes(fake)).toEqual(['invalid-tlp-marking $.objects[0].id']);
  });
});
