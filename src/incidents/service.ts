import type { StixObjectJson } from '../domain/schemas.ts';
import { randomUUID } from 'node:crypto';
import type { AuditPort } from '../audit/audit-log.ts';
import { auditWrite } from '../audit/object-events.ts';
import type { AudienceKey } from '../domain/audience.ts';
import { canMoveCase, nextCaseStatuses } from '../domain/case.ts';
import { CASE_STATUSES, type CaseStatus } from '../domain/election.ts';
import { orgIdOfKey, type OrgId, type StixId, type UserId } from '../domain/ids.ts';
import type { Principal } from '../domain/principal.ts';
import { problem, type Problem } from '../domain/problem.ts';
import { err, ok, type Result } from '../domain/result.ts';
import { TLP_LEVELS, tlpLabel, type Tlp } from '../domain/tlp.ts';
import { nextModified } from '../objects/next-modified.ts';
import { publishObject, type ObjectsDeps, type Written } from '../objects/service.ts';
import { RAMPART_EXTENSION_ID } from '../stix/rampart-extension.ts';
import type { Reader, StoredVersion } from '../store/types.ts';

/** A person of the owner organization who may be assigned its cases. */
export interface Member {
  readonly id: UserId;
  readonly name: string;
}

export interface CaseDeps extends ObjectsDeps {
  /** The enabled people of an organization. */
  readonly members: (orgId: OrgId) => Promise<readonly Member[]>;
  /** The audience keys an organization holds (itself, its state, the community, its groups). */
  readonly keysOf: (orgId: OrgId) => Promise<readonly AudienceKey[]>;
  /** Every change is recorded here: a new version, a note, a link. */
  readonly audit?: AuditPort;
}

export interface CaseChange {
  readonly status?: CaseStatus;
  /** A person of the owner organization, or null to leave the case unassigned. */
  readonly assignee?: string | null;
  readonly referral?: { readonly agency: string; readonly referred_at?: string; readonly reference?: string };
}

export interface NoteRequest {
  readonly content: string;
  readonly tlp?: Tlp;
  readonly audience?: readonly AudienceKey[];
}

export interface SharingRequest {
  readonly tlp?: Tlp;
  readonly audience?: readonly AudienceKey[];
}

const STIX = { spec_version: '2.1' } as const;

function notFound(id: string): Problem {
  return problem('not-found', 'not-found', `No object ${id} that you may see; check the id, or ask its owner to share it with you`);
}

const isRecord = (v: unknown): v is Record<string, unknown> => typeof v === 'object' && v !== null && !Array.isArray(v);

/** The latest version of an incident the reader may see; not-found for anything else, exactly as for an id that does not exist. */
async function visibleIncident(deps: CaseDeps, reader: Reader, id: StixId): Promise<Result<StoredVersion, Problem>> {
  const latest = await deps.stix.get(reader, id);
  if (latest === null) return err(notFound(id));
  if (latest.type !== 'incident') return err(problem('invalid', 'not-an-incident', `${id} is a ${latest.type}; cases, notes and links belong to incidents`));
  return ok(latest);
}

async function ownIncident(deps: CaseDeps, principal: Principal, reader: Reader, id: StixId): Promise<Result<StoredVersion, Problem>> {
  const found = await visibleIncident(deps, reader, id);
  if (!found.ok) return found;
  if (found.value.sharing.owner !== principal.orgId) return err(problem('forbidden', 'not-owner', `${id} belongs to another organization; only its owner works the case. To say you saw the same, link an incident of your own as "seen here too"`));
  if (found.value.revoked) return err(problem('conflict', 'already-revoked', `${id} is revoked; a revoked incident cannot change again`));
  return ok(found.value);
}

async function audited(deps: CaseDeps, principal: Principal, id: string, written: Result<Written, Problem>): Promise<Result<Written, Problem>> {
  if (written.ok) await auditWrite(deps.audit, principal, written.value.outcome, id, written.value.sharing);
  return written;
}

