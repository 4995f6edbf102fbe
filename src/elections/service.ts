import { randomUUID } from 'node:crypto';
import { Value } from '@sinclair/typebox/value';
import { parseAudienceKey, type AudienceKey } from '../domain/audience.ts';
import type { Clock } from '../domain/clock.ts';
import { PHASE_TEXT, type ElectionPhase } from '../domain/election.ts';
import { parseStixId, type OrgId } from '../domain/ids.ts';
import type { Principal } from '../domain/principal.ts';
import { problem, type Problem } from '../domain/problem.ts';
import { err, ok, type Result } from '../domain/result.ts';
import type { AuditDrafting } from '../audit/audit-log.ts';
import { publishObject, type Written } from '../objects/service.ts';
import type { OrgInfoPort } from '../sharing/keys.ts';
import type { SharingPort } from '../sharing/port.ts';
import { ELECTION_TYPE, ElectionSchema, RAMPART_EXTENSION_ID, type Election, type Phase } from '../stix/rampart-extension.ts';
import type { ElectionStatusRepository } from '../store/elections.ts';
import type { Reader, StixStore, StoredVersion } from '../store/types.ts';
import type { ElectionSummary, ExpectationBody, NewElectionBody } from './schemas.ts';

export interface ElectionDeps {
  readonly stix: StixStore;
  readonly sharing: SharingPort;
  readonly clock: Clock;
  readonly orgInfo: OrgInfoPort;
  /** An organization's name, for lists (organizations are public identities). */
  readonly orgName: (id: OrgId) => Promise<string | null>;
  /** The hub's own identity: the owner of the elections its administrators record (no member organization). */
  readonly hubOwner?: OrgId;
  /** The audit log: an election or status recorded is a share, its entry committed with it. */
  readonly audit?: AuditDrafting;
}

/** An election a reader may see, parsed. */
export interface VisibleElection {
  readonly version: StoredVersion;
  readonly election: Election;
}

const DAY = 86_400_000;
const iso = (ms: number) => new Date(ms).toISOString();

/** Phases when none are given: two weeks of early voting, election day 10:00Z to 08:00Z the next day (every US time zone), two weeks of canvass. */
export function defaultPhases(date: string): Phase[] {
  const day = Date.parse(`${date}T00:00:00.000Z`);
  return [
    { phase: 'early-voting', start: iso(day - 14 * DAY + 12 * 3_600_000), end: iso(day - 3_600_000) },
    { phase: 'election-day', start: iso(day + 10 * 3_600_000), end: iso(day + DAY + 8 * 3_600_000) },
    { phase: 'canvass', start: iso(day + DAY + 8 * 3_600_000), end: iso(day + 15 * DAY + 8 * 3_600_000) },
  ];
}

/** The phase under way at `nowMs`, or null. */
export function phaseAt(election: Pick<Election, 'phases'>, nowMs: number): ElectionPhase | null {
  return election.phases.find((p) => Date.parse(p.start) <= nowMs && nowMs < Date.parse(p.end))?.phase ?? null;
}

const NOT_FOUND = (id: string) => problem('not-found', 'no-such-election', `There is no election ${id} shared with you`);

/** The election `id` if the reader may see it and it is not revoked. */
export async function visibleElection(stix: StixStore, reader: Reader, id: string): Promise<Result<VisibleElection, Problem>> {
  const parsed = parseStixId(id);
  if (!parsed.ok || !id.startsWith(`${ELECTION_TYPE}--`)) return err(NOT_FOUND(id));
  const version = await stix.get(reader, parsed.value);
  if (version === null || version.revoked) return err(NOT_FOUND(id));
  const object: unknown = JSON.parse(version.json);
  // Stored elections passed the validator; one that no longer parses is treated as absent rather than half-read.
  if (!Value.Check(ElectionSchema, object)) return err(NOT_FOUND(id));
  return ok({ version, election: object });
}

