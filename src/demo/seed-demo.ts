import { randomBytes } from 'node:crypto';
import { chmodSync, existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { Type, type Static } from '@sinclair/typebox';
import { Value } from '@sinclair/typebox/value';
import { OPERATOR, type AccountsContext } from '../accounts/context.ts';
import { createOrganization, updateOrganization } from '../accounts/organizations.ts';
import { createUser, disableUser, setPassword } from '../accounts/users.ts';
import { organizationId, type NewOrganization, type Organization } from '../domain/organization.ts';
import { parseStixId, type OrgId, type UserId } from '../domain/ids.ts';
import type { AudienceKey } from '../domain/audience.ts';
import { problem, type Problem } from '../domain/problem.ts';
import { err, ok, type Result } from '../domain/result.ts';
import { importObjects } from '../ingest/import.ts';
import { readerOfWriter } from '../ingest/ownership.ts';
import type { StixStore } from '../store/types.ts';
import { publishCorrection, type RumourDeps } from '../rumours/service.ts';
import { approveStatement, draftStatement, publishStatement, type StatementDeps } from '../statements/service.ts';
import { checkpointIfDue, type TransparencyDeps } from '../transparency/service.ts';
import { demoCorrection, demoItems, demoStatements, type DemoItem, type DemoOrgs, type DemoStatement } from './demo-data.ts';
import { seedElectionDemo } from './seed-election-demo.ts';

/** A demo account as printed at start: fictional people at fictional or seeded offices. */
export interface DemoAccount {
  readonly email: string;
  readonly password: string;
  readonly role: 'viewer' | 'analyst' | 'org-admin' | 'hub-admin';
  readonly org: string;
}

const CredentialsSchema = Type.Record(Type.String(), Type.String());
type Credentials = Static<typeof CredentialsSchema>;

/** The phishing domain of the demo story, which the demo county watches after the emails its staff received. */
export const DEMO_WATCHED_DOMAIN = 'ballot-update-portal.example';

/**
 * The demo's local election office: a plainly fictional village in Wisconsin (state FIPS 55), where municipal
 * clerks run elections. It has no county FIPS code, so it never stands beside the real counties as a 73rd one.
 */
export const DEMO_COUNTY: NewOrganization = {
  kind: 'local',
  name: 'Village of Demoville Clerk (fictional)',
  short_name: 'Demoville',
  state_fips: '55',
};

/**
 * The demo office as databases seeded before were given it: found there, it is renamed in place (its id stays, since
 * the audit log and everything it shared name it), and its clerk's account under the old address is disabled.
 */
const EARLIER_DEMO_COUNTY: NewOrganization = { kind: 'local', name: 'Lakeshore County Clerk (fictional demo office)', state_fips: '55' };
const EARLIER_CLERK = 'clerk@lakeshore-county.example';

/** The seeded state offices the demo story is told between, named as offices rather than bare state names. */
const DEMO_STATE_OFFICES: Readonly<Record<'55' | '17', string>> = {
  '55': 'Wisconsin Elections Commission (fictional)',
  '17': 'Illinois State Board of Elections (fictional)',
};

interface DemoPerson {
  readonly email: string;
  readonly name: string;
  readonly role: DemoAccount['role'];
  readonly org: 'county' | 'state' | 'otherState' | 'federal';
}

/** The state's analyst, who publishes the demo's correction. */
const STATE_ANALYST = 'analyst@wi-elections.example';

const PEOPLE: readonly DemoPerson[] = [
  { email: 'clerk@demoville.example', name: 'Casey Demo (village clerk)', role: 'org-admin', org: 'county' },
  { email: STATE_ANALYST, name: 'Robin Demo (state analyst)', role: 'org-admin', org: 'state' },
  { email: 'analyst@il-elections.example', name: 'Jordan Demo (Illinois analyst)', role: 'analyst', org: 'otherState' },
  { email: 'liaison@cisa-demo.example', name: 'Morgan Demo (federal liaison)', role: 'analyst', org: 'federal' },
];

function readCredentials(file: string): Credentials {
  if (!existsSync(file)) return {};
  try {
    const parsed: unknown = JSON.parse(readFileSync(file, 'utf8'));
    return Value.Check(CredentialsSchema, parsed) ? parsed : {};
  } catch {
    return {};
  }
}

async function findSeeded(ctx: AccountsContext, match: (o: Organization) => boolean, what: string): Promise<Result<Organization, Problem>> {
  const found = (await ctx.accounts.listOrganizations()).find(match);
  return found === undefined ? err(problem('conflict', 'demo-org-missing', `the demo needs the seeded ${what}; run the organization seed first`)) : ok(found);
}

/** A seeded state office under its demo name (renamed through the organization update path, so the change is audited). */
async function demoStateOffice(ctx: AccountsContext, fips: '55' | '17'): Promise<Result<Organization, Problem>> {
  const found = await findSeeded(ctx, (o) => o.kind === 'state' && o.state_fips === fips, `state office of ${fips === '55' ? 'Wisconsin' : 'Illinois'}`);
  if (!found.ok || found.value.name === DEMO_STATE_OFFICES[fips]) return found;
  return updateOrganization(ctx, OPERATOR, found.value.id, { name: DEMO_STATE_OFFICES[fips] });
}

/** The demo's local office: the one an earlier demo created (renamed, same id), else the one this start creates. */
async function demoLocalOffice(ctx: AccountsContext): Promise<Result<{ readonly org: Organization; readonly created: boolean }, Problem>> {
  const earlier = await ctx.accounts.getOrganization(organizationId(EARLIER_DEMO_COUNTY));
  if (earlier !== null) {
    const clerk = await ctx.accounts.userByEmail(EARLIER_CLERK);
    if (clerk !== null) {
      const disabled = await disableUser(ctx, OPERATOR, { id: clerk.id });
      if (!disabled.ok) return disabled;
    }
    if (earlier.name === DEMO_COUNTY.name) return ok({ org: earlier, created: false });
    const renamed = await updateOrganization(ctx, OPERATOR, earlier.id, { name: DEMO_COUNTY.name, short_name: DEMO_COUNTY.short_name ?? null });
    return renamed.ok ? ok({ org: renamed.value, created: false }) : renamed;
  }
  const existing = await ctx.accounts.getOrganization(organizationId(DEMO_COUNTY));
  if (existing !== null) return ok({ org: existing, created: false });
  const created = await createOrganization(ctx, OPERATOR, DEMO_COUNTY);
  return created.ok ? ok({ org: created.value, created: true }) : created;
}

async function demoOrgs(ctx: AccountsContext): Promise<Result<{ readonly orgs: DemoOrgs; readonly names: Readonly<Record<DemoPerson['org'], string>>; readonly countyCreated: boolean }, Problem>> {
  const state = await demoStateOffice(ctx, '55');
  if (!state.ok) return state;
  const other = await demoStateOffice(ctx, '17');
  if (!other.ok) return other;
  const federal = await findSeeded(ctx, (o) => o.kind === 'federal' && o.short_name === 'CISA', 'federal agency CISA');
  if (!federal.ok) return federal;
  const local = await demoLocalOffice(ctx);
  if (!local.ok) return local;
  const county = local.value.org;
  return ok({
    orgs: { state: { id: state.value.id, fips: '55' }, county: { id: county.id }, otherState: { id: other.value.id, fips: '17' }, federal: { id: federal.value.id } },
    names: { county: county.name, state: state.value.name, otherState: other.value.name, federal: federal.value.name },
    countyCreated: local.value.created,
  });
}

/** How the demo speaks to the public as an official would: the hub's rumour control, joint statements and transparency log (src/hub/compose.ts). */
export interface DemoPublishing {
  readonly rumours: RumourDeps;
  readonly statements: StatementDeps;
  readonly transparency: TransparencyDeps;
  readonly keysOf: (orgId: OrgId, userId: UserId | null) => Promise<readonly AudienceKey[]>;
}

/** One object of the story, shared under its owner's TLP and audience (a later start replaces it by the same version: nothing new). */
async function shareDemoItem(stix: StixStore, hubOwner: OrgId, item: DemoItem): Promise<Result<null, Problem>> {
  const imported = await importObjects(stix, [JSON.stringify(item.object)], { hubOwner, owner: item.owner, tlp: item.tlp, audience: item.audience, onConflict: 'replace' });
  if (!imported.ok) return imported;
  const rejection = imported.value.rejections[0];
  return rejection === undefined ? ok(null) : err(problem('invalid', rejection.code, `demo object ${rejection.id ?? ''}: ${rejection.message}`));
}

/** The one demo person of each of the story's organizations: who drafts, approves and publishes its statements. */
const PERSON_OF: Readonly<Record<DemoPerson['org'], string>> = Object.fromEntries(PEOPLE.map((p) => [p.org, p.email])) as Record<DemoPerson['org'], string>;

/**
 * Each demo joint statement, the way its people would: the author's person drafts it, every co-signer's person approves
 * the exact text, then the author approves and publishes it, each at the story's time. Once: a later start finds it
 * among the author's statements by its title (the service gives each statement a random id).
 */
async function publishDemoStatement(ctx: AccountsContext, publishing: DemoPublishing, orgs: DemoOrgs, statement: DemoStatement): Promise<Result<null, Problem>> {
  const author = orgs[statement.author].id;
  if ((await publishing.statements.repo.listFor(author)).some((s) => s.author_org === author && s.title === statement.title)) return ok(null);
  const principalOf = async (party: DemoPerson['org']) => {
    const orgId = orgs[party].id;
    const person = await ctx.accounts.userByEmail(PERSON_OF[party]);
    if (person === null) return null;
    return { orgId, userId: person.id, keys: await publishing.keysOf(orgId, person.id), scope: 'write' as const };
  };
  const at = (iso: string) => ({ ...publishing.statements, clock: { now: () => new Date(iso) } });
  const minutesAfter = (n: number) => new Date(Date.parse(statement.drafted) + n * 60_000).toISOString();
  const drafter = await principalOf(statement.author);
  if (drafter === null) return err(problem('conflict', 'demo-person-missing', `the demo needs ${PERSON_OF[statement.author]}`));
  const drafted = await draftStatement(at(statement.drafted), drafter, { title: statement.title, text: statement.text, cosigners: statement.cosigners.map((c) => orgs[c].id), tlp: statement.tlp });
  if (!drafted.ok) return drafted;
  for (const [i, party] of [...statement.cosigners, statement.author].entries()) {
    const signer = await principalOf(party);
    if (signer === null) return err(problem('conflict', 'demo-person-missing', `the demo needs ${PERSON_OF[party]}`));
    const approved = await approveStatement(at(minutesAfter(15 * (i + 1))), signer, drafted.value.id, drafted.value.content_hash);
    if (!approved.ok) return approved;
  }
  const published = await publishStatement(at(statement.published), drafter, drafted.value.id);
  return published.ok ? ok(null) : published;
}

/** A day: the demo signs a checkpoint when the log grew or the latest is older than this. */
const CHECKPOINT_AGE_MS = 24 * 3_600_000;

/**
 * The state analyst publishes the story's correction through rumour control at the story's time (so it is in the
 * transparency log like any official's), once: a later start finds it by its id.
 */
async function publishDemoCorrection(ctx: AccountsContext, stix: StixStore, publishing: DemoPublishing, orgs: DemoOrgs, electionDayStart: Date): Promise<Result<null, Problem>> {
  const correction = demoCorrection(orgs, electionDayStart);
  const id = parseStixId(correction.id);
  if (!id.ok) throw new Error(`the demo correction's id ${correction.id} is not a STIX id`);
  if ((await stix.get({ kind: 'operator' }, id.value)) === null) {
    const analyst = await ctx.accounts.userByEmail(STATE_ANALYST);
    if (analyst === null) return err(problem('conflict', 'demo-person-missing', `the demo needs its state analyst ${STATE_ANALYST}`));
    const principal = { orgId: correction.owner, userId: analyst.id, keys: await publishing.keysOf(correction.owner, analyst.id), scope: 'write' as const };
    const at = new Date(correction.at);
    const published = await publishCorrection({ ...publishing.rumours, clock: { now: () => at } }, principal, readerOfWriter(principal), correction.body, correction.id);
    if (!published.ok) return published;
  }
  return ok(null);
}

/**
 * Adds the fictional demo: a village clerk's office, the two state offices named as offices, four demo people (passwords random on first start, kept
 * in `credentialsFile` beside the database so later starts print the same ones) and the demo story,
 * each object under its owner's TLP and audience, its public correction published through rumour control.
 * Safe on every start.
 */
export async function seedDemo(
  ctx: AccountsContext,
  stix: StixStore,
  options: {
    readonly hubOwner: OrgId;
    readonly credentialsFile: string;
    readonly publishing: DemoPublishing;
    readonly now?: Date;
    /** Runs before the election is looked for or added (first-start notes there where the alert matcher stands). */
    readonly beforeElection?: () => Promise<void>;
    /**
     * Runs after the election and its status reports, before the story is shared (first-start places the alert matcher's
     * start there). `firstStart`: the demo county was created by this start, so what its people set up is not yet theirs to keep.
     * `electionAdded`: this start added that day's election and its status reports.
     */
    readonly beforeStory?: (orgs: DemoOrgs, firstStart: boolean, electionAdded: boolean) => Promise<void>;
  },
): Promise<Result<readonly DemoAccount[], Problem>> {
  const found = await demoOrgs(ctx);
  if (!found.ok) return found;
  const { orgs, names, countyCreated } = found.value;
  const credentials = readCredentials(options.credentialsFile);
  const accounts: DemoAccount[] = [];
  for (const person of PEOPLE) {
    const known = credentials[person.email];
    const password = known ?? `demo-${randomBytes(9).toString('base64url')}`;
    const existing = await ctx.accounts.userByEmail(person.email);
    if (existing === null) {
      const created = await createUser(ctx, OPERATOR, { email: person.email, name: person.name, role: person.role, password, org_id: orgs[person.org].id });
      if (!created.ok) return created;
    } else if (known === undefined) {
      const reset = await setPassword(ctx, OPERATOR, existing, password);
      if (!reset.ok) return reset;
    }
    credentials[person.email] = password;
    accounts.push({ email: person.email, password, role: person.role, org: names[person.org] });
  }
  mkdirSync(path.dirname(path.resolve(options.credentialsFile)), { recursive: true });
  writeFileSync(options.credentialsFile, `${JSON.stringify(credentials, null, 2)}\n`, { mode: 0o600 });
  // The mode above applies only to a new file: one an earlier version wrote readable by others is closed here.
  chmodSync(options.credentialsFile, 0o600);

  const now = options.now ?? new Date();
  // The election first: its hundred status reports are the background, not news; the story after it is shared as news.
  await options.beforeElection?.();
  const election = await seedElectionDemo(ctx, stix, { hubOwner: options.hubOwner, now, orgs });
  if (!election.ok) return election;
  // The story's times follow the first demo election's day (as first seeded, not this start's hour or day), so that the
  // rumour is corrected on that election day, a restart does not publish the whole story again, and a start on a later
  // day does not date the story's items after its joint statements and correction, which are published once.
  const electionDayStart = election.value.storyDayStart;
  await options.beforeStory?.(orgs, countyCreated, election.value.added > 0);
  // Everything in story order, the correction and the statements at their times among the objects: the demo is shared
  // at once, so the order it is shared in is the order "Latest shared with you" lists (newest first) and the public log keeps.
  const steps: { readonly at: string; readonly run: () => Promise<Result<null, Problem>> }[] = [
    ...demoItems(orgs, electionDayStart).map((item) => ({ at: String(item.object['modified']), run: () => shareDemoItem(stix, options.hubOwner, item) })),
    { at: demoCorrection(orgs, electionDayStart).at, run: () => publishDemoCorrection(ctx, stix, options.publishing, orgs, electionDayStart) },
    ...demoStatements(electionDayStart).map((statement) => ({ at: statement.published, run: () => publishDemoStatement(ctx, options.publishing, orgs, statement) })),
  ];
  // Stable: at equal times, items before the correction before the statements, as listed.
  for (const step of steps.map((x, i) => ({ x, i })).sort((a, b) => Date.parse(a.x.at) - Date.parse(b.x.at) || a.i - b.i)) {
    const done = await step.x.run();
    if (!done.ok) return done;
  }
  // The hub signs a checkpoint when the log has none of its present size, so the demo's /transparency page has something to show and verify.
  const checkpoint = await checkpointIfDue(options.publishing.transparency, CHECKPOINT_AGE_MS);
  if (!checkpoint.ok) return checkpoint;
  return ok(accounts);
}
