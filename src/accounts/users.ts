import { Type, type Static } from '@sinclair/typebox';
import { checkPasswordPolicy, hashPassword } from '../auth/passwords.ts';
import { newUserId, parseOrgId, parseUserId, type OrgId } from '../domain/ids.ts';
import { problem, type Problem } from '../domain/problem.ts';
import { err, ok, type Result } from '../domain/result.ts';
import { USER_ROLES, type UserRole, type UserRow } from '../store/accounts.ts';
import { actorId, type AccountsContext, type Actor } from './context.ts';

export const RoleSchema = Type.Union(
  USER_ROLES.map((r) => Type.Literal(r)),
  { description: 'viewer reads; analyst also publishes; org-admin manages its organization\'s people, keys and defaults; hub-admin manages organizations (and reads only what is shared with it)' },
);

const EMAIL = '^[^\\s@]+@[^\\s@]+\\.[^\\s@]+$';

export const NewUserSchema = Type.Object(
  {
    email: Type.String({ pattern: EMAIL, maxLength: 254, description: 'Sign-in email address (compared without case)' }),
    name: Type.String({ minLength: 1, maxLength: 200, description: 'Full name' }),
    role: RoleSchema,
    password: Type.String({ minLength: 1, maxLength: 1024, description: 'Initial password: at least 12 characters' }),
    org_id: Type.Optional(Type.String({ description: 'Hub-admins only: the organization to add the person to (default: your own)' })),
  },
  { additionalProperties: false },
);
export type NewUser = Static<typeof NewUserSchema>;

export const UserViewSchema = Type.Object({
  id: Type.String({ format: 'uuid' }),
  org_id: Type.String(),
  email: Type.String(),
  name: Type.String(),
  role: RoleSchema,
  totp_enabled: Type.Boolean(),
  disabled: Type.Boolean(),
  created_at: Type.String(),
});
export type UserView = Static<typeof UserViewSchema>;

export function userView(row: UserRow): UserView {
  return {
    id: row.id,
    org_id: row.org_id,
    email: row.email,
    name: row.name,
    role: row.role,
    totp_enabled: row.totp_secret !== null,
    disabled: row.disabled_at !== null,
    created_at: new Date(row.created_at).toISOString(),
  };
}

/** Which roles an actor may give in which organization: org-admins inside their own, short of hub-admin. */
export function mayManageUsers(actor: Actor, orgId: OrgId, role: UserRole | null): Result<true, Problem> {
  if (actor.kind === 'operator' || actor.user.role === 'hub-admin') return ok(true);
  if (actor.user.role !== 'org-admin') return err(problem('forbidden', 'not-org-admin', 'Only an administrator of your organization can manage its people.'));
  if (actor.user.org_id !== orgId) return err(problem('forbidden', 'other-organization', 'Organization administrators manage only the people of their own organization.'));
  if (role === 'hub-admin') return err(problem('forbidden', 'role-not-allowed', 'Only a hub administrator can make someone a hub administrator.'));
  return ok(true);
}

/** Adds a person to an organization with an initial password. */
export async function createUser(ctx: AccountsContext, actor: Actor, input: NewUser): Promise<Result<UserView, Problem>> {
  if (input.org_id === undefined && actor.kind !== 'user') return err(problem('invalid', 'org-required', 'Name the organization the person belongs to (org_id / --org).'));
  const parsedOrg = input.org_id === undefined ? null : parseOrgId(input.org_id);
  if (parsedOrg !== null && !parsedOrg.ok) return err(problem('not-found', 'organization-not-found', `No organization ${input.org_id ?? ''}; list them with GET /api/v1/orgs or "rampart org list".`));
  const orgId = parsedOrg?.value ?? (actor.kind === 'user' ? actor.user.org_id : null);
  if (orgId === null) return err(problem('invalid', 'org-required', 'Name the organization the person belongs to (org_id / --org).'));
  const org = await ctx.accounts.getOrganization(orgId);
  if (org === null) return err(problem('not-found', 'organization-not-found', `No organization ${orgId}; list them with GET /api/v1/orgs or "rampart org list".`));
  const allowed = mayManageUsers(actor, orgId, input.role);
  if (!allowed.ok) return allowed;
  const email = input.email.trim().toLowerCase();
  if (!new RegExp(EMAIL).test(email)) return err(problem('invalid', 'invalid-email', `"${input.email}" is not an email address.`));
  const policy = checkPasswordPolicy(input.password, email);
  if (!policy.ok) return err(problem('invalid', policy.error.code, policy.error.message));
  if ((await ctx.accounts.userByEmail(email)) !== null) return err(problem('conflict', 'email-taken', `${email} already has an account.`));
  const now = ctx.clock.now();
  const row: UserRow = {
    id: newUserId(),
    org_id: orgId,
    email,
    name: input.name.trim(),
    role: input.role,
    password_hash: await hashPassword(input.password, ctx.policy.scrypt),
    totp_secret: null,
    totp_pending: null,
    totp_last_step: null,
    disabled_at: null,
    created_at: now.getTime(),
  };
  if (!(await ctx.accounts.insertUser(row))) return err(problem('conflict', 'email-taken', `${email} already has an account.`));
  await ctx.emit({ type: 'user-created', at: now, orgId, userId: row.id, actor: actorId(actor), ip: null, detail: `${email} as ${input.role}` });
  return ok(userView(row));
}

