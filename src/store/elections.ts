import { sql, type Kysely, type RawBuilder, type SqlBool } from 'kysely';
import type { ElectionFunction, StatusLevel } from '../domain/election.ts';
import type { OrgId, StixId } from '../domain/ids.ts';
import type { Tlp } from '../domain/tlp.ts';
import { ELECTION_TYPE } from '../stix/rampart-ids.ts';
import type { Database } from './db.ts';
import type { ElectionTables } from './status-index.ts';
import type { StixTables } from './stix-tables.ts';
import type { Reader } from './types.ts';
import { visibilitySources, visibleTo } from './visibility.ts';

/** One stored status report as the roll-up and the timeline read it (no JSON parsed but the levels). */
export interface StatusEntry {
  readonly id: StixId;
  readonly addedUs: number;
  readonly jurisdictionRef: string;
  readonly stateFips: string;
  /** The earlier of the report's `created` and when this store received it, in microseconds. */
  readonly reportedUs: number;
  readonly levels: Readonly<Partial<Record<ElectionFunction, StatusLevel>>>;
  readonly owner: OrgId;
  readonly tlp: Tlp;
}

export interface Expectation {
  readonly electionRef: string;
  readonly stateFips: string;
  /** '' for every jurisdiction of the state. */
  readonly jurisdictionRef: string;
  /** '' for every phase. */
  readonly phase: string;
  readonly reportEveryMinutes: number | null;
  readonly declined: boolean;
  readonly setBy: OrgId;
  readonly setAtUs: number;
}

/**
 * What a cache of an election's roll-up compares (migration 0042): the newest added time of its reports (a new
 * report raises it), the count of every other change to status reports and expectations, and the elections'
 * change count (stix_change). Reveals nothing of any report.
 */
export interface StatusMark {
  readonly newestUs: number;
  readonly changes: number;
  readonly elections: number;
  /**
   * The newest added time of the versions of this election's reports, and of the election itself, that name one of
   * the person keys asked about (`user:`, TLP:RED to a person) in their audience; 0 when none does (or none asked).
   */
  readonly personUs: number;
}

export interface ElectionStatusRepository {
  /**
   * The election's status mark, in one statement of three index lookups, and a fourth over the stix_audience rows
   * of `personKeys` (a person's `user:` keys: what they name is few) when given.
   */
  statusMark(electionRef: string, personKeys?: readonly string[]): Promise<StatusMark>;
  /**
   * The status reports `reader` may see (the same rule and the same counted reports as `latest`) added in
   * (afterUs, uptoUs]: what a cached `latest` merges when only new reports were added since it was read.
   */
  addedBetween(reader: Reader, electionRef: string, afterUs: number, uptoUs: number): Promise<StatusEntry[]>;
  /**
   * The newest status report of each jurisdiction of an election that `reader` may see (the store's
   * visibility predicate, inside the query), counting only reports its jurisdiction or its state office
   * published, never a revoked or superseded version. Optionally only for some jurisdictions.
   */
  latest(reader: Reader, electionRef: string, jurisdictions?: readonly string[]): Promise<StatusEntry[]>;
  /** The reports `reader` may see, newest first, before `beforeUs` when given. */
  timeline(reader: Reader, electionRef: string, options: { readonly jurisdictions?: readonly string[]; readonly beforeUs?: number; readonly limit: number }): Promise<StatusEntry[]>;
  expectations(electionRef: string): Promise<Expectation[]>;
  /** Sets (or, with null, removes) one expectation row. */
  setExpectation(key: Pick<Expectation, 'electionRef' | 'stateFips' | 'jurisdictionRef' | 'phase'>, value: Pick<Expectation, 'reportEveryMinutes' | 'declined' | 'setBy' | 'setAtUs'> | null): Promise<void>;
}

interface Row {
  added_us: number | string;
  id: string;
  jurisdiction_ref: string;
  state_fips: string;
  reported_us: number | string;
  levels: string;
  owner: string;
  tlp: string;
}

function toEntry(r: Row): StatusEntry {
  return {
    id: r.id as StixId,
    addedUs: Number(r.added_us),
    jurisdictionRef: r.jurisdiction_ref,
    stateFips: r.state_fips,
    reportedUs: Number(r.reported_us),
    levels: JSON.parse(r.levels) as Partial<Record<ElectionFunction, StatusLevel>>,
    owner: r.owner as OrgId,
    tlp: r.tlp as Tlp,
  };
}

