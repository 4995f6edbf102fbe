import { randomBytes } from 'node:crypto';
import { chmodSync, mkdtempSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { isSealed, parseSecretKey, secretBox } from './secret-box.ts';
import { loadServerKey } from './server-key.ts';

const KEY = Buffer.alloc(32, 7);
const box = secretBox(KEY);
const SECRET = 'JBSWY3DPEHPK3PXPJBSWY3DPEHPK3PXP';

const codeOf = <T>(r: { ok: true; value: T } | { ok: false; error: { code: string } }) => (r.ok ? 'ok' : r.error.code);

/** `sealed` with one byte of its `part`-th field (1 key id, 2 iv, 3 tag, 4 ciphertext) flipped. */
function flip(sealed: string, part: number, byte: number): string {
  const parts = sealed.split(':');
  const bytes = Buffer.from(parts[part] ?? '', 'base64url');
  bytes[byte % bytes.length] = (bytes[byte % bytes.length] ?? 0) ^ 0x01;
  parts[part] = bytes.toString('base64url');
  return parts.join(':');
}

describe('secret box', () => {
  it('round-trips any text, never shows it in the sealed form, and seals it differently each time', () => {
    fc.assert(
      fc.property(fc.string({ minLength: 1 }), fc.string(), (plain, context) => {
        const sealed = box.seal(plain, context);
        expect(sealed).toMatch(/^v1:[\w-]{8}:[\w-]{16}:[\w-]{22}:[\w-]+$/);
        expect(isSealed(sealed)).toBe(true);
        expect(box.open(sealed, context)).toEqual({ ok: true, value: plain });
        expect(box.seal(plain, context)).not.toBe(sealed);
      }),
    );
    expect(box.seal(SECRET, 'totp:u1')).not.toContain(SECRET);
  });

  it('refuses a sealed value with any byte of its IV, tag or ciphertext flipped', () => {
    const sealed = box.seal(SECRET, 'totp:u1');
    fc.assert(
      fc.property(fc.integer({ min: 2, max: 4 }), fc.nat(), (part, byte) => {
        expect(codeOf(box.open(flip(sealed, part, byte), 'totp:u1'))).toBe('secret-tampered');
      }),
    );
  });

  it('refuses a value opened for another context (copied into another account)', () => {
    expect(codeOf(box.open(box.seal(SECRET, 'totp:u1'), 'totp:u2'))).toBe('secret-tampered');
  });

  it('tells a value sealed under another key apart, naming both key ids', () => {
    const other = secretBox(randomBytes(32));
    const opened = other.open(box.seal(SECRET, 'totp:u1'), 'totp:u1');
    expect(codeOf(opened)).toBe('secret-key-mismatch');
    expect(opened.ok ? '' : opened.error.message).toContain(`key id ${box.keyId}`);
    expect(opened.ok ? '' : opened.error.message).toContain(`this server's key id is ${other.keyId}`);
    // A forged key id does not help: the id is authenticated with the value.
    expect(codeOf(other.open(box.seal(SECRET, 'totp:u1').replace(box.keyId, other.keyId), 'totp:u1'))).toBe('secret-tampered');
  });

  it('refuses malformed and unknown-version values', () => {
    expect(isSealed(SECRET)).toBe(false);
    expect(codeOf(box.open('v1:abc', 'c'))).toBe('secret-malformed');
    expect(codeOf(box.open(`v1:${box.keyId}:AAAA:AAAA:AAAA`, 'c'))).toBe('secret-malformed');
    expect(codeOf(box.open(box.seal(SECRET, 'c').replace(/^v1/, 'v9'), 'c'))).toBe('secret-version-unknown');
  });

  it('reads keys as 64 hex digits or base64 / base64url of 32 bytes, and nothing else', () => {
    const key = randomBytes(32);
    for (const text of [key.toString('hex'), key.toString('hex').toUpperCase(), key.toString('base64'), key.toString('base64url'), ` ${key.toString('base64')}\n`]) {
      const parsed = parseSecretKey(text, 'RAMPART_SECRET_KEY');
      expect(parsed.ok ? parsed.value.equals(key) : parsed.error.code).toBe(true);
    }
    for (const text of ['', 'secret', randomBytes(31).toString('hex'), randomBytes(16).toString('base64'), randomBytes(33).toString('base64'), `${key.toString('hex')}0`, 'z'.repeat(64)]) {
      const parsed = parseSecretKey(text, 'RAMPART_SECRET_KEY');
      expect(parsed.ok ? 'ok' : parsed.error.message).toMatch(/^RAMPART_SECRET_KEY is not a 32-byte key: give 64 hex digits or 44 characters of base64/);
    }
  });
});

describe('server key', () => {
  const dir = () => mkdtempSync(path.join(tmpdir(), 'rampart-key-'));

  it('takes RAMPART_SECRET_KEY when set and refuses a bad one without writing a file', () => {
    const file = path.join(dir(), 'secret.key');
    const key = randomBytes(32);
    const loaded = loadServerKey(key.toString('hex'), file);
    expect(loaded.ok && loaded.value.key.equals(key) && loaded.value.source === 'RAMPART_SECRET_KEY').toBe(true);
    const bad = loadServerKey('hunter2', file);
    expect(bad.ok ? 'ok' : bad.error.code).toBe('secret-key-invalid');
    expect(() => statSync(file)).toThrow();
  });

  it('writes a key file of mode 0600 on first start and reads the same key afterwards', () => {
    const file = path.join(dir(), 'nested', 'secret.key');
    const first = loadServerKey(undefined, file);
    if (!first.ok) throw new Error(first.error.message);
    expect(first.value).toMatchObject({ source: file, created: true, warnings: [] });
    if (process.platform !== 'win32') expect(statSync(file).mode & 0o777).toBe(0o600);
    expect(readFileSync(file, 'utf8')).toMatch(/^[A-Za-z0-9+/]{43}=\n$/);
    const again = loadServerKey(undefined, file);
    expect(again.ok && again.value.key.equals(first.value.key) && !again.value.created).toBe(true);
  });

  it('refuses a damaged key file and warns about one others can read', () => {
    const file = path.join(dir(), 'secret.key');
    writeFileSync(file, 'not a key\n', { mode: 0o600 });
    const damaged = loadServerKey(undefined, file);
    expect(damaged.ok ? 'ok' : damaged.error.message).toMatch(new RegExp(`^The key file ${file.replace(/[.\\]/g, '\\$&')} is not a 32-byte key`));
    writeFileSync(file, randomBytes(32).toString('base64'));
    chmodSync(file, 0o644);
    const open = loadServerKey(undefined, file);
    if (process.platform !== 'win32') expect(open.ok ? open.value.warnings : []).toEqual([`the key file ${file} can be read by other users of this machine; run "chmod 600 ${file}"`]);
  });
});
