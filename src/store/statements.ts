import type { Kysely } from 'kysely';
import type { OrgId } from '../domain/ids.ts';
import type { Database } from './db.ts';

// A type alias, not an interface: Kysely.withTables needs an index-signature-compatible shape.
/** The tables of migration 0023-joint-statements. */
export type StatementTables = {
  signing_key: { key_id: string; org_id: string; public_key: string; sealed_private: string; status: string; created_at: number; retired_at: number | null; revoked_at: number | null; revoked_reason: string | null };
  statement: { id: string; author_org: string; title: string; body: string; tlp: string; content_hash: string; status: string; stix_id: string | null; created_at: number; updated_at: number; published_at: number | null };
  statement_signer: { statement_id: string; org_id: string; position: number; approved_hash: string | null; approved_at: number | null; approved_by: string | null };
};

export type SigningKeyRow = StatementTables['signing_key'];
export type StatementRow = StatementTables['statement'];
export type SignerRow = StatementTables['statement_signer'];

export interface StatementRecord extends StatementRow {
  readonly signers: readonly SignerRow[];
}

/** Joint statements' workflow and the signing keys: the only SQL of the feature. */
export interface StatementRepository {
  keys(): Promise<readonly SigningKeyRow[]>;
  activeKey(orgId: OrgId): Promise<SigningKeyRow | null>;
  key(keyId: string): Promise<SigningKeyRow | null>;
  /** Adds a new active key for its organization, retiring the one before (rotation), in one transaction. */
  addKey(row: SigningKeyRow): Promise<void>;
  revokeKey(keyId: string, at: number, reason: string): Promise<void>;
  create(row: StatementRow, signers: readonly OrgId[]): Promise<void>;
  get(id: string): Promise<StatementRecord | null>;
  /** Statements an organization drafted or is named on, newest change first. */
  listFor(orgId: OrgId): Promise<readonly StatementRecord[]>;
  /**
   * New words (and signers): every approval is cleared. A signer that stays keeps the time of its earlier
   * approval (approved_at, with approved_hash null), so the pages can say an edit cleared it.
   */
  edit(id: string, patch: { title: string; body: string; tlp: string; contentHash: string; at: number }, signers: readonly OrgId[]): Promise<void>;
  approve(id: string, orgId: OrgId, hash: string, at: number, by: string): Promise<void>;
  markPublished(id: string, stixId: string, at: number): Promise<void>;
}

export function statementRepository(database: Database<unknown>): StatementRepository {
  const db: Kysely<StatementTables> = database.db.withTables<StatementTables>();
  const withSigners = async (rows: readonly StatementRow[]): Promise<StatementRecord[]> => {
    if (rows.length === 0) return [];
    const signers = await db.selectFrom('statement_signer').selectAll().where('statement_id', 'in', rows.map((r) => r.id)).orderBy('position').execute();
    return rows.map((r) => ({ ...r, signers: signers.filter((s) => s.statement_id === r.id) }));
  };
  return {
    keys: () => db.selectFrom('signing_key').selectAll().orderBy('created_at').orderBy('key_id').execute(),
    activeKey: async (orgId) => (await db.selectFrom('signing_key').selectAll().where('org_id', '=', orgId).where('status', '=', 'active').executeTakeFirst()) ?? null,
    key: async (keyId) => (await db.selectFrom('signing_key').selectAll().where('key_id', '=', keyId).executeTakeFirst()) ?? null,
    addKey: (row) =>
      db.transaction().execute(async (tx) => {
        await tx.updateTable('signing_key').set({ status: 'retired', retired_at: row.created_at }).where('org_id', '=', row.org_id).where('status', '=', 'active').execute();
        await tx.insertInto('signing_key').values(row).execute();
      }),
    revokeKey: async (keyId, at, reason) => {
      await db.updateTable('signing_key').set({ status: 'revoked', revoked_at: at, revoked_reason: reason }).where('key_id', '=', keyId).execute();
    },
    create: (row, signers) =>
      db.transaction().execute(async (tx) => {
        await tx.insertInto('statement').values(row).execute();
        await tx.insertInto('statement_signer').values(signers.map((org, position) => ({ statement_id: row.id, org_id: org, position, approved_hash: null, approved_at: null, approved_by: null }))).execute();
      }),
    get: async (id) => (await withSigners(await db.selectFrom('statement').selectAll().where('id', '=', id).execute()))[0] ?? null,
    listFor: async (orgId) => {
      const rows = await db
        .selectFrom('statement')
        .selectAll()
        .where((eb) => eb.or([eb('author_org', '=', orgId), eb('id', 'in', eb.selectFrom('statement_signer').select('statement_id').where('org_id', '=', orgId))]))
        .orderBy('updated_at', 'desc')
        .limit(200)
        .execute();
      return withSigners(rows);
    },
    edit: (id, patch, signers) =>
      db.transaction().execute(async (tx) => {
        await tx.updateTable('statement').set({ title: patch.title, body: patch.body, tlp: patch.tlp, content_hash: patch.contentHash, updated_at: patch.at }).where('id', '=', id).execute();
        const before = await tx.selectFrom('statement_signer').select(['org_id', 'approved_at']).where('statement_id', '=', id).execute();
        const earlier = new Map(before.map((b) => [b.org_id, b.approved_at]));
        await tx.deleteFrom('statement_signer').where('statement_id', '=', id).execute();
        await tx.insertInto('statement_signer').values(signers.map((org, position) => ({ statement_id: id, org_id: org, position, approved_hash: null, approved_at: earlier.get(org) ?? null, approved_by: null }))).execute();
      }),
    approve: async (id, orgId, hash, at, by) => {
      await db.updateTable('statement_signer').set({ approved_hash: hash, approved_at: at, approved_by: by }).where('statement_id', '=', id).where('org_id', '=', orgId).execute();
    },
    markPublished: async (id, stixId, at) => {
      await db.updateTable('statement').set({ status: 'published', stix_id: stixId, published_at: at, updated_at: at }).where('id', '=', id).execute();
    },
  };
}
