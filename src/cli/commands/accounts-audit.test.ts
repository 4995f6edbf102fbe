import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import type { Command } from 'commander';
import { describe, expect, it } from 'vitest';
import { runCommand } from '../../../test/helpers/cli.ts';
import { createAuditLog } from '../../audit/audit-log.ts';
import { openStore } from '../../store/index.ts';
import { apikeyCommand } from './apikey.ts';
import { orgCommand } from './org.ts';
import { userCommand } from './user.ts';

const PASSWORD = 'a long enough passphrase';

async function entries(db: string): Promise<{ action: string; actor_user: string | null; detail: unknown }[]> {
  const store = await openStore({ url: db });
  try {
    const log = createAuditLog(store);
    expect((await log.verify()).findings).toEqual([]);
    return (await log.entries(0, 1000)).map((e) => ({ action: e.action, actor_user: e.actor_user, detail: e.details['detail'] }));
  } finally {
    await store.close();
  }
}

describe('the operator CLI in the audit log', () => {
  it('records organization, person and API-key changes in the hash-chained log, and nothing for refused commands', async () => {
    const db = path.join(mkdtempSync(path.join(tmpdir(), 'rampart-cli-audit-')), 'r.sqlite');
    const run = async (command: () => Command, args: string[], exit = 0) => expect((await runCommand(command(), [...args.slice(0, 1), '--db', db, ...args.slice(1)])).exit, args.join(' ')).toBe(exit);
    await run(orgCommand, ['add', '--kind', 'local', '--name', 'Town of Madison Clerk', '--state', '55']);
    const afterFirst = await entries(db);
    await run(orgCommand, ['add', '--kind', 'local', '--name', 'Town of Madison Clerk', '--state', '55'], 1);
    await run(userCommand, ['add', '--org', 'Atlantis', '--email', 'c@x.gov', '--name', 'C', '--password', PASSWORD], 2);
    expect(await entries(db)).toEqual(afterFirst);

    await run(orgCommand, ['update', 'WI', '--name', 'Wisconsin Elections Commission']);
    await run(userCommand, ['add', '--org', 'WI', '--email', 'admin@wi.example.gov', '--name', 'WI Admin', '--role', 'org-admin', '--password', PASSWORD]);
    await run(apikeyCommand, ['create', '--user', 'admin@wi.example.gov', '--scope', 'write']);
    await run(userCommand, ['password', 'admin@wi.example.gov', '--password', 'a new long passphrase']);
    await run(userCommand, ['reset-totp', 'admin@wi.example.gov']);
    await run(userCommand, ['disable', 'admin@wi.example.gov']);
    await run(orgCommand, ['load-counties', '--state', '56']);

    const log = await entries(db);
    expect(log.map((e) => e.action)).toEqual(['org-created', 'org-settings-changed', 'user-created', 'key-created', 'password-changed', 'account-changed', 'user-disabled', 'org-created']);
    // The operator acts as no person.
    expect(log.every((e) => e.actor_user === null)).toBe(true);
    expect(log[0]?.detail).toBe('local Town of Madison Clerk');
    expect(log[7]?.detail).toMatch(/^loaded \d+ counties as local election jurisdictions of state 56$/);
  });
});
