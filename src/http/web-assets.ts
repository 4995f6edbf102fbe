import { existsSync, statSync } from 'node:fs';
import { basename, join, relative, resolve } from 'node:path';
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

/** The file under `root/assets` a request path names, relative to `root`, or null when there is none (or it leaves the folder). */
function builtAsset(root: string, path: string): string | null {
  let name: string;
  try {
    name = decodeURIComponent(path.slice('/assets/'.length));
  } catch {
    return null;
  }
  const assets = join(root, 'assets');
  const file = resolve(assets, name);
  if (file !== join(assets, basename(file)) || !existsSync(file) || !statSync(file).isFile()) return null;
  return relative(root, file);
}

/**
 * Serves the built web UI through @fastify/static (ETag and Last-Modified, so a reload costs a 304) and
 * @fastify/compress (gzip or brotli, for these files only): hashed files under /assets/ cached for a year,
 * index.html never without asking, and every other non-API GET answered with index.html so the UI's own
 * router shows the page. @fastify/static lists the files when the server starts; index.html is read on each
 * request and hashed files written by a later build are found on request, so a rebuild needs no restart.
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
      // A hashed file the build wrote after the server started (the files above were listed at start); a missing one is a real 404.
      if (path.startsWith('/assets/')) {
        const file = builtAsset(root, path);
        return file === null ? reply.code(404).type('text/plain; charset=utf-8').send('Not found.') : reply.sendFile(file);
      }
      return sendIndex(reply);
    });
  };
}
