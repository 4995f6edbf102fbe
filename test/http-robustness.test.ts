import fc from 'fast-check';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { hostileRequest, type HostileRequest, type JsonSchema, type RouteSpec } from './helpers/hostile-input.ts';
import { CREDENTIALS, injectWithin, robustHub, type RobustHub } from './helpers/robustness-hub.ts';

/**
 * "The server never crashes on input and bad input loses nothing", on every route the app has: each
 * route from the app's own OpenAPI document and route table gets generated hostile requests, from
 * every kind of reader. No answer is a 5xx or a hang, every 4xx says what to fix in the route's
 * error format (problem+json, or the TAXII error resource under /taxii2/), and no 4xx changes a row.
 */

// About 2,200 requests in 30-40 s of CPU on a 2-core machine; RAMPART_ROBUSTNESS_RUNS=300 for a deeper search.
const RUNS_PER_ROUTE = Number(process.env['RAMPART_ROBUSTNESS_RUNS'] ?? 30);
const METHODS = ['GET', 'POST', 'PUT', 'PATCH', 'DELETE'];

interface OpenApiOperation {
  readonly parameters?: readonly { readonly in: string; readonly name: string }[];
  readonly requestBody?: { readonly content?: Readonly<Record<string, { readonly schema?: JsonSchema }>> };
}
interface OpenApiDocument {
  readonly paths: Readonly<Record<string, Readonly<Record<string, OpenApiOperation>>>>;
}

/** Method and path of every line of Fastify's printRoutes tree, paths written as in OpenAPI (`{id}`, `{*}`). */
export function parseRouteTree(tree: string): { method: string; path: string }[] {
  const stack: string[] = [];
  const out: { method: string; path: string }[] = [];
  for (const line of tree.split('\n')) {
    const m = /^((?:[│ ] {3})*)[├└]── (.*?)(?: \(([A-Z, ]+)\))?$/u.exec(line);
    if (m === null) continue;
    const depth = (m[1] ?? '').length / 4;
    const path = `${stack[depth - 1] ?? ''}${m[2] ?? ''}`;
    stack[depth] = path;
    stack.length = depth + 1;
    for (const method of (m[3] ?? '').split(', ').filter((x) => x !== '')) {
      out.push({ method, path: path.replace(/:([A-Za-z_]+)/g, '{$1}').replace(/\*$/, '{*}') });
    }
  }
  return out;
}

function routesOf(doc: OpenApiDocument, tree: string): RouteSpec[] {
  const routes = new Map<string, RouteSpec>();
  for (const [path, operations] of Object.entries(doc.paths)) {
    for (const [m, op] of Object.entries(operations)) {
      const method = m.toUpperCase();
      if (!METHODS.includes(method)) continue;
      const params = [...path.matchAll(/\{([^}]+)\}/g)].map((x) => x[1] ?? '');
      const query = (op.parameters ?? []).filter((p) => p.in === 'query').map((p) => p.name);
      const body = op.requestBody?.content?.['application/json']?.schema;
      routes.set(`${method} ${path}`, { method, path, params, query, ...(body === undefined ? {} : { body }) });
    }
  }
  // Routes the document hides (openapi.json itself, the /api/* catch-all) are covered all the same.
  for (const { method, path } of parseRouteTree(tree)) {
    if (!METHODS.includes(method) || routes.has(`${method} ${path}`)) continue;
    routes.set(`${method} ${path}`, { method, path, params: [...path.matchAll(/\{([^}]+)\}/g)].map((x) => x[1] ?? ''), query: [] });
  }
  return [...routes.values()];
}

type Response = Awaited<ReturnType<typeof injectWithin>>;

/** What is wrong with a response to hostile input; empty when it is a precise 4xx or a success. */
function faultsOf(request: HostileRequest, res: Response): string[] {
  if (res.statusCode >= 500) return [`answered ${res.statusCode}: ${res.body.slice(0, 300)}`];
  if (res.statusCode < 400 || request.method === 'HEAD') return [];
  const type = String(res.headers['content-type'] ?? '');
  let body: Record<string, unknown>;
  try {
    body = JSON.parse(res.body) as Record<string, unknown>;
  } catch {
    return [`a ${res.statusCode} whose body is not JSON (${type}): ${res.body.slice(0, 200)}`];
  }
  const faults: string[] = [];
  const text = (v: unknown) => typeof v === 'string' && v.trim() !== '';
  // The URL as the server got it: `/taxii2/..` is `/` by the time it is sent.
  if (new URL(request.url, 'http://127.0.0.1').pathname.startsWith('/taxii2')) {
    if (!type.startsWith('application/taxii+json')) faults.push(`a TAXII ${res.statusCode} as ${type}`);
    if (!text(body['title']) || !text(body['description']) || !text(body['error_code'])) faults.push(`a TAXII ${res.statusCode} without title, description and error_code: ${res.body.slice(0, 200)}`);
    if (body['http_status'] !== String(res.statusCode)) faults.push(`http_status ${String(body['http_status'])} on a ${res.statusCode}`);
  } else {
    if (!type.startsWith('application/problem+json')) faults.push(`a ${res.statusCode} as ${type}`);
    if (!text(body['code']) || !text(body['detail'])) faults.push(`a ${res.statusCode} without code and detail: ${res.body.slice(0, 200)}`);
    if (body['status'] !== res.statusCode) faults.push(`status ${String(body['status'])} in the body of a ${res.statusCode}`);
  }
  return faults;
}

