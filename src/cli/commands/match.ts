import { Command, Option } from 'commander';
import { SingleBar, Presets } from 'cli-progress';
import { parseAudienceKey, type AudienceKey } from '../../domain/audience.ts';
import { parseOrgId, type OrgId } from '../../domain/ids.ts';
import { err, ok, type Result } from '../../domain/result.ts';
import { parseTlp, type Tlp } from '../../domain/tlp.ts';
import { LOG_FORMATS, parseFormatChoice, type FormatChoice } from '../../matching/formats.ts';
import { matchForReader, reportView, type IndexLoader, type MatchDeps, type MatchReportView } from '../../matching/service.ts';
import type { PublishedSighting } from '../../matching/sightings.ts';
import type { MatchContext } from '../../hub/match-context.ts';
import type { Reader, Sharing, StixStore } from '../../store/types.ts';
import { EXIT, matchIndexDir, openInput, resolveDatabaseUrl, withDbOption } from '../options.ts';

interface MatchFlags {
  readonly db?: string;
  readonly format: string;
  readonly as?: string;
  readonly org?: string;
  readonly publishSightings?: boolean;
  readonly includeWarningListed?: boolean;
  readonly tlp?: string;
  readonly audience?: string;
  readonly json?: boolean;
  readonly indexFile?: boolean;
}

interface Checked {
  readonly format: FormatChoice;
  readonly tlp: Tlp;
  readonly audience: readonly AudienceKey[] | undefined;
  readonly org: OrgId | null;
}

/** `rampart match <logfile|->`: matches a log against the indicators a member (or the operator) may see. */
export function matchCommand(): Command {
  const command = new Command('match')
    .description('Match a log file against the indicators in the store (streamed); print the hits, optionally publish sightings')
    .argument('<logfile>', 'log file, or - for standard input')
    .addOption(new Option('--format <format>', 'log format').choices(['auto', ...LOG_FORMATS]).default('auto'))
    .option('--as <email>', 'match as this person: only indicators their organization may see; sightings are theirs')
    .option('--org <identity id>', 'match as this organization')
    .option('--publish-sightings', 'publish a STIX sighting of each hit, owned by the --as/--org organization')
    .option('--include-warning-listed', 'let values on warning lists (private and documentation ranges, benign top domains) raise hits, flagged')
    .option('--tlp <level>', 'with --publish-sightings: TLP of the sightings: clear, green, amber, amber+strict, red (default: green)')
    .option('--audience <keys>', "with --publish-sightings: comma-separated audience keys of the sightings (default: the organization's default for the TLP)")
    .option('--json', 'print the report as JSON')
    .option('--no-index-file', 'build the index from the store and keep no index file (by default it is kept beside the database and rebuilt when indicators change)');
  return withDbOption(command).action(async (file: string, flags: MatchFlags) => {
    process.exitCode = await runMatch(file, flags);
  });
}

function check(flags: MatchFlags): Result<Checked, string> {
  const format = parseFormatChoice(flags.format);
  if (!format.ok) return err(`--format: ${format.error.message}`);
  // Flags that only shape published sightings must not be dropped silently when nothing is published.
  if (flags.publishSightings !== true && (flags.tlp !== undefined || flags.audience !== undefined)) {
    return err(`${flags.tlp !== undefined ? '--tlp' : '--audience'} only applies to published sightings; add --publish-sightings (with --as or --org), or leave it out`);
  }
  const tlp = parseTlp(flags.tlp ?? 'green');
  if (tlp === undefined) return err(`--tlp: "${flags.tlp ?? ''}" is not a TLP level; use clear, green, amber, amber+strict or red`);
  if (flags.as !== undefined && flags.org !== undefined) return err('give --as or --org, not both');
  if (flags.publishSightings === true && flags.as === undefined && flags.org === undefined) return err('--publish-sightings needs --as <email> or --org <identity id>: sightings belong to an organization');
  let org: OrgId | null = null;
  if (flags.org !== undefined) {
    const parsed = parseOrgId(flags.org);
    if (!parsed.ok) return err(`--org: ${parsed.error.message}`);
    org = parsed.value;
  }
  let audience: AudienceKey[] | undefined;
  if (flags.audience !== undefined) {
    audience = [];
    for (const raw of flags.audience.split(',').map((s) => s.trim()).filter((s) => s !== '')) {
      const key = parseAudienceKey(raw);
      if (!key.ok) return err(`--audience: ${key.error.message}`);
      audience.push(key.value);
    }
  }
  return ok({ format: format.value, tlp, audience, org });
}

