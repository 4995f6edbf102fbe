import { sql, type CompiledQuery, type Kysely, type RawBuilder, type SqlBool } from 'kysely';
import type { AudienceKey } from '../domain/audience.ts';
import type { OrgId, StixId } from '../domain/ids.ts';
import { problem, type Problem } from '../domain/problem.ts';
import { err, ok, type Result } from '../domain/result.ts';
import { TLP_LEVELS, type Tlp } from '../domain/tlp.ts';
import type { DialectName } from './db.ts';
import { timestampKey } from './mod-key.ts';
import type { StixTables } from './stix-tables.ts';
import type { CountQuery, IndicatorFields, ListQuery, Page, Reader, ReshareEntry, ReshareLog, Sharing, StoredVersion } from './types.ts';
import { ftsSharing, visibilitySources, visibleInRow, visibleTo } from './visibility.ts';
import { queryWords, valueQuery, type ValueQuery } from './search-values.ts';
import { assertNever } from '../domain/assert-never.ts';
import { RAMPART_EXTENSION_ID } from '../stix/rampart-extension.ts';
import { keptResults } from './kept-results.ts';

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

/**
 * The stix_value rows a value query finds (see search-values.ts for how values are keyed): one index range
 * per part, joined by UNION ALL (an added time may come twice; every user of these rows takes each once).
 * Written as one OR, PostgreSQL read the ranges through a bitmap over the table's heap (7,384 pages for a
 * /16 block) where each range alone is an index-only scan. `rule`, when given, is the reader's sharing rule on
 * the value rows `s` themselves (their copy of the version's owner and audience: SQLite migration 0045, PostgreSQL
 * 0047), so a member's value search looks up only the versions it may see.
 */
function valueRows(vq: ValueQuery, dialect: DialectName, rule: RawBuilder<SqlBool> | null = null): RawBuilder<unknown> {
  const union = (parts: readonly RawBuilder<unknown>[]) => sql.join(parts, sql` union all `);
  const visible = rule === null ? sql`` : sql` and ${rule}`;
  switch (vq.kind) {
    case 'ip': {
      const kind = vq.version === 4 ? 'ip4' : 'ip6';
      const inside = sql`select s.added_us from stix_value s where s.kind = ${kind} and s.value >= ${vq.low} and s.value <= ${vq.high} and s.prefix >= ${vq.prefix}${visible}`;
      if (rule !== null && dialect === 'sqlite' && vq.holders.length > 0) {
        // SQLite: the blocks holding it (one per shorter prefix) as one arm: the rule written into an arm each made the statement,
        // prepared again on every run (STAT4), three times as long (0.67 ms to prepare for an address against 0.19).
        const pairs = sql.join(vq.holders.map((h) => sql`(${h.value}, ${h.prefix})`));
        return union([inside, sql`select s.added_us from stix_value s where s.kind = ${kind} and (s.value, s.prefix) in (values ${pairs})${visible}`]);
      }
      // PostgreSQL: the holding blocks (one arm per shorter prefix, each a few rows) without the rule: written into every arm it
      // tripled the statement's planning (1.7 against 0.6 ms for an address named a few times); the versions still pass it.
      return union([inside, ...vq.holders.map((h) => sql`select s.added_us from stix_value s where s.kind = ${kind} and s.value = ${h.value} and s.prefix = ${h.prefix}`)]);
    }
    case 'domain':
      return sql`select s.added_us from stix_value s where s.kind = 'domain' and s.value >= ${vq.from} and s.value < ${vq.to}${visible}`;
    case 'exact':
      return union(vq.values.map((v) => sql`select s.added_us from stix_value s where s.kind = ${v.kind} and s.value = ${v.value}${visible}`));
    default:
      return assertNever(vq);
  }
}

/**
 * What `q` finds: read as an observable value (an IP address or block, a domain and its subdomains,
 * a URL, an email address, a hash), the versions that name it (stix_value); otherwise the versions
 * whose name and description hold every word, each as a word or the start of one (SQLite FTS5,
 * PostgreSQL full text). The caller adds the reader's visibility beside it, in the same WHERE.
 * With `ruleOf` (a count on SQLite; every value search on PostgreSQL, whose value index holds the copies, so the rule
 * there costs no lookup) it is applied to the value rows as well, as they are read (valueRows), so
 * a member looks up only the versions it may see among those naming the value: the operator stops at the
 * 1,001st version of a capped count, where a member otherwise looked up every one (2,017 for a domain, to find 621).
 */
function textMatch(text: string, dialect: DialectName, terms: string | null, ruleOf: Reader | null): RawBuilder<SqlBool> {
  const vq = valueQuery(text);
  if (vq !== null) return sql<SqlBool>`v.added_us in (${valueRows(vq, dialect, ruleOf === null ? null : visibleInRow(ruleOf, 's', dialect))})`;
  const words = queryWords(text);
  if (words.length === 0) return sql<SqlBool>`1 = 0`;
  if (dialect === 'sqlite') return sql<SqlBool>`v.added_us in (select rowid from stix_fts where stix_fts match ${ftsQuery(words)})`;
  return sql<SqlBool>`${FTS_DOCUMENT} @@ ${terms ?? words.map((w) => `'${w}':*`).join(' & ')}::tsquery`;
}

/**
 * PostgreSQL: the tsquery of `words`, each word as the lexemes that start it (stix_fts_term, migration 0039),
 * OR-ed, instead of as a prefix: same matches, but GIN reads every posting list a prefix covers before it
 * returns anything (600 ms for three common words among 1,000,000 objects, 33 ms for their lexemes). A word
 * shorter than three letters or starting more than TERMS_PER_WORD lexemes stays a prefix. Words are letters
 * and digits (queryWords), so they need no quoting; lexemes read back are quoted as tsquery's input asks.
 */
async function pgTerms(db: Kysely<StixTables>, words: readonly string[]): Promise<string> {
  const quote = (t: string) => `'${t.replace(/\\/g, '\\\\').replace(/'/g, "''")}'`;
  const parts = await Promise.all(
    words.map(async (w) => {
      if (w.length < 3) return `'${w}':*`;
      const { rows } = await sql<{ term: string }>`select term from stix_fts_term where term >= ${w} and term < ${w} || chr(1114111) order by term limit ${TERMS_PER_WORD + 1}`.execute(db);
      if (rows.length > TERMS_PER_WORD) return `'${w}':*`;
      if (rows.length === 0) return `'${w}'`;
      return `(${rows.map((r) => quote(r.term)).join(' | ')})`;
    }),
  );
  return parts.join(' & ');
}

/** PostgreSQL: the tsquery of a words search (pgTerms); null for a value search, no words, or SQLite. */
async function pgTextTerms(db: Kysely<StixTables>, q: Filters, dialect: DialectName): Promise<string | null> {
  if (dialect !== 'postgres' || q.text === undefined || q.text === '' || valueQuery(q.text) !== null) return null;
  const words = queryWords(q.text);
  return words.length === 0 ? null : pgTerms(db, words);
}

/**
 * SQLite: an FTS5 query of `words` on the text columns only, not on `sharing`, whose words stand for a version's
 * audience keys and owner (migration 0046): written as a column filter only when a word could start one of those
 * (they start with `0s` or `0o`), since FTS5 then reads where in the row each match lies (a best match first window of
 * "phishing domain" among 1,000,000 objects: 10.9 → 17.2 ms).
 */
const inText = (words: readonly string[], query: string) => (words.some((w) => w.startsWith('0')) ? `{name description} : (${query})` : query);

/** Every word, as a word or the start of one, in FTS5's query syntax (the words are letters and digits only). */
const ftsQuery = (words: readonly string[]) => inText(words, words.map((w) => `"${w}"*`).join(' '));

/** Terms looked up for one word at most; a word that starts more (a letter or two) is asked for as a prefix. */
const TERMS_PER_WORD = 32;

/**
 * SQLite: the FTS5 query of `words` as terms: each word as the terms of the index that start with it
 * (stix_fts_vocab, migration 0037), OR-ed, instead of as a prefix query. Same matches; but FTS5 reads a
 * prefix query's matches all at once (every term starting with it, merged in memory: 36 ms for
 * `"phishing"*` among 1,000,000 objects, 91 ms for three words), where a term's matches come lazily, as
 * far as a page or a capped count needs (0.2 ms). Words shorter than three letters, or starting more
 * than TERMS_PER_WORD terms, or with letters the index folds (accents), stay prefixes.
 */
