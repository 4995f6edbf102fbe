import { Type, type Static } from '@sinclair/typebox';
import type { FastifyReply, FastifyRequest } from 'fastify';
import { OrgIdString, StixIdString } from '../domain/schemas.ts';
import type { Principal } from '../domain/principal.ts';
import { problem } from '../domain/problem.ts';
import { err, ok, type Result } from '../domain/result.ts';
import type { Problem } from '../domain/problem.ts';
import type { AppPlugin } from '../http/deps.ts';
import { problemResponses } from '../http/schemas.ts';
import { publicCache } from '../http/public-cache.ts';
import { sendResult, type Sends } from '../http/send-result.ts';
import { PUBLIC_READER } from '../rumours/service.ts';
import { keySet, revokeKey, rotateKey } from './keys.ts';
import { PublishedSchema, StatementListSchema, StatementViewSchema } from './schemas.ts';
import { statementOf } from './signing.ts';
import { approveStatement, draftStatement, editStatement, publishStatement, statementFor, viewOf, type StatementDeps } from './service.ts';

const UUID = '^[0-9a-fA-F]{8}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{12}$';
const DraftBody = Type.Object(
  {
    title: Type.String({ minLength: 1, maxLength: 300 }),
    text: Type.String({ minLength: 1, maxLength: 20000 }),
    cosigners: Type.Array(OrgIdString(), { minItems: 1, maxItems: 50, uniqueItems: true, description: 'the organizations asked to sign beside yours' }),
    tlp: Type.Union([Type.Literal('clear'), Type.Literal('green'), Type.Literal('amber'), Type.Literal('amber+strict')], { description: 'clear for a public statement' }),
  },
  { additionalProperties: false },
);
type DraftBody = Static<typeof DraftBody>;
const Params = Type.Object({ id: Type.String({ pattern: UUID }) });
type Params = Static<typeof Params>;
const ApproveBody = Type.Object({ content_hash: Type.String({ minLength: 1, maxLength: 100, description: 'the content_hash of the text you read' }) }, { additionalProperties: false });
type ApproveBody = Static<typeof ApproveBody>;
const KeyParams = Type.Object({ keyId: Type.String({ pattern: '^[A-Za-z0-9_-]{1,64}$' }) });
type KeyParams = Static<typeof KeyParams>;
const RevokeBody = Type.Object({ reason: Type.String({ minLength: 1, maxLength: 500 }) }, { additionalProperties: false });
type RevokeBody = Static<typeof RevokeBody>;
const StixParams = Type.Object({ id: StixIdString() });
type StixParams = Static<typeof StixParams>;

const PublicStatementsSchema = Type.Object({
  items: Type.Array(Type.Object({ id: Type.String(), title: Type.String(), text: Type.String(), published: Type.String(), signers: Type.Array(Type.String()) })),
});
type PublicStatements = Static<typeof PublicStatementsSchema>;

export interface StatementRouteDeps extends StatementDeps {
  readonly isOrgAdmin: (principal: Principal) => Promise<boolean>;
  /** Stored changes (the change bus): the public answers are kept until the next one. */
  readonly onChange?: (listener: () => void) => () => void;
}

/**
 * Joint statements: draft, edit (approvals reset), approve the exact text, publish when all approved
 * (/api/v1/statements); signing keys (rotate, revoke) and the public key set (/.well-known/rampart-keys.json);
 * a public statement's signed STIX report (/api/v1/public/statements/{id}) for `rampart verify`.
 */
