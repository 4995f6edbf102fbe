import { Command, Option } from 'commander';
import { SingleBar, Presets } from 'cli-progress';
import { parseAudienceKey, type AudienceKey } from '../../domain/audience.ts';
import { parseOrgId, type OrgId } from '../../domain/ids.ts';
import { parseTlp, type Tlp } from '../../domain/tlp.ts';
import { importObjects, type ImportOptions, type ImportSummary } from '../../ingest/import.ts';
import { ownershipGuardedStore } from '../../ingest/ownership.ts';
import type { Reader } from '../../store/types.ts';
import { formatProblem } from '../../ingest/validate-bundle.ts';
import { DEFAULT_LIMITS } from '../../stix/bundle-splitter.ts';
import { importMisp, MISP_IMPORT_LIMIT, type MispImportSummary } from '../../misp/import.ts';
import type { Distribution } from '../../misp/sharing.ts';
import { EXIT, hubIdentity, openInput, openStoreFromOptions, withDbOption } from '../options.ts';

// The operator holds the database and sees every record: an object of another owner is refused, naming it.
const OPERATOR: Reader = { kind: 'operator' };

interface ImportFlags {
  readonly db?: string;
  readonly onConflict: 'reject' | 'replace';
  readonly skipInvalid?: boolean;
  readonly owner?: string;
  readonly tlp?: string;
  readonly audience?: string;
  readonly maxObjectSize?: string;
  readonly json?: boolean;
  readonly format: 'stix' | 'misp';
  readonly distribution?: string;
}

/** `rampart import <file|->…`: streams STIX bundles or TAXII envelopes into the store, one transaction per file. */
export function importCommand(): Command {
  const command = new Command('import')
    .description('Import STIX 2.1 bundles or TAXII envelopes (streamed; each file is stored whole or not at all)')
    .argument('<files...>', 'bundle files, or - for standard input')
    .addOption(new Option('--on-conflict <policy>', 'same id and modified but different content').choices(['reject', 'replace']).default('reject'))
    .option('--skip-invalid', 'store the valid objects of a file even when some are rejected')
    .option('--owner <identity id>', 'owner of objects without created_by_ref (default: the hub identity)')
    .option('--tlp <level>', 'TLP of objects without a TLP marking: clear, green, amber, amber+strict, red (default: green for a new object; one already stored keeps its own)')
    .option('--audience <keys>', 'comma-separated audience keys (public, community, org:<id>, state:<fips>, group:<id>, user:<id>); default: a new object follows the TLP, a new version keeps its object\'s audience')
    .option('--max-object-size <bytes>', `largest single object accepted, at most ${String(DEFAULT_LIMITS.maxObjectBytes)} (16 MiB, the limit of REST and TAXII)`, String(DEFAULT_LIMITS.maxObjectBytes))
    .addOption(new Option('--format <format>', 'stix: bundles or TAXII envelopes; misp: MISP events in MISP JSON, converted to STIX with their TLP and audience mapped (docs/misp.md)').choices(['stix', 'misp']).default('stix'))
    .option('--distribution <level>', 'with --format misp: MISP distribution of events that state none, 0 (your organization only, the default) to 3')
    .option('--json', 'print the summary as JSON');
  return withDbOption(command).action(async (files: string[], flags: ImportFlags) => {
    process.exitCode = await runImport(files, flags);
  });
}

