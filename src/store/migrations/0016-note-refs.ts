import { SqliteAdapter, sql, type Kysely } from 'kysely';

/**
 * Notes join the refers-to index (stix_ref): one row per note version and each id of its object_refs,
 * so an incident's timeline is an index range. Notes stored before this migration are indexed here.
 */
export async function up(db: Kysely<unknown>): Promise<void> {
  const sqlite = db.getExecutor().adapter instanceof SqliteAdapter;
  const rows = sqlite
    ? sql`select distinct r.value, v.added_us from stix_version v, json_each(v.json, '$.object_refs') r where v.type = 'note' and r.type = 'text'`
    : sql`select distinct r.value, v.added_us from stix_version v cross join lateral jsonb_array_elements_text(case when jsonb_typeof(v.json::jsonb -> 'object_refs') = 'array' then v.json::jsonb -> 'object_refs' else '[]'::jsonb end) as r(value) where v.type = 'note'`;
  await sql`insert into stix_ref (ref, added_us) ${rows} on conflict do nothing`.execute(db);
}
