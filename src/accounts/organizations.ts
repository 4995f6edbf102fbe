import { randomUUID } from 'node:crypto';
import { Type, type Static } from '@sinclair/typebox';
import { stixIdOfOrg, type OrgId } from '../domain/ids.ts';
import { FEDERAL_AGENCIES, STATES } from '../domain/organization-data.ts';
import { checkOrganization, identityOf, organizationId, PartnerTypeSchema, type NewOrganization, type Organization } from '../domain/organization.ts';
import { problem, type Problem } from '../domain/problem.ts';
import { err, ok, type Result } from '../domain/result.ts';
import { importObjects } from '../ingest/import.ts';
import { accountsStore, type OrganizationFilter } from '../store/accounts.ts';
import { accountsContext, actorId, type AccountsContext, type AccountsOptions, type AccountsStoreDeps, type Actor } from './context.ts';

/** Seed organizations carry a fixed creation time, so re-seeding writes identical identities (no new versions). */
export const SEED_TIMESTAMP = '2026-01-01T00:00:00.000Z';

function organizationFrom(input: NewOrganization, seed: boolean, createdAt: string): Organization {
  return {
    id: organizationId(input),
    kind: input.kind,
    name: input.name,
    short_name: input.short_name ?? null,
    state_fips: input.state_fips ?? null,
    county_fips: input.county_fips ?? null,
    ocd_id: input.ocd_id ?? null,
    partner_type: input.partner_type ?? null,
    seed,
    require_totp: false,
    created_at: createdAt,
  };
}

/** Writes organizations into the STIX store as TLP:CLEAR public identities owned by themselves. */
export async function writeIdentities(ctx: Pick<AccountsContext, 'stix'>, orgs: readonly Organization[]): Promise<Result<number, Problem>> {
  if (orgs.length === 0) return ok(0);
  const bundle = JSON.stringify({ type: 'bundle', id: `bundle--${randomUUID()}`, objects: orgs.map((o) => identityOf(o, o.created_at)) });
  const first = orgs[0];
  if (first === undefined) return ok(0);
  const imported = await importObjects(ctx.stix, [bundle], { hubOwner: first.id, tlp: 'clear', audience: ['public'], referenceData: true });
  return imported.ok ? ok(imported.value.added + imported.value.newVersions) : err(imported.error);
}

function mayManageOrganizations(actor: Actor): boolean {
  return actor.kind === 'operator' || actor.user.role === 'hub-admin';
}

/** Adds an organization (hub-admins and the operator only) and its STIX identity. */
export async function createOrganization(ctx: AccountsContext, actor: Actor, input: NewOrganization): Promise<Result<Organization, Problem>> {
  if (!mayManageOrganizations(actor)) return err(problem('forbidden', 'not-hub-admin', 'Only a hub administrator can add organizations.'));
  const checked = checkOrganization(input);
  if (!checked.ok) return err(problem('invalid', checked.error.code, checked.error.message));
  const org = organizationFrom(checked.value, false, ctx.clock.now().toISOString());
  const existing = await ctx.accounts.getOrganization(org.id);
  if (existing !== null) return err(problem('conflict', 'organization-exists', `${existing.name} is already registered as ${existing.id}.`));
  if (org.county_fips !== null) {
    const county = await ctx.accounts.listOrganizations({ stateFips: org.state_fips ?? '', kind: 'local' });
    const same = county.find((o) => o.county_fips === org.county_fips);
    if (same !== undefined) return err(problem('conflict', 'organization-exists', `County ${org.county_fips} is already registered as ${same.name} (${same.id}).`));
  }
  const written = await writeIdentities(ctx, [org]);
  if (!written.ok) return err(written.error);
  await ctx.accounts.insertOrganizations([org]);
  await ctx.emit({ type: 'org-created', at: ctx.clock.now(), orgId: org.id, userId: null, actor: actorId(actor), ip: null, detail: `${org.kind} ${org.name}` });
  return ok(org);
}

