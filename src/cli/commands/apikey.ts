import { Command, Option } from 'commander';
import { EXIT, withDbOption, type DbOptions } from '../options.ts';

interface CreateFlags extends DbOptions {
  readonly user: string;
  readonly scope: 'read' | 'write';
  readonly name: string;
  readonly expires?: string;
}

/** `rampart apikey create`: a machine's key for a person, printed once. */
export function apikeyCommand(): Command {
  const apikey = new Command('apikey').description('API keys for machines (TAXII clients, SIEMs, scripts)');
  apikey.addCommand(
    withDbOption(
      new Command('create')
        .description('Create an API key for a person; the key is printed once and stored only as a hash')
        .requiredOption('--user <email>', 'the person the key acts for')
        .addOption(new Option('--scope <scope>', 'read: GET only; write: may also publish').choices(['read', 'write']).default('read'))
        .option('--name <name>', 'what the key is for', 'created with rampart apikey')
        .option('--expires <timestamp>', 'when the key stops working (RFC 3339, e.g. 2026-12-31T00:00:00Z)'),
    ).action(async (flags: CreateFlags) => {
      process.exitCode = await runCreate(flags);
    }),
  );
  return apikey;
}

async function runCreate(flags: CreateFlags): Promise<number> {
  if (flags.expires !== undefined && !/^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}(\.\d+)?(Z|[+-]\d{2}:\d{2})$/.test(flags.expires)) {
    process.stderr.write(`rampart apikey create: --expires must be an RFC 3339 timestamp such as 2026-12-31T00:00:00Z, not "${flags.expires}"\n`);
    return EXIT.unusable;
  }
  const { openAccounts, describeProblem } = await import('../accounts-session.ts');
  const { createApiKey } = await import('../../accounts/api-keys.ts');
  const { OPERATOR } = await import('../../accounts/context.ts');
  const session = await openAccounts(flags);
  try {
    const user = await session.ctx.accounts.userByEmail(flags.user);
    if (user === null) {
      process.stderr.write(`rampart apikey create: no user ${flags.user}; see "rampart user list"\n`);
      return EXIT.problems;
    }
    const created = await createApiKey(session.ctx, OPERATOR, user, { name: flags.name, scope: flags.scope, ...(flags.expires === undefined ? {} : { expires_at: flags.expires }) });
    if (!created.ok) {
      process.stderr.write(describeProblem('apikey create', created.error));
      return EXIT.unusable;
    }
    process.stderr.write(`API key ${created.value.view.id} (${created.value.view.scope}) for ${user.email}; it is shown only now, store it safely:\n`);
    process.stdout.write(`${created.value.key}\n`);
    return EXIT.ok;
  } finally {
    await session.close();
  }
}
