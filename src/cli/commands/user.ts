import { Command, Option } from 'commander';
import type { OrgId } from '../../domain/ids.ts';
import { USER_ROLES, type UserRole } from '../../store/accounts-tables.ts';
import { EXIT, withDbOption, type DbOptions } from '../options.ts';

interface AddFlags extends DbOptions {
  readonly org: string;
  readonly email: string;
  readonly name: string;
  readonly role: UserRole;
  readonly password?: string;
}

/** `rampart user add|list|disable|password|reset-totp|enrolment-code`: people, kept by the operator. */
export function userCommand(): Command {
  const user = new Command('user').description('People: add, list, disable, set a password, reset an authenticator');
  user.addCommand(
    withDbOption(
      new Command('add')
        .description('Add a person to an organization (asks for the password, or reads it from standard input when piped)')
        .requiredOption('--org <org>', 'organization: identity id, short name (CISA, WI) or exact name')
        .requiredOption('--email <email>', 'sign-in email')
        .requiredOption('--name <name>', 'full name')
        .addOption(new Option('--role <role>', 'role').choices([...USER_ROLES]).default('analyst'))
        .option('--password <password>', 'initial password (visible to other users of this machine; prefer the prompt)'),
    ).action(async (flags: AddFlags) => {
      process.exitCode = await runAdd(flags);
    }),
  );
  user.addCommand(
    withDbOption(new Command('list').description('List people: email, role, organization, status').option('--org <org>', 'only this organization')).action(
      async (flags: DbOptions & { org?: string }) => {
        process.exitCode = await runList(flags);
      },
    ),
  );
  user.addCommand(
    withDbOption(new Command('disable').description('Disable a person: they cannot sign in, and their sessions and API keys stop working').argument('<email>', 'their sign-in email')).action(
      async (email: string, flags: DbOptions) => {
        process.exitCode = await runDisable(email, flags);
      },
    ),
  );
  user.addCommand(
    withDbOption(
      new Command('password')
        .description('Set a new password for a person (asks for it, or reads it from standard input when piped); their sessions end')
        .argument('<email>', 'their sign-in email')
        .option('--password <password>', 'the new password (visible to other users of this machine; prefer the prompt)'),
    ).action(async (email: string, flags: DbOptions & { password?: string }) => {
      process.exitCode = await runPassword(email, flags);
    }),
  );
  user.addCommand(
    withDbOption(
      new Command('reset-totp')
        .description('Remove a person\'s authenticator (lost phone, or a server key that was lost): they sign in with their password and set one up again')
        .argument('<email>', 'their sign-in email'),
    ).action(async (email: string, flags: DbOptions) => {
      process.exitCode = await runResetTotp(email, flags);
    }),
  );
  user.addCommand(
    withDbOption(
      new Command('enrolment-code')
        .description('Issue a one-time code (24 hours) with which a person without an authenticator sets one up at sign-in, when their organization requires it')
        .argument('<email>', 'their sign-in email'),
    ).action(async (email: string, flags: DbOptions) => {
      process.exitCode = await runEnrolmentCode(email, flags);
    }),
  );
  return user;
}

async function runEnrolmentCode(email: string, flags: DbOptions): Promise<number> {
  const { openAccounts, describeProblem } = await import('../accounts-session.ts');
  const { issueEnrolmentCode } = await import('../../accounts/enrolment.ts');
  const { OPERATOR } = await import('../../accounts/context.ts');
  const session = await openAccounts(flags);
  try {
    const target = await session.ctx.accounts.userByEmail(email);
    if (target === null) {
      process.stderr.write(`rampart user enrolment-code: no user ${email}; see "rampart user list"\n`);
      return EXIT.problems;
    }
    const issued = await issueEnrolmentCode(session.ctx, OPERATOR, target);
    if (!issued.ok) {
      process.stderr.write(describeProblem('user enrolment-code', issued.error));
      return issued.error.code === 'totp-already-enabled' || issued.error.code === 'user-disabled' ? EXIT.problems : EXIT.unusable;
    }
    process.stdout.write(`Enrolment code for ${target.email}: ${issued.value.code}\nValid once, until ${issued.value.expires_at}; give it to them in person or by phone. It is not shown again.\n`);
    return EXIT.ok;
  } finally {
    await session.close();
  }
}