export function statementRoutes(deps: StatementRouteDeps): AppPlugin {
  return (kit) => ({
    plugin: (app) => {
      const cache = publicCache(deps.onChange);
      app.addHook('onClose', async () => {
        cache.close();
        return Promise.resolve();
      });
      /** A statement as its reader's organization sees it, or the problem. */
      const viewed = async (result: Result<Parameters<typeof viewOf>[1], Problem>) => (result.ok ? ok(await viewOf(deps, result.value)) : result);
      const send = <V>(reply: FastifyReply & Sends<V>, result: Result<NoInfer<V>, Problem>): FastifyReply => sendResult(kit.sendProblem, reply, result);
      const writer = (request: FastifyRequest) => kit.requireWriter(request);
      const tags = ['joint statements'];

      app.post('/api/v1/statements', { preHandler: kit.guard('write'), schema: { tags, summary: 'Draft a joint statement and name its co-signers', body: DraftBody, response: { 201: StatementViewSchema, ...problemResponses(400, 401, 403, 422) } } }, async (request, reply) => {
        const who = writer(request);
        if (!who.ok) return kit.sendProblem(reply, who.error);
        return send(reply.code(201), await viewed(await draftStatement(deps, who.value, request.body)));
      });
      app.get('/api/v1/statements', { schema: { tags, summary: 'Statements your organization drafted or is asked to sign', response: { 200: StatementListSchema, ...problemResponses(401) } } }, async (request, reply) => {
        const principal = kit.principalOf(request);
        if (principal === null) return kit.sendProblem(reply, problem('unauthenticated', 'unauthenticated', 'Sign in or send an API key'));
        const items = await Promise.all((await deps.repo.listFor(principal.orgId)).map((r) => viewOf(deps, r)));
        return reply.header('cache-control', 'private, no-store').send({ items });
      });
      app.get('/api/v1/statements/:id', { schema: { tags, summary: 'One statement, its signers and their approvals', params: Params, response: { 200: StatementViewSchema, ...problemResponses(400, 401, 404) } } }, async (request, reply) => {
        const principal = kit.principalOf(request);
        if (principal === null) return kit.sendProblem(reply, problem('unauthenticated', 'unauthenticated', 'Sign in or send an API key'));
        return send(reply, await viewed(await statementFor(deps, principal, request.params.id)));
      });
      app.put('/api/v1/statements/:id', { preHandler: kit.guard('write'), schema: { tags, summary: 'Change the draft (drafter only); every approval is reset', params: Params, body: DraftBody, response: { 200: StatementViewSchema, ...problemResponses(400, 401, 403, 404, 409, 422) } } }, async (request, reply) => {
        const who = writer(request);
        if (!who.ok) return kit.sendProblem(reply, who.error);
        return send(reply, await viewed(await editStatement(deps, who.value, request.params.id, request.body)));
      });
      app.post('/api/v1/statements/:id/approve', { preHandler: kit.guard('write'), schema: { tags, summary: 'Approve the exact text you read (its content_hash)', params: Params, body: ApproveBody, response: { 200: StatementViewSchema, ...problemResponses(400, 401, 404, 409) } } }, async (request, reply) => {
        const who = writer(request);
        if (!who.ok) return kit.sendProblem(reply, who.error);
        return send(reply, await viewed(await approveStatement(deps, who.value, request.params.id, request.body.content_hash)));
      });
      app.post('/api/v1/statements/:id/publish', { preHandler: kit.guard('write'), schema: { tags, summary: 'Publish when every signer approved: signed by each, countersigned by the hub', params: Params, response: { 201: PublishedSchema, ...problemResponses(400, 401, 403, 404, 409, 422) } } }, async (request, reply) => {
        const who = writer(request);
        if (!who.ok) return kit.sendProblem(reply, who.error);
        const result = await publishStatement(deps, who.value, request.params.id);
        if (!result.ok) return kit.sendProblem(reply, result.error);
        return reply.code(201).header('cache-control', 'private, no-store').send({ statement: await viewOf(deps, result.value.record), object: JSON.parse(result.value.written.json) as unknown, sharing: result.value.written.sharing });
      });
      app.post('/api/v1/signing-keys/rotate', { preHandler: kit.guard('write'), schema: { tags, summary: "Replace your organization's signing key (org-admin); the old one stays valid for what it signed", response: problemResponses(401, 403) } }, async (request, reply) => {
        const who = writer(request);
        if (!who.ok) return kit.sendProblem(reply, who.error);
        if (!(await deps.isOrgAdmin(who.value))) return kit.sendProblem(reply, problem('forbidden', 'org-admin-only', "Only your organization's administrators manage its signing keys"));
        const row = await rotateKey(deps, who.value.orgId);
        return reply.code(201).send({ key_id: row.key_id, public_key: row.public_key });
      });
      app.post('/api/v1/signing-keys/:keyId/revoke', { preHandler: kit.guard('write'), schema: { tags, summary: 'Revoke one of your organization\'s signing keys (org-admin): nothing it signed verifies any more', params: KeyParams, body: RevokeBody, response: problemResponses(400, 401, 403, 404, 409) } }, async (request, reply) => {
        const who = writer(request);
        if (!who.ok) return kit.sendProblem(reply, who.error);
        if (!(await deps.isOrgAdmin(who.value))) return kit.sendProblem(reply, problem('forbidden', 'org-admin-only', "Only your organization's administrators manage its signing keys"));
        const result = await revokeKey(deps, who.value.orgId, request.params.keyId, request.body.reason);
        return result.ok ? reply.code(204).send() : kit.sendProblem(reply, result.error);
      });
      app.get('/.well-known/rampart-keys.json', { schema: { tags: ['public'], summary: 'The public signing keys of every organization and of the hub, with rotation and revocation', security: [] } }, async (_request, reply) =>
        reply.header('cache-control', 'public, max-age=60').header('access-control-allow-origin', '*').type('application/json; charset=utf-8').send(JSON.stringify(await keySet(deps))),
      );
      app.get('/api/v1/public/statements', { schema: { tags: ['public'], summary: 'Published public joint statements and their signers, newest first; no sign-in', security: [], response: { 200: PublicStatementsSchema } } }, async (request, reply) =>
        cache.serve(
          request,
          reply,
          async () => {
            const items: PublicStatements['items'] = [];
            const page = await deps.stix.list(PUBLIC_READER, { types: ['report'], versions: 'latest', order: 'desc', limit: 500 });
            if (!page.ok) return page;
            for (const v of page.value.items) {
              const found = statementOf(JSON.parse(v.json) as unknown);
              if (typeof found === 'string') continue;
              items.push({ id: found.content.id, title: found.content.title, text: found.content.text, published: found.content.published, signers: found.content.signers.map((x) => x.name) });
            }
            return ok({ body: JSON.stringify({ items }), type: 'application/json; charset=utf-8' });
          },
          kit.sendProblem,
        ),
      );
      app.get('/api/v1/public/statements/:id', { schema: { tags: ['public'], summary: 'A public joint statement as its signed STIX report (check it with rampart verify)', security: [], params: StixParams, response: problemResponses(400, 404) } }, async (request, reply) =>
        cache.serve(
          request,
          reply,
          async () => {
            const found = await deps.stix.get(PUBLIC_READER, request.params.id);
            if (found === null || found.type !== 'report' || typeof statementOf(JSON.parse(found.json) as unknown) === 'string') return err(problem('not-found', 'not-found', `No public statement ${request.params.id}`));
            return ok({ body: found.json, type: 'application/json; charset=utf-8' });
          },
          kit.sendProblem,
        ),
      );
      return Promise.resolve();
    },
  });
}
