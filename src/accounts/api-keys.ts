import { Type, type Static } from '@sinclair/typebox';
import { newApiKey, sha256Hex } from '../auth/tokens.ts';
import { problem, type Problem } from '../domain/problem.ts';
import { err, ok, type Result } from '../domain/result.ts';
import type { ApiKeyRow, UserRow } from '../store/accounts.ts';
import type { AccountsContext, Actor } from './context.ts';
import { actorId } from './context.ts';

export const ScopeSchema = Type.Union([Type.Literal('read'), Type.Literal('write')], { description: 'read: GET only; write: may also publish' });

export const NewApiKeySchema = Type.Object(
  {
    name: Type.String({ minLength: 1, maxLength: 100, description: 'What the key is for, e.g. "SIEM feed"' }),
    scope: ScopeSchema,
    expires_at: Type.Optional(Type.String({ format: 'date-time', description: 'When the key stops working (RFC 3339); default never' })),
  },
  { additionalProperties: false },
);
export type NewApiKey = Static<typeof NewApiKeySchema>;

export const ApiKeyViewSchema = Type.Object({
  id: Type.String({ description: 'The key id: the part after rk_ and before the next _; also the TAXII Basic user name' }),
  name: Type.String(),
  scope: ScopeSchema,
  created_at: Type.String(),
  last_used_at: Type.Union([Type.String(), Type.Null()]),
  expires_at: Type.Union([Type.String(), Type.Null()]),
  revoked_at: Type.Union([Type.String(), Type.Null()]),
});
export type ApiKeyView = Static<typeof ApiKeyViewSchema>;

const iso = (ms: number | null): string | null => (ms === null ? null : new Date(ms).toISOString());

export function apiKeyView(row: ApiKeyRow): ApiKeyView {
  return { id: row.id, name: row.name, scope: row.scope, created_at: new Date(row.created_at).toISOString(), last_used_at: iso(row.last_used_at), expires_at: iso(row.expires_at), revoked_at: iso(row.revoked_at) };
}

/** Creates a key for `owner`; the secret is in the result once and only its hash is stored. */
export async function createApiKey(ctx: AccountsContext, actor: Actor, owner: UserRow, input: NewApiKey): Promise<Result<{ readonly key: string; readonly view: ApiKeyView }, Problem>> {
  if (actor.kind === 'user' && actor.user.id !== owner.id) return err(problem('forbidden', 'not-your-account', 'You can create API keys only for yourself.'));
  if (owner.disabled_at !== null) return err(problem('forbidden', 'account-disabled', `${owner.email} is disabled; enable the account before giving it keys.`));
  if (owner.totp_secret === null && (await ctx.accounts.getOrganization(owner.org_id))?.require_totp === true) {
    return err(problem('forbidden', 'totp-enrolment-required', `${owner.email} has no second factor, which the organization requires: they set up an authenticator first, then keys can be issued.`));
  }
  if (input.scope === 'write' && owner.role === 'viewer') return err(problem('forbidden', 'scope-not-allowed', 'Viewers may only have read keys; ask your organization administrator for the analyst role to publish.'));
  const now = ctx.clock.now().getTime();
  let expiresAt: number | null = null;
  if (input.expires_at !== undefined) {
    expiresAt = Date.parse(input.expires_at);
    if (!Number.isFinite(expiresAt)) return err(problem('invalid', 'invalid-expiry', `expires_at "${input.expires_at}" is not an RFC 3339 timestamp.`));
    if (expiresAt <= now) return err(problem('invalid', 'invalid-expiry', 'expires_at must be in the future.'));
  }
  const { id, key } = newApiKey();
  const row: ApiKeyRow = { id, user_id: owner.id, name: input.name.trim(), secret_hash: sha256Hex(key), scope: input.scope, created_at: now, last_used_at: null, expires_at: expiresAt, revoked_at: null };
  await ctx.accounts.insertApiKey(row);
  await ctx.emit({ type: 'api-key-created', at: new Date(now), orgId: owner.org_id, userId: owner.id, actor: actorId(actor), ip: null, detail: `${id} (${input.scope})` });
  return ok({ key, view: apiKeyView(row) });
}

export async function listApiKeys(ctx: AccountsContext, owner: UserRow): Promise<ApiKeyView[]> {
  return (await ctx.accounts.listApiKeys(owner.id)).map(apiKeyView);
}

/** Revokes one of the owner's keys; it stops working at once. */
export async function revokeApiKey(ctx: AccountsContext, actor: Actor, owner: UserRow, keyId: string): Promise<Result<ApiKeyView, Problem>> {
  const now = ctx.clock.now().getTime();
  const row = await ctx.accounts.apiKeyById(keyId);
  if (row === null || row.user_id !== owner.id) return err(problem('not-found', 'api-key-not-found', `You have no API key ${keyId}.`));
  if (row.revoked_at !== null) return ok(apiKeyView(row));
  await ctx.accounts.revokeApiKey(keyId, owner.id, now);
  await ctx.emit({ type: 'api-key-revoked', at: new Date(now), orgId: owner.org_id, userId: owner.id, actor: actorId(actor), ip: null, detail: keyId });
  return ok(apiKeyView({ ...row, revoked_at: now }));
}

export const MemberKeyViewSchema = Type.Composite([ApiKeyViewSchema, Type.Object({ user_id: Type.String(), email: Type.String() })]);
export type MemberKeyView = Static<typeof MemberKeyViewSchema>;

function mayManageKeysOf(actor: Actor, owner: UserRow): boolean {
  if (actor.kind === 'operator' || actor.user.role === 'hub-admin') return true;
  return actor.user.role === 'org-admin' && actor.user.org_id === owner.org_id;
}

/** The API keys of every person of the actor's organization (org-admins), never their secrets. */
export async function listMemberKeys(ctx: AccountsContext, actor: Extract<Actor, { readonly kind: 'user' }>): Promise<Result<MemberKeyView[], Problem>> {
  if (actor.user.role !== 'org-admin' && actor.user.role !== 'hub-admin') return err(problem('forbidden', 'not-org-admin', 'Only an administrator of your organization can see its people\'s keys.'));
  const people = await ctx.accounts.listUsers(actor.user.org_id);
  const views: MemberKeyView[] = [];
  for (const person of people) for (const key of await ctx.accounts.listApiKeys(person.id)) views.push({ ...apiKeyView(key), user_id: person.id, email: person.email });
  return ok(views);
}

/** An org-admin revokes a key of one of their organization's people (a lost laptop, a person who left). */
export async function revokeMemberKey(ctx: AccountsContext, actor: Actor, keyId: string): Promise<Result<ApiKeyView, Problem>> {
  const row = await ctx.accounts.apiKeyById(keyId);
  const owner = row === null ? null : await ctx.accounts.userById(row.user_id);
  // Keys of other organizations are "not found", so their ids reveal nothing.
  if (owner === null || !mayManageKeysOf(actor, owner)) return err(problem('not-found', 'api-key-not-found', `No API key ${keyId} in your organization.`));
  if (actor.kind === 'user' && actor.user.role !== 'org-admin' && actor.user.role !== 'hub-admin') return err(problem('forbidden', 'not-org-admin', 'Only an administrator of your organization can revoke its people\'s keys.'));
  return revokeApiKey(ctx, actor, owner, keyId);
}
