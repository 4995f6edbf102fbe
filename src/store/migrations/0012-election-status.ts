import { SqliteAdapter, type Kysely } from 'kysely';

/**
 * Election day. `status_report`: one row per stored version of an x-rampart-status-report, with what
 * the roll-up needs without parsing JSON (election, jurisdiction, when it was reported, the level of
 * each function it names), keyed for "the newest report of each jurisdiction in an election". Who may
 * read a row is still decided by the store's visibility predicate over its stix_version row.
 * `election_expectation`: how often a state wants its jurisdictions to report in a phase, or that it
 * declines to report on an election (workflow, not intelligence: a plain table).
 */
export async function up(db: Kysely<unknown>): Promise<void> {
  const sqlite = db.getExecutor().adapter instanceof SqliteAdapter;
  const big = sqlite ? 'integer' : 'bigint';
  await db.schema
    .createTable('status_report')
    .ifNotExists()
    .addColumn('added_us', big, (c) => c.primaryKey())
    .addColumn('election_ref', 'text', (c) => c.notNull())
    .addColumn('jurisdiction_ref', 'text', (c) => c.notNull())
    .addColumn('state_fips', 'text', (c) => c.notNull())
    .addColumn('reported_us', big, (c) => c.notNull())
    /** 1 when the owner is the jurisdiction itself or its state office: only those reports count. */
    .addColumn('trusted', 'integer', (c) => c.notNull())
    /** JSON object of election function to posted level. */
    .addColumn('levels', 'text', (c) => c.notNull())
    .execute();
  await db.schema.createIndex('status_report_latest').ifNotExists().on('status_report').columns(['election_ref', 'jurisdiction_ref', 'reported_us']).execute();
  await db.schema.createIndex('status_report_time').ifNotExists().on('status_report').columns(['election_ref', 'reported_us']).execute();

  await db.schema
    .createTable('election_expectation')
    .ifNotExists()
    .addColumn('election_ref', 'text', (c) => c.notNull())
    .addColumn('state_fips', 'text', (c) => c.notNull())
    /** '' for every jurisdiction of the state. */
    .addColumn('jurisdiction_ref', 'text', (c) => c.notNull())
    /** '' for every phase. */
    .addColumn('phase', 'text', (c) => c.notNull())
    .addColumn('report_every_minutes', 'integer')
    .addColumn('declined', 'integer', (c) => c.notNull())
    .addColumn('set_by', 'text', (c) => c.notNull())
    .addColumn('set_at', big, (c) => c.notNull())
    .addPrimaryKeyConstraint('election_expectation_pk', ['election_ref', 'state_fips', 'jurisdiction_ref', 'phase'])
    .execute();
}