/** The case properties of an incident: its status (new when never set), assignee and referral. */
export function caseOf(object: Readonly<Record<string, unknown>>): { status: CaseStatus; assignee: string | null; referral: Record<string, unknown> | null } {
  const extensions = object['extensions'];
  const ext = isRecord(extensions) && isRecord(extensions[RAMPART_EXTENSION_ID]) ? extensions[RAMPART_EXTENSION_ID] : {};
  const status = CASE_STATUSES.find((s) => s === ext['case_status']) ?? 'new';
  return { status, assignee: typeof ext['assignee'] === 'string' ? ext['assignee'] : null, referral: isRecord(ext['law_enforcement_referral']) ? ext['law_enforcement_referral'] : null };
}

/**
 * Moves a case, (un)assigns it, or records its referral to law enforcement: each a new version of the
 * incident by its owner, validated like any write (so voter data is refused here too) and audited.
 */
export async function changeCase(deps: CaseDeps, principal: Principal, reader: Reader, id: StixId, change: CaseChange): Promise<Result<Written, Problem>> {
  const found = await ownIncident(deps, principal, reader, id);
  if (!found.ok) return found;
  const object = JSON.parse(found.value.json) as Record<string, unknown>;
  const current = caseOf(object);
  const extensions = isRecord(object['extensions']) ? { ...object['extensions'] } : {};
  const ext: Record<string, unknown> = isRecord(extensions[RAMPART_EXTENSION_ID]) ? { ...extensions[RAMPART_EXTENSION_ID] } : { extension_type: 'property-extension' };

  if (change.status !== undefined) {
    if (!canMoveCase(current.status, change.status)) {
      const next = nextCaseStatuses(current.status);
      return err(problem('conflict', 'case-status-not-allowed', `This case is ${current.status}; it can move to ${next.join(' or ')}, not to ${change.status}`));
    }
    ext['case_status'] = change.status;
  }
  if (change.assignee === null) delete ext['assignee'];
  else if (change.assignee !== undefined) {
    const members = await deps.members(principal.orgId);
    if (!members.some((m) => m.id === change.assignee)) {
      return err(problem('invalid', 'assignee-not-in-organization', 'assignee must be a person of your organization (GET /api/v1/incidents/assignees lists them)', [{ path: '$.assignee', code: 'assignee-not-in-organization', message: 'not a person of your organization' }]));
    }
    ext['assignee'] = change.assignee;
  }
  const now = deps.clock.now();
  if (change.referral !== undefined) {
    const { agency, referred_at, reference } = change.referral;
    ext['law_enforcement_referral'] = { agency: agency.trim(), referred_at: referred_at ?? now.toISOString(), ...(reference === undefined || reference.trim() === '' ? {} : { reference: reference.trim() }) };
  }
  extensions[RAMPART_EXTENSION_ID] = ext;
  const next = { ...object, extensions, modified: nextModified(found.value.modified, now) };
  return audited(deps, principal, id, await publishObject(deps, principal, { object: next, path: '$' }));
}

const RANK: ReadonlyMap<Tlp, number> = new Map(TLP_LEVELS.map((t, i) => [t, i]));

/**
 * Adds a note to an incident's timeline: a STIX note by the caller's organization referring to the
 * incident, shared with the incident's audience (the default) or narrower: a TLP at least as strict,
 * and only audience keys the incident names, or organizations inside them (inside a group only for a
 * writer in that group).
 */
