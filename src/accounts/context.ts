import { randomBytes } from 'node:crypto';
import type { Clock } from '../domain/clock.ts';
import type { OrgId, UserId } from '../domain/ids.ts';
import { DEFAULT_SCRYPT, type ScryptCost } from '../auth/passwords.ts';
import { SECRET_KEY_BYTES, secretBox, type SecretBox } from '../auth/secret-box.ts';
import { ACCOUNT_THROTTLE, IP_THROTTLE, type ThrottlePolicy } from '../auth/throttle.ts';
import { accountsStore, type AccountsStore, type UserRow } from '../store/accounts.ts';
import type { Database } from '../store/db.ts';
import type { StixStore } from '../store/types.ts';

export type AuthEventType =
  | 'sign-in-ok'
  | 'sign-in-failed'
  | 'sign-in-locked'
  | 'sign-out'
  | 'api-key-created'
  | 'api-key-revoked'
  | 'user-created'
  | 'user-disabled'
  | 'totp-enabled'
  | 'totp-reset'
  | 'totp-enrolment-code-issued'
  | 'password-changed'
  | 'org-created'
  | 'org-settings-changed';

/** One thing that happened to an account, for the audit log (handed to `onEvent`). */
export interface AuthEvent {
  readonly type: AuthEventType;
  readonly at: Date;
  /** The organization and person the event is about, when known. */
  readonly orgId: OrgId | null;
  readonly userId: UserId | null;
  /** Who did it: the person, or null for the operator's CLI and for sign-in attempts. */
  readonly actor: UserId | null;
  readonly ip: string | null;
  /** A short human-readable detail (the failure reason, the key id, the setting). */
  readonly detail: string;
}

export interface AuthPolicy {
  /** Longest life of a session (default 12 hours). */
  readonly sessionTtlMs: number;
  /** A session unused this long ends (default 30 minutes). */
  readonly idleTimeoutMs: number;
  readonly accountThrottle: ThrottlePolicy;
  readonly ipThrottle: ThrottlePolicy;
  readonly scrypt: ScryptCost;
}

export const DEFAULT_AUTH_POLICY: AuthPolicy = {
  sessionTtlMs: 12 * 3_600_000,
  idleTimeoutMs: 30 * 60_000,
  accountThrottle: ACCOUNT_THROTTLE,
  ipThrottle: IP_THROTTLE,
  scrypt: DEFAULT_SCRYPT,
};

/** What the store gives the accounts services: the STIX store (identities) and the database (account tables). */
export interface AccountsStoreDeps {
  readonly stix: StixStore;
  readonly database: Database<unknown>;
  /**
   * Seals TOTP secrets at rest under the server key (`rampart serve` loads it with loadServerKey). Left out,
   * a random key of this process is used: right for tests and for commands that never read a TOTP secret,
   * wrong for a server, whose people could not sign in with their codes after a restart.
   */
  readonly secretBox?: SecretBox;
}

/** Everything the accounts and auth services share. */
export interface AccountsContext {
  readonly accounts: AccountsStore;
  readonly stix: StixStore;
  readonly clock: Clock;
  readonly policy: AuthPolicy;
  readonly secrets: SecretBox;
  readonly emit: (event: AuthEvent) => Promise<void>;
}

export interface AccountsOptions {
  readonly clock?: Clock;
  readonly onEvent?: (event: AuthEvent) => Promise<void>;
  readonly policy?: Partial<AuthPolicy>;
}

export function accountsContext(store: AccountsStoreDeps, options: AccountsOptions = {}): AccountsContext {
  const onEvent = options.onEvent;
  return {
    accounts: accountsStore(store.database),
    stix: store.stix,
    clock: options.clock ?? { now: () => new Date() },
    policy: { ...DEFAULT_AUTH_POLICY, ...options.policy },
    secrets: store.secretBox ?? secretBox(randomBytes(SECRET_KEY_BYTES)),
    emit: onEvent === undefined ? () => Promise.resolve() : onEvent,
  };
}

/** Who asks a service to act: the operator at the server's CLI, or a signed-in person. */
export type Actor = { readonly kind: 'operator' } | { readonly kind: 'user'; readonly user: UserRow };

export const OPERATOR: Actor = { kind: 'operator' };

export function actorId(actor: Actor): UserId | null {
  return actor.kind === 'user' ? (actor.user.id) : null;
}
