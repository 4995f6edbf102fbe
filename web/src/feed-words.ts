import type { AudienceKind } from '../../src/domain/audience.ts';
import { audienceChoices, type AudienceChoice, type Reporter } from './sharing-rules.ts';
import { audienceInWords, type Reader } from './sharing-words.ts';

/** How a feed signs in to the other server, as the form offers it. */
export type CredentialChoice = 'none' | 'setting';

/** What the server accepts after `env:` (src/federation/credentials.ts CREDENTIAL_REF). */
const SETTING_NAME = /^[A-Z_][A-Z0-9_]{0,127}$/;

/** The API's credential_ref from the form's choice: `none`, or `env:` and the server setting's name. */
export function credentialRef(choice: CredentialChoice, setting: string): string {
  return choice === 'none' ? 'none' : `env:${setting.trim()}`;
}

/** What is wrong with a setting's name, in words; null when it is fine. */
export function settingNameIssue(choice: CredentialChoice, setting: string): string | null {
  if (choice === 'none') return null;
  const name = setting.trim();
  if (name === '') return 'Give the name of the server setting that holds the password or key.';
  if (!SETTING_NAME.test(name)) return 'A setting name uses only capital letters, digits and underscores, and does not start with a digit (for example STATE_HUB_TOKEN).';
  return null;
}

/** A stored credential_ref back in words, for the list of feeds. */
export function credentialWords(ref: string): string {
  return ref.startsWith('env:') ? `Signs in with the password or key in the server setting ${ref.slice('env:'.length)}` : 'Signs in without a password';
}

/** How often a feed runs: the choices of the form, in words. */
export const INTERVALS: readonly { readonly seconds: number; readonly label: string }[] = [
  { seconds: 300, label: 'Every 5 minutes' },
  { seconds: 900, label: 'Every 15 minutes' },
  { seconds: 3600, label: 'Every hour' },
  { seconds: 6 * 3600, label: 'Every 6 hours' },
  { seconds: 86_400, label: 'Every day' },
];

/** The kinds of place a feed's audience names. */
const FEED_KINDS: ReadonlySet<AudienceKind> = new Set(['state', 'org', 'group', 'community']);

/**
 * The places offered as boxes to tick: the sharing forms' own choices (audienceChoices), named and ordered as there.
 * A feed's audience is where items are shared, so neither the public nor one person is offered; a push is not offered
 * the organization's own key either (what was kept inside it must not leave), while a pull may narrow received items
 * down to the organization itself.
 */
export function feedPlaceChoices(direction: 'pull' | 'push', me: Reporter): AudienceChoice[] {
  return audienceChoices(me).filter((c) => FEED_KINDS.has(c.kind) && !(direction === 'push' && c.kind === 'org'));
}

/** Why the chosen audience cannot be sent yet, in words; null when it can. */
export function feedAudienceIssue(direction: 'pull' | 'push', keys: readonly string[]): string | null {
  if (direction === 'push' && keys.length === 0) return 'Choose who this feed sends to: tick a place or add the partner organization below.';
  return null;
}

/** A feed's audience as its list says it. */
export function feedAudienceWords(direction: 'pull' | 'push', keys: readonly string[], me: Reader | null, orgNames: ReadonlyMap<string, string>): string {
  const named = keys.map((k) => audienceInWords(k, me, orgNames)).join('; ');
  if (direction === 'push') return `Sends what is shared with: ${named === '' ? 'nobody yet' : named}`;
  return keys.length === 0 ? 'What it brings in is shared as widely as each item’s TLP allows' : `What it brings in is shared with at most: ${named}`;
}

/** The server's refusal of a feed in the page's words, where it speaks of the API's fields (other refusals are already words). */
export function feedProblemWords<P extends { readonly code: string; readonly detail: string }>(problem: P, setting: string): P {
  if (problem.code === 'credential-malformed') {
    return { ...problem, detail: `The server setting ${setting.trim()} is set, but not in a form a feed can use. Ask whoever runs the server to check it (see “What whoever runs the server sets up” below).` };
  }
  return problem;
}
