import { Type, type Static } from '@sinclair/typebox';
import { ENROLMENT_CODE_TTL_MS, enrolmentCodeHash, newEnrolmentCode } from '../auth/enrolment-codes.ts';
import { problem, type Problem } from '../domain/problem.ts';
import { err, ok, type Result } from '../domain/result.ts';
import type { UserRow } from '../store/accounts.ts';
import { actorId, type AccountsContext, type Actor } from './context.ts';
import { mayManageUsers } from './users.ts';

export const EnrolmentCodeViewSchema = Type.Object({
  code: Type.String({ description: 'The one-time enrolment code: shown only in this answer, stored only as a hash' }),
  expires_at: Type.String({ description: 'ISO 8601 time after which the code no longer works' }),
});
export type EnrolmentCodeView = Static<typeof EnrolmentCodeViewSchema>;

/**
 * Issues a one-time TOTP enrolment code for a person without an authenticator (an org-admin for their organization,
 * a hub-admin, or the operator). With it, beside their password, the person sets up an authenticator before a first
 * sign-in; a password alone is not enough, so a stolen password cannot enrol the thief's own authenticator.
 * A new code replaces the person's earlier one.
 */
export async function issueEnrolmentCode(ctx: AccountsContext, actor: Actor, user: UserRow): Promise<Result<EnrolmentCodeView, Problem>> {
  // Someone outside the organization learns no more than "not found".
  if (actor.kind === 'user' && actor.user.role !== 'hub-admin' && actor.user.org_id !== user.org_id) return err(problem('not-found', 'user-not-found', `No user ${user.id}.`));
  const allowed = mayManageUsers(actor, user.org_id, user.role);
  if (!allowed.ok) return allowed;
  if (user.disabled_at !== null) return err(problem('conflict', 'user-disabled', `${user.name} is disabled; an enrolment code would not let them sign in.`));
  if (user.totp_secret !== null) {
    return err(problem('conflict', 'totp-already-enabled', `${user.name} already has an authenticator. If it is lost, ask the hub administrator to reset it first.`));
  }
  const code = newEnrolmentCode();
  const now = ctx.clock.now();
  const expiresAt = now.getTime() + ENROLMENT_CODE_TTL_MS;
  await ctx.accounts.putEnrolmentCode({ user_id: user.id, code_hash: enrolmentCodeHash(user.id, code), issued_by: actorId(actor), created_at: now.getTime(), expires_at: expiresAt });
  await ctx.emit({ type: 'totp-enrolment-code-issued', at: now, orgId: user.org_id, userId: user.id, actor: actorId(actor), ip: null, detail: `${user.email}: expires ${new Date(expiresAt).toISOString()}` });
  return ok({ code, expires_at: new Date(expiresAt).toISOString() });
}
