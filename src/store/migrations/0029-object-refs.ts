import { SqliteAdapter, sql, type Kysely } from 'kysely';

/**
 * Reports, opinions and groupings join the refers-to index (stix_ref) beside notes: one row per version and
 * each id of its object_refs, so an object's page lists what refers to it as an index range. Those stored
 * before this migration are indexed here.
 */
export async function up(db: Kysely<unknown>): Promise<void> {
  const sqlite = db.getExecutor().adapter instanceof SqliteAdapter;
  const types = ['report', 'opinion', 'grouping'];
  const rows = sqlite
    ? sql`select distinct r.value, v.added_us from stix_version v, json_each(v.json, '$.object_refs') r where v.type in (${sql.join(types)}) and r.type = 'text'`
    : sql`select distinct r.value, v.added_us from stix_version v cross join lateral jsonb_array_elements_text(case when jsonb_typeof(v.json::jsonb -> 'object_refs') = 'array' then v.json::jsonb -> 'object_refs' else '[]'::jsonb end) as r(value) where v.type in (${sql.join(types)})`;
  await sql`insert into stix_ref (ref, added_us) ${rows} on conflict do nothing`.execute(db);
}
