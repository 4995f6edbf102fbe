import { describe, expect, it } from 'vitest';
import { SUPPORT_PARTY_WORDS, askIssues, noRequestsWords, askWhy, otherSide, providersOf, showOfferings } from './support.ts';

describe('support words', () => {
  it('names the other side of a request', () => {
    const r = { requester: { id: 'a', name: 'Pine Hollow' }, provider: { id: 'b', name: 'CISA' } };
    expect(otherSide({ ...r, role: 'requester' })).toBe('Asked of CISA');
    expect(otherSide({ ...r, role: 'provider' })).toBe('Asked by Pine Hollow');
  });

  it('lists each provider of a catalogue once', () => {
    const o = (id: string, service: 'risk-assessment' | 'threat-briefing') => ({ provider: { id, name: id.toUpperCase() }, service, service_label: service, description: '', active: true });
    expect(providersOf([o('c', 'risk-assessment'), o('c', 'threat-briefing'), o('d', 'risk-assessment')], 'x').map((p) => p.id)).toEqual(['c', 'd']);
  });

  it('does not offer an office itself to ask (a state office that offers services, asking for help)', () => {
    const o = (id: string) => ({ provider: { id, name: id.toUpperCase() }, service: 'risk-assessment' as const, service_label: 'Risk assessment', description: '', active: true });
    expect(providersOf([o('wi'), o('cisa')], 'wi').map((p) => p.id)).toEqual(['cisa']);
  });

  it('says what a request still needs, in words, instead of a silent disabled button', () => {
    expect(askIssues({ provider: '', serviceChosen: false, title: '', details: ' ' })).toEqual([
      'Choose who you ask.',
      'Give your request a title (at least 3 characters).',
      'Add the details: what you need, by when, and who to contact.',
    ]);
    expect(askIssues({ provider: 'org', serviceChosen: false, title: 'IT', details: 'Call us' })).toEqual(['Choose the service you need from their list.', 'Give your request a title (at least 3 characters).']);
    expect(askIssues({ provider: 'org', serviceChosen: true, title: 'Scan', details: 'Call us' })).toEqual([]);
  });

  it('says beside "Send request" everything still missing, in one reason, and nothing once it can go', () => {
    expect(askWhy({ provider: 'org', serviceChosen: true, title: 'IT', details: '' })).toBe('Give your request a title (at least 3 characters). Add the details: what you need, by when, and who to contact.');
    expect(askWhy({ provider: '', serviceChosen: false, title: 'Scan', details: 'Call us' })).toBe('Choose who you ask.');
    expect(askWhy({ provider: 'org', serviceChosen: true, title: 'Scan', details: 'Call us' })).toBeNull();
  });
});

describe('SUPPORT_PARTY_WORDS', () => {
  it('says how each organization takes part in plain words, without brackets that would follow a name ending in one', () => {
    expect(Object.values(SUPPORT_PARTY_WORDS)).toEqual(['asked for help', 'asked to help', 'added by the office that asked']);
    for (const words of Object.values(SUPPORT_PARTY_WORDS)) expect(words).not.toMatch(/[()]/);
  });
});

describe('showOfferings', () => {
  it('folds the services offered for an organization that offers none, until it chooses to offer one', () => {
    expect(showOfferings({ loaded: true, offered: 0, opened: false, asks: true })).toBe(false);
    expect(showOfferings({ loaded: true, offered: 0, opened: false, asks: null })).toBe(false);
    expect(showOfferings({ loaded: false, offered: 0, opened: false, asks: false })).toBe(false);
    expect(showOfferings({ loaded: true, offered: 0, opened: true, asks: true })).toBe(true);
    expect(showOfferings({ loaded: true, offered: 2, opened: false, asks: true })).toBe(true);
  });

  it('shows them open to an organization that answers requests (a federal agency, an ISAC, a vendor): its page is for offering', () => {
    expect(showOfferings({ loaded: true, offered: 0, opened: false, asks: false })).toBe(true);
  });
});

describe('noRequestsWords', () => {
  it('says where requests come from when there are none, for an office that asks and for one that answers', () => {
    expect(noRequestsWords(true)).toBe('No requests yet. Ask for help with the form on this page; requests asked of your organization are listed here too.');
    expect(noRequestsWords(false)).toContain('only for the services it offers below');
  });
});
