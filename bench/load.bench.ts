/**
 * Election day under load. `npm run bench:load` runs two `rampart serve` processes (the built dist/) on one
 * PostgreSQL database and one NATS server, as docs/deployment.md describes, and drives them from this process
 * on 127.0.0.1 for a bounded time:
 *  - counties: every county election office posts its status (all functions normal, TLP:AMBER to its state)
 *    `--rounds` times, spread evenly over the run (open loop: a slow server does not slow the posting down).
 *    Issue #9's "3,000 counties posting status every 5 minutes compressed into the run" is one 5-minute cycle
 *    in the 60 s run: `--rounds 1`, the default, 50 reports a second, five times election day's real rate
 *    (3,000 every 5 minutes is 10 a second: `--rounds 0.2`);
 *  - analysts (state and federal) list what is shared with them, search for an address, and read the
 *    national and their state's roll-up, each with a second between requests;
 *  - TAXII pollers (state offices' SOCs) poll their state collection every 5 s for what was added since;
 *  - live-feed clients (a worker thread) hold the live feed open and note when each status reaches them.
 * It prints per-route count, errors, p50 and p99, beside GET /healthz probed throughout the same run, and
 * the live feed's connections and publish-to-receive latency. Target: p99 ≤ 200 ms on every route, no errors.
 * Then where the tail goes (bench/fixtures/tail.ts): this process's event-loop delay, each server's event-loop delay,
 * garbage collection and pool waits over the run (from /metrics), per route how many answers took over 200 ms in the
 * servers against at the client, and what the servers' PostgreSQL backends waited for (pg_stat_activity every 50 ms).
 *   --seconds <n> (60)  --counties <n> (3000)  --rounds <n> (1)  --analysts <n> (200)  --pollers <n> (50)  --live <n> (5000)
 *   --probe <n> (20)  before the run, each route alone, n requests one after another: CPU per request of the servers and PostgreSQL (0: skip)
 *   --probe-only      stop after that
 *   --count-queries   with --probe: the PostgreSQL queries each request sends (the servers count them), each statement sent at least once in ten requests listed
 *   --probe-route <text>  with --probe: only the routes whose name holds this text (e.g. POST)
 *   --reports <n> (0) before the servers start, the election and n status reports per county written through the hub in
 *                     this process (knowledge base loaded first, as a server's first start does), so the probe reads
 *                     the lists, searches and roll-ups of a day under way rather than of an empty election
 *   --keep            leave the schema in place at the end (its name is printed), e.g. to EXPLAIN its statements
 *   --cpu-prof <dir>  the two servers write V8 CPU profiles there when they stop
 *   --node-args '<options>'  more options for node in the two servers (e.g. --import a preloaded module)
 *   --db postgres://… (default RAMPART_TEST_DATABASE_URL)  --nats nats://… (default RAMPART_TEST_NATS_URL or nats://127.0.0.1:4222)
 * The world lives in a new PostgreSQL schema, dropped at the end.
 */
