import type { FastifyReply, FastifyRequest } from 'fastify';
import { Type } from '@sinclair/typebox';
import { stateByFips } from '../domain/organization-data.ts';
import type { Principal } from '../domain/principal.ts';
import { problem, type Problem } from '../domain/problem.ts';
import { err, ok, type Result } from '../domain/result.ts';
import type { AppPlugin } from '../http/deps.ts';
import { problemResponses } from '../http/schemas.ts';
import { publicCache } from '../http/public-cache.ts';
import { sendBytes } from '../http/send-bytes.ts';
import { WrittenObjectSchema } from '../objects/schemas.ts';
import type { Written } from '../objects/service.ts';
import type { Reader } from '../store/types.ts';
import { atomFeed, embedPage, widgetScript } from './public-render.ts';
import { CorrectionBody, CorrectionParams, NewCorrectionBody, PreviewSchema, PublicCorrectionSchema, PublicCorrectionsSchema, PublicNoticesSchema, PublicQuery, WithdrawBody } from './schemas.ts';
import { myCorrections, previewCorrection, publicCorrectionById, publicCorrections, publicNotices, publishAnswer, updateCorrection, withdrawCorrection, type RumourDeps } from './service.ts';

const UNAUTHENTICATED = problem('unauthenticated', 'unauthenticated', 'Sign in (POST /api/v1/session) or send an API key as "Authorization: Bearer <key>".');
function writtenJson(written: Written): string {
  const { owner, tlp, audience } = written.sharing;
  return `{"outcome":${JSON.stringify(written.outcome)},"object":${written.json},"sharing":${JSON.stringify({ owner, tlp, audience })}}`;
}

/** Where this hub is reached from, for the absolute links of the feed and the widget. */
function baseOf(request: FastifyRequest): string {
  return `${request.protocol}://${request.host}`;
}

function headingOf(query: PublicQuery): string {
  const state = query.state ?? query.county?.slice(0, 2);
  const name = state === undefined ? null : (stateByFips(state)?.name ?? null);
  return name === null ? 'Election rumour control' : `Election rumour control: ${name}`;
}

/**
 * Rumour control: officials write corrections (preview, publish, update, withdraw under /api/v1/corrections);
 * anyone reads them without signing in (GET /api/v1/public/corrections, /rumour-control/feed.atom, the
 * embeddable /rumour-control/embed and /rumour-control/widget.js) and whatever else was shared with the
 * public (GET /api/v1/public/notices). Public reads go through the store as the anonymous public reader.
 */
