import type { Kysely } from 'kysely';

/**
 * A support request may be about an incident (`incident_id`, the incident's STIX id): the request shows its
 * incident, and the incident its requests, each only to readers who may see the incident.
 */
export async function up(db: Kysely<unknown>): Promise<void> {
  await db.schema.alterTable('support_request').addColumn('incident_id', 'text').execute();
  await db.schema.createIndex('support_request_incident').ifNotExists().on('support_request').column('incident_id').execute();
}
