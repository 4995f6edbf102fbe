import { sql, type Kysely } from 'kysely';
import type { AudienceKey } from '../../domain/audience.ts';
import { olderVersionAudience } from '../../domain/sharing-rule.ts';
import { tlpOfMarkings, type Tlp } from '../../domain/tlp.ts';

const CHUNK = 1000;

interface Row {
  added_us: number | string;
  id: string;
  owner: string;
  json: string;
  tlp: string;
  audience: string;
  named_users: string | null;
}

const parse = (json: string) => JSON.parse(json) as AudienceKey[];

/**
 * Repairs versions stored before each version was bounded by its own marking (issue 15): the store
 * used to copy the newest version's TLP and audience onto every older version, so an older RED or
 * AMBER version could be served to a later CLEAR or GREEN audience. Each older version gets back its
 * own TLP (from its marking; the stored one when it carries none) and the audience the rule gives it
 * (olderVersionAudience). A RED version whose TLP had been overwritten has lost the record of the
 * people it named: it stays with its owner alone. Rows already right stay as they are.
 */
export async function up(db: Kysely<unknown>): Promise<void> {
  let after = -1;
  for (;;) {
    const { rows } = await sql<Row>`select added_us, id, owner, json, tlp, audience, named_users from stix_version
      where is_latest = 0 and added_us > ${after} order by added_us limit ${CHUNK}`.execute(db);
    const last = rows[rows.length - 1];
    if (last === undefined) return;
    after = Number(last.added_us);
    const ids = [...new Set(rows.map((r) => r.id))];
    const { rows: latest } = await sql<{ id: string; owner: string; audience: string }>`select id, owner, audience from stix_version
      where is_latest = 1 and id in (${sql.join(ids)})`.execute(db);
    const current = new Map(latest.map((l) => [`${l.id}\u0000${l.owner}`, parse(l.audience)]));
    for (const r of rows) {
      const audience = current.get(`${r.id}\u0000${r.owner}`);
      if (audience === undefined) continue;
      const object = JSON.parse(r.json) as { object_marking_refs?: unknown };
      const refs = Array.isArray(object.object_marking_refs) ? object.object_marking_refs.filter((x): x is string => typeof x === 'string') : [];
      const tlp: Tlp = tlpOfMarkings(refs) ?? (r.tlp as Tlp);
      const named = tlp !== 'red' ? [] : r.named_users !== null ? parse(r.named_users) : tlp === r.tlp ? parse(r.audience) : [];
      const repaired = JSON.stringify(olderVersionAudience(tlp, named, audience));
      const namedUsers = tlp === 'red' ? JSON.stringify(named) : null;
      if (tlp === r.tlp && repaired === r.audience && namedUsers === r.named_users) continue;
      const us = Number(r.added_us);
      const before = [...new Set(parse(r.audience))];
      if (before.length > 0) await sql`delete from stix_audience where added_us = ${us} and key in (${sql.join(before)})`.execute(db);
      await sql`update stix_version set tlp = ${tlp}, audience = ${repaired}, named_users = ${namedUsers} where added_us = ${us}`.execute(db);
      for (const key of new Set(parse(repaired))) await sql`insert into stix_audience (key, added_us) values (${key}, ${us})`.execute(db);
    }
  }
}
