import { spawn, type ChildProcessWithoutNullStreams } from 'node:child_process';
import { fileURLToPath } from 'node:url';

// No vitest import here: bench/ starts servers with this module outside the test runner.

/** bin/rampart.mjs, the CLI as users start it. */
export const RAMPART_BIN = fileURLToPath(new URL('../../bin/rampart.mjs', import.meta.url));
/** The repository root. */
export const ROOT = fileURLToPath(new URL('../..', import.meta.url));

/** A `rampart serve` child process that is listening. */
export interface ServedProcess {
  readonly child: ChildProcessWithoutNullStreams;
  /** Where it listens, e.g. http://127.0.0.1:41234. */
  readonly url: string;
  /** What it wrote to standard output so far. */
  readonly stdout: () => string;
  /** What it wrote to standard error so far. */
  readonly stderr: () => string;
  /** Both, in the order they arrived. */
  readonly output: () => string;
  /** Every JSON line it wrote to standard output (its structured log). */
  readonly lines: () => Record<string, unknown>[];
}

export interface ServeOptions {
  /** The database: a SQLite file or a postgres:// URL. */
  readonly db: string;
  /**
   * The environment it runs with; process.env by default. Without RAMPART_DATABASE_KEEP_CONNECTIONS in it, the server opens its
   * PostgreSQL connections on demand: tests start many servers at once on one PostgreSQL, ten kept connections each would crowd it.
   */
  readonly env?: NodeJS.ProcessEnv;
  /** Words after `serve --port 0 --db <db>`, e.g. ['--demo']. */
  readonly args?: readonly string[];
  /** Keep only the last this many characters of each stream (a long benchmark); everything by default. */
  readonly keep?: number;
  /** Options for node itself, before the script (e.g. ['--cpu-prof', '--cpu-prof-dir=/tmp/p'] to profile a benchmark's servers). */
  readonly nodeArgs?: readonly string[];
}

/** The environment without the named variables (a caller's own secret key, NATS or SMTP address must not leak into a test's server). */
export function envWithout(names: readonly string[], env: NodeJS.ProcessEnv = process.env): NodeJS.ProcessEnv {
  return Object.fromEntries(Object.entries(env).filter(([name]) => !names.includes(name)));
}

/** Starts `rampart serve` on a free port of 127.0.0.1 in a child process; resolves once it says where it listens, rejects if it exits first. */
export async function startServe(options: ServeOptions): Promise<ServedProcess> {
  const child = spawn(process.execPath, [...(options.nodeArgs ?? []), RAMPART_BIN, 'serve', '--port', '0', '--db', options.db, ...(options.args ?? [])], { cwd: ROOT, env: { RAMPART_DATABASE_KEEP_CONNECTIONS: 'false', ...(options.env ?? process.env) } });
  const keep = (text: string) => (options.keep === undefined ? text : text.slice(-options.keep));
  let out = '';
  let err = '';
  let both = '';
  child.stderr.on('data', (chunk: Buffer) => {
    err = keep(err + chunk.toString());
    both = keep(both + chunk.toString());
  });
  const url = await new Promise<string>((resolve, reject) => {
    child.stdout.on('data', (chunk: Buffer) => {
      out = keep(out + chunk.toString());
      both = keep(both + chunk.toString());
      const found = /listening on (http:\/\/127\.0\.0\.1:\d+)/.exec(out);
      if (found?.[1] !== undefined) resolve(found[1]);
    });
    child.once('exit', (code) => reject(new Error(`rampart serve exited with ${String(code)}: ${err}`)));
  });
  const lines = () =>
    out.split('\n').flatMap((line) => {
      if (!line.startsWith('{')) return [];
      try {
        return [JSON.parse(line) as Record<string, unknown>];
      } catch {
        return [];
      }
    });
  return { child, url, stdout: () => out, stderr: () => err, output: () => both, lines };
}

/** Stops the process with `signal` (SIGTERM: a graceful stop) and resolves with its exit code once it has exited. */
export async function stopServe(served: ServedProcess, signal: NodeJS.Signals = 'SIGTERM'): Promise<number | null> {
  if (served.child.exitCode !== null || served.child.signalCode !== null) return served.child.exitCode;
  const exited = new Promise<number | null>((resolve) => served.child.once('exit', resolve));
  served.child.kill(signal);
  return exited;
}
