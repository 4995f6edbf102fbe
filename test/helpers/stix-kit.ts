import { afterEach } from 'vitest';
import type { AudienceKey } from '../../src/domain/audience.ts';
import type { OrgId, StixId } from '../../src/domain/ids.ts';
import { ok } from '../../src/domain/result.ts';
import type { Tlp } from '../../src/domain/tlp.ts';
import { openStore, type RampartStore } from '../../src/store/index.ts';
import { testDatabase, type TestDatabase } from './store.ts';
import type { DialectName } from '../../src/store/db.ts';
import type { IncomingObject, Reader, Sharing, StixStore } from '../../src/store/types.ts';

/** Tests only: objects, readers and fresh stores for the STIX store suites. */
export const ORG_A = 'identity--aaaaaaaa-0000-4000-8000-000000000001' as OrgId;
export const ORG_B = 'identity--bbbbbbbb-0000-4000-8000-000000000002' as OrgId;
export const OPERATOR: Reader = { kind: 'operator' };
export const PUBLIC: Reader = { kind: 'public' };
export const member = (orgId: OrgId, keys: readonly AudienceKey[]): Reader => ({ kind: 'member', orgId, userId: null, keys });

export const share = (owner: OrgId, tlp: Tlp, audience: readonly AudienceKey[]): Sharing => ({ owner, tlp, audience });
export const GREEN_A = share(ORG_A, 'green', ['community']);

let n = 0;
export const uuid = () => `00000000-0000-4000-8000-${(++n).toString(16).padStart(12, '0')}`;

export interface Spec {
  id?: string;
  type?: string;
  modified?: string | null;
  name?: string;
  description?: string;
  revoked?: boolean;
  sharing?: Sharing;
  extra?: Record<string, unknown>;
}

/** An incoming object whose bytes are a plain JSON.stringify of its properties (or `json` as given). */
export function obj(spec: Spec = {}, json?: string): IncomingObject {
  const type = spec.type ?? 'indicator';
  const id = (spec.id ?? `${type}--${uuid()}`) as StixId;
  const modified = spec.modified === undefined ? '2024-10-01T12:00:00.000Z' : spec.modified;
  const body: Record<string, unknown> = { type, spec_version: '2.1', id, ...(modified === null ? {} : { created: '2024-01-01T00:00:00.000Z', modified }), ...spec.extra };
  if (spec.name !== undefined) body['name'] = spec.name;
  if (spec.description !== undefined) body['description'] = spec.description;
  if (spec.revoked === true) body['revoked'] = true;
  return {
    id,
    type,
    created: modified === null ? null : '2024-01-01T00:00:00.000Z',
    modified,
    revoked: spec.revoked ?? false,
    name: spec.name ?? null,
    description: spec.description ?? null,
    json: json ?? JSON.stringify(body),
    sharing: spec.sharing ?? GREEN_A,
  };
}

export async function put(stix: StixStore, items: readonly IncomingObject[], policy: 'reject' | 'replace' = 'reject') {
  const result = await stix.write(async (w) => ok(await w.putBatch(items, policy)));
  if (!result.ok) throw new Error('write failed');
  return result.value.map((o) => o.kind);
}

export async function listAll(stix: StixStore, reader: Reader, versions: 'latest' | 'all' = 'latest') {
  const page = await stix.list(reader, { limit: 10_000, versions });
  if (!page.ok) throw new Error(page.error.message);
  return page.value.items;
}


export interface Fresh {
  readonly store: RampartStore;
  readonly db: TestDatabase;
  /** Opens another store on the same database (a second process, as far as the store can tell). */
  readonly open: (options?: { clock?: () => number }) => Promise<RampartStore>;
}

/** Registers an afterEach that closes and drops everything `fresh()` made. */
export function freshStores(dialect: DialectName): () => Promise<Fresh> {
  let opened: { db: TestDatabase; stores: RampartStore[] }[] = [];
  afterEach(async () => {
    for (const { db, stores } of opened) {
      for (const s of stores) await s.close();
      await db.drop();
    }
    opened = [];
  });
  return async () => {
    const db = testDatabase(dialect);
    const entry = { db, stores: [] as RampartStore[] };
    opened.push(entry);
    const open = async (options: { clock?: () => number } = {}) => {
      const s = await openStore({ url: db.url, ...options });
      entry.stores.push(s);
      return s;
    };
    return { store: await open(), db, open };
  };
}
