import { Command, Option } from 'commander';
import { ELECTION_TYPES, PHASE_TEXT, STATUS_LEVEL_TEXT, type ElectionType, type RollupLevel } from '../../domain/election.ts';
import { EXIT, hubIdentity, withDbOption, type DbOptions } from '../options.ts';

interface AddFlags extends DbOptions {
  readonly name: string;
  readonly date: string;
  readonly states: string;
  readonly type?: ElectionType;
  readonly owner?: string;
  readonly description?: string;
}

/** `rampart election add|list|show`: elections as STIX objects, and the roll-up of their status reports. */
export function electionCommand(): Command {
  const election = new Command('election').description('Elections: record one, list them, show one with its roll-up of status reports');
  election.addCommand(
    withDbOption(
      new Command('add')
        .description('Record an election (an x-rampart-election shared TLP:GREEN: with its state when one state records it, with every member otherwise)')
        .requiredOption('--name <name>', 'e.g. "General Election 2026"')
        .requiredOption('--date <yyyy-mm-dd>', 'election day')
        .requiredOption('--states <fips,…|all>', 'participating states and territories: two-digit FIPS codes, comma-separated, or all')
        .addOption(new Option('--type <type>', 'kind of election').choices([...ELECTION_TYPES]))
        .option('--owner <org>', 'the state office recording its own election (identity id or short name, e.g. WI); the hub itself when absent')
        .option('--description <text>', 'a line about the election'),
    ).action(async (flags: AddFlags) => {
      process.exitCode = await runAdd(flags);
    }),
  );
  election.addCommand(
    withDbOption(new Command('list').description('List every election in the database: id, date, phase under way, name').option('--json', 'one JSON object per line')).action(async (flags: DbOptions & { json?: boolean }) => {
      process.exitCode = await runList(flags);
    }),
  );
  election.addCommand(
    withDbOption(
      new Command('show')
        .description('An election, its phases and the roll-up over every status report in the database (as the operator, who sees everything)')
        .argument('<id>', 'the election id (see "rampart election list")')
        .option('--state <fips>', 'one state: each of its jurisdictions with its level and last report')
        .option('--json', 'the roll-up as JSON'),
    ).action(async (id: string, flags: DbOptions & { state?: string; json?: boolean }) => {
      process.exitCode = await runShow(id, flags);
    }),
  );
  return election;
}

async function open(flags: DbOptions) {
  const { openAccounts } = await import('../accounts-session.ts');
  const { accountsStore } = await import('../../store/accounts.ts');
  const { orgInfoPort } = await import('../../accounts/organizations.ts');
  const { createSharingService } = await import('../../sharing/service.ts');
  const { createAuditLog } = await import('../../audit/audit-log.ts');
  const { electionStatusStore } = await import('../../store/elections.ts');
  const { jurisdictionsFrom } = await import('../../status/jurisdictions.ts');
  const { openStore } = await import('../../store/index.ts');
  const { resolveDatabaseUrl } = await import('../options.ts');
  const session = await openAccounts(flags);
  const store = await openStore({ url: resolveDatabaseUrl(flags) });
  const clock = { now: () => new Date() };
  const orgInfo = orgInfoPort(store);
  const accounts = accountsStore(store.database);
  const deps = {
    stix: store.stix,
    sharing: createSharingService({ store, orgInfo, clock, audit: createAuditLog(store) }),
    clock,
    orgInfo,
    orgName: async (orgId: string) => (await accounts.getOrganization(orgId as never))?.name ?? null,
    elections: electionStatusStore(store.database),
    jurisdictions: jurisdictionsFrom(accounts, clock),
  };
  return {
    session,
    deps,
    close: async () => {
      await store.close();
      await session.close();
    },
  };
}

async function runAdd(flags: AddFlags): Promise<number> {
  if (!/^\d{4}-\d{2}-\d{2}$/.test(flags.date) || Number.isNaN(Date.parse(`${flags.date}T00:00:00Z`))) {
    process.stderr.write(`rampart election add: --date must be a date like 2026-11-03, not "${flags.date}"\n`);
    return EXIT.unusable;
  }
  const { STATES } = await import('../../domain/organization-data.ts');
  const states = flags.states.trim().toLowerCase() === 'all' ? STATES.map((s) => s.fips) : flags.states.split(',').map((s) => s.trim()).filter((s) => s !== '');
  const unknown = states.filter((f) => !STATES.some((s) => s.fips === f));
  if (states.length === 0 || unknown.length > 0) {
    process.stderr.write(`rampart election add: --states takes two-digit FIPS codes of states and territories (e.g. 55,17) or all; ${unknown.length > 0 ? `not known: ${unknown.join(', ')}` : 'none given'}\n`);
    return EXIT.unusable;
  }
  const { findOrganization, describeProblem } = await import('../accounts-session.ts');
  const { createElection } = await import('../../elections/service.ts');
  const opened = await open(flags);
  try {
    let owner = hubIdentity();
    if (flags.owner !== undefined) {
      const org = await findOrganization(opened.session.ctx, flags.owner);
      if (typeof org === 'string') {
        process.stderr.write(`rampart election add: ${org}\n`);
        return EXIT.problems;
      }
      owner = org.id;
    }
    // The operator records for the hub with a hub administrator's authority, or for the state office named by --owner.
    const principal = { orgId: owner, userId: null, keys: [], scope: 'write' as const };
    const written = await createElection(opened.deps, principal, flags.owner === undefined, {
      name: flags.name,
      election_date: flags.date,
      state_fips: states,
      ...(flags.type === undefined ? {} : { election_type: flags.type }),
      ...(flags.description === undefined ? {} : { description: flags.description }),
    });
    if (!written.ok) {
      process.stderr.write(describeProblem('election add', written.error));
      for (const d of written.error.details ?? []) process.stderr.write(`  ${d.path ?? ''}: ${d.message}\n`);
      return written.error.kind === 'forbidden' ? EXIT.problems : EXIT.unusable;
    }
    const object = JSON.parse(written.value.json) as { id: string };
    process.stdout.write(`Recorded ${flags.name} (${flags.date}, ${states.length} state${states.length === 1 ? '' : 's'}): ${object.id}, TLP:${written.value.sharing.tlp.toUpperCase()} to ${written.value.sharing.audience.join(', ')}\n`);
    return EXIT.ok;
  } finally {
    await opened.close();
  }
}

