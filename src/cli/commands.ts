import type { Command } from 'commander';

/** One `rampart` subcommand: its name and one-line summary for `rampart --help`, and how to load it. */
export interface CommandEntry {
  readonly name: string;
  readonly summary: string;
  /** Imports the command's module only when it runs, so one command never waits for another's dependencies. */
  readonly load: () => Promise<Command>;
}

/**
 * Every subcommand of `rampart`, one module each in src/cli/commands/ exporting `<name>Command(): Command`.
 * commands.test.ts checks that this list names every module there and that each summary is the command's own description.
 */
export const COMMANDS: readonly CommandEntry[] = [
  { name: 'apikey', summary: 'API keys for machines (TAXII clients, SIEMs, scripts)', load: async () => (await import('./commands/apikey.ts')).apikeyCommand() },
  { name: 'audit', summary: 'The hash-chained audit log', load: async () => (await import('./commands/audit.ts')).auditCommand() },
  { name: 'backup', summary: 'Copy the database to a file while the hub keeps running (SQLite online backup); for PostgreSQL, print the pg_dump command', load: async () => (await import('./commands/backup.ts')).backupCommand() },
  { name: 'config', summary: 'The configuration: every setting, where it came from, and whether it is valid', load: async () => (await import('./commands/config.ts')).configCommand() },
  { name: 'election', summary: 'Elections: record one, list them, show one with its roll-up of status reports', load: async () => (await import('./commands/election.ts')).electionCommand() },
  { name: 'export', summary: 'Export stored objects as one STIX 2.1 bundle (exact stored bytes)', load: async () => (await import('./commands/export.ts')).exportCommand() },
  { name: 'import', summary: 'Import STIX 2.1 bundles or TAXII envelopes (streamed; each file is stored whole or not at all)', load: async () => (await import('./commands/import.ts')).importCommand() },
  { name: 'match', summary: 'Match a log file against the indicators in the store (streamed); print the hits, optionally publish sightings', load: async () => (await import('./commands/match.ts')).matchCommand() },
  { name: 'org', summary: 'Member organizations: add, update, list, load counties as local jurisdictions', load: async () => (await import('./commands/org.ts')).orgCommand() },
  { name: 'pattern', summary: 'Check STIX 2.1 patterns and match them against observed-data', load: async () => (await import('./commands/pattern.ts')).patternCommand() },
  { name: 'restore', summary: 'Replace the database with a backup made by rampart backup (stop rampart serve first); refuses a database that holds data unless --force', load: async () => (await import('./commands/restore.ts')).restoreCommand() },
  { name: 'serve', summary: 'Run the hub: web UI, REST API (/api/v1), TAXII 2.1 (/taxii2/), /healthz and /metrics', load: async () => (await import('./commands/serve.ts')).serveCommand() },
  { name: 'taxii', summary: 'Pull from or push to any TAXII 2.1 server (MISP, OpenCTI, medallion, another Rampart)', load: async () => (await import('./commands/taxii.ts')).taxiiCommand() },
  { name: 'transparency', summary: 'The public transparency log: verify its chain and checkpoints', load: async () => (await import('./commands/transparency.ts')).transparencyCommand() },
  { name: 'user', summary: 'People: add, list, disable, set a password, reset an authenticator', load: async () => (await import('./commands/user.ts')).userCommand() },
  { name: 'validate', summary: 'Check a STIX 2.1 bundle without storing it: one line per problem; exit 1 if any, 2 if unreadable', load: async () => (await import('./commands/validate.ts')).validateCommand() },
  { name: 'verify', summary: 'Check the signatures of a joint statement (a file or a URL) against the hub\'s published keys; exit 1 if not valid, 2 if unreadable', load: async () => (await import('./commands/verify.ts')).verifyCommand() },
];

/** The entry `args` (the words after `rampart`) runs: its first word, or the one after `help`. */
export function commandToLoad(args: readonly string[]): CommandEntry | undefined {
  const [first, second] = args;
  const name = first === 'help' ? second : first;
  return COMMANDS.find((c) => c.name === name);
}
