import { randomBytes } from 'node:crypto';
import { sql } from 'kysely';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { accountsContext, OPERATOR } from '../accounts/context.ts';
import { createOrganization } from '../accounts/organizations.ts';
import { accountsFixture, TEST_POLICY, type AccountsFixture } from '../../test/helpers/accounts.ts';
import { resetTotp } from '../accounts/users.ts';
import type { UserRow } from '../store/accounts.ts';
import { testDialects } from '../../test/helpers/store.ts';
import { secretBox } from './secret-box.ts';
import { authServiceOf } from './service.ts';
import { newTotpSecret, totpCode } from './totp.ts';
import { openTotp, sealStoredTotpSecrets } from './totp-secrets.ts';

describe.each(testDialects())('TOTP secrets at rest on %s', (dialect) => {
  let f: AccountsFixture;
  let clerk: UserRow;
  let n = 0;
  beforeAll(async () => {
    f = await accountsFixture(dialect);
  });
  afterAll(async () => {
    await f.close();
  });
  beforeEach(async () => {
    n++;
    const org = await createOrganization(f.ctx, OPERATOR, { kind: 'local', name: `Village ${n} Clerk`, state_fips: '55' });
    if (!org.ok) throw new Error(org.error.message);
    clerk = await f.addUser({ email: `clerk${n}@village.example.gov`, name: 'Village Clerk', role: 'analyst', org_id: org.value.id });
    f.advance(120_000);
  });

  /** The row as the database holds it, read with plain SQL rather than through the store. */
  const rawRow = async (id: string) => {
    const result = await sql<Record<string, unknown>>`select * from account_user where id = ${id}`.execute(f.database.db);
    return JSON.stringify(result.rows[0]);
  };
  const signIn = (totp?: string, auth = f.auth) =>
    auth.signIn({ email: clerk.email, password: 'correct horse battery staple', ...(totp === undefined ? {} : { totp }) }, { ip: `198.51.100.${n}`, userAgent: 'vitest' });

  const enrol = async (): Promise<string> => {
    const enrolment = await f.auth.enrolTotp(clerk);
    if (!enrolment.ok) throw new Error(enrolment.error.message);
    expect(await rawRow(clerk.id)).not.toContain(enrolment.value.secret);
    expect((await f.auth.confirmTotp(clerk, totpCode(enrolment.value.secret, f.now()))).ok).toBe(true);
    f.advance(60_000);
    return enrolment.value.secret;
  };

  it('keeps the pending and the confirmed secret sealed in the row, and signs in with codes from it', async () => {
    const secret = await enrol();
    const raw = await rawRow(clerk.id);
    expect(raw).not.toContain(secret);
    expect(raw).toMatch(/"totp_secret":"v1:[\w-]+:[\w-]+:[\w-]+:[\w-]+"/);
    expect((await signIn(totpCode(secret, f.now()))).ok).toBe(true);
  });

  it('refuses a sign-in, whatever the code, when the stored secret was altered', async () => {
    const secret = await enrol();
    const stored = (await f.ctx.accounts.userById(clerk.id))?.totp_secret ?? '';
    const parts = stored.split(':');
    const ct = Buffer.from(parts[4] ?? '', 'base64url');
    ct[0] = (ct[0] ?? 0) ^ 0x80;
    parts[4] = ct.toString('base64url');
    await f.ctx.accounts.updateUser(clerk.id, { totp_secret: parts.join(':') });
    const refused = await signIn(totpCode(secret, f.now()));
    expect(refused.ok ? null : refused.error.code).toBe('totp-unreadable');
    expect(f.events.at(-1)?.detail).toContain('stored TOTP secret unreadable (secret-tampered)');
  });

  it('under another server key: no sign-in with a right code, a clear error, listed at start, and reset-totp lets the person back in', async () => {
    const secret = await enrol();
    const otherBox = secretBox(randomBytes(32));
    const otherCtx = accountsContext({ stix: f.stix, database: f.database, secretBox: otherBox }, { clock: { now: () => f.now() }, policy: TEST_POLICY });
    const other = authServiceOf(otherCtx);
    const refused = await signIn(totpCode(secret, f.now()), other);
    expect(refused.ok ? null : refused.error).toMatchObject({ code: 'totp-unreadable', message: expect.stringContaining('Ask the hub administrator to reset your second factor') as unknown });
    const missing = await signIn(undefined, other);
    expect(missing.ok ? null : missing.error.code).toBe('invalid-credentials');

    const report = await sealStoredTotpSecrets(otherCtx.accounts, otherBox);
    expect(report.unreadable.filter((u) => u.email === clerk.email).map((u) => u.problem.code)).toEqual(['secret-key-mismatch']);
    expect(await rawRow(clerk.id)).toContain(`v1:${f.ctx.secrets.keyId}:`);

    expect((await resetTotp(otherCtx, OPERATOR, clerk)).ok).toBe(true);
    expect((await signIn(undefined, other)).ok).toBe(true);
  });

  it('seals a plain-text secret left by an older version at start, once, and codes from it still work', async () => {
    const secret = newTotpSecret();
    const pending = newTotpSecret();
    await f.ctx.accounts.updateUser(clerk.id, { totp_secret: secret, totp_pending: pending, totp_last_step: null });
    expect(await rawRow(clerk.id)).toContain(secret);

    const first = await sealStoredTotpSecrets(f.ctx.accounts, f.ctx.secrets);
    expect(first.sealed).toBeGreaterThanOrEqual(2);
    const raw = await rawRow(clerk.id);
    expect(raw).not.toContain(secret);
    expect(raw).not.toContain(pending);
    const row = await f.ctx.accounts.userById(clerk.id);
    expect(openTotp(f.ctx.secrets, clerk.id, row?.totp_pending ?? '')).toEqual({ ok: true, value: { secret: pending, plain: false } });
    expect(await sealStoredTotpSecrets(f.ctx.accounts, f.ctx.secrets)).toMatchObject({ sealed: 0 });
    expect(await rawRow(clerk.id)).toBe(raw);
    expect((await signIn(totpCode(secret, f.now()))).ok).toBe(true);
  });

  it('seals a plain-text secret at its first use when the start-up pass has not seen it', async () => {
    const secret = newTotpSecret();
    await f.ctx.accounts.updateUser(clerk.id, { totp_secret: secret });
    expect((await signIn(totpCode(secret, f.now()))).ok).toBe(true);
    expect(await rawRow(clerk.id)).not.toContain(secret);
    f.advance(60_000);
    expect((await signIn(totpCode(secret, f.now()))).ok).toBe(true);
  });
});