function parseFlags(flags: ImportFlags): { ok: true; value: Omit<ImportOptions, 'onBytes'> } | { ok: false; error: string } {
  let owner: OrgId | undefined;
  if (flags.owner !== undefined) {
    const parsed = parseOrgId(flags.owner);
    if (!parsed.ok) return { ok: false, error: `--owner: ${parsed.error.message}` };
    owner = parsed.value;
  }
  // Not given: the import's default (green) for new objects only (IncomingObject.tlpDefault).
  const tlp: Tlp | undefined = flags.tlp === undefined ? undefined : parseTlp(flags.tlp);
  if (flags.tlp !== undefined && tlp === undefined) return { ok: false, error: `--tlp: "${flags.tlp ?? ''}" is not a TLP level; use clear, green, amber, amber+strict or red` };
  let audience: AudienceKey[] | undefined;
  if (flags.audience !== undefined) {
    audience = [];
    for (const raw of flags.audience.split(',').map((s) => s.trim()).filter((s) => s !== '')) {
      const key = parseAudienceKey(raw);
      if (!key.ok) return { ok: false, error: `--audience: ${key.error.message}` };
      audience.push(key.value);
    }
  }
  if (flags.format === 'misp' && flags.audience !== undefined) return { ok: false, error: '--audience: MISP events carry their own sharing (distribution, sharing groups, tlp tags; docs/misp.md); leave --audience out' };
  if (flags.distribution !== undefined && (flags.format !== 'misp' || !/^[0-3]$/.test(flags.distribution))) {
    return { ok: false, error: flags.format !== 'misp' ? '--distribution: only MISP events have a distribution; add --format misp' : `--distribution: "${flags.distribution}" is not 0, 1, 2 or 3` };
  }
  const maxObjectBytes = Number(flags.maxObjectSize);
  if (!/^\d+$/.test(flags.maxObjectSize ?? '') || !Number.isSafeInteger(maxObjectBytes) || maxObjectBytes < 1) {
    return { ok: false, error: `--max-object-size: "${flags.maxObjectSize ?? ''}" is not a positive whole number of bytes` };
  }
  // One limit on every path: an object imported here must also be readable through REST, TAXII and federation.
  if (maxObjectBytes > DEFAULT_LIMITS.maxObjectBytes) {
    return { ok: false, error: `--max-object-size: ${String(maxObjectBytes)} is above ${String(DEFAULT_LIMITS.maxObjectBytes)} bytes (16 MiB), the largest object REST and TAXII accept; give ${String(DEFAULT_LIMITS.maxObjectBytes)} or less` };
  }
  return {
    ok: true,
    value: {
      hubOwner: hubIdentity(),
      ...(tlp === undefined ? {} : { tlp }),
      onConflict: flags.onConflict,
      skipInvalid: flags.skipInvalid === true,
      limits: { maxObjectBytes },
      ...(owner === undefined ? {} : { owner }),
      ...(audience === undefined ? {} : { audience }),
    },
  };
}

async function runImport(files: readonly string[], flags: ImportFlags): Promise<number> {
  const options = parseFlags(flags);
  if (!options.ok) {
    process.stderr.write(`rampart import: ${options.error}\n`);
    return EXIT.unusable;
  }
  const store = await openStoreFromOptions(flags);
  let exit: number = EXIT.ok;
  try {
    for (const file of files) {
      const input = await openInput(file);
      if (!input.ok) {
        process.stderr.write(`rampart import: ${input.error}\n`);
        exit = EXIT.unusable;
        continue;
      }
      const bar = input.value.size !== null && process.stderr.isTTY ? new SingleBar({ stream: process.stderr, format: `${input.value.name} [{bar}] {percentage}% {value}/{total} bytes`, hideCursor: true }, Presets.shades_classic) : null;
      bar?.start(input.value.size ?? 0, 0);
      if (flags.format === 'misp') {
        const code = await runMispImport(store.stix, input.value, flags, options.value, bar);
        exit = Math.max(exit, code);
        continue;
      }
      let result;
      try {
        result = await importObjects(ownershipGuardedStore(store.stix, OPERATOR), input.value.stream, { ...options.value, ...(bar === null ? {} : { onBytes: (n: number) => bar.update(n) }) });
      } catch (error) {
        bar?.stop();
        const code = (error as NodeJS.ErrnoException).code;
        if (code === undefined) throw error;
        process.stderr.write(`rampart import: cannot read ${input.value.name}: ${code}\n`);
        exit = EXIT.unusable;
        continue;
      } finally {
        bar?.stop();
      }
      if (result.ok) {
        report(input.value.name, result.value, flags.json === true);
        if (result.value.rejected > 0) exit = Math.max(exit, EXIT.problems);
      } else {
        const details = result.error.details ?? [];
        const unusable = result.error.code !== 'import-rejected';
        if (flags.json === true) process.stdout.write(`${JSON.stringify({ file: input.value.name, stored: false, error: result.error })}\n`);
        else {
          process.stdout.write(`${input.value.name}: ${result.error.message}\n`);
          for (const d of details) process.stdout.write(`  ${formatProblem(d)}\n`);
        }
        exit = Math.max(exit, unusable ? EXIT.unusable : EXIT.problems);
      }
    }
  } finally {
    await store.close();
  }
  return exit;
}

