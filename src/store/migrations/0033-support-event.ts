import type { Kysely } from 'kysely';

/**
 * What a delivery about a support request tells (`support_event`): `requested`, `status` (a change of
 * status) or `message:<message id>` (a new message), so that a webhook says which event it carries and
 * includes the message; null on deliveries about shared objects and on support deliveries before this.
 */
export async function up(db: Kysely<unknown>): Promise<void> {
  await db.schema.alterTable('notify_delivery').addColumn('support_event', 'text').execute();
}
