import { describe, expect, it } from 'vitest';
import { credentialRef, credentialWords, feedAudienceIssue, feedAudienceWords, feedPlaceChoices, settingNameIssue } from './feed-words.ts';
import { audienceChoices } from './sharing-rules.ts';

const me = { orgId: 'identity--me', orgName: 'Pine County', userId: 'u1', groups: [{ id: 'g1', name: 'Midwest clerks' }], stateFips: '55', stateName: 'Wisconsin' };

describe('feed words', () => {
  it('turns the credential choice into the API reference, and says in words what is wrong with a setting name', () => {
    expect(credentialRef('none', 'IGNORED')).toBe('none');
    expect(credentialRef('setting', ' HUB_TOKEN ')).toBe('env:HUB_TOKEN');
    expect(settingNameIssue('none', '')).toBeNull();
    expect(settingNameIssue('setting', '')).toBe('Give the name of the server setting that holds the password or key.');
    expect(settingNameIssue('setting', '9LIVES')).toMatch(/^A setting name uses only capital letters/);
    expect(settingNameIssue('setting', 'HUB-TOKEN')).toMatch(/^A setting name uses only capital letters/);
    expect(settingNameIssue('setting', 'HUB_TOKEN')).toBeNull();
    expect(credentialWords('env:HUB_TOKEN')).toBe('Signs in with the password or key in the server setting HUB_TOKEN');
    expect(credentialWords('none')).toBe('Signs in without a password');
  });

  it('never offers a push its own organization, and asks a push for its partner', () => {
    expect(feedPlaceChoices('push', me).map((c) => c.key)).toEqual(['state:55', 'group:g1', 'community']);
    expect(feedPlaceChoices('pull', me).map((c) => c.key)).toEqual(['state:55', 'org:identity--me', 'group:g1', 'community']);
    expect(feedAudienceIssue('push', [])).toMatch(/^Choose who this feed sends to/);
    expect(feedAudienceIssue('pull', [])).toBeNull();
  });

  it('names and orders each place as the sharing forms do, leaving out the public and one person', () => {
    const forms = audienceChoices(me);
    expect(feedPlaceChoices('pull', me)).toEqual(forms.filter((c) => c.kind !== 'public' && c.kind !== 'user'));
    expect(feedPlaceChoices('pull', me).map((c) => c.label)).toEqual([
      'My state: Wisconsin (state office and its local offices)',
      'My organization only: Pine County',
      'Sharing group: Midwest clerks',
      'Everyone in the Rampart community',
    ]);
    // Without the state's name, both say the state's own name, never its number.
    const unnamed = { ...me, stateName: null };
    expect(feedPlaceChoices('push', unnamed)[0]?.label).toBe('My state: Wisconsin (state office and its local offices)');
    expect(audienceChoices(unnamed)[0]?.label).toBe('My state: Wisconsin (state office and its local offices)');
  });

  it('says a feed’s audience with names, never keys', () => {
    const names = new Map([['identity--cisa', 'CISA']]);
    expect(feedAudienceWords('push', ['org:identity--cisa', 'state:17'], me, names)).toBe('Sends what is shared with: CISA; Illinois (state office and its local offices)');
    expect(feedAudienceWords('pull', [], me, names)).toBe('What it brings in is shared as widely as each item’s TLP allows');
    expect(feedAudienceWords('pull', ['org:identity--me'], me, names)).toBe('What it brings in is shared with at most: Pine County (your organization)');
  });
});
