import { Command, Option } from 'commander';
import { Presets, SingleBar } from 'cli-progress';
import { ORG_KINDS, PARTNER_TYPES, type NewOrganization, type OrgKind, type PartnerType } from '../../domain/organization.ts';
import { EXIT, withDbOption, type DbOptions } from '../options.ts';

interface AddFlags extends DbOptions {
  readonly kind: OrgKind;
  readonly name: string;
  readonly shortName?: string;
  readonly state?: string;
  readonly county?: string;
  readonly ocdId?: string;
  readonly partnerType?: PartnerType;
}

/** `rampart org add|update|list|load-counties`: member organizations, kept by the operator. */
export function orgCommand(): Command {
  const org = new Command('org').description('Member organizations: add, update, list, load counties as local jurisdictions');
  org.addCommand(
    withDbOption(
      new Command('add')
        .description('Add an organization (and its STIX identity)')
        .addOption(new Option('--kind <kind>', 'kind of organization').choices([...ORG_KINDS]).makeOptionMandatory())
        .requiredOption('--name <name>', 'full name')
        .option('--short-name <abbr>', 'abbreviation, e.g. EI-ISAC')
        .option('--state <fips>', 'two-digit state FIPS: a state or territory\'s own, or the state a local jurisdiction belongs to')
        .option('--county <fips>', 'five-digit county FIPS of a local jurisdiction')
        .option('--ocd-id <id>', 'Open Civic Data division id of a local jurisdiction')
        .addOption(new Option('--partner-type <type>', 'private-sector partners: what kind').choices([...PARTNER_TYPES])),
    ).action(async (flags: AddFlags) => {
      process.exitCode = await runAdd(flags);
    }),
  );
  org.addCommand(
    withDbOption(
      new Command('update')
        .description('Change an organization\'s name or details (a new version of its identity; it is no longer seed data)')
        .argument('<org>', 'identity id, short name (CISA, WI) or exact name')
        .option('--name <name>', 'new full name')
        .option('--short-name <abbr>', 'new abbreviation')
        .option('--ocd-id <id>', 'local jurisdictions: Open Civic Data division id'),
    ).action(async (ref: string, flags: DbOptions & { name?: string; shortName?: string; ocdId?: string }) => {
      process.exitCode = await runUpdate(ref, flags);
    }),
  );
  org.addCommand(
    withDbOption(
      new Command('list')
        .description('List organizations: id, kind, state, name')
        .addOption(new Option('--kind <kind>', 'only this kind').choices([...ORG_KINDS]))
        .option('--state <fips>', 'only organizations of this state')
        .option('--json', 'one JSON object per line'),
    ).action(async (flags: DbOptions & { kind?: OrgKind; state?: string; json?: boolean }) => {
      process.exitCode = await runList(flags);
    }),
  );
  org.addCommand(
    withDbOption(
      new Command('load-counties')
        .description('Load counties (and county-equivalents) from the packaged Census data as local election jurisdictions')
        .option('--state <fips>', 'only this state (two-digit FIPS, e.g. 55)'),
    ).action(async (flags: DbOptions & { state?: string }) => {
      process.exitCode = await runLoadCounties(flags);
    }),
  );
  return org;
}

async function runAdd(flags: AddFlags): Promise<number> {
  const { openAccounts, describeProblem } = await import('../accounts-session.ts');
  const { createOrganization } = await import('../../accounts/organizations.ts');
  const { OPERATOR } = await import('../../accounts/context.ts');
  const input: NewOrganization = {
    kind: flags.kind,
    name: flags.name,
    ...(flags.shortName === undefined ? {} : { short_name: flags.shortName }),
    ...(flags.state === undefined ? {} : { state_fips: flags.state }),
    ...(flags.county === undefined ? {} : { county_fips: flags.county }),
    ...(flags.ocdId === undefined ? {} : { ocd_id: flags.ocdId }),
    ...(flags.partnerType === undefined ? {} : { partner_type: flags.partnerType }),
  };
  const bad = formatError(input);
  if (bad !== null) {
    process.stderr.write(`rampart org add: ${bad}\n`);
    return EXIT.unusable;
  }
  const session = await openAccounts(flags);
  try {
    const created = await createOrganization(session.ctx, OPERATOR, input);
    if (!created.ok) {
      process.stderr.write(describeProblem('org add', created.error));
      return created.error.kind === 'conflict' ? EXIT.problems : EXIT.unusable;
    }
    process.stdout.write(`Added ${created.value.kind} organization "${created.value.name}": ${created.value.id}\n`);
    return EXIT.ok;
  } finally {
    await session.close();
  }
}