/** The people of an organization (org-admins: their own; hub-admins and the operator: any, or all). */
export async function listUsers(ctx: AccountsContext, actor: Actor, orgId?: OrgId): Promise<Result<UserView[], Problem>> {
  if (actor.kind === 'user') {
    const target = orgId ?? (actor.user.org_id);
    const allowed = mayManageUsers(actor, target, null);
    if (!allowed.ok) return allowed;
    return ok((await ctx.accounts.listUsers(target)).map(userView));
  }
  return ok((await ctx.accounts.listUsers(orgId)).map(userView));
}

/** Disables a person: signs them out everywhere; their sessions and API keys stop working at once. */
export async function disableUser(ctx: AccountsContext, actor: Actor, target: { readonly id?: string; readonly email?: string }): Promise<Result<UserView, Problem>> {
  const userId = target.id === undefined ? null : parseUserId(target.id);
  const user = userId === null ? await ctx.accounts.userByEmail(target.email ?? '') : userId.ok ? await ctx.accounts.userById(userId.value) : null;
  if (user === null) return err(problem('not-found', 'user-not-found', `No user ${target.id ?? target.email ?? ''}.`));
  // Someone outside the organization learns no more than "not found".
  if (actor.kind === 'user' && actor.user.role !== 'hub-admin' && actor.user.org_id !== user.org_id) return err(problem('not-found', 'user-not-found', `No user ${target.id ?? target.email ?? ''}.`));
  const allowed = mayManageUsers(actor, user.org_id, user.role);
  if (!allowed.ok) return allowed;
  if (actor.kind === 'user' && actor.user.id === user.id) return err(problem('invalid', 'cannot-disable-self', 'You cannot disable your own account; ask another administrator.'));
  if (user.disabled_at !== null) return ok(userView(user));
  const now = ctx.clock.now();
  await ctx.accounts.updateUser(user.id, { disabled_at: now.getTime() });
  await ctx.accounts.deleteUserSessions(user.id);
  await ctx.emit({ type: 'user-disabled', at: now, orgId: user.org_id, userId: user.id, actor: actorId(actor), ip: null, detail: user.email });
  return ok(userView({ ...user, disabled_at: now.getTime() }));
}

/**
 * Sets a new password: the person themself (after the route checked the current one), their org-admin,
 * or the operator. Every session of the person ends, so a stolen session dies with the old password.
 */
/**
 * Removes a person's second factor (a lost phone, or a secret sealed under a server key that is gone): they sign in
 * with their password alone, or enrol again at sign-in when their organization requires a code.
 */
export async function resetTotp(ctx: AccountsContext, actor: Actor, user: UserRow): Promise<Result<UserView, Problem>> {
  if (actor.kind === 'user' && actor.user.role !== 'hub-admin' && actor.user.org_id !== user.org_id) return err(problem('not-found', 'user-not-found', `No user ${user.id}.`));
  const allowed = mayManageUsers(actor, user.org_id, user.role);
  if (!allowed.ok) return allowed;
  await ctx.accounts.updateUser(user.id, { totp_secret: null, totp_pending: null, totp_last_step: null });
  await ctx.emit({ type: 'totp-reset', at: ctx.clock.now(), orgId: user.org_id, userId: user.id, actor: actorId(actor), ip: null, detail: user.email });
  return ok(userView({ ...user, totp_secret: null, totp_pending: null, totp_last_step: null }));
}

export async function setPassword(ctx: AccountsContext, actor: Actor, user: UserRow, password: string): Promise<Result<UserView, Problem>> {
  const self = actor.kind === 'user' && actor.user.id === user.id;
  if (!self) {
    if (actor.kind === 'user' && actor.user.role !== 'hub-admin' && actor.user.org_id !== user.org_id) return err(problem('not-found', 'user-not-found', `No user ${user.id}.`));
    const allowed = mayManageUsers(actor, user.org_id, user.role);
    if (!allowed.ok) return allowed;
  }
  const policy = checkPasswordPolicy(password, user.email);
  if (!policy.ok) return err(problem('invalid', policy.error.code, policy.error.message));
  await ctx.accounts.updateUser(user.id, { password_hash: await hashPassword(password, ctx.policy.scrypt) });
  await ctx.accounts.deleteUserSessions(user.id);
  await ctx.emit({ type: 'password-changed', at: ctx.clock.now(), orgId: user.org_id, userId: user.id, actor: actorId(actor), ip: null, detail: self ? 'by the person' : 'reset by an administrator' });
  return ok(userView(user));
}
