import { isRecord } from './objects.ts';

/** A support request as GET /api/v1/support/requests returns it. */
export interface SupportRequestView {
  readonly id: string;
  readonly role: 'requester' | 'provider' | 'party';
  readonly requester: OrgRef;
  readonly provider: OrgRef;
  readonly parties: readonly OrgRef[];
  readonly service: string;
  readonly service_label: string;
  readonly title: string;
  readonly details: string;
  /** The requester said help is needed now. */
  readonly urgent: boolean;
  readonly status: string;
  readonly actions: readonly string[];
  readonly scheduled_for: string | null;
  readonly created_at: string;
  readonly updated_at: string;
  readonly messages?: readonly { readonly id: string; readonly author: OrgRef; readonly body: string; readonly at: string }[];
}

export interface OrgRef {
  readonly id: string;
  readonly name: string | null;
}

export interface OfferingView {
  readonly provider: OrgRef;
  readonly service: string;
  readonly service_label: string;
  readonly description: string;
  readonly active: boolean;
}

export const SUPPORT_STATUS_LABELS: Readonly<Record<string, string>> = {
  requested: 'Waiting for an answer',
  accepted: 'Accepted',
  declined: 'Declined',
  scheduled: 'Scheduled',
  completed: 'Completed',
  cancelled: 'Withdrawn',
};

export const SUPPORT_ACTION_LABELS: Readonly<Record<string, string>> = {
  accept: 'Accept',
  decline: 'Decline',
  schedule: 'Schedule',
  complete: 'Mark completed',
  cancel: 'Withdraw the request',
};

/** Who a request is with, from one side: "Asked of CISA", "Asked by Pine Hollow County". */
export function otherSide(r: Pick<SupportRequestView, 'role' | 'requester' | 'provider'>): string {
  return r.role === 'requester' ? `Asked of ${r.provider.name ?? 'another organization'}` : `Asked by ${r.requester.name ?? 'another organization'}`;
}

/** The providers of a catalogue, each once, in the order listed. */
export function providersOf(catalogue: readonly OfferingView[]): OrgRef[] {
  const seen = new Map<string, OrgRef>();
  for (const o of catalogue) if (!seen.has(o.provider.id)) seen.set(o.provider.id, o.provider);
  return [...seen.values()];
}

export function readItems<T>(body: unknown): T[] {
  return isRecord(body) && Array.isArray(body['items']) ? (body['items'] as T[]) : [];
}
