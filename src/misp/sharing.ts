import type { AudienceKey } from '../domain/audience.ts';
import type { OrgId } from '../domain/ids.ts';
import { parseTlp, TLP_LEVELS, tlpLabel, type Tlp } from '../domain/tlp.ts';

/**
 * MISP's distribution levels: 0 your organisation only, 1 this community only, 2 connected
 * communities, 3 all communities, 4 a sharing group, 5 inherit from the event (or object).
 */
export type Distribution = 0 | 1 | 2 | 3 | 4;

/** Where something is shared in MISP terms: a distribution level and, for 4, the sharing group's uuid. */
export interface MispReach {
  readonly distribution: Distribution;
  readonly sharingGroup: string | null;
}

/** Narrowest first: MISP itself never lets an attribute reach further than its event. */
const RANK: Readonly<Record<Distribution, number>> = { 0: 0, 4: 1, 1: 2, 2: 3, 3: 4 };

const WORDS: Readonly<Record<Distribution, string>> = {
  0: 'your organisation only',
  1: 'this community only',
  2: 'connected communities',
  3: 'all communities',
  4: 'a sharing group',
};

export function distributionWords(d: Distribution): string {
  return `distribution ${d} (${WORDS[d]})`;
}

/** The reach of an attribute inside its container: the narrower of the two; two different sharing groups narrow to the organisation. */
export function narrowerReach(inner: MispReach, outer: MispReach): MispReach {
  if (inner.distribution === 4 && outer.distribution === 4 && inner.sharingGroup !== outer.sharingGroup) return { distribution: 0, sharingGroup: null };
  return RANK[inner.distribution] <= RANK[outer.distribution] ? inner : outer;
}

/** The TLP named by MISP tags (`tlp:white`, `tlp:amber+strict`…): the most restrictive one, or null. */
export function tlpOfTags(tags: readonly { readonly name: string }[]): Tlp | null {
  let found: Tlp | null = null;
  for (const { name } of tags) {
    const lower = name.trim().toLowerCase();
    if (!lower.startsWith('tlp:')) continue;
    const level = lower === 'tlp:white' ? 'clear' : parseTlp(lower.replace(/"/g, ''));
    if (level !== undefined && (found === null || TLP_LEVELS.indexOf(level) > TLP_LEVELS.indexOf(found))) found = level;
  }
  return found;
}

/** The stricter of two TLP levels. */
export function stricterTlp(a: Tlp, b: Tlp): Tlp {
  return TLP_LEVELS.indexOf(a) >= TLP_LEVELS.indexOf(b) ? a : b;
}

export interface SharingContext {
  readonly owner: OrgId;
  /** Rampart sharing groups the importer may share with (its organization belongs to them), by uuid. */
  readonly groups: ReadonlySet<string>;
}

export interface SharingDecision {
  readonly tlp: Tlp;
  readonly audience: readonly AudienceKey[];
  /** Why the audience is narrower than MISP's distribution asked for; null when it is what MISP said. */
  readonly narrowed: string | null;
}

/** The TLP of something without a `tlp:` tag: what its distribution implies (docs/misp.md). */
export function impliedTlp(reach: MispReach): Tlp {
  return reach.distribution === 0 || reach.distribution === 4 ? 'amber' : 'green';
}

/**
 * Rampart's TLP and audience for a MISP reach and TLP (docs/misp.md, the mapping table). The TLP is kept;
 * where the distribution reaches further than the TLP allows the audience is narrowed to what the TLP
 * allows, and the reason is given. Never wider than MISP said: all communities is the Rampart community,
 * not the public, even under TLP:CLEAR.
 */
export function decideSharing(reach: MispReach, tagTlp: Tlp | null, context: SharingContext): SharingDecision {
  const tlp = tagTlp ?? impliedTlp(reach);
  const own: AudienceKey = `org:${context.owner}`;
  const asked = distributionWords(reach.distribution);
  let wanted: AudienceKey;
  let narrowed: string | null = null;
  switch (reach.distribution) {
    case 0:
      wanted = own;
      break;
    case 1:
    case 2:
    case 3:
      wanted = 'community';
      break;
    case 4:
      if (reach.sharingGroup !== null && context.groups.has(reach.sharingGroup.toLowerCase())) wanted = `group:${reach.sharingGroup.toLowerCase()}`;
      else {
        wanted = own;
        narrowed = `${asked}: ${reach.sharingGroup === null ? 'the event names no sharing group uuid' : `sharing group ${reach.sharingGroup} is not a Rampart group your organization belongs to`}, so it is shared with your organization only`;
      }
      break;
  }
  switch (tlp) {
    case 'clear':
    case 'green':
      return { tlp, audience: [wanted], narrowed };
    case 'amber':
      if (wanted === 'community') return { tlp, audience: [own], narrowed: `${asked} is wider than ${tlpLabel(tlp)} allows (organizations, states or groups), so it is shared with your organization only` };
      return { tlp, audience: [wanted], narrowed };
    case 'amber+strict':
      if (wanted !== own) return { tlp, audience: [own], narrowed: `${asked} is wider than ${tlpLabel(tlp)} allows (organizations only), so it is shared with your organization only` };
      return { tlp, audience: [wanted], narrowed };
    case 'red':
      return { tlp, audience: [], narrowed: `${tlpLabel(tlp)} may only name people, which MISP does not: only your organization's own record holds it until you name people` };
  }
}
