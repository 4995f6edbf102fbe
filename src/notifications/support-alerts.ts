import type { OrgId } from '../domain/ids.ts';
import { SUPPORT_SERVICE_LABELS } from '../domain/support.ts';
import type { AlertRow, DeliveryRow, NotificationsStore } from '../store/notifications.ts';
import type { SupportMessage, SupportRequest } from '../store/support.ts';
import type { Directory, Person } from './directory.ts';
import { alertId, deliveryId } from './matcher.ts';
import { planContacts } from './rules.ts';

/**
 * A support request opened (status `requested`) or moved to another status, or a message written on it,
 * by the organization `actor`, at `at` (ms).
 */
export type SupportEvent =
  | { readonly kind: 'status'; readonly request: SupportRequest; readonly actor: OrgId; readonly at: number }
  | { readonly kind: 'message'; readonly request: SupportRequest; readonly message: SupportMessage; readonly actor: OrgId; readonly at: number };

export interface SupportAlertDeps {
  readonly store: Pick<NotificationsStore, 'plan' | 'person' | 'recordSupport' | 'webhooks'>;
  readonly directory: Pick<Directory, 'people'>;
  /** When the next daily digest goes out, for a time `now`. */
  readonly nextDigestAt: (now: number) => number;
}

/** After these there is nothing left to act on: an urgent request's last word is not urgent. */
const SETTLED: ReadonlySet<string> = new Set(['completed', 'cancelled']);

/** Whether alerts of this event are urgent (emailed at once to everyone told, escalated when nobody acknowledges). */
export const supportUrgent = (request: SupportRequest): boolean => request.urgent && !SETTLED.has(request.status);

/** What a delivery of the event records in `support_event` (read back at delivery: a webhook says which event it carries). */
export const supportEventName = (event: SupportEvent): string => (event.kind === 'message' ? `message:${event.message.id}` : event.request.status === 'requested' ? 'requested' : 'status');

/** Why a person of `orgId` is told, in words. */
function reasonOf(event: SupportEvent, orgId: OrgId): string {
  const { request } = event;
  const service = SUPPORT_SERVICE_LABELS[request.service].toLowerCase();
  const whose = orgId === request.requesterOrg ? `your organization's request for ${service}` : `a request for ${service} that your organization ${orgId === request.providerOrg ? 'was asked for' : 'takes part in'}`;
  if (event.kind === 'message') return `A new message on ${whose}`;
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

const pending = (at: number) => ({ state: 'pending', attempts: 0, lease_owner: null, lease_until: null, last_error: null, created_at: at, done_at: null }) as const;

/**
 * The alerts of a support event: for every organization that sees the request but the one that acted,
 * its support contacts, and on a change of status or a message the person who asked. Each person is
 * emailed as they chose: at once, in the daily digest, or not at all; an urgent event is emailed at
 * once even to people who chose the digest or no email (a call to act, not news). Every enabled webhook
 * of those organizations is sent the event too. A message is never urgent: it does not escalate.
 * Alerts and deliveries have ids made from the person (or webhook), the request, the event and its
 * time, so an event recorded twice is recorded once. Whether each may still be sent is checked again
 * at delivery, and what is sent says where the request stands then.
 */
export async function recordSupportEvent(deps: SupportAlertDeps, event: SupportEvent): Promise<void> {
  const { request, actor, at } = event;
  const people = await deps.directory.people();
  const orgs = [...new Set([request.requesterOrg, request.providerOrg, ...request.parties])].filter((o) => o !== actor);
  const urgent = event.kind === 'status' && supportUrgent(request);
  const addedUs = at * 1000;
  const name = supportEventName(event);
  // The event is its request and what happened: an answer given in the same millisecond as the request is an event of its own.
  const key = event.kind === 'message' ? `${request.id}|message|${event.message.id}` : `${request.id}|${request.status}`;
  const hooks = await deps.store.webhooks();
  const alerts: AlertRow[] = [];
  const deliveries: DeliveryRow[] = [];
  for (const orgId of orgs) {
    const told = await contactsOf(deps, orgId, people);
    const asker = (event.kind === 'message' || request.status !== 'requested') && orgId === request.requesterOrg ? people.find((p) => p.id === request.createdBy && p.orgId === orgId) : undefined;
    if (asker !== undefined && !told.some((p) => p.id === asker.id)) told.push(asker);
    const reasons = JSON.stringify([reasonOf(event, orgId)]);
    for (const person of told) {
      const id = alertId(person.id, key, addedUs);
      alerts.push({ id, user_id: person.id, org_id: orgId, object_id: null, added_us: addedUs, notice: null, reasons, urgent: urgent ? 1 : 0, created_at: at, read_at: null, acked_at: null, escalated_at: null, kinds: '["support"]', support_id: request.id });
      const mode = urgent ? 'immediate' : ((await deps.store.person(person.id))?.email_mode ?? 'as-rules');
      if (mode === 'none') continue;
      const digest = mode === 'digest';
      deliveries.push({
        ...pending(at),
        id: deliveryId('email', person.id, key, addedUs),
        channel: 'email',
        recipient: person.id,
        org_id: orgId,
        alert_id: id,
        object_id: null,
        support_id: request.id,
        support_event: name,
        added_us: addedUs,
        mode: digest ? 'digest' : 'immediate',
        reasons,
        urgent: urgent ? 1 : 0,
        next_at: digest ? deps.nextDigestAt(at) : at,
      });
    }
    for (const hook of hooks) {
      if (hook.org_id !== orgId || hook.enabled !== 1) continue;
      deliveries.push({
        ...pending(at),
        id: deliveryId('webhook', hook.id, key, addedUs),
        channel: 'webhook',
        recipient: hook.id,
        org_id: orgId,
        alert_id: null,
        object_id: null,
        support_id: request.id,
        support_event: name,
        added_us: addedUs,
        mode: 'immediate',
        reasons,
        urgent: urgent ? 1 : 0,
        next_at: at,
      });
    }
  }
  await deps.store.recordSupport(alerts, deliveries);
}
