import { randomUUID } from 'node:crypto';
import type { Clock } from '../domain/clock.ts';
import { parseOrgId, parseStixId, type OrgId, type StixId } from '../domain/ids.ts';
import type { Reader } from '../store/types.ts';
import type { OrgKind } from '../domain/organization.ts';
import type { Principal } from '../domain/principal.ts';
import { problem, type Problem } from '../domain/problem.ts';
import { err, ok, type Result } from '../domain/result.ts';
import { SUPPORT_SERVICE_LABELS, supportTransition, type SupportAction, type SupportRole, type SupportService } from '../domain/support.ts';
import { voterDataProblems } from '../domain/privacy/index.ts';
import type { Offering, SupportMessage, SupportRepository, SupportRequest } from '../store/support.ts';

export interface SupportDeps {
  readonly repo: SupportRepository;
  readonly clock: Clock;
  /** The kind of an organization, or null when there is none with that id. */
  readonly orgKind: (id: OrgId) => Promise<OrgKind | null>;
  /** Tells the live feeds of these organizations that a request changed (never what changed). */
  readonly announce: (requestId: string, orgs: readonly OrgId[]) => void;
  /**
   * A request was opened or its status changed (`request` as it stands after), by `actor`: the people
   * of the other organizations that see it are told, per their notification plans. Recorded before the
   * caller is answered.
   */
  readonly statusChanged?: (event: { readonly request: SupportRequest; readonly actor: OrgId; readonly at: number }) => Promise<void>;
  /**
   * The incident `id` as `reader` may see it (its title), or null when there is no such incident or the reader may not
   * see it: a request is linked to an incident only by a requester who sees it, and shown with it only to readers who do.
   */
  readonly incident?: (reader: Reader, id: StixId) => Promise<{ readonly id: StixId; readonly title: string } | null>;
  /** A message was written on `request` by `actor`: the people of the other organizations that see it are told. Recorded before the caller is answered. */
  readonly messagePosted?: (event: { readonly request: SupportRequest; readonly message: SupportMessage; readonly actor: OrgId; readonly at: number }) => Promise<void>;
}

/** Offices that may ask for support: states, territories and local election offices. */
const REQUESTERS: ReadonlySet<OrgKind> = new Set(['state', 'territory', 'local']);

function notFound(id: string): Problem {
  return problem('not-found', 'not-found', `No support request ${id} that you may see`);
}

/** Voter personal data is refused here as on every other write (src/privacy). */
function scan(fields: Readonly<Record<string, string>>): Problem | null {
  const found = voterDataProblems(fields);
  const first = found[0];
  if (first === undefined) return null;
  return problem('invalid', first.code, `Not stored: ${first.message}`, found.map((f) => ({ path: `$.${f.at.join('.')}`, code: f.code, message: f.message })));
}

export function roleOf(request: SupportRequest, orgId: OrgId): SupportRole {
  return request.requesterOrg === orgId ? 'requester' : request.providerOrg === orgId ? 'provider' : 'party';
}

const everyone = (r: SupportRequest): OrgId[] => [r.requesterOrg, r.providerOrg, ...r.parties];

/** A provider publishes (or withdraws, with active false) a service in its catalogue. */
export async function publishOffering(deps: SupportDeps, principal: Principal, input: { readonly service: SupportService; readonly description: string; readonly active: boolean }): Promise<Result<Offering, Problem>> {
  const refused = scan({ description: input.description });
  if (refused !== null) return err(refused);
  const offering: Offering = { providerOrg: principal.orgId, service: input.service, description: input.description.trim(), active: input.active, updatedAt: deps.clock.now().getTime() };
  await deps.repo.putOffering(offering);
  return ok(offering);
}

export interface NewRequest {
  readonly provider_org: string;
  readonly service: SupportService;
  readonly title: string;
  readonly details: string;
  readonly urgent?: boolean;
  readonly incident_id?: string;
}

/**
 * A state, territory or local office asks a provider for a service it publishes. The requester is
 * always the caller's own organization: there is no field to name another, so nobody can open a
 * request on a state's behalf.
 */
