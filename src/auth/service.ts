import { accountsContext, type AccountsContext, type AccountsOptions, type AccountsStoreDeps, type AuthEventType } from '../accounts/context.ts';
import type { AudienceKey } from '../domain/audience.ts';
import type { GroupId, OrgId, UserId } from '../domain/ids.ts';
import { baseKeysOf, type Organization } from '../domain/organization.ts';
import { problem, type Problem } from '../domain/problem.ts';
import { err, ok, type Result } from '../domain/result.ts';
import type { AuthPort, SessionView, SignInRequest, SignedIn } from './port.ts';
import type { Principal } from '../domain/principal.ts';
import type { ApiKeyRow, UserRow } from '../store/accounts.ts';
import type { Credentials } from '../store/credentials.ts';
import { hashPassword, verifyPassword } from './passwords.ts';
import { accountSubject, afterFailure, ipSubject, lockedUntil, retryMessage } from './throttle.ts';
import { enrolmentCodeHash } from './enrolment-codes.ts';
import { apiKeyId, randomToken, sameHex, sha256Hex } from './tokens.ts';
import { acceptTotp, newTotpSecret, totpUri } from './totp.ts';
import { openTotp, sealTotp } from './totp-secrets.ts';

/**
 * The audience keys a reader reads with, from what its credentials were read with: its organization's id and row
 * (null when not registered), the person, the organization's accepted sharing groups (src/sharing/keys.ts keysFrom).
 */
export type KeysOf = (orgId: OrgId, org: Organization | null, userId: UserId | null, groups: readonly GroupId[]) => readonly AudienceKey[];

export interface AuthServiceOptions extends AccountsOptions {
  readonly keysOf?: KeysOf;
  /** The sharing groups shown in GET /api/v1/me (default none). */
  readonly groupsOf?: (orgId: OrgId) => Promise<readonly { readonly id: string; readonly name: string }[]>;
  /** An API key's last use could not be written (it is written off the request path; default: printed to stderr). */
  readonly onTouchError?: (error: unknown) => void;
}

export interface TotpEnrolment {
  /** Base32 secret to type into an authenticator app; shown once. */
  readonly secret: string;
  /** otpauth:// URI for a QR code; shown once. */
  readonly uri: string;
}

/** The real AuthPort (sessions, API keys, TOTP, throttling) and what the account routes need besides. */
export interface AuthService extends AuthPort {
  readonly context: AccountsContext;
  /** Email + password, throttled like a sign-in, without opening a session. */
  checkPassword(email: string, password: string, ip: string): Promise<Result<UserRow, Problem>>;
  /**
   * TOTP enrolment before a first sign-in: email, password and the one-time enrolment code an administrator issued
   * for the person. A missing, wrong, expired or used code answers exactly like a wrong password and counts toward
   * the same lockout, so a password thief learns nothing and cannot enrol an authenticator of their own.
   */
  checkEnrolment(email: string, password: string, enrolmentCode: string | undefined, ip: string): Promise<Result<UserRow, Problem>>;
  /** The person a principal acts for, while they are enabled. */
  userOf(principal: Principal): Promise<UserRow | null>;
  enrolTotp(user: UserRow): Promise<Result<TotpEnrolment, Problem>>;
  confirmTotp(user: UserRow, code: string): Promise<Result<{ readonly enabled: true }, Problem>>;
  /** Writes the API keys' last-use times still waiting (recorded off the request path) now; resolves when they are written. */
  settled(): Promise<void>;
}

// Writing last_seen/last_used on every request would turn reads into writes; once a minute is precise enough.
const TOUCH_EVERY_MS = 60_000;
const PRUNE_EVERY_MS = 10 * 60_000;
/** API keys' last-use times wait this long to be written together (one statement), never in the request that used the key. */
const TOUCH_FLUSH_MS = 1_000;

/** Creates the auth service over the store's database; `keysOf` defaults to baseKeysOf (no sharing groups). */
export function createAuthService(store: AccountsStoreDeps, options: AuthServiceOptions = {}): AuthService {
  return authServiceOf(accountsContext(store, options), options);
}

