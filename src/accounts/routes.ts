import { Type, type Static } from '@sinclair/typebox';
import type { FastifyReply, FastifyRequest } from 'fastify';
import type { AuthService } from '../auth/service.ts';
import { parseOrgId, parseUserId } from '../domain/ids.ts';
import { NewOrganizationSchema, OrgKindSchema, OrganizationSchema } from '../domain/organization.ts';
import { problem, type Problem } from '../domain/problem.ts';
import { err, ok, type Result } from '../domain/result.ts';
import type { AppPlugin, RequestKit } from '../http/deps.ts';
import { problemResponses } from '../http/schemas.ts';
import type { UserRow } from '../store/accounts.ts';
import { ApiKeyViewSchema, createApiKey, listApiKeys, listMemberKeys, MemberKeyViewSchema, NewApiKeySchema, revokeApiKey, revokeMemberKey } from './api-keys.ts';
import type { Actor } from './context.ts';
import { createOrganization, listOrganizations, OrganizationPatchSchema, setRequireTotp, updateOrganization } from './organizations.ts';
import { EnrolmentCodeViewSchema, issueEnrolmentCode } from './enrolment.ts';
import { createUser, disableUser, listUsers, NewUserSchema, setPassword, UserViewSchema } from './users.ts';

const IdParams = Type.Object({ id: Type.String({ minLength: 1, maxLength: 100 }) });
type IdParams = Static<typeof IdParams>;

const UsersQuery = Type.Object({ org_id: Type.Optional(Type.String({ description: 'Hub-admins: another organization' })) }, { additionalProperties: false });
type UsersQuery = Static<typeof UsersQuery>;

const OrgsQuery = Type.Object(
  { kind: Type.Optional(OrgKindSchema), state_fips: Type.Optional(Type.String({ pattern: '^\\d{2}$', description: 'Only organizations of this state' })) },
  { additionalProperties: false },
);
type OrgsQuery = Static<typeof OrgsQuery>;

const TotpBody = Type.Object(
  {
    code: Type.Optional(Type.String({ pattern: '^\\s*\\d{3}\\s?\\d{3}\\s*$', description: 'Without a code: start enrolment (a new secret, shown once). With a code: confirm the enrolment.' })),
    email: Type.Optional(Type.String({ maxLength: 254, description: 'Before a first sign-in (when the organization requires TOTP): your email…' })),
    password: Type.Optional(Type.String({ maxLength: 1024, description: '…your password…' })),
    enrolment_code: Type.Optional(Type.String({ maxLength: 64, description: '…and the one-time enrolment code your organization administrator issued for you' })),
  },
  { additionalProperties: false },
);
type TotpBody = Static<typeof TotpBody>;
const TotpAnswer = Type.Object({
  secret: Type.Optional(Type.String({ description: 'Base32 secret for the authenticator app; shown only now' })),
  otpauth_uri: Type.Optional(Type.String({ description: 'otpauth:// URI (for a QR code); shown only now' })),
  enabled: Type.Boolean({ description: 'true once a code confirmed the enrolment' }),
});

const PasswordBody = Type.Object(
  {
    current_password: Type.String({ minLength: 1, maxLength: 1024, description: 'Your password now' }),
    new_password: Type.String({ minLength: 1, maxLength: 1024, description: 'The new one: at least 12 characters' }),
  },
  { additionalProperties: false },
);
type PasswordBody = Static<typeof PasswordBody>;

const OrgSettingsBody = Type.Object({ require_totp: Type.Boolean({ description: 'Members must sign in with a TOTP code' }) }, { additionalProperties: false });
type OrgSettingsBody = Static<typeof OrgSettingsBody>;

const CreatedKey = Type.Composite([ApiKeyViewSchema, Type.Object({ key: Type.String({ description: 'The API key: shown only in this answer, stored only as a hash' }) })]);

/**
 * The accounts REST API: people of an organization (org-admins), one's own API keys and TOTP,
 * organization settings, and the list of organizations (hub-admins add them).
 */
