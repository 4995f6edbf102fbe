import type { StixObjectJson } from '../domain/schemas.ts';
import { randomUUID } from 'node:crypto';
import type { AuditPort } from '../audit/audit-log.ts';
import { auditWrite } from '../audit/object-events.ts';
import type { OrgId, StixId } from '../domain/ids.ts';
import { stateByFips } from '../domain/organization-data.ts';
import type { Principal } from '../domain/principal.ts';
import { problem, type Problem } from '../domain/problem.ts';
import { err, ok, type Result } from '../domain/result.ts';
import { TLP_MARKING_IDS } from '../domain/tlp.ts';
import type { TransparencyEvent } from '../domain/transparency.ts';
import { nextModified } from '../objects/next-modified.ts';
import { publishObject, type ObjectsDeps, type Written } from '../objects/service.ts';
import { KNOWLEDGE_BASE_PUBLISHERS } from '../kb/publishers.ts';
import { ELECTION_TYPE } from '../stix/rampart-extension.ts';
import { validateStixObject } from '../stix/validate.ts';
import type { Reader, StixStore, StoredVersion } from '../store/types.ts';
import { bodyOf, correctionObject, publicCorrection, rumourOf, type CorrectionFrame } from './correction.ts';
import type { CorrectionBody, NewCorrectionBody, PublicCorrection, PublicCorrections, PublicNotice, PublicNotices, PublicQuery } from './schemas.ts';

export interface RumourDeps extends ObjectsDeps {
  readonly audit?: AuditPort;
  /** The hub's own identity: owner of the reference data imported without a publisher. */
  readonly hubOwner: OrgId;
  /** A member organization's name, for "published by" on the public pages. */
  readonly orgName: (id: OrgId) => Promise<string | null>;
}

/** The anonymous reader of the public pages: the store's visibility predicate lets it see audience `public` only. */
export const PUBLIC_READER: Reader = { kind: 'public' };
/** How many public versions one public page reads at most; corrections are few, this bounds a page's cost. */
const MAX_SCAN = 5000;
const PAGE = 500;

const notFound = (id: string): Problem => problem('not-found', 'not-found', `No correction ${id} that you may see; check the id`);
const parseJson = (json: string): Record<string, unknown> => JSON.parse(json) as Record<string, unknown>;

/** The election a correction names, when the writer may see it and it covers the correction's state. */
async function electionOf(deps: RumourDeps, reader: Reader, body: CorrectionBody): Promise<Result<{ id: string; name: string } | null, Problem>> {
  if (body.election_id === undefined) return ok(null);
  const found = await deps.stix.get(reader, body.election_id);
  if (found === null || found.type !== ELECTION_TYPE) {
    return err(problem('invalid', 'unknown-election', `No election ${body.election_id} that you may see; pick one from the elections list or leave it out`, [{ path: '$.election_id', code: 'unknown-election', message: 'not an election you may see' }]));
  }
  const o = parseJson(found.json);
  const states = Array.isArray(o['state_fips']) ? o['state_fips'] : [];
  if (!states.includes(body.state_fips)) {
    return err(problem('invalid', 'state-not-in-election', `${stateByFips(body.state_fips)?.name ?? body.state_fips} does not take part in ${String(o['name'])}; choose one of its states or another election`, [{ path: '$.state_fips', code: 'state-not-in-election', message: 'not a state of the election' }]));
  }
  return ok({ id: found.id, name: typeof o['name'] === 'string' ? o['name'] : found.id });
}

/** Rules the schema cannot say: a county of the state, a known state. */
function checkPlace(body: CorrectionBody): Result<null, Problem> {
  if (stateByFips(body.state_fips) === undefined) {
    return err(problem('invalid', 'unknown-state', `${body.state_fips} is not the FIPS code of a US state, DC or territory`, [{ path: '$.state_fips', code: 'unknown-state', message: 'not a state FIPS code' }]));
  }
  const bad = (body.county_fips ?? []).findIndex((c) => !c.startsWith(body.state_fips));
  if (bad >= 0) {
    return err(problem('invalid', 'county-not-in-state', `County ${body.county_fips?.[bad] ?? ''} is not in ${stateByFips(body.state_fips)?.name ?? body.state_fips}; a county's code starts with its state's two digits`, [{ path: `$.county_fips[${bad}]`, code: 'county-not-in-state', message: 'not a county of the state' }]));
  }
  return ok(null);
}