export async function summaryOf(deps: Pick<ElectionDeps, 'orgName' | 'clock' | 'hubOwner'>, v: VisibleElection): Promise<ElectionSummary> {
  return {
    id: v.version.id,
    name: v.election.name,
    election_type: v.election.election_type ?? null,
    election_date: v.election.election_date,
    state_fips: v.election.state_fips,
    phase: phaseAt(v.election, deps.clock.now().getTime()),
    owner: v.version.sharing.owner,
    owner_name: await deps.orgName(v.version.sharing.owner),
    owner_is_hub: deps.hubOwner !== undefined && v.version.sharing.owner === deps.hubOwner,
    tlp: v.version.sharing.tlp,
  };
}

/** Every election the reader may see, the nearest election day first (upcoming and under way before past ones). */
export async function listElections(deps: Pick<ElectionDeps, 'stix' | 'orgName' | 'clock' | 'hubOwner'>, reader: Reader): Promise<Result<ElectionSummary[], Problem>> {
  const out: VisibleElection[] = [];
  let cursor: string | undefined;
  do {
    const page = await deps.stix.list(reader, { types: [ELECTION_TYPE], limit: 500, ...(cursor === undefined ? {} : { cursor }) });
    if (!page.ok) return page;
    for (const version of page.value.items) {
      const object: unknown = JSON.parse(version.json);
      if (!version.revoked && Value.Check(ElectionSchema, object)) out.push({ version, election: object });
    }
    cursor = page.value.nextCursor ?? undefined;
  } while (cursor !== undefined);
  const today = deps.clock.now().toISOString().slice(0, 10);
  out.sort((a, b) => {
    const pa = a.election.election_date >= today ? 0 : 1;
    const pb = b.election.election_date >= today ? 0 : 1;
    return pa - pb || (pa === 0 ? a.election.election_date.localeCompare(b.election.election_date) : b.election.election_date.localeCompare(a.election.election_date)) || a.election.name.localeCompare(b.election.name);
  });
  return ok(await Promise.all(out.map((v) => summaryOf(deps, v))));
}

/**
 * Records an election as an x-rampart-election owned by the principal's organization. A state or
 * territory office records its own elections; only a hub administrator records one for several
 * states (each state can still decline to report on it). Shared TLP:GREEN with its states (a
 * multi-state election with the community) unless the body says otherwise.
 */
export async function createElection(deps: ElectionDeps, principal: Principal, hubAdmin: boolean, body: NewElectionBody): Promise<Result<Written, Problem>> {
  if (!hubAdmin) {
    const info = await deps.orgInfo(principal.orgId);
    const own = info !== null && (info.kind === 'state' || info.kind === 'territory') ? info.stateFips : null;
    const foreign = body.state_fips.filter((f) => f !== own);
    if (own === null || foreign.length > 0) {
      return err(
        problem(
          'forbidden',
          'not-your-election',
          own === null
            ? 'Only a state or territory election office records elections (a hub administrator records multi-state ones)'
            : `Your office records elections of its own state (${own}) only; ask a hub administrator to record one that includes ${foreign.join(', ')}`,
        ),
      );
    }
  }
  const audience = parseAudience(body.audience);
  if (!audience.ok) return audience;
  const now = deps.clock.now().toISOString();
  const object: Record<string, unknown> = {
    type: ELECTION_TYPE,
    spec_version: '2.1',
    id: `${ELECTION_TYPE}--${randomUUID()}`,
    created: now,
    modified: now,
    extensions: { [RAMPART_EXTENSION_ID]: { extension_type: 'new-sdo' } },
    name: body.name.trim(),
    ...(body.description === undefined ? {} : { description: body.description }),
    ...(body.election_type === undefined ? {} : { election_type: body.election_type }),
    election_date: body.election_date,
    state_fips: body.state_fips,
    ...(body.jurisdiction_refs === undefined ? {} : { jurisdiction_refs: body.jurisdiction_refs }),
    phases: body.phases ?? defaultPhases(body.election_date),
  };
  // Its jurisdictions must see the election to report on it: a state's goes to the state, a multi-state one to the community.
  const defaultAudience: AudienceKey[] = hubAdmin ? ['community'] : body.state_fips.map((f) => `state:${f}` as const);
  const tlp = body.tlp ?? 'green';
  const shared = audience.value ?? (tlp === 'green' ? defaultAudience : undefined);
  return publishObject(deps, principal, { object, tlp, ...(shared === undefined ? {} : { audience: shared }), path: '$', minted: true, ...(deps.audit === undefined ? {} : { audit: deps.audit }) });
}