export async function addNote(deps: CaseDeps, principal: Principal, reader: Reader, id: StixId, request: NoteRequest): Promise<Result<Written, Problem>> {
  const found = await visibleIncident(deps, reader, id);
  if (!found.ok) return found;
  const incident = found.value.sharing;
  const tlp = request.tlp ?? incident.tlp;
  if ((RANK.get(tlp) ?? 0) < (RANK.get(incident.tlp) ?? 0)) {
    return err(problem('invalid', 'note-wider-than-incident', `The incident is ${tlpLabel(incident.tlp)}; a note on it must be ${tlpLabel(incident.tlp)} or stricter, not ${tlpLabel(tlp)}`, [{ path: '$.tlp', code: 'note-wider-than-incident', message: `at least ${tlpLabel(incident.tlp)}` }]));
  }
  const audience = request.audience ?? incident.audience;
  const writerKeys: readonly string[] = reader.kind === 'member' ? reader.keys : [];
  for (const [i, key] of audience.entries()) {
    if (incident.audience.includes(key)) continue;
    const org = orgIdOfKey(key);
    // Inside through a group only when the writer is in that group too: a group's members are shown to its members only,
    // and a note accepted or refused for an organization would tell anyone else whether it is one.
    const inside = org !== null && (await deps.keysOf(org)).some((k) => incident.audience.includes(k) && (!k.startsWith('group:') || writerKeys.includes(k)));
    if (!inside) {
      return err(problem('invalid', 'note-wider-than-incident', `A note may reach only who the incident reaches; ${key} is not inside the incident's audience (${incident.audience.join(', ')})`, [{ path: `$.audience[${i}]`, code: 'note-wider-than-incident', message: 'outside the incident audience' }]));
    }
  }
  const now = deps.clock.now().toISOString();
  const note = { type: 'note', ...STIX, id: `note--${randomUUID()}`, created: now, modified: now, content: request.content, object_refs: [id] };
  const written = await publishObject(deps, principal, { object: note, path: '$', tlp, audience });
  return audited(deps, principal, note.id, written);
}

/** How an incident is linked to an item of each type, and in which direction (STIX 2.1 relationship names). */
function linkShape(targetType: string): { readonly type: string; readonly incidentIsSource: boolean } | null {
  switch (targetType) {
    case 'indicator':
      return { type: 'indicates', incidentIsSource: false };
    case 'attack-pattern':
      return { type: 'uses', incidentIsSource: true };
    case 'threat-actor':
    case 'intrusion-set':
    case 'campaign':
      return { type: 'attributed-to', incidentIsSource: true };
    case 'incident':
    case 'relationship':
    case 'sighting':
    case 'note':
    case 'opinion':
    case 'marking-definition':
    case 'extension-definition':
    case 'language-content':
      return null;
    default:
      return { type: 'related-to', incidentIsSource: true };
  }
}

async function relationshipExists(deps: CaseDeps, reader: Reader, id: StixId, source: string, target: string, type: string): Promise<boolean> {
  const page = await deps.stix.list(reader, { refersTo: id, types: ['relationship'], limit: 1000 });
  if (!page.ok) return false;
  return page.value.items.some((r) => {
    if (r.revoked) return false;
    const o = JSON.parse(r.json) as Record<string, unknown>;
    return o['source_ref'] === source && o['target_ref'] === target && o['relationship_type'] === type;
  });
}

/**
 * Links the owner's incident to an indicator (indicates), a technique (uses), a threat actor, intrusion
 * set or campaign (attributed-to) or another item (related-to) the owner may see. The relationship is the
 * owner's and shared exactly as the incident is; it names the item, whose content stays as shared.
 */
export async function linkItem(deps: CaseDeps, principal: Principal, reader: Reader, id: StixId, targetId: StixId): Promise<Result<Written, Problem>> {
  const found = await ownIncident(deps, principal, reader, id);
  if (!found.ok) return found;
  const target = await deps.stix.get(reader, targetId);
  if (target === null) return err(notFound(targetId));
  const shape = linkShape(target.type);
  if (shape === null) {
    const why = target.type === 'incident' ? 'to say another jurisdiction saw the same, it links its own incident as "seen here too"' : 'link indicators, techniques, threat actors and other intelligence';
    return err(problem('invalid', 'cannot-link', `An incident cannot be linked to a ${target.type}: ${why}`, [{ path: '$.target_id', code: 'cannot-link', message: `a ${target.type}` }]));
  }
  const [source, dest] = shape.incidentIsSource ? [id, targetId] : [targetId, id];
  if (await relationshipExists(deps, reader, id, source, dest, shape.type)) return err(problem('conflict', 'already-linked', `${targetId} is already linked to this incident`));
  const now = deps.clock.now().toISOString();
  const relationship = { type: 'relationship', ...STIX, id: `relationship--${randomUUID()}`, created: now, modified: now, relationship_type: shape.type, source_ref: source, target_ref: dest };
  const written = await publishObject(deps, principal, { object: relationship, path: '$', tlp: found.value.sharing.tlp, audience: found.value.sharing.audience });
  return audited(deps, principal, relationship.id, written);
}

