import { describe, expect, it } from 'vitest';
import { RAMPART_EXTENSION_ID } from '../../src/stix/rampart-extension.ts';
import { answerLinks, correctionBody, draftFromIncident, draftIssues, draftOf, emptyDraft, isRumourIncident, writeCorrectionWords } from './corrections.ts';

describe('correction drafts', () => {
  it('leaves out empty link rows, blank law lines and an unset election; splits counties', () => {
    const draft = { ...emptyDraft('55'), title: ' T ', rumour: 'R', reality: 'X', links: [{ title: 'WEC', url: 'https://elections.wi.gov' }, { title: '', url: '' }], law: 'Wis. Stat. § 6.78\n\n', counties: '55025, 55001 ' };
    expect(correctionBody(draft)).toEqual({ title: 'T', rumour: 'R', reality: 'X', official_links: [{ title: 'WEC', url: 'https://elections.wi.gov' }], law_cited: ['Wis. Stat. § 6.78'], state_fips: '55', county_fips: ['55025', '55001'], phase: 'before' });
  });

  it('reads a published correction back into the same body', () => {
    const body = { title: 'T', rumour: 'R', reality: 'X', official_links: [{ title: 'a', url: 'https://a.example' }], law_cited: ['L'], state_fips: '55', county_fips: ['55025'], election_id: 'x-rampart-election--00000000-0000-4000-8000-000000000001', phase: 'during' as const };
    const shown = { ...body, id: 'report--1', state_name: 'Wisconsin', election_name: 'E', status: 'published' as const, withdrawn_reason: null, published: '', updated: '', publisher: null };
    expect(correctionBody(draftOf(shown))).toEqual(body);
  });
});

describe('draftIssues', () => {
  it('says in plain words what is missing or wrong', () => {
    const draft = { ...emptyDraft('55'), links: [{ title: 'WEC', url: 'http://elections.wi.gov' }], counties: '17031 abc' };
    expect(draftIssues(draft).map((i) => i.field)).toEqual(['title', 'rumour', 'reality', 'links', 'counties', 'counties']);
    expect(draftIssues(draft)[3]?.message).toBe('The address of "WEC" must be a secure web address starting with https://.');
    expect(draftIssues({ ...emptyDraft(null), title: 't', rumour: 'r', reality: 'x', links: [{ title: '', url: '' }] }).map((i) => i.field)).toEqual(['links', 'state']);
    expect(draftIssues({ ...emptyDraft('55'), title: 't', rumour: 'r', reality: 'x', links: [{ title: 'a', url: 'https://a.example' }], counties: '55025' })).toEqual([]);
  });
});

describe('answering a false-rumour incident with a correction', () => {
  const ext = (fields: Record<string, unknown>) => ({ extensions: { [RAMPART_EXTENSION_ID]: { extension_type: 'property-extension', ...fields } } });
  const rumour = { type: 'incident', name: 'False rumour: polling place moved', description: 'Texts say our polling place moved to the high school.', ...ext({ incident_category: 'influence', state_fips: '55', county_fips: '55025' }) };

  it('knows a rumour from other incidents', () => {
    expect(isRumourIncident(rumour)).toBe(true);
    expect(isRumourIncident({ ...rumour, ...ext({ incident_category: 'cyber' }) })).toBe(false);
    expect(isRumourIncident({ ...rumour, type: 'report' })).toBe(false);
    expect(isRumourIncident({ type: 'incident' })).toBe(false);
  });

  it('copies the rumour, its state and county, and leaves the headline, the reality and the pages to the writer', () => {
    const draft = draftFromIncident(rumour, '17');
    expect(draft).toEqual({ ...emptyDraft('55'), rumour: 'Texts say our polling place moved to the high school.', counties: '55025' });
    // The writer still has to say what is true and where to check before a preview.
    expect(draftIssues(draft).map((i) => i.field).sort()).toEqual(['links', 'reality', 'title']);
  });

  it("falls back to the writer's state, and drops a county outside the state", () => {
    expect(draftFromIncident({ type: 'incident', ...ext({ incident_category: 'influence' }) }, '17')).toEqual(emptyDraft('17'));
    expect(draftFromIncident({ ...rumour, ...ext({ incident_category: 'influence', state_fips: '17', county_fips: '55025' }) }, null).counties).toBe('');
  });
});

describe('answerLinks', () => {
  const shared = (id: string, title: string | null) => ({ shared: true as const, id, type: id.split('--')[0] ?? '', title, tlp: 'amber' as const, owner: 'identity--1', revoked: false });
  const rel = (type: string, direction: 'in' | 'out', other: ReturnType<typeof shared> | { shared: false; id: string }) => ({ via: ['source_ref'], object: shared('relationship--1', null), relationship: { type, direction, other } });
  it('keeps only the "answers" links the reader may see, in the direction asked', () => {
    const connections = {
      refers_to: [],
      refers_to_total: 0,
      next_cursor: null,
      referred_by: [rel('answers', 'in', shared('report--1', 'Polls do not close at noon')), rel('answers', 'in', { shared: false, id: 'report--2' }), rel('indicates', 'in', shared('indicator--1', 'x')), rel('answers', 'out', shared('incident--1', 'Noon rumour'))],
    };
    expect(answerLinks(connections, 'in')).toEqual([{ id: 'report--1', title: 'Polls do not close at noon' }]);
    expect(answerLinks(connections, 'out')).toEqual([{ id: 'incident--1', title: 'Noon rumour' }]);
  });
});

describe('writeCorrectionWords', () => {
  it('asks for another correction once one answers the rumour', () => {
    expect(writeCorrectionWords(0)).toBe('Write a public correction');
    expect(writeCorrectionWords(1)).toBe('Write another public correction');
    expect(writeCorrectionWords(3)).toBe('Write another public correction');
  });
});