async function ftsTerms(db: Kysely<StixTables>, words: readonly string[]): Promise<string> {
  const parts = await Promise.all(
    words.map(async (w) => {
      if (w.length < 3 || !/^[a-z0-9]+$/.test(w)) return `"${w}"*`;
      // Words are ASCII letters and digits here: the next character after the last one bounds its terms.
      const after = w.slice(0, -1) + String.fromCharCode(w.charCodeAt(w.length - 1) + 1);
      const { rows } = await sql<{ term: string }>`select term from stix_fts_vocab where term >= ${w} and term < ${after} limit ${TERMS_PER_WORD + 1}`.execute(db);
      if (rows.length > TERMS_PER_WORD) return `"${w}"*`;
      // No term starts with it: the word itself, which matches nothing.
      if (rows.length === 0) return `"${w}"`;
      return rows.length === 1 ? `"${rows[0]?.term ?? w}"` : `(${rows.map((r) => `"${r.term}"`).join(' OR ')})`;
    }),
  );
  // Explicit AND: FTS5 reads none after a parenthesised group.
  return inText(words, parts.join(' AND '));
}

/**
 * SQLite: the FTS5 query of a words search (ftsTerms), when the list or count should be driven by the
 * full-text index (joined, read in rowid order) instead of filtering versions by the whole match: FTS5
 * then reads its matches lazily, so a page newest first or a capped count stops as soon as it has enough,
 * where `added_us in (match)` first built the whole match (243,585 rows for a common word among
 * 1,000,000 objects) and looked up every version in it. Null for a value query or another dialect.
 */
async function ftsDriver(db: Kysely<StixTables>, q: Filters, dialect: DialectName): Promise<string | null> {
  if (dialect !== 'sqlite' || q.text === undefined || q.text === '' || valueQuery(q.text) !== null) return null;
  const words = queryWords(q.text);
  return words.length === 0 ? null : ftsTerms(db, words);
}

/**
 * PostgreSQL: the stix_value rows of a value search, when the list should be driven by them in added order
 * (listByValues). Null for a words search or SQLite (which reads an IN list in order already).
 */
function valueDriver(reader: Reader, q: Filters, dialect: DialectName): RawBuilder<unknown> | null {
  if (dialect !== 'postgres' || q.text === undefined || q.text === '') return null;
  const vq = valueQuery(q.text);
  // The rule on the value rows too (their copy of the version's sharing, in the value index): a member looks up only the versions it may see.
  return vq === null ? null : valueRows(vq, dialect, visibleInRow(reader, 's', dialect));
}

/** The filters without their text: the FTS5 join stands for it. */
function withoutText(q: Filters): Filters {
  const { text: _text, ...rest } = q;
  return rest;
}

/** A string property of the Rampart election extension of the version (null when it has none). */
function extensionField(name: string, dialect: DialectName): RawBuilder<string | null> {
  return dialect === 'postgres'
    ? sql<string | null>`((v.json::jsonb) -> 'extensions' -> ${RAMPART_EXTENSION_ID} ->> ${name})`
    : sql<string | null>`json_extract(v.json, ${`$.extensions."${RAMPART_EXTENSION_ID}".${name}`})`;
}

const topField = (name: string, dialect: DialectName) => (dialect === 'postgres' ? sql<string | null>`((v.json::jsonb) ->> ${name})` : sql<string | null>`json_extract(v.json, ${`$.${name}`})`);

/** The version carries one of `labels` in its STIX `labels`. */
function labelMatch(labels: readonly string[], dialect: DialectName): RawBuilder<SqlBool> {
  if (labels.length === 0) return sql<SqlBool>`1 = 0`;
  return dialect === 'postgres'
    ? sql<SqlBool>`((v.json::jsonb) -> 'labels') ?| ${[...labels]}::text[]`
    : sql<SqlBool>`exists (select 1 from json_each(v.json, '$.labels') j where j.value in (${sql.join(labels)}))`;
}

/** PostgreSQL: the version's name and description as a tsvector, stored (migration 0035) and indexed by GIN. */
const FTS_DOCUMENT = sql`v.fts`;

/**
 * SQLite: each full-text match joined to its version through the index of what the sharing rule and the
 * usual filters read (stix_version_check, migration 0035), for a walk that reads no version whole (a count,
 * the window best match first ranks): SQLite otherwise looks each one up by rowid in the table, whose rows
 * hold the JSON (twice the time for 10,000 matches).
 */
const checkJoin = sql`join stix_version as v indexed by stix_version_check on v.added_us = stix_fts.rowid`;

/**
 * Every filter of a query plus the reader's visibility, as one WHERE condition. `ruleOnValues`: a value search also
 * applies the rule to the value rows (textMatch; always on PostgreSQL); asked for by counts, which read every version naming
 * the value where a page stops at its first visible ones (the rule on each of a domain's 2,018 value rows costs 0.25 ms,
 * more than the 60 versions a county member's page looks up past those it may not see).
 */
function conditions(reader: Reader, q: Filters, position: Position | null, dialect: DialectName, terms: string | null = null, ruleOnValues = false): Result<RawBuilder<SqlBool>, Problem> {
  const from = q.modifiedFrom === undefined ? undefined : timestampKey(q.modifiedFrom);
  const to = q.modifiedTo === undefined ? undefined : timestampKey(q.modifiedTo);
  for (const [name, given, key] of [['modifiedFrom', q.modifiedFrom, from], ['modifiedTo', q.modifiedTo, to]] as const) {
    if (given !== undefined && key === null) return err(problem('invalid', 'invalid-timestamp', `${name} "${given}" is not a STIX timestamp; use e.g. 2024-11-05T13:00:00.000Z`));
  }
  const w = new Where();
  if (q.versions !== 'all') w.test('"v"."is_latest" = ', 1);
  if (q.types !== undefined) w.among('"v"."type" in ', q.types);
  if (q.excludeTypes !== undefined && q.excludeTypes.length > 0) w.among('"v"."type" not in ', q.excludeTypes);
  if (q.ids !== undefined) w.among('"v"."id" in ', q.ids);
  if (typeof from === 'string') w.test('"v"."mod_key" >= ', from);
  if (typeof to === 'string') w.test('"v"."mod_key" <= ', to).test('"v"."mod_key" <> ', '');
  if (q.addedAfterUs !== undefined) w.test('"v"."added_us" > ', q.addedAfterUs);
  if (q.refersTo !== undefined) w.part(sql<SqlBool>`v.added_us in (select r.added_us from stix_ref r where r.ref = ${q.refersTo})`);
  if (position !== null) w.test(position.desc ? '"v"."added_us" < ' : '"v"."added_us" > ', position.us);
  // PostgreSQL: a page and a count alike (its value rows' index holds their sharing, so the rule costs no lookup there).
  if (q.text !== undefined && q.text !== '') w.part(textMatch(q.text, dialect, terms, ruleOnValues || dialect === 'postgres' ? reader : null));
  if (q.tlps !== undefined) w.among('"v"."tlp" in ', q.tlps);
  if (q.owners !== undefined) w.among('"v"."owner" in ', q.owners);
  if (q.labels !== undefined) w.part(labelMatch(q.labels, dialect));
  if (q.reference !== undefined) w.test('"v"."reference" = ', q.reference === 'only' ? 1 : 0);
  if (q.severities !== undefined) w.part(q.severities.length === 0 ? NOTHING : sql<SqlBool>`${extensionField('severity', dialect)} in (${sql.join(q.severities)})`);
  if (q.states !== undefined) {
    w.part(q.states.length === 0 ? NOTHING : sql<SqlBool>`coalesce(${extensionField('state_fips', dialect)}, ${topField('state_fips', dialect)}) in (${sql.join(q.states)})`);
  }
  const visible = visibleInRow(reader, 'v', dialect);
  if (visible !== null) w.part(visible);
  return ok(w.done());
}

const NOTHING = sql<SqlBool>`1 = 0`;

/**
 * A WHERE of tests joined by `and`, written as one fragment of text with its values (and the fragments it holds), in the
 * words Kysely's builder wrote (`("v"."is_latest" = ? and "v"."type" not in (?) and …)`): built with the builder, each
 * test parsed its column and operator into a tree of nodes, and the WHERE was most of what building a search's two
 * statements allocated (a URL's page and total: 21 of 105 KB, docs/benchmarks.md, Search). Column names and operators
 * are the store's own text, never input; every value is bound.
 */
class Where {
  readonly #texts: string[] = [''];
  readonly #values: unknown[] = [];
  #count = 0;

  #next(): void {
    if (this.#count++ > 0) this.#append(' and ');
  }

