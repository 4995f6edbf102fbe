import { readFile } from 'node:fs/promises';
import { Command } from 'commander';
import { err, ok, type Result } from '../../domain/result.ts';
import { locateJsonError } from '../../stix/json-syntax.ts';
import { compilePattern, neverMatches, observationsFromBundle, parsePattern, type Pattern, type PatternError } from '../../stix/pattern/index.ts';
import { EXIT } from '../options.ts';

/** `rampart pattern check|match`: STIX 2.1 patterns on the command line. */
export function patternCommand(): Command {
  const command = new Command('pattern').description('Check STIX 2.1 patterns and match them against observed-data');
  command
    .command('check')
    .description("Parse a STIX 2.1 pattern: prints 'ok' (exit 0; with a warning when it can never match) or the error and its column (exit 2)")
    .argument('<pattern>', "the pattern, e.g. \"[ipv4-addr:value = '198.51.100.1']\"")
    .exitOverride()
    .action((text: string) => {
      process.exitCode = runCheck(text);
    });
  command
    .command('match')
    .description("Match a pattern against the observed-data of a STIX 2.1 bundle: prints 'match' (exit 0) or 'nomatch' (exit 1); exit 2 for a bad pattern or input")
    .requiredOption('--pattern <pattern>', 'the STIX 2.1 pattern')
    .requiredOption('--observed <file>', 'a STIX bundle or JSON array of bundles holding observed-data and their SCOs, or - for standard input')
    .exitOverride()
    .action(async (flags: { pattern: string; observed: string }) => {
      process.exitCode = await runMatch(flags.pattern, flags.observed);
    });
  return command;
}

/** The error, then the line of the pattern it is on with a caret under the column. */
export function formatPatternError(text: string, error: PatternError): string {
  const index = error.column - 1;
  const lineStart = text.lastIndexOf('\n', index - 1) + 1;
  const lineEnd = text.indexOf('\n', index);
  const line = text.slice(lineStart, lineEnd < 0 ? text.length : lineEnd);
  const lineNumber = text.slice(0, lineStart).split('\n').length;
  const where = lineNumber > 1 ? `line ${lineNumber}, column ${index - lineStart + 1}` : `column ${error.column}`;
  // Tabs stay tabs so the caret lines up however the terminal renders them.
  const pad = line.slice(0, index - lineStart).replace(/[^\t]/g, ' ');
  return `invalid pattern at ${where}: ${error.message}\n  ${line}\n  ${pad}^\n`;
}

/** A warning line per reason the pattern can never match (it is valid STIX all the same). */
function warnIfNeverMatches(pattern: Pattern): void {
  for (const reason of neverMatches(pattern)) process.stderr.write(`warning: this pattern can never match: ${reason.message}\n`);
}

function runCheck(text: string): number {
  const parsed = parsePattern(text);
  if (parsed.ok) {
    process.stdout.write('ok\n');
    warnIfNeverMatches(parsed.value);
    return EXIT.ok;
  }
  process.stderr.write(formatPatternError(text, parsed.error));
  return EXIT.unusable;
}

async function readJson(file: string): Promise<Result<unknown, string>> {
  let text: string;
  try {
    text = file === '-' ? await readStdin() : await readFile(file, 'utf8');
  } catch (error) {
    return err(`cannot read ${file}: ${(error as NodeJS.ErrnoException).code ?? String(error)}`);
  }
  try {
    return ok(JSON.parse(text) as unknown);
  } catch {
    const located = locateJsonError(text);
    if (located === null) return err(`${file} is not valid JSON`);
    const before = text.slice(0, located.position);
    const line = before.split('\n').length;
    const column = located.position - before.lastIndexOf('\n');
    return err(`${file} is not valid JSON at line ${line}, column ${column}: ${located.message}`);
  }
}

async function readStdin(): Promise<string> {
  const chunks: Buffer[] = [];
  for await (const chunk of process.stdin) chunks.push(Buffer.isBuffer(chunk) ? chunk : Buffer.from(String(chunk)));
  return Buffer.concat(chunks).toString('utf8');
}

async function runMatch(pattern: string, file: string): Promise<number> {
  const parsed = parsePattern(pattern);
  if (!parsed.ok) {
    process.stderr.write(formatPatternError(pattern, parsed.error));
    return EXIT.unusable;
  }
  const json = await readJson(file);
  if (!json.ok) {
    process.stderr.write(`rampart pattern match: ${json.error}\n`);
    return EXIT.unusable;
  }
  const observations = observationsFromBundle(json.value);
  if (!observations.ok) {
    process.stderr.write(`rampart pattern match: ${observations.error.message}\n`);
    return EXIT.unusable;
  }
  warnIfNeverMatches(parsed.value);
  const matched = compilePattern(parsed.value).matches(observations.value);
  process.stdout.write(matched ? 'match\n' : 'nomatch\n');
  return matched ? EXIT.ok : EXIT.problems;
}
