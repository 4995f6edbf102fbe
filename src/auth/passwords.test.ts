import { describe, expect, it } from 'vitest';
import { checkPasswordPolicy, DEFAULT_SCRYPT, hashPassword, verifyPassword } from './passwords.ts';
import { afterFailure, lockedUntil, retryMessage } from './throttle.ts';
import { apiKeyId, newApiKey } from './tokens.ts';

const CHEAP = { N: 1024, r: 8, p: 1 };

describe('passwords', () => {
  it('refuses short, overlong, repetitive and email-based passwords with a message that says what to do', () => {
    expect(checkPasswordPolicy('short', 'clerk@dane.gov')).toEqual({ ok: false, error: { code: 'password-too-short', message: 'A password needs at least 12 characters (this one has 5); a phrase of three or four words is long enough and easy to remember.' } });
    expect(checkPasswordPolicy('x'.repeat(257), 'clerk@dane.gov')).toMatchObject({ ok: false, error: { code: 'password-too-long' } });
    expect(checkPasswordPolicy('abababababababab', 'clerk@dane.gov')).toMatchObject({ ok: false, error: { code: 'password-too-simple' } });
    expect(checkPasswordPolicy('my name is clerk, really', 'clerk@dane.gov')).toMatchObject({ ok: false, error: { code: 'password-too-simple' } });
    expect(checkPasswordPolicy('correct horse battery staple', 'clerk@dane.gov').ok).toBe(true);
  });

  it('hashes with a fresh salt each time and verifies only the same password', async () => {
    const a = await hashPassword('correct horse battery staple', CHEAP);
    const b = await hashPassword('correct horse battery staple', CHEAP);
    expect(a).toMatch(/^scrypt\$1024\$8\$1\$[A-Za-z0-9+/=]+\$[A-Za-z0-9+/=]+$/);
    expect(a).not.toBe(b);
    expect(await verifyPassword('correct horse battery staple', a)).toBe(true);
    expect(await verifyPassword('correct horse battery stapler', a)).toBe(false);
    expect(await verifyPassword('anything', 'plain-text')).toBe(false);
    expect(await verifyPassword('anything', 'scrypt$0$8$1$c2FsdA==$a2V5')).toBe(false);
  });

  it('hashes at the production cost by default (test hubs take a cheap one, so this is where that cost is checked in-process)', async () => {
    const hash = await hashPassword('correct horse battery staple');
    expect(hash.startsWith(`scrypt$${DEFAULT_SCRYPT.N}$${DEFAULT_SCRYPT.r}$${DEFAULT_SCRYPT.p}$`)).toBe(true);
    expect(await verifyPassword('correct horse battery staple', hash)).toBe(true);
    expect(await verifyPassword('correct horse battery stapler', hash)).toBe(false);
  });
});

describe('throttle', () => {
  const policy = { maxFailures: 3, windowMs: 60_000, lockMs: 300_000 };
  it('locks at the limit within a window, starts over after the window or the lock', () => {
    let row = afterFailure(null, 's', 0, policy);
    row = afterFailure(row, 's', 10_000, policy);
    expect(lockedUntil(row, 10_000)).toBeNull();
    row = afterFailure(row, 's', 20_000, policy);
    expect(lockedUntil(row, 20_000)).toBe(320_000);
    expect(lockedUntil(row, 320_000)).toBeNull();
    expect(afterFailure(row, 's', 320_000, policy).failures).toBe(1);
    expect(afterFailure({ subject: 's', failures: 2, window_start: 0, locked_until: null }, 's', 60_000, policy).failures).toBe(1);
  });
  it('says when to retry in UTC and in minutes', () => {
    expect(retryMessage(Date.parse('2026-11-03T12:15:00Z'), Date.parse('2026-11-03T12:00:30Z'))).toBe('Try again after 12:15 UTC (in 15 minutes).');
    expect(retryMessage(Date.parse('2026-11-03T12:15:00Z'), Date.parse('2026-11-03T12:14:30Z'))).toBe('Try again after 12:15 UTC (in 1 minute).');
  });
});

describe('API key format', () => {
  it('carries its id and 256 random bits; malformed keys have no id', () => {
    const { id, key } = newApiKey();
    expect(apiKeyId(key)).toBe(id);
    expect(apiKeyId(`${key}x`)).toBeNull();
    expect(apiKeyId('rk_write_1_abc')).toBeNull();
  });
});