  #append(text: string): void {
    this.#texts[this.#texts.length - 1] += text;
  }

  #value(value: unknown): void {
    this.#values.push(value);
    this.#texts.push('');
  }

  /** `column op value`: `head` is the column and the operator with its space. */
  test(head: string, value: unknown): this {
    this.#next();
    this.#append(head);
    this.#value(value);
    return this;
  }

  /** `column in (values)` (or not in): none matches nothing. */
  among(head: string, values: readonly unknown[]): this {
    if (values.length === 0) return this.part(NOTHING);
    this.#next();
    this.#append(`${head}(`);
    for (const [i, value] of values.entries()) {
      if (i > 0) this.#append(', ');
      this.#value(value);
    }
    this.#append(')');
    return this;
  }

  /** A test written as its own fragment. */
  part(fragment: RawBuilder<SqlBool>): this {
    this.#next();
    this.#value(fragment);
    return this;
  }

  done(): RawBuilder<SqlBool> {
    if (this.#count === 0) return sql<SqlBool>`1 = 1`;
    if (this.#count > 1) {
      this.#texts[0] = `(${this.#texts[0] ?? ''}`;
      this.#append(')');
    }
    const texts = this.#texts;
    return sql<SqlBool>(Object.assign(texts, { raw: texts }), ...this.#values);
  }
}

/**
 * True when the query filters by more than what the listing by sources tests on each row it reads (the
 * version, leaving the reference library or some types out: most versions pass these, read from the row's
 * own columns): then scanning with the predicate is the better plan.
 */
const narrowed = (q: Filters) => q.reference === 'only' || q.tlps !== undefined || q.owners !== undefined || q.labels !== undefined || q.severities !== undefined || q.states !== undefined || q.types !== undefined || q.ids !== undefined || q.refersTo !== undefined || (q.text !== undefined && q.text !== '') || q.modifiedFrom !== undefined || q.modifiedTo !== undefined;

/**
 * What a listing by sources tests on each version it reads (the filters `narrowed` leaves to it), as one condition on
 * `v`, or on the row named `at`: a stix_audience row holds the same three columns as its version (migration 0050).
 */
function rowChecks(q: Filters, at = 'v'): RawBuilder<SqlBool> {
  const column = (name: string) => sql.ref(`${at}.${name}`);
  const all: RawBuilder<SqlBool>[] = [sql<SqlBool>`1 = 1`];
  if (q.versions !== 'all') all.push(sql<SqlBool>`${column('is_latest')} = 1`);
  if (q.reference === 'exclude') all.push(sql<SqlBool>`${column('reference')} = 0`);
  if (q.excludeTypes !== undefined && q.excludeTypes.length > 0) all.push(sql<SqlBool>`${column('type')} not in (${sql.join(q.excludeTypes)})`);
  return sql<SqlBool>`(${sql.join(all, sql` and `)})`;
}

const NO_BOUND = Number.MAX_SAFE_INTEGER;

/**
 * What an audience key's range in stix_audience holds for a listing: with the reference library left out, only
 * the rows of everything else (their own index, migration 0040), so a walk in added order does not read and
 * drop the library version by version. The versions are still checked by rowChecks.
 */
function audienceRange(q: Filters): RawBuilder<SqlBool> {
  return q.reference === 'exclude' ? sql<SqlBool>`reference = 0` : sql<SqlBool>`1 = 1`;
}

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
function bound(sources: Sources, w: Window, need: number, q: Filters) {
  // One bound per direction on the index range: with two, SQLite may pick the wrong one and filter by the other.
  const window = w.desc ? sql`added_us < ${w.hi} and added_us > ${w.lo}` : sql`added_us > ${w.lo}`;
  const nth = (range: RawBuilder<unknown>) => sql`(${range} and ${window} order by added_us ${w.desc ? sql`desc` : sql`asc`} limit 1 offset ${need - 1})`;
  // Added times are whole numbers: with no source filled, the bound is the last time inside the window.
  const far = w.desc ? w.lo + 1 : w.hi - 1;
  const parts: RawBuilder<unknown>[] = [];
  for (const key of sources.keys) parts.push(sql`select ${nth(sql`select added_us from stix_audience where key = ${key} and ${audienceRange(q)}`)} as x`);
  if (sources.owner !== null) parts.push(sql`select ${nth(sql`select added_us from stix_version where owner = ${sources.owner}`)} as x`);
  return sql`select ${w.desc ? sql`coalesce(max(x), ${far})` : sql`coalesce(min(x), ${far})`} as bound from (${sql.join(parts, sql` union all `)}) t`;
}

/** The added times a listing walks first: after the cursor (or before it, newest first) and after `addedAfterUs`. */
function firstWindow(q: ListQuery, position: Position | null): Window {
  const desc = q.order === 'desc';
  const floor = q.addedAfterUs ?? -1;
  return desc ? { lo: floor, hi: position?.us ?? NO_BOUND, desc } : { lo: Math.max(position?.us ?? -1, floor), hi: NO_BOUND, desc };
}

/**
 * The columns of a version read back, as the text Kysely's builder wrote for them, made once: each statement's list of
 * references was otherwise parsed and compiled anew (11 of the 105 KB a URL's page and total allocated).
 */
const SELECTED = sql.raw(COLUMNS.map((c) => c.split('.').map((part) => `"${part}"`).join('.')).join(', '));
const selectColumns = () => SELECTED;
const DIRECTION = { asc: sql.raw('asc'), desc: sql.raw('desc') } as const;

/**
 * SQLite: the first `limit + 1` versions from the cursor on (oldest first, or newest first) that the
 * reader may see, driven by its sources: each is an index range in added order (stix_audience by key,
 * stix_version by owner), read only as far as the step's bound, so a page reads about as many index
 * entries as it returns. A step comes back short only when versions inside the bound were
 * superseded; the walk then goes on from the bound.
 */
async function listBySourcesSqlite(db: Kysely<StixTables>, sources: Sources, visible: RawBuilder<SqlBool>, q: ListQuery, position: Position | null): Promise<Row[]> {
  const desc = q.order === 'desc';
  let w = firstWindow(q, position);
  const columns = selectColumns();
  const checks = rowChecks(q);
  const scanned = await scanNewest(db, visible, checks, w, q.limit + 1);
  if (scanned !== null) return scanned;
  const out: Row[] = [];
  // How many candidates a step reaches for each row still needed: doubled after a short step, so a stretch
  // of versions the checks leave out (a knowledge base loaded at once) takes a few steps, not one per page.
  let reach = 1;
  for (;;) {
    const want = q.limit + 1 - out.length;
    const need = Math.min(want * reach, MAX_PAGE);
    // Inside the window up to the bound, which lies inside the window: one lower and one upper limit.
    const inside = (column: RawBuilder<unknown>) => (w.desc ? sql`${column} < ${w.hi} and ${column} >= (select bound from b)` : sql`${column} > ${w.lo} and ${column} <= (select bound from b)`);
    const candidates = [];
    if (sources.keys.length > 0) candidates.push(sql`select added_us from stix_audience where key in (${sql.join(sources.keys)}) and ${audienceRange(q)} and ${inside(sql`added_us`)}`);
    if (sources.owner !== null) candidates.push(sql`select added_us from stix_version where owner = ${sources.owner} and ${inside(sql`added_us`)}`);
    const { rows } = await sql<Row>`
      with b as (${bound(sources, w, need, q)})
      select ${columns} from stix_version v
      where v.added_us in (${sql.join(candidates, sql` union all `)}) and ${checks}
      order by v.added_us ${desc ? sql`desc` : sql`asc`} limit ${want}`.execute(db);
    out.push(...rows);
    if (out.length > q.limit || rows.length === want) return out;
    const { rows: b } = await bound(sources, w, need, q).execute(db);
    const next = Number((b[0] as { bound: number | string } | undefined)?.bound ?? (desc ? w.lo + 1 : w.hi - 1));
    // Everything up to the bound was read: nothing is left when it is the window's last time.
    if (desc ? next <= w.lo + 1 : next >= w.hi - 1) return out;
    w = desc ? { ...w, hi: next } : { ...w, lo: next };
    reach = Math.min(reach * 2, 64);
  }
}

/** How many index entries the first try of a listing by sources reads for each row of the page (scanNewest). */
const SCAN_REACH = 16;

/**
 * SQLite: the page of a listing by sources read straight from the start of its window in the index of what
 * the rule and the checks read (stix_version_check), testing each entry, when the reader may see at least
 * one version in SCAN_REACH there: the first `want` that pass are the page, as the walk by sources would
 * find them (every version of the window up to the last one read was tested). A member of a county office
 * sees about a third of the newest versions, so this reads some 80 entries of one index where the walk
 * computes a bound over each of its seven sources first (0.48 → 0.11 ms at 1,000,000 versions). Null when
 * fewer than `want` pass among the entries read: a reader who sees little is left to the walk.
 */
async function scanNewest(db: Kysely<StixTables>, visible: RawBuilder<SqlBool>, checks: RawBuilder<SqlBool>, w: Window, want: number): Promise<Row[] | null> {
  const order = w.desc ? sql`desc` : sql`asc`;
  const { rows } = await sql<Row>`
    select ${selectColumns()} from stix_version v where v.added_us in (
      select v.added_us from (select added_us, is_latest, reference, type, owner, audience from stix_version indexed by stix_version_check
        where added_us > ${sql.lit(w.lo)} and added_us < ${sql.lit(w.hi)} order by added_us ${order} limit ${sql.lit(want * SCAN_REACH)}) v
      where ${checks} and ${visible} order by v.added_us ${order} limit ${sql.lit(want)})
    order by v.added_us ${order}`.execute(db);
  return rows.length === want ? rows : null;
}

/**
 * SQLite: how many versions the reader may see pass the checks of a listing by sources, counted up to
 * `atMost + 1`: its sources' index ranges one after the other (the widest audiences first, so one range
 * usually holds enough), each row tested on its own columns (an audience row carries its version's latest flag, type
 * and reference flag, migration 0050), stopping there. Testing each version in stix_version_check instead took 0.5 ms
 * to count 1,001 at 1,000,000 versions, the operator's count of one index 0.3; the count by the row predicate 1.1.
 */
async function countBySourcesSqlite(db: Kysely<StixTables>, sources: Sources, q: Filters, atMost: number, kept: Kept): Promise<number> {
  if (sources.keys.length === 0 && sources.owner === null) return 0;
  const w = firstWindow({ ...q, limit: 1 }, null);
  // Everything the statement reads: the window, the reader's sources, the checks' filters (rowChecks, audienceRange) and the cap.
  const key = JSON.stringify([w.lo, sources.owner, sources.keys, q.versions ?? null, q.reference ?? null, q.excludeTypes ?? null, atMost]);
  const { rows } = await db.executeQuery(kept.compiled(key, () => countBySourcesStatement(sources, q, atMost, w)));
  return Number(rows[0]?.n ?? 0);
}

function countBySourcesStatement(sources: Sources, q: Filters, atMost: number, w: Window): RawBuilder<{ n: number }> {
  // Written in, not bound: SQLite (with STAT4) prepares a statement again on every run when a value bound to an
  // indexed column's range or the LIMIT may change its plan, a quarter of this count's time. A reader's keys and
  // organization are letters, digits, colons and hyphens (parseAudienceKey, ids), quoted by sql.lit all the same.
  const window = sql`added_us > ${sql.lit(w.lo)}`;
  const keys = [...sources.keys].sort((a, b) => widest(a) - widest(b));
  const checks = rowChecks(q, 'a');
  const ranges = keys.map((key) => sql`select a.added_us from stix_audience a where a.key = ${sql.lit(key)} and ${audienceRange(q)} and ${window} and ${checks}`);
  if (sources.owner !== null) ranges.push(sql`select v.added_us from stix_version v where v.owner = ${sql.lit(sources.owner)} and ${window} and ${rowChecks(q)}`);
  const cap = sql.lit(atMost + 1);
  const all = sql`(select count(*) from (select distinct c.added_us from (${sql.join(ranges, sql` union all `)}) c limit ${cap}))`;
  // The widest range alone first (its versions come once each): when it reaches the cap, the rest is not read or made distinct.
  const [widestRange] = ranges;
  const counted = ranges.length < 2 || widestRange === undefined ? all : sql`(select case when f.n > ${sql.lit(atMost)} then f.n else ${all} end from (select count(*) as n from (select 1 from (${widestRange}) c limit ${cap})) f)`;
  return sql<{ n: number }>`select ${counted} as n`;
}

/** How many compiled statements a store keeps (Kept); past it the oldest is dropped. */
const STATEMENTS_KEPT = 256;

/**
 * Statements compiled once and kept by everything they read, for statements whose every value is part of their key (a
 * member's count of its list, written with its keys in: SQLite plans it once per reader that way). Built and compiled
 * anew, a county member's count of its list was most of what its request allocated beyond the operator's (the
 * Intelligence list: 89 against 62 KB a request). One per store, so a statement is compiled by the dialect it runs on.
 */
class Kept {
  readonly #db: Kysely<StixTables>;
  readonly #statements = keptResults<CompiledQuery>(STATEMENTS_KEPT);

  constructor(db: Kysely<StixTables>) {
    this.#db = db;
  }

  compiled<R>(key: string, build: () => RawBuilder<R>): CompiledQuery<R> {
    return this.#statements(key, () => build().compile(this.#db));
  }
}

/** The audiences every member shares in first (TLP:GREEN, then TLP:CLEAR), then the rest in the reader's order. */
const widest = (key: string) => (key === 'community' ? 0 : key === 'public' ? 1 : 2);

/**
 * PostgreSQL: what every member may see, outside the reference library (an audience holding `public` or `community`),
 * walked in added order through its own index (stix_version_shared, migration 0044). The predicate is the index's, word for
 * word, so the planner can prove that the index holds every row it asks for.
 */
const WIDELY_SHARED = sql<SqlBool>`(v.reference = 0 and (strpos(v.audience, '"public"') > 0 or strpos(v.audience, '"community"') > 0))`;
const WIDE_KEYS: ReadonlySet<string> = new Set(['public', 'community']);

/**
 * PostgreSQL: how a reader's versions are walked in added order: the widely shared versions through their own index when
 * the reader holds one of their keys and the reference library is left out (`wide`), and each other source (audience key
 * in stix_audience, its own organization in stix_version) as an index range whose versions are looked up one by one.
 * Walking `public` and `community` as stix_audience ranges looked up every version of them by its key (about three in ten
 * versions); through the index, a version comes with its row.
 */
interface Walk {
  readonly wide: boolean;
  readonly keys: readonly string[];
  readonly owner: string | null;
}

function walkOf(sources: Sources, q: Filters): Walk {
  const wide = q.reference === 'exclude' && sources.keys.some((k) => WIDE_KEYS.has(k));
  return { wide, keys: wide ? sources.keys.filter((k) => !WIDE_KEYS.has(k)) : sources.keys, owner: sources.owner };
}

/**
 * PostgreSQL: the arms of a walk inside window `w`, each in added order, of the versions that pass `check` (on `v`);
 * `wideCheck` is added on the widely shared versions, which the reader may not all see (an audience holding `public`
 * only, for a reader without it). `columns` are what each arm returns of a version, its added time first: the looked-up
 * arm returns the added time of its index range instead of the version's (the same number), so PostgreSQL knows that arm
 * is in order too and merges the arms (Merge Append) instead of sorting one. Each arm stops at `limit` (the statement's
 * own): PostgreSQL then plans it for that many rows, and walks the widely shared index for a common word where, planning
 * the arm whole, it took a bitmap of every match (2,495 for "ransomware county" among 100,000 objects) to sort.
 */
function walkArms(walk: Walk, q: Filters, w: Window, check: RawBuilder<SqlBool>, wideCheck: RawBuilder<SqlBool>, columns: readonly string[], limit: number): RawBuilder<unknown>[] {
  const order = w.desc ? sql`desc` : sql`asc`;
  const window = sql`added_us > ${w.lo} and added_us < ${w.hi}`;
  const ranges = walk.keys.map((key) => sql`(select added_us from stix_audience where key = ${key} and ${audienceRange(q)} and ${window} order by added_us ${order})`);
  if (walk.owner !== null) ranges.push(sql`(select added_us from stix_version where owner = ${walk.owner} and ${window} order by added_us ${order})`);
  const arms: RawBuilder<unknown>[] = [];
  const own = sql.join(columns.map((c) => sql.ref(c)));
  if (walk.wide) {
    arms.push(sql`(select ${own} from stix_version v where ${WIDELY_SHARED} and v.added_us > ${w.lo} and v.added_us < ${w.hi} and ${check} and ${wideCheck} order by v.added_us ${order} limit ${limit})`);
  }
  if (ranges.length > 0) {
    const looked = sql.join([sql`c.added_us`, ...columns.slice(1).map((c) => sql.ref(c))]);
    arms.push(sql`(select ${looked} from (${sql.join(ranges, sql` union all `)}) c
      cross join lateral (select ${own} from stix_version v where v.added_us = c.added_us and ${check} limit 1) v
      order by c.added_us ${order} limit ${limit})`);
  }
  return arms;
}

/**
 * PostgreSQL: the same page as one ordered merge of the reader's walk (walkArms). Each arm is read in added order;
 * PostgreSQL merges them (Merge Append) and the LIMIT stops every arm as soon as the page is full, so no bound is needed
 * and superseded versions are skipped inside the same statement. A source's lookup is a LATERAL subquery, so it stays one
 * probe per candidate: as a join, PostgreSQL chose (with statistics) a merge join that walked stix_version from the
 * window's start, through every library version the list leaves out. A version that more than one arm holds (an owner's
 * own object also shared with its organization's key) comes once per arm, next to itself: the repeats are dropped here. A
 * few rows more than the page needs are asked for, so only when the repeats still left it short is the rest read on from
 * its last version. `check` is what every version must pass besides coming from the reader's sources: the listing's row
 * checks, or a search's whole WHERE (the sharing rule, the words and the cursor included).
 */
async function listBySourcesPostgres(db: Kysely<StixTables>, reader: Reader, sources: Sources, q: ListQuery, position: Position | null, check: RawBuilder<SqlBool>): Promise<Row[]> {
  const desc = q.order === 'desc';
  let w = firstWindow(q, position);
  const out: Row[] = [];
  const walk = walkOf(sources, q);
  const visible = visibleInRow(reader, 'v', 'postgres') ?? sql<SqlBool>`1 = 1`;
  const order = desc ? sql`desc` : sql`asc`;
  let last: number | null = null;
  for (;;) {
    const need = q.limit + 1 - out.length;
    // A few rows more than needed, so the usual handful of repeats costs no second statement.
    const ask = need + (need >> 5) + 2;
    const arms = walkArms(walk, q, w, check, visible, COLUMNS, ask);
    const { rows } = await sql<Row>`select * from (${sql.join(arms, sql` union all `)}) u order by u.added_us ${order} limit ${ask}`.execute(db);
    for (const row of rows) {
      const us = Number(row.added_us);
      if (us === last) continue;
      if (out.length > q.limit) return out;
      last = us;
      out.push(row);
    }
    if (out.length > q.limit || rows.length < ask || last === null) return out;
    w = desc ? { ...w, hi: last } : { ...w, lo: last };
  }
}

/**
 * PostgreSQL: the added times of the first `n` versions the reader may see that pass `check` (as in listBySourcesPostgres),
 * newest first: the same merge of its walk, stopping there. A version several arms hold comes once per arm, next to
 * itself: taken once here, and read on from the last when the repeats left the list short. Grouped in the statement
 * instead, PostgreSQL hashed every version of the walk (30,795 for a county member's list among 100,000 objects).
 */
async function walkTimes(db: Kysely<StixTables>, reader: Reader, sources: Sources, q: Filters, n: number, check: RawBuilder<SqlBool>): Promise<number[]> {
  if (sources.keys.length === 0 && sources.owner === null) return [];
  let w = firstWindow({ ...q, order: 'desc', limit: 1 }, null);
  const out: number[] = [];
  for (;;) {
    const need = n - out.length;
    const ask = need + (need >> 5) + 2;
    const { rows } = await sql<{ added_us: number | string }>`${walkStep(reader, sources, q, w, check, ask)}`.execute(db);
    for (const row of rows) {
      const us = Number(row.added_us);
      if (us === out[out.length - 1]) continue;
      out.push(us);
      if (out.length >= n) return out;
    }
    const last = out[out.length - 1];
    if (rows.length < ask || last === undefined) return out;
    w = { ...w, hi: last };
  }
}

/** PostgreSQL: one step of walkTimes, the added times of the first `ask` versions of the walk inside `w`, newest first, repeats next to each other. */
function walkStep(reader: Reader, sources: Sources, q: Filters, w: Window, check: RawBuilder<SqlBool>, ask: number): RawBuilder<unknown> {
  const visible = visibleInRow(reader, 'v', 'postgres') ?? sql<SqlBool>`1 = 1`;
  const arms = walkArms(walkOf(sources, q), q, w, check, visible, ['v.added_us'], ask);
  return sql`select u.added_us from (${sql.join(arms, sql` union all `)}) u order by u.added_us desc limit ${ask}`;
}

/**
 * PostgreSQL: how many versions the reader may see pass `check`, counted up to `atMost + 1`: walkTimes's steps, each
 * counted in the statement (its rows, the distinct added times among them, the oldest) instead of sent: sent, the 1,001
 * added times of a county member's capped total were most of what its request allocated (the list with no text: 469
 * KB against the operator's 119, whose count is one row). The count by the row predicate tested every version stored
 * (bench:load: 11,000, 21 ms of PostgreSQL CPU for a state office); a search's, about three versions for each one a county
 * member may see.
 */
async function countBySourcesPostgres(db: Kysely<StixTables>, reader: Reader, sources: Sources, q: Filters, atMost: number, check: RawBuilder<SqlBool>): Promise<number> {
  if (sources.keys.length === 0 && sources.owner === null) return 0;
  const n = atMost + 1;
  let w = firstWindow({ ...q, order: 'desc', limit: 1 }, null);
  let found = 0;
  for (;;) {
    const need = n - found;
    const ask = need + (need >> 5) + 2;
    const { rows } = await sql<{ read: number | string; found: number | string; last: number | string | null }>`
      select count(*) as read, count(distinct s.added_us) as found, min(s.added_us) as last from (${walkStep(reader, sources, q, w, check, ask)}) s`.execute(db);
    const step = rows[0];
    found += Number(step?.found ?? 0);
    if (found >= n) return n;
    // As walkTimes: a step that came back short read everything; otherwise the walk goes on below its oldest.
    if (step === undefined || Number(step.read) < ask || step.last === null) return found;
    w = { ...w, hi: Number(step.last) };
  }
}

/**
 * PostgreSQL: whether a words search (with no other filter than a listing's) walks the reader's sources (walkArms) with its
 * whole WHERE checked on each version, rather than filtering every version newest first: when the reader holds a key of
 * the widely shared versions, whose own index then holds most of what it may see.
 */
function searchWalk(sources: Sources, q: Filters, terms: { readonly pg: string | null }): boolean {
  return terms.pg !== null && !narrowed(withoutText(q)) && walkOf(sources, q).wide;
}

/** The first `limit + 1` versions from the cursor on that the reader may see, read through its sources (see visibilitySources). */
function listBySources(db: Kysely<StixTables>, dialect: DialectName, reader: Reader, sources: Sources, q: ListQuery, position: Position | null): Promise<Row[]> {
  if (sources.keys.length === 0 && sources.owner === null) return Promise.resolve([]);
  if (dialect === 'postgres') return listBySourcesPostgres(db, reader, sources, q, position, rowChecks(q));
  return listBySourcesSqlite(db, sources, visibleInRow(reader, 'v', dialect) ?? sql<SqlBool>`1 = 1`, q, position);
}

/** Where a sorted page ended: the sort key and added time of its last row (modified, name), or how many rows came before (relevance). */
type SortedPosition = { readonly sort: 'modified' | 'name'; readonly desc: boolean; readonly key: string; readonly us: number } | { readonly sort: 'relevance'; readonly offset: number };

const SORTED_CURSOR = /^v2\.([mn])(d?)\.(\d{1,16})\.([\s\S]*)$/;
const RELEVANCE_CURSOR = /^v2\.r\.(\d{1,9})$/;

function encodeSortedCursor(p: SortedPosition): string {
  const text = p.sort === 'relevance' ? `v2.r.${p.offset}` : `v2.${p.sort === 'modified' ? 'm' : 'n'}${p.desc ? 'd' : ''}.${p.us}.${p.key}`;
  return Buffer.from(text).toString('base64url');
}

function decodeSortedCursor(cursor: string, sort: 'modified' | 'name' | 'relevance', desc: boolean): Result<SortedPosition, Problem> {
  const text = Buffer.from(cursor, 'base64url').toString('utf8');
  const wrongOrder = problem('invalid', 'invalid-cursor', `this cursor continues a list in another sort or order; ask for the next page with the sort and order of the first`);
  const r = RELEVANCE_CURSOR.exec(text);
  if (r !== null) return sort === 'relevance' ? ok({ sort, offset: Number(r[1]) }) : err(wrongOrder);
  const m = SORTED_CURSOR.exec(text);
  if (m === null) return err(problem('invalid', 'invalid-cursor', `"${cursor}" is not a cursor this server gave out; start again without one`));
  const given = m[1] === 'm' ? 'modified' : 'name';
  if (given !== sort || (m[2] === 'd') !== desc) return err(wrongOrder);
  return ok({ sort: given, desc, key: m[4] ?? '', us: Number(m[3]) });
}

/** Sorts after every name, so unnamed objects (sightings, observables) come last A to Z. */
const NO_NAME = '\u{10FFFF}';

/** The key a sort orders by, compared byte by byte on both databases so pages join up. */
function sortKey(sort: 'modified' | 'name', dialect: DialectName): RawBuilder<string> {
  if (sort === 'modified') return sql<string>`v.mod_key`;
  return dialect === 'postgres' ? sql<string>`(coalesce(lower(v.name), ${NO_NAME}) collate "C")` : sql<string>`coalesce(lower(v.name), ${NO_NAME})`;
}

/** The versions whose added times are `us`, as one parameter (a list of thousands would be thousands of parameters). */
function addedIn(us: readonly number[], dialect: DialectName): RawBuilder<SqlBool> {
  return dialect === 'postgres' ? sql<SqlBool>`v.added_us = any(${[...us]}::bigint[])` : sql<SqlBool>`v.added_us in (select value from json_each(${JSON.stringify(us)}))`;
}

/**
 * Best match first ranks the newest this many matches the reader may see (that pass the other filters),
 * not every match: ranking scores each match it ranks (bm25 needs each match's term counts and length,
 * ts_rank each match's document), and a common word among 1,000,000 objects has a quarter of a million of
 * them (bm25 of 141,747 matches: 130 ms; ts_rank: 820 ms). Counted among what the reader may see, so
 * objects it may not see never move the window. The API docs and the Intelligence list say so.
 */
export const RANKED_AMONG = 1000;

/**
 * The added times of the page after `offset` (and one more) of the matches of `text` the reader may see,
 * best match first among the newest `among` (RANKED_AMONG) of them (equal ranks newest first). The window is the
 * newest-first walk of the words search (SQLite: FTS5 in rowid order joined to the versions, each scored
 * by bm25 as it passes; PostgreSQL: the newest versions matching the tsquery, each ranked by ts_rank), the
 * sharing rule and the filters in the same WHERE as every list. Null when `text` is an observable value.
 */
async function rankedWindow(db: Kysely<StixTables>, dialect: DialectName, among: number, reader: Reader, q: Filters, terms: Terms, offset: number, limit: number, tally?: Tally): Promise<number[] | null> {
  const text = q.text ?? '';
  if (valueQuery(text) !== null) return null;
  // The terms the page's request looked up once for its list and total (termsOf): null only when there are no words.
  const looked = dialect === 'sqlite' ? terms.fts : terms.pg;
  if (queryWords(text).length === 0 || looked === null) return [];
  if (dialect === 'sqlite') {
    const where = conditions(reader, withoutText(q), null, dialect);
    if (!where.ok) throw new Error(`list: ${where.error.message}`);
    const { rows } = await sql<{ us: number }>`select w.us from (
        select stix_fts.rowid as us, bm25(stix_fts) as score from stix_fts ${checkJoin} where stix_fts match ${looked} and ${where.value}
        order by stix_fts.rowid desc limit ${among}) w
      order by w.score, w.us desc limit ${limit + 1} offset ${offset}`.execute(db);
    return rows.map((r) => Number(r.us));
  }
  if (offset >= among) return [];
  const tsquery = looked;
  const where = conditions(reader, q, null, dialect, tsquery);
  if (!where.ok) throw new Error(`list: ${where.error.message}`);
  const sources = visibilitySources(reader);
  if (sources !== null && searchWalk(sources, q, { pg: tsquery })) {
    // The window is the newest `among` matches the reader may see: the first of its walk, as a words search's list reads them.
    // One more is walked, so the walk is also the capped total's (countBySourcesPostgres walks the same with the same WHERE).
    const walked = await walkTimes(db, reader, sources, q, among + 1, where.value);
    if (tally !== undefined) tally.walked = { found: walked.length, upTo: among + 1 };
    const window = walked.slice(0, among);
    const { rows } = await sql<{ us: number | string }>`select v.added_us as us from stix_version v where v.added_us = any(${window}::bigint[])
      order by ts_rank(v.fts, cast(${tsquery} as tsquery)) desc, v.added_us desc limit ${limit + 1} offset ${offset}`.execute(db);
    return rows.map((r) => Number(r.us));
  }
  const rank = async (from: number | null) => {
    const window = db
      .selectFrom('stix_version as v')
      .select(['v.added_us as us', FTS_DOCUMENT.as('doc')])
      .where(where.value)
      .$if(from !== null, (b) => b.where('v.added_us', '>=', from ?? 0))
      .orderBy('v.added_us', 'desc')
      .limit(among);
    const { rows } = await sql<{ us: number | string; n: number | string }>`select w.us, count(*) over () as n from (${window}) w, cast(${tsquery} as tsquery) tq
      order by ts_rank(w.doc, tq) desc, w.us desc limit ${limit + 1} offset ${offset}`.execute(db);
    return { us: rows.map((r) => Number(r.us)), full: Number(rows[0]?.n ?? 0) >= among };
  };
  for (const from of await recentBounds(db, among)) {
    const step = await rank(from);
    if (step.full) return step.us;
  }
  return (await rank(null)).us;
}

/**
 * PostgreSQL: lower bounds on added time for the best match first window, newest first, each taking in
 * about eight times as many versions as the one before (the first RECENT_FIRST per ranked match), from the
 * table's first and last added times and its row estimate (the added time of the N-th newest version would
 * read N index entries, and each of their heap pages while the visibility map is behind: 255 ms for 160,000).
 * A common word's matches fill the window from the newest versions alone, and PostgreSQL then ANDs the
 * full-text index with the added time range instead of sorting all matches (45,066 for "poll worker portal").
 * Whatever the bounds, a step that holds `among` matches holds exactly the newest `among`: the window is the same.
 */
async function recentBounds(db: Kysely<StixTables>, among: number): Promise<number[]> {
  const { rows } = await sql<{ lo: number | string | null; hi: number | string | null; n: number | string | null }>`select
      (select min(added_us) from stix_version) as lo, (select max(added_us) from stix_version) as hi,
      (select reltuples from pg_class where oid = to_regclass('stix_version')) as n`.execute(db);
  const row = rows[0];
  if (row === undefined || row.lo === null || row.hi === null || row.n === null) return [];
  const lo = Number(row.lo);
  const hi = Number(row.hi);
  const total = Number(row.n);
  const bounds: number[] = [];
  for (let versions = among * RECENT_FIRST; versions < total; versions *= 8) {
    const from = Math.floor(hi - ((hi - lo) * versions) / total);
    if (from <= lo) break;
    bounds.push(from);
  }
  return bounds;
}

/** The first step of the best match first window reads about this many of the newest versions per ranked match (100,000 for 1,000). */
const RECENT_FIRST = 100;

/** The versions stored at `us`, in that order. */
async function versionsAt(db: Kysely<StixTables>, dialect: DialectName, us: readonly number[]): Promise<Row[]> {
  if (us.length === 0) return [];
  const rows = await db.selectFrom('stix_version as v').select(COLUMNS).where(addedIn(us, dialect)).execute();
  const byUs = new Map(rows.map((r) => [Number(r.added_us), r]));
  return us.flatMap((u) => byUs.get(u) ?? []);
}

/** A page in modified, name or relevance order: keyset pages for the first two, numbered pages for relevance (its rank is not a stored key). */
async function listSorted(
  db: Kysely<StixTables>,
  dialect: DialectName,
  among: number,
  reader: Reader,
  q: ListQuery & { readonly sort: 'modified' | 'name' | 'relevance' },
  terms: Terms,
  tally?: Tally,
): Promise<Result<Page<StoredVersion>, Problem>> {
  const desc = q.order === 'desc';
  if (q.sort === 'relevance' && (q.text === undefined || q.text.trim() === '')) {
    return err(problem('invalid', 'relevance-needs-q', 'sort=relevance ranks the matches of a search: give q, or sort by modified or name'));
  }
  const position = q.cursor === undefined ? ok(null) : decodeSortedCursor(q.cursor, q.sort, desc);
  if (!position.ok) return position;
  const where = conditions(reader, q, null, dialect, q.sort === 'relevance' ? null : terms.pg);
  if (!where.ok) return where;
  const after = position.value;
  if (q.sort === 'relevance') {
    const offset = after !== null && after.sort === 'relevance' ? after.offset : 0;
    const ranked = await rankedWindow(db, dialect, among, reader, q, terms, offset, q.limit, tally);
    const rows =
      ranked !== null
        ? await versionsAt(db, dialect, ranked)
        : // A value ranks nothing: newest modified first.
          await db.selectFrom('stix_version as v').select(COLUMNS).where(where.value).orderBy('v.mod_key', 'desc').orderBy('v.added_us', 'desc').limit(q.limit + 1).offset(offset).execute();
    const items = toVersions(rows.slice(0, q.limit));
    return ok({ items, nextCursor: rows.length > q.limit ? encodeSortedCursor({ sort: 'relevance', offset: offset + items.length }) : null });
  }
  const key = sortKey(q.sort, dialect);
  const op = desc ? sql`<` : sql`>`;
  const direction = desc ? 'desc' : 'asc';
  const rows = await db
    .selectFrom('stix_version as v')
    .select(COLUMNS)
    .select(key.as('sort_key'))
    .where(where.value)
    .$if(after !== null && after.sort !== 'relevance', (b) =>
      b.where(after !== null && after.sort !== 'relevance' ? sql<SqlBool>`(${key} ${op} ${after.key} or (${key} = ${after.key} and v.added_us ${op} ${after.us}))` : sql<SqlBool>`1 = 1`),
    )
    .orderBy(key, direction)
    .orderBy('v.added_us', direction)
    .limit(q.limit + 1)
    .execute();
  const items = toVersions(rows.slice(0, q.limit));
  const last = rows[q.limit - 1];
  if (rows.length <= q.limit || last === undefined) return ok({ items, nextCursor: null });
  return ok({ items, nextCursor: encodeSortedCursor({ sort: q.sort, desc, key: String(last.sort_key), us: Number(last.added_us) }) });
}

/**
 * What a page's statements learnt that its capped total may use: PostgreSQL's best match first for a member walks the newest
 * matches it may see (walkTimes) under the same WHERE as the count, up to `upTo` of them, and found `found`. Null when
 * the page walked nothing so.
 */
interface Tally {
  walked: { readonly found: number; readonly upTo: number } | null;
}

/**
 * A words search's terms, looked up in the index's vocabulary (pgTextTerms, ftsDriver) once per request:
 * a page and its total share them. Null where the query is no words search or for the other dialect.
 */
interface Terms {
  readonly pg: string | null;
  readonly fts: string | null;
}

/** The read side of the STIX store: each method takes the reader and applies the one predicate. */
export function stixReads(db: Kysely<StixTables>, dialect: DialectName, rankedAmong = RANKED_AMONG) {
  const base = () => db.selectFrom('stix_version as v');
  const kept = new Kept(db);

  const termsOf = async (q: Filters): Promise<Terms> => ({ pg: await pgTextTerms(db, q, dialect), fts: await ftsDriver(db, q, dialect) });

  const list = async (reader: Reader, q: ListQuery): Promise<Result<Page<StoredVersion>, Problem>> => listWith(reader, q, await termsOf(q));

  async function listWith(reader: Reader, q: ListQuery, terms: Terms, tally?: Tally): Promise<Result<Page<StoredVersion>, Problem>> {
    if (!Number.isInteger(q.limit) || q.limit < 1 || q.limit > MAX_PAGE) return err(problem('invalid', 'invalid-limit', `limit must be a whole number from 1 to ${MAX_PAGE}; got ${q.limit}`));
    if (q.sort !== undefined && q.sort !== 'added') return listSorted(db, dialect, rankedAmong, reader, { ...q, sort: q.sort }, terms, tally);
    const desc = q.order === 'desc';
    const position = q.cursor === undefined ? ok(null) : decodeCursor(q.cursor, desc);
    if (!position.ok) return position;
    const where = conditions(reader, q, position.value, dialect, terms.pg);
    if (!where.ok) return where;
    const sources = visibilitySources(reader);
    const direction = desc ? 'desc' : 'asc';
    const fts = terms.fts;
    const values = valueDriver(reader, q, dialect);
    const rows =
      fts !== null
        ? await listByWords(reader, { ...withoutText(q), order: direction }, fts, position.value, q.limit + 1)
        : values !== null
          ? await listByValues(reader, { ...withoutText(q), order: direction }, values, position.value, q.limit + 1)
          : sources !== null && !narrowed(q)
          ? await listBySources(db, dialect, reader, sources, q, position.value)
          : sources !== null && searchWalk(sources, q, terms)
          ? await listBySourcesPostgres(db, reader, sources, q, position.value, where.value)
          : (await sql<Row>`select ${SELECTED} from "stix_version" as "v" where ${where.value} order by "v"."added_us" ${DIRECTION[direction]}, "v"."id" ${DIRECTION[direction]} limit ${q.limit + 1}`.execute(db)).rows;
    const items = toVersions(rows.slice(0, q.limit));
    const last = items[items.length - 1];
    return ok({ items, nextCursor: rows.length > q.limit && last !== undefined ? encodeCursor(last.addedUs, desc) : null });
  }

  /**
   * PostgreSQL, a value search: the versions naming the value (`values`, their stix_value rows) and the
   * other filters, the value's added times sorted first and each joined to its version in that order, so
   * a page stops after the versions it needs; with the value rows as an IN list PostgreSQL looked up every
   * one of them before sorting (10,947 for a /16 block: 1.4 s, then 47 ms).
   */
  async function listByValues(reader: Reader, q: Filters, values: RawBuilder<unknown>, position: Position | null, limit: number): Promise<Row[]> {
    const where = conditions(reader, q, position, dialect);
    if (!where.ok) throw new Error(`list: ${where.error.message}`);
    const order = DIRECTION[q.order === 'desc' ? 'desc' : 'asc'];
    const { rows } = await sql<Row>`select ${SELECTED} from (select c.added_us from (${values}) c group by c.added_us order by c.added_us ${order}) as "c"
      inner join "stix_version" as "v" on "v"."added_us" = "c"."added_us" where ${where.value} order by "c"."added_us" ${order} limit ${limit}`.execute(db);
    return rows;
  }

  /**
   * SQLite, a words search: the versions matching the FTS5 query `fts` and the other filters, read in
   * rowid (added) order from the full-text index, each joined to its version by rowid.
   */
  async function listByWords(reader: Reader, q: Filters, fts: string, position: Position | null, limit: number): Promise<Row[]> {
    const where = conditions(reader, q, position, dialect);
    if (!where.ok) throw new Error(`list: ${where.error.message}`);
    const { rows } = await sql<Row>`select ${SELECTED} from "stix_fts" inner join "stix_version" as "v" on "v"."added_us" = "stix_fts"."rowid"
      where stix_fts match ${fts} and ${where.value} order by "stix_fts"."rowid" ${DIRECTION[q.order === 'desc' ? 'desc' : 'asc']} limit ${limit}`.execute(db);
    return rows;
  }

  const count = async (reader: Reader, q: CountQuery = {}): Promise<number> => countWith(reader, q, await termsOf(q));

  async function countWith(reader: Reader, q: CountQuery, terms: Terms): Promise<number> {
    const { atMost, ...filters } = q;
    if (atMost !== undefined && (!Number.isInteger(atMost) || atMost < 0)) throw new Error(`count: atMost must be a whole number, not ${atMost}`);
    const fts = terms.fts;
    if (fts !== null) {
      const where = conditions(reader, withoutText(filters), null, dialect);
      if (!where.ok) throw new Error(`count: ${where.error.message}`);
      // The reader's sharing ANDed in: FTS5 skips the matches it may not see, which were each looked up to be left out.
      const sharing = ftsSharing(reader);
      const { rows } = await sql<{ n: number }>`select count(*) as n from (select 1 from stix_fts ${checkJoin}
        where stix_fts match ${sharing === null ? fts : `${fts} AND ${sharing}`} and ${where.value} ${atMost === undefined ? sql`` : sql`limit ${sql.lit(atMost + 1)}`})`.execute(db);
      return Number(rows[0]?.n ?? 0);
    }
    const where = conditions(reader, filters, null, dialect, terms.pg, true);
    if (!where.ok) throw new Error(`count: ${where.error.message}`);
    const sources = visibilitySources(reader);
    if (atMost !== undefined && sources !== null && !narrowed(filters)) {
      return dialect === 'postgres' ? countBySourcesPostgres(db, reader, sources, filters, atMost, rowChecks(filters)) : countBySourcesSqlite(db, sources, filters, atMost, kept);
    }
    if (atMost !== undefined && sources !== null && searchWalk(sources, filters, terms)) return countBySourcesPostgres(db, reader, sources, filters, atMost, where.value);
    if (atMost !== undefined) {
      // The cap written in: a bound LIMIT has SQLite prepare the statement again on every run (0.12 ms of a 0.5 ms count).
      const { rows } = await sql<{ n: number }>`select count(*) as "n" from (select 1 as "one" from "stix_version" as "v" where ${where.value} limit ${sql.lit(atMost + 1)}) as "m"`.execute(db);
      return Number(rows[0]?.n ?? 0);
    }
    const row = await base().select((eb) => eb.fn.countAll<number>().as('n')).where(where.value).executeTakeFirstOrThrow();
    return Number(row.n);
  }

  /**
   * A page and how many versions match its filters over all pages, counted up to `atMost + 1` (count's answer).
   * The words' terms are looked up once for both, and a first page that holds every match (no next page) is its
   * own count: no second statement.
   */
  async function listCounted(reader: Reader, q: ListQuery, atMost: number): Promise<Result<Page<StoredVersion> & { readonly counted: number }, Problem>> {
    const { limit: _limit, cursor, order: _order, sort, ...filters } = q;
    const terms = await termsOf(filters);
    const tally: Tally = { walked: null };
    const page = await listWith(reader, q, terms, tally);
    if (!page.ok) return page;
    // Best match first ranks a window of the matches (rankedAmong), so a short page of it may not hold them all.
    if (cursor === undefined && page.value.nextCursor === null && sort !== 'relevance') return ok({ ...page.value, counted: Math.min(page.value.items.length, atMost + 1) });
    // The window's walk found every match, or at least as many as the count would stop at: it is the count.
    const walked = tally.walked;
    if (walked !== null && (walked.found < walked.upTo || atMost + 1 <= walked.upTo)) return ok({ ...page.value, counted: Math.min(walked.found, atMost + 1) });
    return ok({ ...page.value, counted: await countWith(reader, { ...filters, atMost }, terms) });
  }

  /** The latest version of the reader's own record of `id` when it holds one, else of the record it may see that changed last. */
  async function get(reader: Reader, id: StixId): Promise<StoredVersion | null> {
    const where = conditions(reader, { ids: [id] }, null, dialect);
    if (!where.ok) return null;
    const own = reader.kind === 'member' ? reader.orgId : null;
    const row = await base()
      .select(COLUMNS)
      .where(where.value)
      .$if(own !== null, (q) => q.orderBy(sql`case when v.owner = ${own} then 0 else 1 end`))
      .orderBy('v.added_us', 'desc')
      .limit(1)
      .executeTakeFirst();
    return row === undefined ? null : (toVersions([row])[0] ?? null);
  }

  /** Every version the reader may see of `id`: of each record (owner) it may see, oldest version first. */
  async function versions(reader: Reader, id: StixId): Promise<readonly StoredVersion[]> {
    const where = conditions(reader, { ids: [id], versions: 'all' }, null, dialect);
    if (!where.ok) return [];
    const rows = await base().select(COLUMNS).where(where.value).orderBy('v.mod_key').orderBy('v.added_us').execute();
    return toVersions(rows);
  }

  /** A string field of the version's JSON, taken out by the database: matching reads a tenth of the bytes of each indicator. */
  const field = (name: 'pattern' | 'pattern_type' | 'valid_from' | 'valid_until') =>
    dialect === 'postgres' ? sql<string | null>`(v.json::jsonb) ->> ${name}` : sql<string | null>`json_extract(v.json, ${`$.${name}`})`;

  const text = (value: unknown): string | null => (typeof value === 'string' ? value : null);

  async function indicators(reader: Reader, page: { readonly afterUs?: number; readonly limit: number }): Promise<readonly IndicatorFields[]> {
    const visible = visibleTo(reader, 'v.added_us', 'v.owner');
    const rows = await base()
      .select(['v.added_us', 'v.id', 'v.owner', 'v.name'])
      .select([field('pattern').as('pattern'), field('valid_from').as('valid_from'), field('valid_until').as('valid_until')])
      .where('v.type', '=', 'indicator')
      .where('v.is_latest', '=', 1)
      .where('v.revoked', '=', 0)
      .where('v.added_us', '>', page.afterUs ?? -1)
      .where(field('pattern_type'), '=', 'stix')
      .$if(visible !== null, (q) => q.where(() => visible ?? sql<SqlBool>`1 = 1`))
      .orderBy('v.added_us')
      .limit(page.limit)
      .execute();
    const out: IndicatorFields[] = [];
    for (const r of rows) {
      // Validated on the way in, so every stored indicator's pattern is a string; anything else is left out.
      if (typeof r.pattern !== 'string') continue;
      // Rows of stix_version were written by the store: their ids are the branded kinds.
      out.push({ id: r.id as StixId, addedUs: Number(r.added_us), owner: r.owner as OrgId, name: r.name, pattern: r.pattern, validFrom: text(r.valid_from), validUntil: text(r.valid_until) });
    }
    return out;
  }

  /**
   * What changes whenever a version of `type` is added, replaced, demoted or reshared: the type's write count
   * (stix_change, bumped in the writing transaction) and its newest added time, read in one statement.
   */
  async function changeMark(type: string): Promise<string> {
    const { rows } = await sql<{ n: number | string | null; m: number | string | null }>`select
        (select n from stix_change where type = ${type}) as n,
        (select max(added_us) from stix_version where type = ${type}) as m`.execute(db);
    const row = rows[0];
    return `${String(row?.n ?? 0)}:${String(row?.m ?? 0)}`;
  }

  /** changeMark of several types in one statement: one arm per type, each the same two subqueries, in both dialects. */
  async function changeMarks(types: readonly string[]): Promise<readonly string[]> {
    if (types.length === 0) return [];
    const arms = types.map(
      (type, i) => sql`select ${i} as i, (select n from stix_change where type = ${type}) as n, (select max(added_us) from stix_version where type = ${type}) as m`,
    );
    const { rows } = await sql<{ i: number | string; n: number | string | null; m: number | string | null }>`${sql.join(arms, sql` union all `)}`.execute(db);
    const marks = types.map(() => '0:0');
    for (const row of rows) marks[Number(row.i)] = `${String(row.n ?? 0)}:${String(row.m ?? 0)}`;
    return marks;
  }

  /**
   * For each reader, whether it may see the version of `id` stored at `addedUs`: one statement for all of
   * them, the version's row read once and each reader's visibility predicate a column of it (the alert matcher asks
   * this for every organization that might be told of a new version; one query each was most of a status report's
   * cost). One arm per reader, each its own lookup of the row, cost PostgreSQL 43 ms of planning for 100 readers.
   */
  async function seenBy(readers: readonly Reader[], id: StixId, addedUs: number): Promise<boolean[]> {
    const seen = readers.map(() => false);
    for (let from = 0; from < readers.length; from += SEEN_BY_CHUNK) {
      const columns = readers.slice(from, from + SEEN_BY_CHUNK).map((reader, i) => {
        const visible = visibleInRow(reader, 'v', dialect) ?? sql<SqlBool>`1 = 1`;
        return sql`(${visible}) as ${sql.ref(`s${from + i}`)}`;
      });
      const { rows } = await sql<Record<string, unknown>>`select ${sql.join(columns, sql`, `)} from stix_version v where v.added_us = ${addedUs} and v.id = ${id}`.execute(db);
      const row = rows[0];
      if (row === undefined) break;
      // PostgreSQL answers booleans, SQLite 1 or 0.
      for (let i = from; i < Math.min(readers.length, from + SEEN_BY_CHUNK); i++) seen[i] = row[`s${i}`] === true || row[`s${i}`] === 1;
    }
    return seen;
  }

  /** The log of re-shares (stix_reshare): where it stands, or what was logged after `after`. */
  async function reshares(after: number | null, limit: number): Promise<ReshareLog> {
    if (after === null) {
      const newest = await db.selectFrom('stix_reshare').select((eb) => eb.fn.max('seq').as('m')).executeTakeFirst();
      return { through: Number(newest?.m ?? 0), entries: [] };
    }
    const rows = await db.selectFrom('stix_reshare').select(['seq', 'id', 'owner', 'at_us']).where('seq', '>', after).orderBy('seq').limit(limit).execute();
    const entries = rows.map(reshareEntry);
    return { through: entries.at(-1)?.seq ?? after, entries };
  }

  /** The log of re-shares after a time on the store's clock (stix_reshare_at, migration 0048). */
  async function resharedAfter(afterUs: number, limit: number): Promise<readonly ReshareEntry[]> {
    const rows = await db.selectFrom('stix_reshare').select(['seq', 'id', 'owner', 'at_us']).where('at_us', '>', afterUs).orderBy('at_us').limit(limit).execute();
    return rows.map(reshareEntry);
  }

  return { list, count, listCounted, get, versions, seenBy, indicators, changeMark, changeMarks, reshares, resharedAfter };
}

// Rows of stix_reshare were written by the store: their ids are stored objects' ids.
const reshareEntry = (r: { seq: number; id: string; owner: string; at_us: number | null }): ReshareEntry => ({ seq: Number(r.seq), id: r.id as StixId, owner: r.owner, atUs: r.at_us === null ? null : Number(r.at_us) });

/** Readers per statement of seenBy: a member's column binds its keys and its organization (PostgreSQL allows 1,664 columns). */
const SEEN_BY_CHUNK = 200;
