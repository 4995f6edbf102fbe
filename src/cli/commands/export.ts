import { createWriteStream } from 'node:fs';
import { Readable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import { Command } from 'commander';
import { orgInfoPort } from '../../accounts/organizations.ts';
import { createAuditLog } from '../../audit/audit-log.ts';
import { createSharingService } from '../../sharing/service.ts';
import { accountsStore } from '../../store/accounts.ts';
import type { RampartStore } from '../../store/index.ts';
import type { Reader } from '../../store/types.ts';
import { exportBundle, parseExportFilters } from '../../ingest/export.ts';
import { EXIT, openStoreFromOptions, withDbOption } from '../options.ts';

interface ExportFlags {
  readonly db?: string;
  readonly type?: string[];
  readonly since?: string;
  readonly out?: string;
  readonly allVersions?: boolean;
  readonly as?: string;
}

/** `rampart export`: streams a STIX 2.1 bundle of the stored objects: everything (operator), or what one person may see (--as). */
export function exportCommand(): Command {
  const command = new Command('export')
    .description('Export stored objects as one STIX 2.1 bundle (exact stored bytes)')
    .option('--type <types...>', 'only these object types (repeat or comma-separate)')
    .option('--since <timestamp>', 'only versions added to this hub after this time (RFC 3339, e.g. 2024-11-01T00:00:00Z)')
    .option('--all-versions', 'every stored version, not only the latest of each object')
    .option('--as <email>', 'export only what this person may see (e.g. to hand a partner exactly their share)')
    .option('--out <file>', 'write to this file instead of standard output');
  return withDbOption(command).action(async (flags: ExportFlags) => {
    process.exitCode = await runExport(flags);
  });
}

async function runExport(flags: ExportFlags): Promise<number> {
  const filters = parseExportFilters(flags.type, flags.since);
  if (!filters.ok) {
    process.stderr.write(`rampart export: --${filters.error.field} ${filters.error.message}\n`);
    return EXIT.unusable;
  }
  const store = await openStoreFromOptions(flags);
  try {
    const reader = flags.as === undefined ? ({ kind: 'operator' } as const) : await readerOf(store, flags.as);
    if (reader === null) {
      process.stderr.write(`rampart export: --as "${flags.as ?? ''}": no enabled person has that email; see rampart user list\n`);
      return EXIT.unusable;
    }
    const bundle = await exportBundle(store.stix, reader, {
      versions: flags.allVersions === true ? 'all' : 'latest',
      ...filters.value,
    });
    if (!bundle.ok) {
      process.stderr.write(`rampart export: ${bundle.error.message}\n`);
      return EXIT.unusable;
    }
    await createAuditLog(store).record({
      actorOrg: reader.kind === 'member' ? reader.orgId : null,
      actorUser: reader.kind === 'member' ? reader.userId : null,
      action: 'export',
      details: { via: 'rampart export', as: flags.as ?? 'operator', types: filters.value.types ?? [], since: flags.since ?? null },
    });
    const source = Readable.from(bundle.value);
    if (flags.out === undefined) await pipeline(source, process.stdout, { end: false });
    else await pipeline(source, createWriteStream(flags.out));
    return EXIT.ok;
  } finally {
    await store.close();
  }
}

/** The reader of an enabled person: their organization and the audience keys the sharing rule gives them. */
async function readerOf(store: RampartStore, email: string): Promise<Reader | null> {
  const user = await accountsStore(store.database).userByEmail(email);
  if (user === null || user.disabled_at !== null) return null;
  const sharing = createSharingService({ store, orgInfo: orgInfoPort(store) });
  const orgId = user.org_id;
  const userId = user.id;
  return { kind: 'member', orgId, userId, keys: await sharing.keysOf(orgId, userId) };
}
