import { Counter, Gauge, Histogram, Registry } from 'prom-client';
import type { ImportMetrics } from '../ingest/import-metrics.ts';

/** The app's Prometheus series, on a Registry of its own so two apps in one process never share counts. */
export interface AppMetrics {
  readonly registry: Registry;
  readonly requests: Counter<'method' | 'route' | 'status'>;
  readonly duration: Histogram<'method' | 'route' | 'status'>;
  readonly imports: ImportMetrics;
}

/** `countByType` is read on each scrape, so the gauge always matches the store. */
export function createMetrics(countByType: () => Promise<ReadonlyMap<string, number>>): AppMetrics {
  const registry = new Registry();
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
    buckets: [0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30],
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
  return { registry, requests, duration, imports };
}
