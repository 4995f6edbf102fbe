import { describe, expect, it } from 'vitest';
import { loadOasisValidator } from '../../test/helpers/oasis.ts';
import { exampleElection, exampleStatus } from '../../test/helpers/rampart-examples.ts';
import { RAMPART_EXTENSION_ID } from './rampart-extension.ts';
import { validateStixObject } from './validate.ts';

const problems = (object: Record<string, unknown>) => {
  const r = validateStixObject(object, '$');
  return r.ok ? [] : r.error.map((p) => [p.path, p.code]);
};

describe('the Rampart extension on every validation path', () => {
  const oasis = loadOasisValidator();

  it('accepts a status report and an election, which the OASIS schemas accept too', () => {
    for (const object of [exampleStatus(), exampleElection()]) {
      expect(problems(object)).toEqual([]);
      expect(oasis.validate(object).errors).toEqual([]);
    }
  });

  it('refuses a status report with no functions, naming the field', () => {
    expect(problems(exampleStatus({ functions: {} }))).toEqual([['$.functions', 'no-functions']]);
    const { functions: _gone, ...without } = exampleStatus();
    expect(problems(without)).toEqual([['$.functions', 'missing-property']]);
    expect(problems(exampleStatus({ functions: [] }))).toEqual([['$.functions', 'empty-list'], ['$.functions', 'wrong-type']]);
  });

  it('refuses an unknown function or level, and says which ones exist', () => {
    const fn = validateStixObject(exampleStatus({ functions: { 'vote-buying': { level: 'normal' } } }), '$');
    expect(fn.ok ? [] : fn.error.map((p) => [p.path, p.code])).toEqual([['$.functions["vote-buying"]', 'unknown-election-function']]);
    expect(fn.ok ? '' : fn.error[0]?.message).toContain('pollbooks');
    const level = validateStixObject(exampleStatus({ functions: { voting: { level: 'no-report' } } }), '$');
    expect(level.ok ? [] : level.error.map((p) => [p.path, p.code])).toEqual([['$.functions.voting.level', 'unknown-status-level']]);
    expect(level.ok ? '' : level.error[0]?.message).toContain('compromise-confirmed');
    expect(problems(exampleStatus({ functions: { voting: 'normal' } }))).toEqual([['$.functions.voting', 'wrong-type']]);
    expect(problems(exampleStatus({ functions: { voting: {} } }))).toEqual([['$.functions.voting.level', 'missing-property']]);
    expect(problems(exampleStatus({ functions: { voting: { level: 'normal', contingencies: ['prayer'] } } }))).toEqual([['$.functions.voting.contingencies[0]', 'unknown-contingency']]);
  });

  it('checks the rest of a status report: election, jurisdiction, state, county, the new-sdo marker', () => {
    expect(problems(exampleStatus({ election_ref: 'identity--5e1ec710-0000-4000-8000-000000000001' }))).toEqual([['$.election_ref', 'bad-reference']]);
    const { jurisdiction_ref: _j, ...noJurisdiction } = exampleStatus();
    expect(problems(noJurisdiction)).toEqual([['$.jurisdiction_ref', 'missing-property']]);
    expect(problems(exampleStatus({ state_fips: '03', county_fips: '03001' }))).toEqual([['$.state_fips', 'unknown-state']]);
    expect(problems(exampleStatus({ county_fips: '17031' }))).toEqual([['$.county_fips', 'county-outside-state']]);
    expect(problems(exampleStatus({ functions: { voting: { level: 'normal', colour: 'green' } } }))).toEqual([['$.functions.voting.colour', 'wrong-type']]);
    expect(problems(exampleStatus({ extensions: { 'other-ext': { a: 1 } } }))).toEqual([[`$.extensions["${RAMPART_EXTENSION_ID}"]`, 'missing-property']]);
  });

  it('checks an election: its states, its phases and their dates', () => {
    expect(problems(exampleElection({ state_fips: ['55', '99'] }))).toEqual([['$.state_fips[1]', 'unknown-state']]);
    expect(problems(exampleElection({ state_fips: [] }))).toEqual([['$.state_fips', 'empty-list']]);
    expect(problems(exampleElection({ phases: [{ phase: 'canvass', start: '2026-11-04T00:00:00.000Z', end: '2026-11-10T00:00:00.000Z' }] }))).toEqual([['$.phases', 'missing-phase']]);
    expect(problems(exampleElection({ phases: [{ phase: 'election-day', start: '2026-11-04T00:00:00.000Z', end: '2026-11-03T00:00:00.000Z' }] }))).toEqual([['$.phases[0].end', 'invalid-value']]);
    const twice = { phase: 'election-day', start: '2026-11-03T12:00:00.000Z', end: '2026-11-04T03:00:00.000Z' };
    expect(problems(exampleElection({ phases: [twice, twice] }))).toEqual([['$.phases[1].phase', 'duplicate-phase']]);
    expect(problems(exampleElection({ phases: [{ ...twice, phase: 'recount' }] }))).toEqual([['$.phases[0].phase', 'invalid-value']]);
  });

  it('checks the property extension on incidents: known functions and categories only', () => {
    const incident = (ext: Record<string, unknown>) => ({
      type: 'incident',
      spec_version: '2.1',
      id: 'incident--5e1ec710-0000-4000-8000-000000000003',
      created: '2026-11-03T14:00:00.000Z',
      modified: '2026-11-03T14:00:00.000Z',
      name: 'Pollbook outage (fictional)',
      extensions: { [RAMPART_EXTENSION_ID]: { extension_type: 'property-extension', ...ext } },
    });
    expect(problems(incident({ election_functions: ['pollbooks', 'audits'], incident_category: 'cyber', state_fips: '55' }))).toEqual([]);
    expect(problems(incident({ election_functions: ['pollbooks', 'ballot-stuffing'] }))).toEqual([[`$.extensions["${RAMPART_EXTENSION_ID}"].election_functions[1]`, 'unknown-election-function']]);
    expect(problems(incident({ incident_category: 'weather' }))).toEqual([[`$.extensions["${RAMPART_EXTENSION_ID}"].incident_category`, 'invalid-value']]);
  });
});