export async function openRequest(deps: SupportDeps, principal: Principal, reader: Reader, input: NewRequest): Promise<Result<SupportRequest, Problem>> {
  const kind = await deps.orgKind(principal.orgId);
  if (kind === null || !REQUESTERS.has(kind)) return err(problem('forbidden', 'not-an-election-office', 'Only a state, territory or local election office may ask for support; providers answer requests'));
  const parsed = parseOrgId(input.provider_org);
  if (!parsed.ok) return err(problem('invalid', 'invalid-request', parsed.error.message, [{ path: '$.provider_org', code: parsed.error.code, message: parsed.error.message }]));
  const provider = parsed.value;
  if (provider === principal.orgId) return err(problem('invalid', 'own-organization', 'Ask another organization: you cannot request support from your own', [{ path: '$.provider_org', code: 'own-organization', message: 'your own organization' }]));
  const offered = (await deps.repo.offerings({ providerOrg: provider, activeOnly: true })).some((o) => o.service === input.service);
  if (!offered) {
    return err(problem('invalid', 'service-not-offered', `That organization does not offer ${SUPPORT_SERVICE_LABELS[input.service].toLowerCase()}; choose a service from its catalogue`, [{ path: '$.service', code: 'service-not-offered', message: 'not in the provider’s catalogue' }]));
  }
  const refused = scan({ title: input.title, details: input.details });
  if (refused !== null) return err(refused);
  let incidentId: StixId | null = null;
  if (input.incident_id !== undefined) {
    // An incident the requester may not see is answered exactly as one that does not exist.
    const id = parseStixId(input.incident_id);
    const seen = id.ok && deps.incident !== undefined ? await deps.incident(reader, id.value) : null;
    if (seen === null) return err(problem('invalid', 'incident-not-found', 'The incident this request is about is not one you may see; ask without it, or open the request from the incident’s page', [{ path: '$.incident_id', code: 'incident-not-found', message: 'no incident you may see' }]));
    incidentId = seen.id;
  }
  const now = deps.clock.now().getTime();
  const request: SupportRequest = {
    id: randomUUID(),
    requesterOrg: principal.orgId,
    providerOrg: provider,
    service: input.service,
    title: input.title.trim(),
    details: input.details.trim(),
    urgent: input.urgent === true,
    status: 'requested',
    scheduledFor: null,
    createdBy: principal.userId,
    createdAt: now,
    updatedAt: now,
    parties: [],
    incidentId,
  };
  await deps.repo.addRequest(request);
  deps.announce(request.id, everyone(request));
  await deps.statusChanged?.({ request, actor: principal.orgId, at: now });
  return ok(request);
}

export interface RequestView {
  readonly request: SupportRequest;
  readonly role: SupportRole;
  readonly messages: readonly SupportMessage[];
}

export async function requestDetail(deps: SupportDeps, principal: Principal, id: string): Promise<Result<RequestView, Problem>> {
  const request = await deps.repo.requestFor(principal.orgId, id);
  if (request === null) return err(notFound(id));
  return ok({ request, role: roleOf(request, principal.orgId), messages: await deps.repo.messages(id) });
}

/** The provider accepts, declines, schedules (with a date) or completes; the requester cancels. */
export async function act(deps: SupportDeps, principal: Principal, id: string, action: SupportAction, scheduledFor: string | undefined): Promise<Result<SupportRequest, Problem>> {
  const request = await deps.repo.requestFor(principal.orgId, id);
  if (request === null) return err(notFound(id));
  const step = supportTransition(action, roleOf(request, principal.orgId), request.status);
  if (!step.ok) return err(step.code === 'not-your-step' ? problem('forbidden', 'not-your-step', step.message) : problem('conflict', 'support-status-not-allowed', step.message));
  if (action === 'schedule' && scheduledFor === undefined) return err(problem('invalid', 'missing-date', 'Say when: scheduled_for is the date and time agreed', [{ path: '$.scheduled_for', code: 'missing-property', message: 'required to schedule' }]));
  const now = deps.clock.now().getTime();
  await deps.repo.setStatus(id, step.to, action === 'schedule' ? (scheduledFor ?? null) : request.scheduledFor, now);
  deps.announce(id, everyone(request));
  const updated = await deps.repo.requestFor(principal.orgId, id);
  if (updated === null) return err(notFound(id));
  await deps.statusChanged?.({ request: updated, actor: principal.orgId, at: now });
  return ok(updated);
}

/** A message from the requester, the provider or a party the requester added. */
export async function postMessage(deps: SupportDeps, principal: Principal, id: string, body: string): Promise<Result<SupportMessage, Problem>> {
  const request = await deps.repo.requestFor(principal.orgId, id);
  if (request === null) return err(notFound(id));
  const refused = scan({ body });
  if (refused !== null) return err(refused);
  const message: SupportMessage = { id: randomUUID(), requestId: id, authorOrg: principal.orgId, authorUser: principal.userId, body: body.trim(), at: deps.clock.now().getTime() };
  await deps.repo.addMessage(message);
  deps.announce(id, everyone(request));
  await deps.messagePosted?.({ request, message, actor: principal.orgId, at: message.at });
  return ok(message);
}

/**
 * The requester adds an organization that may then read the request and write messages. Only the
 * requester decides who sees its request: a provider or party asking is refused.
 */
export async function addParty(deps: SupportDeps, principal: Principal, id: string, orgId: OrgId): Promise<Result<SupportRequest, Problem>> {
  const request = await deps.repo.requestFor(principal.orgId, id);
  if (request === null) return err(notFound(id));
  if (roleOf(request, principal.orgId) !== 'requester') return err(problem('forbidden', 'requester-only', 'Only the office that asked for support decides who else may see its request'));
  if ((await deps.orgKind(orgId)) === null) return err(problem('invalid', 'unknown-organization', `There is no organization ${orgId}`, [{ path: '$.org_id', code: 'unknown-organization', message: 'no such organization' }]));
  if (everyone(request).includes(orgId)) return err(problem('conflict', 'already-a-party', 'That organization already sees this request'));
  await deps.repo.addParty(id, orgId, deps.clock.now().getTime());
  const updated = await deps.repo.requestFor(principal.orgId, id);
  if (updated === null) return err(notFound(id));
  deps.announce(id, everyone(updated));
  return ok(updated);
}