/** The relationship type of a "seen here too" link: the corroborating jurisdiction's incident corroborates the other. */
export const CORROBORATES = 'corroborates';

/**
 * "Seen here too": another jurisdiction links its own incident to one it may see. The link is the
 * corroborator's object, shared as it chooses (by default as its own incident): the owner of the
 * other incident sees who corroborated only as far as that was shared with it.
 */
export async function corroborate(deps: CaseDeps, principal: Principal, reader: Reader, id: StixId, ownIncidentId: StixId, sharing: SharingRequest): Promise<Result<Written, Problem>> {
  const found = await visibleIncident(deps, reader, id);
  if (!found.ok) return found;
  if (found.value.sharing.owner === principal.orgId) return err(problem('invalid', 'own-incident', 'This incident is your own; "seen here too" links an incident of yours to one another jurisdiction reported', [{ path: '$.incident_id', code: 'own-incident', message: 'corroborate another organization’s incident' }]));
  const own = await deps.stix.get(reader, ownIncidentId);
  if (own === null || own.type !== 'incident' || own.sharing.owner !== principal.orgId) {
    return err(problem('invalid', 'not-your-incident', 'incident_id must be an incident your organization reported; report what you saw first, then link it', [{ path: '$.incident_id', code: 'not-your-incident', message: 'not an incident of your organization' }]));
  }
  if (await relationshipExists(deps, reader, id, ownIncidentId, id, CORROBORATES)) return err(problem('conflict', 'already-linked', 'Your incident already says it saw this one too'));
  const now = deps.clock.now().toISOString();
  const relationship = { type: 'relationship', ...STIX, id: `relationship--${randomUUID()}`, created: now, modified: now, relationship_type: CORROBORATES, source_ref: ownIncidentId, target_ref: id, description: 'Seen here too' };
  const written = await publishObject(deps, principal, { object: relationship, path: '$', tlp: sharing.tlp ?? own.sharing.tlp, audience: sharing.audience ?? own.sharing.audience });
  return audited(deps, principal, relationship.id, written);
}

export interface TimelineEntry {
  readonly at: string;
  readonly kind: 'version' | 'note';
  readonly object: StixObjectJson;
  readonly tlp: Tlp;
  readonly owner: OrgId;
}

/** The incident's versions the reader may see and the notes on it shared with the reader, oldest first. */
export async function timeline(deps: CaseDeps, reader: Reader, id: StixId): Promise<Result<TimelineEntry[], Problem>> {
  const found = await visibleIncident(deps, reader, id);
  if (!found.ok) return found;
  const versions = await deps.stix.versions(reader, id);
  const notes = await deps.stix.list(reader, { refersTo: id, types: ['note'], limit: 1000 });
  if (!notes.ok) return notes;
  const entry = (kind: TimelineEntry['kind'], v: StoredVersion): TimelineEntry => {
    const object: StixObjectJson = { ...(JSON.parse(v.json) as Record<string, unknown>), type: v.type, id: v.id };
    return { at: typeof object['modified'] === 'string' ? object['modified'] : '', kind, object, tlp: v.sharing.tlp, owner: v.sharing.owner };
  };
  const entries = [...versions.map((v) => entry('version', v)), ...notes.value.items.filter((n) => !n.revoked).map((n) => entry('note', n))];
  return ok(entries.sort((a, b) => a.at.localeCompare(b.at)));
}
