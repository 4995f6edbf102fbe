import { existsSync, renameSync, rmSync, statSync } from 'node:fs';
import path from 'node:path';
import SqliteDatabase from 'better-sqlite3';
import { err, ok, type Result } from '../domain/result.ts';

/** Why a backup or a restore could not be made; `message` says what to do. */
export interface BackupProblem {
  readonly code: 'not-a-rampart-backup' | 'target-not-empty' | 'target-in-use' | 'source-missing' | 'backup-failed';
  readonly message: string;
}

/** What a copy holds, to tell the operator: its size and how many STIX object versions and people are in it. */
export interface BackupSummary {
  readonly bytes: number;
  readonly versions: number;
  readonly people: number;
}

const count = (db: SqliteDatabase.Database, table: string): number => {
  const exists = db.prepare(`select 1 from sqlite_master where type = 'table' and name = ?`).get(table) !== undefined;
  return exists ? Number((db.prepare(`select count(*) as n from "${table}"`).get() as { n: number }).n) : 0;
};

function summary(file: string): BackupSummary {
  const db = new SqliteDatabase(file, { readonly: true, fileMustExist: true });
  try {
    return { bytes: statSync(file).size, versions: count(db, 'stix_version'), people: count(db, 'account_user') };
  } finally {
    db.close();
  }
}

/**
 * Copies a live SQLite database to `target` with SQLite's online backup (better-sqlite3's backup API): pages are
 * copied while the server keeps reading and writing, and the copy is one consistent moment of the database.
 * Written beside the target and renamed into place, so a cut-short backup never leaves a half file under its name.
 */
export async function backupSqlite(source: string, target: string): Promise<Result<BackupSummary, BackupProblem>> {
  if (!existsSync(source)) return err({ code: 'source-missing', message: `there is no database at ${source}; check --db or RAMPART_DATABASE_URL` });
  const partial = `${target}.partial-${process.pid}`;
  const db = new SqliteDatabase(source, { fileMustExist: true });
  try {
    db.pragma('busy_timeout = 10000');
    await db.backup(partial);
  } catch (error) {
    rmSync(partial, { force: true });
    return err({ code: 'backup-failed', message: `the backup failed: ${(error as Error).message}` });
  } finally {
    db.close();
  }
  renameSync(partial, target);
  return ok(summary(target));
}

/** The Rampart tables a backup must hold (the migrations' own table names the schema's version). */
const REQUIRED = ['rampart_migration', 'stix_version', 'audit_entry'];

/** Whether `file` is a readable SQLite database with Rampart's tables in it. */
function checkBackup(file: string): Result<void, BackupProblem> {
  const refused = (why: string): Result<void, BackupProblem> => err({ code: 'not-a-rampart-backup', message: `${file} is not a Rampart backup (${why}); give a file that rampart backup wrote` });
  if (!existsSync(file)) return refused('no such file');
  let db: SqliteDatabase.Database | null = null;
  try {
    db = new SqliteDatabase(file, { readonly: true, fileMustExist: true });
    const integrity = db.pragma('quick_check', { simple: true });
    if (integrity !== 'ok') return refused(`SQLite finds it damaged: ${String(integrity)}`);
    for (const table of REQUIRED) {
      if (db.prepare(`select 1 from sqlite_master where type = 'table' and name = ?`).get(table) === undefined) return refused(`it has no ${table} table`);
    }
    return ok(undefined);
  } catch (error) {
    return refused((error as Error).message);
  } finally {
    db?.close();
  }
}

/** Tables whose rows are data someone would miss (a first start's seeded organizations count). */
const DATA_TABLES = ['organization', 'account_user', 'stix_version', 'audit_entry'];

function isEmpty(db: SqliteDatabase.Database): boolean {
  const exists = (table: string) => db.prepare(`select 1 from sqlite_master where type = 'table' and name = ?`).get(table) !== undefined;
  return DATA_TABLES.every((table) => !exists(table) || db.prepare(`select 1 from "${table}" limit 1`).get() === undefined);
}

/**
 * Replaces the SQLite database at `target` with a backup. Refuses a target that holds anything unless `force`, and a
 * target another process has open (stop rampart serve first). The backup is copied beside the target and renamed
 * over it, its old write-ahead log removed, so the target is either the old database or the whole backup.
 */
export async function restoreSqlite(backup: string, target: string, options: { readonly force: boolean }): Promise<Result<BackupSummary, BackupProblem>> {
  const checked = checkBackup(backup);
  if (!checked.ok) return checked;
  if (path.resolve(backup) === path.resolve(target)) return err({ code: 'not-a-rampart-backup', message: 'the backup and the database are the same file; restore into another --db' });
  if (existsSync(target)) {
    const db = new SqliteDatabase(target, { fileMustExist: true });
    try {
      // Leaving WAL mode needs the only connection to the file: refused at once while a server has it open.
      try {
        db.pragma('busy_timeout = 0');
        if (db.pragma('journal_mode = DELETE', { simple: true }) !== 'delete') throw new Error('still in WAL mode');
      } catch {
        return err({ code: 'target-in-use', message: `${target} is in use by another process; stop rampart serve (every process on this database) and restore again` });
      }
      if (!options.force && !isEmpty(db)) return err({ code: 'target-not-empty', message: `${target} already holds data; restore into a new --db, or add --force to replace it (back it up first)` });
    } finally {
      db.close();
    }
  }
  const partial = `${target}.restoring-${process.pid}`;
  const source = new SqliteDatabase(backup, { readonly: true, fileMustExist: true });
  try {
    await source.backup(partial);
  } catch (error) {
    rmSync(partial, { force: true });
    return err({ code: 'backup-failed', message: `the restore failed, ${target} is unchanged: ${(error as Error).message}` });
  } finally {
    source.close();
  }
  // A write-ahead log left beside the old database would be replayed into the restored one.
  for (const suffix of ['-wal', '-shm']) rmSync(`${target}${suffix}`, { force: true });
  renameSync(partial, target);
  return ok(summary(target));
}
