import { sql, type RawBuilder, type SqlBool } from 'kysely';
import { assertNever } from '../domain/assert-never.ts';
import type { DialectName } from './db.ts';
import { keptResults } from './kept-results.ts';
import type { Reader } from './types.ts';

/**
 * THE visibility predicate (DESIGN.md, "who sees what"), the only place it is written: every read
 * of STIX objects puts it in its WHERE clause. `version` and `owner` name the columns of the
 * version's added_us and its owner in the query. Null for the operator, who sees everything.
 */
export function visibleTo(reader: Reader, version: string, owner: string): RawBuilder<SqlBool> | null {
  switch (reader.kind) {
    case 'operator':
      return null;
    case 'public':
      return sql<SqlBool>`exists (select 1 from stix_audience a where a.added_us = ${sql.ref(version)} and a.key = ${'public'})`;
    case 'member': {
      if (reader.keys.length === 0) return sql<SqlBool>`${sql.ref(owner)} = ${reader.orgId}`;
      const keys = sql.join(reader.keys.map((k) => sql`${k}`));
      return sql<SqlBool>`(${sql.ref(owner)} = ${reader.orgId} or exists (select 1 from stix_audience a where a.added_us = ${sql.ref(version)} and a.key in (${keys})))`;
    }
    case 'audience': {
      if (reader.keys.length === 0) return sql<SqlBool>`1 = 0`;
      const keys = sql.join(reader.keys.map((k) => sql`${k}`));
      return sql<SqlBool>`exists (select 1 from stix_audience a where a.added_us = ${sql.ref(version)} and a.key in (${keys}))`;
    }
    default:
      return assertNever(reader);
  }
}

/**
 * The same rule read from the version's own row: its owner, and its `audience` column, the JSON array of
 * the keys its stix_audience rows hold (both are written together, src/store/stix-write.ts). For filters
 * that test many versions one by one (a search, a count): one string test per key on a row already read,
 * where the EXISTS form probes stix_audience once per key (a county member's count of a domain's 2,017
 * matches: 9.5 ms CPU with the probes, 4.3 ms with the column, 3.4 ms with no rule). An audience key is
 * letters, digits, colons and hyphens only (parseAudienceKey), so a key found between quotes is exactly
 * one of the array's elements. `alias` names the stix_version row. Null for the operator.
 */
export function visibleInRow(reader: Reader, alias: string, dialect: DialectName): RawBuilder<SqlBool> | null {
  switch (reader.kind) {
    case 'operator':
      return null;
    case 'public':
      return keptRule(alias, dialect, null, ['public'], false);
    case 'member':
      return keptRule(alias, dialect, reader.orgId, reader.keys, true);
    case 'audience':
      return keptRule(alias, dialect, null, reader.keys, true);
    default:
      return assertNever(reader);
  }
}

/** How many readers' rules keptRule holds (each a few hundred bytes); past it the oldest is dropped. */
const RULES_KEPT = 1024;
const rules = keptResults<RawBuilder<SqlBool>>(RULES_KEPT);

/**
 * rowRule, kept by everything it reads (the alias, the dialect, the owner tested, the keys in order): a county member's
 * search built its rule three times a request (the page, the total on the version and on its value rows), each a fresh
 * fragment that Kysely then compiled, and a reader's keys are read anew on every request, so the rule was rebuilt for
 * every request of the same person. Kept by its inputs, not by the reader: a reader whose keys changed (an organization
 * that joined or left a group, a key revoked) has another entry, so nothing is ever served that its keys do not give.
 * A pure function's results only: no state of the store or of a request is kept here.
 */
function keptRule(alias: string, dialect: DialectName, owner: string | null, keys: readonly string[], grouped: boolean): RawBuilder<SqlBool> {
  const key = `${alias}\u0000${dialect}\u0000${grouped ? 'g' : ''}\u0000${owner ?? ''}\u0000${keys.join('\u0000')}`;
  return rules(key, () => rowRule(alias, dialect, owner, keys, grouped));
}

/**
 * visibleInRow's SQL, `("a"."owner" = $1 or (instr("a"."audience", $2) > 0 or …))` (the owner's test only with `owner`, the
 * keys' parentheses only when `grouped`; `strpos` on PostgreSQL), written as one fragment of text with its values: built as a
 * tree of fragments, column references and a join, a county member's rule was most of what its request built and compiled
 * beyond the operator's (a URL's page and count on SQLite: 130 against 106 KB allocated a request, docs/benchmarks.md,
 * Search). `alias` is a table alias written by the store, never input.
 */