/** Audience keys from a request body; the schema's pattern already matched, so a refusal here is a bug caught politely. */
export function parseAudience(raw: readonly string[] | undefined): Result<AudienceKey[] | undefined, Problem> {
  if (raw === undefined) return ok(undefined);
  const keys: AudienceKey[] = [];
  for (const [i, value] of raw.entries()) {
    const key = parseAudienceKey(value);
    if (!key.ok) return err(problem('invalid', key.error.code, `audience: ${key.error.message}`, [{ path: `$.audience[${i}]`, code: key.error.code, message: key.error.message }]));
    keys.push(key.value);
  }
  return ok(keys);
}

/** Phases in words, for the CLI and messages. */
export function phaseLine(p: Phase): string {
  const every = p.report_every_minutes;
  return `${PHASE_TEXT[p.phase]}: ${p.start} to ${p.end}${every === undefined ? '' : every === 0 ? ', no regular reports' : `, a report every ${every} minutes`}`;
}

/** The local election offices and state office of some states, as far as setting expectations goes. */
export type JurisdictionList = (stateFips: readonly string[]) => Promise<readonly { readonly id: string }[]>;

/**
 * A state office sets how often its jurisdictions report in a phase of an election, or declines to
 * report on it. Only the state's own office (its org-admins) decides for its jurisdictions.
 */
export async function setExpectation(
  deps: Pick<ElectionDeps, 'stix' | 'orgInfo' | 'clock'> & { readonly elections: ElectionStatusRepository; readonly jurisdictions: JurisdictionList },
  principal: Principal,
  reader: Reader,
  orgAdmin: boolean,
  electionId: string,
  body: ExpectationBody,
): Promise<Result<null, Problem>> {
  const found = await visibleElection(deps.stix, reader, electionId);
  if (!found.ok) return found;
  const info = await deps.orgInfo(principal.orgId);
  if (!orgAdmin || info === null || (info.kind !== 'state' && info.kind !== 'territory') || info.stateFips !== body.state_fips) {
    return err(problem('forbidden', 'not-your-state', `Only an administrator of the election office of state ${body.state_fips} sets how its jurisdictions report`));
  }
  if (!found.value.election.state_fips.includes(body.state_fips)) {
    return err(problem('invalid', 'state-not-in-election', `state ${body.state_fips} does not take part in ${found.value.election.name}`, [{ path: '$.state_fips', code: 'state-not-in-election', message: `takes part: ${found.value.election.state_fips.join(', ')}` }]));
  }
  if (body.jurisdiction_ref !== undefined && !(await deps.jurisdictions([body.state_fips])).some((j) => j.id === body.jurisdiction_ref)) {
    const message = `${body.jurisdiction_ref} is not an election office of state ${body.state_fips}: choose one of your state's own jurisdictions`;
    return err(problem('invalid', 'unknown-jurisdiction', message, [{ path: '$.jurisdiction_ref', code: 'unknown-jurisdiction', message }]));
  }
  const phases = found.value.election.phases.map((p) => p.phase);
  if (body.phase !== undefined && !phases.includes(body.phase)) {
    const message = `${found.value.election.name} has no ${PHASE_TEXT[body.phase].toLowerCase()} phase; its phases: ${phases.map((p) => PHASE_TEXT[p].toLowerCase()).join(', ')}`;
    return err(problem('invalid', 'phase-not-in-election', message, [{ path: '$.phase', code: 'phase-not-in-election', message }]));
  }
  const key = { electionRef: electionId, stateFips: body.state_fips, jurisdictionRef: body.jurisdiction_ref ?? '', phase: body.phase ?? '' };
  const clear = body.declined !== true && (body.report_every_minutes === undefined || body.report_every_minutes === null);
  await deps.elections.setExpectation(key, clear ? null : { reportEveryMinutes: body.report_every_minutes ?? null, declined: body.declined === true, setBy: principal.orgId, setAtUs: deps.clock.now().getTime() * 1000 });
  return ok(null);
}
