import type { Kysely } from 'kysely';

/**
 * The outbox by recipient: a person's daily digest claims their due rows (recipient, state, next_at).
 * Without it each claim read every pending row, so a digest for N people cost N × the outbox.
 */
export async function up(db: Kysely<unknown>): Promise<void> {
  await db.schema.createIndex('notify_delivery_recipient').on('notify_delivery').columns(['recipient', 'state', 'next_at']).execute();
}