async function runUpdate(ref: string, flags: DbOptions & { name?: string; shortName?: string; ocdId?: string }): Promise<number> {
  const patch = {
    ...(flags.name === undefined ? {} : { name: flags.name }),
    ...(flags.shortName === undefined ? {} : { short_name: flags.shortName }),
    ...(flags.ocdId === undefined ? {} : { ocd_id: flags.ocdId }),
  };
  if (Object.keys(patch).length === 0) {
    process.stderr.write('rampart org update: say what to change: --name, --short-name or --ocd-id\n');
    return EXIT.unusable;
  }
  const bad = formatError({ kind: 'local', name: flags.name ?? 'unchanged', ...(flags.ocdId === undefined ? {} : { ocd_id: flags.ocdId }) });
  if (bad !== null) {
    process.stderr.write(`rampart org update: ${bad}\n`);
    return EXIT.unusable;
  }
  const { openAccounts, findOrganization, describeProblem } = await import('../accounts-session.ts');
  const { updateOrganization } = await import('../../accounts/organizations.ts');
  const { OPERATOR } = await import('../../accounts/context.ts');
  const session = await openAccounts(flags);
  try {
    const org = await findOrganization(session.ctx, ref);
    if (typeof org === 'string') {
      process.stderr.write(`rampart org update: ${org}\n`);
      return EXIT.problems;
    }
    const updated = await updateOrganization(session.ctx, OPERATOR, org.id, patch);
    if (!updated.ok) {
      process.stderr.write(describeProblem('org update', updated.error));
      return EXIT.unusable;
    }
    process.stdout.write(`Updated ${updated.value.id}: ${updated.value.name}${updated.value.short_name === null ? '' : ` (${updated.value.short_name})`}\n`);
    return EXIT.ok;
  } finally {
    await session.close();
  }
}

/** Flag formats the schema would refuse, said in terms of the flags. */
function formatError(input: NewOrganization): string | null {
  if (input.state_fips !== undefined && !/^\d{2}$/.test(input.state_fips)) return `--state must be a two-digit FIPS code (e.g. 55), not "${input.state_fips}"`;
  if (input.county_fips !== undefined && !/^\d{5}$/.test(input.county_fips)) return `--county must be a five-digit FIPS code (e.g. 55025), not "${input.county_fips}"`;
  if (input.ocd_id !== undefined && !/^ocd-division\/country:us(\/[a-z_]+:[^/\s]+)+$/.test(input.ocd_id)) return `--ocd-id must look like ocd-division/country:us/state:wi/county:dane, not "${input.ocd_id}"`;
  if (input.name.trim() === '' || input.name.length > 200) return '--name must have 1 to 200 characters';
  return null;
}

async function runList(flags: DbOptions & { kind?: OrgKind; state?: string; json?: boolean }): Promise<number> {
  if (flags.state !== undefined && !/^\d{2}$/.test(flags.state)) {
    process.stderr.write(`rampart org list: --state must be a two-digit FIPS code, not "${flags.state}"\n`);
    return EXIT.unusable;
  }
  const { openAccounts } = await import('../accounts-session.ts');
  const session = await openAccounts(flags);
  try {
    const orgs = await session.ctx.accounts.listOrganizations({ ...(flags.kind === undefined ? {} : { kind: flags.kind }), ...(flags.state === undefined ? {} : { stateFips: flags.state }) });
    for (const o of orgs) {
      process.stdout.write(flags.json === true ? `${JSON.stringify(o)}\n` : `${o.id}  ${o.kind.padEnd(9)}  ${(o.state_fips ?? '--').padEnd(2)}  ${o.name}${o.short_name === null ? '' : ` (${o.short_name})`}\n`);
    }
    if (flags.json !== true) process.stderr.write(`${orgs.length} organizations\n`);
    return EXIT.ok;
  } finally {
    await session.close();
  }
}

async function runLoadCounties(flags: DbOptions & { state?: string }): Promise<number> {
  if (flags.state !== undefined && !/^\d{2}$/.test(flags.state)) {
    process.stderr.write(`rampart org load-counties: --state must be a two-digit FIPS code (e.g. 55), not "${flags.state}"\n`);
    return EXIT.unusable;
  }
  const { openAccounts, describeProblem } = await import('../accounts-session.ts');
  const { loadCounties } = await import('../../accounts/counties.ts');
  const session = await openAccounts(flags);
  const bar = process.stderr.isTTY ? new SingleBar({ stream: process.stderr, format: 'counties [{bar}] {percentage}% {value}/{total}', hideCursor: true }, Presets.shades_classic) : null;
  let started = false;
  try {
    const loaded = await loadCounties(session.ctx, {
      ...(flags.state === undefined ? {} : { stateFips: flags.state }),
      onProgress: (done, total) => {
        if (bar === null) return;
        if (!started) bar.start(total, done);
        started = true;
        bar.update(done);
      },
    });
    bar?.stop();
    if (!loaded.ok) {
      process.stderr.write(describeProblem('org load-counties', loaded.error));
      return EXIT.unusable;
    }
    process.stdout.write(`${loaded.value.total} counties: ${loaded.value.added} added, ${loaded.value.total - loaded.value.added} already there\n`);
    return EXIT.ok;
  } finally {
    bar?.stop();
    await session.close();
  }
}
