import { randomUUID } from 'node:crypto';
import { Value } from '@sinclair/typebox/value';
import type { Clock } from '../domain/clock.ts';
import { QUESTION_TEXT, worstOf, type ElectionQuestion, type StatusLevel } from '../domain/election.ts';
import { stateByFips } from '../domain/organization-data.ts';
import type { Principal } from '../domain/principal.ts';
import { problem, type Problem } from '../domain/problem.ts';
import { err, ok, type Result } from '../domain/result.ts';
import { listElections, parseAudience, summaryOf, visibleElection, type ElectionDeps, type VisibleElection } from '../elections/service.ts';
import { publishObject, type Written } from '../objects/service.ts';
import { isoFromMicros, microsFromIso } from '../stix/timestamp.ts';
import { FunctionStatusSchema, RAMPART_EXTENSION_ID, STATUS_REPORT_TYPE } from '../stix/rampart-extension.ts';
import type { ElectionStatusRepository, StatusEntry, StatusMark } from '../store/elections.ts';
import type { Reader } from '../store/types.ts';
import { visibilityKey } from '../store/visibility.ts';
import { audienceKind, type AudienceKey } from '../domain/audience.ts';
import { rollUp, type Jurisdiction, type JurisdictionStatus, type QuestionAnswer, type Rollup, type StateRollup } from './rollup.ts';
import { byJurisdiction, merged, sameJurisdictions, type BuiltView, type ReaderElection, type RollupCache } from './rollup-cache.ts';
import type { MyStatusView, PostStatusBody, RollupView, StateRollupView, TimelineQuery, TimelineView } from './schemas.ts';

/**
 * The jurisdictions (state and territory offices, local election offices) of some states, from the
 * organizations the hub knows, each state's in display order (inDisplayOrder): the roll-up keeps it.
 */
export type JurisdictionsPort = (stateFips: readonly string[]) => Promise<Jurisdiction[]>;

export interface StatusDeps extends ElectionDeps {
  readonly elections: ElectionStatusRepository;
  readonly jurisdictions: JurisdictionsPort;
  readonly clock: Clock;
  /** This process's roll-ups (rollupCache); without it every read builds its roll-up anew. */
  readonly rollups?: RollupCache;
}

const MAX_LISTED_REPORTS = 50;

const stateName = (fips: string) => stateByFips(fips)?.name ?? fips;

function questionView(q: ElectionQuestion, a: QuestionAnswer) {
  return { answer: a.answer, question: QUESTION_TEXT[q], reports: a.reports.slice(0, MAX_LISTED_REPORTS), report_count: a.reports.length, silent: a.silent };
}

function questionsView(questions: Readonly<Record<ElectionQuestion, QuestionAnswer>>) {
  return { voting: questionView('voting', questions.voting), counting: questionView('counting', questions.counting), tallying: questionView('tallying', questions.tallying) };
}

function stateRow(s: StateRollup) {
  return {
    state_fips: s.stateFips,
    name: stateName(s.stateFips),
    declined: s.declined,
    worst: s.worst,
    counts: s.counts,
    not_shared: s.outOfView,
    answers: { voting: s.questions.voting.answer, counting: s.questions.counting.answer, tallying: s.questions.tallying.answer },
    last_report: s.lastReportUs === null ? null : isoFromMicros(s.lastReportUs),
    jurisdictions: s.jurisdictions.length,
  };
}

/** What a report says of a function beside its level (StateRollupView's `details`). */
type Details = StateRollupView['jurisdictions'][number]['details'];

function jurisdictionRow(s: JurisdictionStatus, details: ReadonlyMap<string, Details>) {
  return {
    id: s.jurisdiction.id,
    name: s.jurisdiction.name,
    kind: s.jurisdiction.kind,
    county_fips: s.jurisdiction.countyFips,
    required: s.required,
    shared: !s.outOfView,
    level: s.level,
    stale: s.stale,
    reported_at: s.report === null ? null : isoFromMicros(s.report.reportedUs),
    report_id: s.report?.id ?? null,
    every_minutes: s.everyMinutes,
    functions: s.report?.levels ?? {},
    details: (s.report === null ? undefined : details.get(s.report.id)) ?? {},
  };
}

/**
 * The notes and contingencies of the functions not normal in the reports behind a state's rows, read in one query as
 * `reader` (who sees each of them: they are its counted reports) and only from the very version counted.
 */