function rowRule(alias: string, dialect: DialectName, owner: string | null, keys: readonly string[], grouped: boolean): RawBuilder<SqlBool> {
  const unique = [...new Set(keys)];
  const holds = `${dialect === 'sqlite' ? 'instr' : 'strpos'}("${alias}"."audience", `;
  const fragments: string[] = [];
  const values: string[] = [];
  // Text before the keys' tests, and after them; values are the owner (when tested) and each key between quotes.
  let head = '';
  if (owner !== null) {
    fragments.push(`("${alias}"."owner" = `);
    values.push(owner);
    head = ' or ';
  }
  const tail = owner === null ? '' : ')';
  if (unique.length === 0) {
    fragments.push(`${head}1 = 0${tail}`);
  } else {
    fragments.push(`${head}${grouped ? '(' : ''}${holds}`);
    for (const [i, key] of unique.entries()) {
      values.push(`"${key}"`);
      fragments.push(i < unique.length - 1 ? `) > 0 or ${holds}` : `) > 0${grouped ? ')' : ''}${tail}`);
    }
  }
  return sql<SqlBool>(Object.assign(fragments, { raw: fragments }), ...values);
}

/**
 * SQLite: a version's sharing as words of the `sharing` column of its full-text row (migration 0046): one word per
 * audience key and one for its owner, each the key's letters and digits after a mark no search word starts with
 * (`0s` for a key, `0o` for the owner), so that FTS5 itself can leave out what a reader may not see (ftsSharing).
 * Keys and organization ids are letters, digits, colons and hyphens (parseAudienceKey, ids): dropping the last two
 * keeps them apart. Migration 0046 writes the same words in SQL.
 */
export const sharingWord = (key: string): string => `0s${key.replace(/[^a-zA-Z0-9]/g, '')}`;
export const ownerWord = (org: string): string => `0o${org.replace(/[^a-zA-Z0-9]/g, '')}`;

/** The `sharing` column's words of a version owned by `owner` with `audience` (its audience column, JSON). */
export function sharingWords(owner: string, audience: string): string {
  return [...(JSON.parse(audience) as string[]).map(sharingWord), ownerWord(owner)].join(' ');
}

/**
 * The same rule as an FTS5 query on the `sharing` column, to AND with a words search so that FTS5 skips the matches the
 * reader may not see instead of each being looked up and tested (SQLite, a count of a words search: a county member
 * looked up 3,300 matches of `impersonat` to count 1,001 it may see, the operator 1,001). It only narrows: the
 * version's own row is still tested with visibleInRow. Null for the operator, and for a reader with no key.
 */
export function ftsSharing(reader: Reader): string | null {
  const words = (keys: readonly string[]) => (keys.length === 0 ? null : `{sharing} : (${[...new Set(keys)].map((k) => `"${k}"`).join(' OR ')})`);
  switch (reader.kind) {
    case 'operator':
      return null;
    case 'public':
      return words([sharingWord('public')]);
    case 'member':
      return words([...reader.keys.map(sharingWord), ownerWord(reader.orgId)]);
    case 'audience':
      return words(reader.keys.map(sharingWord));
    default:
      return assertNever(reader);
  }
}

/**
 * The same rule, read the other way round for listing in added order: the audience keys whose
 * versions a reader may see, and the organization whose own objects it sees. Each is an index
 * range in time order (stix_audience by key, stix_version by owner), so a page costs about what it
 * returns instead of a scan past everything the reader may not see. Null for the operator.
 */
export function visibilitySources(reader: Reader): { readonly keys: readonly string[]; readonly owner: string | null } | null {
  switch (reader.kind) {
    case 'operator':
      return null;
    case 'public':
      return { keys: ['public'], owner: null };
    case 'member':
      return { keys: [...new Set(reader.keys)], owner: reader.orgId };
    case 'audience':
      return { keys: [...new Set(reader.keys)], owner: null };
    default:
      return assertNever(reader);
  }
}

/**
 * Everything the visibility predicate reads of a reader (its kind, organization and audience keys), as one
 * string: two readers with the same string see the same versions, so what was read for one serves the other.
 */
export function visibilityKey(reader: Reader): string {
  switch (reader.kind) {
    case 'operator':
    case 'public':
      return reader.kind;
    case 'member':
      return `member ${reader.orgId} ${[...new Set(reader.keys)].sort().join(' ')}`;
    case 'audience':
      return `audience ${[...new Set(reader.keys)].sort().join(' ')}`;
    default:
      return assertNever(reader);
  }
}