async function framed(deps: RumourDeps, principal: Principal, reader: Reader, body: CorrectionBody, frame: Omit<CorrectionFrame, 'election'>): Promise<Result<Record<string, unknown>, Problem>> {
  const place = checkPlace(body);
  if (!place.ok) return place;
  const election = await electionOf(deps, reader, body);
  if (!election.ok) return election;
  return ok(correctionObject(body, { ...frame, election: election.value }));
}

/**
 * What would be published, exactly (the STIX report, TLP:CLEAR marking included) and as the public
 * pages would show it; nothing is stored. The same checks as publishing, STIX validation included.
 */
export async function previewCorrection(deps: RumourDeps, principal: Principal, reader: Reader, body: CorrectionBody): Promise<Result<{ object: StixObjectJson; correction: PublicCorrection }, Problem>> {
  const now = deps.clock.now().toISOString();
  const built = await framed(deps, principal, reader, body, { id: `report--${randomUUID()}`, owner: principal.orgId, created: now, modified: now, published: now, status: 'published' });
  if (!built.ok) return built;
  const object = { ...built.value, object_marking_refs: [TLP_MARKING_IDS.clear] };
  const checked = validateStixObject(object, '$');
  if (!checked.ok) return err(problem('invalid', 'invalid-stix-object', `The correction is not valid STIX: ${checked.error[0]?.message ?? 'see errors'}`, checked.error));
  const shown = publicCorrection(object, now, await deps.orgName(principal.orgId));
  if (shown === null) throw new Error('a built correction does not read back as one');
  return ok({ object: { ...object, type: checked.value.type, id: checked.value.id }, correction: shown });
}

async function audited(deps: RumourDeps, principal: Principal, id: string, written: Result<Written, Problem>): Promise<Result<Written, Problem>> {
  if (written.ok) await auditWrite(deps.audit, principal, written.value.outcome, id, written.value.sharing);
  return written;
}

/** The public transparency log entry of a correction's new version: what the public pages show of who published what. */
async function logEntry(deps: RumourDeps, principal: Principal, kind: 'correction-published' | 'correction-updated' | 'correction-withdrawn', object: Record<string, unknown>): Promise<TransparencyEvent> {
  const rumour = rumourOf(object);
  return {
    kind,
    time: deps.clock.now().toISOString(),
    content: {
      title: typeof object['name'] === 'string' ? object['name'] : '',
      state_fips: rumour?.state_fips ?? null,
      publisher: { org_ref: principal.orgId, name: await deps.orgName(principal.orgId) },
      ...(rumour?.withdrawn_reason === undefined ? {} : { withdrawn_reason: rumour.withdrawn_reason }),
    },
  };
}

/**
 * Publishes a new correction: TLP:CLEAR, audience public, nothing else is possible. `id` fixes its id (the
 * demo's, so that seeding again finds it); a new random one otherwise.
 */
export async function publishCorrection(deps: RumourDeps, principal: Principal, reader: Reader, body: CorrectionBody, id = `report--${randomUUID()}`): Promise<Result<Written, Problem>> {
  const now = deps.clock.now().toISOString();
  const built = await framed(deps, principal, reader, body, { id, owner: principal.orgId, created: now, modified: now, published: now, status: 'published' });
  if (!built.ok) return built;
  const transparency = await logEntry(deps, principal, 'correction-published', built.value);
  return audited(deps, principal, id, await publishObject(deps, principal, { object: built.value, path: '$', tlp: 'clear', audience: ['public'], transparency }));
}

/** The relationship type from a correction to the incident it answers (a custom STIX verb: "<correction> answers <incident>"). */
export const ANSWERS = 'answers';