export function rumourRoutes(deps: RumourDeps & { readonly onChange?: (listener: () => void) => () => void }): AppPlugin {
  return (kit) => ({
    plugin: (app) => {
      // The public answers depend only on what is stored: made once, kept until the next stored change.
      const cache = publicCache(deps.onChange);
      app.addHook('onClose', async () => {
        cache.close();
        return Promise.resolve();
      });
      const cached = (request: FastifyRequest, reply: FastifyReply, make: () => Promise<Result<{ body: string; type: string; headers?: Record<string, string> }, Problem>>): Promise<FastifyReply> => cache.serve(request, reply, make, kit.sendProblem);
      const writer = (request: FastifyRequest): Result<{ principal: Principal; reader: Reader }, Problem> => {
        const principal = kit.requireWriter(request);
        if (!principal.ok) return principal;
        const reader = kit.readerOf(request);
        return reader === null ? err(UNAUTHENTICATED) : ok({ principal: principal.value, reader });
      };
      const sendWritten = (reply: FastifyReply, result: Result<Written, Problem>): FastifyReply =>
        // The stored object's exact bytes, serialized here (sendBytes): the response schema documents them.
        result.ok ? sendBytes(reply.code(result.value.outcome === 'unchanged' ? 200 : 201).type('application/json; charset=utf-8'), writtenJson(result.value)) : kit.sendProblem(reply, result.error);
      const written = { 201: WrittenObjectSchema, 200: WrittenObjectSchema, ...problemResponses(400, 401, 403, 404, 409, 422) };

      app.post(
        '/api/v1/corrections/preview',
        { preHandler: kit.guard('write'), schema: { tags: ['rumour control'], summary: 'What a correction would look like, exactly as it would be published; nothing is stored', body: CorrectionBody, response: { 200: PreviewSchema, ...problemResponses(400, 401, 403, 422) } } },
        async (request, reply) => {
          const who = writer(request);
          if (!who.ok) return kit.sendProblem(reply, who.error);
          const result = await previewCorrection(deps, who.value.principal, who.value.reader, request.body);
          return result.ok ? reply.header('cache-control', 'private, no-store').send(result.value) : kit.sendProblem(reply, result.error);
        },
      );
      app.post(
        '/api/v1/corrections',
        { preHandler: kit.guard('write'), schema: { tags: ['rumour control'], summary: 'Publish a correction to the public pages (TLP:CLEAR, audience public); with incident_id, link it to the false-rumour incident it answers', body: NewCorrectionBody, response: written } },
        async (request, reply) => {
          const who = writer(request);
          if (!who.ok) return kit.sendProblem(reply, who.error);
          return sendWritten(reply, await publishAnswer(deps, who.value.principal, who.value.reader, request.body));
        },
      );
      app.put(
        '/api/v1/corrections/:id',
        { preHandler: kit.guard('write'), schema: { tags: ['rumour control'], summary: 'Publish a new version of your correction', params: CorrectionParams, body: CorrectionBody, response: written } },
        async (request, reply) => {
          const who = writer(request);
          if (!who.ok) return kit.sendProblem(reply, who.error);
          return sendWritten(reply, await updateCorrection(deps, who.value.principal, who.value.reader, request.params.id, request.body));
        },
      );
      app.post(
        '/api/v1/corrections/:id/withdraw',
        { preHandler: kit.guard('write'), schema: { tags: ['rumour control'], summary: 'Withdraw your correction; it stays on the public pages, marked withdrawn, with the reason', params: CorrectionParams, body: WithdrawBody, response: written } },
        async (request, reply) => {
          const who = writer(request);
          if (!who.ok) return kit.sendProblem(reply, who.error);
          return sendWritten(reply, await withdrawCorrection(deps, who.value.principal, who.value.reader, request.params.id, request.body.reason));
        },
      );
      app.get(
        '/api/v1/corrections',
        { schema: { tags: ['rumour control'], summary: "Your organization's corrections, newest first", response: { 200: Type.Object({ items: Type.Array(PublicCorrectionSchema) }), ...problemResponses(401) } } },
        async (request, reply) => {
          const principal = kit.principalOf(request);
          const reader = kit.readerOf(request);
          if (principal === null || reader === null) return kit.sendProblem(reply, UNAUTHENTICATED);
          const result = await myCorrections(deps, principal, reader);
          return result.ok ? reply.header('cache-control', 'private, no-store').send(result.value) : kit.sendProblem(reply, result.error);
        },
      );

      app.get(
        '/api/v1/public/corrections',
        { schema: { tags: ['public'], summary: 'Published corrections of election rumours, newest first; no sign-in', security: [], querystring: PublicQuery, response: { 200: PublicCorrectionsSchema, ...problemResponses(400) } } },
        async (request, reply) =>
          cached(request, reply, async () => {
            const result = await publicCorrections(deps, request.query);
            return result.ok ? ok({ body: JSON.stringify(result.value), type: 'application/json; charset=utf-8' }) : result;
          }),
      );
      app.get(
        '/api/v1/public/corrections/:id',
        { schema: { tags: ['public'], summary: 'One published correction; no sign-in', security: [], params: CorrectionParams, response: { 200: PublicCorrectionSchema, ...problemResponses(400, 404) } } },
        async (request, reply) =>
          cached(request, reply, async () => {
            const result = await publicCorrectionById(deps, request.params.id);
            return result.ok ? ok({ body: JSON.stringify(result.value), type: 'application/json; charset=utf-8' }) : result;
          }),
      );
      app.get(
        '/api/v1/public/notices',
        { schema: { tags: ['public'], summary: 'Everything else its owners shared with the public (TLP:CLEAR), newest first; no sign-in', security: [], response: { 200: PublicNoticesSchema } } },
        async (request, reply) =>
          cached(request, reply, async () => {
            const result = await publicNotices(deps);
            return result.ok ? ok({ body: JSON.stringify(result.value), type: 'application/json; charset=utf-8' }) : result;
          }),
      );
      app.get(
        '/rumour-control/feed.atom',
        { schema: { tags: ['public'], summary: 'Atom feed of published corrections (by state, county or election); no sign-in', security: [], querystring: PublicQuery } },
        async (request, reply) =>
          cached(request, reply, async () => {
            const result = await publicCorrections(deps, request.query);
            return result.ok ? ok({ body: atomFeed(result.value.items, baseOf(request), request.url, headingOf(request.query)), type: 'application/atom+xml; charset=utf-8' }) : result;
          }),
      );
      app.get(
        '/rumour-control/embed',
        { schema: { tags: ['public'], summary: 'Corrections of one state or county as a page to show in an iframe; no sign-in', security: [], querystring: PublicQuery } },
        async (request, reply) =>
          cached(request, reply, async () => {
            const result = await publicCorrections(deps, request.query);
            // Any website may frame it; it runs no script and loads nothing.
            const headers = { 'content-security-policy': "default-src 'none'; style-src 'unsafe-inline'; base-uri 'none'; form-action 'none'", 'referrer-policy': 'no-referrer' };
            return result.ok ? ok({ body: embedPage(result.value.items, baseOf(request), headingOf(request.query)), type: 'text/html; charset=utf-8', headers }) : result;
          }),
      );
      app.get(
        '/rumour-control/widget.js',
        { schema: { tags: ['public'], summary: 'The script a state or county website includes to show its corrections', security: [] } },
        async (request, reply) => cached(request, reply, () => Promise.resolve(ok({ body: widgetScript(baseOf(request)), type: 'text/javascript; charset=utf-8', headers: { 'cross-origin-resource-policy': 'cross-origin' } }))),
      );
      return Promise.resolve();
    },
  });
}
