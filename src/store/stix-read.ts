import { sql, type ExpressionBuilder, type Expression, type Kysely, type RawBuilder, type SqlBool } from 'kysely';
import type { AudienceKey } from '../domain/audience.ts';
import type { OrgId, StixId } from '../domain/ids.ts';
import { problem, type Problem } from '../domain/problem.ts';
import { err, ok, type Result } from '../domain/result.ts';
import { TLP_LEVELS, type Tlp } from '../domain/tlp.ts';
import type { DialectName } from './db.ts';
import { timestampKey } from './mod-key.ts';
import type { StixTables, StixVersionTable } from './stix-tables.ts';
import type { ListQuery, Page, Reader, Sharing, StoredVersion } from './types.ts';
import { visibilitySources, visibleTo } from './visibility.ts';

type Aliased = StixTables & { v: StixVersionTable };
type Eb = ExpressionBuilder<Aliased, 'v'>;
type Filters = Omit<ListQuery, 'limit' | 'cursor'>;

/** The largest page a caller may ask for. */
export const MAX_PAGE = 100_000;

const COLUMNS = ['v.added_us', 'v.id', 'v.type', 'v.modified', 'v.revoked', 'v.is_latest', 'v.json', 'v.owner', 'v.tlp', 'v.audience'] as const;

interface Row {
  added_us: number;
  id: string;
  type: string;
  modified: string | null;
  revoked: number;
  is_latest: number;
  json: string;
  owner: string;
  tlp: string;
  audience: string;
}

const TLPS: ReadonlySet<string> = new Set(TLP_LEVELS);

/** Rows read back become StoredVersions; a row the migrations could not have written is a bug. */
function toVersions(rows: readonly Row[]): StoredVersion[] {
  const audiences = new Map<string, readonly AudienceKey[]>();
  return rows.map((r) => {
    if (!TLPS.has(r.tlp)) throw new Error(`stix_object ${r.id} has TLP "${r.tlp}", which is not a TLP 2.0 level`);
    let audience = audiences.get(r.audience);
    if (audience === undefined) {
      audience = JSON.parse(r.audience) as AudienceKey[];
      audiences.set(r.audience, audience);
    }
    const sharing: Sharing = { owner: r.owner as OrgId, tlp: r.tlp as Tlp, audience };
    return { id: r.id as StixId, type: r.type, modified: r.modified, addedUs: Number(r.added_us), json: r.json, sharing, revoked: r.revoked !== 0, isLatest: r.is_latest !== 0 };
  });
}

const CURSOR = /^v1\.(\d{1,16})$/;

export function encodeCursor(addedUs: number): string {
  return Buffer.from(`v1.${addedUs}`).toString('base64url');
}

function decodeCursor(cursor: string): Result<number, Problem> {
  const m = CURSOR.exec(Buffer.from(cursor, 'base64url').toString('utf8'));
  if (m === null) return err(problem('invalid', 'invalid-cursor', `"${cursor}" is not a cursor this server gave out; start again without one`));
  return ok(Number(m[1]));
}

const likePattern = (text: string) => `%${text.toLowerCase().replace(/[\\%_]/g, (c) => `\\${c}`)}%`;

