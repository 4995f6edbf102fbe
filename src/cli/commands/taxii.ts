import { Command, Option } from 'commander';
import { parseAudienceKey, type AudienceKey } from '../../domain/audience.ts';
import { parseOrgId, type OrgId } from '../../domain/ids.ts';
import { err, ok, type Result } from '../../domain/result.ts';
import { parseTlp, type Tlp } from '../../domain/tlp.ts';
import { localOrganizationsIn, runPull, type PullSummary } from '../../federation/pull.ts';
import { runPush } from '../../federation/push.ts';
import { formatProblem } from '../../ingest/validate-bundle.ts';
import { parseExportFilters, type ExportQuery } from '../../ingest/export.ts';
import { federationRepository } from '../../store/federation.ts';
import { taxiiClient, withSlash, type TaxiiClient } from '../../taxii/client/client.ts';
import { taxiiTransport, type RetryEvent, type TaxiiAuth } from '../../taxii/client/transport.ts';
import { EXIT, hubIdentity, resolveDatabaseUrl, withDbOption } from '../options.ts';

type Env = Readonly<Record<string, string | undefined>>;

interface AuthFlags {
  readonly user?: string;
  readonly password?: string;
  readonly apiKey?: string;
  readonly retries: string;
}

interface PullFlags extends AuthFlags {
  readonly db?: string;
  readonly collection: string;
  readonly since?: string;
  readonly type?: string[];
  readonly limit: string;
  readonly owner?: string;
  readonly tlp: string;
  readonly audience?: string;
  readonly narrowing: boolean;
  readonly json?: boolean;
}

interface PushFlags extends AuthFlags {
  readonly db?: string;
  readonly collection: string;
  readonly since?: string;
  readonly type?: string[];
  readonly as: string;
  readonly keys?: string;
  readonly maxEnvelopeBytes: string;
  readonly json?: boolean;
}

function withAuthOptions(command: Command): Command {
  return command
    .option('--user <name>', 'HTTP Basic user (env RAMPART_TAXII_USER)')
    .option('--password <secret>', 'HTTP Basic password (env RAMPART_TAXII_PASSWORD; prefer the variable: flags show in ps)')
    .option('--api-key <key>', 'send "Authorization: Bearer <key>" (env RAMPART_TAXII_API_KEY)')
    .option('--retries <n>', 'retries of a request on network errors, 429 and 5xx (with back-off)', '5');
}

/** --api-key, else --user/--password, else the same from the environment; a user without a password is an error. */
export function authFromFlags(flags: AuthFlags, env: Env = process.env): Result<TaxiiAuth, string> {
  const apiKey = flags.apiKey ?? (flags.user === undefined ? env['RAMPART_TAXII_API_KEY'] : undefined);
  const user = flags.user ?? (apiKey === undefined ? env['RAMPART_TAXII_USER'] : undefined);
  if (apiKey !== undefined && flags.user !== undefined) return err('give either --api-key or --user/--password, not both');
  if (apiKey !== undefined) return apiKey === '' ? err('--api-key is empty') : ok({ kind: 'bearer', token: apiKey });
  if (user !== undefined) {
    const password = flags.password ?? env['RAMPART_TAXII_PASSWORD'];
    if (password === undefined) return err(`--user ${user} needs --password or RAMPART_TAXII_PASSWORD`);
    return ok({ kind: 'basic', user, password });
  }
  if (flags.password !== undefined) return err('--password needs --user');
  return ok({ kind: 'none' });
}

/** --type and --since, checked as `rampart export` checks them. */
function filtersOf(flags: { readonly type?: readonly string[]; readonly since?: string }): Result<Pick<ExportQuery, 'types' | 'addedAfterUs'>, string> {
  const filters = parseExportFilters(flags.type, flags.since);
  return filters.ok ? filters : err(`--${filters.error.field} ${filters.error.message}`);
}

