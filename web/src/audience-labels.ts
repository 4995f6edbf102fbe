import { placeName } from './states.ts';

/** An audience key in words, naming the reader's own org, state and groups when they are the reader's. */
export function audienceLabel(
  key: string,
  me: { readonly orgId: string; readonly orgName: string; readonly userId: string; readonly groups: readonly { readonly id: string; readonly name: string }[] } | null,
): string {
  if (key === 'public') return 'The public';
  if (key === 'community') return 'The whole Rampart community';
  const colon = key.indexOf(':');
  const kind = key.slice(0, colon);
  const rest = key.slice(colon + 1);
  switch (kind) {
    case 'state':
      return `${placeName(rest)} (state office and its local offices)`;
    case 'org':
      return rest === me?.orgId ? `${me.orgName} (your organization)` : `Organization ${rest}`;
    case 'group':
      return `Sharing group ${me?.groups.find((g) => g.id === rest)?.name ?? rest}`;
    case 'user':
      return rest === me?.userId ? 'You (named person)' : `Person ${rest}`;
    default:
      return key;
  }
}
