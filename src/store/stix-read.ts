import { sql, type ExpressionBuilder, type Expression, type Kysely, type SqlBool } from 'kysely';
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
const narrowed = (q: Filters) => q.types !== undefined || q.ids !== undefined || (q.text !== undefined && q.text !== '') || q.modifiedFrom !== undefined || q.modifiedTo !== undefined;

const NO_BOUND = Number.MAX_SAFE_INTEGER;

/**
 * The first `limit + 1` versions after the cursor that the reader may see, driven by its sources
 * (visibility.ts): each source gives its next `need` versions in added order from an index; below
 * the smallest last value of a source that filled up (the bound) the union is complete, so the
 * page is taken from there, and the walk goes on from the bound when that was not enough.
 */
async function listBySources(db: Kysely<StixTables>, sources: { readonly keys: readonly string[]; readonly owner: string | null }, q: ListQuery, after: number | null): Promise<Row[]> {
  let from = Math.max(after ?? -1, q.addedAfterUs ?? -1);
  const out: Row[] = [];
  const columns = sql.join(COLUMNS.map((c) => sql.ref(c)));
  const latest = q.versions === 'all' ? sql`1 = 1` : sql`v.is_latest = 1`;
  for (;;) {
    const need = q.limit + 1 - out.length;
    const parts = sources.keys.map(
      (key, i) => sql`select ${sql.lit(i)} as k, added_us from (select a.added_us from stix_audience a where a.key = ${key} and a.added_us > ${from} order by a.added_us limit ${need}) ${sql.raw(`s${i}`)}`,
    );
    if (sources.owner !== null) {
      parts.push(sql`select ${sql.lit(-1)} as k, added_us from (select o.added_us from stix_version o where o.owner = ${sources.owner} and o.added_us > ${from} order by o.added_us limit ${need}) so`);
    }
    if (parts.length === 0) return out;
    const { rows } = await sql<Row>`
      with c as (${sql.join(parts, sql` union all `)}),
      ${window(need)}
      select ${columns} from s join stix_version v on v.added_us = s.added_us where ${latest}`.execute(db);
    // s is already the page's window, in order of added_us: sorting here keeps the json out of SQL's sorter.
    rows.sort((x, y) => Number(x.added_us) - Number(y.added_us));
    out.push(...rows);
    if (out.length > q.limit) return out;
    const next = await nextFrom(db, parts, need);
    if (next === null) return out;
    from = next;
  }
}

/**
 * The window of one step: b is the bound (the smallest last value among sources that filled up;
 * below it the union is complete), s the first `need` distinct candidates up to the bound.
 */
const window = (need: number) => sql`
      b as (select min(m) as bound from (select max(added_us) as m from c group by k having count(*) >= ${need}) x),
      s as (select added_us from c where added_us <= coalesce((select bound from b), ${NO_BOUND}) group by added_us order by added_us limit ${need})`;

/** Where the next step starts after a short one: the end of its window, or null when the sources are exhausted. */
async function nextFrom(db: Kysely<StixTables>, parts: readonly ReturnType<typeof sql>[], need: number): Promise<number | null> {
  const { rows } = await sql<{ bound: number | null; n: number; last: number | null }>`
    with c as (${sql.join(parts, sql` union all `)}),
    ${window(need)}
    select (select bound from b) as bound, (select count(*) from s) as n, (select max(added_us) from s) as last`.execute(db);
  const r = rows[0];
  if (r === undefined) return null;
  if (Number(r.n) >= need && r.last !== null) return Number(r.last);
  return r.bound === null ? null : Number(r.bound);
}

/** The read side of the STIX store: each method takes the reader and applies the one predicate. */
export function stixReads(db: Kysely<StixTables>, _dialect: DialectName) {
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
        ? await listBySources(db, sources, q, after.value)
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
