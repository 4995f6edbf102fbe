import type { ApiResponse } from './api.ts';

/** A support request as GET /api/v1/support/requests/{id} answers it (with its messages; the list leaves them out). */
export type SupportRequestView = ApiResponse<'/api/v1/support/requests/{id}'>;
export type OrgRef = SupportRequestView['requester'];
export type OfferingView = ApiResponse<'/api/v1/support/catalogue'>['items'][number];
type SupportStatus = SupportRequestView['status'];
export type SupportAction = SupportRequestView['actions'][number];

export const SUPPORT_STATUS_LABELS: Readonly<Record<SupportStatus, string>> = {
  requested: 'Waiting for an answer',
  accepted: 'Accepted',
  declined: 'Declined',
  scheduled: 'Scheduled',
  completed: 'Completed',
  cancelled: 'Withdrawn',
};

export const SUPPORT_ACTION_LABELS: Readonly<Record<SupportAction, string>> = {
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
export function providersOf(catalogue: readonly OfferingView[], own: string): OrgRef[] {
  const seen = new Map<string, OrgRef>();
  // An office does not ask itself (the hub refuses it): a state office that offers services does not see its own name.
  for (const o of catalogue) if (o.provider.id !== own && !seen.has(o.provider.id)) seen.set(o.provider.id, o.provider);
  return [...seen.values()];
}

/**
 * How each organization that sees a request takes part in it, said after its name ("Village of Demoville Clerk —
 * asked for help"): never a second pair of brackets after names that often end in one ("(fictional)").
 */
export const SUPPORT_PARTY_WORDS = {
  requester: 'asked for help',
  provider: 'asked to help',
  party: 'added by the office that asked',
} as const;

/**
 * The Support page's list when it is empty, saying where requests come from: an office that asks is pointed to the
 * form, an organization that answers to the services it offers (only those can be asked of it).
 */
export function noRequestsWords(asks: boolean): string {
  return asks
    ? 'No requests yet. Ask for help with the form on this page; requests asked of your organization are listed here too.'
    : 'No requests yet. Election offices can ask your organization only for the services it offers below; their requests are listed here.';
}

/** What a request still needs before it can be sent, in the words the form shows (empty: ready to send). */
export function askIssues(form: { readonly provider: string; readonly serviceChosen: boolean; readonly title: string; readonly details: string }): string[] {
  const issues: string[] = [];
  if (form.provider === '') issues.push('Choose who you ask.');
  else if (!form.serviceChosen) issues.push('Choose the service you need from their list.');
  if (form.title.trim().length < 3) issues.push('Give your request a title (at least 3 characters).');
  if (form.details.trim() === '') issues.push('Add the details: what you need, by when, and who to contact.');
  return issues;
}

/** Why "Send request" cannot be used yet, said beside it (SubmitButton), or null once the request can go. */
export function askWhy(form: Parameters<typeof askIssues>[0]): string | null {
  const issues = askIssues(form);
  return issues.length === 0 ? null : issues.join(' ');
}

/**
 * Whether the Support page shows the services an organization offers others, or folds them behind "Offer a service to
 * others": shown once it offers any (withdrawn ones included), to an organization that answers requests rather than
 * asks (`asks` false: a federal agency, an ISAC, a vendor, whose page is for offering), or when the reader opened it;
 * folded while they load and for an election office (`asks` true, or not known yet) that offers none, so its page
 * leads with asking for help.
 */
export function showOfferings(state: { readonly loaded: boolean; readonly offered: number; readonly opened: boolean; readonly asks: boolean | null }): boolean {
  return state.opened || (state.loaded && (state.offered > 0 || state.asks === false));
}
