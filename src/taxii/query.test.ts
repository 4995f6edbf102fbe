import { describe, expect, it } from 'vitest';
import { acceptsTaxii, isTaxiiContentType } from './media.ts';
import { parseTaxiiQuery } from './query.ts';

describe('parseTaxiiQuery', () => {
  it('parses every objects parameter, comma lists and microsecond added_after', () => {
    const q = parseTaxiiQuery('added_after=2024-11-05T13:00:00.123456Z&limit=10&match[id]=indicator--8e2e2d2b-17d4-4cbf-938f-98ee46b3cd3f&match[type]=indicator,malware&match[version]=first,2024-01-01T00:00:00Z&match[spec_version]=2.1', 'objects');
    expect(q.ok && q.value).toMatchObject({ addedAfterUs: Date.parse('2024-11-05T13:00:00Z') * 1000 + 123456, limit: 10, types: ['indicator', 'malware'], specVersions: ['2.1'], versionGiven: true });
    expect(q.ok && q.value.version).toEqual({ all: false, first: true, last: false, exact: new Set([Date.parse('2024-01-01T00:00:00Z') * 1000]) });
  });

  it('defaults to the last version', () => {
    const q = parseTaxiiQuery('', 'objects');
    expect(q.ok && q.value.version).toEqual({ all: false, first: false, last: true, exact: new Set() });
    expect(q.ok && q.value.versionGiven).toBeUndefined();
  });

  it.each([
    ['added_after=yesterday', 'invalid-added-after'],
    ['added_after=2024-02-30T00:00:00Z', 'invalid-added-after'],
    ['limit=0', 'invalid-limit'],
    ['limit=1.5', 'invalid-limit'],
    ['limit=1&limit=2', 'repeated-parameter'],
    ['match[id]=x', 'invalid-id'],
    ['match[type]=a b', 'invalid-type'],
    ['match[version]=all,first', 'invalid-version'],
    ['match[version]=first,first', 'repeated-value'],
    ['match[spec_version]=', 'empty-parameter'],
    ['match[type]=indicator,', 'empty-value'],
    ['colour=red', 'unsupported-parameter'],
  ])('%s is a 400 %s', (search, code) => {
    const q = parseTaxiiQuery(search, 'objects');
    expect(q.ok ? null : q.error).toMatchObject({ status: 400, code });
  });

  it('accepts only the parameters of each endpoint', () => {
    expect(parseTaxiiQuery('match[type]=indicator', 'versions').ok).toBe(false);
    expect(parseTaxiiQuery('limit=5', 'delete').ok).toBe(false);
    expect(parseTaxiiQuery('match[version]=all', 'delete').ok).toBe(true);
    expect(parseTaxiiQuery('limit=5', 'plain').ok).toBe(false);
  });
});

describe('media types', () => {
  it('accepts TAXII 2.1 with or without the version, nothing else', () => {
    expect(acceptsTaxii('application/taxii+json;version=2.1')).toBe(true);
    expect(acceptsTaxii('application/taxii+json')).toBe(true);
    expect(acceptsTaxii('text/html, application/taxii+json; version="2.1"; q=0.5')).toBe(true);
    expect(acceptsTaxii('application/taxii+json;version=2.0')).toBe(false);
    expect(acceptsTaxii('application/taxii+json;q=0')).toBe(false);
    expect(acceptsTaxii('*/*')).toBe(false);
    expect(acceptsTaxii(undefined)).toBe(false);
    expect(isTaxiiContentType('application/taxii+json;version=2.1')).toBe(true);
    expect(isTaxiiContentType('application/json')).toBe(false);
    expect(isTaxiiContentType(undefined)).toBe(false);
  });
});
