import { describe, expect, it } from 'vitest';
import { apiQueryOf, emptyFilters, filtersOf, RANKED_AMONG, searchText } from './list-query.ts';
import { RANKED_AMONG as SERVER_RANKED_AMONG } from '../../src/store/stix-read.ts';

describe('list query', () => {
  it('turns the address filters into the API query and back', () => {
    const f = { ...emptyFilters(), q: 'phishing', tlp: 'amber', owner: 'identity--x', label: 'a,b', since: '2024-11-01', until: '2024-11-05', sort: 'oldest', state: '55' };
    const api = apiQueryOf(f);
    expect(api).toEqual({ q: 'phishing', exclude_type: 'relationship,x-rampart-status-report', tlp: 'amber', owner: 'identity--x', label: 'a,b', state: '55', modified_from: '2024-11-01T00:00:00Z', modified_to: '2024-11-05T23:59:59.999Z', sort: 'modified', order: 'asc' });
    expect(filtersOf(api)).toEqual(f);
  });
  it('keeps each order apart and falls back to newest shared first when best match has no words', () => {
    for (const sort of ['', 'changed', 'oldest', 'name']) expect(filtersOf(apiQueryOf({ ...emptyFilters(), sort })).sort).toBe(sort);
    expect(filtersOf(apiQueryOf({ ...emptyFilters(), q: 'x', sort: 'relevance' })).sort).toBe('relevance');
    expect(apiQueryOf({ ...emptyFilters(), sort: 'relevance' })).toEqual({ exclude_type: 'relationship,x-rampart-status-report', order: 'desc' });
    expect(apiQueryOf({ ...emptyFilters(), reference: 'only', type: 'attack-pattern', since: 'nonsense' })).toEqual({ type: 'attack-pattern', reference: 'only', order: 'desc' });
  });
  it('says how many matches best match first ranks, as the server ranks them', () => {
    expect(RANKED_AMONG).toBe(SERVER_RANKED_AMONG);
  });
});

describe('searchText', () => {
  it('searches a value pasted written safe ("defanged") as the value it stands for, and words as typed', () => {
    expect(searchText(' 203.0.113[.]47 ')).toBe('203.0.113.47');
    expect(searchText('hxxps://ballot-update-portal[.]example/login')).toBe('https://ballot-update-portal.example/login');
    expect(searchText('clerk[at]example[.]org')).toBe('clerk@example.org');
    expect(searchText('phishing (at) noon [.]')).toBe('phishing (at) noon [.]');
    expect(searchText('phishing')).toBe('phishing');
  });
});