async function detailsOf(deps: StatusDeps, reader: Reader, reports: readonly StatusEntry[]): Promise<Map<string, Details>> {
  const out = new Map<string, Details>();
  const troubled = new Map(reports.filter((r) => Object.values(r.levels).some((l) => l !== 'normal')).map((r) => [r.id, r]));
  if (troubled.size === 0) return out;
  const page = await deps.stix.list(reader, { ids: [...troubled.keys()], versions: 'latest', limit: troubled.size });
  if (!page.ok) return out;
  for (const version of page.value.items) {
    const entry = troubled.get(version.id);
    if (entry === undefined || entry.addedUs !== version.addedUs) continue;
    const raw = (JSON.parse(version.json) as Record<string, unknown>)['functions'];
    if (typeof raw !== 'object' || raw === null) continue;
    const details: Details = {};
    for (const [fn, value] of Object.entries(raw)) {
      if (!Value.Check(FunctionStatusSchema, value) || value.level === 'normal') continue;
      if (value.note === undefined && value.contingencies === undefined) continue;
      details[fn] = { ...(value.note === undefined ? {} : { note: value.note }), ...(value.contingencies === undefined ? {} : { contingencies: value.contingencies }) };
    }
    out.set(version.id, details);
  }
  return out;
}

/** Whether a reader is part of a state's in-state sharing, where its local offices share their status by default. */
function localsInView(reader: Reader, stateFips: string): boolean {
  switch (reader.kind) {
    case 'operator':
      return true;
    case 'public':
      return false;
    case 'member':
    case 'audience':
      return reader.keys.includes(`state:${stateFips}`);
  }
}

const UNREAD_MARK: StatusMark = { newestUs: 0, changes: 0, elections: 0, personUs: 0 };

/**
 * A member's `user:` keys (TLP:RED names one person by them) apart from the rest, and the reader the rest make:
 * what the person's organization-level key set shows, shared by every person of it in one cache entry.
 */
function personKeysOf(reader: Reader): { readonly shared: Reader; readonly person: readonly AudienceKey[] } {
  if (reader.kind !== 'member') return { shared: reader, person: [] };
  const person = reader.keys.filter((k) => audienceKind(k) === 'user');
  if (person.length === 0) return { shared: reader, person };
  return { shared: { kind: 'member', orgId: reader.orgId, userId: null, keys: reader.keys.filter((k) => audienceKind(k) !== 'user') }, person };
}

const sameChanges = (a: StatusMark, b: StatusMark) => a.changes === b.changes && a.elections === b.elections;

/** Everything a reader's roll-ups are built from, read anew under `mark`. */
async function readAll(deps: StatusDeps, reader: Reader, electionId: string, mark: StatusMark): Promise<Result<ReaderElection, Problem>> {
  const found = await visibleElection(deps.stix, reader, electionId);
  if (!found.ok) return found;
  const [expectations, latest] = await Promise.all([deps.elections.expectations(electionId), deps.elections.latest(reader, electionId)]);
  return ok({ mark, found: found.value, expectations, latest: byJurisdiction(latest), views: new Map<string, BuiltView>(), parts: new Map(), person: null });
}

/**
 * Whether an entry read under `held` may answer a read under `mark`: nothing changed between them but reports added
 * (merged by `caughtUp` when `held` is the older). A `held` newer than `mark` was read after `mark` was, so during the
 * request: its answer is as current as one read under `mark`.
 */
const sameState = (held: StatusMark, mark: StatusMark) => sameChanges(held, mark) && held.personUs === mark.personUs;

/** `known` (read under an older mark of the same state) brought up to `mark`: the reports added since that the reader may see, merged in. */
async function caughtUp(deps: StatusDeps, rollups: RollupCache, key: string, reader: Reader, electionId: string, known: ReaderElection, mark: StatusMark): Promise<ReaderElection> {
  const added = merged(known.latest, await deps.elections.addedBetween(reader, electionId, known.mark.newestUs, mark.newestUs));
  const next: ReaderElection = { ...known, mark, latest: added ?? known.latest, views: added === null ? known.views : new Map<string, BuiltView>(), parts: known.parts };
  rollups.replace(key, known, next);
  return next;
}

/**
 * What `reader` (no person keys asked about) builds from: its cached entry while `mark` holds, else updated or read
 * anew. An update (the reports added since merged in, or everything read anew) is one per entry at a time: requests
 * that find it under way under the same state wait for it, then catch up on what was added after it if anything,
 * instead of each reading, merging and building the same entry (every office's dashboard asks at once at a start).
 */