async function runList(flags: DbOptions & { json?: boolean }): Promise<number> {
  const { listElections } = await import('../../elections/service.ts');
  const opened = await open(flags);
  try {
    const list = await listElections(opened.deps, { kind: 'operator' });
    if (!list.ok) {
      process.stderr.write(`rampart election list: ${list.error.message}\n`);
      return EXIT.unusable;
    }
    for (const e of list.value) {
      process.stdout.write(flags.json === true ? `${JSON.stringify(e)}\n` : `${e.id}  ${e.election_date}  ${(e.phase === null ? '-' : PHASE_TEXT[e.phase]).padEnd(15)}  ${e.name} (${e.state_fips.length} state${e.state_fips.length === 1 ? '' : 's'})\n`);
    }
    if (flags.json !== true) process.stderr.write(`${list.value.length} elections\n`);
    return EXIT.ok;
  } finally {
    await opened.close();
  }
}

const countsLine = (counts: Readonly<Record<RollupLevel, number>>) =>
  (Object.entries(counts) as [RollupLevel, number][])
    .filter(([, n]) => n > 0)
    .map(([level, n]) => `${n} ${STATUS_LEVEL_TEXT[level].toLowerCase()}`)
    .join(', ') || 'no jurisdictions known';

async function runShow(id: string, flags: DbOptions & { state?: string; json?: boolean }): Promise<number> {
  if (flags.state !== undefined && !/^\d{2}$/.test(flags.state)) {
    process.stderr.write(`rampart election show: --state must be a two-digit FIPS code (e.g. 55), not "${flags.state}"\n`);
    return EXIT.unusable;
  }
  const { rollupFor, stateRollupFor } = await import('../../status/service.ts');
  const opened = await open(flags);
  try {
    const operator = { kind: 'operator' } as const;
    if (flags.state !== undefined) {
      const s = await stateRollupFor(opened.deps, operator, id, flags.state);
      if (!s.ok) {
        process.stderr.write(`rampart election show: ${s.error.message}\n`);
        return s.error.kind === 'not-found' ? EXIT.problems : EXIT.unusable;
      }
      if (flags.json === true) {
        process.stdout.write(`${JSON.stringify(s.value)}\n`);
        return EXIT.ok;
      }
      process.stdout.write(`${s.value.election.name}: ${s.value.state.name}: ${countsLine(s.value.state.counts)}\n`);
      for (const j of s.value.jurisdictions) process.stdout.write(`  ${STATUS_LEVEL_TEXT[j.level].padEnd(20)}  ${(j.reported_at ?? 'never').padEnd(27)}  ${j.name}\n`);
      return EXIT.ok;
    }
    const r = await rollupFor(opened.deps, operator, id);
    if (!r.ok) {
      process.stderr.write(`rampart election show: ${r.error.message}\n`);
      return r.error.kind === 'not-found' ? EXIT.problems : EXIT.unusable;
    }
    if (flags.json === true) {
      process.stdout.write(`${JSON.stringify(r.value)}\n`);
      return EXIT.ok;
    }
    const v = r.value;
    process.stdout.write(`${v.election.name} (${v.election.election_date}): ${v.phase === null ? 'no phase under way' : `${PHASE_TEXT[v.phase.phase]} under way`}\n`);
    for (const q of Object.values(v.questions)) process.stdout.write(`  ${q.question} ${q.answer}${q.silent > 0 ? ` (${q.silent} silent)` : ''}\n`);
    process.stdout.write(`  jurisdictions: ${countsLine(v.counts)}\n`);
    for (const s of v.states) process.stdout.write(`  ${s.state_fips} ${s.name.padEnd(24)} ${s.declined ? 'declined' : (s.worst === null ? '-' : STATUS_LEVEL_TEXT[s.worst]).padEnd(20)} ${s.declined ? '' : countsLine(s.counts)}\n`);
    return EXIT.ok;
  } finally {
    await opened.close();
  }
}
