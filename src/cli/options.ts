import { createHash } from 'node:crypto';
import { mkdirSync, createReadStream } from 'node:fs';
import { stat } from 'node:fs/promises';
import path from 'node:path';
import { Option, type Command } from 'commander';
import { parseOrgId, type OrgId } from '../domain/ids.ts';
import { err, ok, type Result } from '../domain/result.ts';
import type { RampartStore } from '../store/index.ts';
import type { StixStore } from '../store/types.ts';
import { RAMPART_IDENTITY_ID } from '../stix/rampart-ids.ts';

/** Where the embedded SQLite database lives when neither --db nor RAMPART_DATABASE_URL says otherwise. */
export const DEFAULT_DATABASE = './data/rampart.sqlite';

/** Exit codes every command uses: 0 ok, 1 rejected objects or problems found, 2 unusable input. */
export const EXIT = { ok: 0, problems: 1, unusable: 2 } as const;

export interface DbOptions {
  readonly db?: string;
}

type Env = Readonly<Record<string, string | undefined>>;

/** Adds the shared `--db` option to a command. */
export function withDbOption(command: Command): Command {
  return command.addOption(new Option('--db <url>', `SQLite file path, :memory: or postgres:// URL (env RAMPART_DATABASE_URL; default ${DEFAULT_DATABASE})`));
}

/** --db, else RAMPART_DATABASE_URL, else the default file; creates the SQLite file's folder. */
export function resolveDatabaseUrl(options: DbOptions, env: Env = process.env): string {
  const url = options.db ?? env['RAMPART_DATABASE_URL'] ?? DEFAULT_DATABASE;
  if (!/^postgres(ql)?:\/\//.test(url) && url !== ':memory:') mkdirSync(path.dirname(path.resolve(url)), { recursive: true });
  return url;
}

/**
 * Where `rampart match` keeps its persisted index files (src/matching/persisted-index.ts): beside a SQLite file
 * (`<file>.match-index/`); for PostgreSQL under ./data/match-index/, one folder per database (its URL without the
 * password, hashed); none for an in-memory database.
 */
export function matchIndexDir(url: string): string | null {
  if (url === ':memory:') return null;
  if (!/^postgres(ql)?:\/\//.test(url)) return `${path.resolve(url)}.match-index`;
  const withoutPassword = url.replace(/^(postgres(?:ql)?:\/\/[^:@/]*):[^@/]*@/, '$1@');
  return path.resolve('data', 'match-index', createHash('sha256').update(withoutPassword).digest('hex').slice(0, 16));
}

/** What the CLI uses of the store that `openStore({ url })` (src/store/index.ts) returns. */
export interface OpenedStore {
  readonly stix: StixStore;
  close(): Promise<void>;
}

/** Opens the store named by --db / RAMPART_DATABASE_URL / the default SQLite file. */
export async function openStoreFromOptions(options: DbOptions, env: Env = process.env): Promise<RampartStore> {
  // Loaded when a command opens the store, so one that does not (or not yet) loads no query builder.
  const { openStore } = await import('../store/index.ts');
  return openStore({ url: resolveDatabaseUrl(options, env) });
}

/** The hub's own identity: owner of imported objects that name no creator and get no --owner. */
export function hubIdentity(env: Env = process.env): OrgId {
  const configured = env['RAMPART_HUB_IDENTITY'];
  const parsed = parseOrgId(configured ?? RAMPART_IDENTITY_ID);
  if (parsed.ok) return parsed.value;
  const builtIn = parseOrgId(RAMPART_IDENTITY_ID);
  // A constant of this code: failing to parse it is a bug, not an operator's mistake.
  if (!builtIn.ok) throw new Error(builtIn.error.message);
  return builtIn.value;
}

export interface InputFile {
  readonly stream: AsyncIterable<Uint8Array | string>;
  /** Size in bytes when known (a file), for progress. */
  readonly size: number | null;
  readonly name: string;
}

/** Opens `file` (or stdin for `-`) for streaming; an unreadable path is an error value. */
export async function openInput(file: string): Promise<Result<InputFile, string>> {
  if (file === '-') return ok({ stream: process.stdin, size: null, name: 'stdin' });
  try {
    const info = await stat(file);
    if (!info.isFile()) return err(`${file} is not a regular file`);
    return ok({ stream: createReadStream(file, { highWaterMark: 1 << 20 }), size: info.size, name: file });
  } catch (error) {
    return err(`cannot read ${file}: ${(error as NodeJS.ErrnoException).code ?? String(error)}`);
  }
}
