import { sql, type Kysely } from 'kysely';

/** The kinds of alert a notification plan names contacts for (src/notifications/schemas.ts ALERT_KINDS when this landed). */
const KINDS = ['incident', 'status', 'watch-list', 'other'] as const;

/**
 * Notification plans per kind of alert: each organization keeps primary and backup contacts for
 * incidents, status changes, watch-list hits and everything else (`contacts`, JSON), and each alert
 * records the kinds it is of (`kinds`, JSON; null on older alerts, which count as every kind). A
 * plan's earlier single lists become the contacts of every kind.
 */
export async function up(db: Kysely<unknown>): Promise<void> {
  await db.schema.alterTable('notify_org_plan').addColumn('contacts', 'text', (c) => c.notNull().defaultTo('{}')).execute();
  await db.schema.alterTable('notify_alert').addColumn('kinds', 'text').execute();
  const { rows } = await sql<{ org_id: string; primary_contacts: string; backup_contacts: string }>`select org_id, primary_contacts, backup_contacts from notify_org_plan`.execute(db);
  for (const row of rows) {
    const primary = JSON.parse(row.primary_contacts) as unknown;
    const backup = JSON.parse(row.backup_contacts) as unknown;
    const contacts = Object.fromEntries(KINDS.map((k) => [k, { primary, backup }]));
    await sql`update notify_org_plan set contacts = ${JSON.stringify(contacts)} where org_id = ${row.org_id}`.execute(db);
  }
}
