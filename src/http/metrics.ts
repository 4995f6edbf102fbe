import { collectDefaultMetrics, Counter, Gauge, Histogram, Registry } from 'prom-client';
import type { ImportMetrics } from '../ingest/import-metrics.ts';
import type { PoolWatch } from '../store/db.ts';

/** The app's Prometheus series, on a Registry of its own so two apps in one process never share counts. */
export interface AppMetrics {
  readonly registry: Registry;
  readonly requests: Counter<'method' | 'route' | 'status'>;
  readonly duration: Histogram<'method' | 'route' | 'status'>;
  readonly imports: ImportMetrics;
  /** Stops listening to the connection pool (the app's close). */
  readonly stop: () => void;
}

export interface MetricsOptions {
  /** The database's connection pool (PostgreSQL): its connections and how long queries waited for one. */
  readonly pool?: PoolWatch;
  /** The process's own series (event-loop delay, garbage collection, heap, CPU): one app per process, as `rampart serve` runs. */
  readonly processMetrics?: boolean;
}

/** `countByType` is read on each scrape, so the gauge always matches the store. */
export function createMetrics(countByType: () => Promise<ReadonlyMap<string, number>>, options: MetricsOptions = {}): AppMetrics {
  const registry = new Registry();
  // nodejs_eventloop_lag_{p50,p90,p99,max}_seconds cover the time since the previous scrape (prom-client resets them on each).
  if (options.processMetrics === true) collectDefaultMetrics({ register: registry, eventLoopMonitoringPrecision: 10 });
  const requests = new Counter({
    name: 'rampart_http_requests_total',
    help: 'HTTP requests answered, by route pattern, method and status',
    labelNames: ['method', 'route', 'status'] as const,
    registers: [registry],
  });
  const duration = new Histogram({
    name: 'rampart_http_request_duration_seconds',
    help: 'Time to answer HTTP requests, by route pattern, method and status',
    labelNames: ['method', 'route', 'status'] as const,
    buckets: [0.005, 0.01, 0.025, 0.05, 0.1, 0.2, 0.25, 0.5, 1, 2.5, 5, 10, 30],
    registers: [registry],
  });
  new Gauge({
    name: 'rampart_objects_stored',
    help: 'STIX objects stored (latest versions), by type',
    labelNames: ['type'] as const,
    registers: [registry],
    async collect() {
      this.reset();
      for (const [type, count] of await countByType()) this.set({ type }, count);
    },
  });
  const imported = new Counter({
    name: 'rampart_import_objects_total',
    help: 'Objects seen by imports, by source (rest, taxii…) and outcome (added, new-version, unchanged, rejected)',
    labelNames: ['source', 'outcome'] as const,
    registers: [registry],
  });
  const imports: ImportMetrics = {
    record(source, summary) {
      imported.inc({ source, outcome: 'added' }, summary.added);
      imported.inc({ source, outcome: 'new-version' }, summary.newVersions);
      imported.inc({ source, outcome: 'unchanged' }, summary.unchanged);
      imported.inc({ source, outcome: 'rejected' }, summary.rejected);
    },
  };
  const stop = options.pool === undefined ? () => undefined : poolMetrics(registry, options.pool);
  return { registry, requests, duration, imports, stop };
}

/** rampart_db_pool_wait_seconds (each query's wait for a connection) and the pool's connections and waiting checkouts now. */
function poolMetrics(registry: Registry, pool: PoolWatch): () => void {
  const waits = new Histogram({
    name: 'rampart_db_pool_wait_seconds',
    help: 'Time each database query waited for a connection of the pool (all busy, or a new one opening)',
    buckets: [0.001, 0.005, 0.01, 0.025, 0.05, 0.1, 0.2, 0.5, 1, 2.5],
    registers: [registry],
  });
  new Gauge({
    name: 'rampart_db_pool_connections',
    help: 'Database connections of the pool, by state (busy: lent to a query)',
    labelNames: ['state'] as const,
    registers: [registry],
    collect() {
      const now = pool.counts();
      this.set({ state: 'idle' }, now.idle);
      this.set({ state: 'busy' }, now.total - now.idle);
    },
  });
  new Gauge({
    name: 'rampart_db_pool_waiting',
    help: 'Database queries waiting for a connection of the pool now',
    registers: [registry],
    collect() {
      this.set(pool.counts().waiting);
    },
  });
  return pool.onCheckout((seconds) => waits.observe(seconds));
}