export function authServiceOf(ctx: AccountsContext, options: Pick<AuthServiceOptions, 'keysOf' | 'groupsOf' | 'onTouchError'> = {}): AuthService {
  const { accounts, clock, policy, secrets } = ctx;
  let dummyHash: Promise<string> | null = null;
  let prunedAt = 0;

  // Each key's last use, written behind the requests: every key first used within a second shares one statement
  // (the store batches the touches of one turn), and no request waits for it (on election day every county's
  // first post wrote its own before answering). What waits is written by settled() or the next flush.
  const touches = new Map<string, number>();
  // When this process last asked for each key's touch: a key used again before its row shows it is not touched twice.
  const touchedAt = new Map<string, number>();
  let touchTimer: NodeJS.Timeout | null = null;
  let touching: Promise<void> = Promise.resolve();
  const onTouchError = options.onTouchError ?? ((error: unknown) => console.error('rampart: could not record API keys\' last use', error));
  const flushTouches = (): Promise<void> => {
    if (touchTimer !== null) clearTimeout(touchTimer);
    touchTimer = null;
    if (touches.size > 0) {
      const batch = [...touches];
      touches.clear();
      const written = Promise.all(batch.map(([id, at]) => accounts.touchApiKey(id, at))).then(
        () => undefined,
        (error: unknown) => {
          // Not written: each of these keys is touched again at its next use.
          for (const [id] of batch) touchedAt.delete(id);
          onTouchError(error);
        },
      );
      touching = Promise.all([touching, written]).then(() => undefined);
    }
    return touching;
  };
  const touchLater = (id: string, at: number): void => {
    const last = touchedAt.get(id);
    if (last !== undefined && at - last < TOUCH_EVERY_MS && at >= last) return;
    if (touchedAt.size >= 100_000) touchedAt.clear();
    touchedAt.set(id, at);
    touches.set(id, at);
    if (touchTimer === null) {
      touchTimer = setTimeout(() => void flushTouches(), TOUCH_FLUSH_MS);
      touchTimer.unref();
    }
  };

  const defaultKeysOf: KeysOf = (_orgId, org, userId) => (org === null ? [] : baseKeysOf(org, userId));
  const keysOf = options.keysOf ?? defaultKeysOf;

  const emit = (type: AuthEventType, at: Date, user: UserRow | null, ip: string | null, detail: string) =>
    ctx.emit({ type, at, orgId: (user?.org_id ?? null), userId: (user?.id ?? null), actor: (user?.id ?? null), ip, detail });

  const locked = (subject: 'account' | 'ip', until: number, now: number): Problem =>
    problem(
      'rate-limited',
      subject === 'account' ? 'account-locked' : 'too-many-attempts',
      `${subject === 'account' ? 'Too many failed sign-ins for this account' : 'Too many failed sign-ins from your network address'}. ${retryMessage(until, now)}`,
    );

  /** Counts a failure against the account and the address; returns the problem to answer with. */
  const fail = async (email: string, ip: string, user: UserRow | null, now: Date, reason: string, answer: Problem): Promise<Problem> => {
    const t = now.getTime();
    const account = afterFailure(await accounts.throttle(accountSubject(email)), accountSubject(email), t, policy.accountThrottle);
    const address = afterFailure(await accounts.throttle(ipSubject(ip)), ipSubject(ip), t, policy.ipThrottle);
    await accounts.putThrottle(account);
    await accounts.putThrottle(address);
    await emit('sign-in-failed', now, user, ip, `${email}: ${reason}`);
    const lock = account.locked_until ?? address.locked_until;
    if (lock === null) return answer;
    await emit('sign-in-locked', now, user, ip, `${email}: locked until ${new Date(lock).toISOString()}`);
    return locked(account.locked_until !== null ? 'account' : 'ip', lock, t);
  };

  /**
   * The one answer to a wrong email, password, missing or wrong authenticator code: a sign-in that fails on
   * its code answers exactly like one that fails on its password, so it never confirms the password.
   */
  const INVALID_CREDENTIALS = problem('unauthenticated', 'invalid-credentials', 'Wrong email, password or authenticator code.');

  const checkPassword = async (rawEmail: string, password: string, ip: string): Promise<Result<UserRow, Problem>> => {
    const now = clock.now();
    const t = now.getTime();
    const email = rawEmail.trim().toLowerCase();
    for (const [subject, kind] of [[ipSubject(ip), 'ip'], [accountSubject(email), 'account']] as const) {
      const until = lockedUntil(await accounts.throttle(subject), t);
      if (until !== null) {
        await emit('sign-in-locked', now, null, ip, `${email}: refused while locked`);
        return err(locked(kind, until, t));
      }
    }
    const user = await accounts.userByEmail(email);
    let matches = false;
    if (user?.password_hash !== null && user?.password_hash !== undefined) {
      matches = await verifyPassword(password, user.password_hash);
    } else {
      // Same work for an unknown address, so timing does not tell which emails have accounts.
      dummyHash ??= hashPassword('rampart-dummy-password', policy.scrypt);
      await verifyPassword(password, await dummyHash);
    }
    if (user === null || !matches) {
      return err(await fail(email, ip, user, now, user === null ? 'unknown email' : 'wrong password', INVALID_CREDENTIALS));
    }
    if (user.disabled_at !== null) {
      await emit('sign-in-failed', now, user, ip, `${email}: account disabled`);
      return err(problem('unauthenticated', 'account-disabled', 'This account is disabled; ask your organization administrator.'));
    }
    return ok(user);
  };

  const checkEnrolment = async (email: string, password: string, enrolmentCode: string | undefined, ip: string): Promise<Result<UserRow, Problem>> => {
    const checked = await checkPassword(email, password, ip);
    if (!checked.ok) return checked;
    const user = checked.value;
    const now = clock.now();
    const row = await accounts.enrolmentCode(user.id);
    const typed = enrolmentCode?.trim() ?? '';
    const reason =
      typed === '' ? 'no enrolment code'
      : row === null ? 'no enrolment code issued (or already used)'
      : row.expires_at <= now.getTime() ? 'enrolment code expired'
      : !sameHex(enrolmentCodeHash(user.id, typed), row.code_hash) ? 'wrong enrolment code'
      : null;
    if (reason !== null) return err(await fail(user.email, ip, user, now, reason, INVALID_CREDENTIALS));
    return ok(user);
  };

  const principalOf = ({ user, org, groups }: Credentials<unknown>, scope: 'read' | 'write'): Principal => ({
    orgId: user.org_id,
    userId: user.id,
    keys: keysOf(user.org_id, org, user.id, groups),
    // Viewers read; only analysts and administrators publish.
    scope: user.role === 'viewer' ? 'read' : scope,
  });

  const viewOf = async (user: UserRow, org: Organization): Promise<SessionView> => ({
    user: { id: user.id, email: user.email, name: user.name },
    org: { id: org.id, name: org.name, state_fips: org.state_fips },
    groups: options.groupsOf === undefined ? [] : await options.groupsOf(org.id),
  });

  /** The key's credentials while they hold: read in one statement with its person, organization and groups, on every request. */
  const keyOwner = async (secret: string): Promise<Credentials<ApiKeyRow> | null> => {
    const id = apiKeyId(secret);
    if (id === null) return null;
    const found = await accounts.credentialsOfKey(id);
    if (found === null) return null;
    const { via: row, user } = found;
    if (!sameHex(sha256Hex(secret), row.secret_hash)) return null;
    const t = clock.now().getTime();
    if (row.revoked_at !== null || (row.expires_at !== null && row.expires_at <= t)) return null;
    if (user.disabled_at !== null) return null;
    // Keys issued before the requirement were revoked when it was turned on; a person without the second factor has none that work.
    if (user.totp_secret === null && found.org?.require_totp === true) return null;
    if (row.last_used_at === null || t - row.last_used_at >= TOUCH_EVERY_MS) touchLater(row.id, t);
    return found;
  };

  return {
    context: ctx,
    checkPassword,
    checkEnrolment,

    async signIn(request: SignInRequest, context): Promise<Result<SignedIn, Problem>> {
      const checked = await checkPassword(request.email, request.password, context.ip);
      if (!checked.ok) return checked;
      const user = checked.value;
      const now = clock.now();
      const org = await accounts.getOrganization(user.org_id);
      if (org === null) return err(problem('unauthenticated', 'organization-not-found', 'Your organization is no longer registered; ask the hub administrator.'));
      if (user.totp_secret !== null) {
        // No code is a wrong code: a distinct answer here would tell a password guesser the guess was right.
        if (request.totp === undefined || request.totp.trim() === '') return err(await fail(user.email, context.ip, user, now, 'no TOTP code', INVALID_CREDENTIALS));
        const opened = openTotp(secrets, user.id, user.totp_secret);
        if (!opened.ok) {
          // Never a way around the second factor: the operator learns why from the audit log and resets it.
          await emit('sign-in-failed', now, user, context.ip, `${user.email}: stored TOTP secret unreadable (${opened.error.code}): ${opened.error.message}`);
          return err(
            problem('unauthenticated', 'totp-unreadable', 'Your authenticator cannot be checked on this server (its secret key has changed). Ask the hub administrator to reset your second factor, then set it up again.'),
          );
        }
        const step = acceptTotp(opened.value.secret, request.totp, now, user.totp_last_step);
        if (step === null) {
          return err(await fail(user.email, context.ip, user, now, 'wrong TOTP code', INVALID_CREDENTIALS));
        }
        // A secret written before secrets were sealed is sealed at its first use.
        await accounts.updateUser(user.id, { totp_last_step: step, ...(opened.value.plain ? { totp_secret: sealTotp(secrets, user.id, opened.value.secret) } : {}) });
      } else if (org.require_totp) {
        await emit('sign-in-failed', now, user, context.ip, `${user.email}: TOTP enrolment required`);
        return err(
          problem('unauthenticated', 'totp-enrolment-required', `${org.name} requires a code from an authenticator app at sign-in. Ask your organization's administrator for an enrolment code, set up your authenticator with it, then sign in with a code from the app. (API: POST /api/v1/me/totp with email, password and enrolment_code.)`),
        );
      }
      await accounts.clearThrottle(accountSubject(user.email));
      const token = randomToken(32);
      const t = now.getTime();
      // Failures against made-up emails leave rows behind; forget the stale ones now and then.
      if (t - prunedAt >= PRUNE_EVERY_MS) {
        prunedAt = t;
        await accounts.pruneThrottle(t - Math.max(policy.accountThrottle.windowMs, policy.ipThrottle.windowMs), t);
      }
      const expiresAt = t + policy.sessionTtlMs;
      await accounts.insertSession({ token_hash: sha256Hex(token), user_id: user.id, created_at: t, last_seen_at: t, expires_at: expiresAt, ip: context.ip, user_agent: context.userAgent?.slice(0, 500) ?? null });
      await emit('sign-in-ok', now, user, context.ip, user.email);
      return ok({ token, expiresAt: new Date(expiresAt) });
    },

    async session(token) {
      const hash = sha256Hex(token);
      const found = await accounts.credentialsOfSession(hash);
      if (found === null) return null;
      const { via: row, user, org } = found;
      const t = clock.now().getTime();
      if (row.expires_at <= t || t - row.last_seen_at >= policy.idleTimeoutMs) {
        await accounts.deleteSession(hash);
        return null;
      }
      if (user.disabled_at !== null) return null;
      if (org === null) return null;
      // The organization requires a second factor this person has not set up: no session of theirs holds.
      if (org.require_totp && user.totp_secret === null) {
        await accounts.deleteSession(hash);
        return null;
      }
      if (t - row.last_seen_at >= TOUCH_EVERY_MS) await accounts.touchSession(hash, t);
      return { principal: principalOf(found, 'write'), view: await viewOf(user, org) };
    },

    async signOut(token) {
      const hash = sha256Hex(token);
      const row = await accounts.sessionByHash(hash);
      if (row === null) return;
      await accounts.deleteSession(hash);
      const user = await accounts.userById(row.user_id);
      await emit('sign-out', clock.now(), user, null, user?.email ?? '');
    },

    async apiKey(secret) {
      const owner = await keyOwner(secret);
      return owner === null ? null : principalOf(owner, owner.via.scope);
    },

    async apiKeyBasic(username, secret) {
      const owner = await keyOwner(secret);
      if (owner === null) return null;
      const name = username.trim().toLowerCase();
      if (name !== owner.via.id && name !== owner.user.email) return null;
      return principalOf(owner, owner.via.scope);
    },

    async userOf(principal) {
      if (principal.userId === null) return null;
      const user = await accounts.userById(principal.userId);
      return user === null || user.disabled_at !== null ? null : user;
    },

    async enrolTotp(user) {
      const secret = newTotpSecret();
      await accounts.updateUser(user.id, { totp_pending: sealTotp(secrets, user.id, secret) });
      return ok({ secret, uri: totpUri(secret, user.email) });
    },

    async confirmTotp(user, code) {
      const fresh = await accounts.userById(user.id);
      const pending = fresh?.totp_pending ?? null;
      if (fresh === null || pending === null) return err(problem('invalid', 'no-totp-enrolment', 'Start enrolment first: POST /api/v1/me/totp without a code gives you the secret.'));
      const opened = openTotp(secrets, fresh.id, pending);
      // An enrolment sealed under another key cannot be finished; starting again is all it takes.
      if (!opened.ok) return err(problem('invalid', 'no-totp-enrolment', 'This enrolment can no longer be read on this server; start again: POST /api/v1/me/totp without a code gives you a new secret.'));
      const now = clock.now();
      const step = acceptTotp(opened.value.secret, code, now, null);
      if (step === null) return err(problem('invalid', 'totp-invalid', 'That code does not match the new secret; enter the current 6-digit code from your authenticator app.'));
      await accounts.updateUser(fresh.id, { totp_secret: sealTotp(secrets, fresh.id, opened.value.secret), totp_pending: null, totp_last_step: step });
      // Single use: once the person has an authenticator, their enrolment code (used or not) is gone.
      await accounts.deleteEnrolmentCode(fresh.id);
      await emit('totp-enabled', now, fresh, null, fresh.email);
      return ok({ enabled: true });
    },

    settled: flushTouches,
  };
}
