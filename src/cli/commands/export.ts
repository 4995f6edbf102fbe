import { createWriteStream } from 'node:fs';
import { Readable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import { Command } from 'commander';
import { isStixTimestamp } from '../../stix/timestamp.ts';
import { exportBundle } from '../../ingest/export.ts';
import { EXIT, openStoreFromOptions, withDbOption } from '../options.ts';

interface ExportFlags {
  readonly db?: string;
  readonly type?: string[];
  readonly since?: string;
  readonly out?: string;
  readonly allVersions?: boolean;
}

const TYPE_NAME = /^[a-z][a-z0-9-]+[a-z0-9]$/;

/** `rampart export`: streams a STIX 2.1 bundle of the stored objects (operator view: everything). */
export function exportCommand(): Command {
  const command = new Command('export')
    .description('Export stored objects as one STIX 2.1 bundle (exact stored bytes)')
    .option('--type <types...>', 'only these object types (repeat or comma-separate)')
    .option('--since <timestamp>', 'only versions added to this hub after this time (RFC 3339, e.g. 2024-11-01T00:00:00Z)')
    .option('--all-versions', 'every stored version, not only the latest of each object')
    .option('--out <file>', 'write to this file instead of standard output');
  return withDbOption(command).action(async (flags: ExportFlags) => {
    process.exitCode = await runExport(flags);
  });
}

async function runExport(flags: ExportFlags): Promise<number> {
  const types = flags.type?.flatMap((t) => t.split(',')).map((t) => t.trim()).filter((t) => t !== '');
  const badType = types?.find((t) => !TYPE_NAME.test(t));
  if (badType !== undefined) {
    process.stderr.write(`rampart export: --type "${badType}" is not a STIX type name\n`);
    return EXIT.unusable;
  }
  let addedAfterUs: number | undefined;
  if (flags.since !== undefined) {
    if (!isStixTimestamp(flags.since)) {
      process.stderr.write(`rampart export: --since "${flags.since}" is not an RFC 3339 UTC timestamp such as 2024-11-01T00:00:00Z\n`);
      return EXIT.unusable;
    }
    addedAfterUs = Date.parse(flags.since) * 1000;
  }
  const store = await openStoreFromOptions(flags);
  try {
    const bundle = await exportBundle(store.stix, { kind: 'operator' }, {
      versions: flags.allVersions === true ? 'all' : 'latest',
      ...(types === undefined ? {} : { types }),
      ...(addedAfterUs === undefined ? {} : { addedAfterUs }),
    });
    if (!bundle.ok) {
      process.stderr.write(`rampart export: ${bundle.error.message}\n`);
      return EXIT.unusable;
    }
    const source = Readable.from(bundle.value);
    if (flags.out === undefined) await pipeline(source, process.stdout, { end: false });
    else await pipeline(source, createWriteStream(flags.out));
    return EXIT.ok;
  } finally {
    await store.close();
  }
}
