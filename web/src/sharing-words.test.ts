import { describe, expect, it } from 'vitest';
import { audienceInWords, audienceSentence, fieldErrors, ownerInWords, parseKeys } from './sharing-words.ts';

const me = { orgId: 'identity--a', orgName: 'Lakeshore County Clerk', userId: 'u1', groups: [{ id: 'g1', name: 'Midwest clerks' }] };
const names = new Map([['identity--b', 'Wisconsin Elections Commission']]);

describe('audience in words', () => {
  it('names organizations by name and never shows internal ids of others', () => {
    expect(audienceInWords('org:identity--a', me, names)).toBe('Lakeshore County Clerk (your organization)');
    expect(audienceInWords('org:identity--b', me, names)).toBe('Wisconsin Elections Commission');
    expect(audienceInWords('org:identity--zzz', me, names)).toBe('A member organization');
    expect(audienceInWords('group:g2', me, names)).toBe('A sharing group');
    expect(audienceInWords('group:g1', me, names)).toBe('Sharing group Midwest clerks');
    expect(audienceInWords('user:u9', me, names)).toBe('A named person');
    expect(audienceInWords('user:u1', me, names)).toBe('You (named person)');
    expect(audienceInWords('community', null, names)).toBe('The whole Rampart community');
    expect(audienceInWords('state:55', null, names)).toContain('Wisconsin');
  });

  it('folds other people into a count and says when only the owner sees it', () => {
    expect(audienceSentence([], me, names)).toBe('Only the owner can see it.');
    const s = audienceSentence(['org:identity--b', 'user:u7', 'user:u8'], me, names);
    expect(s).toBe('Wisconsin Elections Commission; 2 named people.');
    // Said under "Shared with": never a second heading of its own.
    expect(s).not.toMatch(/^(Visible to|Shared with)/);
    expect(s).not.toContain('u7');
  });

  it('parses typed keys and finds per-field errors', () => {
    expect(parseKeys('community, state:55\nstate:55  ')).toEqual(['community', 'state:55']);
    const errors = [
      { path: '/audience/0', message: 'bad key' },
      { path: '/tlp', message: 'bad tlp' },
      { path: null, message: 'general' },
    ];
    expect(fieldErrors(errors, 'audience')).toEqual(['bad key']);
    expect(fieldErrors(errors, 'tlp')).toEqual(['bad tlp']);
  });
});

describe('owner in words', () => {
  it('says "…" while the names load, then the name, or "A member organization" for one not in the directory', () => {
    expect(ownerInWords('identity--b', me, null)).toBe('…');
    expect(ownerInWords('identity--b', me, names)).toBe('Wisconsin Elections Commission');
    expect(ownerInWords('identity--zzz', me, names)).toBe('A member organization');
    // The reader's own organization needs no directory.
    expect(ownerInWords('identity--a', me, null)).toBe('Lakeshore County Clerk (your organization)');
    expect(ownerInWords('identity--a', null, names)).toBe('A member organization');
  });
});
