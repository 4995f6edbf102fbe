import fc from 'fast-check';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { createApiKey, revokeApiKey } from '../accounts/api-keys.ts';
import { OPERATOR } from '../accounts/context.ts';
import { createOrganization, setRequireTotp } from '../accounts/organizations.ts';
import type { OrgId } from '../domain/ids.ts';
import { accountsFixture, TEST_PASSWORD, type AccountsFixture } from '../../test/helpers/accounts.ts';
import { disableUser } from '../accounts/users.ts';
import { testDialects } from '../../test/helpers/store.ts';
import type { UserRow } from '../store/accounts.ts';
import { totpCode } from './totp.ts';
import { authServiceOf } from './service.ts';
import { keysFrom, keysOf, orgInfoFrom } from '../sharing/keys.ts';
import { sharingRepository } from '../store/sharing-store.ts';
import { parseGroupId } from '../domain/ids.ts';
import { randomUUID } from 'node:crypto';


describe.each(testDialects())('auth service on %s', (dialect) => {
  // One database for the file (fast); each test has its own organization, person and address.
  let f: AccountsFixture;
  let clerk: UserRow;
  let org: OrgId;
  let email: string;
  let n = 0;
  let IP = { ip: '192.0.2.0', userAgent: 'vitest' };
  beforeAll(async () => {
    f = await accountsFixture(dialect);
  });
  afterAll(async () => {
    await f.close();
  });
  beforeEach(async () => {
    n++;
    const created = await createOrganization(f.ctx, OPERATOR, { kind: 'local', name: `Town ${n} Clerk`, state_fips: '55' });
    if (!created.ok) throw new Error(created.error.message);
    org = created.value.id;
    email = `clerk${n}@town.example.gov`;
    IP = { ip: `192.0.2.${n}`, userAgent: 'vitest' };
    clerk = await f.addUser({ email: email.toUpperCase(), name: 'Town Clerk', role: 'analyst', org_id: org });
    f.events.length = 0;
  });
  const at = (minutes: number) => new Date(f.now().getTime() + minutes * 60_000).toISOString().slice(11, 16);

  const signIn = (password = TEST_PASSWORD, extra: { totp?: string; ip?: string; email?: string } = {}) =>
    f.auth.signIn({ email: extra.email ?? email, password, ...(extra.totp === undefined ? {} : { totp: extra.totp }) }, { ...IP, ip: extra.ip ?? IP.ip });

  it('signs in with the right password; the session carries the org, state and person keys', async () => {
    const signedIn = await signIn();
    expect(signedIn.ok).toBe(true);
    if (!signedIn.ok) return;
    expect(signedIn.value.expiresAt.getTime()).toBe(f.now().getTime() + 12 * 3_600_000);
    const session = await f.auth.session(signedIn.value.token);
    expect(session?.principal).toEqual({ orgId: org, userId: clerk.id, scope: 'write', keys: ['public', 'community', `org:${org}`, `user:${clerk.id}`, 'state:55'] });
    expect(session?.view.org).toEqual({ id: org, name: `Town ${n} Clerk`, state_fips: '55' });
    expect(f.events.map((e) => e.type)).toEqual(['sign-in-ok']);
  });

  it('stores only the hash of the session token and of the password', async () => {
    const signedIn = await signIn();
    if (!signedIn.ok) throw new Error('sign-in failed');
    const row = await f.ctx.accounts.userById(clerk.id);
    expect(row?.password_hash).toMatch(/^scrypt\$/);
    expect(row?.password_hash).not.toContain(TEST_PASSWORD);
    expect(await f.ctx.accounts.sessionByHash(signedIn.value.token)).toBeNull();
  });

  it('refuses a wrong password and an unknown email with the same message', async () => {
    const wrong = await signIn('not the password at all');
    const unknown = await signIn(TEST_PASSWORD, { email: 'nobody@example.gov' });
    expect(wrong).toEqual({ ok: false, error: { kind: 'unauthenticated', code: 'invalid-credentials', message: 'Wrong email, password or authenticator code.' } });
    expect(unknown).toEqual(wrong);
    expect(f.events.map((e) => e.type)).toEqual(['sign-in-failed', 'sign-in-failed']);
  });

  it('locks the account after 5 failures, says when to retry, and lets it in after the lock', async () => {
    for (let i = 0; i < 4; i++) expect((await signIn('wrong password number')).ok).toBe(false);
    const fifth = await signIn('wrong password number');
    expect(fifth.ok ? null : fifth.error).toEqual({ kind: 'rate-limited', code: 'account-locked', message: `Too many failed sign-ins for this account. Try again after ${at(15)} UTC (in 15 minutes).` });
    // Even the right password waits out the lock.
    const until = at(15);
    f.advance(5 * 60_000);
    const during = await signIn();
    expect(during.ok ? null : during.error.message).toBe(`Too many failed sign-ins for this account. Try again after ${until} UTC (in 10 minutes).`);
    expect(f.events.some((e) => e.type === 'sign-in-locked')).toBe(true);
    f.advance(10 * 60_000);
    expect((await signIn()).ok).toBe(true);
    expect(await f.ctx.accounts.throttle(`account:${email}`)).toBeNull();
    // Stale rows go, rows still locked stay.
    const t = f.now().getTime();
    await f.ctx.accounts.putThrottle({ subject: 'account:locked@example.gov', failures: 5, window_start: t - 3_600_000, locked_until: t + 60_000 });
    await f.ctx.accounts.pruneThrottle(t, t);
    expect(await f.ctx.accounts.throttle(`ip:${IP.ip}`)).toBeNull();
    expect(await f.ctx.accounts.throttle('account:locked@example.gov')).not.toBeNull();
  });

  it('locks an address that tries many accounts', async () => {
    for (let i = 0; i < 29; i++) await signIn('wrong password number', { email: `user${i}@example.gov` });
    const last = await signIn('wrong password number', { email: 'another@example.gov' });
    expect(last.ok ? null : last.error.code).toBe('too-many-attempts');
    const fromThere = await signIn();
    expect(fromThere.ok ? null : fromThere.error.message).toBe(`Too many failed sign-ins from your network address. Try again after ${at(15)} UTC (in 15 minutes).`);
    expect((await signIn(TEST_PASSWORD, { ip: `198.51.100.${n}` })).ok).toBe(true);
  });

  it('refuses a disabled user, and ends their sessions and keys at once', async () => {
    const signedIn = await signIn();
    const key = await createApiKey(f.ctx, OPERATOR, clerk, { name: 'feed', scope: 'write' });
    if (!signedIn.ok || !key.ok) throw new Error('setup failed');
    expect(await f.auth.apiKey(key.value.key)).not.toBeNull();
    const disabled = await disableUser(f.ctx, OPERATOR, { email });
    expect(disabled.ok && disabled.value.disabled).toBe(true);
    expect(await f.auth.session(signedIn.value.token)).toBeNull();
    expect(await f.auth.apiKey(key.value.key)).toBeNull();
    const again = await signIn();
    expect(again.ok ? null : again.error.code).toBe('account-disabled');
    expect(f.events.map((e) => e.type)).toContain('user-disabled');
  });

  it('ends a session after its idle timeout and after its absolute lifetime', async () => {
    const idle = await signIn();
    if (!idle.ok) throw new Error('sign-in failed');
    f.advance(29 * 60_000);
    expect(await f.auth.session(idle.value.token)).not.toBeNull();
    f.advance(29 * 60_000);
    expect(await f.auth.session(idle.value.token)).not.toBeNull();
    f.advance(31 * 60_000);
    expect(await f.auth.session(idle.value.token)).toBeNull();

    const busy = await signIn();
    if (!busy.ok) throw new Error('sign-in failed');
    for (let i = 0; i < 24; i++) {
      f.advance(29 * 60_000);
      await f.auth.session(busy.value.token);
    }
    expect(await f.auth.session(busy.value.token)).not.toBeNull();
    f.advance(29 * 60_000);
    expect(await f.auth.session(busy.value.token)).toBeNull();
  });

  it('signs out: the token stops working', async () => {
    const signedIn = await signIn();
    if (!signedIn.ok) throw new Error('sign-in failed');
    await f.auth.signOut(signedIn.value.token);
    expect(await f.auth.session(signedIn.value.token)).toBeNull();
    expect(await f.auth.session('made-up-token')).toBeNull();
  });

  it('API keys: scope, revocation, expiry, last use, and TAXII Basic by key id or email', async () => {
    const read = await createApiKey(f.ctx, OPERATOR, clerk, { name: 'siem', scope: 'read' });
    const expiring = await createApiKey(f.ctx, OPERATOR, clerk, { name: 'temp', scope: 'write', expires_at: new Date(f.now().getTime() + 3_600_000).toISOString() });
    if (!read.ok || !expiring.ok) throw new Error('setup failed');
    expect(read.value.key).toMatch(/^rk_[0-9a-f]{16}_[A-Za-z0-9_-]{43}$/);
    expect((await f.auth.apiKey(read.value.key))?.scope).toBe('read');
    expect((await f.auth.apiKey(expiring.value.key))?.scope).toBe('write');
    // The last use is written behind the request: not yet, then once the pending touches are written.
    expect((await f.ctx.accounts.apiKeyById(read.value.view.id))?.last_used_at).toBeNull();
    await f.auth.settled();
    expect((await f.ctx.accounts.apiKeyById(read.value.view.id))?.last_used_at).toBe(f.now().getTime());
    expect(await f.auth.apiKeyBasic(read.value.view.id, read.value.key)).not.toBeNull();
    expect(await f.auth.apiKeyBasic(email.toUpperCase(), read.value.key)).not.toBeNull();
    expect(await f.auth.apiKeyBasic(expiring.value.view.id, read.value.key)).toBeNull();
    expect(await f.auth.apiKeyBasic('someone@else.gov', read.value.key)).toBeNull();
    // A key with one character changed is unknown.
    const last = read.value.key.at(-1) === 'A' ? 'B' : 'A';
    expect(await f.auth.apiKey(read.value.key.slice(0, -1) + last)).toBeNull();

    f.advance(60 * 60_000);
    expect(await f.auth.apiKey(expiring.value.key)).toBeNull();

    const revoked = await revokeApiKey(f.ctx, OPERATOR, clerk, read.value.view.id);
    expect(revoked.ok && revoked.value.revoked_at).toBe(f.now().toISOString());
    expect(await f.auth.apiKey(read.value.key)).toBeNull();
    expect(await f.auth.apiKeyBasic(read.value.view.id, read.value.key)).toBeNull();
    expect(f.events.map((e) => e.type)).toEqual(['api-key-created', 'api-key-created', 'api-key-revoked']);
  });

  it('never accepts a key that differs from the real one in any way (property)', async () => {
    const created = await createApiKey(f.ctx, OPERATOR, clerk, { name: 'p', scope: 'write' });
    if (!created.ok) throw new Error('setup failed');
    const key = created.value.key;
    const alphabet = 'abcdef0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZ_-';
    await fc.assert(
      fc.asyncProperty(fc.nat({ max: key.length - 1 }), fc.constantFrom(...alphabet), fc.constantFrom('replace', 'insert', 'delete'), async (at, ch, how) => {
        const mutated = how === 'replace' ? key.slice(0, at) + ch + key.slice(at + 1) : how === 'insert' ? key.slice(0, at) + ch + key.slice(at) : key.slice(0, at) + key.slice(at + 1);
        fc.pre(mutated !== key);
        expect(await f.auth.apiKey(mutated)).toBeNull();
        expect(await f.auth.apiKeyBasic(created.value.view.id, mutated)).toBeNull();
      }),
      { numRuns: 150 },
    );
    expect(await f.auth.apiKey(key)).not.toBeNull();
  });

  it('refuses write keys for viewers and keys that expire in the past', async () => {
    const viewer = await f.addUser({ email: `viewer${n}@town.example.gov`, name: 'V', role: 'viewer', org_id: org });
    const write = await createApiKey(f.ctx, OPERATOR, viewer, { name: 'x', scope: 'write' });
    expect(write.ok ? null : write.error.code).toBe('scope-not-allowed');
    const past = await createApiKey(f.ctx, OPERATOR, clerk, { name: 'x', scope: 'read', expires_at: '2026-11-03T11:00:00Z' });
    expect(past.ok ? null : past.error.code).toBe('invalid-expiry');
    expect(await f.ctx.accounts.listApiKeys(clerk.id as never)).toEqual([]);
  });

  it('TOTP: enrol, confirm, then a code is required, checked and not replayable', async () => {
    const enrolment = await f.auth.enrolTotp(clerk);
    if (!enrolment.ok) throw new Error('enrol failed');
    expect(enrolment.value.uri).toMatch(/^otpauth:\/\/totp\/Rampart:clerk\d+%40town\.example\.gov\?/);
    expect((await f.auth.confirmTotp(clerk, '000000')).ok).toBe(false);
    expect((await f.auth.confirmTotp(clerk, totpCode(enrolment.value.secret, f.now()))).ok).toBe(true);

    f.advance(60_000);
    const missing = await signIn();
    expect(missing.ok ? null : missing.error.code).toBe('invalid-credentials');
    const wrong = await signIn(TEST_PASSWORD, { totp: '123456' === totpCode(enrolment.value.secret, f.now()) ? '654321' : '123456' });
    expect(wrong.ok ? null : wrong.error.code).toBe('invalid-credentials');
    const code = totpCode(enrolment.value.secret, f.now());
    expect((await signIn(TEST_PASSWORD, { totp: code })).ok).toBe(true);
    const replay = await signIn(TEST_PASSWORD, { totp: code });
    expect(replay.ok ? null : replay.error.code).toBe('invalid-credentials');
  });

  it('a wrong or missing TOTP code answers exactly like a wrong password and counts the same toward the lock, so it never confirms the password', async () => {
    const enrolment = await f.auth.enrolTotp(clerk);
    if (!enrolment.ok) throw new Error('enrol failed');
    expect((await f.auth.confirmTotp(clerk, totpCode(enrolment.value.secret, f.now()))).ok).toBe(true);
    f.advance(60_000);
    const wrongCode = totpCode(enrolment.value.secret, f.now()) === '000000' ? '111111' : '000000';
    const throttle = async () => (await f.ctx.accounts.throttle(`account:${email}`))?.failures ?? 0;
    const answers = [];
    answers.push(await signIn('not the password at all', { totp: wrongCode }));
    expect(await throttle()).toBe(1);
    answers.push(await signIn(TEST_PASSWORD, { totp: wrongCode }));
    expect(await throttle()).toBe(2);
    answers.push(await signIn(TEST_PASSWORD));
    expect(await throttle()).toBe(3);
    answers.push(await signIn('not the password at all'));
    for (const answer of answers) expect(answer).toEqual({ ok: false, error: { kind: 'unauthenticated', code: 'invalid-credentials', message: 'Wrong email, password or authenticator code.' } });
    // The fifth failure locks the account, whichever factor was wrong; the right password and code then wait too.
    const fifth = await signIn(TEST_PASSWORD, { totp: wrongCode });
    expect(fifth.ok ? null : fifth.error.code).toBe('account-locked');
    expect((await signIn(TEST_PASSWORD, { totp: totpCode(enrolment.value.secret, f.now()) })).ok).toBe(false);
    expect(f.events.filter((e) => e.type === 'sign-in-failed').map((e) => e.detail.replace(`${email}: `, ''))).toEqual(['wrong password', 'wrong TOTP code', 'no TOTP code', 'wrong password', 'wrong TOTP code']);
  });

  it('an organization that requires TOTP refuses members who have not enrolled', async () => {
    const changed = await setRequireTotp(f.ctx, OPERATOR, org, true);
    expect(changed.ok).toBe(true);
    const refused = await signIn();
    expect(refused.ok ? null : refused.error.code).toBe('totp-enrolment-required');
    expect(refused.ok ? '' : refused.error.message).toContain('POST /api/v1/me/totp');
  });

  it('requiring TOTP ends the sessions of members without it and revokes the keys issued before; new keys need the second factor', async () => {
    const enrolment = await f.auth.enrolTotp(clerk);
    if (!enrolment.ok) throw new Error('enrol failed');
    expect((await f.auth.confirmTotp(clerk, totpCode(enrolment.value.secret, f.now()))).ok).toBe(true);
    const withTotp = (await f.ctx.accounts.userById(clerk.id)) ?? clerk;
    const other = await f.addUser({ email: `deputy${n}@town.example.gov`, name: 'Deputy', role: 'analyst', org_id: org });
    f.advance(60_000);
    const clerkSession = await signIn(TEST_PASSWORD, { totp: totpCode(enrolment.value.secret, f.now()) });
    const otherSession = await signIn(TEST_PASSWORD, { email: other.email });
    const clerkKey = await createApiKey(f.ctx, OPERATOR, withTotp, { name: 'SIEM', scope: 'write' });
    const otherKey = await createApiKey(f.ctx, OPERATOR, other, { name: 'script', scope: 'read' });
    if (!clerkSession.ok || !otherSession.ok || !clerkKey.ok || !otherKey.ok) throw new Error('setup failed');
    f.events.length = 0;

    expect((await setRequireTotp(f.ctx, OPERATOR, org, true)).ok).toBe(true);
    expect(await f.auth.session(otherSession.value.token)).toBeNull();
    expect(await f.auth.session(clerkSession.value.token)).not.toBeNull();
    expect(await f.auth.apiKey(clerkKey.value.key)).toBeNull();
    expect(await f.auth.apiKey(otherKey.value.key)).toBeNull();
    expect((await f.ctx.accounts.listApiKeys(other.id as never)).map((k) => k.revoked_at)).toEqual([f.now().getTime()]);
    expect(f.events.map((e) => `${e.type}: ${e.detail}`).sort()).toEqual([
      `api-key-revoked: ${clerkKey.value.view.id}: issued before the organization required a second factor`,
      `api-key-revoked: ${otherKey.value.view.id}: issued before the organization required a second factor`,
      'org-settings-changed: require_totp=true; ended 1 sessions of members without a second factor; revoked 2 API keys issued before',
    ].sort());

    // A person without the second factor gets no new key, and stores none; one with it does.
    const refused = await createApiKey(f.ctx, OPERATOR, other, { name: 'again', scope: 'read' });
    expect(refused.ok ? null : refused.error.code).toBe('totp-enrolment-required');
    expect(await f.ctx.accounts.listApiKeys(other.id as never)).toHaveLength(1);
    const reissued = await createApiKey(f.ctx, OPERATOR, withTotp, { name: 'SIEM', scope: 'write' });
    if (!reissued.ok) throw new Error(reissued.error.message);
    expect(await f.auth.apiKey(reissued.value.key)).not.toBeNull();
    // Turning it on again (already on) revokes nothing more.
    expect((await setRequireTotp(f.ctx, OPERATOR, org, true)).ok).toBe(true);
    expect(await f.auth.apiKey(reissued.value.key)).not.toBeNull();
  });

  it('gives viewers read-only principals even on sessions', async () => {
    await f.addUser({ email: `viewer${n}@town.example.gov`, name: 'V', role: 'viewer', org_id: org });
    const signedIn = await signIn(TEST_PASSWORD, { email: `viewer${n}@town.example.gov` });
    if (!signedIn.ok) throw new Error('sign-in failed');
    expect((await f.auth.session(signedIn.value.token))?.principal.scope).toBe('read');
  });

  it("reads a key's or session's person, organization and accepted groups in one lookup: the same keys as the sharing service, and a revoked key, disabled person or left group counts at the next request", async () => {
    const repo = sharingRepository(f.database);
    const sharing = { repo, orgInfo: orgInfoFrom(f.ctx.accounts) };
    const auth = authServiceOf(f.ctx, { keysOf: (orgId, o, userId, groups) => keysFrom(orgId, o === null ? null : { kind: o.kind, stateFips: o.state_fips }, userId, groups) });
    const [first, second] = [parseGroupId(randomUUID()), parseGroupId(randomUUID())];
    if (!first.ok || !second.ok) throw new Error('group ids');
    const at = f.now().toISOString();
    // Two groups the organization accepted and one it was only invited to.
    for (const id of [second.value, first.value]) await repo.createGroup({ id, name: `Group ${id}`, createdByOrg: org, createdAt: at });
    const invitedOnly = parseGroupId(randomUUID());
    if (!invitedOnly.ok) throw new Error('group id');
    await repo.createGroup({ id: invitedOnly.value, name: 'Invited', createdByOrg: f.wi, createdAt: at });
    await repo.invite(invitedOnly.value, org, f.wi, at);
    const key = await createApiKey(f.ctx, OPERATOR, clerk, { name: 'siem', scope: 'write' });
    const signedIn = await signIn();
    if (!key.ok || !signedIn.ok) throw new Error('setup failed');
    const expected = await keysOf(sharing, org, clerk.id);
    expect(expected.filter((k) => k.startsWith('group:'))).toHaveLength(2);
    expect((await auth.apiKey(key.value.key))?.keys).toEqual(expected);
    expect((await auth.session(signedIn.value.token))?.principal.keys).toEqual(expected);
    // Several lookups of one turn (live feeds checking again) each get their own answer.
    const other = await f.addUser({ email: `other${n}@town.example.gov`, name: 'Other', role: 'analyst', org_id: f.dane });
    const otherKey = await createApiKey(f.ctx, OPERATOR, other, { name: 'other', scope: 'read' });
    if (!otherKey.ok) throw new Error('setup failed');
    const [mine, theirs] = await Promise.all([auth.apiKey(key.value.key), auth.apiKey(otherKey.value.key)]);
    expect(mine?.keys).toEqual(expected);
    expect(theirs?.keys).toEqual(await keysOf(sharing, f.dane, other.id));

    expect(await repo.removeMember(first.value, org)).toBe(true);
    expect((await auth.apiKey(key.value.key))?.keys).toEqual(expected.filter((k) => k !== `group:${first.value}`));
    const revoked = await revokeApiKey(f.ctx, OPERATOR, clerk, key.value.view.id);
    expect(revoked.ok).toBe(true);
    expect(await auth.apiKey(key.value.key)).toBeNull();
    expect(await auth.session(signedIn.value.token)).not.toBeNull();
    expect((await disableUser(f.ctx, OPERATOR, { id: clerk.id })).ok).toBe(true);
    expect(await auth.session(signedIn.value.token)).toBeNull();
    await auth.settled();
  });
});