function report(name: string, s: ImportSummary, json: boolean): void {
  if (json) {
    process.stdout.write(`${JSON.stringify({ file: name, stored: true, ...s })}\n`);
    return;
  }
  process.stdout.write(`${name}: ${s.objects} objects: ${s.added} added, ${s.newVersions} new versions, ${s.unchanged} unchanged, ${s.rejected} rejected\n`);
  for (const d of s.rejections) process.stdout.write(`  ${formatProblem(d)}\n`);
}

/** One MISP file: read whole (MISP JSON is parsed at once, up to MISP_IMPORT_LIMIT), converted, then imported like a bundle. */
async function runMispImport(
  stix: Parameters<typeof ownershipGuardedStore>[0],
  input: { readonly stream: AsyncIterable<Uint8Array | string>; readonly name: string },
  flags: ImportFlags,
  options: Omit<ImportOptions, 'onBytes'>,
  bar: SingleBar | null,
): Promise<number> {
  const chunks: Buffer[] = [];
  let total = 0;
  try {
    for await (const chunk of input.stream) {
      const b = typeof chunk === 'string' ? Buffer.from(chunk) : Buffer.from(chunk);
      total += b.length;
      if (total > MISP_IMPORT_LIMIT) {
        bar?.stop();
        process.stderr.write(`rampart import: ${input.name} is larger than ${MISP_IMPORT_LIMIT} bytes; split it into smaller MISP files\n`);
        return EXIT.unusable;
      }
      chunks.push(b);
      bar?.update(total);
    }
  } catch (error) {
    bar?.stop();
    const code = (error as NodeJS.ErrnoException).code;
    if (code === undefined) throw error;
    process.stderr.write(`rampart import: cannot read ${input.name}: ${code}\n`);
    return EXIT.unusable;
  }
  bar?.stop();
  const owner = options.owner ?? options.hubOwner;
  const result = await importMisp(ownershipGuardedStore(stix, OPERATOR), Buffer.concat(chunks), {
    owner,
    hubOwner: options.hubOwner,
    // The operator acts for the owner without its memberships: a MISP sharing group narrows to the owner (docs/misp.md).
    groups: new Set(),
    now: new Date(),
    ...(options.onConflict === undefined ? {} : { onConflict: options.onConflict }),
    ...(flags.distribution === undefined ? {} : { defaultDistribution: Number(flags.distribution) as Distribution }),
  });
  if (!result.ok) {
    if (flags.json === true) process.stdout.write(`${JSON.stringify({ file: input.name, stored: false, error: result.error })}\n`);
    else {
      process.stdout.write(`${input.name}: ${result.error.message}\n`);
      for (const d of result.error.details ?? []) process.stdout.write(`  ${formatProblem(d)}\n`);
    }
    return result.error.code === 'import-rejected' || result.error.code === 'invalid-misp-event' ? EXIT.problems : EXIT.unusable;
  }
  reportMisp(input.name, result.value, flags.json === true);
  return EXIT.ok;
}

function reportMisp(name: string, s: MispImportSummary, json: boolean): void {
  if (json) {
    process.stdout.write(`${JSON.stringify({ file: name, stored: true, ...s })}\n`);
    return;
  }
  process.stdout.write(`${name}: ${s.events} MISP event${s.events === 1 ? '' : 's'} as ${s.objects} STIX objects: ${s.added} added, ${s.newVersions} new versions, ${s.unchanged} unchanged\n`);
  for (const n of s.notes) process.stdout.write(`  note ${n.path ?? '$'}: [${n.code}] ${n.message}\n`);
}
