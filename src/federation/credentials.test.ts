import { describe, expect, it } from 'vitest';
import { envCredentials, parseSecret } from './credentials.ts';

describe('feed credentials', () => {
  it('reads bearer:<key> and basic:<user>:<password>', () => {
    expect(parseSecret('bearer:abc')).toEqual({ kind: 'bearer', token: 'abc' });
    expect(parseSecret('basic:fl@example.gov:pa:ss')).toEqual({ kind: 'basic', user: 'fl@example.gov', password: 'pa:ss' });
  });

  it('refuses a value in neither form instead of sending it as a key', () => {
    for (const value of ['abc', 'Bearer abc', 'bearer:', 'basic:user-without-password', 'basic::nouser']) expect(parseSecret(value), value).toBeNull();
    const resolve = envCredentials({ HUB_KEY: 'abc', EMPTY: '' });
    const malformed = resolve('env:HUB_KEY');
    expect(malformed).toEqual({ ok: false, error: { code: 'credential-malformed', message: expect.stringContaining('HUB_KEY') as unknown } });
    expect(malformed.ok ? '' : malformed.error.message).toContain('bearer:<api key> or basic:<user>:<password>');
    expect(malformed.ok ? '' : malformed.error.message).not.toContain('abc');
    expect(resolve('env:EMPTY')).toMatchObject({ ok: false, error: { code: 'credential-missing' } });
    expect(resolve('env:UNSET')).toMatchObject({ ok: false, error: { code: 'credential-missing' } });
    expect(resolve('none')).toEqual({ ok: true, value: { kind: 'none' } });
  });
});
