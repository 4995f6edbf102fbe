import { sql, type Kysely } from 'kysely';
import { REFERENCE_PUBLISHERS, isReferenceLibrary } from '../../stix/reference-library.ts';

const CHUNK = 2000;

/**
 * A flag per version: 1 when it belongs to the reference library (ATT&CK, DISARM; src/stix/reference-library.ts
 * decides, and the write path sets it on every version it stores). The Intelligence list leaves the library
 * out; it tested that with two JSON lookups per row, so at 1,000,000 objects a page with no search text read
 * every object's JSON. A partial index lists the library alone in added order (reference=only).
 * Versions stored before this migration are flagged here: only rows that could be the library's (its
 * types, owners and ids, or JSON naming a publisher or x_mitre_version) are read back and decided.
 */
export async function up(db: Kysely<unknown>): Promise<void> {
  await sql`alter table stix_version add column reference integer not null default 0`.execute(db);
  await sql`create index stix_version_reference on stix_version (added_us) where reference = 1`.execute(db);
  const publishers = [...REFERENCE_PUBLISHERS];
  const named = sql.join(publishers.map((p) => sql`json like ${`%${p}%`}`), sql` or `);
  const maybe = sql`(type like 'x-mitre-%' or owner in (${sql.join(publishers)}) or id in (${sql.join(publishers)}) or json like '%x_mitre_version%' or ${named})`;
  let after = -1;
  for (;;) {
    const { rows } = await sql<{ added_us: number | string; id: string; type: string; owner: string; json: string }>`
      select added_us, id, type, owner, json from stix_version where added_us > ${after} and ${maybe} order by added_us limit ${CHUNK}`.execute(db);
    const last = rows[rows.length - 1];
    if (last === undefined) break;
    after = Number(last.added_us);
    const flagged = rows.filter((r) => isReferenceLibrary(r)).map((r) => Number(r.added_us));
    if (flagged.length > 0) await sql`update stix_version set reference = 1 where added_us in (${sql.join(flagged)})`.execute(db);
  }
}