const COLUMNS = sql`s.added_us, v.id, s.jurisdiction_ref, s.state_fips, s.reported_us, s.levels, v.owner, v.tlp`;

/** The election-day tables of the store: the status index and the states' expectations. */
export function electionStatusStore(database: Database<unknown>): ElectionStatusRepository {
  const db: Kysely<StixTables & ElectionTables> = database.db.withTables<StixTables & ElectionTables>();
  const counted = (alias: string, version: string, reader: Reader): RawBuilder<SqlBool> => {
    const visible = visibleTo(reader, `${version}.added_us`, `${version}.owner`);
    const base = sql<SqlBool>`${sql.ref(`${alias}.trusted`)} = 1 and ${sql.ref(`${version}.is_latest`)} = 1 and ${sql.ref(`${version}.revoked`)} = 0`;
    return visible === null ? base : sql<SqlBool>`${base} and ${visible}`;
  };

  /**
   * Some added times as one parameter (an array on PostgreSQL, a JSON array read by json_each on SQLite),
   * so a reader who may see thousands of reports neither meets a limit on parameters nor compiles a new
   * statement for each length; both planners read it as a short list of keys.
   */
  const addedList = (ids: readonly number[]): RawBuilder<unknown> =>
    database.dialect === 'postgres' ? sql`select unnest(${ids}::int8[])` : sql`select value from json_each(${JSON.stringify(ids)})`;

  return {
    async statusMark(electionRef, personKeys = []) {
      const person =
        personKeys.length === 0
          ? sql`0`
          : sql`(select max(a.added_us) from stix_audience a where a.key in (${sql.join(personKeys)})
              and (exists (select 1 from status_report s where s.added_us = a.added_us and s.election_ref = ${electionRef})
                or exists (select 1 from stix_version v where v.added_us = a.added_us and v.id = ${electionRef})))`;
      const { rows } = await sql<{ newest: number | string | null; changes: number | string | null; elections: number | string | null; person: number | string | null }>`select
          (select max(added_us) from status_report where election_ref = ${electionRef}) as newest,
          (select n from status_change where one = 1) as changes,
          (select n from stix_change where type = ${ELECTION_TYPE}) as elections,
          ${person} as person`.execute(db);
      const row = rows[0];
      return { newestUs: Number(row?.newest ?? 0), changes: Number(row?.changes ?? 0), elections: Number(row?.elections ?? 0), personUs: Number(row?.person ?? 0) };
    },

    async addedBetween(reader, electionRef, afterUs, uptoUs) {
      if (uptoUs <= afterUs) return [];
      const { rows } = await sql<Row>`
        select ${COLUMNS} from status_report s join stix_version v on v.added_us = s.added_us
        where s.election_ref = ${electionRef} and s.added_us > ${afterUs} and s.added_us <= ${uptoUs} and ${counted('s', 'v', reader)}`.execute(db);
      return rows.map(toEntry);
    },

    async latest(reader, electionRef, jurisdictions) {
      if (jurisdictions !== undefined && jurisdictions.length === 0) return [];
      const only = jurisdictions === undefined ? sql`` : sql` and s1.jurisdiction_ref in (${sql.join(jurisdictions)})`;
      let which = sql`select distinct s1.jurisdiction_ref from status_report s1 where s1.election_ref = ${electionRef}${only}`;
      const sources = visibilitySources(reader);
      if (sources !== null) {
        if (sources.keys.length === 0 && sources.owner === null) return [];
        // A member: only the jurisdictions among the reports its sources yield (its audience keys in
        // stix_audience, its own organization in stix_version; visibilitySources), each source read over
        // the added times of this election's reports only, so the work follows what the reader may see,
        // not every report. The bounds come first: one index seek each (status_report_added), and
        // nothing more to do for an election without reports. What the sources yield is only where to
        // look; THE predicate decides below.
        const { rows: span } = await sql<{ lo: number | string | null; hi: number | string | null }>`
          select (select min(added_us) from status_report where election_ref = ${electionRef}) as lo,
                 (select max(added_us) from status_report where election_ref = ${electionRef}) as hi`.execute(db);
        const lo = span[0]?.lo ?? null;
        const hi = span[0]?.hi ?? null;
        if (lo === null || hi === null) return [];
        const parts = [];
        if (sources.keys.length > 0) parts.push(sql`select a.added_us from stix_audience a where a.key in (${sql.join(sources.keys)}) and a.added_us >= ${Number(lo)} and a.added_us <= ${Number(hi)}`);
        if (sources.owner !== null) parts.push(sql`select o.added_us from stix_version o where o.owner = ${sources.owner} and o.added_us >= ${Number(lo)} and o.added_us <= ${Number(hi)}`);
        const { rows: found } = await sql<{ added_us: number | string }>`${sql.join(parts, sql` union `)}`.execute(db);
        if (found.length === 0) return [];
        which = sql`${which} and s1.added_us in (${addedList(found.map((r) => Number(r.added_us)))})`;
      }
      // Per jurisdiction, its reports newest first (an index range), the first one counted and, for a
      // member, visible to it: THE predicate decides inside the query, for about one report per jurisdiction.
      // Two reports of one jurisdiction at the same microsecond: the later stored wins.
      const { rows: picked } = await sql<{ added_us: number | string | null }>`
        select (
          select s2.added_us from status_report s2 join stix_version v2 on v2.added_us = s2.added_us
          where s2.election_ref = ${electionRef} and s2.jurisdiction_ref = j.jurisdiction_ref and ${counted('s2', 'v2', reader)}
          order by s2.reported_us desc, s2.added_us desc limit 1
        ) as added_us from (${which}) j`.execute(db);
      const newest = picked.flatMap((r) => (r.added_us === null ? [] : [Number(r.added_us)]));
      if (newest.length === 0) return [];
      // Their columns by key (the predicate again: every read of these rows carries it). As a separate
      // statement, not an IN over the query above: PostgreSQL then hashed all of stix_version.
      const { rows } = await sql<Row>`
        select ${COLUMNS} from status_report s join stix_version v on v.added_us = s.added_us
        where s.added_us in (${addedList(newest)}) and ${counted('s', 'v', reader)}`.execute(db);
      return rows.map(toEntry);
    },

    async timeline(reader, electionRef, options) {
      if (options.jurisdictions !== undefined && options.jurisdictions.length === 0) return [];
      const only = options.jurisdictions === undefined ? sql`` : sql` and s.jurisdiction_ref in (${sql.join(options.jurisdictions)})`;
      const before = options.beforeUs === undefined ? sql`` : sql` and s.reported_us < ${options.beforeUs}`;
      const { rows } = await sql<Row>`
        select ${COLUMNS} from status_report s join stix_version v on v.added_us = s.added_us
        where s.election_ref = ${electionRef} and ${counted('s', 'v', reader)}${only}${before}
        order by s.reported_us desc, s.added_us desc limit ${options.limit}`.execute(db);
      return rows.map(toEntry);
    },

    async expectations(electionRef) {
      const rows = await db.selectFrom('election_expectation').selectAll().where('election_ref', '=', electionRef).execute();
      return rows.map((r) => ({
        electionRef: r.election_ref,
        stateFips: r.state_fips,
        jurisdictionRef: r.jurisdiction_ref,
        phase: r.phase,
        reportEveryMinutes: r.report_every_minutes === null ? null : Number(r.report_every_minutes),
        declined: Number(r.declined) !== 0,
        setBy: r.set_by as OrgId,
        setAtUs: Number(r.set_at),
      }));
    },

    async setExpectation(key, value) {
      await db.transaction().execute(async (trx) => {
        await trx
          .deleteFrom('election_expectation')
          .where('election_ref', '=', key.electionRef)
          .where('state_fips', '=', key.stateFips)
          .where('jurisdiction_ref', '=', key.jurisdictionRef)
          .where('phase', '=', key.phase)
          .execute();
        if (value === null) return;
        await trx
          .insertInto('election_expectation')
          .values({
            election_ref: key.electionRef,
            state_fips: key.stateFips,
            jurisdiction_ref: key.jurisdictionRef,
            phase: key.phase,
            report_every_minutes: value.reportEveryMinutes,
            declined: value.declined ? 1 : 0,
            set_by: value.setBy,
            set_at: value.setAtUs,
          })
          .execute();
      });
    },
  };
}
