import type { OrgId } from '../domain/ids.ts';
import { SUPPORT_SERVICE_LABELS } from '../domain/support.ts';
import type { AlertRow, DeliveryRow, NotificationsStore } from '../store/notifications.ts';
import type { SupportRequest } from '../store/support.ts';
import type { Directory, Person } from './directory.ts';
import { alertId, deliveryId } from './matcher.ts';
import { planContacts } from './rules.ts';

/** A support request opened (status `requested`) or moved to another status by the organization `actor`, at `at` (ms). */
export interface SupportEvent {
  readonly request: SupportRequest;
  readonly actor: OrgId;
  readonly at: number;
}

export interface SupportAlertDeps {
  readonly store: Pick<NotificationsStore, 'plan' | 'person' | 'recordSupport'>;
  readonly directory: Pick<Directory, 'people'>;
}

/** After these there is nothing left to act on: an urgent request's last word is not urgent. */
const SETTLED: ReadonlySet<string> = new Set(['completed', 'cancelled']);

/** Whether alerts of this event are urgent (emailed at once to everyone told, escalated when nobody acknowledges). */
export const supportUrgent = (request: SupportRequest): boolean => request.urgent && !SETTLED.has(request.status);

/** Why a person of `orgId` is told, in words. */
function reasonOf(request: SupportRequest, orgId: OrgId): string {
  const service = SUPPORT_SERVICE_LABELS[request.service].toLowerCase();
  if (request.status === 'requested') return `Your organization is asked for ${service}`;
  if (orgId === request.requesterOrg) return `Your organization's request for ${service} was ${request.status}`;
  return `A request for ${service} that your organization ${orgId === request.providerOrg ? 'was asked for' : 'takes part in'} was ${request.status}`;
}

/**
 * Who of an organization hears of a support request: the primary contacts its notification plan names
 * for support requests, or its org-admins when it names none (a request never goes unheard).
 */
async function contactsOf(deps: SupportAlertDeps, orgId: OrgId, people: readonly Person[]): Promise<Person[]> {
  const members = people.filter((p) => p.orgId === orgId);
  const plan = await deps.store.plan(orgId);
  const primary = plan === null ? [] : planContacts(plan.contacts).support.primary;
  const named = members.filter((p) => primary.includes(p.id));
  return named.length > 0 ? named : members.filter((p) => p.role === 'org-admin');
}

/**
 * The alerts of a support event: for every organization that sees the request but the one that acted,
 * its support contacts, and on a change of status the person who asked. Each is emailed at once (an
 * urgent one even to people who chose no email; a request is a call to act, not news for the digest).
 * Alerts and deliveries have ids made from the person, the request, its status and the event's time, so
 * an event recorded twice is recorded once. Whether each may still be sent is checked again at delivery,
 * and the email says where the request stands then.
 */
export async function recordSupportEvent(deps: SupportAlertDeps, event: SupportEvent): Promise<void> {
  const { request, actor, at } = event;
  const people = await deps.directory.people();
  const orgs = [...new Set([request.requesterOrg, request.providerOrg, ...request.parties])].filter((o) => o !== actor);
  const urgent = supportUrgent(request);
  const addedUs = at * 1000;
  const alerts: AlertRow[] = [];
  const deliveries: DeliveryRow[] = [];
  for (const orgId of orgs) {
    const told = await contactsOf(deps, orgId, people);
    const asker = request.status !== 'requested' && orgId === request.requesterOrg ? people.find((p) => p.id === request.createdBy && p.orgId === orgId) : undefined;
    if (asker !== undefined && !told.some((p) => p.id === asker.id)) told.push(asker);
    const reasons = JSON.stringify([reasonOf(request, orgId)]);
    // The event is its request, status and time: an answer given in the same millisecond as the request is an event of its own.
    const event = `${request.id}|${request.status}`;
    for (const person of told) {
      const id = alertId(person.id, event, addedUs);
      alerts.push({ id, user_id: person.id, org_id: orgId, object_id: null, added_us: addedUs, notice: null, reasons, urgent: urgent ? 1 : 0, created_at: at, read_at: null, acked_at: null, escalated_at: null, kinds: '["support"]', support_id: request.id });
      if (!urgent && (await deps.store.person(person.id))?.email_mode === 'none') continue;
      deliveries.push({
        id: deliveryId('email', person.id, event, addedUs),
        channel: 'email',
        recipient: person.id,
        org_id: orgId,
        alert_id: id,
        object_id: null,
        support_id: request.id,
        added_us: addedUs,
        mode: 'immediate',
        reasons,
        urgent: urgent ? 1 : 0,
        state: 'pending',
        attempts: 0,
        next_at: at,
        lease_owner: null,
        lease_until: null,
        last_error: null,
        created_at: at,
        done_at: null,
      });
    }
  }
  await deps.store.recordSupport(alerts, deliveries);
}