async function keyedElection(deps: StatusDeps, rollups: RollupCache, reader: Reader, electionId: string, mark: StatusMark): Promise<Result<ReaderElection, Problem>> {
  const key = `${electionId}\n${visibilityKey(reader)}`;
  const cached = rollups.get(key);
  if (cached !== undefined && sameState(cached.mark, mark) && cached.mark.newestUs >= mark.newestUs) return ok(cached);
  const pending = rollups.pending(key);
  if (pending !== undefined && sameState(pending.mark, mark)) {
    const shared = await pending.entry;
    // A refusal under the same change counts is this reader's too (the election as it sees it has not changed).
    if (!shared.ok) return shared;
    if (shared.value.mark.newestUs >= mark.newestUs) return shared;
    // Older than this mark: the entry as it is now (another waiter may be catching it up already) decides again.
    return keyedElection(deps, rollups, reader, electionId, mark);
  }
  if (cached !== undefined && sameState(cached.mark, mark)) return rollups.reading(key, mark, async () => ok(await caughtUp(deps, rollups, key, reader, electionId, cached, mark)));
  return rollups.reading(key, mark, async () => {
    const next = await readAll(deps, reader, electionId, mark);
    if (next.ok) rollups.replace(key, cached, next.value);
    return next;
  });
}

/**
 * What one reader's roll-ups of an election are built from: from the cache while the store's status mark holds, else
 * read anew. A person whose `user:` keys name none of this election's reports nor the election (the mark's index check)
 * sees exactly what their organization-level keys show: that entry, one per key set. A person they do name gets their
 * own entry: the organization-level one with the newest person-addressed report of each jurisdiction merged in (the
 * newest of the union is the newer of the two newest), the election as the person sees it.
 */
async function readerElection(deps: StatusDeps, reader: Reader, electionId: string): Promise<Result<ReaderElection, Problem>> {
  const rollups = deps.rollups;
  // Without a cache (the CLI, bench:rollup) nothing compares the mark: not read then.
  if (rollups === undefined) return readAll(deps, reader, electionId, UNREAD_MARK);
  const { shared, person } = personKeysOf(reader);
  const mark = await deps.elections.statusMark(electionId, person);
  if (mark.personUs === 0) return keyedElection(deps, rollups, shared, electionId, { ...mark, personUs: 0 });
  const organization = await keyedElection(deps, rollups, shared, electionId, { ...mark, personUs: 0 });
  // The election named to the person alone: read with the whole reader, in an entry of its own.
  if (!organization.ok) return keyedElection(deps, rollups, reader, electionId, mark);
  const key = `${electionId}\n${visibilityKey(reader)}`;
  const cached = rollups.get(key);
  const unchanged = cached !== undefined && cached.person !== null && sameChanges(cached.mark, mark) && cached.mark.personUs === mark.personUs;
  if (unchanged && cached.person.from === organization.value) return ok(cached);
  // Unchanged person-addressed versions (no change but new reports, none of them naming the person): the person's part is kept.
  const [found, own] = unchanged
    ? [ok(cached.found), cached.person.latest]
    : await Promise.all([visibleElection(deps.stix, reader, electionId), deps.elections.latest({ kind: 'audience', keys: person }, electionId).then(byJurisdiction)]);
  if (!found.ok) return found;
  const from = organization.value;
  const next: ReaderElection = { mark, found: found.value, expectations: from.expectations, latest: merged(from.latest, [...own.values()]) ?? from.latest, views: new Map<string, BuiltView>(), parts: new Map(), person: { from, latest: own } };
  rollups.replace(key, cached, next);
  return ok(next);
}

/**
 * The part of a roll-up view that follows from the reports, the expectations and the clock, built once per
 * scope ('' national, else a state) and kept with the reader's election until a report goes stale or a phase
 * turns (Rollup.untilUs), the jurisdictions port reads anew, or the clock goes back.
 */
async function built<V>(deps: StatusDeps, reader: Reader, known: ReaderElection, scope: string, build: (rollup: Rollup) => V | Promise<V>): Promise<{ readonly now: Date; readonly kept: BuiltView; readonly view: V }> {
  const states = scope === '' ? known.found.election.state_fips : [scope];
  const jurisdictions = await deps.jurisdictions(states);
  const now = deps.clock.now();
  const nowUs = now.getTime() * 1000;
  const kept = known.views.get(scope);
  if (kept !== undefined && sameJurisdictions(kept.jurisdictions, jurisdictions) && kept.builtUs <= nowUs && (kept.untilUs === null || nowUs < kept.untilUs)) return { now, kept, view: kept.view as V };
  const rollup = rollUp({ ...known.found.election, state_fips: [...states] }, jurisdictions, known.expectations, known.latest, now, (fips) => localsInView(reader, fips), known.parts);
  const view = await build(rollup);
  const fresh: BuiltView = { jurisdictions, builtUs: nowUs, untilUs: rollup.untilUs, view, json: null };
  known.views.set(scope, fresh);
  return { now, kept: fresh, view };
}

