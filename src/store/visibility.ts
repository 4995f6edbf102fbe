import { sql, type RawBuilder, type SqlBool } from 'kysely';
import { assertNever } from '../domain/assert-never.ts';
import type { Reader } from './types.ts';

/**
 * THE visibility predicate (DESIGN.md, "who sees what"), the only place it is written: every read
 * of STIX objects puts it in its WHERE clause. `object` and `owner` name the columns of the
 * object id and its owner in the query. Null for the operator, who sees everything.
 */
export function visibleTo(reader: Reader, object: string, owner: string): RawBuilder<SqlBool> | null {
  switch (reader.kind) {
    case 'operator':
      return null;
    case 'public':
      return sql<SqlBool>`exists (select 1 from stix_audience a where a.object_id = ${sql.ref(object)} and a.key = ${'public'})`;
    case 'member': {
      if (reader.keys.length === 0) return sql<SqlBool>`${sql.ref(owner)} = ${reader.orgId}`;
      const keys = sql.join(reader.keys.map((k) => sql`${k}`));
      return sql<SqlBool>`(${sql.ref(owner)} = ${reader.orgId} or exists (select 1 from stix_audience a where a.object_id = ${sql.ref(object)} and a.key in (${keys})))`;
    }
    default:
      return assertNever(reader);
  }
}