export function accountRoutes(auth: AuthService): AppPlugin {
  const ctx = auth.context;
  return (kit: RequestKit) => {
    const send = (reply: FastifyReply, p: Problem) => kit.sendProblem(reply, p);
    const actorFrom = async (request: FastifyRequest, write: boolean): Promise<Result<Extract<Actor, { readonly kind: 'user' }>, Problem>> => {
      // Account routes check roles themselves (a viewer still manages their own password, TOTP and read keys).
      const principal = write ? kit.requireActor(request) : kit.requireReader(request);
      if (!principal.ok) return principal;
      const user = await auth.userOf(principal.value);
      if (user === null) return err(problem('unauthenticated', 'unauthenticated', 'This API key or session belongs to no enabled person.'));
      return ok({ kind: 'user', user });
    };
    // The person a route acts on; the service then answers "not found" for another organization's people too.
    const targetUser = async (id: string): Promise<Result<UserRow, Problem>> => {
      const userId = parseUserId(id);
      const target = userId.ok ? await ctx.accounts.userById(userId.value) : null;
      return target === null ? err(problem('not-found', 'user-not-found', `No user ${id}.`)) : ok(target);
    };

    return {
      plugin: (app) => {
        app.get(
          '/api/v1/org/users',
          { schema: { tags: ['accounts'], summary: 'The people of your organization (org-admins; hub-admins may name another)', querystring: UsersQuery, response: { 200: Type.Array(UserViewSchema), ...problemResponses(401, 403) } } },
          async (request, reply) => {
            const actor = await actorFrom(request, false);
            if (!actor.ok) return send(reply, actor.error);
            const orgId = request.query.org_id === undefined ? undefined : parseOrgId(request.query.org_id);
            if (orgId !== undefined && !orgId.ok) return send(reply, problem('invalid', 'invalid-org-id', `org_id: ${orgId.error.message}`));
            const users = await listUsers(ctx, actor.value, orgId?.value);
            return users.ok ? users.value : send(reply, users.error);
          },
        );
        app.post(
          '/api/v1/org/users',
          { schema: { tags: ['accounts'], summary: 'Add a person to your organization with an initial password (org-admins)', body: NewUserSchema, response: { 201: UserViewSchema, ...problemResponses(400, 401, 403, 404, 409) } } },
          async (request, reply) => {
            const actor = await actorFrom(request, true);
            if (!actor.ok) return send(reply, actor.error);
            const created = await createUser(ctx, actor.value, request.body);
            return created.ok ? reply.code(201).send(created.value) : send(reply, created.error);
          },
        );
        app.post(
          '/api/v1/org/users/:id/disable',
          { schema: { tags: ['accounts'], summary: 'Disable a person: their sessions and API keys stop working at once (org-admins)', params: IdParams, response: { 200: UserViewSchema, ...problemResponses(400, 401, 403, 404) } } },
          async (request, reply) => {
            const actor = await actorFrom(request, true);
            if (!actor.ok) return send(reply, actor.error);
            const disabled = await disableUser(ctx, actor.value, { id: request.params.id });
            return disabled.ok ? disabled.value : send(reply, disabled.error);
          },
        );

        app.get(
          '/api/v1/keys',
          { schema: { tags: ['accounts'], summary: 'Your API keys (never their secrets)', response: { 200: Type.Array(ApiKeyViewSchema), ...problemResponses(401) } } },
          async (request, reply) => {
            const actor = await actorFrom(request, false);
            if (!actor.ok) return send(reply, actor.error);
            return listApiKeys(ctx, actor.value.user);
          },
        );
        app.post(
          '/api/v1/keys',
          { schema: { tags: ['accounts'], summary: 'Create an API key for yourself; the key is in this answer only', body: NewApiKeySchema, response: { 201: CreatedKey, ...problemResponses(400, 401, 403) } } },
          async (request, reply) => {
            const actor = await actorFrom(request, true);
            if (!actor.ok) return send(reply, actor.error);
            const created = await createApiKey(ctx, actor.value, actor.value.user, request.body);
            if (!created.ok) return send(reply, created.error);
            return reply.code(201).header('cache-control', 'no-store').send({ ...created.value.view, key: created.value.key });
          },
        );
        app.delete(
          '/api/v1/keys/:id',
          { schema: { tags: ['accounts'], summary: 'Revoke one of your API keys; it stops working at once', params: IdParams, response: { 200: ApiKeyViewSchema, ...problemResponses(401, 403, 404) } } },
          async (request, reply) => {
            const actor = await actorFrom(request, true);
            if (!actor.ok) return send(reply, actor.error);
            const revoked = await revokeApiKey(ctx, actor.value, actor.value.user, request.params.id);
            return revoked.ok ? revoked.value : send(reply, revoked.error);
          },
        );

        app.get(
          '/api/v1/org/keys',
          { schema: { tags: ['accounts'], summary: 'The API keys of your organization\'s people, never their secrets (org-admins)', response: { 200: Type.Array(MemberKeyViewSchema), ...problemResponses(401, 403) } } },
          async (request, reply) => {
            const actor = await actorFrom(request, false);
            if (!actor.ok) return send(reply, actor.error);
            const keys = await listMemberKeys(ctx, actor.value);
            return keys.ok ? keys.value : send(reply, keys.error);
          },
        );
        app.delete(
          '/api/v1/org/keys/:id',
          { schema: { tags: ['accounts'], summary: 'Revoke an API key of one of your organization\'s people (org-admins)', params: IdParams, response: { 200: ApiKeyViewSchema, ...problemResponses(401, 403, 404) } } },
          async (request, reply) => {
            const actor = await actorFrom(request, true);
            if (!actor.ok) return send(reply, actor.error);
            const revoked = await revokeMemberKey(ctx, actor.value, request.params.id);
            return revoked.ok ? revoked.value : send(reply, revoked.error);
          },
        );

        app.post(
          '/api/v1/me/totp',
          {
            schema: {
              tags: ['accounts'],
              summary:
                'Enrol a TOTP second factor: without a code, get a new secret (shown once); with a code, confirm it. Signed in, or before a first sign-in with email, password and the enrolment code an administrator issued',
              body: TotpBody,
              response: { 200: TotpAnswer, ...problemResponses(400, 401, 403, 429) },
            },
          },
          async (request, reply) => {
            const { code, email, password, enrolment_code: enrolmentCode } = request.body;
            let user: UserRow;
            if (kit.principalOf(request) !== null) {
              const actor = await actorFrom(request, true);
              if (!actor.ok) return send(reply, actor.error);
              user = actor.value.user;
            } else {
              if (email === undefined || password === undefined) {
                return send(reply, problem('unauthenticated', 'unauthenticated', 'Sign in first, or give your email, password and the enrolment code from your organization administrator.'));
              }
              const checked = await auth.checkEnrolment(email, password, enrolmentCode, request.ip);
              if (!checked.ok) return send(reply, checked.error);
              // With only a password, nobody may replace a second factor that is already there.
              if (checked.value.totp_secret !== null) return send(reply, problem('forbidden', 'totp-already-enabled', 'This account already has a second factor; sign in with it to change it.'));
              user = checked.value;
            }
            void reply.header('cache-control', 'no-store');
            if (code === undefined) {
              const enrolment = await auth.enrolTotp(user);
              return enrolment.ok ? { secret: enrolment.value.secret, otpauth_uri: enrolment.value.uri, enabled: false } : send(reply, enrolment.error);
            }
            const confirmed = await auth.confirmTotp(user, code);
            return confirmed.ok ? { enabled: true } : send(reply, confirmed.error);
          },
        );

        app.post(
          '/api/v1/org/users/:id/enrolment-code',
          {
            schema: {
              tags: ['accounts'],
              summary: 'Issue a one-time code with which a person without an authenticator sets one up before a first sign-in (org-admins); valid 24 hours, shown once',
              params: IdParams,
              response: { 201: EnrolmentCodeViewSchema, ...problemResponses(401, 403, 404, 409) },
            },
          },
          async (request, reply) => {
            const actor = await actorFrom(request, true);
            if (!actor.ok) return send(reply, actor.error);
            const target = await targetUser(request.params.id);
            if (!target.ok) return send(reply, target.error);
            const issued = await issueEnrolmentCode(ctx, actor.value, target.value);
            return issued.ok ? reply.code(201).header('cache-control', 'no-store').send(issued.value) : send(reply, issued.error);
          },
        );

        app.post(
          '/api/v1/me/password',
          { schema: { tags: ['accounts'], summary: 'Change your password; every session of yours ends, sign in again', body: PasswordBody, response: { 204: Type.Null(), ...problemResponses(400, 401, 403, 429) } } },
          async (request, reply) => {
            const actor = await actorFrom(request, true);
            if (!actor.ok) return send(reply, actor.error);
            const checked = await auth.checkPassword(actor.value.user.email, request.body.current_password, request.ip);
            if (!checked.ok) return send(reply, checked.error.code === 'invalid-credentials' ? problem('forbidden', 'wrong-password', 'Your current password is not right.') : checked.error);
            const changed = await setPassword(ctx, actor.value, actor.value.user, request.body.new_password);
            return changed.ok ? reply.code(204).send(null) : send(reply, changed.error);
          },
        );
        app.post(
          '/api/v1/org/users/:id/password',
          {
            schema: {
              tags: ['accounts'],
              summary: 'Reset a person\'s password (org-admins, for their organization); their sessions end',
              params: IdParams,
              body: Type.Object({ password: Type.String({ minLength: 1, maxLength: 1024, description: 'The new password: at least 12 characters' }) }, { additionalProperties: false }),
              response: { 200: UserViewSchema, ...problemResponses(400, 401, 403, 404) },
            },
          },
          async (request, reply) => {
            const actor = await actorFrom(request, true);
            if (!actor.ok) return send(reply, actor.error);
            const target = await targetUser(request.params.id);
            if (!target.ok) return send(reply, target.error);
            const changed = await setPassword(ctx, actor.value, target.value, request.body.password);
            return changed.ok ? changed.value : send(reply, changed.error);
          },
        );

        app.put(
          '/api/v1/org/settings',
          { schema: { tags: ['accounts'], summary: 'Your organization\'s sign-in settings (org-admins)', body: OrgSettingsBody, response: { 200: OrganizationSchema, ...problemResponses(400, 401, 403) } } },
          async (request, reply) => {
            const actor = await actorFrom(request, true);
            if (!actor.ok) return send(reply, actor.error);
            const changed = await setRequireTotp(ctx, actor.value, actor.value.user.org_id, request.body.require_totp);
            return changed.ok ? changed.value : send(reply, changed.error);
          },
        );

        app.get(
          '/api/v1/orgs',
          { schema: { tags: ['accounts'], summary: 'Member organizations (any signed-in member)', querystring: OrgsQuery, response: { 200: Type.Array(OrganizationSchema), ...problemResponses(401) } } },
          async (request, reply) => {
            const actor = await actorFrom(request, false);
            if (!actor.ok) return send(reply, actor.error);
            const { kind, state_fips: stateFips } = request.query;
            return listOrganizations(ctx, { ...(kind === undefined ? {} : { kind }), ...(stateFips === undefined ? {} : { stateFips }) });
          },
        );
        app.post(
          '/api/v1/orgs',
          { schema: { tags: ['accounts'], summary: 'Add a member organization and its STIX identity (hub-admins)', body: NewOrganizationSchema, response: { 201: OrganizationSchema, ...problemResponses(400, 401, 403, 409) } } },
          async (request, reply) => {
            const actor = await actorFrom(request, true);
            if (!actor.ok) return send(reply, actor.error);
            const created = await createOrganization(ctx, actor.value, request.body);
            return created.ok ? reply.code(201).send(created.value) : send(reply, created.error);
          },
        );
        app.patch(
          '/api/v1/orgs/:id',
          {
            schema: {
              tags: ['accounts'],
              summary: 'Change an organization\'s name or details (hub-admins); publishes a new version of its identity and clears its seed mark',
              params: IdParams,
              body: OrganizationPatchSchema,
              response: { 200: OrganizationSchema, ...problemResponses(400, 401, 403, 404) },
            },
          },
          async (request, reply) => {
            const actor = await actorFrom(request, true);
            if (!actor.ok) return send(reply, actor.error);
            const orgId = parseOrgId(request.params.id);
            if (!orgId.ok) return send(reply, problem('not-found', 'organization-not-found', `No organization ${request.params.id}.`));
            const updated = await updateOrganization(ctx, actor.value, orgId.value, request.body);
            return updated.ok ? updated.value : send(reply, updated.error);
          },
        );
        return Promise.resolve();
      },
    };
  };
}