/**
 * Publishes a correction written from a false-rumour incident the writer may see, and links the two: a relationship
 * `answers`, owned by the writer and shared exactly as the incident (its TLP and audience), so that only readers of
 * the incident learn which correction answers it; the public correction names no incident. An incident the writer may
 * not see is refused as one that does not exist, before anything is stored.
 */
export async function publishAnswer(deps: RumourDeps, principal: Principal, reader: Reader, body: NewCorrectionBody): Promise<Result<Written, Problem>> {
  const { incident_id: incidentId, ...words } = body;
  if (incidentId === undefined) return publishCorrection(deps, principal, reader, words);
  const incident = await deps.stix.get(reader, incidentId);
  if (incident === null || incident.type !== 'incident') {
    return err(problem('invalid', 'incident-not-found', 'The incident this correction answers is not one you may see; write it without the incident, or open the form from the incident’s page', [{ path: '$.incident_id', code: 'incident-not-found', message: 'no incident you may see' }]));
  }
  const id = `report--${randomUUID()}`;
  const written = await publishCorrection(deps, principal, reader, words, id);
  if (!written.ok) return written;
  const now = deps.clock.now().toISOString();
  const link = { type: 'relationship', spec_version: '2.1', id: `relationship--${randomUUID()}`, created: now, modified: now, relationship_type: ANSWERS, source_ref: id, target_ref: incidentId, description: 'A public correction of this rumour' };
  const linked = await audited(deps, principal, link.id, await publishObject(deps, principal, { object: link, path: '$', tlp: incident.sharing.tlp, audience: incident.sharing.audience }));
  return linked.ok ? written : linked;
}

/** The latest version of a correction the caller's organization owns and may still change. */
async function ownCorrection(deps: RumourDeps, principal: Principal, reader: Reader, id: StixId): Promise<Result<{ version: StoredVersion; object: Record<string, unknown> }, Problem>> {
  const found = await deps.stix.get(reader, id);
  if (found === null) return err(notFound(id));
  const object = parseJson(found.json);
  const rumour = rumourOf(object);
  if (rumour === null) return err(problem('invalid', 'not-a-correction', `${id} is not a rumour correction; change it on its own page`));
  if (found.sharing.owner !== principal.orgId) return err(problem('forbidden', 'not-owner', `${id} was published by another organization; only its publisher may change or withdraw it`));
  if (rumour.status === 'withdrawn') return err(problem('conflict', 'correction-withdrawn', `${id} is withdrawn; publish a new correction instead`));
  return ok({ version: found, object });
}

function keptFrame(version: StoredVersion, object: Record<string, unknown>, now: Date): Omit<CorrectionFrame, 'election' | 'status'> {
  const created = typeof object['created'] === 'string' ? object['created'] : now.toISOString();
  return { id: version.id, owner: version.sharing.owner, created, modified: nextModified(version.modified, now), published: typeof object['published'] === 'string' ? object['published'] : created };
}

/** A new version with new words; the first publication date stays, the update date moves. */
export async function updateCorrection(deps: RumourDeps, principal: Principal, reader: Reader, id: StixId, body: CorrectionBody): Promise<Result<Written, Problem>> {
  const own = await ownCorrection(deps, principal, reader, id);
  if (!own.ok) return own;
  const built = await framed(deps, principal, reader, body, { ...keptFrame(own.value.version, own.value.object, deps.clock.now()), status: 'published' });
  if (!built.ok) return built;
  const transparency = await logEntry(deps, principal, 'correction-updated', built.value);
  return audited(deps, principal, id, await publishObject(deps, principal, { object: built.value, path: '$', tlp: 'clear', audience: ['public'], transparency }));
}

