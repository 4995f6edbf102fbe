import { SqliteAdapter, type Kysely } from 'kysely';

/**
 * One-time TOTP enrolment codes: an org-admin issues one for a person without an authenticator, who needs it
 * (beside the password) to enrol before a first sign-in. Only the code's hash is kept; one code per person.
 */
export async function up(db: Kysely<unknown>): Promise<void> {
  const bigint = db.getExecutor().adapter instanceof SqliteAdapter ? 'integer' : 'bigint';
  await db.schema
    .createTable('totp_enrolment_code')
    .ifNotExists()
    .addColumn('user_id', 'text', (c) => c.primaryKey())
    .addColumn('code_hash', 'text', (c) => c.notNull())
    .addColumn('issued_by', 'text')
    .addColumn('created_at', bigint, (c) => c.notNull())
    .addColumn('expires_at', bigint, (c) => c.notNull())
    .execute();
}
