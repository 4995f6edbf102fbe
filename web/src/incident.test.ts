import { describe, expect, it } from 'vitest';
import { TLP_MARKING_IDS } from '../../src/domain/tlp.ts';
import { RAMPART_EXTENSION_ID } from '../../src/stix/rampart-extension.ts';
import { validateStixObject } from '../../src/stix/validate.ts';
import { buildIncident, formIssues, incidentTitle, type IncidentForm } from './incident.ts';

const owner = 'identity--6f1b2c3d-0000-4000-8000-000000000002';
const form: IncidentForm = {
  whatHappened: 'Posts claim polling places close at noon today. Our polls are open until 8 pm.',
  category: 'influence',
  functions: ['voting', 'election-communications'],
  severity: 'high',
  stateFips: '55',
  tlp: 'green',
  audience: ['state:55'],
};

describe('the incident the report form sends', () => {
  it('is a valid STIX 2.1 incident with the Rampart extension', () => {
    const object = buildIncident(form, owner, new Date('2026-11-03T12:00:00.000Z'), '0b9a3c2e-1f4d-4c8b-9a7e-2d5f6b8c9e01');
    const checked = validateStixObject(object, '$');
    expect(checked.ok ? [] : checked.error).toEqual([]);
    expect(object).toMatchObject({
      id: 'incident--0b9a3c2e-1f4d-4c8b-9a7e-2d5f6b8c9e01',
      created_by_ref: owner,
      name: 'False rumour: Posts claim polling places close at noon today',
      object_marking_refs: [TLP_MARKING_IDS.green],
      extensions: {
        [RAMPART_EXTENSION_ID]: {
          extension_type: 'property-extension',
          incident_category: 'influence',
          severity: 'high',
          election_functions: ['voting', 'election-communications'],
          state_fips: '55',
        },
      },
    });
  });

  it('leaves out functions and state when none are given', () => {
    const object = buildIncident({ ...form, functions: [], stateFips: null }, owner, new Date(), '0b9a3c2e-1f4d-4c8b-9a7e-2d5f6b8c9e01');
    expect(object['extensions']).toEqual({ [RAMPART_EXTENSION_ID]: { extension_type: 'property-extension', incident_category: 'influence', severity: 'high' } });
    expect(validateStixObject(object, '$').ok).toBe(true);
  });

  it('lists every missing answer with what to do', () => {
    const issues = formIssues({ ...form, whatHappened: ' short ', category: null, severity: null, audience: [] });
    expect(issues.map((i) => i.field)).toEqual(['whatHappened', 'category', 'severity', 'audience']);
    expect(issues[0]?.message).toBe('Say what happened in a sentence or two (at least 10 characters).');
    expect(formIssues(form)).toEqual([]);
  });

  it('titles long descriptions by their first sentence, clipped', () => {
    expect(incidentTitle('cyber', 'Phishing emails reached three staff! One clicked.')).toBe('Cyber incident: Phishing emails reached three staff');
    expect(incidentTitle(null, 'x'.repeat(200))).toHaveLength(90);
  });
});
