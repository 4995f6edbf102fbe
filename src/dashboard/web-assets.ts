import { readFile, stat } from 'node:fs/promises';
import { extname, join, resolve, sep } from 'node:path';
import type { FastifyPluginAsync, FastifyReply } from 'fastify';

export interface WebAssetsOptions {
  /** The Vite build output (web/dist). */
  readonly distDir: string;
}

const TYPES: Readonly<Record<string, string>> = {
  '.html': 'text/html; charset=utf-8',
  '.js': 'text/javascript; charset=utf-8',
  '.css': 'text/css; charset=utf-8',
  '.svg': 'image/svg+xml',
  '.png': 'image/png',
  '.ico': 'image/x-icon',
  '.json': 'application/json',
  '.map': 'application/json',
  '.txt': 'text/plain; charset=utf-8',
  '.woff2': 'font/woff2',
};

/** Scripts and styles only from this origin; React's style props are CSSOM writes, which CSP allows. */
const CSP = "default-src 'self'; img-src 'self' data:; object-src 'none'; base-uri 'none'; form-action 'self'; frame-ancestors 'none'";

/** A file inside `root` named by a URL path, or null when the path tries to leave it. */
export function fileInside(root: string, urlPath: string): string | null {
  let decoded: string;
  try {
    decoded = decodeURIComponent(urlPath);
  } catch {
    return null;
  }
  if (decoded.includes('\0')) return null;
  const full = resolve(root, `.${decoded.startsWith('/') ? decoded : `/${decoded}`}`);
  return full === root || full.startsWith(root + sep) ? full : null;
}

async function readIfFile(path: string): Promise<Buffer | null> {
  try {
    return (await stat(path)).isFile() ? await readFile(path) : null;
  } catch {
    return null;
  }
}

/**
 * Serves the built web UI: hashed files under /assets/ cached for a year, every other
 * non-API GET answered with index.html so the UI's own router shows the page.
 */
export function webAssets(options: WebAssetsOptions): FastifyPluginAsync {
  const root = resolve(options.distDir);
  const sendIndex = async (reply: FastifyReply) => {
    const html = await readIfFile(join(root, 'index.html'));
    void reply.header('x-content-type-options', 'nosniff').header('content-security-policy', CSP).header('referrer-policy', 'same-origin');
    if (html === null) {
      return reply
        .code(503)
        .type('text/plain; charset=utf-8')
        .send('The Rampart web UI has not been built. Run `node scripts/build-web.mjs` (or `npm start`, which builds it) and reload.');
    }
    return reply.header('cache-control', 'no-cache').type(TYPES['.html'] ?? 'text/html').send(html);
  };
  return (app) => {
    app.get('/*', async (request, reply) => {
      const path = request.url.split('?')[0] ?? '/';
      if (path.startsWith('/api/') || path === '/api') {
        return reply
          .code(404)
          .type('application/problem+json')
          .send({ type: 'about:blank', status: 404, title: 'Not Found', code: 'no-such-route', detail: `There is no API route GET ${path}.` });
      }
      const file = fileInside(root, path);
      if (file === null) return reply.code(400).type('text/plain; charset=utf-8').send('Bad path.');
      const body = path === '/' ? null : await readIfFile(file);
      if (body === null) {
        // A missing hashed asset is a real 404; anything else is a page of the single-page UI.
        if (path.startsWith('/assets/')) return reply.code(404).type('text/plain; charset=utf-8').send('Not found.');
        return sendIndex(reply);
      }
      void reply.header('x-content-type-options', 'nosniff');
      void reply.header('cache-control', path.startsWith('/assets/') ? 'public, max-age=31536000, immutable' : 'public, max-age=300');
      return reply.type(TYPES[extname(file)] ?? 'application/octet-stream').send(body);
    });
    return Promise.resolve();
  };
}