/** A roll-up answer, and the built view it came from (where its JSON is kept). */
interface Answered<V> {
  readonly value: V;
  readonly kept: BuiltView;
}

const phaseView = (p: { phase: RollupView['election']['phase'] & string; start: string; end: string } | null) => (p === null ? null : { phase: p.phase, start: p.start, end: p.end });

async function national(deps: StatusDeps, reader: Reader, electionId: string): Promise<Result<Answered<RollupView>, Problem>> {
  const known = await readerElection(deps, reader, electionId);
  if (!known.ok) return known;
  const { now, kept, view } = await built(deps, reader, known.value, '', (rollup) => ({
    phase: phaseView(rollup.phase),
    counts: rollup.counts,
    questions: questionsView(rollup.questions),
    states: rollup.states.map(stateRow),
  }));
  return ok({ value: { election: await summaryOf(deps, known.value.found), generated_at: now.toISOString(), ...view }, kept });
}

async function ofState(deps: StatusDeps, reader: Reader, electionId: string, stateFips: string): Promise<Result<Answered<StateRollupView>, Problem>> {
  const known = await readerElection(deps, reader, electionId);
  if (!known.ok) return known;
  const election = known.value.found.election;
  if (!election.state_fips.includes(stateFips)) return err(problem('not-found', 'state-not-in-election', `${stateName(stateFips)} does not take part in ${election.name}`));
  const { now, kept, view } = await built(deps, reader, known.value, stateFips, async (rollup) => {
    const state = rollup.states[0];
    if (state === undefined) throw new Error('rollUp returns one row per state asked for');
    const details = await detailsOf(deps, reader, state.jurisdictions.flatMap((j) => (j.report === null ? [] : [j.report])));
    return { phase: phaseView(rollup.phase), state: stateRow(state), questions: questionsView(state.questions), jurisdictions: state.jurisdictions.map((j) => jurisdictionRow(j, details)) };
  });
  return ok({ value: { election: await summaryOf(deps, known.value.found), generated_at: now.toISOString(), ...view }, kept });
}

/**
 * An answer as JSON by `serialize` (the route's response serializer), serialized once per built view: later
 * answers from the same view differ from the first only in `generated_at` (the election summary is compared,
 * and serialized anew when it differs), which is put in place of the first's. Only a key is an unescaped
 * `"generated_at":"` in JSON, and the schema has one such key, so the first occurrence is that field.
 */
function jsonOf<V extends { readonly election: unknown; readonly generated_at: string }>(answered: Answered<V>, serialize: (value: V) => string): string {
  const { value, kept } = answered;
  const summary = JSON.stringify(value.election);
  const done = kept.json;
  if (done !== null && done.summary === summary) return done.text.replace(`"generated_at":"${done.at}"`, () => `"generated_at":"${value.generated_at}"`);
  const text = serialize(value);
  kept.json = { summary, at: value.generated_at, text };
  return text;
}

/** The national roll-up of an election over exactly the reports `reader` may see. */
export async function rollupFor(deps: StatusDeps, reader: Reader, electionId: string): Promise<Result<RollupView, Problem>> {
  const answered = await national(deps, reader, electionId);
  return answered.ok ? ok(answered.value.value) : answered;
}

/** rollupFor as JSON by `serialize`, serialized once while the roll-up holds (jsonOf). */
export async function rollupJson(deps: StatusDeps, reader: Reader, electionId: string, serialize: (value: RollupView) => string): Promise<Result<string, Problem>> {
  const answered = await national(deps, reader, electionId);
  return answered.ok ? ok(jsonOf(answered.value, serialize)) : answered;
}

/** One state of an election and each of its jurisdictions, with their last report time. */
export async function stateRollupFor(deps: StatusDeps, reader: Reader, electionId: string, stateFips: string): Promise<Result<StateRollupView, Problem>> {
  const answered = await ofState(deps, reader, electionId, stateFips);
  return answered.ok ? ok(answered.value.value) : answered;
}

