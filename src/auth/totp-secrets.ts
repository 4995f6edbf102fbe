import type { UserId } from '../domain/ids.ts';
import { problem, type Problem } from '../domain/problem.ts';
import { err, ok, type Result } from '../domain/result.ts';
import type { AccountsStore } from '../store/accounts.ts';
import { isSealed, type SecretBox } from './secret-box.ts';

// Both columns share one context, so confirming an enrolment may move the sealed value from pending to secret.
const contextOf = (userId: UserId): string => `totp:${userId}`;

const BASE32 = /^[A-Z2-7]+=*$/;

export function sealTotp(box: SecretBox, userId: UserId, secret: string): string {
  return box.seal(secret, contextOf(userId));
}

export interface OpenedTotp {
  readonly secret: string;
  /** True when the stored value was plain text (written before secrets were sealed): seal it now. */
  readonly plain: boolean;
}

/** The base32 secret a stored TOTP value holds, or why it cannot be read. */
export function openTotp(box: SecretBox, userId: UserId, stored: string): Result<OpenedTotp, Problem> {
  if (!isSealed(stored)) {
    if (BASE32.test(stored)) return ok({ secret: stored, plain: true });
    return err(problem('invalid', 'secret-malformed', 'The stored TOTP secret is neither sealed nor base32; the database was edited by hand or damaged.'));
  }
  const opened = box.open(stored, contextOf(userId));
  return opened.ok ? ok({ secret: opened.value, plain: false }) : opened;
}

export interface SealReport {
  /** Plain-text values (confirmed or pending) sealed by this run. */
  readonly sealed: number;
  /** People whose TOTP secret this server cannot read (another key, damaged): they cannot sign in until it is reset. */
  readonly unreadable: readonly { readonly email: string; readonly problem: Problem }[];
}

/**
 * Seals every TOTP value still stored in plain text (written before secrets were sealed) and lists those this
 * server's key cannot open. Safe to repeat: a sealed value is left alone, and a value changed meanwhile is not overwritten.
 */
export async function sealStoredTotpSecrets(accounts: AccountsStore, box: SecretBox): Promise<SealReport> {
  let sealed = 0;
  const unreadable: { email: string; problem: Problem }[] = [];
  for (const user of await accounts.usersWithTotp()) {
    const id = user.id;
    for (const column of ['totp_secret', 'totp_pending'] as const) {
      const stored = user[column];
      if (stored === null) continue;
      const opened = openTotp(box, id, stored);
      if (!opened.ok) {
        // A pending enrolment that cannot be read is simply started again; only a confirmed secret locks someone out.
        if (column === 'totp_secret') unreadable.push({ email: user.email, problem: opened.error });
        continue;
      }
      if (opened.value.plain && (await accounts.replaceTotpValue(id, column, stored, sealTotp(box, id, opened.value.secret)))) sealed++;
    }
  }
  return { sealed, unreadable };
}
