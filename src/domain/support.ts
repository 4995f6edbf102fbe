/** Services an organization can offer and a state, territory or local office can ask for. */
export const SUPPORT_SERVICES = [
  'vulnerability-scanning',
  'risk-assessment',
  'physical-security-assessment',
  'phishing-assessment',
  'incident-response',
  'tabletop-exercise',
  'threat-briefing',
  'election-cyber-support',
] as const;
export type SupportService = (typeof SUPPORT_SERVICES)[number];

export const SUPPORT_SERVICE_LABELS: Readonly<Record<SupportService, string>> = {
  'vulnerability-scanning': 'Vulnerability scanning',
  'risk-assessment': 'Risk assessment',
  'physical-security-assessment': 'Physical security assessment',
  'phishing-assessment': 'Phishing assessment',
  'incident-response': 'Incident response',
  'tabletop-exercise': 'Tabletop exercise',
  'threat-briefing': 'Threat briefing',
  'election-cyber-support': 'Cyber support during the election',
};

/** Where a request stands: asked, then accepted or declined by the provider, scheduled, completed; or withdrawn by the requester. */
export const SUPPORT_STATUSES = ['requested', 'accepted', 'declined', 'scheduled', 'completed', 'cancelled'] as const;
export type SupportStatus = (typeof SUPPORT_STATUSES)[number];

/** What each side may do to a request. */
export const SUPPORT_ACTIONS = ['accept', 'decline', 'schedule', 'complete', 'cancel'] as const;
export type SupportAction = (typeof SUPPORT_ACTIONS)[number];

const RULES: Readonly<Record<SupportAction, { readonly by: 'provider' | 'requester'; readonly from: readonly SupportStatus[]; readonly to: SupportStatus }>> = {
  accept: { by: 'provider', from: ['requested'], to: 'accepted' },
  decline: { by: 'provider', from: ['requested', 'accepted', 'scheduled'], to: 'declined' },
  schedule: { by: 'provider', from: ['accepted', 'scheduled'], to: 'scheduled' },
  complete: { by: 'provider', from: ['accepted', 'scheduled'], to: 'completed' },
  cancel: { by: 'requester', from: ['requested', 'accepted', 'scheduled'], to: 'cancelled' },
};

export type SupportRole = 'requester' | 'provider' | 'party';

/** The status an action leads to, or why it may not be taken (a message that says what is possible). */
export function supportTransition(action: SupportAction, role: SupportRole, from: SupportStatus): { readonly ok: true; readonly to: SupportStatus } | { readonly ok: false; readonly code: 'not-your-step' | 'not-now'; readonly message: string } {
  const rule = RULES[action];
  if (rule.by !== role) return { ok: false, code: 'not-your-step', message: `Only the ${rule.by} may ${action} a support request` };
  if (!rule.from.includes(from)) return { ok: false, code: 'not-now', message: `A ${from} request cannot be ${action === 'schedule' ? 'scheduled' : `${action}${action.endsWith('e') ? 'd' : 'ed'}`}; that is possible when it is ${rule.from.join(' or ')}` };
  return { ok: true, to: rule.to };
}

/** The actions a role may take on a request in this status. */
export function supportActions(role: SupportRole, from: SupportStatus): SupportAction[] {
  return SUPPORT_ACTIONS.filter((a) => supportTransition(a, role, from).ok);
}