export function listOrganizations(ctx: AccountsContext, filter: OrganizationFilter = {}): Promise<Organization[]> {
  return ctx.accounts.listOrganizations(filter);
}

/**
 * An org-admin (of that organization) or a hub-admin turns the TOTP requirement on or off. Turning it on
 * takes effect on what was issued before (docs/accounts.md): every session of a member without a second
 * factor ends, and every API key of the organization is revoked, since none was issued under the
 * requirement; people sign in again with their code and issue new keys. While it is on, a member without
 * a second factor has no working session or key (the auth service checks it on every request too).
 */
export async function setRequireTotp(ctx: AccountsContext, actor: Actor, orgId: OrgId, required: boolean): Promise<Result<Organization, Problem>> {
  const org = await ctx.accounts.getOrganization(orgId);
  if (org === null) return err(problem('not-found', 'organization-not-found', `No organization ${orgId}.`));
  const allowed = actor.kind === 'operator' || actor.user.role === 'hub-admin' || (actor.user.role === 'org-admin' && actor.user.org_id === orgId);
  if (!allowed) return err(problem('forbidden', 'not-org-admin', 'Only an administrator of this organization can change its settings.'));
  const now = ctx.clock.now();
  await ctx.accounts.setRequireTotp(orgId, required, now.toISOString());
  let detail = `require_totp=${String(required)}`;
  if (required && !org.require_totp) {
    let sessions = 0;
    let keys = 0;
    for (const person of await ctx.accounts.listUsers(orgId)) {
      const userId = person.id;
      if (person.totp_secret === null) sessions += await ctx.accounts.deleteUserSessions(userId);
      for (const key of await ctx.accounts.listApiKeys(userId)) {
        if (key.revoked_at !== null) continue;
        await ctx.accounts.revokeApiKey(key.id, userId, now.getTime());
        keys++;
        await ctx.emit({ type: 'api-key-revoked', at: now, orgId, userId, actor: actorId(actor), ip: null, detail: `${key.id}: issued before the organization required a second factor` });
      }
    }
    detail += `; ended ${sessions} sessions of members without a second factor; revoked ${keys} API keys issued before`;
  }
  await ctx.emit({ type: 'org-settings-changed', at: now, orgId, userId: null, actor: actorId(actor), ip: null, detail });
  return ok({ ...org, require_totp: required });
}

export const OrganizationPatchSchema = Type.Object(
  {
    name: Type.Optional(Type.String({ minLength: 1, maxLength: 200, description: 'New full name' })),
    short_name: Type.Optional(Type.Union([Type.String({ minLength: 1, maxLength: 32 }), Type.Null()], { description: 'New abbreviation, or null to remove it' })),
    ocd_id: Type.Optional(Type.Union([Type.String({ pattern: '^ocd-division/country:us(/[a-z_]+:[^/\\s]+)+$', maxLength: 300 }), Type.Null()], { description: 'Local jurisdictions: Open Civic Data division id' })),
    partner_type: Type.Optional(PartnerTypeSchema),
  },
  { additionalProperties: false, minProperties: 1 },
);
export type OrganizationPatchInput = Static<typeof OrganizationPatchSchema>;

/**
 * A hub-admin or the operator changes an organization's name or details (its kind, state and county
 * make its id, so they stay): a new version of its identity, and it is no longer marked as seed data.
 */
