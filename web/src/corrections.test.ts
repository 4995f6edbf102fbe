import { describe, expect, it } from 'vitest';
import { correctionBody, draftIssues, draftOf, emptyDraft } from './corrections.ts';

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
