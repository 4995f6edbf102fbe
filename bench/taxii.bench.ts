/**
 * TAXII read throughput. `npm run bench:taxii` stores 200,000 objects shared with the community
 * (some also with a state or a sharing group) plus 50,000 the reader may not see, in a fresh SQLite
 * store, then pages through the community collection with limit=1000 over real HTTP (127.0.0.1,
 * Bearer key, keep-alive fetch, each page parsed as a client would) as a county of state 06, and
 * prints objects/s beside reading the same rows straight from the store (StixStore.list, same
 * reader, same page size) in the same run. Target: ≥ 30,000 objects/s over HTTP.
 *   --objects <n>   visible objects (default 200000)
 *   --pg            on PostgreSQL (RAMPART_TEST_DATABASE_URL) instead of SQLite
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { Worker } from 'node:worker_threads';
import type { AudienceKey } from '../src/domain/audience.ts';
import type { OrgId, StixId, UserId } from '../src/domain/ids.ts';
import { ok } from '../src/domain/result.ts';
import { buildApp } from '../src/http/app.ts';
import type { AuthPort } from '../src/auth/port.ts';
import type { Principal } from '../src/domain/principal.ts';
import { startServer } from '../src/http/server.ts';
import { tlpRulesSharing } from '../test/helpers/http.ts';
import { openStore } from '../src/store/index.ts';
import { taxiiStore } from '../src/store/taxii.ts';
import type { IncomingObject, Reader, Sharing } from '../src/store/types.ts';
import { collectionIdOf } from '../src/taxii/collections.ts';
import { TAXII_CONTENT_TYPE } from '../src/taxii/media.ts';
import { taxiiPlugin } from '../src/taxii/plugin.ts';

const args = process.argv.slice(2);
const value = (name: string) => {
  const i = args.indexOf(name);
  return i >= 0 ? args[i + 1] : undefined;
};
const VISIBLE = Number(value('--objects') ?? 200_000);
const HIDDEN = Math.round(VISIBLE / 4);
const PAGE = 1000;
const HUB = 'identity--cc8654b7-1ffc-487a-bf1c-ed29e18f0a33' as OrgId;
const org = (n: number) => `identity--${n.toString(16).padStart(8, '0')}-0000-4000-8000-000000000000` as OrgId;
const COUNTY = org(1);
const GROUP: AudienceKey = 'group:5e1f2a3b-0000-4000-8000-000000000001';
const reader: Principal = { orgId: COUNTY, userId: '11111111-0000-4000-8000-000000000001' as UserId, keys: ['community', 'state:06', GROUP, `org:${COUNTY}`, 'user:11111111-0000-4000-8000-000000000001'], scope: 'read' };
const KEY = 'rk_bench_reader';

const CLIENT = `
const { parentPort, workerData } = require('node:worker_threads');
(async () => {
  const start = performance.now();
  let n = 0, pages = 0, next;
  do {
    const res = await fetch(workerData.base + (next === undefined ? '' : '&next=' + encodeURIComponent(next)), { headers: workerData.headers });
    if (res.status !== 200) throw new Error('HTTP ' + res.status + ': ' + (await res.text()));
    if (workerData.parse) {
      const body = await res.json();
      n += (body.objects ?? []).length;
      next = body.more === true ? body.next : undefined;
    } else {
      // Server capacity: read the bytes, take more/next from the envelope's head (they come first), count objects by their ids.
      const text = await res.text();
      const head = /^[{](?:"more":(true|false))?(?:,"next":"([^"]*)")?/.exec(text);
      n += text.split('"type":"indicator","spec_version":"2.1","id":').length - 1;
      next = head !== null && head[1] === 'true' ? head[2] : undefined;
    }
    pages++;
  } while (next !== undefined);
  parentPort.postMessage({ n, pages, s: (performance.now() - start) / 1000 });
})().catch((e) => parentPort.postMessage({ error: String(e) }));
`;

function object(i: number, visible: boolean): IncomingObject {
  const id = `indicator--${i.toString(16).padStart(8, '0')}-7e57-4000-8000-${(i * 7919).toString(16).padStart(12, '0').slice(-12)}` as StixId;
  const owner = org(2 + (i % 500));
  const audience: AudienceKey[] = visible ? (i % 5 === 0 ? ['community', 'state:06'] : i % 7 === 0 ? ['community', GROUP] : ['community']) : i % 2 === 0 ? ['state:48'] : [`org:${owner}`];
  const sharing: Sharing = { owner, tlp: visible ? 'green' : 'amber', audience };
  const created = new Date(Date.UTC(2024, 0, 1) + i * 1000).toISOString();
  const name = `Suspicious address ${i}`;
  const description = 'Address seen scanning county election-office web servers before early voting; block at the perimeter.';
  const json = JSON.stringify({ type: 'indicator', spec_version: '2.1', id, created, modified: created, created_by_ref: owner, name, description, indicator_types: ['malicious-activity'], pattern: `[ipv4-addr:value = '198.51.${(i >> 8) & 255}.${i & 255}']`, pattern_type: 'stix', valid_from: created, labels: ['election-2024'] });
  return { id, type: 'indicator', created, modified: created, revoked: false, name, description, json, sharing };
}

async function main(): Promise<void> {
  const dir = process.env['KEEP_DB'] ?? mkdtempSync(path.join(tmpdir(), 'rampart-bench-taxii-'));
  const pg = args.includes('--pg') ? process.env['RAMPART_TEST_DATABASE_URL'] : undefined;
  if (args.includes('--pg') && pg === undefined) throw new Error('--pg needs RAMPART_TEST_DATABASE_URL');
  const url = pg === undefined ? path.join(dir, 'bench.sqlite') : `${pg}${pg.includes('?') ? '&' : '?'}schema=bench_taxii_${Date.now()}`;
  const store = await openStore({ url });
  try {
    const total = VISIBLE + HIDDEN;
    const t0 = performance.now();
    const reuse = process.env['KEEP_DB'] !== undefined && (await store.stix.count({ kind: 'operator' })) === total;
    if (!reuse) await store.stix.write(async (writer) => {
      let batch: IncomingObject[] = [];
      for (let i = 0; i < total; i++) {
        // Hidden objects are spread through the visible ones, as in a real hub.
        batch.push(object(i, i % 5 !== 4 || i >= HIDDEN * 5));
        if (batch.length === 5000) {
          await writer.putBatch(batch, 'reject');
          batch = [];
        }
      }
      if (batch.length > 0) await writer.putBatch(batch, 'reject');
      return ok(undefined);
    });
    console.log(`stored ${total.toLocaleString('en-US')} objects in ${((performance.now() - t0) / 1000).toFixed(1)} s (${store.dialect})`);

    const auth: AuthPort = {
      signIn: () => Promise.reject(new Error('unused')),
      session: () => Promise.resolve(null),
      signOut: () => Promise.resolve(),
      apiKey: (secret) => Promise.resolve(secret === KEY ? reader : null),
      apiKeyBasic: () => Promise.resolve(null),
    };
    const plugin = taxiiPlugin({ stix: store.stix, taxii: taxiiStore(store.database.db), sharing: tlpRulesSharing, hubOwner: HUB, maxPageSize: PAGE });
    const app = await buildApp({ store: { stix: store.stix, ping: () => Promise.resolve(), close: () => Promise.resolve() }, auth, clock: { now: () => new Date() }, config: { hubOwner: HUB }, plugins: [plugin] });
    const server = await startServer({ app, host: '127.0.0.1', port: 0, handleSignals: false });
    const collection = collectionIdOf('community');
    const headers = { accept: TAXII_CONTENT_TYPE, authorization: `Bearer ${KEY}` };

    // The same reads the collection does, straight from the store: the collection's reader (key community).
    const viewReader: Reader = { kind: 'member', orgId: 'identity--00000000-0000-4000-8000-000000000000' as OrgId, userId: null, keys: ['community'] };
    const direct = async (): Promise<{ n: number; s: number }> => {
      const start = performance.now();
      let n = 0;
      let cursor: string | undefined;
      do {
        const page = await store.stix.list(viewReader, { limit: PAGE, ...(cursor === undefined ? {} : { cursor }) });
        if (!page.ok) throw new Error(page.error.message);
        n += page.value.items.length;
        cursor = page.value.nextCursor ?? undefined;
      } while (cursor !== undefined);
      return { n, s: (performance.now() - start) / 1000 };
    };
    // The TAXII client runs in its own thread, as a client on another machine would: it pages with
    // next, parses every page, and counts the objects.
    const overHttp = (parse: boolean): Promise<{ n: number; s: number; pages: number }> =>
      new Promise((resolve, reject) => {
        const worker = new Worker(CLIENT, { eval: true, workerData: { parse, base: `${server.url}/taxii2/rampart/collections/${collection}/objects/?limit=${PAGE}`, headers } });
        worker.once('message', (m: { n: number; s: number; pages: number } | { error: string }) => ('error' in m ? reject(new Error(m.error)) : resolve(m)));
        worker.once('error', reject);
      });
    try {
      await direct(); // warm the page cache and the query plans once
      // CPU seconds of the whole process (server and client threads) as well as wall time: on a
      // shared, overloaded machine wall time mostly measures waiting for a core.
      const cpu = () => {
        const u = process.cpuUsage();
        return (u.user + u.system) / 1e6;
      };
      const c0 = cpu();
      const store1 = await direct();
      const c1 = cpu();
      const http = await overHttp(true);
      const c2 = cpu();
      const store2 = await direct();
      const c3 = cpu();
      const bytesOnly = await overHttp(false);
      const c4 = cpu();
      const storeRate = (2 * store1.n) / (store1.s + store2.s);
      const httpRate = http.n / http.s;
      if (http.n !== VISIBLE || store1.n !== VISIBLE) throw new Error(`expected ${VISIBLE} objects, got ${http.n} over HTTP and ${store1.n} from the store`);
      const fmt = (x: number) => Math.round(x).toLocaleString('en-US');
      console.log(`store list (same reader, limit ${PAGE}): ${fmt(storeRate)} objects/s (${store1.n.toLocaleString('en-US')} objects in ${store1.s.toFixed(2)} s and ${store2.s.toFixed(2)} s)`);
      const fmtCpu = (n: number, sec: number) => `${fmt(n / sec)} objects per CPU second`;
      console.log(`CPU: store list ${fmtCpu(store1.n + store2.n, c1 - c0 + (c3 - c2))}; TAXII over HTTP (server + client) ${fmtCpu(http.n, c2 - c1)}`);
      console.log(`TAXII over HTTP, client reading bytes only (server capacity): ${fmt(bytesOnly.n / bytesOnly.s)} objects/s (${bytesOnly.n.toLocaleString('en-US')} objects in ${bytesOnly.s.toFixed(2)} s), ${fmtCpu(bytesOnly.n, c4 - c3)}`);
      if (bytesOnly.n !== VISIBLE) throw new Error(`expected ${VISIBLE} objects, got ${bytesOnly.n} reading bytes only`);
      console.log(`TAXII over HTTP (limit ${PAGE}, ${http.pages} pages): ${fmt(httpRate)} objects/s (${http.n.toLocaleString('en-US')} objects in ${http.s.toFixed(2)} s), ${(httpRate / storeRate * 100).toFixed(0)}% of the store rate; target ≥ 30,000 objects/s: ${httpRate >= 30_000 ? 'met' : 'NOT met'}`);
    } finally {
      await server.stop();
    }
  } finally {
    await store.close();
    if (process.env['KEEP_DB'] === undefined) rmSync(dir, { recursive: true, force: true });
  }
}

await main();
