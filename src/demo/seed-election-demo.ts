import { loadCounties } from '../accounts/counties.ts';
import type { AccountsContext } from '../accounts/context.ts';
import { parseStixId, type OrgId } from '../domain/ids.ts';
import { problem, type Problem } from '../domain/problem.ts';
import { err, ok, type Result } from '../domain/result.ts';
import { importObjects } from '../ingest/import.ts';
import { ELECTION_TYPE } from '../stix/rampart-extension.ts';
import type { StixStore } from '../store/types.ts';
import type { DemoOrgs } from './demo-data.ts';
import { demoElectionDayStart, demoElectionId, electionDemo, type DemoJurisdiction } from './election-demo.ts';

/** The start of the election-day phase of a stored demo election, or null when it has none readable. */
function electionDayStartOf(json: string): Date | null {
  const phases: unknown = (JSON.parse(json) as { phases?: unknown }).phases;
  if (!Array.isArray(phases)) return null;
  for (const p of phases as unknown[]) {
    if (typeof p !== 'object' || p === null) continue;
    const { phase, start } = p as { phase?: unknown; start?: unknown };
    if (phase === 'election-day' && typeof start === 'string' && !Number.isNaN(Date.parse(start))) return new Date(start);
  }
  return null;
}

/** How many elections the store is read for at a time, looking for the first demo one. */
const PAGE = 500;

/**
 * When the election day of the first demo election seeded in this store began, or null when there is none: a demo
 * election is the hub's election whose id is the demo's for its own election date (one per UTC day the demo started on).
 */
async function firstDemoElectionDay(stix: StixStore, hubOwner: OrgId): Promise<Result<Date | null, Problem>> {
  let first: Date | null = null;
  let cursor: string | null = null;
  do {
    const page = await stix.list({ kind: 'operator' }, { types: [ELECTION_TYPE], owners: [hubOwner], versions: 'latest', limit: PAGE, ...(cursor === null ? {} : { cursor }) });
    if (!page.ok) return page;
    for (const v of page.value.items) {
      const date: unknown = (JSON.parse(v.json) as { election_date?: unknown }).election_date;
      if (typeof date !== 'string' || v.id !== demoElectionId(new Date(`${date}T00:00:00.000Z`))) continue;
      const start = electionDayStartOf(v.json);
      if (start !== null && (first === null || start < first)) first = start;
    }
    cursor = page.value.nextCursor;
  } while (cursor !== null);
  return ok(first);
}

/** What seeding the demo election answers: how many objects it added, and the days the story and today's election follow. */
export interface SeededElection {
  readonly added: number;
  /** When today's demo election's election day began. */
  readonly electionDayStart: Date;
  /**
   * When the first demo election's election day began (today's, on the first start): the demo story's times follow it,
   * so a start on a later day leaves the story where its joint statements and correction, published once, have it.
   */
  readonly storyDayStart: Date;
}

/**
 * Adds the demo election under way today (src/demo/election-demo.ts), once per UTC day: Wisconsin's and
 * Illinois' county offices are loaded from the packaged Census counties, then the election and the
 * status reports each office shared. Answers when its election day began and when the first demo election's did: the
 * demo story follows the first, so a later start (that day or any other) finds the story as it left it (no new
 * versions, no second alerts, no statement dated before the rumour it answers).
 */
export async function seedElectionDemo(
  ctx: AccountsContext,
  stix: StixStore,
  options: { readonly hubOwner: OrgId; readonly now: Date; readonly orgs: DemoOrgs },
): Promise<Result<SeededElection, Problem>> {
  const firstDay = await firstDemoElectionDay(stix, options.hubOwner);
  if (!firstDay.ok) return firstDay;
  const existing = parseStixId(demoElectionId(options.now));
  const stored = existing.ok ? await stix.get({ kind: 'operator' }, existing.value) : null;
  if (stored !== null) {
    const electionDayStart = electionDayStartOf(stored.json) ?? demoElectionDayStart(options.now);
    return ok({ added: 0, electionDayStart, storyDayStart: firstDay.value ?? electionDayStart });
  }
  for (const stateFips of ['55', '17']) {
    const loaded = await loadCounties(ctx, { stateFips });
    if (!loaded.ok) return loaded;
  }
  const jurisdiction = async (id: OrgId): Promise<DemoJurisdiction | null> => {
    const o = await ctx.accounts.getOrganization(id);
    return o === null || o.state_fips === null ? null : { id: o.id, name: o.name, stateFips: o.state_fips, countyFips: o.county_fips };
  };
  const [county, wisconsin, illinois] = await Promise.all([jurisdiction(options.orgs.county.id), jurisdiction(options.orgs.state.id), jurisdiction(options.orgs.otherState.id)]);
  if (county === null || wisconsin === null || illinois === null) return err(problem('conflict', 'demo-org-missing', 'the election demo needs the demo county and the Wisconsin and Illinois offices'));
  const counties: DemoJurisdiction[] = [];
  for (const stateFips of ['55', '17']) {
    for (const o of await ctx.accounts.listOrganizations({ kind: 'local', stateFips })) {
      if (o.county_fips !== null) counties.push({ id: o.id, name: o.name, stateFips, countyFips: o.county_fips });
    }
  }
  const objects = electionDemo({ now: options.now, hubOwner: options.hubOwner, county, wisconsin, illinois, federal: options.orgs.federal.id, counties });
  for (const item of objects) {
    const imported = await importObjects(stix, [JSON.stringify(item.object)], { hubOwner: options.hubOwner, owner: item.owner, tlp: item.tlp, audience: item.audience, onConflict: 'replace' });
    if (!imported.ok) return imported;
    const rejection = imported.value.rejections[0];
    if (rejection !== undefined) return err(problem('invalid', rejection.code, `demo object ${rejection.id ?? ''}: ${rejection.message}`));
  }
  const electionDayStart = demoElectionDayStart(options.now);
  return ok({ added: objects.length, electionDayStart, storyDayStart: firstDay.value ?? electionDayStart });
}