function keysOf(raw: string, flag: string): Result<AudienceKey[], string> {
  const keys: AudienceKey[] = [];
  for (const part of raw.split(',').map((s) => s.trim()).filter((s) => s !== '')) {
    const key = parseAudienceKey(part);
    if (!key.ok) return err(`${flag}: ${key.error.message}`);
    keys.push(key.value);
  }
  return ok(keys);
}

function clientOf(flags: AuthFlags, auth: TaxiiAuth, quiet: boolean): Result<TaxiiClient, string> {
  const retries = Number(flags.retries);
  if (!Number.isInteger(retries) || retries < 0 || retries > 20) return err('--retries must be a whole number from 0 to 20');
  const onRetry = (e: RetryEvent) => {
    if (!quiet) process.stderr.write(`retrying ${e.url} in ${(e.delayMs / 1000).toFixed(1)} s (${e.reason}; attempt ${e.attempt} of ${retries})\n`);
  };
  return ok(taxiiClient(taxiiTransport({ auth, retry: { retries }, onRetry })));
}

/** `rampart taxii pull|push|collections`: exchange STIX with any TAXII 2.1 server. */
export function taxiiCommand(): Command {
  const taxii = new Command('taxii').description('Pull from or push to any TAXII 2.1 server (MISP, OpenCTI, medallion, another Rampart)');

  const pull = withAuthOptions(
    new Command('pull')
      .description('Import a remote collection into the store: paged, retried with back-off, resumed where the last pull stopped')
      .argument('<url>', "the server's discovery URL (e.g. https://hub.example.gov/taxii2/) or an API root URL")
      .requiredOption('--collection <id>', 'collection id or alias')
      .option('--since <timestamp>', 'start from objects added after this time (RFC 3339) instead of the saved position')
      .option('--type <types...>', 'only these object types (repeat or comma-separate)')
      .option('--limit <n>', 'objects per page asked for', '1000')
      .option('--owner <identity id>', 'the local organization receiving the objects: TLP:AMBER objects stay inside it (default: the hub identity)')
      .addOption(new Option('--tlp <level>', 'TLP of objects without a TLP marking').default('amber'))
      .option('--audience <keys>', 'at most this audience for received objects (comma-separated keys); only narrows what the TLP allows')
      .option('--no-narrowing', 'skip comparing the remote manifest with objects received before (narrowing propagation)')
      .option('--json', 'print the summary as JSON'),
  );
  withDbOption(pull).action(async (url: string, flags: PullFlags) => {
    process.exitCode = await runPullCommand(url, flags);
  });

  const push = withAuthOptions(
    new Command('push')
      .description("Send an organization's own objects that it shared with the given keys to a remote collection, in envelopes within the server's limit, and report refused objects")
      .argument('<url>', "the server's discovery URL or an API root URL")
      .requiredOption('--collection <id>', 'collection id or alias')
      .requiredOption('--as <identity id>', 'send only objects this local organization owns')
      .option('--keys <keys>', 'send only what it shared with one of these audience keys (default: community; add org:<its id> to send what it kept within the organization)')
      .option('--type <types...>', 'only these object types (repeat or comma-separate)')
      .option('--since <timestamp>', 'only versions added to this hub after this time (RFC 3339)')
      .option('--max-envelope-bytes <n>', "largest envelope sent (the server's max_content_length bounds it too)", String(10 * 1024 * 1024))
      .option('--json', 'print the summary as JSON'),
  );
  withDbOption(push).action(async (url: string, flags: PushFlags) => {
    process.exitCode = await runPushCommand(url, flags);
  });

  const collections = withAuthOptions(
    new Command('collections').description('List the collections these credentials may see').argument('<url>', "the server's discovery URL or an API root URL"),
  ).action(async (url: string, flags: AuthFlags) => {
    process.exitCode = await runCollections(url, flags);
  });

  return taxii.addCommand(pull).addCommand(push).addCommand(collections);
}

