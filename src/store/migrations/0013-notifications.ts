import type { Kysely } from 'kysely';

/**
 * Alerts that reach people (issue 12): watch rules and watch lists, each person's notification
 * centre, organizations' webhooks and notification plans, and the durable outbox that delivers them.
 * Times are epoch milliseconds; `added_us` names the STIX version an alert is about.
 */
export async function up(db: Kysely<unknown>): Promise<void> {
  await db.schema
    .createTable('notify_rule')
    .addColumn('id', 'text', (c) => c.primaryKey())
    .addColumn('org_id', 'text', (c) => c.notNull())
    .addColumn('user_id', 'text') // null: the organization's rule, for all its people and its webhooks
    .addColumn('name', 'text', (c) => c.notNull())
    .addColumn('criteria', 'text', (c) => c.notNull()) // JSON, WatchCriteria
    .addColumn('email', 'text', (c) => c.notNull()) // immediate | digest | none
    .addColumn('enabled', 'integer', (c) => c.notNull())
    .addColumn('created_at', 'bigint', (c) => c.notNull())
    .addColumn('updated_at', 'bigint', (c) => c.notNull())
    .execute();
  await db.schema.createIndex('notify_rule_org').on('notify_rule').columns(['org_id', 'user_id']).execute();

  await db.schema
    .createTable('notify_watch_item')
    .addColumn('id', 'text', (c) => c.primaryKey())
    .addColumn('org_id', 'text', (c) => c.notNull())
    .addColumn('kind', 'text', (c) => c.notNull()) // domain | cidr | email-domain | url
    .addColumn('value', 'text', (c) => c.notNull())
    .addColumn('label', 'text')
    .addColumn('created_at', 'bigint', (c) => c.notNull())
    .addUniqueConstraint('notify_watch_item_value', ['org_id', 'kind', 'value'])
    .execute();

  // The notification plan: whether the built-in rules for its kind apply, and who is told when an urgent alert waits.
  await db.schema
    .createTable('notify_org_plan')
    .addColumn('org_id', 'text', (c) => c.primaryKey())
    .addColumn('defaults_enabled', 'integer', (c) => c.notNull())
    .addColumn('escalate_after_minutes', 'integer', (c) => c.notNull())
    .addColumn('primary_contacts', 'text', (c) => c.notNull()) // JSON array of user ids
    .addColumn('backup_contacts', 'text', (c) => c.notNull()) // JSON array of user ids
    .addColumn('updated_at', 'bigint', (c) => c.notNull())
    .execute();

  await db.schema
    .createTable('notify_person')
    .addColumn('user_id', 'text', (c) => c.primaryKey())
    .addColumn('email_mode', 'text', (c) => c.notNull()) // as-rules | digest | none
    .addColumn('updated_at', 'bigint', (c) => c.notNull())
    .execute();

  await db.schema
    .createTable('notify_webhook')
    .addColumn('id', 'text', (c) => c.primaryKey())
    .addColumn('org_id', 'text', (c) => c.notNull())
    .addColumn('url', 'text', (c) => c.notNull())
    .addColumn('secret', 'text', (c) => c.notNull())
    .addColumn('enabled', 'integer', (c) => c.notNull())
    .addColumn('failures', 'integer', (c) => c.notNull()) // deliveries given up on in a row
    .addColumn('disabled_reason', 'text')
    .addColumn('created_at', 'bigint', (c) => c.notNull())
    .execute();
  await db.schema.createIndex('notify_webhook_org').on('notify_webhook').column('org_id').execute();

  // One row per person and object version they were told of (or a notice, object_id null): the notification centre.
  await db.schema
    .createTable('notify_alert')
    .addColumn('id', 'text', (c) => c.primaryKey())
    .addColumn('user_id', 'text', (c) => c.notNull())
    .addColumn('org_id', 'text', (c) => c.notNull())
    .addColumn('object_id', 'text')
    .addColumn('added_us', 'bigint')
    .addColumn('notice', 'text') // plain words of a notice that is about no object
    .addColumn('reasons', 'text', (c) => c.notNull()) // JSON array of rule names
    .addColumn('urgent', 'integer', (c) => c.notNull())
    .addColumn('created_at', 'bigint', (c) => c.notNull())
    .addColumn('read_at', 'bigint')
    .addColumn('acked_at', 'bigint')
    .addColumn('escalated_at', 'bigint')
    .addUniqueConstraint('notify_alert_once', ['user_id', 'object_id', 'added_us'])
    .execute();
  await db.schema.createIndex('notify_alert_user').on('notify_alert').columns(['user_id', 'created_at']).execute();

  // The outbox: one row per delivery (channel, recipient, object version); its id is the stable delivery id receivers see.
  await db.schema
    .createTable('notify_delivery')
    .addColumn('id', 'text', (c) => c.primaryKey())
    .addColumn('channel', 'text', (c) => c.notNull()) // email | webhook
    .addColumn('recipient', 'text', (c) => c.notNull()) // user id (email) or webhook id
    .addColumn('org_id', 'text', (c) => c.notNull())
    .addColumn('alert_id', 'text')
    .addColumn('object_id', 'text')
    .addColumn('added_us', 'bigint')
    .addColumn('mode', 'text', (c) => c.notNull()) // immediate | digest
    .addColumn('reasons', 'text', (c) => c.notNull())
    .addColumn('urgent', 'integer', (c) => c.notNull())
    .addColumn('state', 'text', (c) => c.notNull()) // pending | delivered | dropped | dead
    .addColumn('attempts', 'integer', (c) => c.notNull())
    .addColumn('next_at', 'bigint', (c) => c.notNull())
    .addColumn('lease_owner', 'text')
    .addColumn('lease_until', 'bigint')
    .addColumn('last_error', 'text')
    .addColumn('created_at', 'bigint', (c) => c.notNull())
    .addColumn('done_at', 'bigint')
    .addUniqueConstraint('notify_delivery_once', ['channel', 'recipient', 'object_id', 'added_us'])
    .execute();
  await db.schema.createIndex('notify_delivery_due').on('notify_delivery').columns(['state', 'next_at']).execute();

  // How far the matcher has read the STIX versions (one row, name 'match').
  await db.schema
    .createTable('notify_cursor')
    .addColumn('name', 'text', (c) => c.primaryKey())
    .addColumn('last_us', 'bigint', (c) => c.notNull())
    .execute();
}
