import { SqliteAdapter, sql, type Kysely } from 'kysely';

/**
 * What refers to what: one row per version and the object it points at (a sighting's
 * `sighting_of_ref`, a relationship's `source_ref` and `target_ref`), keyed (ref, added_us), so that
 * "the sightings of this indicator" is an index range instead of a scan of every sighting.
 * Versions stored before this migration are indexed from their JSON here.
 */
export async function up(db: Kysely<unknown>): Promise<void> {
  const sqlite = db.getExecutor().adapter instanceof SqliteAdapter;
  const table = db.schema
    .createTable('stix_ref')
    .addColumn('ref', 'text', (c) => c.notNull())
    .addColumn('added_us', sqlite ? 'integer' : 'bigint', (c) => c.notNull())
    .addPrimaryKeyConstraint('stix_ref_pk', ['ref', 'added_us']);
  await (sqlite ? table.modifyEnd(sql`without rowid`) : table).execute();
  for (const [type, property] of [
    ['sighting', 'sighting_of_ref'],
    ['relationship', 'source_ref'],
    ['relationship', 'target_ref'],
  ] as const) {
    const value = sqlite ? sql`json_extract(json, ${`$.${property}`})` : sql`(json::jsonb ->> ${property})`;
    await sql`insert into stix_ref (ref, added_us)
      select distinct ${value}, added_us from stix_version where type = ${type} and ${value} is not null
      on conflict do nothing`.execute(db);
  }
}