function fail(command: string, message: string, code: number): number {
  process.stderr.write(`rampart taxii ${command}: ${message}\n`);
  return code;
}

async function openStoreWithDatabase(flags: { readonly db?: string }) {
  const { openStore } = await import('../../store/index.ts');
  return openStore({ url: resolveDatabaseUrl(flags) });
}

function progress(enabled: boolean): { update(s: PullSummary): void; done(): void } {
  if (!enabled) return { update: () => undefined, done: () => undefined };
  return {
    update: (s) => process.stderr.write(`\r${s.pages} pages, ${s.objects} objects: ${s.added} added, ${s.newVersions} new versions, ${s.unchanged} unchanged, ${s.rejected} rejected   `),
    done: () => process.stderr.write('\n'),
  };
}

async function runPullCommand(url: string, flags: PullFlags): Promise<number> {
  const auth = authFromFlags(flags);
  if (!auth.ok) return fail('pull', auth.error, EXIT.unusable);
  const filters = filtersOf(flags);
  if (!filters.ok) return fail('pull', filters.error, EXIT.unusable);
  const tlp: Tlp | undefined = parseTlp(flags.tlp);
  if (tlp === undefined) return fail('pull', `--tlp "${flags.tlp}" is not a TLP level; use clear, green, amber or amber+strict`, EXIT.unusable);
  const limit = Number(flags.limit);
  if (!Number.isInteger(limit) || limit < 1) return fail('pull', '--limit must be a positive whole number', EXIT.unusable);
  let receiver: OrgId = hubIdentity();
  if (flags.owner !== undefined) {
    const parsed = parseOrgId(flags.owner);
    if (!parsed.ok) return fail('pull', `--owner: ${parsed.error.message}`, EXIT.unusable);
    receiver = parsed.value;
  }
  const audience = flags.audience === undefined ? ok(undefined) : keysOf(flags.audience, '--audience');
  if (!audience.ok) return fail('pull', audience.error, EXIT.unusable);
  const client = clientOf(flags, auth.value, flags.json === true);
  if (!client.ok) return fail('pull', client.error, EXIT.unusable);

  const location = await client.value.locate(url, flags.collection);
  if (!location.ok) return fail('pull', location.error.message, EXIT.problems);
  const store = await openStoreWithDatabase(flags);
  const bar = progress(process.stderr.isTTY && flags.json !== true);
  try {
    const result = await runPull(
      { stix: store.stix, repo: federationRepository(store.database), client: client.value, now: () => new Date(), hubOwner: hubIdentity(), localOrganizations: localOrganizationsIn(store.database) },
      {
        source: `pull:${withSlash(location.value.collectionUrl)}`,
        location: location.value,
        receiver,
        defaultTlp: tlp,
        limit,
        propagateNarrowing: flags.narrowing,
        onPage: (s) => bar.update(s),
        ...(audience.value === undefined ? {} : { narrowTo: audience.value }),
        ...(filters.value.types === undefined ? {} : { types: filters.value.types }),
        ...(flags.since === undefined ? {} : { since: flags.since }),
      },
    );
    bar.done();
    if (!result.ok) return fail('pull', `${result.error.message} (what was stored so far stays; run the same command again to resume)`, EXIT.problems);
    const s = result.value;
    if (flags.json === true) process.stdout.write(`${JSON.stringify({ collection: location.value.collectionUrl, ...s })}\n`);
    else {
      process.stdout.write(
        `${location.value.collectionUrl}: ${s.objects} objects in ${s.pages} pages: ${s.added} added, ${s.newVersions} new versions, ${s.unchanged} unchanged, ${s.loops} of this hub's own skipped, ${s.rejected} rejected (${s.conflicts} another owner's version), ${s.withdrawn} narrowed, ${s.restored} restored\n`,
      );
      for (const d of s.rejections) process.stdout.write(`  ${formatProblem(d)}\n`);
    }
    return s.rejected > 0 ? EXIT.problems : EXIT.ok;
  } finally {
    await store.close();
  }
}

