import { Type, type Static } from '@sinclair/typebox';
import { Value } from '@sinclair/typebox/value';
import type { FastifyReply, FastifyRequest } from 'fastify';
import { parseAudienceKey } from '../domain/audience.ts';
import { parseCollectionId, newCollectionId } from '../domain/ids.ts';
import { sendTaxiiError } from '../http/taxii-error.ts';
import type { FilterCollection } from '../store/taxii.ts';
import { notFound, taxiiError } from './errors.ts';
import { TAXII_CONTENT_TYPE } from './media.ts';
import type { TaxiiApp, TaxiiContext } from './plugin.ts';
import { refuseWithoutCsrf } from './routes.ts';

/** What an org-admin sends to define a filter collection: objects of `types` (all when absent) shared with `audience`. */
export const FilterCollectionInput = Type.Object(
  {
    title: Type.String({ minLength: 1, maxLength: 200 }),
    description: Type.Optional(Type.String({ maxLength: 2000 })),
    alias: Type.Optional(Type.String({ pattern: '^[a-z0-9][a-z0-9-]{0,62}$' })),
    types: Type.Optional(Type.Array(Type.String({ pattern: '^[a-z0-9][a-z0-9-]*$', maxLength: 250 }), { maxItems: 100, uniqueItems: true })),
    audience: Type.String(),
  },
  { additionalProperties: false },
);
export type FilterCollectionInput = Static<typeof FilterCollectionInput>;

/** Aliases the views already use; a filter collection may not take them. */
const RESERVED = /^(my-organization|shared-with-me|community|public|state-\d{2}|group-.*)$/;

/** A filter collection as its org-admins read it back. */
const FilterCollectionResource = Type.Object({
  id: Type.String(),
  title: Type.String(),
  description: Type.Optional(Type.String()),
  alias: Type.Optional(Type.String()),
  types: Type.Array(Type.String(), { description: 'the types it is limited to; empty means all' }),
  audience: Type.String({ description: 'the audience key whose objects it holds' }),
});
type FilterCollectionResource = Static<typeof FilterCollectionResource>;
/** The list of them; `{}` when there is none, as TAXII's own collections resource. */
const FilterCollectionList = Type.Object({ collections: Type.Optional(Type.Array(FilterCollectionResource)) });

function resource(f: FilterCollection): FilterCollectionResource {
  return { id: f.id, title: f.title, ...(f.description === null ? {} : { description: f.description }), ...(f.alias === null ? {} : { alias: f.alias }), types: [...f.types], audience: f.audienceKey };
}

/**
 * `{api-root}/admin/collections/`: org-admins define, list and remove their organization's filter
 * collections (TAXII media type in and out, TAXII errors). The collections then appear, read-only,
 * to every member of the organization who holds the audience key.
 */
export function adminRoutes(app: TaxiiApp, ctx: TaxiiContext): void {
  const base = `/${ctx.apiRoot}/admin/collections/`;
  const requireAdmin = async (request: FastifyRequest, reply: FastifyReply) => {
    const principal = ctx.principal(request);
    const admin = principal.scope === 'write' && ctx.options.isOrgAdmin !== undefined && (await ctx.options.isOrgAdmin(principal));
    if (!admin) return sendTaxiiError(reply, taxiiError(403, 'not-org-admin', 'Only an org-admin of your organization (with a write-scoped key) may manage filter collections'));
    return request.method === 'GET' ? undefined : refuseWithoutCsrf(ctx, request, reply);
  };

  // Answers are typed by the response schemas and serialized by them; the plugin's onSend hook gives the TAXII media type.
  app.get(base, { onRequest: requireAdmin, schema: { response: { 200: FilterCollectionList } } }, async (request, reply) => {
    const all = await ctx.options.taxii.collections(ctx.principal(request).orgId);
    return reply.code(200).send(all.length === 0 ? {} : { collections: all.map(resource) });
  });

  app.post(base, { onRequest: requireAdmin, schema: { response: { 201: FilterCollectionResource } } }, async (request, reply) => {
    const principal = ctx.principal(request);
    let input: unknown;
    try {
      input = JSON.parse(Buffer.isBuffer(request.body) ? request.body.toString('utf8') : '');
    } catch {
      return sendTaxiiError(reply, taxiiError(400, 'malformed-json', 'The body must be JSON: {"title", "audience", "types"?, "alias"?, "description"?}'));
    }
    if (!Value.Check(FilterCollectionInput, input)) {
      const first = [...Value.Errors(FilterCollectionInput, input)][0];
      return sendTaxiiError(reply, taxiiError(400, 'invalid-collection', `${first?.path === '' ? 'the body' : (first?.path ?? 'the body')}: ${first?.message ?? 'is invalid'}; send {"title", "audience", "types"?, "alias"?, "description"?}`));
    }
    const key = parseAudienceKey(input.audience);
    if (!key.ok) return sendTaxiiError(reply, taxiiError(400, key.error.code, `audience: ${key.error.message}`));
    if (!principal.keys.includes(key.value)) return sendTaxiiError(reply, taxiiError(400, 'audience-not-held', `Your organization does not read with ${key.value}; choose one of ${principal.keys.join(', ')}`));
    if (input.alias !== undefined && RESERVED.test(input.alias)) return sendTaxiiError(reply, taxiiError(400, 'alias-reserved', `The alias "${input.alias}" belongs to a built-in collection; choose another`));
    const collection: FilterCollection = {
      id: newCollectionId(),
      orgId: principal.orgId,
      title: input.title,
      description: input.description ?? null,
      alias: input.alias ?? null,
      types: input.types ?? [],
      audienceKey: key.value,
    };
    const added = await ctx.options.taxii.addCollection(collection, ctx.nowMs() * 1000);
    if (added === 'alias-taken') return sendTaxiiError(reply, taxiiError(400, 'alias-taken', `Your organization already has a collection with the alias "${input.alias ?? ''}"; choose another`));
    return reply.code(201).send(resource(collection));
  });

  // The id is parsed below, into the TAXII error format; the schema only types the string the router gives.
  app.delete(`${base}:id/`, { onRequest: requireAdmin, schema: { params: Type.Object({ id: Type.String() }) } }, async (request, reply) => {
    const id = parseCollectionId(request.params.id);
    if (!id.ok) return sendTaxiiError(reply, taxiiError(400, 'invalid-id', id.error.message));
    const removed = await ctx.options.taxii.removeCollection(ctx.principal(request).orgId, id.value);
    return removed ? reply.code(200).header('content-type', TAXII_CONTENT_TYPE).send('') : sendTaxiiError(reply, notFound(`Collection ${id.value}`));
  });
}