async function runMatch(file: string, flags: MatchFlags): Promise<number> {
  const checked = check(flags);
  if (!checked.ok) {
    process.stderr.write(`rampart match: ${checked.error}\n`);
    return EXIT.unusable;
  }
  const url = resolveDatabaseUrl(flags);
  const indexDir = flags.indexFile === false ? null : matchIndexDir(url);
  const clock = { now: () => new Date() };
  // The operator's match with a current index file needs nothing else of the database: the store is not opened.
  const quick = flags.as === undefined && checked.value.org === null && flags.publishSightings !== true && indexDir !== null ? await quickLoader(url, indexDir) : null;
  let context: MatchContext | null = null;
  try {
    let reader: Reader = OPERATOR;
    let sharing: Sharing | null = null;
    let deps: MatchDeps;
    if (quick !== null) {
      deps = { clock, loadIndex: quick };
    } else {
      // Loaded here so `rampart --help` starts without the database driver.
      const { openMatchContext } = await import('../../hub/match-context.ts');
      context = await openMatchContext(url);
      const who = await context.readerFor(flags.as ?? null, checked.value.org);
      if (!who.ok) {
        process.stderr.write(`rampart match: ${who.error}\n`);
        return EXIT.unusable;
      }
      reader = who.value.reader;
      // The sightings' sharing is decided before the log is opened, as the API does: a refused one costs no reading.
      if (flags.publishSightings === true && who.value.orgId !== null) {
        const decided = await context.sharing.decide(who.value.orgId, checked.value.tlp, checked.value.audience);
        if (!decided.ok) {
          process.stderr.write(`rampart match: cannot publish sightings with --tlp ${checked.value.tlp}${checked.value.audience === undefined ? '' : ` --audience ${checked.value.audience.join(',')}`}: [${decided.error.code}] ${decided.error.message}\n`);
          return EXIT.unusable;
        }
        sharing = decided.value;
      }
      deps = indexDir === null ? { stix: context.stix, clock } : { clock, loadIndex: await persistedLoader(context.stix, indexDir) };
    }
    const input = await openInput(file);
    if (!input.ok) {
      process.stderr.write(`rampart match: ${input.error}\n`);
      return EXIT.unusable;
    }
    const size = input.value.size;
    const bar = size !== null && process.stderr.isTTY ? new SingleBar({ stream: process.stderr, format: `${input.value.name} [{bar}] {percentage}% {value}/{total} bytes`, hideCursor: true }, Presets.shades_classic) : null;
    bar?.start(size ?? 0, 0);
    let report;
    try {
      report = await matchForReader(deps, reader, input.value.stream, {
        format: checked.value.format,
        includeWarningListed: flags.includeWarningListed === true,
        ...(bar === null ? {} : { onBytes: (n: number) => bar.update(n) }),
      });
    } catch (error) {
      const code = (error as NodeJS.ErrnoException).code;
      if (code === undefined) throw error;
      process.stderr.write(`rampart match: cannot read ${input.value.name}: ${code}\n`);
      return EXIT.unusable;
    } finally {
      bar?.stop();
    }
    if (!report.ok) {
      process.stderr.write(`rampart match: ${report.error.message}\n`);
      return EXIT.unusable;
    }
    let sightings: readonly PublishedSighting[] = [];
    if (sharing !== null && context !== null) {
      const { publishSightings } = await import('../../matching/sightings.ts');
      const published = await publishSightings({ stix: context.stix, clock }, report.value.summary.hits, sharing);
      if (!published.ok) {
        process.stderr.write(`rampart match: ${published.error.message}\n`);
        for (const d of published.error.details ?? []) process.stderr.write(`  ${d.id ?? ''} ${d.code}: ${d.message}\n`);
        return EXIT.problems;
      }
      sightings = published.value;
    }
    const view = reportView(report.value, sightings);
    process.stdout.write(flags.json === true ? `${JSON.stringify(view)}\n` : describeReport(input.value.name, view));
    return view.malformed > 0 ? EXIT.problems : EXIT.ok;
  } finally {
    await context?.close();
  }
}

