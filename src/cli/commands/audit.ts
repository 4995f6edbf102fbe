import { Command } from 'commander';
import { createAuditLog, type AuditVerification } from '../../audit/audit-log.ts';
import { parseOrgId } from '../../domain/ids.ts';
import { openStore } from '../../store/index.ts';
import { EXIT, resolveDatabaseUrl, withDbOption } from '../options.ts';

interface VerifyFlags {
  readonly db?: string;
  readonly expectHead?: string;
  readonly json?: boolean;
}

const HASH = /^[0-9a-f]{64}$/;

/** The report as text: one line per finding, then the head to record elsewhere. */
export function verificationText(report: AuditVerification, expectHead?: string): string {
  const lines = report.findings.map((f) => `${f.kind} at entry ${f.seq}: ${f.message}`);
  if (expectHead !== undefined && expectHead !== report.head.hash) lines.push(`head: the log's head is ${report.head.hash}, not the ${expectHead} you recorded: the chain was rewritten`);
  const broken = lines.length > 0;
  lines.push(
    broken
      ? `audit log BROKEN: ${lines.length} problem(s) in ${report.entries} entries`
      : `audit log intact: ${report.entries} entries, head ${report.head.seq} ${report.head.hash} (keep this hash elsewhere and pass it as --expect-head next time)`,
  );
  return `${lines.join('\n')}\n`;
}

/** `rampart audit verify`: walks the hash chain and reports every edited, dropped or reordered entry. */
export function auditCommand(): Command {
  const verify = withDbOption(
    new Command('verify')
      .description('Check the audit log hash chain; exit 1 when an entry was edited, dropped or reordered')
      .option('--expect-head <hash>', 'the head hash you recorded earlier: also detects a chain rewritten from the start')
      .option('--json', 'print the report as JSON'),
  ).action(async (flags: VerifyFlags) => {
    if (flags.expectHead !== undefined && !HASH.test(flags.expectHead)) {
      process.stderr.write(`rampart audit verify: --expect-head "${flags.expectHead}" is not a 64-character lower-case hex sha256\n`);
      process.exitCode = EXIT.unusable;
      return;
    }
    const store = await openStore({ url: resolveDatabaseUrl(flags) });
    try {
      const report = await createAuditLog(store).verify();
      const headMismatch = flags.expectHead !== undefined && flags.expectHead !== report.head.hash;
      process.stdout.write(flags.json === true ? `${JSON.stringify({ ...report, headMismatch })}\n` : verificationText(report, flags.expectHead));
      process.exitCode = report.findings.length > 0 || headMismatch ? EXIT.problems : EXIT.ok;
    } finally {
      await store.close();
    }
  });
  const list = withDbOption(
    new Command('list')
      .description("Print audit entries, oldest first (one organization's trail with --org)")
      .option('--org <id>', 'only what this organization did and what was done with its objects')
      .option('--after <seq>', 'only entries after this seq', '0')
      .option('--limit <n>', 'at most this many entries', '100')
      .option('--json', 'one JSON object per line'),
  ).action(async (flags: ListFlags) => {
    process.exitCode = await runList(flags);
  });
  return new Command('audit').description('The hash-chained audit log').addCommand(verify).addCommand(list);
}

interface ListFlags {
  readonly db?: string;
  readonly org?: string;
  readonly after: string;
  readonly limit: string;
  readonly json?: boolean;
}

async function runList(flags: ListFlags): Promise<number> {
  const after = Number(flags.after);
  const limit = Number(flags.limit);
  if (!Number.isSafeInteger(after) || after < 0 || !Number.isSafeInteger(limit) || limit < 1 || limit > 100_000) {
    process.stderr.write('rampart audit list: --after must be a whole number >= 0 and --limit one from 1 to 100000\n');
    return EXIT.unusable;
  }
  const org = flags.org === undefined ? undefined : parseOrgId(flags.org);
  if (org !== undefined && !org.ok) {
    process.stderr.write(`rampart audit list: --org ${org.error.message}\n`);
    return EXIT.unusable;
  }
  const store = await openStore({ url: resolveDatabaseUrl(flags) });
  try {
    const log = createAuditLog(store);
    const entries = org === undefined ? await log.entries(after, limit) : await log.trail(org.value, after, limit);
    for (const e of entries) {
      const line = flags.json === true ? JSON.stringify(e) : `${e.seq}\t${e.at}\t${e.action}\t${e.actor_org ?? '-'}\t${e.actor_user ?? '-'}\t${e.object_id ?? '-'}\t${JSON.stringify(e.details)}`;
      process.stdout.write(`${line}\n`);
    }
    return EXIT.ok;
  } finally {
    await store.close();
  }
}
