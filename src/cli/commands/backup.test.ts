import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import SqliteDatabase from 'better-sqlite3';
import { afterAll, describe, expect, it } from 'vitest';
import { spawnRampart } from '../../../test/helpers/cli.ts';
import { GREEN_A, obj, ORG_A, put } from '../../../test/helpers/stix-kit.ts';
import { createAuditLog } from '../../audit/audit-log.ts';
import { openStore } from '../../store/index.ts';

const dir = mkdtempSync(path.join(tmpdir(), 'rampart-backup-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));
const { RAMPART_DATABASE_URL: _callerDb, ...ENV } = process.env;
const rampart = (...args: string[]) => spawnRampart(args, { env: ENV });

/** A hub database with objects and a hash-chained audit log; the audit head it ends at. */
async function hubWithData(file: string): Promise<string> {
  const store = await openStore({ url: file });
  try {
    await put(store.stix, [obj({ name: 'phishing domain', sharing: GREEN_A }), obj({ name: 'rumour', sharing: GREEN_A })]);
    const log = createAuditLog(store);
    for (const action of ['sign-in', 'export', 'reshare'] as const) await log.record({ actorOrg: ORG_A, actorUser: null, action });
    return (await log.verify()).head.hash;
  } finally {
    await store.close();
  }
}

describe('rampart backup and restore', () => {
  it('round-trips a database: the restored audit chain verifies to the same head and the export is the same', async () => {
    const live = path.join(dir, 'live.sqlite');
    const head = await hubWithData(live);
    const file = path.join(dir, 'hub.backup');
    // Online: another connection holds the database open (as a running server does) while it is copied.
    const server = new SqliteDatabase(live);
    const backup = rampart('backup', file, '--db', live);
    server.close();
    expect(backup.stderr).toContain('keep the server key with it');
    expect(backup.status).toBe(0);
    expect(backup.stdout).toMatch(/^backed up .*live\.sqlite to .*hub\.backup: [\d,]+ bytes, 2 STIX object versions, 0 people\n$/);

    const restored = path.join(dir, 'restored.sqlite');
    const restore = rampart('restore', file, '--db', restored);
    expect(restore.status).toBe(0);
    expect(restore.stdout).toContain('2 STIX object versions');
    const verify = rampart('audit', 'verify', '--db', restored, '--expect-head', head);
    expect(verify.status).toBe(0);
    expect(verify.stdout).toContain(`audit log intact: 3 entries, head 3 ${head}`);
    const exported = (db: string) => {
      const out = path.join(dir, `${path.basename(db)}.json`);
      expect(rampart('export', '--db', db, '--out', out).status).toBe(0);
      return (JSON.parse(readFileSync(out, 'utf8')) as { objects: unknown[] }).objects;
    };
    expect(exported(restored)).toEqual(exported(live));
  });

  it('refuses to overwrite a database that holds data unless --force, one in use, and a file that is not a backup', async () => {
    const source = path.join(dir, 'source.sqlite');
    await hubWithData(source);
    const file = path.join(dir, 'source.backup');
    expect(rampart('backup', file, '--db', source).status).toBe(0);

    const target = path.join(dir, 'target.sqlite');
    const targetHead = await hubWithData(target);
    const refused = rampart('restore', file, '--db', target);
    expect(refused.status).toBe(2);
    expect(refused.stderr).toBe(`rampart restore: ${target} already holds data; restore into a new --db, or add --force to replace it (back it up first)\n`);
    expect(rampart('audit', 'verify', '--db', target, '--expect-head', targetHead).status).toBe(0);

    const open = new SqliteDatabase(target);
    open.pragma('journal_mode = WAL');
    const busy = rampart('restore', file, '--db', target, '--force');
    open.close();
    expect(busy.status).toBe(2);
    expect(busy.stderr).toContain('is in use by another process; stop rampart serve');

    expect(rampart('restore', file, '--db', target, '--force').status).toBe(0);
    expect(rampart('audit', 'verify', '--db', target).status).toBe(0);
    expect(rampart('audit', 'verify', '--db', target, '--expect-head', targetHead).status).toBe(1);

    const text = path.join(dir, 'notes.txt');
    writeFileSync(text, 'not a database');
    const wrong = rampart('restore', text, '--db', path.join(dir, 'new.sqlite'));
    expect(wrong.status).toBe(2);
    expect(wrong.stderr).toMatch(/^rampart restore: .*notes\.txt is not a Rampart backup \(.*\); give a file that rampart backup wrote\n$/);
  });

  it('prints the pg_dump and pg_restore commands for PostgreSQL, the password masked', () => {
    const url = 'postgres://rampart:s3cret@db.internal:5432/rampart';
    const backup = rampart('backup', 'hub.dump', '--db', url);
    expect(backup.status).toBe(2);
    expect(backup.stderr).toContain("pg_dump --format=custom --no-owner --file='hub.dump' 'postgres://rampart:…@db.internal:5432/rampart'");
    expect(rampart('restore', 'hub.dump', '--db', url).stderr).toContain("pg_restore --no-owner --clean --if-exists --dbname='postgres://rampart:…@db.internal:5432/rampart' 'hub.dump'");
    expect(backup.stderr + backup.stdout).not.toContain('s3cret');
  });
});
