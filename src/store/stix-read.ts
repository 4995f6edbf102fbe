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

const CURSOR = /^v1(d?)\.(\d{1,16})$/;

/** Where a page ended: the added time of its last version, and the order the pages walk in. */
interface Position {
  readonly us: number;
  readonly desc: boolean;
}

export function encodeCursor(addedUs: number, desc = false): string {
  return Buffer.from(`v1${desc ? 'd' : ''}.${addedUs}`).toString('base64url');
}

function decodeCursor(cursor: string, desc: boolean): Result<Position, Problem> {
  const m = CURSOR.exec(Buffer.from(cursor, 'base64url').toString('utf8'));
  if (m === null) return err(problem('invalid', 'invalid-cursor', `"${cursor}" is not a cursor this server gave out; start again without one`));
  if ((m[1] === 'd') !== desc) return err(problem('invalid', 'invalid-cursor', `this cursor walks ${m[1] === 'd' ? 'newest first' : 'oldest first'}; ask for the next page in the same order as the first`));
  return ok({ us: Number(m[2]), desc });
}

const likePattern = (text: string) => `%${text.toLowerCase().replace(/[\\%_]/g, (c) => `\\${c}`)}%`;

/** Every filter of a query plus the reader's visibility, as one WHERE condition. */
function conditions(reader: Reader, q: Filters, position: Position | null): Result<(eb: Eb) => Expression<SqlBool>, Problem> {
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
    if (position !== null) all.push(eb('v.added_us', position.desc ? '<' : '>', position.us));
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

/** The added times still to walk, both ends excluded, and the direction of the walk. */
interface Window {
  readonly lo: number;
  readonly hi: number;
  readonly desc: boolean;
}

/**
 * The bound of one step: the `need`-th entry from the start of the window (its low end, or its high
 * end when walking newest first) among the reader's sources (its audience keys in stix_audience,
 * its own organization in stix_version), the nearest one over all sources. Every source that
 * reaches it holds `need` versions up to it, so the union up to the bound is complete and holds at
 * least `need` candidates; when no source reaches `need` the bound is the window's far end.
 */
function bound(dialect: DialectName, sources: Sources, w: Window, need: number) {
  // One bound per direction on the index range: with two, SQLite may pick the wrong one and filter by the other.
  const window = w.desc ? sql`added_us < ${w.hi} and added_us > ${w.lo}` : sql`added_us > ${w.lo}`;
  const nth = (range: RawBuilder<unknown>) => sql`(${range} and ${window} order by added_us ${w.desc ? sql`desc` : sql`asc`} limit 1 offset ${need - 1})`;
  // Added times are whole numbers: with no source filled, the bound is the last time inside the window.
  const far = w.desc ? w.lo + 1 : w.hi - 1;
  if (dialect === 'postgres') return pivotBound(sources, w, nth, far);
  const parts: RawBuilder<unknown>[] = [];
  for (const key of sources.keys) parts.push(sql`select ${nth(sql`select added_us from stix_audience where key = ${key}`)} as x`);
  if (sources.owner !== null) parts.push(sql`select ${nth(sql`select added_us from stix_version where owner = ${sources.owner}`)} as x`);
  return sql`select ${w.desc ? sql`coalesce(max(x), ${far})` : sql`coalesce(min(x), ${far})`} as bound from (${sql.join(parts, sql` union all `)}) t`;
}

/** The key most likely to hold the most versions, read first: the community, then the public, then a state. */
const density = (key: string) => (key === 'community' ? 0 : key === 'public' ? 1 : key.startsWith('state:') ? 2 : 3);

/**
 * The same bound on PostgreSQL, where walking index entries costs more: the likely densest source
 * first (its `need`-th entry, f), then every other source only up to f, so a sparse source stops
 * after the few entries it has there instead of walking `need` of its own. One lateral subquery over
 * the array of the other keys plans far faster than one subquery per key.
 */
function pivotBound(sources: Sources, w: Window, nth: (range: RawBuilder<unknown>) => RawBuilder<unknown>, far: number) {
  const [pivot, ...rest] = [...sources.keys].sort((a, b) => density(a) - density(b));
  const upToPivot = (column: RawBuilder<unknown>) => (w.desc ? sql`${column} >= (select x from f)` : sql`${column} <= (select x from f)`);
  const parts: RawBuilder<unknown>[] = [sql`(select x from f)`];
  if (rest.length > 0) {
    const lateral = sql`unnest(${rest}::text[]) k(key) cross join lateral ${nth(sql`select a.added_us as x from stix_audience a where a.key = k.key and ${upToPivot(sql`a.added_us`)}`)} l`;
    parts.push(sql`coalesce((select ${w.desc ? sql`max` : sql`min`}(l.x) from ${lateral}), ${far}::bigint)`);
  }
  if (sources.owner !== null) parts.push(sql`coalesce(${nth(sql`select added_us from stix_version where owner = ${sources.owner} and ${upToPivot(sql`added_us`)}`)}, ${far}::bigint)`);
  const first = pivot === undefined ? sql`null` : nth(sql`select added_us from stix_audience where key = ${pivot}`);
  return sql`with f as (select coalesce(${first}, ${far}::bigint) as x) select ${w.desc ? sql`greatest` : sql`least`}(${sql.join(parts)}) as bound`;
}

/**
 * The first `limit + 1` versions from the cursor on (oldest first, or newest first) that the reader
 * may see, driven by its sources: each is an index range in added order (stix_audience by key,
 * stix_version by owner), read only as far as the step's bound, so a page reads about as many index
 * entries as it returns. A step comes back short only when versions inside the bound were
 * superseded; the walk then goes on from the bound.
 */
async function listBySources(db: Kysely<StixTables>, dialect: DialectName, sources: Sources, q: ListQuery, position: Position | null): Promise<Row[]> {
  const desc = q.order === 'desc';
  const floor = q.addedAfterUs ?? -1;
  let w: Window = desc ? { lo: floor, hi: position?.us ?? NO_BOUND, desc } : { lo: Math.max(position?.us ?? -1, floor), hi: NO_BOUND, desc };
  const out: Row[] = [];
  const columns = sql.join(COLUMNS.map((c) => sql.ref(c)));
  const latest = q.versions === 'all' ? sql`1 = 1` : sql`v.is_latest = 1`;
  if (sources.keys.length === 0 && sources.owner === null) return out;
  for (;;) {
    const need = q.limit + 1 - out.length;
    // Inside the window up to the bound, which lies inside the window: one lower and one upper limit.
    const inside = (column: RawBuilder<unknown>) => (w.desc ? sql`${column} < ${w.hi} and ${column} >= (select bound from b)` : sql`${column} > ${w.lo} and ${column} <= (select bound from b)`);
    const candidates = [];
    if (sources.keys.length > 0) {
      const keys = dialect === 'postgres' ? sql`= any(${[...sources.keys]}::text[])` : sql`in (${sql.join(sources.keys)})`;
      candidates.push(sql`select added_us from stix_audience where key ${keys} and ${inside(sql`added_us`)}`);
    }
    if (sources.owner !== null) candidates.push(sql`select added_us from stix_version where owner = ${sources.owner} and ${inside(sql`added_us`)}`);
    // PostgreSQL then merges the candidates with the table's own range instead of probing it for each.
    const walk = dialect === 'postgres' ? inside(sql`v.added_us`) : sql`1 = 1`;
    const { rows } = await sql<Row>`
      with b as (${bound(dialect, sources, w, need)})
      select ${columns} from stix_version v
      where v.added_us in (${sql.join(candidates, sql` union all `)}) and ${walk} and ${latest}
      order by v.added_us ${desc ? sql`desc` : sql`asc`} limit ${need}`.execute(db);
    out.push(...rows);
    if (out.length > q.limit || rows.length === need) return out;
    const { rows: b } = await bound(dialect, sources, w, need).execute(db);
    const next = Number((b[0] as { bound: number | string } | undefined)?.bound ?? (desc ? w.lo + 1 : w.hi - 1));
    // Everything up to the bound was read: nothing is left when it is the window's last time.
    if (desc ? next <= w.lo + 1 : next >= w.hi - 1) return out;
    w = desc ? { ...w, hi: next } : { ...w, lo: next };
  }
}

/** The read side of the STIX store: each method takes the reader and applies the one predicate. */
export function stixReads(db: Kysely<StixTables>, dialect: DialectName) {
  const base = () => db.selectFrom('stix_version as v');

  async function list(reader: Reader, q: ListQuery): Promise<Result<Page<StoredVersion>, Problem>> {
    if (!Number.isInteger(q.limit) || q.limit < 1 || q.limit > MAX_PAGE) return err(problem('invalid', 'invalid-limit', `limit must be a whole number from 1 to ${MAX_PAGE}; got ${q.limit}`));
    const desc = q.order === 'desc';
    const position = q.cursor === undefined ? ok(null) : decodeCursor(q.cursor, desc);
    if (!position.ok) return position;
    const where = conditions(reader, q, position.value);
    if (!where.ok) return where;
    const sources = visibilitySources(reader);
    const direction = desc ? 'desc' : 'asc';
    const rows =
      sources !== null && !narrowed(q)
        ? await listBySources(db, dialect, sources, q, position.value)
        : await base().select(COLUMNS).where(where.value).orderBy('v.added_us', direction).orderBy('v.id', direction).limit(q.limit + 1).execute();
    const items = toVersions(rows.slice(0, q.limit));
    const last = items[items.length - 1];
    return ok({ items, nextCursor: rows.length > q.limit && last !== undefined ? encodeCursor(last.addedUs, desc) : null });
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
