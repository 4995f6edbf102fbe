import { placeName } from './states.ts';

/** The reader, as far as naming audiences goes. */
export interface Reader {
  readonly orgId: string;
  readonly orgName: string;
  readonly userId: string;
  readonly groups: readonly { readonly id: string; readonly name: string }[];
}

/**
 * An audience key in words for anyone who may read the object: organizations by their public name,
 * never a bare internal id; people and groups the reader is not part of stay anonymous.
 */
export function audienceInWords(key: string, me: Reader | null, orgNames: ReadonlyMap<string, string>): string {
  if (key === 'public') return 'The public';
  if (key === 'community') return 'The whole Rampart community';
  const colon = key.indexOf(':');
  const kind = colon < 0 ? key : key.slice(0, colon);
  const rest = key.slice(colon + 1);
  switch (kind) {
    case 'state':
      return `${placeName(rest)} (state office and its local offices)`;
    case 'org':
      if (rest === me?.orgId) return `${me.orgName} (your organization)`;
      return orgNames.get(rest) ?? 'A member organization';
    case 'group': {
      const mine = me?.groups.find((g) => g.id === rest);
      return mine === undefined ? 'A sharing group' : `Sharing group ${mine.name}`;
    }
    case 'user':
      return rest === me?.userId ? 'You (named person)' : 'A named person';
    default:
      return 'Another audience';
  }
}

/**
 * An object's owner in words: the reader's own organization said so, another by its name; `orgNames` is null while
 * the directory loads, when a name is not yet known ("…", never a moment of "A member organization").
 */
export function ownerInWords(owner: string, me: Reader | null, orgNames: ReadonlyMap<string, string> | null): string {
  if (owner === me?.orgId) return `${me.orgName} (your organization)`;
  if (orgNames === null) return '…';
  return orgNames.get(owner) ?? 'A member organization';
}

/**
 * The whole audience as one sentence, folding anonymous people together ("Wisconsin; 3 named people."): said under
 * a heading such as "Shared with", so it does not repeat one ("Visible to: …").
 */
export function audienceSentence(keys: readonly string[], me: Reader | null, orgNames: ReadonlyMap<string, string>): string {
  if (keys.length === 0) return 'Only the owner can see it.';
  const people = keys.filter((k) => k.startsWith('user:') && k !== `user:${me?.userId ?? ''}`).length;
  const named = keys.filter((k) => !(k.startsWith('user:') && k !== `user:${me?.userId ?? ''}`)).map((k) => audienceInWords(k, me, orgNames));
  if (people > 0) named.push(people === 1 ? 'one named person' : `${people} named people`);
  return `${named.join('; ')}.`;
}

/** Turns the text of an "audience keys" field (commas, spaces or new lines) into keys; empties dropped. */
export function parseKeys(text: string): string[] {
  return [...new Set(text.split(/[\s,]+/).filter((k) => k !== ''))];
}

/** Finds per-field messages for one field among the server's problem `errors` (path like "/audience/0"). */
export function fieldErrors(errors: readonly { readonly path: string | null; readonly message: string }[], field: string): string[] {
  return errors.filter((e) => e.path !== null && (e.path === `/${field}` || e.path.startsWith(`/${field}/`) || e.path === field)).map((e) => e.message);
}
