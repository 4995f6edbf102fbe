// A load client in its own process for bench/*.bench.ts: `node bench/http-load-client.mjs <url> <clients> <seconds> [headers JSON]`.
// Keep-alive node:http (one socket per client, reused), no fetch: it costs the shared cores little, so a benchmark
// measures the server. Prints one JSON line: answers, errors, latency percentiles (ms) and the client's own CPU time.
import http from 'node:http';

const [url, clientsText = '200', secondsText = '5', headersText = '{}'] = process.argv.slice(2);
if (url === undefined) throw new Error('usage: http-load-client.mjs <url> <clients> <seconds> [headers JSON]');
const clients = Number(clientsText);
const seconds = Number(secondsText);
const headers = JSON.parse(headersText);
const agent = new http.Agent({ keepAlive: true, maxSockets: clients });
const target = new URL(url);
const times = [];
let errors = 0;

function once() {
  return new Promise((resolve) => {
    const start = performance.now();
    const request = http.get({ agent, host: target.hostname, port: target.port, path: target.pathname + target.search, headers }, (response) => {
      response.on('data', () => undefined);
      response.on('end', () => {
        if (response.statusCode !== 200 && response.statusCode !== 304) errors++;
        times.push(performance.now() - start);
        resolve();
      });
    });
    request.on('error', () => {
      errors++;
      resolve();
    });
  });
}

const cpu = process.cpuUsage();
const until = performance.now() + seconds * 1000;
await Promise.all(Array.from({ length: clients }, async () => {
  while (performance.now() < until) await once();
}));
const used = process.cpuUsage(cpu);
agent.destroy();
times.sort((a, b) => a - b);
const at = (q) => times[Math.min(times.length - 1, Math.floor(q * times.length))] ?? null;
process.stdout.write(`${JSON.stringify({ answers: times.length, errors, p50: at(0.5), p99: at(0.99), clientCpuMs: (used.user + used.system) / 1000 })}\n`);
