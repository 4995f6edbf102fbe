import type { FastifyInstance } from 'fastify';

export interface StartOptions {
  readonly app: FastifyInstance;
  readonly host: string;
  /** 0 picks a free port. */
  readonly port: number;
  /** Closed after the app, on shutdown (the store). */
  readonly onClose?: () => Promise<void>;
  /** Listen for SIGINT/SIGTERM and shut down gracefully (default true; tests pass false). */
  readonly handleSignals?: boolean;
}

export interface RunningServer {
  /** e.g. http://127.0.0.1:8080 */
  readonly url: string;
  /** Stops accepting connections, lets in-flight requests finish, then runs onClose. Safe to call twice. */
  readonly stop: () => Promise<void>;
  /** Resolves once the server has stopped (by stop() or a signal). */
  readonly stopped: Promise<void>;
}

/** Listens on host:port; SIGINT/SIGTERM close the app and then the store, and the process exits on its own. */
export async function startServer(options: StartOptions): Promise<RunningServer> {
  const { app } = options;
  await app.listen({ host: options.host, port: options.port });
  const address = app.server.address();
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
      try {
        await app.close();
      } finally {
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
  return { url: `http://${host}:${port}`, stop, stopped };
}
