import { Command } from 'commander';
import { isPostgresUrl } from '../../store/db.ts';
import { restoreSqlite } from '../../store/backup.ts';
import { EXIT, resolveDatabaseUrl, withDbOption } from '../options.ts';
import { describeCopy, maskedUrl } from './backup.ts';

/** `rampart restore <file>`: puts a backup in place of the SQLite database, never over data unless --force. */
export function restoreCommand(): Command {
  const command = new Command('restore')
    .description('Replace the database with a backup made by rampart backup (stop rampart serve first); refuses a database that holds data unless --force')
    .argument('<file>', 'the backup file')
    .option('--force', 'replace a database that already holds data');
  return withDbOption(command).action(async (file: string, flags: { db?: string; force?: boolean }) => {
    process.exitCode = await runRestore(file, flags);
  });
}

async function runRestore(file: string, flags: { db?: string; force?: boolean }): Promise<number> {
  const url = resolveDatabaseUrl(flags);
  if (isPostgresUrl(url)) {
    process.stderr.write(`rampart restore puts SQLite backups in place; restore a pg_dump of PostgreSQL with its own tool:\n  pg_restore --no-owner --clean --if-exists --dbname='${maskedUrl(url)}' '${file}'\n`);
    return EXIT.unusable;
  }
  if (url === ':memory:') {
    process.stderr.write('rampart restore: give --db the database file to restore into\n');
    return EXIT.unusable;
  }
  const done = await restoreSqlite(file, url, { force: flags.force === true });
  if (!done.ok) {
    process.stderr.write(`rampart restore: ${done.error.message}\n`);
    return EXIT.unusable;
  }
  process.stdout.write(`restored ${file} into ${url}: ${describeCopy(done.value)}; check it with rampart audit verify\n`);
  return EXIT.ok;
}