async function runPushCommand(url: string, flags: PushFlags): Promise<number> {
  const auth = authFromFlags(flags);
  if (!auth.ok) return fail('push', auth.error, EXIT.unusable);
  const filters = filtersOf(flags);
  if (!filters.ok) return fail('push', filters.error, EXIT.unusable);
  const as = parseOrgId(flags.as);
  if (!as.ok) return fail('push', `--as: ${as.error.message}`, EXIT.unusable);
  const keys = keysOf(flags.keys ?? 'community', '--keys');
  if (!keys.ok) return fail('push', keys.error, EXIT.unusable);
  const maxEnvelopeBytes = Number(flags.maxEnvelopeBytes);
  if (!Number.isInteger(maxEnvelopeBytes) || maxEnvelopeBytes < 1024) return fail('push', '--max-envelope-bytes must be a whole number of at least 1024', EXIT.unusable);
  const client = clientOf(flags, auth.value, flags.json === true);
  if (!client.ok) return fail('push', client.error, EXIT.unusable);

  const location = await client.value.locate(url, flags.collection);
  if (!location.ok) return fail('push', location.error.message, EXIT.problems);
  if (!location.value.collection.can_write) return fail('push', `collection ${flags.collection} says can_write: false for these credentials`, EXIT.problems);
  const store = await openStoreWithDatabase(flags);
  const tty = process.stderr.isTTY && flags.json !== true;
  try {
    const result = await runPush(
      { stix: store.stix, repo: federationRepository(store.database), client: client.value, now: () => new Date() },
      {
        location: location.value,
        // What the organization shared with the keys (a reader owning nothing), of its own: never what others shared with it, nor what it named people on unless a user: key is given.
        reader: { kind: 'audience', keys: keys.value },
        ownedBy: as.value,
        options: { maxEnvelopeBytes, ...(tty ? { onEnvelope: (n: number) => process.stderr.write(`\r${n} objects sent   `) } : {}) },
        ...(filters.value.types === undefined ? {} : { types: filters.value.types }),
        ...(filters.value.addedAfterUs === undefined ? {} : { sinceUs: filters.value.addedAfterUs }),
      },
    );
    if (tty) process.stderr.write('\n');
    if (!result.ok) return fail('push', result.error.message, EXIT.problems);
    const s = result.value;
    if (flags.json === true) process.stdout.write(`${JSON.stringify({ collection: location.value.collectionUrl, ...s })}\n`);
    else {
      process.stdout.write(`${location.value.collectionUrl}: ${s.sent} objects sent in ${s.envelopes} envelopes: ${s.succeeded} accepted, ${s.failed} failed, ${s.pending} still pending\n`);
      for (const f of s.failures) process.stdout.write(`  ${f.id} ${f.version}: ${f.message ?? 'refused'}\n`);
    }
    return s.failed > 0 || s.pending > 0 ? EXIT.problems : EXIT.ok;
  } finally {
    await store.close();
  }
}

async function runCollections(url: string, flags: AuthFlags): Promise<number> {
  const auth = authFromFlags(flags);
  if (!auth.ok) return fail('collections', auth.error, EXIT.unusable);
  const client = clientOf(flags, auth.value, false);
  if (!client.ok) return fail('collections', client.error, EXIT.unusable);
  const discovery = await client.value.discovery(url);
  const roots = discovery.ok ? (discovery.value.api_roots ?? []).map((r) => withSlash(new URL(r, withSlash(url)).toString())) : [withSlash(url)];
  for (const root of roots) {
    const list = await client.value.collections(root);
    if (!list.ok) return fail('collections', list.error.message, EXIT.problems);
    for (const c of list.value) process.stdout.write(`${root}\t${c.id}\t${c.alias ?? ''}\t${c.can_read ? 'r' : '-'}${c.can_write ? 'w' : '-'}\t${c.title}\n`);
  }
  return EXIT.ok;
}