async function runResetTotp(email: string, flags: DbOptions): Promise<number> {
  const { openAccounts, describeProblem } = await import('../accounts-session.ts');
  const { resetTotp } = await import('../../accounts/users.ts');
  const { OPERATOR } = await import('../../accounts/context.ts');
  const session = await openAccounts(flags);
  try {
    const target = await session.ctx.accounts.userByEmail(email);
    if (target === null) {
      process.stderr.write(`rampart user reset-totp: no user ${email}; see "rampart user list"\n`);
      return EXIT.problems;
    }
    const hadTotp = target.totp_secret !== null || target.totp_pending !== null;
    const reset = await resetTotp(session.ctx, OPERATOR, target);
    if (!reset.ok) {
      process.stderr.write(describeProblem('user reset-totp', reset.error));
      return EXIT.unusable;
    }
    process.stdout.write(
      hadTotp
        ? `Removed the authenticator of ${reset.value.email}; they sign in with their password and set up a new one (at sign-in when their organization requires it)\n`
        : `${reset.value.email} had no authenticator; nothing changed\n`,
    );
    return EXIT.ok;
  } finally {
    await session.close();
  }
}

async function runPassword(email: string, flags: DbOptions & { password?: string }): Promise<number> {
  const { openAccounts, describeProblem, readPassword } = await import('../accounts-session.ts');
  const { setPassword } = await import('../../accounts/users.ts');
  const { OPERATOR } = await import('../../accounts/context.ts');
  const password = flags.password ?? (await readPassword(`New password for ${email}: `));
  const session = await openAccounts(flags);
  try {
    const target = await session.ctx.accounts.userByEmail(email);
    if (target === null) {
      process.stderr.write(`rampart user password: no user ${email}; see "rampart user list"\n`);
      return EXIT.problems;
    }
    const changed = await setPassword(session.ctx, OPERATOR, target, password);
    if (!changed.ok) {
      process.stderr.write(describeProblem('user password', changed.error));
      return EXIT.unusable;
    }
    process.stdout.write(`New password set for ${changed.value.email}; their sessions have ended\n`);
    return EXIT.ok;
  } finally {
    await session.close();
  }
}

async function runAdd(flags: AddFlags): Promise<number> {
  const { openAccounts, findOrganization, describeProblem, readPassword } = await import('../accounts-session.ts');
  const { createUser } = await import('../../accounts/users.ts');
  const { OPERATOR } = await import('../../accounts/context.ts');
  const password = flags.password ?? (await readPassword(`Password for ${flags.email}: `));
  const session = await openAccounts(flags);
  try {
    const org = await findOrganization(session.ctx, flags.org);
    if (typeof org === 'string') {
      process.stderr.write(`rampart user add: ${org}\n`);
      return EXIT.unusable;
    }
    const created = await createUser(session.ctx, OPERATOR, { email: flags.email, name: flags.name, role: flags.role, password, org_id: org.id });
    if (!created.ok) {
      process.stderr.write(describeProblem('user add', created.error));
      return created.error.kind === 'conflict' ? EXIT.problems : EXIT.unusable;
    }
    process.stdout.write(`Added ${created.value.email} (${created.value.role}) to ${org.name}: user ${created.value.id}\n`);
    return EXIT.ok;
  } finally {
    await session.close();
  }
}

async function runList(flags: DbOptions & { org?: string }): Promise<number> {
  const { openAccounts, findOrganization } = await import('../accounts-session.ts');
  const session = await openAccounts(flags);
  try {
    let orgId: OrgId | undefined;
    if (flags.org !== undefined) {
      const org = await findOrganization(session.ctx, flags.org);
      if (typeof org === 'string') {
        process.stderr.write(`rampart user list: ${org}\n`);
        return EXIT.unusable;
      }
      orgId = org.id;
    }
    const users = await session.ctx.accounts.listUsers(orgId);
    const names = new Map((await session.ctx.accounts.listOrganizations({ ids: [...new Set(users.map((u) => u.org_id))] })).map((o) => [o.id as string, o.name]));
    for (const u of users) {
      const status = u.disabled_at !== null ? 'disabled' : u.totp_secret !== null ? 'active, TOTP' : 'active';
      process.stdout.write(`${u.email}  ${u.role.padEnd(9)}  ${status.padEnd(12)}  ${names.get(u.org_id) ?? u.org_id}\n`);
    }
    process.stderr.write(`${users.length} people\n`);
    return EXIT.ok;
  } finally {
    await session.close();
  }
}

async function runDisable(email: string, flags: DbOptions): Promise<number> {
  const { openAccounts, describeProblem } = await import('../accounts-session.ts');
  const { disableUser } = await import('../../accounts/users.ts');
  const { OPERATOR } = await import('../../accounts/context.ts');
  const session = await openAccounts(flags);
  try {
    const disabled = await disableUser(session.ctx, OPERATOR, { email });
    if (!disabled.ok) {
      process.stderr.write(describeProblem('user disable', disabled.error));
      return disabled.error.kind === 'not-found' ? EXIT.problems : EXIT.unusable;
    }
    process.stdout.write(`Disabled ${disabled.value.email}: signed out everywhere, API keys stopped\n`);
    return EXIT.ok;
  } finally {
    await session.close();
  }
}
