import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { sql } from 'kysely';
import { describe, expect, it } from 'vitest';
import { runCommand, type CommandRun } from '../../../test/helpers/cli.ts';
import { createAuditLog } from '../../audit/audit-log.ts';
import type { OrgId } from '../../domain/ids.ts';
import { openStore } from '../../store/index.ts';
import { auditCommand } from './audit.ts';

const ORG = 'identity--0a000000-0000-4000-8000-00000000000a' as OrgId;

function verify(db: string, ...extra: string[]): Promise<CommandRun> {
  return run('verify', '--db', db, ...extra);
}

function run(...args: string[]): Promise<CommandRun> {
  return runCommand(auditCommand(), args);
}

describe('rampart audit verify', () => {
  it('exits 0 on an intact log, 1 with one line per finding once an entry is edited, 1 on a wrong --expect-head, 2 on a malformed one', async () => {
    const db = path.join(mkdtempSync(path.join(tmpdir(), 'rampart-audit-')), 'r.sqlite');
    const store = await openStore({ url: db });
    const log = createAuditLog(store);
    for (const action of ['sign-in', 'export', 'sign-out'] as const) await log.record({ actorOrg: ORG, actorUser: null, action });
    const { head } = await log.verify();

    const intact = await verify(db, '--expect-head', head.hash);
    expect(intact.exit).toBe(0);
    expect(intact.out).toBe(`audit log intact: 3 entries, head 3 ${head.hash} (keep this hash elsewhere and pass it as --expect-head next time)\n`);

    await sql`update audit_entry set action = 'read' where seq = 2`.execute(store.database.db);
    await store.close();
    const broken = await verify(db);
    expect(broken.exit).toBe(1);
    expect(broken.out).toBe('edited at entry 2: entry 2 was changed after it was written: its hash no longer matches its content\naudit log BROKEN: 1 problem(s) in 3 entries\n');

    const rewritten = await verify(db, '--expect-head', 'f'.repeat(64), '--json');
    expect(rewritten.exit).toBe(1);
    expect(JSON.parse(rewritten.out)).toMatchObject({ entries: 3, headMismatch: true });

    const bad = await verify(db, '--expect-head', 'xyz');
    expect(bad.exit).toBe(2);
    expect(bad.err).toContain('--expect-head "xyz" is not');
  });
});

describe('rampart audit list', () => {
  it('prints every entry or one organization trail, and refuses bad flags', async () => {
    const db = path.join(mkdtempSync(path.join(tmpdir(), 'rampart-audit-')), 'r.sqlite');
    const store = await openStore({ url: db });
    const log = createAuditLog(store);
    const other = 'identity--0b000000-0000-4000-8000-00000000000b' as OrgId;
    await log.record({ actorOrg: ORG, actorUser: null, action: 'sign-in' });
    await log.record({ actorOrg: other, actorUser: null, action: 'export', details: { objects: 3 } });
    await store.close();

    const all = await run('list', '--db', db);
    expect(all.exit).toBe(0);
    expect(all.out.trim().split('\n').map((l) => l.split('\t')[2])).toEqual(['sign-in', 'export']);
    const mine = await run('list', '--db', db, '--org', other, '--json');
    expect(mine.out.trim().split('\n').map((l) => (JSON.parse(l) as { seq: number; details: unknown }))).toEqual([expect.objectContaining({ seq: 2, details: { objects: 3 } })]);
    const bad = await run('list', '--db', db, '--org', 'county-7');
    expect([bad.exit, bad.err]).toEqual([2, 'rampart audit list: --org "county-7" is not an organization id; expected identity--<uuid>\n']);
    expect((await run('list', '--db', db, '--limit', '0')).exit).toBe(2);
  });
});
