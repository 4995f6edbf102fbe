import type { Principal } from '../domain/principal.ts';
import { stateByFips } from '../domain/organization-data.ts';
import { problem, type Problem } from '../domain/problem.ts';
import { err, ok, type Result } from '../domain/result.ts';
import { summaryOf, visibleElection } from '../elections/service.ts';
import type { Reader } from '../store/types.ts';
import { declinedBy, intervalIn } from './rollup.ts';
import type { ExpectationsView } from './schemas.ts';
import type { StatusDeps } from './service.ts';

/**
 * One state's reporting expectations in an election: each phase's interval as the election sets it and
 * as the state set it for all its jurisdictions, and each jurisdiction's interval per phase with where
 * it comes from. Anyone who may see the election reads it (the roll-up shows the same intervals); only
 * an administrator of the state's own election office may change it (`can_change`).
 */
export async function expectationsFor(
  deps: StatusDeps & { readonly isOrgAdmin: (principal: Principal) => Promise<boolean> },
  principal: Principal | null,
  reader: Reader,
  electionId: string,
  stateFips: string,
): Promise<Result<ExpectationsView, Problem>> {
  const found = await visibleElection(deps.stix, reader, electionId);
  if (!found.ok) return found;
  const election = found.value.election;
  const name = stateByFips(stateFips)?.name ?? stateFips;
  if (!election.state_fips.includes(stateFips)) return err(problem('not-found', 'state-not-in-election', `${name} does not take part in ${election.name}`));
  const [jurisdictions, expectations, info, admin] = await Promise.all([
    deps.jurisdictions([stateFips]),
    deps.elections.expectations(electionId),
    principal === null ? Promise.resolve(null) : deps.orgInfo(principal.orgId),
    principal === null ? Promise.resolve(false) : deps.isOrgAdmin(principal),
  ]);
  const listed = election.jurisdiction_refs === undefined ? null : new Set<string>(election.jurisdiction_refs);
  // The jurisdictions port gives each state's offices already in display order (inDisplayOrder, sorted once when it reads them).
  const members = jurisdictions.filter((j) => listed === null || j.kind !== 'local' || listed.has(j.id));
  const stateWide = (phase: string) => expectations.find((e) => e.stateFips === stateFips && e.jurisdictionRef === '' && e.phase === phase && e.reportEveryMinutes !== null)?.reportEveryMinutes ?? null;
  const own = (j: string, phase: string) => expectations.find((e) => e.stateFips === stateFips && e.jurisdictionRef === j && e.phase === phase && e.reportEveryMinutes !== null)?.reportEveryMinutes ?? null;
  const electionMinutes = (p: (typeof election.phases)[number]) => intervalIn(p, { id: '', stateFips: '' }, []).minutes;
  return ok({
    election: await summaryOf(deps, found.value),
    state: { state_fips: stateFips, name, declined: declinedBy(expectations, stateFips, '') },
    can_change: admin && info !== null && (info.kind === 'state' || info.kind === 'territory') && info.stateFips === stateFips,
    phases: election.phases.map((p) => ({
      phase: p.phase,
      start: p.start,
      end: p.end,
      election_minutes: electionMinutes(p),
      state_minutes: stateWide(p.phase) ?? stateWide(''),
      minutes: intervalIn(p, { id: '', stateFips }, expectations).minutes,
    })),
    jurisdictions: members.map((j) => ({
      id: j.id,
      name: j.name,
      kind: j.kind,
      county_fips: j.countyFips,
      declined: declinedBy(expectations, stateFips, j.id),
      phases: election.phases.map((p) => {
        const now = intervalIn(p, j, expectations);
        return { phase: p.phase, own_minutes: own(j.id, p.phase) ?? own(j.id, ''), minutes: now.minutes, source: now.source };
      }),
    })),
  });
}
