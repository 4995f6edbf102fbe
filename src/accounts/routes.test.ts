import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { totpCode } from '../auth/totp.ts';
import { bearer, harness, type Harness } from '../../test/helpers/http.ts';
import { testDialects } from '../../test/helpers/store.ts';
import type { UserRow } from '../store/accounts.ts';
import type { OrgId } from '../domain/ids.ts';
import { OPERATOR } from './context.ts';
import { createOrganization } from './organizations.ts';
import { issueEnrolmentCode } from './enrolment.ts';
import { resetTotp } from './users.ts';
import { tableRows } from '../../test/helpers/store.ts';
import { accountRoutes } from './routes.ts';
import { accountsFixture, TEST_PASSWORD, type AccountsFixture } from '../../test/helpers/accounts.ts';

interface Signed {
  readonly cookie: string;
  readonly csrf: string;
}

describe.each(testDialects())('account routes with the real AuthPort on %s', (dialect) => {
  // One database and app for the file (fast); each test works in an organization of its own.
  let f: AccountsFixture;
  let h: Harness;
  let n = 0;
  let analyst: UserRow;
  let org: OrgId;
  let analystEmail: string;
  let adminEmail: string;
  beforeAll(async () => {
    f = await accountsFixture(dialect);
    h = await harness({ stix: f.stix, auth: () => f.auth, plugins: [accountRoutes(f.auth)], now: () => f.now() });
    await f.addUser({ email: 'hub@cisa.example.gov', name: 'Hub Admin', role: 'hub-admin', org_id: f.cisa });
  });
  afterAll(async () => {
    await h.close();
    await f.close();
  });
  beforeEach(async () => {
    n++;
    const created = await createOrganization(f.ctx, OPERATOR, { kind: 'local', name: `Town ${n} Clerk`, state_fips: '55' });
    if (!created.ok) throw new Error(created.error.message);
    org = created.value.id;
    analystEmail = `analyst${n}@town.example.gov`;
    adminEmail = `admin${n}@town.example.gov`;
    analyst = await f.addUser({ email: analystEmail, name: 'Ana Lyst', role: 'analyst', org_id: org });
    await f.addUser({ email: adminEmail, name: 'Ad Min', role: 'org-admin', org_id: org });
  });

  const signIn = async (email: string, extra: Record<string, string> = {}): Promise<Signed> => {
    const res = await h.app.inject({ method: 'POST', url: '/api/v1/session', payload: { email, password: TEST_PASSWORD, ...extra } });
    if (res.statusCode !== 200) throw new Error(`sign-in failed: ${res.body}`);
    const cookie = res.cookies.find((c) => c.name === 'rampart_session');
    return { cookie: `rampart_session=${cookie?.value ?? ''}`, csrf: res.json<{ csrf_token: string }>().csrf_token };
  };
  /** The org-admin sets up an authenticator while signed in; later sessions sign in with a fresh code. */
  const adminWithTotp = async () => {
    const first = await signIn(adminEmail);
    const started = await h.app.inject({ method: 'POST', url: '/api/v1/me/totp', headers: as(first), payload: {} });
    const { secret } = started.json<{ secret: string }>();
    const confirmed = await h.app.inject({ method: 'POST', url: '/api/v1/me/totp', headers: as(first), payload: { code: totpCode(secret, f.now()) } });
    expect(confirmed.json()).toEqual({ enabled: true });
    return async (): Promise<Signed> => {
      f.advance(30_000); // a new time step: codes cannot be replayed
      return signIn(adminEmail, { totp: totpCode(secret, f.now()) });
    };
  };
  const as = (s: Signed, csrf = true) => ({ cookie: s.cookie, ...(csrf ? { 'x-csrf-token': s.csrf } : {}) });
  const newKey = async (s: Signed, scope: 'read' | 'write') => {
    const res = await h.app.inject({ method: 'POST', url: '/api/v1/keys', headers: as(s), payload: { name: 'feed', scope } });
    expect(res.statusCode).toBe(201);
    return res.json<{ id: string; key: string }>();
  };

  it('signs in, shows who is signed in with the state key, and refuses a wrong password', async () => {
    const s = await signIn(analystEmail);
    const me = await h.app.inject({ method: 'GET', url: '/api/v1/me', headers: as(s, false) });
    expect(me.json<{ keys: string[]; org: { name: string } }>()).toMatchObject({ keys: expect.arrayContaining(['state:55', `org:${org}`]) as unknown, org: { name: `Town ${n} Clerk` } });
    const wrong = await h.app.inject({ method: 'POST', url: '/api/v1/session', payload: { email: analystEmail, password: 'nope nope nope nope' } });
    expect(wrong.statusCode).toBe(401);
    expect(wrong.json<{ code: string }>().code).toBe('invalid-credentials');
  });

  it('lets a viewer read, manage their own account and sign out, but not publish (403 insufficient-role, nothing stored)', async () => {
    const email = `viewer${n}@town.example.gov`;
    await f.addUser({ email, name: 'Vi Ewer', role: 'viewer', org_id: org });
    const s = await signIn(email);
    const indicator = { type: 'indicator', spec_version: '2.1', id: 'indicator--0d0d0d0d-0000-4000-8000-000000000001', created: '2026-11-01T00:00:00.000Z', modified: '2026-11-01T00:00:00.000Z', pattern: "[ipv4-addr:value = '203.0.113.9']", pattern_type: 'stix', valid_from: '2026-11-01T00:00:00Z' };
    const before = await h.fingerprint();
    const publish = await h.app.inject({ method: 'POST', url: '/api/v1/objects', headers: as(s), payload: { object: indicator, tlp: 'green' } });
    expect(publish.statusCode).toBe(403);
    expect(publish.json<{ code: string }>().code).toBe('insufficient-role');
    expect(await h.fingerprint()).toBe(before);
    expect((await h.app.inject({ method: 'GET', url: '/api/v1/objects', headers: as(s, false) })).statusCode).toBe(200);
    const key = await newKey(s, 'read');
    expect(key.key).toMatch(/^rk_/);
    expect((await h.app.inject({ method: 'DELETE', url: '/api/v1/session', headers: as(s) })).statusCode).toBe(204);
  });

  it('answers 429 with when to retry after too many failures', async () => {
    for (let i = 0; i < 5; i++) await h.app.inject({ method: 'POST', url: '/api/v1/session', payload: { email: analystEmail, password: 'wrong wrong wrong' } });
    const res = await h.app.inject({ method: 'POST', url: '/api/v1/session', payload: { email: analystEmail, password: TEST_PASSWORD } });
    expect(res.statusCode).toBe(429);
    expect(res.json<{ code: string; detail: string }>()).toMatchObject({ code: 'account-locked', detail: `Too many failed sign-ins for this account. Try again after ${new Date(f.now().getTime() + 15 * 60_000).toISOString().slice(11, 16)} UTC (in 15 minutes).` });
  });

  it('refuses an expired session', async () => {
    const s = await signIn(analystEmail);
    f.advance(31 * 60_000);
    const res = await h.app.inject({ method: 'GET', url: '/api/v1/keys', headers: as(s, false) });
    expect(res.statusCode).toBe(401);
    expect(res.json<{ code: string }>().code).toBe('session-expired');
  });

  it('refuses a cookie write without the CSRF token, storing nothing', async () => {
    const s = await signIn(analystEmail);
    const res = await h.app.inject({ method: 'POST', url: '/api/v1/keys', headers: as(s, false), payload: { name: 'x', scope: 'read' } });
    expect(res.statusCode).toBe(403);
    expect(res.json<{ code: string }>().code).toBe('csrf-missing');
    expect(await f.ctx.accounts.listApiKeys(analyst.id as never)).toEqual([]);
  });

  it('creates a key shown once, lists it without the secret, and revokes it', async () => {
    const s = await signIn(analystEmail);
    const created = await newKey(s, 'write');
    expect(created.key).toMatch(/^rk_/);
    const first = await h.app.inject({ method: 'GET', url: '/api/v1/keys', headers: bearer(created.key) });
    expect(first.statusCode).toBe(200);
    // Its first use is recorded behind the request, once the pending last-use times are written.
    await f.auth.settled();
    const listed = await h.app.inject({ method: 'GET', url: '/api/v1/keys', headers: bearer(created.key) });
    expect(listed.statusCode).toBe(200);
    expect(listed.body).not.toContain(created.key.slice(20));
    expect(listed.json<{ id: string; last_used_at: string | null }[]>()).toEqual([expect.objectContaining({ id: created.id, last_used_at: f.now().toISOString() })]);
    const revoked = await h.app.inject({ method: 'DELETE', url: `/api/v1/keys/${created.id}`, headers: as(s) });
    expect(revoked.statusCode).toBe(200);
    const after = await h.app.inject({ method: 'GET', url: '/api/v1/keys', headers: bearer(created.key) });
    expect(after.statusCode).toBe(401);
    expect(after.json<{ code: string }>().code).toBe('invalid-api-key');
  });

  it('refuses writes with a read-scoped key', async () => {
    const s = await signIn(analystEmail);
    const read = await newKey(s, 'read');
    const before = await h.fingerprint();
    const object = { type: 'indicator', spec_version: '2.1', id: 'indicator--8e2e2d2b-17d4-4cbf-938f-98ee46b3cd3f', created: '2026-11-03T10:00:00.000Z', modified: '2026-11-03T10:00:00.000Z', pattern: "[domain-name:value = 'x.example']", pattern_type: 'stix', valid_from: '2026-11-03T10:00:00Z' };
    const res = await h.app.inject({ method: 'POST', url: '/api/v1/objects', headers: bearer(read.key), payload: object });
    expect(res.statusCode).toBe(403);
    expect(res.json<{ code: string }>().code).toBe('insufficient-scope');
    const key = await h.app.inject({ method: 'POST', url: '/api/v1/keys', headers: bearer(read.key), payload: { name: 'x', scope: 'write' } });
    expect(key.statusCode).toBe(403);
    expect(await h.fingerprint()).toBe(before);
  });

  it('lets only org-admins manage people, inside their own organization', async () => {
    const analystSession = await signIn(analystEmail);
    const body = { email: `new${n}@town.example.gov`, name: 'New Person', role: 'viewer', password: 'a long enough passphrase' };
    const refused = await h.app.inject({ method: 'POST', url: '/api/v1/org/users', headers: as(analystSession), payload: body });
    expect(refused.statusCode).toBe(403);
    expect(refused.json<{ code: string }>().code).toBe('not-org-admin');
    expect((await h.app.inject({ method: 'GET', url: '/api/v1/org/users', headers: as(analystSession, false) })).statusCode).toBe(403);

    const admin = await signIn(adminEmail);
    const short = await h.app.inject({ method: 'POST', url: '/api/v1/org/users', headers: as(admin), payload: { ...body, password: 'short' } });
    expect(short.json<{ code: string; detail: string }>()).toMatchObject({ code: 'password-too-short', detail: expect.stringContaining('at least 12 characters (this one has 5)') as unknown });
    const hubRole = await h.app.inject({ method: 'POST', url: '/api/v1/org/users', headers: as(admin), payload: { ...body, role: 'hub-admin' } });
    expect(hubRole.json<{ code: string }>().code).toBe('role-not-allowed');
    const created = await h.app.inject({ method: 'POST', url: '/api/v1/org/users', headers: as(admin), payload: body });
    expect(created.statusCode).toBe(201);
    const listed = await h.app.inject({ method: 'GET', url: '/api/v1/org/users', headers: as(admin, false) });
    expect(listed.json<{ email: string }[]>().map((u) => u.email)).toEqual([adminEmail, analystEmail, `new${n}@town.example.gov`]);

    await f.addUser({ email: `admin${n}@wi.example.gov`, name: 'W', role: 'org-admin', org_id: f.wi });
    const stateAdmin = await signIn(`admin${n}@wi.example.gov`);
    const foreign = await h.app.inject({ method: 'POST', url: `/api/v1/org/users/${analyst.id}/disable`, headers: as(stateAdmin) });
    expect(foreign.statusCode).toBe(404);

    const disabled = await h.app.inject({ method: 'POST', url: `/api/v1/org/users/${analyst.id}/disable`, headers: as(admin) });
    expect(disabled.json<{ disabled: boolean }>().disabled).toBe(true);
    const gone = await h.app.inject({ method: 'GET', url: '/api/v1/me', headers: as(analystSession, false) });
    expect(gone.statusCode).toBe(401);
  });

  it('a hub-admin manages organizations but cannot read what was not shared with it', async () => {
    const s = await signIn(analystEmail);
    const key = await newKey(s, 'write');
    const id = 'indicator--8e2e2d2b-17d4-4cbf-938f-98ee46b3cd3f';
    const object = { type: 'indicator', spec_version: '2.1', id, created: '2026-11-03T10:00:00.000Z', modified: '2026-11-03T10:00:00.000Z', pattern: "[domain-name:value = 'x.example']", pattern_type: 'stix', valid_from: '2026-11-03T10:00:00Z' };
    const shared = await h.app.inject({ method: 'POST', url: '/api/v1/objects', headers: bearer(key.key), payload: { object, sharing: { tlp: 'amber', audience: [`org:${org}`] } } });
    expect(shared.statusCode).toBe(201);
    expect((await h.app.inject({ method: 'GET', url: `/api/v1/objects/${id}`, headers: bearer(key.key) })).statusCode).toBe(200);

    const hub = await signIn('hub@cisa.example.gov');
    const read = await h.app.inject({ method: 'GET', url: `/api/v1/objects/${id}`, headers: as(hub, false) });
    expect(read.statusCode).toBe(404);
    const listed = await h.app.inject({ method: 'GET', url: '/api/v1/objects?type=indicator', headers: as(hub, false) });
    expect(listed.body).not.toContain(id);
    const users = await h.app.inject({ method: 'GET', url: `/api/v1/org/users?org_id=${org}`, headers: as(hub, false) });
    expect(users.statusCode).toBe(200);

    const added = await h.app.inject({ method: 'POST', url: '/api/v1/orgs', headers: as(hub), payload: { kind: 'private', name: 'Example Voting Systems', partner_type: 'vendor' } });
    expect(added.statusCode).toBe(201);
    const byAnalyst = await h.app.inject({ method: 'POST', url: '/api/v1/orgs', headers: as(s), payload: { kind: 'isac', name: 'EI-ISAC' } });
    expect(byAnalyst.statusCode).toBe(403);
    const addedId = added.json<{ id: string }>().id;
    const renamed = await h.app.inject({ method: 'PATCH', url: `/api/v1/orgs/${addedId}`, headers: as(hub), payload: { name: 'Example Voting Systems, Inc.' } });
    expect(renamed.json<{ name: string; seed: boolean }>()).toMatchObject({ name: 'Example Voting Systems, Inc.', seed: false });
    const renamedByAnalyst = await h.app.inject({ method: 'PATCH', url: `/api/v1/orgs/${addedId}`, headers: as(s), payload: { name: 'Mine now' } });
    expect(renamedByAnalyst.statusCode).toBe(403);
    const empty = await h.app.inject({ method: 'PATCH', url: `/api/v1/orgs/${addedId}`, headers: as(hub), payload: {} });
    expect(empty.statusCode).toBe(400);
    const orgs = await h.app.inject({ method: 'GET', url: '/api/v1/orgs?state_fips=55', headers: as(s, false) });
    const names = orgs.json<{ name: string; state_fips: string }[]>();
    expect(names.map((o) => o.name)).toEqual(expect.arrayContaining(['Dane County Clerk', 'Wisconsin', `Town ${n} Clerk`]));
    expect(names.every((o) => o.state_fips === '55')).toBe(true);
  });

  it('an org-admin requires TOTP; members enrol with their password and an enrolment code, then sign in with a code', async () => {
    const adminSession = await adminWithTotp();
    const admin = await adminSession();
    const analystSession = await signIn(analystEmail);
    const notAdmin = await h.app.inject({ method: 'PUT', url: '/api/v1/org/settings', headers: as(analystSession), payload: { require_totp: true } });
    expect(notAdmin.statusCode).toBe(403);
    const set = await h.app.inject({ method: 'PUT', url: '/api/v1/org/settings', headers: as(admin), payload: { require_totp: true } });
    expect(set.json<{ require_totp: boolean }>().require_totp).toBe(true);

    const refused = await h.app.inject({ method: 'POST', url: '/api/v1/session', payload: { email: analystEmail, password: TEST_PASSWORD } });
    expect(refused.statusCode).toBe(401);
    expect(refused.json<{ code: string }>().code).toBe('totp-enrolment-required');
    const badPassword = await h.app.inject({ method: 'POST', url: '/api/v1/me/totp', payload: { email: analystEmail, password: 'wrong wrong wrong' } });
    expect(badPassword.statusCode).toBe(401);

    const issued = await h.app.inject({ method: 'POST', url: `/api/v1/org/users/${analyst.id}/enrolment-code`, headers: as(await adminSession()) });
    expect(issued.statusCode).toBe(201);
    const enrolmentCode = issued.json<{ code: string }>().code;
    const enrol = await h.app.inject({ method: 'POST', url: '/api/v1/me/totp', payload: { email: analystEmail, password: TEST_PASSWORD, enrolment_code: enrolmentCode } });
    const { secret } = enrol.json<{ secret: string; otpauth_uri: string }>();
    const wrongCode = await h.app.inject({
      method: 'POST',
      url: '/api/v1/me/totp',
      payload: { email: analystEmail, password: TEST_PASSWORD, enrolment_code: enrolmentCode, code: totpCode(secret, f.now()) === '000000' ? '111111' : '000000' },
    });
    expect(wrongCode.json<{ code: string }>().code).toBe('totp-invalid');
    const confirm = await h.app.inject({ method: 'POST', url: '/api/v1/me/totp', payload: { email: analystEmail, password: TEST_PASSWORD, enrolment_code: enrolmentCode, code: totpCode(secret, f.now()) } });
    expect(confirm.json()).toEqual({ enabled: true });
    // The code was used up: with it again, the answer is a wrong password's, not "already enabled".
    const takeover = await h.app.inject({ method: 'POST', url: '/api/v1/me/totp', payload: { email: analystEmail, password: TEST_PASSWORD, enrolment_code: enrolmentCode } });
    expect(takeover.json<{ code: string }>().code).toBe('invalid-credentials');

    f.advance(60_000);
    const noCode = await h.app.inject({ method: 'POST', url: '/api/v1/session', payload: { email: analystEmail, password: TEST_PASSWORD } });
    expect(noCode.json<{ code: string }>().code).toBe('invalid-credentials');
    await signIn(analystEmail, { totp: totpCode(secret, f.now()) });
  });

  it('enrolment before a first sign-in needs the one-time code an org-admin issued: a password alone, a wrong, expired or used code answer like a wrong password and store nothing', async () => {
    const adminSession = await adminWithTotp();
    let admin = await adminSession();
    expect((await h.app.inject({ method: 'PUT', url: '/api/v1/org/settings', headers: as(admin), payload: { require_totp: true } })).statusCode).toBe(200);
    const enrolmentState = async () => {
      const rows = await tableRows(f.database);
      return { users: rows.get('account_user'), codes: rows.get('totp_enrolment_code'), sessions: rows.get('account_session') };
    };
    const enrolWith = (payload: Record<string, string>) => h.app.inject({ method: 'POST', url: '/api/v1/me/totp', payload: { email: analystEmail, password: TEST_PASSWORD, ...payload } });
    const expectRefused = async (payload: Record<string, string>) => {
      const before = await enrolmentState();
      const res = await enrolWith(payload);
      expect(res.statusCode).toBe(401);
      expect(res.json<{ code: string; detail: string }>()).toMatchObject({ code: 'invalid-credentials', detail: 'Wrong email, password or authenticator code.' });
      expect(await enrolmentState()).toEqual(before);
    };
    const wrongPassword = await h.app.inject({ method: 'POST', url: '/api/v1/me/totp', payload: { email: analystEmail, password: 'not the password at all' } });

    // The password thief: nothing but the password, or a guessed code.
    await expectRefused({});
    await expectRefused({ code: '123456' });
    await expectRefused({ enrolment_code: 'ABCD-EFGH-JKMN' });
    expect(wrongPassword.json<{ code: string }>().code).toBe('invalid-credentials');

    // Only an administrator of the organization issues codes; others learn nothing.
    const peer = await f.addUser({ email: `peer${n}@town.example.gov`, name: 'Pe Er', role: 'analyst', org_id: org });
    const byAnalyst = await issueEnrolmentCode(f.ctx, { kind: 'user', user: peer }, analyst);
    expect(!byAnalyst.ok && byAnalyst.error.code).toBe('not-org-admin');
    const other = await createOrganization(f.ctx, OPERATOR, { kind: 'local', name: `Other Town ${n} Clerk`, state_fips: '55' });
    if (!other.ok) throw new Error(other.error.message);
    await f.addUser({ email: `admin-other${n}@town.example.gov`, name: 'Other Admin', role: 'org-admin', org_id: other.value.id });
    const byOther = await h.app.inject({ method: 'POST', url: `/api/v1/org/users/${analyst.id}/enrolment-code`, headers: as(await signIn(`admin-other${n}@town.example.gov`)) });
    expect(byOther.statusCode).toBe(404);
    expect(await f.ctx.accounts.enrolmentCode(analyst.id)).toBeNull();

    f.advance(16 * 60_000); // past the lockout window the refusals above counted toward
    admin = await adminSession();
    const issued = await h.app.inject({ method: 'POST', url: `/api/v1/org/users/${analyst.id}/enrolment-code`, headers: as(admin) });
    expect(issued.statusCode).toBe(201);
    expect(issued.headers['cache-control']).toBe('no-store');
    const { code: enrolmentCode, expires_at: expiresAt } = issued.json<{ code: string; expires_at: string }>();
    expect(enrolmentCode).toMatch(/^[A-Z2-9]{4}-[A-Z2-9]{4}-[A-Z2-9]{4}$/);
    expect(Date.parse(expiresAt) - f.now().getTime()).toBe(24 * 3_600_000);
    const stored = await f.ctx.accounts.enrolmentCode(analyst.id);
    expect(stored?.code_hash).toMatch(/^[0-9a-f]{64}$/);
    expect(JSON.stringify(stored)).not.toContain(enrolmentCode.replace(/-/g, '').slice(0, 8));
    expect(f.events.filter((e) => e.type === 'totp-enrolment-code-issued' && e.userId === analyst.id)).toHaveLength(1);

    // Another person's code, a wrong password with the right code.
    const peerCode = await h.app.inject({ method: 'POST', url: `/api/v1/org/users/${peer.id}/enrolment-code`, headers: as(admin) });
    await expectRefused({ enrolment_code: peerCode.json<{ code: string }>().code });
    const rightCodeWrongPassword = await h.app.inject({ method: 'POST', url: '/api/v1/me/totp', payload: { email: analystEmail, password: 'not the password at all', enrolment_code: enrolmentCode } });
    expect(rightCodeWrongPassword.json<{ code: string }>().code).toBe('invalid-credentials');
    expect(f.events.some((e) => e.type === 'sign-in-failed' && e.detail === `${analystEmail}: wrong enrolment code`)).toBe(true);

    // The person with the code enrols (typed in lower case, without dashes); the code is then used up.
    const started = await enrolWith({ enrolment_code: enrolmentCode.replace(/-/g, '').toLowerCase() });
    const { secret } = started.json<{ secret: string }>();
    const confirmed = await enrolWith({ enrolment_code: enrolmentCode, code: totpCode(secret, f.now()) });
    expect(confirmed.json()).toEqual({ enabled: true });
    expect(await f.ctx.accounts.enrolmentCode(analyst.id)).toBeNull();
    const again = await h.app.inject({ method: 'POST', url: `/api/v1/org/users/${analyst.id}/enrolment-code`, headers: as(admin) });
    expect(again.json<{ code: string }>().code).toBe('totp-already-enabled');

    // Reused after a reset of the authenticator: refused like a wrong password.
    f.advance(16 * 60_000);
    const reset = await resetTotp(f.ctx, OPERATOR, (await f.ctx.accounts.userById(analyst.id)) ?? analyst);
    expect(reset.ok).toBe(true);
    await expectRefused({ enrolment_code: enrolmentCode });

    // Expired: 24 hours after it was issued.
    const fresh = (await h.app.inject({ method: 'POST', url: `/api/v1/org/users/${analyst.id}/enrolment-code`, headers: as(await adminSession()) })).json<{ code: string }>().code;
    f.advance(24 * 3_600_000);
    await expectRefused({ enrolment_code: fresh });
  });

  it('changes passwords: the person with the current one, the org-admin for members; sessions end', async () => {
    const s = await signIn(analystEmail);
    const wrong = await h.app.inject({ method: 'POST', url: '/api/v1/me/password', headers: as(s), payload: { current_password: 'not my password', new_password: 'another long passphrase' } });
    expect(wrong.json<{ code: string }>().code).toBe('wrong-password');
    const short = await h.app.inject({ method: 'POST', url: '/api/v1/me/password', headers: as(s), payload: { current_password: TEST_PASSWORD, new_password: 'short' } });
    expect(short.json<{ code: string }>().code).toBe('password-too-short');
    const changed = await h.app.inject({ method: 'POST', url: '/api/v1/me/password', headers: as(s), payload: { current_password: TEST_PASSWORD, new_password: 'another long passphrase' } });
    expect(changed.statusCode).toBe(204);
    expect((await h.app.inject({ method: 'GET', url: '/api/v1/me', headers: as(s, false) })).statusCode).toBe(401);
    const old = await h.app.inject({ method: 'POST', url: '/api/v1/session', payload: { email: analystEmail, password: TEST_PASSWORD } });
    expect(old.statusCode).toBe(401);

    const byAnalyst = await signIn(analystEmail, { password: 'another long passphrase' });
    const admin = await signIn(adminEmail);
    const adminRow = await f.ctx.accounts.userByEmail(adminEmail);
    const notAllowed = await h.app.inject({ method: 'POST', url: `/api/v1/org/users/${adminRow?.id ?? ''}/password`, headers: as(byAnalyst), payload: { password: 'taken over passphrase' } });
    expect(notAllowed.statusCode).toBe(403);
    const reset = await h.app.inject({ method: 'POST', url: `/api/v1/org/users/${analyst.id}/password`, headers: as(admin), payload: { password: 'reset by the admin now' } });
    expect(reset.statusCode).toBe(200);
    expect((await h.app.inject({ method: 'GET', url: '/api/v1/me', headers: as(byAnalyst, false) })).statusCode).toBe(401);
    await signIn(analystEmail, { password: 'reset by the admin now' });
  });

  it('lets an org-admin see and revoke the keys of its people, and no one else\'s', async () => {
    const s = await signIn(analystEmail);
    const key = await newKey(s, 'write');
    const byAnalyst = await h.app.inject({ method: 'GET', url: '/api/v1/org/keys', headers: as(s, false) });
    expect(byAnalyst.statusCode).toBe(403);
    const admin = await signIn(adminEmail);
    const listed = await h.app.inject({ method: 'GET', url: '/api/v1/org/keys', headers: as(admin, false) });
    expect(listed.json<{ id: string; email: string }[]>()).toEqual([expect.objectContaining({ id: key.id, email: analystEmail })]);
    expect(listed.body).not.toContain(key.key.slice(20));

    await f.addUser({ email: `keys${n}@wi.example.gov`, name: 'W', role: 'org-admin', org_id: f.wi });
    const stateAdmin = await signIn(`keys${n}@wi.example.gov`);
    const foreign = await h.app.inject({ method: 'DELETE', url: `/api/v1/org/keys/${key.id}`, headers: as(stateAdmin) });
    expect(foreign.statusCode).toBe(404);
    expect((await h.app.inject({ method: 'GET', url: '/api/v1/keys', headers: bearer(key.key) })).statusCode).toBe(200);
    const revoked = await h.app.inject({ method: 'DELETE', url: `/api/v1/org/keys/${key.id}`, headers: as(admin) });
    expect(revoked.statusCode).toBe(200);
    expect((await h.app.inject({ method: 'GET', url: '/api/v1/keys', headers: bearer(key.key) })).statusCode).toBe(401);
  });

  it('documents the routes in OpenAPI', async () => {
    const doc = (await h.app.inject({ method: 'GET', url: '/api/v1/openapi.json' })).json<{ paths: Record<string, unknown> }>();
    expect(Object.keys(doc.paths)).toEqual(expect.arrayContaining(['/api/v1/org/users', '/api/v1/org/users/{id}/disable', '/api/v1/keys', '/api/v1/keys/{id}', '/api/v1/me/totp', '/api/v1/org/settings', '/api/v1/orgs']));
  });
});