/** Withdraws a correction: a last version marked withdrawn with the reason, still on the public pages so nobody wonders where it went. */
export async function withdrawCorrection(deps: RumourDeps, principal: Principal, reader: Reader, id: StixId, reason: string): Promise<Result<Written, Problem>> {
  const own = await ownCorrection(deps, principal, reader, id);
  if (!own.ok) return own;
  const rumour = rumourOf(own.value.object);
  if (rumour === null) return err(notFound(id));
  const body = bodyOf(own.value.object, rumour);
  const election = rumour.election_ref === undefined ? null : { id: rumour.election_ref, name: rumour.election_name ?? rumour.election_ref };
  const object = correctionObject(body, { ...keptFrame(own.value.version, own.value.object, deps.clock.now()), election, status: 'withdrawn', withdrawnReason: reason.trim() });
  const transparency = await logEntry(deps, principal, 'correction-withdrawn', object);
  return audited(deps, principal, id, await publishObject(deps, principal, { object, path: '$', tlp: 'clear', audience: ['public'], transparency }));
}

/** Every latest version the public may see, of `types` when given, newest change first: the store's visibility predicate decides, nothing here. */
async function* publicVersions(stix: StixStore, types: readonly string[] | undefined): AsyncGenerator<Result<StoredVersion, Problem>> {
  let cursor: string | undefined;
  let seen = 0;
  while (seen < MAX_SCAN) {
    const page = await stix.list(PUBLIC_READER, { versions: 'latest', order: 'desc', limit: PAGE, ...(types === undefined ? {} : { types }), ...(cursor === undefined ? {} : { cursor }) });
    if (!page.ok) {
      yield err(page.error);
      return;
    }
    for (const item of page.value.items) yield ok(item);
    seen += page.value.items.length;
    if (page.value.nextCursor === null || page.value.items.length === 0) return;
    cursor = page.value.nextCursor;
  }
}

function matches(c: PublicCorrection, query: PublicQuery): boolean {
  if (query.state !== undefined && c.state_fips !== query.state) return false;
  // A correction for the whole state concerns each of its counties too.
  if (query.county !== undefined && !(c.state_fips === query.county.slice(0, 2) && (c.county_fips.length === 0 || c.county_fips.includes(query.county)))) return false;
  if (query.election !== undefined && c.election_id !== query.election) return false;
  if (query.q !== undefined) {
    const text = [c.title, c.rumour, c.reality, ...c.law_cited, c.state_name, c.election_name ?? ''].join('\n').toLocaleLowerCase('en-US');
    if (!query.q.toLocaleLowerCase('en-US').split(/\s+/).filter((w) => w !== '').every((w) => text.includes(w))) return false;
  }
  return true;
}

/**
 * The public rumour-control pages: corrections the public may read (read as the anonymous public
 * reader, so the store decides), newest first by first publication, by state, county, election or words.
 */
export async function publicCorrections(deps: Pick<RumourDeps, 'stix' | 'orgName'>, query: PublicQuery): Promise<Result<PublicCorrections, Problem>> {
  const all: PublicCorrection[] = [];
  const names = new Map<string, string | null>();
  for await (const next of publicVersions(deps.stix, ['report'])) {
    if (!next.ok) return next;
    const v = next.value;
    if (!names.has(v.sharing.owner)) names.set(v.sharing.owner, await deps.orgName(v.sharing.owner));
    const c = publicCorrection(parseJson(v.json), v.modified, names.get(v.sharing.owner) ?? null);
    if (c !== null) all.push(c);
  }
  all.sort((a, b) => b.published.localeCompare(a.published) || a.id.localeCompare(b.id));
  const elections = new Map<string, string>();
  const states = new Map<string, string>();
  for (const c of all) {
    if (c.election_id !== null) elections.set(c.election_id, c.election_name ?? c.election_id);
    states.set(c.state_fips, c.state_name);
  }
  return ok({
    items: all.filter((c) => matches(c, query)).slice(0, query.limit ?? 100),
    elections: [...elections].map(([id, name]) => ({ id, name })).sort((a, b) => a.name.localeCompare(b.name)),
    states: [...states].map(([fips, name]) => ({ fips, name })).sort((a, b) => a.name.localeCompare(b.name)),
  });
}