/** Password checks (sign-in, TOTP enrolment, password change) are audited even when refused: the one write a 4xx may make. */
const FAILED_SIGN_IN = /^\/api\/v1\/(session|me\/totp|me\/password)(\?|$)/;
const SIGN_IN_ACTIONS = new Set(['sign-in-failed', 'sign-in-locked']);

function changesOf(request: HostileRequest, before: Map<string, string[]>, after: Map<string, string[]>): string[] {
  const changes: string[] = [];
  let auditOnlySignIns = true;
  for (const table of new Set([...before.keys(), ...after.keys()])) {
    const was = new Set(before.get(table) ?? []);
    const now = new Set(after.get(table) ?? []);
    const added = [...now].filter((r) => !was.has(r));
    const removed = [...was].filter((r) => !now.has(r));
    if (added.length === 0 && removed.length === 0) continue;
    if (table === 'audit_entry' && removed.length === 0 && FAILED_SIGN_IN.test(request.url)) {
      const actions = added.map((r) => Object.fromEntries(JSON.parse(r) as [string, unknown][])['action']);
      if (actions.every((a) => typeof a === 'string' && SIGN_IN_ACTIONS.has(a))) continue;
    }
    if (table === 'audit_entry') auditOnlySignIns = false;
    if (table === 'audit_head') continue;
    changes.push(`${table}: +${added.length} -${removed.length} ${[...added, ...removed].join(' ').slice(0, 300)}`);
  }
  const headMoved = JSON.stringify(before.get('audit_head')) !== JSON.stringify(after.get('audit_head'));
  if (headMoved && !(auditOnlySignIns && FAILED_SIGN_IN.test(request.url))) changes.push('audit_head moved');
  return changes;
}

describe('every HTTP route under hostile input', () => {
  let fx: RobustHub;
  let routes: RouteSpec[];

  beforeAll(async () => {
    fx = await robustHub();
    const doc = await fx.hub.app.inject({ method: 'GET', url: '/api/v1/openapi.json' });
    expect(doc.statusCode).toBe(200);
    routes = routesOf(doc.json<OpenApiDocument>(), fx.hub.app.printRoutes());
  });
  afterAll(async () => {
    await fx.close();
  });

  it('reads its route table from the app: REST, TAXII and hidden routes', () => {
    const names = routes.map((r) => `${r.method} ${r.path}`);
    for (const expected of ['GET /api/{*}', 'POST /api/v1/objects', 'POST /api/v1/import', 'GET /api/v1/openapi.json', 'POST /taxii2/rampart/collections/{collection}/objects/', 'DELETE /taxii2/rampart/collections/{collection}/objects/{object}/', 'PUT /api/v1/objects/{id}/sharing', 'GET /api/v1/live']) {
      expect(names).toContain(expected);
    }
    expect(routes.length).toBeGreaterThan(50);
  });

  it('answers every request with a success or a precise 4xx, and no 4xx changes stored data', async () => {
    let current = await fx.snapshot();
    const seen = new Map<string, number>();
    for (const route of routes) {
      await fc.assert(
        fc.asyncProperty(hostileRequest(route, fx.known, CREDENTIALS), async (request) => {
          fx.errors.length = 0;
          const res = await injectWithin(fx.hub, {
            method: request.method,
            url: request.url,
            headers: { ...fx.headers(request.credential), ...request.headers },
            ...(request.payload === undefined ? {} : { payload: request.payload }),
          });
          seen.set(`${route.method} ${route.path} ${res.statusCode}`, (seen.get(`${route.method} ${route.path} ${res.statusCode}`) ?? 0) + 1);
          const after = await fx.snapshot();
          const faults = faultsOf(request, res);
          if (res.statusCode >= 400) faults.push(...changesOf(request, current, after).map((c) => `a ${res.statusCode} changed ${c}`));
          if (fx.errors.length > 0) faults.push(`logged an error: ${JSON.stringify(fx.errors[0]).slice(0, 300)}`);
          const description = `${request.method} ${request.url.slice(0, 200)} as ${request.credential}, ${JSON.stringify(request.headers)}, body: ${request.kind}`;
          expect(faults, description).toEqual([]);
          current = after;
          if (res.statusCode < 400 && request.method !== 'GET' && request.method !== 'HEAD') {
            // A hostile request may succeed (a sign-out, a revoked key): later requests need working credentials again.
            await fx.restore();
            current = await fx.snapshot();
          }
        }),
        { numRuns: RUNS_PER_ROUTE, endOnFailure: true },
      );
    }
    // Every route was reached, and the generators got past the door of most of them.
    expect(new Set([...seen.keys()].map((k) => k.split(' ').slice(0, 2).join(' '))).size).toBe(routes.length);
  }, 600_000);
});