/** Every filter of a query plus the reader's visibility, as one WHERE condition. */
function conditions(reader: Reader, q: Filters, after: number | null): Result<(eb: Eb) => Expression<SqlBool>, Problem> {
  const from = q.modifiedFrom === undefined ? undefined : timestampKey(q.modifiedFrom);
  const to = q.modifiedTo === undefined ? undefined : timestampKey(q.modifiedTo);
  for (const [name, given, key] of [['modifiedFrom', q.modifiedFrom, from], ['modifiedTo', q.modifiedTo, to]] as const) {
    if (given !== undefined && key === null) return err(problem('invalid', 'invalid-timestamp', `${name} "${given}" is not a STIX timestamp; use e.g. 2024-11-05T13:00:00.000Z`));
  }
  const visible = visibleTo(reader, 'v.added_us', 'v.owner');
  return ok((eb: Eb) => {
    const all: Expression<SqlBool>[] = [];
    if (q.versions !== 'all') all.push(eb('v.is_latest', '=', 1));
    if (q.types !== undefined) all.push(q.types.length === 0 ? sql<SqlBool>`1 = 0` : eb('v.type', 'in', q.types));
    if (q.ids !== undefined) all.push(q.ids.length === 0 ? sql<SqlBool>`1 = 0` : eb('v.id', 'in', q.ids));
    if (typeof from === 'string') all.push(eb('v.mod_key', '>=', from));
    if (typeof to === 'string') all.push(eb('v.mod_key', '<=', to), eb('v.mod_key', '<>', ''));
    if (q.addedAfterUs !== undefined) all.push(eb('v.added_us', '>', q.addedAfterUs));
    if (q.refersTo !== undefined) all.push(sql<SqlBool>`v.added_us in (select r.added_us from stix_ref r where r.ref = ${q.refersTo})`);
    if (after !== null) all.push(eb('v.added_us', '>', after));
    if (q.text !== undefined && q.text !== '') {
      const pattern = likePattern(q.text);
      all.push(sql<SqlBool>`(lower(v.name) like ${pattern} escape '\\' or lower(v.description) like ${pattern} escape '\\')`);
    }
    if (visible !== null) all.push(visible);
    return eb.and(all);
  });
}

/** True when the query filters by more than version and added time: then scanning with the predicate is the better plan. */
const narrowed = (q: Filters) => q.types !== undefined || q.ids !== undefined || q.refersTo !== undefined || (q.text !== undefined && q.text !== '') || q.modifiedFrom !== undefined || q.modifiedTo !== undefined;

const NO_BOUND = Number.MAX_SAFE_INTEGER;

type Sources = { readonly keys: readonly string[]; readonly owner: string | null };

/**
 * The bound of one step: the smallest `need`-th entry after `from` among the reader's sources (its
 * audience keys in stix_audience, its own organization in stix_version). Every source that reaches
 * it holds `need` versions up to it, so the union up to the bound is complete and holds at least
 * `need` candidates; with no such source (all run out sooner) there is no bound. PostgreSQL plans
 * one lateral subquery over the array of keys far faster than a subquery per key.
 */
function bound(dialect: DialectName, sources: Sources, from: number, need: number) {
  const nth = (range: RawBuilder<unknown>) => sql`(${range} order by added_us limit 1 offset ${need - 1})`;
  const parts: RawBuilder<unknown>[] = [];
  if (sources.keys.length > 0) {
    if (dialect === 'postgres') {
      parts.push(sql`select l.x from unnest(${[...sources.keys]}::text[]) k(key) cross join lateral ${nth(sql`select a.added_us as x from stix_audience a where a.key = k.key and a.added_us > ${from}`)} l`);
    } else {
      for (const key of sources.keys) parts.push(sql`select ${nth(sql`select added_us from stix_audience where key = ${key} and added_us > ${from}`)} as x`);
    }
  }
  if (sources.owner !== null) parts.push(sql`select ${nth(sql`select added_us from stix_version where owner = ${sources.owner} and added_us > ${from}`)} as x`);
  return sql`select coalesce(min(x), ${NO_BOUND}) as bound from (${sql.join(parts, sql` union all `)}) t`;
}

/**
 * The first `limit + 1` versions after the cursor that the reader may see, driven by its sources:
 * each is an index range in added order (stix_audience by key, stix_version by owner), read only up
 * to the step's bound, so a page reads about as many index entries as it returns. A step comes back
 * short only when versions below the bound were superseded; the walk then goes on from the bound.
 */
