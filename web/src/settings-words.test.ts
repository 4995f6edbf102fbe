import { describe, expect, it } from 'vitest';
import { auditAction, auditObjectWords, everyWords, findOrgs, groupSecret, isStixId, passwordIssue, secretOf } from './settings-words.ts';

describe('settings words', () => {
  it('says audit actions in words', () => {
    expect(auditAction('object.sharing-changed')).toBe('Object sharing changed');
    expect(auditAction('')).toBe('');
  });

  it('says what is wrong with a new password before it is sent', () => {
    expect(passwordIssue('short', 'short')).toBe('The new password needs at least 12 characters.');
    expect(passwordIssue('long enough pass', 'long enough pas')).toBe('The two new passwords are not the same; type it again in both boxes.');
    expect(passwordIssue('long enough pass', 'long enough pass')).toBeNull();
  });

  it('links only real STIX ids from the audit trail', () => {
    expect(isStixId('incident--f4972865-e721-5c43-bc3d-252a50a22c14')).toBe(true);
    expect(isStixId('x-rampart-status-report--8bb5bd41-4fec-592b-8087-12fc08b5e2ff')).toBe(true);
    expect(isStixId('feed:1234')).toBe(false);
    expect(isStixId('incident--1')).toBe(false);
    expect(isStixId('Incident--f4972865-e721-5c43-bc3d-252a50a22c14')).toBe(false);
  });

  it('names an audited item by its kind and the start of its number, not its whole id', () => {
    expect(auditObjectWords('report--fb974eec-bf90-50c0-abec-f2d0f0389a7f')).toBe('Report fb974eec');
    expect(auditObjectWords('x-rampart-status-report--740275cf-6dc0-4dae-9552-dd9c84a3a870')).toBe('Election-day status 740275cf');
  });

  it('finds organizations by any words of their name, prefix matches first', () => {
    const orgs = [
      { name: 'Wisconsin Elections Commission', short_name: 'WEC' },
      { name: 'Lakeshore County Clerk', short_name: null },
      { name: 'County of Wisconsin Dells', short_name: null },
    ];
    expect(findOrgs(orgs, 'wisc').map((o) => o.name)).toEqual(['Wisconsin Elections Commission', 'County of Wisconsin Dells']);
    expect(findOrgs(orgs, 'county clerk').map((o) => o.name)).toEqual(['Lakeshore County Clerk']);
    expect(findOrgs(orgs, 'wec').map((o) => o.name)).toEqual(['Wisconsin Elections Commission']);
    expect(findOrgs(orgs, '   ')).toEqual([]);
    expect(findOrgs(orgs, 'c', 1)).toHaveLength(1);
  });

  it('says feed intervals in words', () => {
    expect(everyWords(3600)).toBe('every hour');
    expect(everyWords(7200)).toBe('every 2 hours');
    expect(everyWords(86_400)).toBe('every day');
    expect(everyWords(300)).toBe('every 5 minutes');
    expect(everyWords(90)).toBe('every 90 seconds');
  });

  it('reads the secret of an otpauth URI in groups of four', () => {
    expect(secretOf('otpauth://totp/Rampart:a%40b.example?secret=jbswy3dpehpk3pxp&issuer=Rampart')).toBe('JBSW Y3DP EHPK 3PXP');
    expect(secretOf('otpauth://totp/x?issuer=R')).toBeNull();
    expect(groupSecret('ABCDE')).toBe('ABCD E');
  });
});