/** stateRollupFor as JSON by `serialize`, serialized once while the roll-up holds (jsonOf). */
export async function stateRollupJson(deps: StatusDeps, reader: Reader, electionId: string, stateFips: string, serialize: (value: StateRollupView) => string): Promise<Result<string, Problem>> {
  const answered = await ofState(deps, reader, electionId, stateFips);
  return answered.ok ? ok(jsonOf(answered.value, serialize)) : answered;
}

/**
 * Builds in this process's roll-up cache, before the first request, what each of `readers` reads of every election under
 * way (a phase now): the national roll-up and the roll-up of the reader's own state. A server started on election day
 * then meets the offices' dashboards, which all ask at once, with each office's entry in place: caught up on the
 * reports added since (one read), not read and built anew for each. One reader after another, so the start itself is
 * no burst. Returns the roll-ups built.
 */
export async function warmRollups(deps: StatusDeps, readers: readonly Reader[]): Promise<number> {
  if (deps.rollups === undefined) return 0;
  const elections = await listElections(deps, { kind: 'operator' });
  if (!elections.ok) return 0;
  let built = 0;
  for (const election of elections.value.filter((e) => e.phase !== null)) {
    for (const reader of readers) {
      if ((await national(deps, reader, election.id)).ok) built += 1;
      const states = reader.kind === 'member' ? reader.keys.flatMap((k) => (audienceKind(k) === 'state' ? [k.slice('state:'.length)] : [])) : [];
      for (const fips of states.filter((f) => election.state_fips.includes(f))) if ((await ofState(deps, reader, election.id, fips)).ok) built += 1;
    }
  }
  return built;
}

const worstPosted = (levels: StatusEntry['levels']): StatusLevel => worstOf<StatusLevel>(Object.values(levels));

/** The status changes of an election (or of one state or jurisdiction) that the reader may see, newest first. */
export async function timelineFor(deps: StatusDeps, reader: Reader, electionId: string, query: TimelineQuery): Promise<Result<TimelineView, Problem>> {
  const found = await visibleElection(deps.stix, reader, electionId);
  if (!found.ok) return found;
  const states = query.state === undefined ? found.value.election.state_fips : found.value.election.state_fips.filter((f) => f === query.state);
  const known = await deps.jurisdictions(states);
  const names = new Map(known.map((j) => [j.id, j]));
  let only: string[] | undefined;
  if (query.jurisdiction !== undefined) only = names.has(query.jurisdiction) ? [query.jurisdiction] : [];
  else if (query.state !== undefined) only = known.map((j) => j.id);
  const beforeUs = query.before === undefined ? undefined : (microsFromIso(query.before) ?? undefined);
  // One more per page than shown, to tell each shown report from the one before it of the same jurisdiction.
  const entries = await deps.elections.timeline(reader, electionId, { limit: query.limit + 1, ...(only === undefined ? {} : { jurisdictions: only }), ...(beforeUs === undefined ? {} : { beforeUs }) });
  const shown = entries.slice(0, query.limit).filter((e) => names.has(e.jurisdictionRef));
  const items = shown.map((e, i) => {
    const previous = entries.slice(i + 1).find((p) => p.jurisdictionRef === e.jurisdictionRef);
    const changes = Object.entries(e.levels).flatMap(([fn, to]) => {
      const from = previous?.levels[fn as keyof StatusEntry['levels']] ?? null;
      return from === to ? [] : [{ function: fn, from, to }];
    });
    const j = names.get(e.jurisdictionRef);
    return { report_id: e.id, jurisdiction_ref: e.jurisdictionRef, jurisdiction_name: j?.name ?? e.jurisdictionRef, state_fips: j?.stateFips ?? e.stateFips, reported_at: isoFromMicros(e.reportedUs), worst: worstPosted(e.levels), changes, tlp: e.tlp };
  });
  const last = entries[query.limit - 1];
  return ok({ items, next_before: entries.length > query.limit && last !== undefined ? isoFromMicros(last.reportedUs) : null });
}

