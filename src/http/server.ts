import { isIP } from 'node:net';
import { createServer as createTlsServer, type Server as TlsServer } from 'node:tls';
import type { FastifyInstance } from 'fastify';
import { err, ok, type Result } from '../domain/result.ts';

/** HTTPS: a PEM certificate (chain) and its private key; TLS 1.2 minimum, TLS 1.3 preferred. */
export interface TlsOptions {
  readonly cert: string | Buffer;
  readonly key: string | Buffer;
}

export interface StartOptions {
  readonly app: FastifyInstance;
  readonly host: string;
  /** 0 picks a free port. */
  readonly port: number;
  /** Serve HTTPS with this certificate and key (`rampart serve --tls-cert --tls-key`). */
  readonly tls?: TlsOptions;
  /** Allow plain HTTP on a host other than loopback (`--allow-plain-http`, e.g. behind a TLS proxy). */
  readonly allowPlainHttp?: boolean;
  /** Closed after the app, on shutdown (the store). */
  readonly onClose?: () => Promise<void>;
  /** Listen for SIGINT/SIGTERM and shut down gracefully (default true; tests pass false). */
  readonly handleSignals?: boolean;
  /** How long requests in progress may run once stopping, before their connections are closed (default 10 s). */
  readonly graceMs?: number;
}

const SHUTDOWN_GRACE_MS = 10_000;
const SWEEP_MS = 100;

export interface RunningServer {
  /** e.g. http://127.0.0.1:8080 or https://0.0.0.0:8443 */
  readonly url: string;
  /** Stops accepting connections, lets in-flight requests finish (up to the grace period), then runs onClose. Safe to call twice. */
  readonly stop: () => Promise<void>;
  /** Resolves once the server has stopped (by stop() or a signal). */
  readonly stopped: Promise<void>;
}

/**
 * Cipher suites for TLS 1.2: forward-secret AEAD only, none on the RFC 7540 Appendix A blacklist
 * (TAXII 2.1 §8.2.2). TLS 1.3 suites are all AEAD; Node never accepts 0-RTT early data.
 */
export const TLS12_CIPHERS = [
  'ECDHE-ECDSA-AES128-GCM-SHA256',
  'ECDHE-RSA-AES128-GCM-SHA256',
  'ECDHE-ECDSA-AES256-GCM-SHA384',
  'ECDHE-RSA-AES256-GCM-SHA384',
  'ECDHE-ECDSA-CHACHA20-POLY1305',
  'ECDHE-RSA-CHACHA20-POLY1305',
].join(':');

/** Whether `host` only accepts connections from this machine. */
export function isLoopback(host: string): boolean {
  const h = host.replace(/^\[(.*)\]$/, '$1').toLowerCase();
  if (h === 'localhost' || h === '::1') return true;
  return isIP(h) === 4 && h.startsWith('127.');
}

/** Refuses plain HTTP on a non-loopback host unless asked: API keys and TLP:AMBER must not cross a network in clear. */
export function checkListen(options: Pick<StartOptions, 'host' | 'tls' | 'allowPlainHttp'>): Result<void, { readonly code: 'plain-http-refused'; readonly message: string }> {
  if (options.tls !== undefined || options.allowPlainHttp === true || isLoopback(options.host)) return ok(undefined);
  return err({
    code: 'plain-http-refused',
    message: `Refusing plain HTTP on ${options.host}: give --tls-cert and --tls-key, listen on 127.0.0.1, or pass --allow-plain-http when a TLS proxy sits in front`,
  });
}

function listenTls(app: FastifyInstance, tls: TlsOptions, host: string, port: number): Promise<TlsServer> {
  // TLS terminates here and each decrypted socket goes to the app's own HTTP server, so Fastify
  // keeps its connection handling and sees request.protocol === 'https'.
  const server = createTlsServer(
    { cert: tls.cert, key: tls.key, minVersion: 'TLSv1.2', maxVersion: 'TLSv1.3', ciphers: TLS12_CIPHERS, honorCipherOrder: true, ALPNProtocols: ['http/1.1'] },
    (socket) => app.server.emit('connection', socket),
  );
  return new Promise((resolve, reject) => {
    server.once('error', reject);
    server.listen(port, host, () => {
      server.off('error', reject);
      resolve(server);
    });
  });
}

/** Listens on host:port (HTTPS with `tls`); SIGINT/SIGTERM close the app and then the store, and the process exits on its own. */
export async function startServer(options: StartOptions): Promise<RunningServer> {
  const { app } = options;
  const allowed = checkListen(options);
  if (!allowed.ok) throw new Error(allowed.error.message);
  let tlsServer: TlsServer | null = null;
  if (options.tls === undefined) {
    await app.listen({ host: options.host, port: options.port });
  } else {
    await app.ready();
    tlsServer = await listenTls(app, options.tls, options.host, options.port);
  }
  const address = (tlsServer ?? app.server).address();
  const port = typeof address === 'object' && address !== null ? address.port : options.port;
  const host = options.host.includes(':') ? `[${options.host}]` : options.host;

  let stopping: Promise<void> | null = null;
  let markStopped: () => void = () => undefined;
  const stopped = new Promise<void>((resolve) => {
    markStopped = resolve;
  });
  const onSignal = (signal: NodeJS.Signals) => {
    app.log.info({ signal }, 'shutting down');
    void stop();
  };
  const stop = (): Promise<void> => {
    stopping ??= (async () => {
      process.off('SIGINT', onSignal);
      process.off('SIGTERM', onSignal);
      const tlsClosed = tlsServer === null ? Promise.resolve() : new Promise<void>((resolve) => tlsServer?.close(() => resolve()));
      // A response that finishes during the close (a live feed ended by preClose) leaves its keep-alive
      // connection idle after Fastify's one sweep, holding the close for the keep-alive timeout (72 s):
      // sweep idle connections until closed, and after the grace period close every connection.
      const sweep = setInterval(() => app.server.closeIdleConnections(), SWEEP_MS);
      const deadline = setTimeout(() => app.server.closeAllConnections(), options.graceMs ?? SHUTDOWN_GRACE_MS);
      try {
        await app.close();
        await tlsClosed;
      } finally {
        clearInterval(sweep);
        clearTimeout(deadline);
        await options.onClose?.();
        markStopped();
      }
    })();
    return stopping;
  };
  if (options.handleSignals !== false) {
    process.once('SIGINT', onSignal);
    process.once('SIGTERM', onSignal);
  }
  return { url: `${tlsServer === null ? 'http' : 'https'}://${host}:${port}`, stop, stopped };
}