const OPERATOR: Reader = { kind: 'operator' };

/**
 * The operator's index read from its file when the SQLite database's indicators have not changed since it was written
 * (the change mark read straight from the file: no migrations, no query builder); null when the store must be opened.
 */
async function quickLoader(url: string, dir: string): Promise<IndexLoader | null> {
  if (/^postgres(ql)?:\/\//.test(url)) return null;
  const { sqliteChangeMark } = await import('../../store/change-mark.ts');
  const mark = sqliteChangeMark(url, 'indicator');
  if (mark === null) return null;
  const { readIndexFile } = await import('../../matching/persisted-index.ts');
  const found = await readIndexFile(dir, OPERATOR, mark);
  if (!found.ok) return null;
  const { FrozenIndex } = await import('../../matching/frozen-index.ts');
  return (_reader, options) => Promise.resolve(ok(new FrozenIndex(found.value, options)));
}

/** Loads the reader's index from its file beside the database, rebuilding the file when the indicators changed. */
async function persistedLoader(stix: StixStore, dir: string): Promise<IndexLoader> {
  const { loadPersistedIndex } = await import('../../matching/persisted-index.ts');
  return async (reader, options) => ok((await loadPersistedIndex({ stix, dir }, reader, options)).index);
}

function plural(n: number, one: string, many: string): string {
  return `${n} ${n === 1 ? one : many}`;
}

/** The human summary: totals, one line per hit, then the unreadable lines. */
export function describeReport(name: string, v: MatchReportView): string {
  const out: string[] = [];
  const indicators = v.indicators.equality + v.indicators.complex;
  // "lines read" as in the web UI: every line of the input, header and blank lines too, numbered as the problems are.
  out.push(`${name}: ${plural(v.lines, 'line', 'lines')} read (${v.format}), ${v.malformed} unreadable; ${plural(indicators, 'indicator', 'indicators')} (${v.indicators.equality} by index, ${v.indicators.complex} compiled)`);
  out.push(v.hits.length === 0 ? 'no hits' : `${v.hits.length} indicator${v.hits.length === 1 ? '' : 's'} hit:`);
  for (const h of v.hits) {
    const flag = h.warning_lists.length > 0 ? ` [warning list: ${h.warning_lists.join(', ')}]` : '';
    out.push(`  ${h.indicator}  ${h.name ?? '(no name)'}  ${h.values.join(', ') || h.pattern}  ×${h.count}  ${h.first_seen} .. ${h.last_seen}${flag}`);
  }
  const suppressed = Object.entries(v.suppressed);
  if (suppressed.length > 0) out.push(`suppressed by warning lists (use --include-warning-listed to see them): ${suppressed.map(([list, n]) => `${list} ${n}`).join(', ')}`);
  for (const s of v.sightings) out.push(`published ${s.sighting} (sighting of ${s.indicator})`);
  for (const p of v.indicators.unusable) out.push(`indicator ${p.id} skipped: [${p.code}] ${p.message}`);
  for (const p of v.problems) out.push(`line ${p.line}: [${p.code}] ${p.message}`);
  if (v.malformed > v.problems.length) out.push(`… and ${plural(v.malformed - v.problems.length, 'more unreadable line', 'more unreadable lines')}`);
  return `${out.join('\n')}\n`;
}