export async function updateOrganization(ctx: AccountsContext, actor: Actor, id: OrgId, patch: OrganizationPatchInput): Promise<Result<Organization, Problem>> {
  if (!mayManageOrganizations(actor)) return err(problem('forbidden', 'not-hub-admin', 'Only a hub administrator can change organizations.'));
  const org = await ctx.accounts.getOrganization(id);
  if (org === null) return err(problem('not-found', 'organization-not-found', `No organization ${id}; see GET /api/v1/orgs or "rampart org list".`));
  if (patch.ocd_id !== undefined && patch.ocd_id !== null && org.kind !== 'local') return err(problem('invalid', 'invalid-organization', 'ocd_id applies only to local election jurisdictions'));
  if (patch.partner_type !== undefined && org.kind !== 'private') return err(problem('invalid', 'invalid-organization', 'partner_type applies only to private-sector partners'));
  const name = patch.name?.trim();
  if (name === '') return err(problem('invalid', 'invalid-organization', 'name must not be blank'));
  const changes = {
    ...(name === undefined ? {} : { name }),
    ...(patch.short_name === undefined ? {} : { short_name: patch.short_name }),
    ...(patch.ocd_id === undefined ? {} : { ocd_id: patch.ocd_id }),
    ...(patch.partner_type === undefined ? {} : { partner_type: patch.partner_type }),
  };
  const updated: Organization = { ...org, ...changes, seed: false };
  const now = ctx.clock.now().toISOString();
  // A new identity version needs a later `modified` than the stored one, even when the clock has not moved on.
  const stored = await ctx.stix.get({ kind: 'operator' }, stixIdOfOrg(id));
  const previous = Date.parse(stored?.modified ?? org.created_at);
  const modified = new Date(Math.max(Date.parse(now), previous + 1)).toISOString();
  const identity = JSON.stringify(identityOf(updated, modified));
  const written = await importObjects(ctx.stix, [identity], { hubOwner: id, tlp: 'clear', audience: ['public'], referenceData: true });
  if (!written.ok) return err(written.error);
  await ctx.accounts.updateOrganization(id, changes, now);
  await ctx.emit({ type: 'org-settings-changed', at: ctx.clock.now(), orgId: id, userId: null, actor: actorId(actor), ip: null, detail: `changed ${Object.keys(changes).join(', ')}` });
  return ok(updated);
}

/** The seed data: the 56 states and territories and the federal agencies of the election-security community. */
export function seedData(): Organization[] {
  const states = STATES.map((s) => organizationFrom({ kind: s.kind, name: s.name, short_name: s.postal, state_fips: s.fips }, true, SEED_TIMESTAMP));
  const agencies = FEDERAL_AGENCIES.map((a) => organizationFrom({ kind: 'federal', name: a.name, short_name: a.shortName }, true, SEED_TIMESTAMP));
  return [...states, ...agencies];
}

export interface SeedSummary {
  /** Organizations that were not there yet. */
  readonly added: number;
  /** Seed organizations in all (66). */
  readonly total: number;
}

/**
 * Seeds the states, territories and federal agencies on first start; safe to run on every start:
 * existing rows (which an operator may have changed) are left alone, identities already stored stay unchanged.
 */
export async function seedOrganizations(store: AccountsStoreDeps, options: AccountsOptions = {}): Promise<Result<SeedSummary, Problem>> {
  const ctx = accountsContext(store, options);
  const orgs = seedData();
  const known = new Set((await ctx.accounts.listOrganizations({ ids: orgs.map((o) => o.id) })).map((o) => o.id));
  const missing = orgs.filter((o) => !known.has(o.id));
  const written = await writeIdentities(ctx, missing);
  if (!written.ok) return err(written.error);
  const added = await ctx.accounts.insertOrganizations(missing);
  return ok({ added, total: orgs.length });
}

/** What the sharing service needs to know of an organization (src/sharing/keys.ts OrgInfoPort): its kind and state. */
export function orgInfoPort(store: Pick<AccountsStoreDeps, 'database'>): (orgId: OrgId) => Promise<{ readonly kind: Organization['kind']; readonly stateFips: string | null } | null> {
  const accounts = accountsStore(store.database);
  return async (orgId) => {
    const org = await accounts.getOrganization(orgId);
    return org === null ? null : { kind: org.kind, stateFips: org.state_fips };
  };
}
