import { readFileSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { Presets, SingleBar } from 'cli-progress';
import { Command } from 'commander';
import { isPostgresUrl } from '../../store/db.ts';
import { secretBox } from '../../auth/secret-box.ts';
import { loadServerKey } from '../../auth/server-key.ts';
import { removeStaleUploads } from '../../http/import-guard.ts';
import { startServer, checkListen, type TlsOptions } from '../../http/server.ts';
import { busFromEnv, DEFAULT_NATS_SUBJECT, type ChangeBus } from '../../alerts/bus.ts';
import { openHub } from '../../hub/open.ts';
import { logMailer, smtpMailer, type Mailer } from '../../notifications/email.ts';
import { jetStreamQueue, type DeliveryQueue } from '../../notifications/jetstream.ts';
import type { KnowledgeBaseProgress } from '../../kb/knowledge-base.ts';
import { loadConfig, type Config } from '../../config/settings.ts';
import { createLogger } from '../../http/logger.ts';
import { sharedFolderProblem } from '../data-dir.ts';
import { EXIT, hubIdentity, resolveDatabaseUrl, withDbOption } from '../options.ts';

interface ServeFlags {
  readonly db?: string;
  readonly port?: string;
  readonly host?: string;
  readonly demo?: boolean;
  readonly tlsCert?: string;
  readonly tlsKey?: string;
  readonly allowPlainHttp?: boolean;
}

const WEB_DIST = fileURLToPath(new URL('../../../web/dist', import.meta.url));

/** `rampart serve`: seeds, loads the knowledge base, then serves the web UI, REST API and TAXII. */
export function serveCommand(): Command {
  const command = new Command('serve')
    .description('Run the hub: web UI, REST API (/api/v1), TAXII 2.1 (/taxii2/), /healthz and /metrics')
    .option('--port <port>', 'TCP port (0 picks a free one; env RAMPART_PORT, default 8080)')
    .option('--host <host>', 'address to listen on (env RAMPART_HOST, default 127.0.0.1)')
    .option('--demo', 'add the fictional demo: a county office, demo people (passwords printed) and a demo story')
    .option('--tls-cert <file>', 'PEM certificate (chain) for HTTPS (env RAMPART_TLS_CERT)')
    .option('--tls-key <file>', 'PEM private key for HTTPS (env RAMPART_TLS_KEY)')
    .option('--allow-plain-http', 'allow plain HTTP on a non-loopback address (only behind a TLS proxy; env RAMPART_ALLOW_PLAIN_HTTP)');
  return withDbOption(command).action(async (flags: ServeFlags) => {
    process.exitCode = await serve(flags);
  });
}

function tlsOf(config: Config): TlsOptions | undefined | string {
  if (config.tlsCert === undefined && config.tlsKey === undefined) return undefined;
  if (config.tlsCert === undefined || config.tlsKey === undefined) return 'give both --tls-cert and --tls-key (or RAMPART_TLS_CERT and RAMPART_TLS_KEY)';
  try {
    return { cert: readFileSync(config.tlsCert), key: readFileSync(config.tlsKey) };
  } catch (error) {
    return `cannot read the TLS files: ${(error as Error).message}`;
  }
}

function knowledgeBaseProgress(): { readonly onProgress: (p: KnowledgeBaseProgress) => void; readonly done: () => void } {
  if (process.stderr.isTTY !== true) {
    const announced = new Set<string>();
    return {
      onProgress: (p) => {
        if (announced.has(p.bundle)) return;
        announced.add(p.bundle);
        console.error(`loading the knowledge base: ${p.bundle}`);
      },
      done: () => undefined,
    };
  }
  const bar = new SingleBar({ format: 'knowledge base {bundle} [{bar}] {percentage}%', stream: process.stderr, hideCursor: true, clearOnComplete: true }, Presets.shades_classic);
  let current = '';
  return {
    onProgress: (p) => {
      if (p.bundle !== current) {
        if (current !== '') bar.stop();
        current = p.bundle;
        bar.start(p.totalBytes, 0, { bundle: p.bundle.padEnd(24) });
      }
      bar.update(p.bytes, { bundle: p.bundle.padEnd(24) });
    },
    done: () => bar.stop(),
  };
}

async function serve(flags: ServeFlags): Promise<number> {
  // Every variable and flag checked at once, against the one schema (src/config/settings.ts).
  const checked = loadConfig(process.env, {
    ...(flags.db === undefined ? {} : { databaseUrl: flags.db }),
    ...(flags.port === undefined ? {} : { port: flags.port }),
    ...(flags.host === undefined ? {} : { host: flags.host }),
    ...(flags.tlsCert === undefined ? {} : { tlsCert: flags.tlsCert }),
    ...(flags.tlsKey === undefined ? {} : { tlsKey: flags.tlsKey }),
    ...(flags.allowPlainHttp === true ? { allowPlainHttp: true } : {}),
  });
  if (!checked.ok) {
    for (const problem of checked.error) console.error(problem.message);
    return EXIT.unusable;
  }
  const config = checked.value;
  const port = config.port;
  const tls = tlsOf(config);
  if (typeof tls === 'string') {
    console.error(tls);
    return EXIT.unusable;
  }
  const listen = { host: config.host, ...(tls === undefined ? {} : { tls }), ...(config.allowPlainHttp ? { allowPlainHttp: true } : {}) };
  const allowed = checkListen(listen);
  if (!allowed.ok) {
    console.error(allowed.error.message);
    return EXIT.unusable;
  }

  // Request lines and errors as JSON on standard output, or readable lines when a person watches a terminal.
  const { logger } = await createLogger({ level: config.logLevel, pretty: process.stdout.isTTY });
  const mailer: Mailer = config.smtpUrl === undefined ? logMailer(logger) : smtpMailer(config.smtpUrl, config.smtpFrom);

  let bus: ChangeBus;
  try {
    bus = await busFromEnv({ RAMPART_NATS_URL: config.natsUrl, RAMPART_NATS_SUBJECT: config.natsSubject });
  } catch (error) {
    console.error(`RAMPART_NATS_URL: cannot reach NATS (${(error as Error).message}); start it, or unset the variable to keep live feeds in this process`);
    return EXIT.unusable;
  }
  if (config.natsUrl !== undefined) console.error('live feeds: shared with other server processes over NATS');
  let queue: DeliveryQueue | undefined;
  if (config.natsUrl !== undefined) {
    try {
      queue = await jetStreamQueue({ url: config.natsUrl, subject: config.natsSubject ?? DEFAULT_NATS_SUBJECT, onError: (error) => logger.error({ err: error }, 'alert delivery queue (NATS JetStream) failed') });
    } catch (error) {
      console.error(`RAMPART_NATS_URL: cannot use NATS JetStream for alert delivery (${(error as Error).message}); start nats-server with JetStream (-js), or unset the variable`);
      await bus.close();
      return EXIT.unusable;
    }
    console.error('alerts: deliveries are shared with other server processes through NATS JetStream');
  }
  const url = resolveDatabaseUrl({ db: config.databaseUrl });
  // Files the hub keeps besides its database: beside the SQLite file, or ./data for PostgreSQL and :memory:.
  const dataDir = isPostgresUrl(url) || url === ':memory:' ? path.resolve('data') : path.dirname(path.resolve(url));
  const kept = [...(config.secretKey === undefined ? ['secret.key'] : []), ...(flags.demo === true ? ['demo-credentials.json'] : [])];
  const shared = sharedFolderProblem(dataDir, kept);
  if (shared !== null) {
    console.error(shared);
    await bus.close();
    await queue?.close();
    return EXIT.unusable;
  }
  const serverKey = loadServerKey(config.secretKey, path.join(dataDir, 'secret.key'));
  if (!serverKey.ok) {
    console.error(serverKey.error.message);
    return EXIT.unusable;
  }
  const box = secretBox(serverKey.value.key);
  console.error(`secret key: ${serverKey.value.created ? 'new, written to ' : ''}${serverKey.value.source} (key id ${box.keyId})`);
  for (const warning of serverKey.value.warnings) console.error(`warning: ${warning}`);
  const hubOwner = hubIdentity();
  const taxiiSecret = config.taxiiSecret;
  const progress = knowledgeBaseProgress();
  const credentialsFile = path.join(dataDir, 'demo-credentials.json');
  const opened = await openHub({
    url,
    keepConnections: config.databaseKeepConnections,
    secretBox: box,
    hubOwner,
    bus,
    logger,
    http: {
      webDist: WEB_DIST,
      matchLimit: config.matchUploadLimit,
      trustProxy: config.trustProxy,
      rateLimits: { perMinute: config.rateLimit, signInPerMinute: config.signInRateLimit },
      processMetrics: true,
    },
    notifications: { mailer, log: logger, ...(queue === undefined ? {} : { queue }), ...(config.publicUrl === undefined ? {} : { baseUrl: config.publicUrl.replace(/\/+$/, '') }), ...(config.alertLeaseSeconds === undefined ? {} : { policy: { leaseMs: config.alertLeaseSeconds * 1000 } }) },
    transparencyCheckpointMs: config.transparencyCheckpointMinutes * 60_000,
    ...(taxiiSecret === undefined ? {} : { taxiiSecret }),
    ...(flags.demo === true ? { demo: { credentialsFile } } : {}),
    onKnowledgeBase: progress.onProgress,
    notice: (line) => console.error(line),
  });
  progress.done();
  if (!opened.ok) {
    console.error(`cannot prepare the hub: ${opened.error.message}`);
    return EXIT.problems;
  }
  const { hub, store, prepared } = opened.value;
  console.error(`database: ${isPostgresUrl(url) ? url.replace(/\/\/[^@/]*@/, '//…@') : path.resolve(url)} (${store.dialect})`);
  const { organizationsAdded, knowledgeBaseObjects, demoAccounts } = prepared;
  if (organizationsAdded > 0) console.error(`seeded ${organizationsAdded} organizations (states, territories, federal agencies)`);
  console.error(`knowledge base: ${knowledgeBaseObjects.toLocaleString('en-US')} objects (MITRE ATT&CK ICS and Mobile, DISARM)`);

  // Election day: the offices' dashboards all ask at once when a server (re)starts; their hot paths run once before it listens (docs/deployment.md).
  const warmed = await hub.warmStart();
  const seconds = (ms: number) => `${(ms / 1000).toFixed(1)} s`;
  console.error(
    `warm start: ${warmed.rollups} roll-ups built for the state, territory and federal offices of the elections under way (${seconds(warmed.steps.built)}), ` +
      `${warmed.requests} asked through their routes (${seconds(warmed.steps.asked)}), ${warmed.reads} lists and searches read (${seconds(warmed.steps.read)}); ${seconds(warmed.ms)} in all`,
  );
  const stale = await removeStaleUploads();
  if (stale > 0) console.error(`removed ${stale} upload files left behind by a server that was stopped mid-upload`);
  const server = await startServer({
    app: hub.app,
    port,
    ...listen,
    onClose: async () => {
      await hub.federation.scheduler.stop();
      await hub.notifier.stop();
      mailer.close();
      await store.close();
    },
  });
  hub.federation.scheduler.start();
  await hub.notifier.start();
  console.error(`alerts: email ${mailer.kind === 'log' ? 'written to the log (set RAMPART_SMTP_URL to send it)' : 'sent through SMTP'}`);
  for (const { feed, error } of await hub.federation.credentialProblems()) console.error(`warning: feed "${feed.name}" (${feed.id}) cannot run: ${error.message}`);
  if (demoAccounts.length > 0) {
    console.log('\nDemo accounts (fictional; passwords kept in %s):', credentialsFile);
    for (const a of demoAccounts) console.log(`  ${a.email.padEnd(34)} ${a.password.padEnd(20)} ${a.role.padEnd(10)} ${a.org}`);
  }
  console.log(`\nRampart is listening on ${server.url}  (API ${server.url}/api/v1/openapi.json, TAXII ${server.url}/taxii2/)`);
  await server.stopped;
  return EXIT.ok;
}
