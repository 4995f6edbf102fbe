import type { Kysely } from 'kysely';

/**
 * Support requests in the notification plan: a request may say it is urgent, and alerts and
 * deliveries may be about a support request (`support_id`; their `object_id` is then the request's
 * id and `added_us` the time of the event, so each event is recorded once per person and channel).
 */
export async function up(db: Kysely<unknown>): Promise<void> {
  await db.schema.alterTable('support_request').addColumn('urgent', 'integer', (c) => c.notNull().defaultTo(0)).execute();
  await db.schema.alterTable('notify_alert').addColumn('support_id', 'text').execute();
  await db.schema.alterTable('notify_delivery').addColumn('support_id', 'text').execute();
}
