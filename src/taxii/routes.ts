import { Type } from '@sinclair/typebox';
import type { RampartApp } from '../http/deps.ts';
import { sendBytes } from '../http/send-bytes.ts';
import { sendTaxiiError } from '../http/taxii-error.ts';
import { auditReads } from '../audit/object-events.ts';
import type { FastifyReply, FastifyRequest } from 'fastify';
import { parseStixId, type StixId } from '../domain/ids.ts';
import type { TaxiiCollection } from './collections.ts';
import { deleteObject } from './delete.ts';
import { notFound, taxiiError, type TaxiiError } from './errors.ts';
import { isTaxiiContentType, STIX_MEDIA_TYPE, TAXII_CONTENT_TYPE } from './media.ts';
import type { TaxiiContext } from './plugin.ts';
import { postEnvelope } from './post.ts';
import { parseTaxiiQuery, searchOf, type Endpoint, type TaxiiQuery } from './query.ts';
import { dateAddedOf, readPage, versionsIn, type PageOut, type ReadDeps } from './read.ts';
import { servedText } from '../stix/tlp-marking.ts';

// Path parameters as schemas: the router always gives strings, so they refuse nothing; they type request.params and document the paths.
const StatusPath = { params: Type.Object({ status: Type.String() }) };
const CollectionPath = { params: Type.Object({ collection: Type.String() }) };
const ObjectPath = { params: Type.Object({ collection: Type.String(), object: Type.String() }) };

/** TAXII resources go out as bytes assembled here (objects as their stored text). */
function send(reply: FastifyReply, body: string | Buffer, status = 200): FastifyReply {
  return sendBytes(reply.code(status).header('content-type', TAXII_CONTENT_TYPE), body);
}

function isError<T extends object>(value: T | TaxiiError): value is TaxiiError {
  return 'status' in value && 'code' in value && 'message' in value && !('id' in value);
}

/** X-TAXII-Date-Added-First/Last on every 200 of manifest, objects, object and versions (§3.2), even an empty one. */
function withDateHeaders(reply: FastifyReply, page: PageOut): FastifyReply {
  return reply.header('x-taxii-date-added-first', page.first).header('x-taxii-date-added-last', page.last);
}

/** The `more`/`next` part of a paged resource; an empty page without more is `{}` (§3.7). */
function paging(page: PageOut): { more?: boolean; next?: string } {
  if (page.rows.length === 0 && !page.more) return {};
  return page.next === null ? { more: page.more } : { more: page.more, next: page.next };
}

/**
 * The envelope (§3.7) assembled from the stored bytes of each object (with its TLP marking when they lack one), never re-serialized: written
 * object by object into one Buffer, which is several times cheaper than joining a large string.
 */
function envelope(page: PageOut): Buffer {
  const head = JSON.stringify(paging(page));
  if (page.rows.length === 0) return Buffer.from(head);
  const open = `${head.slice(0, -1)}${head === '{}' ? '' : ','}"objects":[`;
  // A version stored before the hub wrote TLP markings in gets its TLP's marking here (src/stix/tlp-marking.ts).
  const texts = page.rows.map((r) => servedText(r.stored.json, r.stored.type, r.stored.sharing.tlp));
  let size = Buffer.byteLength(open) + texts.length + 1;
  for (const text of texts) size += Buffer.byteLength(text);
  const out = Buffer.allocUnsafe(size);
  let at = out.write(open);
  texts.forEach((text, i) => {
    if (i > 0) at = out.writeUInt8(0x2c, at); // ,
    at += out.write(text, at);
  });
  at = out.writeUInt8(0x5d, at); // ]
  out.writeUInt8(0x7d, at); // }
  return out;
}

export function refuseWithoutCsrf(ctx: TaxiiContext, request: FastifyRequest, reply: FastifyReply): FastifyReply | undefined {
  const writer = ctx.kit.requireWriter(request);
  return writer.ok ? undefined : sendTaxiiError(reply, taxiiError(403, writer.error.code, writer.error.message));
}

