import { createHash } from 'node:crypto';
import { audienceKind, type AudienceKey } from '../domain/audience.ts';
import { assertNever } from '../domain/assert-never.ts';
import { type CollectionId, type OrgId, orgIdOfUuid, collectionIdOfUuid } from '../domain/ids.ts';
import type { Tlp } from '../domain/tlp.ts';
import type { Principal } from '../domain/principal.ts';
import type { FilterCollection } from '../store/taxii.ts';
import type { Reader } from '../store/types.ts';

/**
 * A TAXII collection as one reader sees it. Collections are views of the sharing rule: one per
 * audience key the reader holds, plus the filter collections its org-admins defined.
 */
export interface TaxiiCollection {
  readonly id: CollectionId;
  readonly title: string;
  readonly description: string;
  readonly alias: string;
  readonly key: AudienceKey;
  readonly kind: 'view' | 'filter';
  /** Types a filter collection is limited to; empty means all. */
  readonly types: readonly string[];
  readonly canWrite: boolean;
  /**
   * The store reader of the collection: holds only the collection's key, so the store's own
   * visibility predicate returns exactly what is shared with that key, a subset of what the caller sees.
   */
  readonly reader: Reader;
}

/** Stands for "no organization" in view readers, so that owning an object does not put it in every collection. */
const NO_ORG = orgIdOfUuid('00000000-0000-4000-8000-000000000000');

/**
 * A stable collection id for an audience key: name-based like UUIDv5, but stamped version 4,
 * because TAXII §2 requires identifiers to be v4 UUIDs and strict clients check the version digit.
 */
export function collectionIdOf(key: string): CollectionId {
  const bytes = createHash('sha256').update('rampart-taxii-collection\u0000').update(key).digest().subarray(0, 16);
  bytes[6] = ((bytes[6] ?? 0) & 0x0f) | 0x40;
  bytes[8] = ((bytes[8] ?? 0) & 0x3f) | 0x80;
  const hex = bytes.toString('hex');
  return collectionIdOfUuid(`${hex.slice(0, 8)}-${hex.slice(8, 12)}-${hex.slice(12, 16)}-${hex.slice(16, 20)}-${hex.slice(20)}`);
}

/** Readable names for audience keys (state, group, organization names); null falls back to the key. */
export type KeyTitles = (key: AudienceKey) => Promise<string | null>;

/** The TLP an object posted to a collection gets when it carries no TLP marking: the widest the collection's key allows. */
export function defaultTlpFor(key: AudienceKey): Tlp {
  const kind = audienceKind(key);
  switch (kind) {
    case 'public':
      return 'clear';
    case 'community':
      return 'green';
    case 'state':
    case 'group':
    case 'org':
      return 'amber';
    case 'user':
      return 'red';
    default:
      return assertNever(kind);
  }
}

const ORDER: Readonly<Record<string, number>> = { org: 0, user: 1, state: 2, group: 3, community: 4, public: 5 };

async function view(principal: Principal, key: AudienceKey, titles: KeyTitles): Promise<TaxiiCollection | null> {
  const kind = audienceKind(key);
  const id = collectionIdOf(key);
  const canWrite = principal.scope === 'write';
  const member = (orgId: OrgId): Reader => ({ kind: 'member', orgId, userId: null, keys: [key] });
  const name = await titles(key);
  const rest = key.slice(key.indexOf(':') + 1);
  switch (kind) {
    case 'org':
      if (key !== `org:${principal.orgId}`) return null;
      return { id, key, kind: 'view', types: [], canWrite, alias: 'my-organization', title: `${name ?? 'My organization'}: owned and shared with it`, description: 'Objects your organization owns or that were shared with it by name. Posted objects stay inside your organization (TLP:AMBER unless marked).', reader: member(principal.orgId) };
    case 'user':
      return { id, key, kind: 'view', types: [], canWrite, alias: 'shared-with-me', title: 'Shared with me personally', description: 'Objects shared with you by name (TLP:RED).', reader: member(NO_ORG) };
    case 'state':
      return { id, key, kind: 'view', types: [], canWrite, alias: `state-${rest}`, title: `${name ?? `State ${rest}`}: state office and its localities`, description: `Objects shared with the state (FIPS ${rest}) and its local election offices. Posted objects are TLP:AMBER unless marked.`, reader: member(NO_ORG) };
    case 'group':
      return { id, key, kind: 'view', types: [], canWrite, alias: `group-${rest}`, title: `Sharing group: ${name ?? rest}`, description: 'Objects shared with this sharing group. Posted objects are TLP:AMBER unless marked.', reader: member(NO_ORG) };
    case 'community':
      return { id, key, kind: 'view', types: [], canWrite, alias: 'community', title: 'Community: every member organization', description: 'Objects shared with every member organization. Posted objects are TLP:GREEN unless marked.', reader: member(NO_ORG) };
    case 'public':
      return { id, key, kind: 'view', types: [], canWrite, alias: 'public', title: 'Public', description: 'Objects published to everyone (TLP:CLEAR).', reader: member(NO_ORG) };
    default:
      return assertNever(kind);
  }
}

/** Every collection `principal` may read, in a stable order: its views by key kind, then filter collections by creation. */
export async function collectionsFor(principal: Principal, filters: readonly FilterCollection[], titles: KeyTitles): Promise<readonly TaxiiCollection[]> {
  const keys = [...new Set(principal.keys)].sort((a, b) => (ORDER[audienceKind(a)] ?? 9) - (ORDER[audienceKind(b)] ?? 9) || a.localeCompare(b));
  const views: TaxiiCollection[] = [];
  for (const key of keys) {
    const v = await view(principal, key, titles);
    if (v !== null) views.push(v);
  }
  const held = new Set(principal.keys);
  for (const f of filters) {
    if (f.orgId !== principal.orgId || !held.has(f.audienceKey)) continue;
    const ownOrg = f.audienceKey === `org:${principal.orgId}`;
    views.push({
      id: f.id,
      key: f.audienceKey,
      kind: 'filter',
      types: f.types,
      canWrite: false,
      alias: f.alias ?? f.id,
      title: f.title,
      description: f.description ?? `Objects${f.types.length === 0 ? '' : ` of type ${f.types.join(', ')}`} shared with ${f.audienceKey}.`,
      reader: { kind: 'member', orgId: ownOrg ? principal.orgId : NO_ORG, userId: null, keys: [f.audienceKey] },
    });
  }
  return views;
}

/** The collection named by id or alias (§5.2.1: an alias may stand in for the id). */
export function findCollection(collections: readonly TaxiiCollection[], idOrAlias: string): TaxiiCollection | undefined {
  return collections.find((c) => c.id === idOrAlias) ?? collections.find((c) => c.alias === idOrAlias);
}
