import { spawnSync } from 'node:child_process';
import type { Command } from 'commander';
import { vi } from 'vitest';
import { RAMPART_BIN, ROOT } from './serve.ts';

export { RAMPART_BIN };

export interface CommandRun {
  /** process.exitCode as the command left it (undefined: it set none, i.e. 0). */
  readonly exit: number | string | undefined;
  readonly out: string;
  readonly err: string;
}

const text = (chunk: string | Uint8Array): string => (typeof chunk === 'string' ? chunk : Buffer.from(chunk).toString('utf8'));

/**
 * Runs a CLI command in this process (cheaper than a spawn) and collects what it prints and the exit
 * code it sets; stdout, stderr and process.exitCode are as they were afterwards.
 */
export async function runCommand(command: Command, args: readonly string[]): Promise<CommandRun> {
  let out = '';
  let err = '';
  vi.spyOn(process.stdout, 'write').mockImplementation((chunk: string | Uint8Array) => {
    out += text(chunk);
    return true;
  });
  vi.spyOn(process.stderr, 'write').mockImplementation((chunk: string | Uint8Array) => {
    err += text(chunk);
    return true;
  });
  process.exitCode = undefined;
  try {
    await command.parseAsync(args, { from: 'user' });
    return { exit: process.exitCode, out, err };
  } finally {
    process.exitCode = undefined;
    vi.restoreAllMocks();
  }
}

export interface ProcessRun {
  readonly status: number | null;
  readonly stdout: string;
  readonly stderr: string;
}

/** Runs `rampart ...args` in a child process from the repository root, as a user would. */
export function spawnRampart(args: readonly string[], options: { readonly env?: NodeJS.ProcessEnv } = {}): ProcessRun {
  const r = spawnSync(process.execPath, [RAMPART_BIN, ...args], { cwd: ROOT, encoding: 'utf8', timeout: 60_000, ...(options.env === undefined ? {} : { env: options.env }) });
  return { status: r.status, stdout: r.stdout, stderr: r.stderr };
}