import { spawnSync } from 'node:child_process';
import { readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { randomBytes } from 'node:crypto';
import { performance } from 'node:perf_hooks';
import { Worker } from 'node:worker_threads';
import pg from 'pg';
import { createApiKey } from '../src/accounts/api-keys.ts';
import { OPERATOR } from '../src/accounts/context.ts';
import { loadCounties } from '../src/accounts/counties.ts';
import { seedOrganizations } from '../src/accounts/organizations.ts';
import { createUser } from '../src/accounts/users.ts';
import { createAuthService } from '../src/auth/service.ts';
import { ELECTION_FUNCTIONS } from '../src/domain/election.ts';
import type { Organization } from '../src/domain/organization.ts';
import { hubIdentity } from '../src/cli/options.ts';
import { composeHub } from '../src/hub/compose.ts';
import { prepareHub } from '../src/hub/first-start.ts';
import { openStore, type RampartStore } from '../src/store/index.ts';
import { ROOT, startServe, stopServe, type ServedProcess } from '../test/helpers/serve.ts';
import { quantile } from './fixtures/paired.ts';
import { backendPids, CpuMeter } from './fixtures/process-cpu.ts';
import { generatorLoop, pgSampler, scrape, serverReport } from './fixtures/tail.ts';

const args = process.argv.slice(2);
const value = (name: string) => {
  const i = args.indexOf(name);
  return i >= 0 ? args[i + 1] : undefined;
};
const number = (name: string, fallback: number) => Number(value(name) ?? fallback);
const SECONDS = number('--seconds', 60);
const COUNTIES = number('--counties', 3000);
const ROUNDS = number('--rounds', 1);
const ANALYSTS = number('--analysts', 200);
const POLLERS = number('--pollers', 50);
const LIVE = number('--live', 5000);
const BASE_DB = value('--db') ?? process.env['RAMPART_TEST_DATABASE_URL'];
const NATS = value('--nats') ?? process.env['RAMPART_TEST_NATS_URL'] ?? 'nats://127.0.0.1:4222';
const CPU_PROF = value('--cpu-prof');
const NODE_ARGS = [...(value('--node-args')?.split(' ').filter((a) => a !== '') ?? []), ...(CPU_PROF === undefined ? [] : ['--cpu-prof', `--cpu-prof-dir=${CPU_PROF}`])];
const PROBE = number('--probe', 20);
const PROBE_ONLY = args.includes('--probe-only');
const COUNT_QUERIES = args.includes('--count-queries');
const PROBE_ROUTE = value('--probe-route');
const REPORTS = number('--reports', 0);
const KEEP = args.includes('--keep');
const QUERY_FILE = path.join(tmpdir(), `rampart-load-queries-${process.pid}`);
if (COUNT_QUERIES) NODE_ARGS.push('--import', fileURLToPath(new URL('./fixtures/count-queries.mjs', import.meta.url)));
const TARGET_P99_MS = 200;
const TAXII = 'application/taxii+json;version=2.1';
// A cheap password hash for the thousands of bench people: they use API keys, never passwords.
const POLICY = { scrypt: { N: 1024, r: 8, p: 1 } };

if (BASE_DB === undefined || !BASE_DB.startsWith('postgres')) {
  console.error('bench:load needs PostgreSQL: set RAMPART_TEST_DATABASE_URL (e.g. postgres://postgres@127.0.0.1:5432/test) or pass --db postgres://…');
  process.exit(2);
}

// ---- the world: organizations, people and their keys, written straight into a fresh schema ----
const schema = `bench_load_${randomBytes(4).toString('hex')}`;
const dbUrl = new URL(BASE_DB);
dbUrl.searchParams.set('schema', schema);
// The servers' connections carry the schema's name, so their PostgreSQL backends can be told apart (CPU per request).
const serveDbUrl = new URL(dbUrl);
serveDbUrl.searchParams.set('application_name', schema);

interface Person {
  readonly key: string;
  readonly org: Organization;
}

async function inBatches<T, R>(items: readonly T[], size: number, each: (item: T) => Promise<R>): Promise<R[]> {
  const out: R[] = [];
  for (let i = 0; i < items.length; i += size) out.push(...(await Promise.all(items.slice(i, i + size).map(each))));
  return out;
}

/** Evenly spread picks: `count` items from `list`, from every part of it. */
function spread<T>(list: readonly T[], count: number): T[] {
  if (list.length === 0) return [];
  return Array.from({ length: count }, (_, i) => list[Math.floor((i * list.length) / count) % list.length] as T);
}

async function buildWorld() {
  const store = await openStore({ url: dbUrl.toString() });
  try {
    const seeded = await seedOrganizations(store);
    if (!seeded.ok) throw new Error(seeded.error.message);
    const ctx = createAuthService(store, { policy: POLICY }).context;
    const counties = await loadCounties(ctx);
    if (!counties.ok) throw new Error(counties.error.message);
    const orgs = await ctx.accounts.listOrganizations();
    const locals = orgs.filter((o) => o.kind === 'local').sort((a, b) => (a.county_fips ?? '').localeCompare(b.county_fips ?? ''));
    const states = orgs.filter((o) => (o.kind === 'state' || o.kind === 'territory') && o.state_fips !== null);
    const federal = orgs.filter((o) => o.kind === 'federal');
    const cisa = federal.find((o) => o.short_name === 'CISA') ?? federal[0];
    if (cisa === undefined) throw new Error('no federal organization was seeded');

    let serial = 0;
    const person = async (org: Organization, role: 'analyst' | 'hub-admin', scope: 'read' | 'write'): Promise<Person> => {
      const email = `p${++serial}@load-bench.example`;
      const made = await createUser(ctx, OPERATOR, { email, name: `Load bench person ${serial} (fictional)`, role, password: `load bench password ${serial}`, org_id: org.id });
      if (!made.ok) throw new Error(made.error.message);
      const row = await ctx.accounts.userByEmail(email);
      if (row === null) throw new Error('person not stored');
      const key = await createApiKey(ctx, OPERATOR, row, { name: 'load bench', scope });
      if (!key.ok) throw new Error(key.error.message);
      return { key: key.value.key, org };
    };
    const started = performance.now();
    const admin = await person(cisa, 'hub-admin', 'write');
    const clerks = await inBatches(spread(locals, Math.min(COUNTIES, locals.length)), 25, (org) => person(org, 'analyst', 'write'));
    // Three of every four analysts in state offices, the rest federal.
    const analystOrgs = [...spread(states, Math.ceil((ANALYSTS * 3) / 4)), ...spread(federal, ANALYSTS - Math.ceil((ANALYSTS * 3) / 4))];
    const analysts = await inBatches(analystOrgs, 25, (org) => person(org, 'analyst', 'read'));
    const pollers = await inBatches(spread(states, POLLERS), 25, (org) => person(org, 'analyst', 'read'));
    console.log(`world: ${orgs.length.toLocaleString('en-US')} organizations, ${clerks.length + analysts.length + pollers.length + 1} people with API keys (${((performance.now() - started) / 1000).toFixed(0)} s)`);
    const stateFips = [...new Set(states.map((s) => s.state_fips ?? ''))].filter((f) => f !== '');
    const electionId = REPORTS > 0 ? await recordDay(store, admin, clerks, stateFips) : null;
    return { admin, clerks, analysts, pollers, stateFips, electionId };
  } finally {
    await store.close();
  }
}

/** A national general election, election day under way, every jurisdiction expected every 5 minutes. */
function electionBody(stateFips: readonly string[], now: number) {
  return {
    name: 'Load bench general election (fictional)',
    election_type: 'general',
    election_date: new Date(now).toISOString().slice(0, 10),
    state_fips: stateFips,
    phases: [{ phase: 'election-day', start: new Date(now - 3_600_000).toISOString(), end: new Date(now + 12 * 3_600_000).toISOString(), report_every_minutes: 5 }],
    tlp: 'green',
    audience: ['community'],
  };
}

const ALL_NORMAL = Object.fromEntries(ELECTION_FUNCTIONS.map((f) => [f, { level: 'normal' }]));

/**
 * --reports: the knowledge base loaded as a server's first start loads it, then the election and REPORTS status
 * reports per county posted through the hub composed in this process (its alert matcher is never started, and a
 * server's starts after the newest version stored, so nothing written here is matched or mailed later).
 */
async function recordDay(store: RampartStore, admin: Person, clerks: readonly Person[], stateFips: readonly string[]): Promise<string> {
  const started = performance.now();
  const hubOwner = hubIdentity();
  const prepared = await prepareHub(store, { hubOwner });
  if (!prepared.ok) throw new Error(prepared.error.message);
  const hub = await composeHub({ store, hubOwner, transparencyCheckpointMs: 0 });
  try {
    const post = async (key: string, url: string, body: unknown) => {
      const res = await hub.app.inject({ method: 'POST', url, headers: { authorization: `Bearer ${key}`, 'content-type': 'application/json' }, payload: JSON.stringify(body) });
      if (res.statusCode !== 201 && res.statusCode !== 200) throw new Error(`${url}: ${res.statusCode} ${res.body}`);
      return res.body;
    };
    const electionId = (JSON.parse(await post(admin.key, '/api/v1/elections', electionBody(stateFips, Date.now()))) as { object: { id: string } }).object.id;
    for (let round = 1; round <= REPORTS; round++) {
      await inBatches(clerks, 8, (clerk) => post(clerk.key, `/api/v1/elections/${electionId}/status`, { functions: ALL_NORMAL, summary: `Earlier round ${round}: all normal` }));
    }
    console.log(`recorded: the knowledge base, the election and ${clerks.length * REPORTS} status reports (${((performance.now() - started) / 1000).toFixed(0)} s)`);
    return electionId;
  } finally {
    await hub.app.close();
  }
}

// ---- two server processes ----
// ---- measuring ----
const timings = new Map<string, number[]>();
const errors = new Map<string, Map<string, number>>();
// When each answer slower than the target was sent (performance.now()): bunched in a few seconds says stalls, spread says queueing.
const slowSentAt: number[] = [];
const slowRoutes: string[] = [];
function record(route: string, ms: number, problem: string | null): void {
  const list = timings.get(route) ?? [];
  list.push(ms);
  if (ms > TARGET_P99_MS) {
    slowSentAt.push(performance.now() - ms);
    slowRoutes.push(route);
  }
  timings.set(route, list);
  if (problem === null) return;
  const byReason = errors.get(route) ?? new Map<string, number>();
  byReason.set(problem, (byReason.get(problem) ?? 0) + 1);
  errors.set(route, byReason);
}

/** One request, timed from send to the last byte of the body; `ok` says which statuses are expected. */
async function timed(route: string, url: string, init: RequestInit, ok: (status: number) => boolean = (s) => s < 400): Promise<string | null> {
  const started = performance.now();
  try {
    const res = await fetch(url, init);
    const body = await res.text();
    record(route, performance.now() - started, ok(res.status) ? null : `HTTP ${res.status}`);
    return ok(res.status) ? body : null;
  } catch (error) {
    record(route, performance.now() - started, (error as Error).cause instanceof Error ? ((error as Error).cause as Error).message : (error as Error).message);
    return null;
  }
}

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));
/** --probe-only: the run is skipped on purpose. */
class ProbeOnly extends Error {}

