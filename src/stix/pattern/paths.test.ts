import { describe, expect, it } from 'vitest';
import { matchesObjects as m, observation, patternMatches } from '../../../test/helpers/pattern.ts';

const pe = {
  type: 'file',
  name: 'x.exe',
  extensions: { 'windows-pebinary-ext': { pe_type: 'exe', sections: [{ name: '.text', entropy: 5.1 }, { name: '.rsrc', entropy: 7.9 }] } },
  tags: ['a', 'b', 'c'],
};

describe('object paths', () => {
  it('walks extensions with quoted keys and list indexes', () => {
    expect(m("[file:extensions.'windows-pebinary-ext'.pe_type = 'exe']", pe)).toBe(true);
    expect(m("[file:extensions.'windows-pebinary-ext'.sections[0].name = '.text']", pe)).toBe(true);
    expect(m("[file:extensions.'windows-pebinary-ext'.sections[1].name = '.text']", pe)).toBe(false);
    expect(m("[file:extensions.'windows-pebinary-ext'.sections[5].name = '.text']", pe)).toBe(false);
    expect(m("[file:extensions.'windows-pebinary-ext'.sections[-1].name = '.rsrc']", pe)).toBe(true);
    expect(m("[file:tags[2] = 'c']", pe)).toBe(true);
  });

  it('matches [*] when any element passes', () => {
    expect(m("[file:extensions.'windows-pebinary-ext'.sections[*].entropy > 7.0]", pe)).toBe(true);
    expect(m("[file:extensions.'windows-pebinary-ext'.sections[*].entropy > 8.0]", pe)).toBe(false);
    expect(m("[file:tags[*] = 'b']", pe)).toBe(true);
    expect(m("[file:tags[*] NOT = 'a']", pe)).toBe(true);
  });

  it('selects nothing where the structure does not fit', () => {
    expect(m("[file:name[0] = 'x']", pe)).toBe(false);
    expect(m("[file:tags.a = 'x']", pe)).toBe(false);
    expect(m("[file:tags = 'a']", pe)).toBe(false);
    expect(m("[file:constructor = 'x']", pe)).toBe(false);
    expect(m("[file:__proto__ = 'x']", pe)).toBe(false);
  });

  it('matches only objects of the named type', () => {
    expect(m("[process:name = 'x.exe']", pe)).toBe(false);
    expect(m("[file:name = 'x.exe']", { type: 'process', name: 'x.exe' }, pe)).toBe(true);
  });
});

describe('references inside one observation', () => {
  const email = {
    '0': { type: 'email-message', is_multipart: true, from_ref: '1', to_refs: ['2', '3'], body_multipart: [{ body: 'hi' }, { body_raw_ref: '4' }] },
    '1': { type: 'email-addr', value: 'boss@example.com' },
    '2': { type: 'email-addr', value: 'a@example.org' },
    '3': { type: 'email-addr', value: 'b@example.org' },
    '4': { type: 'file', name: 'Final Report 2024.exe' },
  };

  it('follows _ref to the referenced object (the spec example)', () => {
    const o = [observation(email)];
    expect(patternMatches("[email-message:from_ref.value MATCHES '.+\\\\@example\\\\.com$' AND email-message:body_multipart[*].body_raw_ref.name MATCHES '^Final Report.+\\\\.exe$']", o)).toBe(true);
    expect(patternMatches("[email-message:from_ref.value = 'a@example.org']", o)).toBe(false);
  });

  it('follows each element of _refs', () => {
    const o = [observation(email)];
    expect(patternMatches("[email-message:to_refs[*].value = 'b@example.org']", o)).toBe(true);
    expect(patternMatches("[email-message:to_refs[0].value = 'b@example.org']", o)).toBe(false);
    expect(patternMatches("[email-message:to_refs[1].value = 'b@example.org']", o)).toBe(true);
  });

  it('compares the reference itself when nothing follows it', () => {
    expect(patternMatches("[email-message:from_ref = '1']", [observation(email)])).toBe(true);
  });

  it('resolves STIX 2.1 ids and ignores references that leave the observation', () => {
    const traffic = {
      'network-traffic--1': { type: 'network-traffic', dst_ref: 'ipv4-addr--9', src_ref: 'ipv4-addr--missing', protocols: ['tcp'] },
      'ipv4-addr--9': { type: 'ipv4-addr', value: '203.0.113.5' },
    };
    const o = [observation(traffic)];
    expect(patternMatches("[network-traffic:dst_ref.type = 'ipv4-addr' AND network-traffic:dst_ref.value = '203.0.113.5']", o)).toBe(true);
    expect(patternMatches("[network-traffic:src_ref.value = '203.0.113.5']", o)).toBe(false);
    expect(patternMatches("[network-traffic:src_ref.value NOT = '203.0.113.5']", o)).toBe(false);
  });
});

describe('AND and OR inside one observation expression', () => {
  const a = { type: 'file', name: 'a.exe', size: 10 };
  const b = { type: 'file', name: 'b.exe', size: 20 };

  it('AND holds on one object, not across two', () => {
    expect(m("[file:name = 'a.exe' AND file:size = 10]", a, b)).toBe(true);
    expect(m("[file:name = 'a.exe' AND file:size = 20]", a, b)).toBe(false);
    expect(m("[ipv4-addr:value = '1.2.3.4' AND domain-name:value = 'example.com']", { type: 'ipv4-addr', value: '1.2.3.4' }, { type: 'domain-name', value: 'example.com' })).toBe(false);
  });

  it('OR holds on any object, across types', () => {
    expect(m("[file:name = 'zzz' OR file:size = 20]", a, b)).toBe(true);
    expect(m("[ipv4-addr:value = '1.2.3.4' OR domain-name:value = 'example.com']", { type: 'domain-name', value: 'example.com' })).toBe(true);
    expect(m("[file:name = 'zzz' OR file:size = 30]", a, b)).toBe(false);
  });

  it('binds AND tighter than OR, and parentheses regroup', () => {
    expect(m("[file:name = 'zzz' AND file:size = 10 OR file:name = 'a.exe']", a)).toBe(true);
    expect(m("[file:name = 'zzz' AND (file:size = 10 OR file:name = 'a.exe')]", a)).toBe(false);
  });
});