/** The jurisdiction a principal reports for (its own organization, or one of its state's when a state office reports for it). */
async function jurisdictionFor(deps: StatusDeps, principal: Principal, election: VisibleElection, ref: string | undefined): Promise<Result<Jurisdiction, Problem>> {
  const own = (await deps.jurisdictions(election.election.state_fips)).find((j) => j.id === principal.orgId);
  if (ref === undefined || ref === principal.orgId) {
    if (own === undefined) return err(problem('forbidden', 'not-a-participating-jurisdiction', `Your organization is not an election office of a state taking part in ${election.election.name}`));
    return ok(own);
  }
  const target = (await deps.jurisdictions(election.election.state_fips)).find((j) => j.id === ref);
  if (target === undefined) return err(problem('invalid', 'unknown-jurisdiction', `${ref} is not an election office of a state taking part in ${election.election.name}`, [{ path: '$.jurisdiction_ref', code: 'unknown-jurisdiction', message: 'use your own organization or a jurisdiction of your state' }]));
  if (own === undefined || own.kind === 'local' || own.stateFips !== target.stateFips) {
    return err(problem('forbidden', 'not-your-jurisdiction', `Only ${target.name} itself or its state election office reports its status`));
  }
  return ok(target);
}

/** What the posting screen starts from: the principal's jurisdiction and its last report, every function with its level. */
export async function myStatus(deps: StatusDeps, principal: Principal, reader: Reader, electionId: string, jurisdictionRef?: string): Promise<Result<MyStatusView, Problem>> {
  const found = await visibleElection(deps.stix, reader, electionId);
  if (!found.ok) return found;
  const summary = await summaryOf(deps, found.value);
  const j = await jurisdictionFor(deps, principal, found.value, jurisdictionRef);
  if (!j.ok) return ok({ election: summary, jurisdiction: null, last: null, default_sharing: { tlp: 'amber', audience: [] } });
  const jurisdiction = { id: j.value.id, name: j.value.name, state_fips: j.value.stateFips, county_fips: j.value.countyFips };
  const [entry] = await deps.elections.latest(reader, electionId, [j.value.id]);
  let last: MyStatusView['last'] = null;
  if (entry !== undefined) {
    const stored = await deps.stix.get(reader, entry.id);
    const object = stored === null ? {} : (JSON.parse(stored.json) as Record<string, unknown>);
    const raw = object['functions'];
    const functions: Record<string, { level: StatusLevel }> = {};
    if (typeof raw === 'object' && raw !== null) for (const [fn, value] of Object.entries(raw)) if (Value.Check(FunctionStatusSchema, value)) functions[fn] = value;
    last = { report_id: entry.id, reported_at: isoFromMicros(entry.reportedUs), functions, summary: typeof object['summary'] === 'string' ? object['summary'] : null };
  }
  return ok({ election: summary, jurisdiction, last, default_sharing: { tlp: 'amber', audience: [`state:${j.value.stateFips}`] } });
}

/**
 * Posts a jurisdiction's status as a new x-rampart-status-report, owned by the principal's
 * organization and shared TLP:AMBER with its state unless it says otherwise. The object goes through
 * the one publishing path, so the STIX validator refuses no functions, unknown functions and levels
 * (422 naming the field) and nothing is stored then.
 */
export async function postStatus(deps: StatusDeps, principal: Principal, reader: Reader, electionId: string, body: PostStatusBody): Promise<Result<Written, Problem>> {
  const found = await visibleElection(deps.stix, reader, electionId);
  if (!found.ok) return found;
  const j = await jurisdictionFor(deps, principal, found.value, body.jurisdiction_ref);
  if (!j.ok) return j;
  const audience = parseAudience(body.audience);
  if (!audience.ok) return audience;
  const now = deps.clock.now().toISOString();
  const object: Record<string, unknown> = {
    type: STATUS_REPORT_TYPE,
    spec_version: '2.1',
    id: `${STATUS_REPORT_TYPE}--${randomUUID()}`,
    created: now,
    modified: now,
    extensions: { [RAMPART_EXTENSION_ID]: { extension_type: 'new-sdo' } },
    election_ref: electionId,
    jurisdiction_ref: j.value.id,
    state_fips: j.value.stateFips,
    ...(j.value.countyFips === null ? {} : { county_fips: j.value.countyFips }),
    functions: body.functions,
    ...(body.summary === undefined || body.summary.trim() === '' ? {} : { summary: body.summary.trim() }),
  };
  const tlp = body.tlp ?? 'amber';
  const sharing = audience.value ?? (tlp === 'amber' && body.tlp === undefined ? [`state:${j.value.stateFips}` as const] : undefined);
  return publishObject(deps, principal, { object, tlp, ...(sharing === undefined ? {} : { audience: sharing }), path: '$', minted: true, ...(deps.audit === undefined ? {} : { audit: deps.audit }) });
}