// ---- the run ----
const world = await buildWorld();
console.log('building dist/ …');
const built = spawnSync(process.execPath, ['scripts/build.mjs'], { cwd: ROOT, stdio: 'inherit' });
if (built.status !== 0) throw new Error('the build failed');
const env = {
  RAMPART_SECRET_KEY: randomBytes(32).toString('hex'),
  RAMPART_TAXII_SECRET: randomBytes(32).toString('hex'),
  RAMPART_NATS_URL: NATS,
  RAMPART_NATS_SUBJECT: `rampart.bench.${randomBytes(4).toString('hex')}`,
  RAMPART_LOG_LEVEL: 'warn',
  // As a deployed server: its pooled connections open before it listens (test/helpers/serve.ts opens them on demand otherwise).
  RAMPART_DATABASE_KEEP_CONNECTIONS: 'true',
  RAMPART_BENCH_QUERY_FILE: QUERY_FILE,
};
const servers: ServedProcess[] = [];
let exitCode = 0;
async function recordElection(url: string): Promise<string> {
  const created = await fetch(`${url}/api/v1/elections`, { method: 'POST', headers: { authorization: `Bearer ${world.admin.key}`, 'content-type': 'application/json' }, body: JSON.stringify(electionBody(world.stateFips, Date.now())) });
  const createdText = await created.text();
  if (created.status !== 201) throw new Error(`recording the election failed: ${created.status} ${createdText}`);
  return (JSON.parse(createdText) as { object: { id: string } }).object.id;
}
try {
  const serve = () => startServe({ db: serveDbUrl.toString(), env: { ...process.env, ...env }, keep: 20_000, ...(NODE_ARGS.length === 0 ? {} : { nodeArgs: NODE_ARGS }) });
  servers.push(await serve(), await serve());
  const [a, b] = servers as [ServedProcess, ServedProcess];
  const pick = (i: number) => (i % 2 === 0 ? a : b).url;
  console.log(`servers: ${a.url} and ${b.url} on PostgreSQL (schema ${schema}) and NATS ${NATS}`);
  for (const s of servers) for (const line of s.stderr().split('\n').filter((l) => l.startsWith('warm start:'))) console.log(`  ${s.url}: ${line}`);

  const electionId = world.electionId ?? (await recordElection(a.url));

  // Live-feed clients first (they must be listening before the statuses flow), spread over both servers.
  const liveClients = spread(world.clerks.length > 0 ? world.clerks : world.analysts, LIVE).map((p, i) => ({ url: pick(i), key: p.key }));
  const rampMs = Math.min(30_000, LIVE * 4);
  const worker = new Worker(new URL('./fixtures/live-clients.mjs', import.meta.url), { workerData: { clients: liveClients, rampMs } });
  const ready = await new Promise<{ connected: number; failed: number; failures: [string, number][] }>((resolve, reject) => {
    worker.once('message', resolve);
    worker.once('error', reject);
  });
  console.log(`live feed: ${ready.connected} of ${LIVE} clients connected (${ready.failed} failed${ready.failures.length === 0 ? '' : `: ${ready.failures.map(([r, n]) => `${r} × ${n}`).join(', ')}`})`);

  const statusInit = (clerk: Person, summary: string): RequestInit => ({
    method: 'POST',
    headers: { authorization: `Bearer ${clerk.key}`, 'content-type': 'application/json' },
    body: JSON.stringify({ functions: ALL_NORMAL, summary }),
  });

  // ---- each route alone: CPU per request of the two servers and of their PostgreSQL backends ----
  if (PROBE > 0) {
    const pgClient = new pg.Client({ connectionString: BASE_DB });
    await pgClient.connect();
    try {
      const serverPids = servers.map((s) => s.child.pid ?? -1);
      const window = async (work: () => Promise<void>) => {
        const serverMeter = new CpuMeter();
        const pgMeter = new CpuMeter();
        serverMeter.mark(serverPids);
        pgMeter.mark(await backendPids(pgClient, schema));
        const started = performance.now();
        await work();
        // What a request sets off after its answer (live feeds, alert matching) counts too.
        await sleep(1500);
        const cpu = { ms: performance.now() - started, server: serverMeter.used(serverPids), pg: pgMeter.used(await backendPids(pgClient, schema)) };
        return { ...cpu, queries: await queriesSince() };
      };
      // The queries the servers sent since the last call, by text (--count-queries; empty without).
      const queriesSince = async (): Promise<Map<string, number>> => {
        const total = new Map<string, number>();
        if (!COUNT_QUERIES) return total;
        for (const s of servers) {
          const file = `${QUERY_FILE}.${s.child.pid ?? -1}`;
          rmSync(file, { force: true });
          s.child.kill('SIGUSR2');
          for (let tries = 0; tries < 100; tries++) {
            try {
              for (const [text, n] of JSON.parse(readFileSync(file, 'utf8')) as [string, number][]) total.set(text, (total.get(text) ?? 0) + n);
              break;
            } catch {
              await sleep(50);
            }
          }
          rmSync(file, { force: true });
        }
        return total;
      };
      await queriesSince();
      // Heartbeats of the live feeds cost CPU with no request at all: measured alone, then taken off each route's figure.
      const idle = await window(async () => {
        await sleep(3000);
      });
      const idleServer = idle.server / idle.ms;
      const idlePg = idle.pg / idle.ms;
      console.log(`per-request cost, ${PROBE} requests per route one after another, ${ready.connected} live-feed clients connected; idle: servers ${(idleServer * 1000).toFixed(0)} ms CPU/s, PostgreSQL ${(idlePg * 1000).toFixed(0)} ms CPU/s`);
      console.log(`${'route'.padEnd(44)} ${'server ms'.padStart(10)} ${'pg ms'.padStart(8)} ${'latency p50'.padStart(12)}   (CPU per request, idle taken off)`);
      const analyst = (k: number) => world.analysts[k % world.analysts.length] as Person;
      const bearer = (p: Person) => ({ authorization: `Bearer ${p.key}` });
      const probes: [string, (k: number) => Promise<unknown>][] = [
        ['GET /healthz', (k) => timed('probe', `${pick(k)}/healthz`, {})],
        ['GET /api/v1/objects', (k) => timed('probe', `${pick(k)}/api/v1/objects?limit=25`, { headers: bearer(analyst(k)) })],
        ['GET /api/v1/objects?q=', (k) => timed('probe', `${pick(k)}/api/v1/objects?limit=25&q=ballot`, { headers: bearer(analyst(k)) })],
        ['GET /api/v1/elections/:id/rollup', (k) => timed('probe', `${pick(k)}/api/v1/elections/${electionId}/rollup`, { headers: bearer(analyst(k)) })],
        ['GET /api/v1/elections/:id/rollup/:state', (k) => timed('probe', `${pick(k)}/api/v1/elections/${electionId}/rollup/${analyst(k).org.state_fips ?? '55'}`, { headers: bearer(analyst(k)) })],
        // The same readers on the same servers again, nothing posted since: what each analyst's next read costs (the roll-up cache).
        ['  the same two, read again', async (k) => {
          await timed('probe', `${pick(k)}/api/v1/elections/${electionId}/rollup`, { headers: bearer(analyst(k)) });
          await timed('probe', `${pick(k)}/api/v1/elections/${electionId}/rollup/${analyst(k).org.state_fips ?? '55'}`, { headers: bearer(analyst(k)) });
        }],
        [
          'GET /taxii2/…/collections/:id/objects/',
          (k) => {
            const poller = world.pollers[k % world.pollers.length] as Person;
            return timed('probe', `${pick(k)}/taxii2/rampart/collections/state-${poller.org.state_fips ?? '55'}/objects/?limit=200`, { headers: { ...bearer(poller), accept: TAXII } });
          },
        ],
        // Last: what a status report sets off (live feeds, alert matching) goes on after its window and would count in the next route's.
        ['POST /api/v1/elections/:id/status', (k) => timed('probe', `${pick(k)}/api/v1/elections/${electionId}/status`, statusInit(world.clerks[world.clerks.length - 1 - (k % world.clerks.length)] as Person, 'Probe: all normal'))],
      ];
      // Three of each first, unmeasured, so the figures are not the JIT compiling the route.
      for (const [route, one] of probes) {
        if (PROBE_ROUTE !== undefined && !route.includes(PROBE_ROUTE)) continue;
        for (let k = 0; k < 3; k++) await one(PROBE + k);
        await sleep(500);
        timings.delete('probe');
        const used = await window(async () => {
          for (let k = 0; k < PROBE; k++) await one(k);
        });
        const latencies = timings.get('probe') ?? [];
        const problems = [...(errors.get('probe')?.values() ?? [])].reduce((sum, n) => sum + n, 0);
        errors.delete('probe');
        const per = (total: number, idleRate: number) => Math.max(0, (total - idleRate * used.ms) / PROBE).toFixed(1);
        const sent = [...used.queries.values()].reduce((sum, n) => sum + n, 0);
        const idleQueries = [...idle.queries.values()].reduce((sum, n) => sum + n, 0) / idle.ms;
        console.log(
          `${route.padEnd(44)} ${per(used.server, idleServer).padStart(10)} ${per(used.pg, idlePg).padStart(8)} ${quantile(latencies, 0.5).toFixed(1).padStart(12)}` +
            (COUNT_QUERIES ? ` ${per(sent, idleQueries).padStart(9)} queries` : '') +
            (problems > 0 ? `   ${problems} errors` : ''),
        );
        if (COUNT_QUERIES) for (const [text, n] of [...used.queries].filter(([, n]) => n / PROBE >= 0.1).sort((a, b) => b[1] - a[1])) console.log(`      ${(n / PROBE).toFixed(1).padStart(7)}  ${text.slice(0, 150)}`);
      }
      timings.clear();
    } finally {
      await pgClient.end();
    }
  }
  if (PROBE_ONLY) {
    worker.postMessage('stop');
    await worker.terminate();
    throw new ProbeOnly();
  }

  // Where the CPU of the run goes: the two servers, their PostgreSQL backends, this process (the load generator and the live clients' worker).
  const pgWatch = new pg.Client({ connectionString: BASE_DB });
  await pgWatch.connect();
  const serverPids = servers.map((s) => s.child.pid ?? -1);
  const serverRun = new CpuMeter();
  const pgRun = new CpuMeter();
  const backends = new Set(await backendPids(pgWatch, schema));
  serverRun.mark(serverPids);
  pgRun.mark([...backends]);
  // The tail's instruments: the end scrape of /metrics covers the run (prom-client resets the event-loop delay on each scrape).
  const metricsBefore = await Promise.all(servers.map((s) => scrape(s.url)));
  const pgTail = new pg.Client({ connectionString: BASE_DB });
  await pgTail.connect();
  const waits = pgSampler(pgTail, schema);
  const generator = generatorLoop();
  const benchCpu = process.cpuUsage();
  const runStarted = Date.now();
  const runPerfStart = performance.now();
  // The servers' CPU profiles time their samples on the same monotonic clock: this places the run's seconds in them.
  if (CPU_PROF !== undefined) console.log(`run starts at monotonic ${(process.hrtime.bigint() / 1000n).toString()} µs (the profiles' clock)`);
  const endAt = runStarted + SECONDS * 1000;
  const postedAt = new Map<string, number>();

  // Counties: open loop, one post every `gap` ms, at most 256 in flight.
  const totalPosts = world.clerks.length * ROUNDS;
  const gap = (SECONDS * 1000) / Math.max(1, totalPosts);
  let inFlight = 0;
  let notSent = 0;
  const counties = (async () => {
    for (let i = 0; i < totalPosts && Date.now() < endAt; i++) {
      const due = runStarted + i * gap;
      const wait = due - Date.now();
      if (wait > 0) await sleep(wait);
      if (inFlight >= 256) {
        notSent++;
        continue;
      }
      const clerk = world.clerks[i % world.clerks.length] as Person;
      inFlight++;
      void timed('POST /api/v1/elections/:id/status', `${pick(i)}/api/v1/elections/${electionId}/status`, statusInit(clerk, `Round ${Math.floor(i / world.clerks.length) + 1}: all normal`)).then((body) => {
        inFlight--;
        const id = body === null ? undefined : /"id":"([^"]+)"/.exec(body)?.[1];
        if (id !== undefined) postedAt.set(id, Date.now());
      });
    }
    while (inFlight > 0) await sleep(50);
  })();

  const searches = ['203.0.113.47', 'phishing', 'ballot', '198.51.100.0/24', 'pollbook'];
  const analysts = world.analysts.map(async (analyst, n) => {
    const auth = { authorization: `Bearer ${analyst.key}` };
    await sleep((n * 1000) / Math.max(1, world.analysts.length));
    for (let i = 0; Date.now() < endAt; i++) {
      const url = pick(n + i);
      switch (i % 4) {
        case 0:
          await timed('GET /api/v1/objects', `${url}/api/v1/objects?limit=25`, { headers: auth });
          break;
        case 1:
          await timed('GET /api/v1/objects?q=', `${url}/api/v1/objects?limit=25&q=${encodeURIComponent(searches[(n + i) % searches.length] ?? '')}`, { headers: auth });
          break;
        case 2:
          await timed('GET /api/v1/elections/:id/rollup', `${url}/api/v1/elections/${electionId}/rollup`, { headers: auth });
          break;
        default: {
          const state = analyst.org.state_fips ?? world.stateFips[n % world.stateFips.length] ?? '55';
          await timed('GET /api/v1/elections/:id/rollup/:state', `${url}/api/v1/elections/${electionId}/rollup/${state}`, { headers: auth });
        }
      }
      await sleep(1000);
    }
  });

  const pollers = world.pollers.map(async (poller, n) => {
    const headers = { authorization: `Bearer ${poller.key}`, accept: TAXII };
    const collection = `state-${poller.org.state_fips ?? '55'}`;
    let addedAfter: string | undefined;
    await sleep((n * 5000) / Math.max(1, world.pollers.length));
    for (let i = 0; Date.now() < endAt; i++) {
      let next: string | undefined;
      do {
        const query = new URLSearchParams({ limit: '200', ...(addedAfter === undefined ? {} : { added_after: addedAfter }), ...(next === undefined ? {} : { next }) });
        const body = await timed('GET /taxii2/…/collections/:id/objects/', `${pick(n + i)}/taxii2/rampart/collections/${collection}/objects/?${query.toString()}`, { headers });
        const envelope = body === null ? null : (JSON.parse(body) as { more?: boolean; next?: string; objects?: unknown[] });
        next = envelope?.more === true ? envelope.next : undefined;
      } while (next !== undefined && Date.now() < endAt);
      addedAfter = new Date(Date.now() - 1000).toISOString();
      await sleep(5000);
    }
  });

  // The reference: the server's cheapest route, probed ten times a second on both servers throughout.
  const health = (async () => {
    for (let i = 0; Date.now() < endAt; i++) {
      await timed('GET /healthz (reference)', `${pick(i)}/healthz`, {});
      await sleep(100);
    }
  })();

  const progress = setInterval(() => {
    const done = [...timings.values()].reduce((sum, l) => sum + l.length, 0);
    process.stdout.write(`\r${Math.round((Date.now() - runStarted) / 1000)} s of ${SECONDS}: ${done.toLocaleString('en-US')} requests   `);
  }, 1000);
  await Promise.all([counties, ...analysts, ...pollers, health]);
  clearInterval(progress);
  const generatorLine = generator.stop();
  const metricsAfter = await Promise.all(servers.map((s) => scrape(s.url)));
  const waitLines = await waits.stop();
  await pgTail.end();
  for (const pid of await backendPids(pgWatch, schema)) backends.add(pid);
  const runCpu = { servers: serverRun.used(serverPids), pg: pgRun.used([...backends]), bench: (process.cpuUsage(benchCpu).user + process.cpuUsage(benchCpu).system) / 1000, ms: Date.now() - runStarted };
  await pgWatch.end();
  process.stdout.write('\n');
  // Statuses posted last need a moment to reach the feeds.
  await sleep(2000);
  const live = await new Promise<{ connected: number; failed: number; dropped: number; frames: number; failures: [string, number][]; arrivals: [string, number[]][] }>((resolve) => {
    worker.on('message', (message: { kind: string }) => {
      if (message.kind === 'done') resolve(message as never);
    });
    worker.postMessage('stop');
  });
  await worker.terminate();

  // ---- report ----
  const row = (route: string, list: readonly number[], errs: number) => {
    const p99 = quantile(list, 0.99);
    const verdict = route.includes('reference') ? '' : p99 <= TARGET_P99_MS && errs === 0 ? 'met' : 'MISSED';
    return `${route.padEnd(44)} ${String(list.length).padStart(7)} ${String(errs).padStart(7)} ${quantile(list, 0.5).toFixed(1).padStart(9)} ${p99.toFixed(1).padStart(9)}  ${verdict}`;
  };
  console.log(`\nbench:load: ${SECONDS} s, ${world.clerks.length} counties × ${ROUNDS} rounds, ${world.analysts.length} analysts, ${world.pollers.length} TAXII pollers, ${LIVE} live-feed clients; two server processes`);
  console.log(`${'route'.padEnd(44)} ${'count'.padStart(7)} ${'errors'.padStart(7)} ${'p50 ms'.padStart(9)} ${'p99 ms'.padStart(9)}  target p99 ≤ ${TARGET_P99_MS} ms, no errors`);
  let missed = false;
  for (const [route, list] of [...timings].sort(([x], [y]) => x.localeCompare(y))) {
    const errs = [...(errors.get(route)?.values() ?? [])].reduce((s, n) => s + n, 0);
    const line = row(route, list, errs);
    if (line.endsWith('MISSED')) missed = true;
    console.log(line);
  }
  for (const [route, reasons] of errors) console.log(`  errors on ${route}: ${[...reasons].map(([r, n]) => `${r} × ${n}`).join(', ')}`);
  if (notSent > 0) console.log(`  ${notSent} county posts not sent: 256 were already waiting for an answer (the servers fell behind)`);
  const latencies: number[] = [];
  for (const [id, times] of live.arrivals) {
    const sent = postedAt.get(id);
    if (sent !== undefined) for (const t of times) latencies.push(Math.max(0, t - sent));
  }
  console.log(
    `live feed: ${live.connected} of ${LIVE} connected, ${live.failed} failed, ${live.dropped} dropped during the run; ${live.frames.toLocaleString('en-US')} events received; ` +
      `posted-to-received p50 ${quantile(latencies, 0.5).toFixed(0)} ms, p99 ${quantile(latencies, 0.99).toFixed(0)} ms over ${latencies.length.toLocaleString('en-US')} deliveries` +
      (live.failures.length === 0 ? '' : `; failures: ${live.failures.map(([r, n]) => `${r} × ${n}`).join(', ')}`),
  );
  const cores = (ms: number) => `${(ms / 1000).toFixed(1)} s (${(ms / runCpu.ms).toFixed(2)} cores)`;
  console.log(`CPU over the ${(runCpu.ms / 1000).toFixed(0)} s of the run: servers ${cores(runCpu.servers)}, PostgreSQL backends ${cores(runCpu.pg)}, load generator and live clients ${cores(runCpu.bench)}`);
  // Where the tail goes.
  const serverRoute = (route: string) =>
    route.startsWith('GET /taxii2/') ? '/taxii2/rampart/collections/:collection/objects/' : (route.replace(/^[A-Z]+ /, '').replace(/\?q=$/, '').replace(/ \(reference\)$/, ''));
  const clientAbove = new Map<string, { count: number; above: number }>();
  for (const [route, list] of timings) {
    const key = serverRoute(route);
    const sum = clientAbove.get(key) ?? { count: 0, above: 0 };
    clientAbove.set(key, { count: sum.count + list.length, above: sum.above + list.filter((t) => t > TARGET_P99_MS).length });
  }
  console.log(`\nwhere the tail goes:\n${generatorLine}`);
  const bySecond = new Map<number, number>();
  for (const t of slowSentAt) if (t >= runPerfStart) bySecond.set(Math.floor((t - runPerfStart) / 1000), (bySecond.get(Math.floor((t - runPerfStart) / 1000)) ?? 0) + 1);
  const worst = [...bySecond].sort(([, x], [, y]) => y - x);
  const inWorst = worst.slice(0, Math.max(1, Math.round(SECONDS / 10))).reduce((sum, [, n]) => sum + n, 0);
  console.log(
    `answers over ${TARGET_P99_MS} ms: ${slowSentAt.length.toLocaleString('en-US')}, sent in ${bySecond.size} of the run's ${SECONDS} seconds; the worst tenth of the seconds hold ${inWorst} ` +
      `(busiest: ${worst.slice(0, 8).map(([sec, n]) => `${sec} s: ${n}`).join(', ')})`,
  );
  // The run's start apart: every actor's first requests come in its first seconds (the analysts' within one second).
  const FIRST = 10;
  const perSecond = Array.from({ length: Math.min(FIRST, SECONDS) }, (_, sec) => `${sec}: ${bySecond.get(sec) ?? 0}`);
  const later = [...bySecond].filter(([sec]) => sec >= FIRST).reduce((sum, [, n]) => sum + n, 0);
  console.log(`  per second of the first ${perSecond.length}: ${perSecond.join(', ')}; after: ${later} in ${Math.max(0, SECONDS - FIRST)} s`);
  const startByRoute = new Map<string, [number, number]>();
  slowSentAt.forEach((t, i) => {
    if (t < runPerfStart) return;
    const route = slowRoutes[i] ?? '';
    const counts = startByRoute.get(route) ?? [0, 0];
    counts[t - runPerfStart < 5000 ? 0 : 1] += 1;
    startByRoute.set(route, counts);
  });
  if (startByRoute.size > 0) console.log(`  by route, in the first 5 s / after: ${[...startByRoute].sort(([x], [y]) => x.localeCompare(y)).map(([route, [first, rest]]) => `${route} ${first} / ${rest}`).join('; ')}`);
  for (const line of serverReport(metricsBefore, metricsAfter, clientAbove, TARGET_P99_MS / 1000)) console.log(line);
  for (const line of waitLines) console.log(line);
  if (missed) exitCode = 1;
} catch (error) {
  if (!(error instanceof ProbeOnly)) throw error;
} finally {
  await Promise.all(servers.map((s) => stopServe(s)));
  if (KEEP) console.log(`schema ${schema} kept (--keep): drop it with DROP SCHEMA "${schema}" CASCADE`);
  else {
    const client = new pg.Client({ connectionString: BASE_DB });
    await client.connect();
    try {
      await client.query(`DROP SCHEMA IF EXISTS "${schema}" CASCADE`);
    } finally {
      await client.end();
    }
  }
}
process.exitCode = exitCode;
