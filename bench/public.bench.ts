/**
 * The public rumour-control pages under load. `npm run bench:public` composes the hub over a fresh SQLite
 * store, publishes 300 corrections (and 300 objects the public may not see) and 10 public joint statements,
 * and sends 200 concurrent keep-alive clients (node:http in a separate process, bench/http-load-client.mjs, so that
 * the client's cost is not the server's) for a few seconds at each of: /healthz
 * (the reference, same run), the public JSON list, the same list for one state, the Atom feed, the joint
 * statements, the notices, and the list asked again with the ETag it had (a browser reloading: 304).
 * Prints requests/s, p50/p99 and the server's CPU time per answer under that load (this process's CPU time over
 * the run, divided by the answers: the figure that holds on a shared machine), then each target's server time per
 * answer (sequential, in-process) beside /healthz's. Target: p99 ≤ 50 ms on the public page and its feed.
 *   --seconds <n>   per target (default 5)   --clients <n>   concurrent clients (default 200)   --cpu-only   only the per-answer times
 */
import { execFile } from 'node:child_process';
import { availableParallelism, loadavg } from 'node:os';
import { fileURLToPath } from 'node:url';
import { composedHub } from '../test/helpers/composed-hub.ts';
import { startServer } from '../src/http/server.ts';

const args = process.argv.slice(2);
const value = (name: string) => {
  const i = args.indexOf(name);
  return i >= 0 ? args[i + 1] : undefined;
};
const SECONDS = Number(value('--seconds') ?? 5);
const SKIP_LOAD = args.includes('--cpu-only');
const CLIENTS = Number(value('--clients') ?? 200);

const CLIENT = fileURLToPath(new URL('./http-load-client.mjs', import.meta.url));

interface LoadResult {
  readonly answers: number;
  readonly errors: number;
  readonly p50: number | null;
  readonly p99: number | null;
  readonly clientCpuMs: number;
}

/** Runs the load client in its own process; the server's CPU time over the same seconds is this process's. */
function load(url: string, headers: Record<string, string>): Promise<LoadResult & { serverCpuMs: number }> {
  return new Promise((resolve, reject) => {
    const cpu = process.cpuUsage();
    execFile(process.execPath, [CLIENT, url, String(CLIENTS), String(SECONDS), JSON.stringify(headers)], { maxBuffer: 1 << 20 }, (error, stdout) => {
      const used = process.cpuUsage(cpu);
      if (error !== null) return reject(new Error(`the load client failed: ${error.message}`));
      resolve({ ...(JSON.parse(stdout) as LoadResult), serverCpuMs: (used.user + used.system) / 1000 });
    });
  });
}

