import { sql, type Kysely } from 'kysely';

/**
 * One record per object id and owner (docs/sharing-and-audit.md, "Same id, several owners"): an
 * observable (SCO, whose id derives from its value) may be recorded by every organization under its
 * own sharing, and an object written to an id its writer cannot see is kept apart from the record it
 * cannot see instead of being refused in a way that would tell it the id is taken. A version is now
 * (id, owner, modified); withdrawals from TAXII are per owner too.
 */
export async function up(db: Kysely<unknown>): Promise<void> {
  await db.schema.dropIndex('stix_version_id_mod').execute();
  await db.schema.createIndex('stix_version_id_owner_mod').unique().on('stix_version').columns(['id', 'owner', 'mod_key']).execute();

  // taxii_withdrawn was keyed (object_id, version): one owner's DELETE would hide another owner's record.
  await db.schema
    .createTable('taxii_withdrawn_by_owner')
    .addColumn('object_id', 'text', (c) => c.notNull())
    .addColumn('org_id', 'text', (c) => c.notNull())
    .addColumn('version', 'text', (c) => c.notNull())
    .addColumn('withdrawn_us', 'bigint', (c) => c.notNull())
    .addPrimaryKeyConstraint('taxii_withdrawn_by_owner_pk', ['object_id', 'org_id', 'version'])
    .execute();
  await sql`insert into taxii_withdrawn_by_owner (object_id, org_id, version, withdrawn_us) select object_id, org_id, version, withdrawn_us from taxii_withdrawn`.execute(db);
  await db.schema.dropTable('taxii_withdrawn').execute();
  await db.schema.alterTable('taxii_withdrawn_by_owner').renameTo('taxii_withdrawn').execute();
}