/** One correction for the public, or not-found exactly as for an id that does not exist. */
export async function publicCorrectionById(deps: Pick<RumourDeps, 'stix' | 'orgName'>, id: StixId): Promise<Result<PublicCorrection, Problem>> {
  const found = await deps.stix.get(PUBLIC_READER, id);
  const c = found === null ? null : publicCorrection(parseJson(found.json), found.modified, await deps.orgName(found.sharing.owner));
  return c === null ? err(notFound(id)) : ok(c);
}

/** Types that are never news for the public: the directory of organizations, markings, extension definitions, links between objects, ATT&CK's own bookkeeping. */
const NOT_NOTICES = ['identity', 'marking-definition', 'extension-definition', 'relationship', 'x-mitre-tactic', 'x-mitre-matrix', 'x-mitre-collection', 'x-mitre-data-source', 'x-mitre-data-component', 'x-mitre-asset'];

/**
 * Everything else owners shared with the public (TLP:CLEAR, audience public), newest change first: what
 * "The public" promises. The built-in knowledge base (ATT&CK, DISARM, and what it imported without a
 * publisher, owned by the hub) is public reference material, not a member's notice, and is left out.
 */
export async function publicNotices(deps: Pick<RumourDeps, 'stix' | 'orgName' | 'hubOwner'>, limit = 50): Promise<Result<PublicNotices, Problem>> {
  const items: PublicNotice[] = [];
  const names = new Map<string, string | null>();
  let cursor: string | undefined;
  for (let seen = 0; seen < MAX_SCAN && items.length < limit; ) {
    const page = await deps.stix.list(PUBLIC_READER, { versions: 'latest', order: 'desc', limit: PAGE, excludeTypes: NOT_NOTICES, ...(cursor === undefined ? {} : { cursor }) });
    if (!page.ok) return page;
    for (const v of page.value.items) {
      if (KNOWLEDGE_BASE_PUBLISHERS.has(v.sharing.owner) || v.sharing.owner === deps.hubOwner) continue;
      const o = parseJson(v.json);
      // Corrections and joint statements have their own sections of the public page.
      if (rumourOf(o) !== null || (Array.isArray(o['report_types']) && o['report_types'].includes('joint-statement'))) continue;
      if (!names.has(v.sharing.owner)) names.set(v.sharing.owner, await deps.orgName(v.sharing.owner));
      const str = (k: string): string | null => (typeof o[k] === 'string' ? o[k] : null);
      items.push({ id: v.id, type: v.type, name: str('name'), description: str('description') ?? str('content'), updated: v.modified, publisher: names.get(v.sharing.owner) ?? null });
      if (items.length >= limit) break;
    }
    seen += page.value.items.length;
    if (page.value.nextCursor === null || page.value.items.length === 0) break;
    cursor = page.value.nextCursor;
  }
  return ok({ items });
}

/** The corrections the caller's organization published, withdrawn ones included, newest first. */
export async function myCorrections(deps: Pick<RumourDeps, 'stix' | 'orgName'>, principal: Principal, reader: Reader): Promise<Result<{ items: PublicCorrection[] }, Problem>> {
  const items: PublicCorrection[] = [];
  const name = await deps.orgName(principal.orgId);
  let cursor: string | undefined;
  for (let seen = 0; seen < MAX_SCAN; ) {
    const page = await deps.stix.list(reader, { types: ['report'], versions: 'latest', order: 'desc', limit: PAGE, ...(cursor === undefined ? {} : { cursor }) });
    if (!page.ok) return page;
    for (const v of page.value.items) {
      if (v.sharing.owner !== principal.orgId) continue;
      const c = publicCorrection(parseJson(v.json), v.modified, name);
      if (c !== null) items.push(c);
    }
    seen += page.value.items.length;
    if (page.value.nextCursor === null || page.value.items.length === 0) break;
    cursor = page.value.nextCursor;
  }
  items.sort((a, b) => b.published.localeCompare(a.published) || a.id.localeCompare(b.id));
  return ok({ items });
}
