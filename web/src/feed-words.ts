import { placeName } from './states.ts';
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

/** One place a feed's audience may name, as the picker shows it. */
export interface FeedPlace {
  readonly key: string;
  readonly label: string;
}

/**
 * The places offered as boxes to tick. A push never offers the organization's own key (what was kept inside
 * it must not leave) nor people; a pull may narrow received items down to the organization itself.
 */
export function feedPlaceChoices(direction: 'pull' | 'push', me: Reader & { readonly stateFips: string | null; readonly stateName: string | null }): FeedPlace[] {
  const places: FeedPlace[] = [{ key: 'community', label: 'Everyone in the Rampart community' }];
  if (me.stateFips !== null) places.push({ key: `state:${me.stateFips}`, label: `My state: ${me.stateName ?? placeName(me.stateFips)} (state office and its local offices)` });
  if (direction === 'pull') places.push({ key: `org:${me.orgId}`, label: `Only my organization: ${me.orgName}` });
  for (const g of me.groups) places.push({ key: `group:${g.id}`, label: `Sharing group: ${g.name}` });
  return places;
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
