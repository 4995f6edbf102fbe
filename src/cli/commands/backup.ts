import { Command } from 'commander';
import { isPostgresUrl } from '../../store/db.ts';
import { backupSqlite, type BackupSummary } from '../../store/backup.ts';
import { EXIT, resolveDatabaseUrl, withDbOption } from '../options.ts';

/** A PostgreSQL URL with its password masked, for a command line printed to copy. */
export function maskedUrl(url: string): string {
  return url.replace(/^(postgres(?:ql)?:\/\/[^:@/]*):[^@/]*@/, '$1:…@');
}

export function describeCopy(s: BackupSummary): string {
  return `${s.bytes.toLocaleString('en-US')} bytes, ${s.versions.toLocaleString('en-US')} STIX object versions, ${s.people.toLocaleString('en-US')} people`;
}

/** `rampart backup <file>`: an online copy of the SQLite database; for PostgreSQL, the pg_dump command to run. */
export function backupCommand(): Command {
  const command = new Command('backup')
    .description('Copy the database to a file while the hub keeps running (SQLite online backup); for PostgreSQL, print the pg_dump command')
    .argument('<file>', 'where to write the copy');
  return withDbOption(command).action(async (file: string, flags: { db?: string }) => {
    process.exitCode = await runBackup(file, flags);
  });
}

async function runBackup(file: string, flags: { db?: string }): Promise<number> {
  const url = resolveDatabaseUrl(flags);
  if (isPostgresUrl(url)) {
    process.stderr.write(`rampart backup copies SQLite databases; back up PostgreSQL with its own tool (it also copies a live database consistently):\n  pg_dump --format=custom --no-owner --file='${file}' '${maskedUrl(url)}'\nand restore with pg_restore --no-owner --clean --if-exists --dbname=<url> '${file}' (see docs/deployment.md)\n`);
    return EXIT.unusable;
  }
  if (url === ':memory:') {
    process.stderr.write('rampart backup: an in-memory database (:memory:) has nothing to copy; give --db the database file\n');
    return EXIT.unusable;
  }
  const done = await backupSqlite(url, file);
  if (!done.ok) {
    process.stderr.write(`rampart backup: ${done.error.message}\n`);
    return EXIT.unusable;
  }
  process.stdout.write(`backed up ${url} to ${file}: ${describeCopy(done.value)}\n`);
  process.stderr.write('keep the server key with it: secret.key beside the database (or RAMPART_SECRET_KEY) seals the TOTP secrets inside\n');
  return EXIT.ok;
}