const h = await composedHub();
const county = await h.organization({ kind: 'local', name: 'Bench County Clerk (fictional)', state_fips: '55' });
const clerk = await h.person(county, 'Clerk');
const post = (url: string, payload: unknown) => h.hub.app.inject({ method: 'POST', url, headers: { authorization: `Bearer ${clerk.key}` }, payload: payload as object });
for (let i = 0; i < 300; i++) {
  const state = i % 3 === 0 ? '55' : i % 3 === 1 ? '17' : '06';
  const res = await post('/api/v1/corrections', { title: `Correction ${i}`, rumour: `Rumour number ${i} about voting hours and ID rules.`, reality: `The reality of rumour ${i}, with the law and where to check it.`, official_links: [{ title: 'Elections office', url: 'https://elections.example.gov/' }], law_cited: ['State election law (fictional)'], state_fips: state, phase: 'before' });
  if (res.statusCode !== 201) throw new Error(res.body);
  const hidden = await post('/api/v1/objects', { object: { type: 'note', spec_version: '2.1', id: `note--${String(i).padStart(8, '0')}-0000-4000-8000-000000000000`, created: '2026-11-03T08:00:00.000Z', modified: '2026-11-03T08:00:00.000Z', content: `Internal ${i}`, object_refs: [county] }, tlp: 'amber', audience: ['state:55'] });
  if (hidden.statusCode !== 201) throw new Error(hidden.body);
}
// Ten public joint statements, drafted by the county and co-signed by the state.
const state = await h.person(await h.state('55'), 'State analyst');
for (let i = 0; i < 10; i++) {
  const call = async (who: typeof clerk, url: string, payload?: object) => {
    const res = await h.hub.app.inject({ method: 'POST', url, headers: { authorization: `Bearer ${who.key}` }, ...(payload === undefined ? {} : { payload }) });
    if (res.statusCode >= 300) throw new Error(res.body);
    return res.json<{ id: string; content_hash: string }>();
  };
  const draft = await call(clerk, '/api/v1/statements', { title: `Joint statement ${i}`, text: `What both offices say about the election, number ${i}.`, cosigners: [state.orgId], tlp: 'clear' });
  for (const who of [clerk, state]) await call(who, `/api/v1/statements/${draft.id}/approve`, { content_hash: draft.content_hash });
  await call(clerk, `/api/v1/statements/${draft.id}/publish`);
}
const server = await startServer({ app: h.hub.app, host: '127.0.0.1', port: 0, handleSignals: false });
const etag = (await fetch(`${server.url}/api/v1/public/corrections`)).headers.get('etag') ?? '';
const targets: { label: string; path: string; headers: Record<string, string> }[] = [
  { label: '/healthz', path: '/healthz', headers: {} },
  { label: '/api/v1/public/corrections', path: '/api/v1/public/corrections', headers: {} },
  { label: '/api/v1/public/corrections?state=55', path: '/api/v1/public/corrections?state=55', headers: {} },
  { label: '/rumour-control/feed.atom', path: '/rumour-control/feed.atom', headers: {} },
  { label: '/api/v1/public/statements', path: '/api/v1/public/statements', headers: {} },
  { label: '/api/v1/public/notices', path: '/api/v1/public/notices', headers: {} },
  { label: '/api/v1/public/corrections (If-None-Match: 304)', path: '/api/v1/public/corrections', headers: { 'if-none-match': etag } },
];
console.log(`${CLIENTS} concurrent keep-alive clients (node:http, a separate process), ${SECONDS} s per target, 300 public corrections + 300 hidden notes + 10 joint statements (SQLite); gzip asked; load average ${loadavg()[0]?.toFixed(1) ?? '?'} on ${availableParallelism()} cores`);
console.log('target'.padEnd(50), 'req/s'.padStart(8), 'p50 ms'.padStart(8), 'p99 ms'.padStart(8), 'errors'.padStart(7), 'server CPU µs/answer'.padStart(21), 'client CPU µs/answer'.padStart(21));
// Warm each route (JIT, first answers made and cached) so that the first row is not the one that pays for it.
for (const target of targets) for (let i = 0; i < 300; i++) await h.hub.app.inject({ method: 'GET', url: target.path, headers: { 'accept-encoding': 'gzip, deflate', ...target.headers } });
for (const target of SKIP_LOAD ? [] : targets) {
  const r = await load(server.url + target.path, { 'accept-encoding': 'gzip, deflate', ...target.headers });
  const per = (ms: number) => ((ms * 1000) / Math.max(1, r.answers)).toFixed(0);
  console.log(target.label.padEnd(50), (r.answers / SECONDS).toFixed(0).padStart(8), (r.p50 ?? Number.NaN).toFixed(1).padStart(8), (r.p99 ?? Number.NaN).toFixed(1).padStart(8), String(r.errors).padStart(7), per(r.serverCpuMs).padStart(21), per(r.clientCpuMs).padStart(21));
}
// What one answer costs the server alone: requests one after another through Fastify's inject (no
// network, no client), so the figure hardly depends on how many other processes share the cores.
console.log('\nserver time per answer, 2,000 requests one after another (Fastify inject), gzip asked');
console.log('target'.padEnd(50), 'µs/answer'.padStart(10), '× /healthz'.padStart(11));
let reference = Number.NaN;
for (const target of targets) {
  const headers = { 'accept-encoding': 'gzip, deflate', ...target.headers };
  for (let i = 0; i < 200; i++) await h.hub.app.inject({ method: 'GET', url: target.path, headers });
  const t = performance.now();
  for (let i = 0; i < 2000; i++) await h.hub.app.inject({ method: 'GET', url: target.path, headers });
  const us = ((performance.now() - t) * 1000) / 2000;
  if (target.path === '/healthz') reference = us;
  console.log(target.label.padEnd(50), us.toFixed(0).padStart(10), (us / reference).toFixed(2).padStart(11));
}
await server.stop();
await h.close();
