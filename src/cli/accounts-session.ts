import { createInterface } from 'node:readline';
import { parseOrgId } from '../domain/ids.ts';
import type { Organization } from '../domain/organization.ts';
import type { Problem } from '../domain/problem.ts';
import { resolveDatabaseUrl, type DbOptions } from './options.ts';
import { accountsContext, type AccountsContext } from '../accounts/context.ts';
import { seedOrganizations } from '../accounts/organizations.ts';
import { createAuditLog } from '../audit/audit-log.ts';
import { auditAuthEvents } from '../audit/auth-events.ts';

/** What the org, user and apikey commands work with; closing it closes the store. */
export interface OperatorSession {
  readonly ctx: AccountsContext;
  close(): Promise<void>;
}

/** Opens the store named by --db (loaded lazily, as every command does) and makes sure the seed organizations exist. */
export async function openAccounts(options: DbOptions): Promise<OperatorSession> {
  const { openStore } = await import('../store/index.ts');
  const store = await openStore({ url: resolveDatabaseUrl(options) });
  const seeded = await seedOrganizations(store);
  if (!seeded.ok) {
    await store.close();
    throw new Error(`seeding organizations failed: ${seeded.error.message}`);
  }
  // The operator's changes go into the same hash-chained audit log as the server's (actor: no person, the CLI).
  return { ctx: accountsContext(store, { onEvent: auditAuthEvents(createAuditLog(store)) }), close: () => store.close() };
}

/** An organization named by its identity id, its short name or postal code (CISA, WI) or its exact name. */
export async function findOrganization(ctx: AccountsContext, ref: string): Promise<Organization | string> {
  if (ref.startsWith('identity--')) {
    const id = parseOrgId(ref);
    return (id.ok ? await ctx.accounts.getOrganization(id.value) : null) ?? `no organization ${ref}; see "rampart org list"`;
  }
  const all = await ctx.accounts.listOrganizations();
  const wanted = ref.trim().toLowerCase();
  const matches = all.filter((o) => o.short_name?.toLowerCase() === wanted || o.name.toLowerCase() === wanted);
  if (matches.length === 1 && matches[0] !== undefined) return matches[0];
  if (matches.length > 1) return `"${ref}" names ${matches.length} organizations; use the identity id (see "rampart org list")`;
  return `no organization "${ref}"; give its identity id, short name (e.g. CISA, WI) or exact name (see "rampart org list")`;
}

export function describeProblem(command: string, p: Problem): string {
  return `rampart ${command}: ${p.message} (${p.code})\n`;
}

/**
 * Reads a password: hidden from a terminal, or the first line of standard input when piped
 * (so scripts need not put it on the command line, where other users could see it in `ps`).
 */
export async function readPassword(question: string, input: NodeJS.ReadStream = process.stdin, output: NodeJS.WriteStream = process.stderr): Promise<string> {
  if (!input.isTTY) {
    const rl = createInterface({ input, terminal: false });
    for await (const line of rl) {
      rl.close();
      return line;
    }
    return '';
  }
  output.write(question);
  input.setRawMode(true);
  input.resume();
  return new Promise((resolve) => {
    let typed = '';
    const onData = (chunk: Buffer) => {
      for (const ch of chunk.toString('utf8')) {
        if (ch === '\r' || ch === '\n' || ch === '\u0004') {
          input.off('data', onData);
          input.setRawMode(false);
          input.pause();
          output.write('\n');
          resolve(typed);
          return;
        }
        if (ch === '\u0003') {
          input.setRawMode(false);
          process.exit(130);
        }
        typed = ch === '\u007f' ? typed.slice(0, -1) : typed + ch;
      }
    };
    input.on('data', onData);
  });
}
