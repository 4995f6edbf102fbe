import { Command } from 'commander';
import { formatProblem, validateBundle } from '../../ingest/validate-bundle.ts';
import { EXIT, openInput } from '../options.ts';

/** `rampart validate <file>`: checks a bundle as an import would, stores nothing. */
export function validateCommand(): Command {
  return new Command('validate')
    .description('Check a STIX 2.1 bundle without storing it: one line per problem; exit 1 if any, 2 if unreadable')
    .argument('<file>', 'bundle file, or - for standard input')
    .option('--quiet', 'print problems only, no final count')
    .action(async (file: string, flags: { quiet?: boolean }) => {
      process.exitCode = await runValidate(file, flags.quiet === true);
    });
}

async function runValidate(file: string, quiet: boolean): Promise<number> {
  const input = await openInput(file);
  if (!input.ok) {
    process.stderr.write(`rampart validate: ${input.error}\n`);
    return EXIT.unusable;
  }
  let report;
  try {
    report = await validateBundle(input.value.stream);
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code;
    if (code === undefined) throw error;
    process.stderr.write(`rampart validate: cannot read ${input.value.name}: ${code}\n`);
    return EXIT.unusable;
  }
  for (const p of report.problems) process.stdout.write(`${formatProblem(p)}\n`);
  if (report.fatal !== null) {
    process.stdout.write(`${formatProblem(report.fatal)}\n`);
    return EXIT.unusable;
  }
  if (!quiet) process.stderr.write(`${input.value.name}: ${report.objects} objects, ${report.problems.length} problems\n`);
  return report.problems.length > 0 ? EXIT.problems : EXIT.ok;
}
