import { spawn } from 'node:child_process';
import { sql } from 'kysely';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { OrgId, UserId } from '../domain/ids.ts';
import { openDatabase, type Database } from '../store/db.ts';
import { migrateToLatest } from '../store/migrations/index.ts';
import { testDatabase, testDialects, type TestDatabase } from '../../test/helpers/store.ts';
import { createAuditLog, type AuditLog } from './audit-log.ts';
import { canonicalJson } from './entry.ts';

const ORG_A = 'identity--0a000000-0000-4000-8000-00000000000a' as OrgId;
const ORG_B = 'identity--0b000000-0000-4000-8000-00000000000b' as OrgId;
const USER = '11111111-0000-4000-8000-000000000000' as UserId;

describe.each(testDialects())('audit log on %s', (dialect) => {
  let test: TestDatabase;
  let database: Database<unknown>;
  let log: AuditLog;
  let tick = 0;

  beforeEach(async () => {
    test = testDatabase(dialect);
    database = await openDatabase<unknown>(test.url);
    await migrateToLatest(database.db);
    tick = 0;
    log = createAuditLog({ database }, { now: () => new Date(Date.UTC(2026, 10, 3, 12, 0, tick++)) });
  });
  afterEach(async () => {
    await database.close();
    await test.drop();
  });

  async function five(): Promise<void> {
    await log.record({ actorOrg: ORG_A, actorUser: USER, action: 'sign-in' });
    await log.record({ actorOrg: ORG_A, actorUser: USER, action: 'share', objectId: 'indicator--1', subjectOrg: ORG_A, details: { tlp: 'amber', audience: ['state:06'] } });
    await log.record({ actorOrg: ORG_B, actorUser: null, action: 'read', objectId: 'indicator--1', subjectOrg: ORG_A, details: { tlp: 'amber' } });
    await log.record({ actorOrg: ORG_A, actorUser: USER, action: 'revoke', objectId: 'indicator--1', subjectOrg: ORG_A });
    await log.record({ actorOrg: ORG_B, actorUser: null, action: 'export', details: { objects: 12 } });
  }

  const run = (query: ReturnType<typeof sql>) => query.execute(database.db);

  it('verifies an untouched chain, and an empty one', async () => {
    expect(await log.verify()).toEqual({ entries: 0, head: { seq: 0, hash: '0'.repeat(64) }, findings: [] });
    await five();
    const report = await log.verify();
    expect(report.entries).toBe(5);
    expect(report.head.seq).toBe(5);
    expect(report.findings).toEqual([]);
  });

  it('seals entries of any text as the log hashes them (PostgreSQL hashes in the appending statement), appended alone or together', async () => {
    const odd = { county: 'Doña Ana County', note: 'Ballot drop box — “closed” 🗳️', quote: 'a "b" \\ c\n' };
    await log.record({ actorOrg: ORG_A, actorUser: USER, action: 'read', objectId: 'indicator--ñ', subjectOrg: ORG_B, details: odd });
    await log.recordAll([
      { actorOrg: ORG_B, actorUser: null, action: 'read', subjectOrg: ORG_A, details: { ...odd, i: 1 } },
      { actorOrg: ORG_B, actorUser: null, action: 'read', objectId: null, subjectOrg: null },
      { actorOrg: ORG_A, actorUser: USER, action: 'export', details: { objects: 2, names: ['Ωmega', '日本'] } },
    ]);
    const report = await log.verify();
    expect([report.entries, report.head.seq, report.findings]).toEqual([4, 4, []]);
    const entries = await log.entries(0, 10);
    expect(entries.map((e) => [e.seq, e.actor_org, e.object_id, e.subject_org])).toEqual([
      [1, ORG_A, 'indicator--ñ', ORG_B],
      [2, ORG_B, null, ORG_A],
      [3, ORG_B, null, null],
      [4, ORG_A, null, null],
    ]);
    expect(entries[0]?.details).toEqual(odd);
    expect(report.head.hash).toBe(entries[3]?.hash);
  });

  it('finds an edited entry', async () => {
    await five();
    await run(sql`update audit_entry set details = ${canonicalJson({ tlp: 'clear' })} where seq = 3`);
    expect((await log.verify()).findings).toEqual([{ kind: 'edited', seq: 3, message: 'entry 3 was changed after it was written: its hash no longer matches its content' }]);
  });

  it('finds an edited actor', async () => {
    await five();
    await run(sql`update audit_entry set actor_org = ${ORG_A} where seq = 5`);
    expect((await log.verify()).findings.map((f) => [f.kind, f.seq])).toEqual([['edited', 5]]);
  });

  it('finds a dropped entry in the middle', async () => {
    await five();
    await run(sql`delete from audit_entry where seq = 3`);
    expect((await log.verify()).findings).toEqual([{ kind: 'dropped', seq: 4, message: 'the entry written just before entry 4 is missing' }]);
  });

  it('finds a dropped first entry, even when the rest are renumbered', async () => {
    await five();
    await run(sql`delete from audit_entry where seq = 1`);
    for (const seq of [2, 3, 4, 5]) await run(sql`update audit_entry set seq = ${seq - 1} where seq = ${seq}`);
    expect((await log.verify()).findings).toEqual([{ kind: 'dropped', seq: 1, message: 'the entry written just before entry 1 is missing' }]);
  });

  it('finds dropped entries at the end', async () => {
    await five();
    await run(sql`delete from audit_entry where seq >= 4`);
    expect((await log.verify()).findings).toEqual([
      { kind: 'dropped', seq: 5, message: 'the log ends at entry 3 but was last written at entry 5: entries at the end are missing' },
    ]);
  });

  it('finds two swapped entries', async () => {
    await five();
    await run(sql`update audit_entry set seq = 100 where seq = 2`);
    await run(sql`update audit_entry set seq = 2 where seq = 3`);
    await run(sql`update audit_entry set seq = 3 where seq = 100`);
    expect((await log.verify()).findings).toEqual([
      { kind: 'reordered', seq: 2, message: 'entry 2 is out of order: it was written right after entry 3' },
      { kind: 'reordered', seq: 3, message: 'entry 3 is out of order: it was written right after entry 1' },
      { kind: 'reordered', seq: 4, message: 'entry 4 is out of order: it was written right after entry 2' },
    ]);
  });

  it('gives an organization its own trail: what it did and what was done with its objects', async () => {
    await five();
    const a = await log.trail(ORG_A, 0, 100);
    expect(a.map((e) => [e.seq, e.action])).toEqual([
      [1, 'sign-in'],
      [2, 'share'],
      [3, 'read'],
      [4, 'revoke'],
    ]);
    expect(a[1]?.details).toEqual({ audience: ['state:06'], tlp: 'amber' });
    const b = await log.trail(ORG_B, 0, 100);
    expect(b.map((e) => e.seq)).toEqual([3, 5]);
    expect((await log.trail(ORG_A, 2, 1)).map((e) => e.seq)).toEqual([3]);
  });

  // SQLite only: PostgreSQL's pool already appends over several connections in the test below.
  it.runIf(dialect === 'sqlite')('keeps one chain when two processes append at once', async () => {
    const startAt = String(Date.now() + 4000);
    const append = (tag: string) =>
      new Promise<number | null>((resolve) => {
        const child = spawn(process.execPath, ['bin/run-ts.mjs', 'test/helpers/audit-append.ts', test.url, '200', tag, startAt], { stdio: 'inherit' });
        child.on('exit', resolve);
      });
    expect(await Promise.all([append('a'), append('b')])).toEqual([0, 0]);
    const report = await log.verify();
    expect([report.entries, report.head.seq, report.findings]).toEqual([400, 400, []]);
  });

  it('keeps one chain under concurrent appends', async () => {
    await Promise.all(Array.from({ length: 20 }, (_, i) => log.record({ actorOrg: ORG_A, actorUser: null, action: 'read', details: { i } })));
    const report = await log.verify();
    expect(report.entries).toBe(20);
    expect(report.findings).toEqual([]);
  });

  it('appends several entries together, in order and chained, among single appends made at the same time', async () => {
    const many = (n: number) => Array.from({ length: 3 }, (_, j) => ({ actorOrg: ORG_B, actorUser: null, action: 'read' as const, subjectOrg: ORG_A, details: { n, j } }));
    await Promise.all([
      ...Array.from({ length: 6 }, (_, i) => log.recordAll(many(i))),
      ...Array.from({ length: 6 }, (_, i) => log.record({ actorOrg: ORG_A, actorUser: null, action: 'read', details: { i } })),
      log.recordAll([]),
    ]);
    const report = await log.verify();
    expect([report.entries, report.head.seq, report.findings]).toEqual([24, 24, []]);
    const entries = await log.entries(0, 100);
    expect(entries.map((e) => e.seq)).toEqual(Array.from({ length: 24 }, (_, i) => i + 1));
    // Each run of three stays together and in its order.
    for (let n = 0; n < 6; n++) {
      const run = entries.filter((e) => e.details['n'] === n);
      expect(run.map((e) => e.details['j'])).toEqual([0, 1, 2]);
      expect(run.map((e) => e.seq)).toEqual([run[0]?.seq, (run[0]?.seq ?? 0) + 1, (run[0]?.seq ?? 0) + 2]);
      expect(run.every((e) => e.subject_org === ORG_A && e.action === 'read')).toBe(true);
    }
  });
});