export function taxiiRoutes(app: RampartApp, ctx: TaxiiContext): void {
  const root = `/${ctx.apiRoot}`;
  const deps = (): ReadDeps => ({ stix: ctx.options.stix, taxii: ctx.options.taxii, signer: ctx.signer, maxPageSize: ctx.maxPageSize, nowMs: ctx.nowMs });

  /** The parsed query and readable collection of a request, or the error to send. */
  async function prepare(request: FastifyRequest, collectionId: string, endpoint: Endpoint, titled = false): Promise<{ collection: TaxiiCollection; query: TaxiiQuery } | TaxiiError> {
    const collection = await ctx.collection(ctx.principal(request), collectionId, titled);
    if (isError(collection)) return collection;
    const query = parseTaxiiQuery(searchOf(request.url), endpoint);
    return query.ok ? { collection, query: query.value } : query.error;
  }

  function objectId(raw: string): StixId | TaxiiError {
    const parsed = parseStixId(raw);
    return parsed.ok ? parsed.value : taxiiError(400, 'invalid-id', `The object id in the path: ${parsed.error.message}`);
  }

  app.get('/', { prefixTrailingSlash: 'slash' }, async (request, reply) => {
    const query = parseTaxiiQuery(searchOf(request.url), 'plain');
    if (!query.ok) return sendTaxiiError(reply, query.error);
    const apiRoot = `/taxii2/${ctx.apiRoot}/`;
    const o = ctx.options;
    return send(reply, JSON.stringify({ title: o.title ?? 'Rampart TAXII 2.1 server', description: o.description ?? 'Election-security threat intelligence shared under TLP 2.0', ...(o.contact === undefined ? {} : { contact: o.contact }), default: apiRoot, api_roots: [apiRoot] }));
  });

  app.get(`${root}/`, async (request, reply) => {
    const query = parseTaxiiQuery(searchOf(request.url), 'plain');
    if (!query.ok) return sendTaxiiError(reply, query.error);
    return send(reply, JSON.stringify({ title: ctx.options.title ?? 'Rampart', description: 'Collections are views of what is shared with you: your organization, your state, your sharing groups, the community.', versions: [TAXII_CONTENT_TYPE], max_content_length: ctx.maxContentLength }));
  });

  app.get(`${root}/status/:status/`, { schema: StatusPath }, async (request, reply) => {
    const query = parseTaxiiQuery(searchOf(request.url), 'plain');
    if (!query.ok) return sendTaxiiError(reply, query.error);
    const body = await ctx.options.taxii.status(ctx.principal(request).orgId, request.params.status);
    return body === null ? sendTaxiiError(reply, notFound(`Status ${request.params.status}`)) : send(reply, body);
  });

  const collectionResource = (c: TaxiiCollection) => ({ id: c.id, title: c.title, description: c.description, alias: c.alias, can_read: true, can_write: c.canWrite, media_types: [STIX_MEDIA_TYPE] });

  app.get(`${root}/collections/`, async (request, reply) => {
    const query = parseTaxiiQuery(searchOf(request.url), 'plain');
    if (!query.ok) return sendTaxiiError(reply, query.error);
    const all = await ctx.collections(ctx.principal(request));
    return send(reply, JSON.stringify(all.length === 0 ? {} : { collections: all.map(collectionResource) }));
  });

  app.get(`${root}/collections/:collection/`, { schema: CollectionPath }, async (request, reply) => {
    const p = await prepare(request, request.params.collection, 'plain', true);
    return isError(p) ? sendTaxiiError(reply, p) : send(reply, JSON.stringify(collectionResource(p.collection)));
  });

  app.get(`${root}/collections/:collection/manifest/`, { schema: CollectionPath }, async (request, reply) => {
    const p = await prepare(request, request.params.collection, 'manifest');
    if (isError(p)) return sendTaxiiError(reply, p);
    const page = await readPage(deps(), ctx.principal(request), p.collection, `manifest:${p.collection.id}`, p.query, {});
    if (!page.ok) return sendTaxiiError(reply, page.error);
    const records = page.value.rows.map((r) => ({ id: r.stored.id, date_added: dateAddedOf(r), version: r.version, media_type: STIX_MEDIA_TYPE }));
    return send(withDateHeaders(reply, page.value), JSON.stringify(records.length === 0 ? paging(page.value) : { ...paging(page.value), objects: records }));
  });

  app.get(`${root}/collections/:collection/objects/`, { schema: CollectionPath }, async (request, reply) => {
    const p = await prepare(request, request.params.collection, 'objects');
    if (isError(p)) return sendTaxiiError(reply, p);
    const principal = ctx.principal(request);
    const page = await readPage(deps(), principal, p.collection, `objects:${p.collection.id}`, p.query, {});
    if (!page.ok) return sendTaxiiError(reply, page.error);
    await auditReads(ctx.options.audit, principal, page.value.rows.map((r) => r.stored), 'TAXII GET objects');
    return send(withDateHeaders(reply, page.value), envelope(page.value));
  });

  app.post(
    `${root}/collections/:collection/objects/`,
    {
      schema: CollectionPath,
      // Refused before the body is read: wrong media type, too large, or a collection the caller cannot write.
      onRequest: async (request, reply) => {
        if (!isTaxiiContentType(request.headers['content-type'])) {
          return sendTaxiiError(reply, taxiiError(415, 'unsupported-media-type', `Content-Type must be ${TAXII_CONTENT_TYPE} (got "${request.headers['content-type'] ?? ''}")`));
        }
        const declared = Number(request.headers['content-length'] ?? NaN);
        if (declared > ctx.maxContentLength) return sendTaxiiError(reply, taxiiError(413, 'too-large', `The body (${declared} bytes) is larger than max_content_length (${ctx.maxContentLength} bytes); split the envelope`));
        const p = await prepare(request, request.params.collection, 'plain');
        if (isError(p)) return sendTaxiiError(reply, p);
        if (!p.collection.canWrite) return sendTaxiiError(reply, taxiiError(403, 'cannot-write', 'You may read this collection but not add to it (can_write is false); use a write-scoped key on a collection you can write'));
        return refuseWithoutCsrf(ctx, request, reply);
      },
    },
    async (request, reply) => {
      const p = await prepare(request, request.params.collection, 'plain');
      if (isError(p)) return sendTaxiiError(reply, p);
      if (!Buffer.isBuffer(request.body)) return sendTaxiiError(reply, taxiiError(422, 'malformed-envelope', 'Send a TAXII envelope {"objects": [...]} as the body'));
      const principal = ctx.principal(request);
      const o = ctx.options;
      const postDeps = { stix: o.stix, taxii: o.taxii, sharing: o.sharing, importMetrics: ctx.kit.importMetrics, hubOwner: o.hubOwner, ...(o.audit === undefined ? {} : { audit: o.audit }) };
      const status = await postEnvelope(postDeps, principal, p.collection, request.body, ctx.nowMs() * 1000);
      return status.ok ? send(reply, JSON.stringify(status.value), 202) : sendTaxiiError(reply, status.error);
    },
  );

  app.get(`${root}/collections/:collection/objects/:object/`, { schema: ObjectPath }, async (request, reply) => {
    const p = await prepare(request, request.params.collection, 'object');
    if (isError(p)) return sendTaxiiError(reply, p);
    const id = objectId(request.params.object);
    if (typeof id !== 'string') return sendTaxiiError(reply, id);
    if ((await versionsIn(deps(), p.collection, id)).length === 0) return sendTaxiiError(reply, notFound(`Object ${id}`));
    const principal = ctx.principal(request);
    const page = await readPage(deps(), principal, p.collection, `object:${p.collection.id}:${id}`, p.query, { ids: [id] });
    if (!page.ok) return sendTaxiiError(reply, page.error);
    await auditReads(ctx.options.audit, principal, page.value.rows.map((r) => r.stored), 'TAXII GET object');
    return send(withDateHeaders(reply, page.value), envelope(page.value));
  });

  app.delete(`${root}/collections/:collection/objects/:object/`, { schema: ObjectPath }, async (request, reply) => {
    const p = await prepare(request, request.params.collection, 'delete');
    if (isError(p)) return sendTaxiiError(reply, p);
    const id = objectId(request.params.object);
    if (typeof id !== 'string') return sendTaxiiError(reply, id);
    const refused = p.collection.canWrite ? refuseWithoutCsrf(ctx, request, reply) : undefined;
    if (refused !== undefined) return refused;
    const done = await deleteObject(deps(), ctx.principal(request), p.collection, id, p.query);
    return done.ok ? send(reply, '') : sendTaxiiError(reply, done.error);
  });

  app.get(`${root}/collections/:collection/objects/:object/versions/`, { schema: ObjectPath }, async (request, reply) => {
    const p = await prepare(request, request.params.collection, 'versions');
    if (isError(p)) return sendTaxiiError(reply, p);
    const id = objectId(request.params.object);
    if (typeof id !== 'string') return sendTaxiiError(reply, id);
    if ((await versionsIn(deps(), p.collection, id)).length === 0) return sendTaxiiError(reply, notFound(`Object ${id}`));
    const page = await readPage(deps(), ctx.principal(request), p.collection, `versions:${p.collection.id}:${id}`, p.query, { ids: [id], everyVersion: true });
    if (!page.ok) return sendTaxiiError(reply, page.error);
    const versions = page.value.rows.map((r) => r.version);
    return send(withDateHeaders(reply, page.value), JSON.stringify(versions.length === 0 ? paging(page.value) : { ...paging(page.value), versions }));
  });
}