async function listBySources(db: Kysely<StixTables>, dialect: DialectName, sources: Sources, q: ListQuery, after: number | null): Promise<Row[]> {
  let from = Math.max(after ?? -1, q.addedAfterUs ?? -1);
  const out: Row[] = [];
  const columns = sql.join(COLUMNS.map((c) => sql.ref(c)));
  const latest = q.versions === 'all' ? sql`1 = 1` : sql`v.is_latest = 1`;
  if (sources.keys.length === 0 && sources.owner === null) return out;
  for (;;) {
    const need = q.limit + 1 - out.length;
    const upTo = sql`(select bound from b)`;
    const candidates = [];
    if (sources.keys.length > 0) {
      const keys = dialect === 'postgres' ? sql`= any(${[...sources.keys]}::text[])` : sql`in (${sql.join(sources.keys)})`;
      candidates.push(sql`select added_us from stix_audience where key ${keys} and added_us > ${from} and added_us <= ${upTo}`);
    }
    if (sources.owner !== null) candidates.push(sql`select added_us from stix_version where owner = ${sources.owner} and added_us > ${from} and added_us <= ${upTo}`);
    // PostgreSQL then merges the candidates with the table's own range instead of probing it for each.
    const walk = dialect === 'postgres' ? sql`v.added_us > ${from} and v.added_us <= ${upTo}` : sql`1 = 1`;
    const { rows } = await sql<Row>`
      with b as (${bound(dialect, sources, from, need)})
      select ${columns} from stix_version v
      where v.added_us in (${sql.join(candidates, sql` union all `)}) and ${walk} and ${latest}
      order by v.added_us limit ${need}`.execute(db);
    out.push(...rows);
    if (out.length > q.limit || rows.length === need) return out;
    const { rows: b } = await bound(dialect, sources, from, need).execute(db);
    const next = Number((b[0] as { bound: number | string } | undefined)?.bound ?? NO_BOUND);
    if (next >= NO_BOUND) return out;
    from = next;
  }
}

/** The read side of the STIX store: each method takes the reader and applies the one predicate. */
export function stixReads(db: Kysely<StixTables>, dialect: DialectName) {
  const base = () => db.selectFrom('stix_version as v');

  async function list(reader: Reader, q: ListQuery): Promise<Result<Page<StoredVersion>, Problem>> {
    if (!Number.isInteger(q.limit) || q.limit < 1 || q.limit > MAX_PAGE) return err(problem('invalid', 'invalid-limit', `limit must be a whole number from 1 to ${MAX_PAGE}; got ${q.limit}`));
    const after = q.cursor === undefined ? ok(null) : decodeCursor(q.cursor);
    if (!after.ok) return after;
    const where = conditions(reader, q, after.value);
    if (!where.ok) return where;
    const sources = visibilitySources(reader);
    const rows =
      sources !== null && !narrowed(q)
        ? await listBySources(db, dialect, sources, q, after.value)
        : await base().select(COLUMNS).where(where.value).orderBy('v.added_us').orderBy('v.id').limit(q.limit + 1).execute();
    const items = toVersions(rows.slice(0, q.limit));
    const last = items[items.length - 1];
    return ok({ items, nextCursor: rows.length > q.limit && last !== undefined ? encodeCursor(last.addedUs) : null });
  }

  async function count(reader: Reader, q: Filters = {}): Promise<number> {
    const where = conditions(reader, q, null);
    if (!where.ok) throw new Error(`count: ${where.error.message}`);
    const row = await base().select((eb) => eb.fn.countAll<number>().as('n')).where(where.value).executeTakeFirstOrThrow();
    return Number(row.n);
  }

  async function get(reader: Reader, id: StixId): Promise<StoredVersion | null> {
    const where = conditions(reader, { ids: [id] }, null);
    if (!where.ok) return null;
    const row = await base().select(COLUMNS).where(where.value).executeTakeFirst();
    return row === undefined ? null : (toVersions([row])[0] ?? null);
  }

  async function versions(reader: Reader, id: StixId): Promise<readonly StoredVersion[]> {
    const where = conditions(reader, { ids: [id], versions: 'all' }, null);
    if (!where.ok) return [];
    const rows = await base().select(COLUMNS).where(where.value).orderBy('v.mod_key').orderBy('v.added_us').execute();
    return toVersions(rows);
  }

  return { list, count, get, versions };
}
