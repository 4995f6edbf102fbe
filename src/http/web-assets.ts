import { existsSync } from 'node:fs';
import { join, resolve } from 'node:path';
import fastifyCompress from '@fastify/compress';
import fastifyStatic from '@fastify/static';
import type { FastifyPluginAsync, FastifyReply } from 'fastify';

export interface WebAssetsOptions {
  /** The Vite build output (web/dist). */
  readonly distDir: string;
}

/** Scripts and styles only from this origin; React's style props are CSSOM writes, which CSP allows. */
const CSP = "default-src 'self'; img-src 'self' data:; object-src 'none'; base-uri 'none'; form-action 'self'; frame-ancestors 'none'";

/** Hashed build output (a new name for new content) may be kept for a year; the page that names it must be asked for again. */
function cacheControlOf(file: string): string {
  if (file.endsWith('.html')) return 'no-cache';
  return /[\\/]assets[\\/]/.test(file) ? 'public, max-age=31536000, immutable' : 'public, max-age=300';
}

/**
 * Serves the built web UI through @fastify/static (ETag and Last-Modified, so a reload costs a 304) and
 * @fastify/compress (gzip or brotli, for these files only): hashed files under /assets/ cached for a year,
 * index.html never without asking, and every other non-API GET answered with index.html so the UI's own
 * router shows the page. The files are listed once, when the server starts (the build does not change under it).
 */
export function webAssets(options: WebAssetsOptions): FastifyPluginAsync {
  const root = resolve(options.distDir);
  const sendIndex = (reply: FastifyReply) => {
    void reply.header('content-security-policy', CSP).header('referrer-policy', 'same-origin');
    if (!existsSync(join(root, 'index.html'))) {
      return reply
        .code(503)
        .type('text/plain; charset=utf-8')
        .send('The Rampart web UI has not been built. Run `node scripts/build-web.mjs` (or `npm start`, which builds it) and reload.');
    }
    return reply.header('cache-control', 'no-cache').type('text/html; charset=utf-8').sendFile('index.html');
  };
  return async (app) => {
    await app.register(fastifyCompress, { threshold: 1024, globalDecompression: false });
    await app.register(fastifyStatic, {
      root,
      wildcard: false,
      index: false,
      cacheControl: false,
      setHeaders: (res, file) => {
        res.setHeader('cache-control', cacheControlOf(file));
        if (file.endsWith('.html')) res.setHeader('content-security-policy', CSP);
      },
    });
    app.get('/*', async (request, reply) => {
      const path = request.url.split('?')[0] ?? '/';
      if (path.startsWith('/api/') || path === '/api') {
        return reply
          .code(404)
          .type('application/problem+json')
          .send({ type: 'about:blank', status: 404, title: 'Not Found', code: 'no-such-route', detail: `There is no API route GET ${path}.` });
      }
      // A missing hashed asset is a real 404; anything else is a page of the single-page UI.
      if (path.startsWith('/assets/')) return reply.code(404).type('text/plain; charset=utf-8').send('Not found.');
      return sendIndex(reply);
    });
  };
}
