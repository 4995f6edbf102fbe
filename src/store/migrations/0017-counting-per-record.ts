import { sql, type Kysely } from 'kysely';

/**
 * An owner's choice to count an object in anonymous aggregates is kept per record (object id and
 * owner, migration 0011), so one owner's choice never changes how another owner's record of the same
 * id is counted. A choice made before applies to each owner's record of the id it was made for.
 */
export async function up(db: Kysely<unknown>): Promise<void> {
  await db.schema
    .createTable('sharing_counting_record')
    .addColumn('object_id', 'text', (c) => c.notNull())
    .addColumn('org_id', 'text', (c) => c.notNull())
    .addColumn('allow_counting', 'integer', (c) => c.notNull())
    .addPrimaryKeyConstraint('sharing_counting_record_pk', ['object_id', 'org_id'])
    .execute();
  await sql`insert into sharing_counting_record (object_id, org_id, allow_counting)
    select distinct c.object_id, v.owner, c.allow_counting from sharing_counting_object c join stix_version v on v.id = c.object_id`.execute(db);
  await db.schema.dropTable('sharing_counting_object').execute();
}
