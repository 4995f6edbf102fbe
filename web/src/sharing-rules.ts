import type { AudienceKey, AudienceKind } from '../../src/domain/audience.ts';
import { allowedKinds } from '../../src/domain/sharing-rule.ts';
import { TLP_LEVELS, tlpLabel, type Tlp } from '../../src/domain/tlp.ts';
import { placeName } from './states.ts';

/**
 * Which audiences each TLP level allows: the server's own rule (src/domain/sharing-rule.ts), so the
 * form only offers what will be accepted and nobody meets the server's refusal.
 */
export const ALLOWED_KINDS: Readonly<Record<Tlp, readonly AudienceKind[]>> = Object.fromEntries(
  TLP_LEVELS.map((tlp) => [tlp, allowedKinds(tlp)]),
) as Record<Tlp, readonly AudienceKind[]>;

/** One place the reporter could share with, as the form shows it. */
export interface AudienceChoice {
  readonly key: AudienceKey;
  readonly kind: AudienceKind;
  readonly label: string;
}

/** What the reporter is, as far as sharing choices go. */
export interface Reporter {
  readonly userId: string;
  readonly orgId: string;
  readonly orgName: string;
  readonly stateFips: string | null;
  readonly stateName: string | null;
  readonly groups: readonly { readonly id: string; readonly name: string }[];
}

/** Plain-language meaning of each level, for the picker. */
export const TLP_MEANING: Readonly<Record<Tlp, string>> = {
  clear: 'Anyone, including the public.',
  green: 'The Rampart community; not the public.',
  amber: 'Named organizations, states or sharing groups, on a need-to-know basis.',
  'amber+strict': 'Named organizations only; they keep it inside their organization.',
  red: 'Named people only; not their colleagues.',
};

const KIND_WORDS: Readonly<Record<AudienceKind, string>> = {
  public: 'the public',
  community: 'the whole community',
  org: 'organizations',
  state: 'states',
  group: 'sharing groups',
  user: 'named people',
};

function list(words: readonly string[]): string {
  if (words.length <= 1) return words.join('');
  return `${words.slice(0, -1).join(', ')} or ${words[words.length - 1] ?? ''}`;
}

/** Why a choice is or is not offered at this TLP, in one sentence. */
export function tlpReason(tlp: Tlp): string {
  const allowed = ALLOWED_KINDS[tlp];
  const refused = (Object.keys(KIND_WORDS) as AudienceKind[]).filter((k) => !allowed.includes(k));
  const may = `${tlpLabel(tlp)} may be shared with ${list(allowed.map((k) => KIND_WORDS[k]))}`;
  return refused.length === 0 ? `${may}.` : `${may}, not with ${list(refused.map((k) => KIND_WORDS[k]))}.`;
}

/**
 * Every place the reporter could share with, named and ordered as every form that offers them says them (a form that
 * offers fewer filters this list): their own state first, the usual choice, then their organization, their sharing
 * groups, the community, the public and the reporter alone.
 */
export function audienceChoices(me: Reporter): AudienceChoice[] {
  const choices: AudienceChoice[] = [];
  if (me.stateFips !== null) {
    choices.push({ key: `state:${me.stateFips}`, kind: 'state', label: `My state: ${me.stateName ?? placeName(me.stateFips)} (state office and its local offices)` });
  }
  choices.push({ key: `org:${me.orgId}`, kind: 'org', label: `My organization only: ${me.orgName}` });
  for (const g of me.groups) choices.push({ key: `group:${g.id}`, kind: 'group', label: `Sharing group: ${g.name}` });
  choices.push({ key: 'community', kind: 'community', label: 'Everyone in the Rampart community' });
  choices.push({ key: 'public', kind: 'public', label: 'The public (rumour-control pages)' });
  choices.push({ key: `user:${me.userId}`, kind: 'user', label: 'Only me (named person)' });
  return choices;
}

export function isAllowed(tlp: Tlp, kind: AudienceKind): boolean {
  return ALLOWED_KINDS[tlp].includes(kind);
}

/** Defaults respect authority: my state when the TLP allows it, else my own organization, else me alone. */
export function defaultAudienceFor(tlp: Tlp, me: Reporter): AudienceKey[] {
  if (me.stateFips !== null && isAllowed(tlp, 'state')) return [`state:${me.stateFips}`];
  if (isAllowed(tlp, 'org')) return [`org:${me.orgId}`];
  return [`user:${me.userId}`];
}

/** After the TLP changes: keep what is still allowed; if nothing is left, fall back to the default. */
export function audienceAfterTlpChange(tlp: Tlp, selected: readonly AudienceKey[], me: Reporter): AudienceKey[] {
  const choices = audienceChoices(me);
  const kept = selected.filter((key) => {
    const choice = choices.find((c) => c.key === key);
    return choice !== undefined && isAllowed(tlp, choice.kind);
  });
  return kept.length > 0 ? kept : defaultAudienceFor(tlp, me);
}
