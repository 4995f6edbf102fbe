import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import type { Command } from 'commander';
import { describe, expect, it } from 'vitest';
import { runCommand, type CommandRun } from '../../../test/helpers/cli.ts';
import { createAuthService } from '../../auth/service.ts';
import { totpCode } from '../../auth/totp.ts';
import { openStore } from '../../store/index.ts';
import { apikeyCommand } from './apikey.ts';
import { orgCommand } from './org.ts';
import { userCommand } from './user.ts';

function cli(command: () => Command, args: string[]): Promise<CommandRun> {
  return runCommand(command(), args);
}

const PASSWORD = 'a long enough passphrase';

describe('rampart org / user / apikey', () => {
  it('adds organizations and people, disables them, and creates keys printed once', async () => {
    const db = path.join(mkdtempSync(path.join(tmpdir(), 'rampart-accounts-cli-')), 'r.sqlite');
    const listed = await cli(orgCommand, ['list', '--db', db, '--state', '55']);
    expect(listed.exit).toBe(0);
    expect(listed.out).toMatch(/identity--\S+ +state +55 +Wisconsin \(WI\)\n/);

    const added = await cli(orgCommand, ['add', '--db', db, '--kind', 'local', '--name', 'Town of Madison Clerk', '--state', '55']);
    expect(added.exit).toBe(0);
    expect(added.out).toMatch(/^Added local organization "Town of Madison Clerk": identity--/);
    expect((await cli(orgCommand, ['add', '--db', db, '--kind', 'local', '--name', 'Town of Madison Clerk', '--state', '55'])).exit).toBe(1);
    const wrongState = await cli(orgCommand, ['add', '--db', db, '--kind', 'local', '--name', 'X', '--state', '55', '--county', '17031']);
    expect(wrongState).toMatchObject({ exit: 2, err: 'rampart org add: county 17031 is not in Wisconsin (its FIPS code must start with 55) (invalid-organization)\n' });
    expect((await cli(orgCommand, ['add', '--db', db, '--kind', 'state', '--name', 'X', '--state', 'WI'])).exit).toBe(2);

    const renamed = await cli(orgCommand, ['update', '--db', db, 'WI', '--name', 'Wisconsin Elections Commission']);
    expect(renamed).toMatchObject({ exit: 0, out: expect.stringMatching(/^Updated identity--\S+: Wisconsin Elections Commission \(WI\)\n$/) as unknown });
    expect((await cli(orgCommand, ['update', '--db', db, 'WI'])).exit).toBe(2);
    expect((await cli(orgCommand, ['update', '--db', db, 'Atlantis', '--name', 'X'])).exit).toBe(1);

    const user = await cli(userCommand, ['add', '--db', db, '--org', 'WI', '--email', 'Admin@wi.example.gov', '--name', 'WI Admin', '--role', 'org-admin', '--password', PASSWORD]);
    expect(user.exit).toBe(0);
    expect(user.out).toMatch(/^Added admin@wi\.example\.gov \(org-admin\) to Wisconsin Elections Commission: user [0-9a-f-]{36}\n$/);
    const short = await cli(userCommand, ['add', '--db', db, '--org', 'WI', '--email', 'b@wi.example.gov', '--name', 'B', '--password', 'short']);
    expect(short.exit).toBe(2);
    expect(short.err).toContain('at least 12 characters');
    const noOrg = await cli(userCommand, ['add', '--db', db, '--org', 'Atlantis', '--email', 'c@x.gov', '--name', 'C', '--password', PASSWORD]);
    expect(noOrg.exit).toBe(2);
    expect((await cli(userCommand, ['add', '--db', db, '--org', 'WI', '--email', 'admin@wi.example.gov', '--name', 'again', '--password', PASSWORD])).exit).toBe(1);

    const key = await cli(apikeyCommand, ['create', '--db', db, '--user', 'admin@wi.example.gov', '--scope', 'write']);
    expect(key.exit).toBe(0);
    expect(key.out).toMatch(/^rk_[0-9a-f]{16}_[A-Za-z0-9_-]{43}\n$/);
    expect((await cli(apikeyCommand, ['create', '--db', db, '--user', 'nobody@example.gov'])).exit).toBe(1);
    expect((await cli(apikeyCommand, ['create', '--db', db, '--user', 'admin@wi.example.gov', '--expires', 'tomorrow'])).exit).toBe(2);

    const store = await openStore({ url: db });
    try {
      const auth = createAuthService(store);
      expect((await auth.apiKey(key.out.trim()))?.scope).toBe('write');
      const people = await cli(userCommand, ['list', '--db', db]);
      expect(people.out).toContain('admin@wi.example.gov  org-admin  active        Wisconsin Elections Commission');
      expect((await cli(userCommand, ['password', '--db', db, 'admin@wi.example.gov', '--password', 'short'])).exit).toBe(2);
      expect((await cli(userCommand, ['password', '--db', db, 'ghost@wi.example.gov', '--password', 'a new long passphrase'])).exit).toBe(1);
      const reset = await cli(userCommand, ['password', '--db', db, 'admin@wi.example.gov', '--password', 'a new long passphrase']);
      expect(reset).toMatchObject({ exit: 0, out: 'New password set for admin@wi.example.gov; their sessions have ended\n' });
      expect((await auth.signIn({ email: 'admin@wi.example.gov', password: 'a new long passphrase' }, { ip: '127.0.0.1', userAgent: null })).ok).toBe(true);
      expect((await cli(userCommand, ['disable', '--db', db, 'admin@wi.example.gov'])).exit).toBe(0);
      expect(await auth.apiKey(key.out.trim())).toBeNull();
      expect((await cli(userCommand, ['disable', '--db', db, 'ghost@wi.example.gov'])).exit).toBe(1);
    } finally {
      await store.close();
    }
  });

  it('reset-totp removes a person\'s authenticator so that they sign in with their password again', async () => {
    const db = path.join(mkdtempSync(path.join(tmpdir(), 'rampart-accounts-cli-')), 'r.sqlite');
    const email = 'clerk@wi.example.gov';
    expect((await cli(userCommand, ['add', '--db', db, '--org', 'WI', '--email', email, '--name', 'Clerk', '--password', PASSWORD])).exit).toBe(0);
    const store = await openStore({ url: db });
    try {
      const auth = createAuthService(store);
      const signIn = (totp?: string) => auth.signIn({ email, password: PASSWORD, ...(totp === undefined ? {} : { totp }) }, { ip: '127.0.0.1', userAgent: null });
      const clerk = await auth.context.accounts.userByEmail(email);
      if (clerk === null) throw new Error('not stored');
      const enrolment = await auth.enrolTotp(clerk);
      if (!enrolment.ok) throw new Error(enrolment.error.message);
      expect((await auth.confirmTotp(clerk, totpCode(enrolment.value.secret, new Date()))).ok).toBe(true);
      expect((await cli(userCommand, ['list', '--db', db])).out).toContain(`${email}  analyst    active, TOTP`);
      const refused = await signIn();
      expect(refused.ok ? null : refused.error.code).toBe('invalid-credentials');

      const reset = await cli(userCommand, ['reset-totp', '--db', db, email.toUpperCase()]);
      expect(reset).toMatchObject({ exit: 0, out: `Removed the authenticator of ${email}; they sign in with their password and set up a new one (at sign-in when their organization requires it)\n` });
      expect(await auth.context.accounts.userByEmail(email)).toMatchObject({ totp_secret: null, totp_pending: null, totp_last_step: null });
      expect((await signIn()).ok).toBe(true);
      expect((await cli(userCommand, ['reset-totp', '--db', db, email])).out).toBe(`${email} had no authenticator; nothing changed\n`);
      expect(await cli(userCommand, ['reset-totp', '--db', db, 'ghost@wi.example.gov'])).toMatchObject({ exit: 1, err: 'rampart user reset-totp: no user ghost@wi.example.gov; see "rampart user list"\n' });
    } finally {
      await store.close();
    }
  });

  it('enrolment-code issues a one-time code with which the person enrols before a first sign-in', async () => {
    const db = path.join(mkdtempSync(path.join(tmpdir(), 'rampart-accounts-cli-')), 'r.sqlite');
    const email = 'new-clerk@wi.example.gov';
    expect((await cli(userCommand, ['add', '--db', db, '--org', 'WI', '--email', email, '--name', 'New Clerk', '--password', PASSWORD])).exit).toBe(0);
    const issued = await cli(userCommand, ['enrolment-code', '--db', db, email]);
    expect(issued.exit).toBe(0);
    const code = /Enrolment code for new-clerk@wi\.example\.gov: ([A-Z2-9]{4}-[A-Z2-9]{4}-[A-Z2-9]{4})\n/.exec(issued.out)?.[1] ?? '';
    expect(code).not.toBe('');
    const store = await openStore({ url: db });
    try {
      const auth = createAuthService(store);
      expect((await auth.checkEnrolment(email, PASSWORD, 'AAAA-BBBB-CCCC', '127.0.0.1')).ok).toBe(false);
      const checked = await auth.checkEnrolment(email, PASSWORD, code, '127.0.0.1');
      expect(checked.ok && checked.value.email).toBe(email);
    } finally {
      await store.close();
    }
    expect(await cli(userCommand, ['enrolment-code', '--db', db, 'ghost@wi.example.gov'])).toMatchObject({ exit: 1, err: 'rampart user enrolment-code: no user ghost@wi.example.gov; see "rampart user list"\n' });
  });

  it('loads the counties of a state, once', async () => {
    const db = path.join(mkdtempSync(path.join(tmpdir(), 'rampart-accounts-cli-')), 'r.sqlite');
    const first = await cli(orgCommand, ['load-counties', '--db', db, '--state', '44']);
    expect(first).toMatchObject({ exit: 0, out: '5 counties: 5 added, 0 already there\n' });
    expect((await cli(orgCommand, ['load-counties', '--db', db, '--state', '44'])).out).toBe('5 counties: 0 added, 5 already there\n');
    expect((await cli(orgCommand, ['load-counties', '--db', db, '--state', '4'])).exit).toBe(2);
    expect((await cli(orgCommand, ['load-counties', '--db', db, '--state', '99'])).exit).toBe(2);
    const locals = await cli(orgCommand, ['list', '--db', db, '--kind', 'local']);
    expect(locals.out).toContain('Providence County, RI');
  });
});
