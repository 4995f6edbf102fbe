import { sql, type Expression, type ExpressionBuilder, type Kysely, type SqlBool } from 'kysely';
import type { OrgId, StixId, UserId } from '../domain/ids.ts';
import type { Database, DialectName } from './db.ts';
import type { StixTables } from './stix-tables.ts';
import type { SupportTables } from './support.ts';
import type { Reader } from './types.ts';
import { visibleTo } from './visibility.ts';

// A type alias, not an interface: Kysely.withTables needs an index-signature-compatible shape.
/**
 * The tables of migration 0013-notifications (times in epoch milliseconds). Id columns carry their branded types:
 * this store writes only parsed ids, so rows read back hold them (`recipient` is a person's or a webhook's id).
 */
export type NotifyTables = {
  notify_rule: { id: string; org_id: OrgId; user_id: UserId | null; name: string; criteria: string; email: string; enabled: number; created_at: number; updated_at: number };
  notify_watch_item: { id: string; org_id: OrgId; kind: string; value: string; label: string | null; created_at: number };
  /** `contacts` (0026): JSON { [alert kind]: { primary, backup } }; the two lists of 0013 are no longer read. */
  notify_org_plan: { org_id: OrgId; defaults_enabled: number; escalate_after_minutes: number; primary_contacts: string; backup_contacts: string; contacts: string; updated_at: number };
  notify_person: { user_id: UserId; email_mode: string; updated_at: number };
  notify_webhook: { id: string; org_id: OrgId; url: string; secret: string; enabled: number; failures: number; disabled_reason: string | null; created_at: number };
  notify_alert: {
    id: string;
    user_id: UserId;
    org_id: OrgId;
    object_id: StixId | null;
    added_us: number | null;
    notice: string | null;
    reasons: string;
    urgent: number;
    created_at: number;
    read_at: number | null;
    acked_at: number | null;
    escalated_at: number | null;
    /** (0026) JSON array of the alert's kinds (incident, status, watch-list, other, support); null on older alerts: every kind. */
    kinds: string | null;
    /** (0032) The support request the alert is about (`object_id` is then null and `added_us` the event's time); null otherwise. */
    support_id: string | null;
  };
  notify_delivery: DeliveryRow;
  notify_cursor: { name: string; last_us: number };
  /** (0038) Moves with every write to what the matcher reads of the directory (triggers). */
  directory_mark: { one: number; n: number | string };
  /** (0038) Which process matches now, until when (epoch ms). */
  notify_lease: { name: string; owner: string; until_ms: number | string };
};

export type DeliveryState = 'pending' | 'delivered' | 'dropped' | 'dead';
export type DeliveryChannel = 'email' | 'webhook' | 'escalation';

export type DeliveryRow = {
  id: string;
  channel: string;
  recipient: string;
  org_id: OrgId;
  alert_id: string | null;
  object_id: StixId | null;
  added_us: number | null;
  mode: string;
  reasons: string;
  urgent: number;
  state: string;
  attempts: number;
  next_at: number;
  lease_owner: string | null;
  lease_until: number | null;
  last_error: string | null;
  created_at: number;
  done_at: number | null;
  /** (0032) As on the alert: the support request the delivery is about, or null. */
  support_id: string | null;
  /** (0033) Which event of the support request: `requested`, `status` or `message:<id>`; null otherwise (and on older support deliveries: a change of status). */
  support_event: string | null;
};

export type AlertRow = NotifyTables['notify_alert'];
export type RuleRow = NotifyTables['notify_rule'];
export type WatchItemRow = NotifyTables['notify_watch_item'];
export type WebhookRow = NotifyTables['notify_webhook'];
export type PlanRow = NotifyTables['notify_org_plan'];

/** A notification-centre row with what the reader may see of the object it is about. */
export type AlertView = AlertRow & { type: string | null; name: string | null; tlp: string | null };

/** How a claimed delivery ended: delivered, dropped (the sharing rule no longer allows it), retried later, or given up. */
export type DeliveryOutcome =
  | { readonly state: 'delivered' }
  | { readonly state: 'dropped'; readonly reason: string }
  | { readonly state: 'retry'; readonly error: string; readonly nextAt: number }
  | { readonly state: 'dead'; readonly error: string };

const num = (v: number | string | null): number | null => (v === null ? null : Number(v));
const deliveryOf = (r: DeliveryRow): DeliveryRow => ({ ...r, added_us: num(r.added_us), urgent: Number(r.urgent), attempts: Number(r.attempts), next_at: Number(r.next_at), lease_until: num(r.lease_until), created_at: Number(r.created_at), done_at: num(r.done_at) });
const alertOf = <T extends AlertRow>(r: T): T => ({ ...r, added_us: num(r.added_us), urgent: Number(r.urgent), created_at: Number(r.created_at), read_at: num(r.read_at), acked_at: num(r.acked_at), escalated_at: num(r.escalated_at) });

const INSERT_CHUNK = 200;
/** Ids per statement when claiming or ending many deliveries (well under SQLite's limit of bound parameters). */
const ID_CHUNK = 500;

/** The SQL of src/notifications: rules, watch lists, plans, webhooks, the notification centre and the outbox. */
export function notificationsStore(database: Database<unknown>) {
  const db: Kysely<NotifyTables & StixTables & SupportTables> = database.db.withTables<NotifyTables & StixTables & SupportTables>();
  const dialect: DialectName = database.dialect;

  return {
    // ---- the matcher's cursor over STIX versions ---------------------------------------------------
    /** Where the matcher stands; on first use, the newest version stored (a new hub does not alert on its past). */
    async cursor(): Promise<number> {
      const row = await db.selectFrom('notify_cursor').select('last_us').where('name', '=', 'match').executeTakeFirst();
      if (row !== undefined) return Number(row.last_us);
      const newest = await db.selectFrom('stix_version').select((eb) => eb.fn.max('added_us').as('m')).executeTakeFirst();
      const start = Number(newest?.m ?? 0);
      await db.insertInto('notify_cursor').values({ name: 'match', last_us: start }).onConflict((oc) => oc.column('name').doNothing()).execute();
      const stored = await db.selectFrom('notify_cursor').select('last_us').where('name', '=', 'match').executeTakeFirstOrThrow();
      return Number(stored.last_us);
    },

    /**
     * The directory's change mark (0038): moves, in the writing transaction, with every write the matcher's
     * view of who watches what depends on. Read it before the directory: what is read after is at least as new.
     */
    async directoryMark(): Promise<string> {
      const row = await db.selectFrom('directory_mark').select('n').where('one', '=', 1).executeTakeFirst();
      return String(row?.n ?? 0);
    },

    /** Takes (or renews) the lease `name` for `owner` until `now + ms` unless another owner holds it past `now`; true when taken. */
    async takeLease(name: string, owner: string, now: number, ms: number): Promise<boolean> {
      const taken = await db
        .insertInto('notify_lease')
        .values({ name, owner, until_ms: now + ms })
        .onConflict((oc) =>
          oc
            .column('name')
            .doUpdateSet({ owner, until_ms: now + ms })
            .where((eb) => eb.or([eb('notify_lease.owner', '=', owner), eb('notify_lease.until_ms', '<', now)])),
        )
        .executeTakeFirst();
      return Number(taken.numInsertedOrUpdatedRows ?? 0) === 1;
    },

    /** Lets the lease go when `owner` still holds it. */
    async releaseLease(name: string, owner: string): Promise<void> {
      await db.deleteFrom('notify_lease').where('name', '=', name).where('owner', '=', owner).execute();
    },

    /**
     * takeLease, and when taken where the matcher's cursor stands (null before it is placed) and the directory's mark (read
     * before the directory, as directoryMark): on PostgreSQL one statement.
     */
    async takeMatchLease(name: string, owner: string, now: number, ms: number): Promise<{ readonly cursor: number | null; readonly mark: string } | null> {
      if (dialect !== 'postgres') {
        if (!(await this.takeLease(name, owner, now, ms))) return null;
        const row = await db.selectFrom('notify_cursor').select('last_us').where('name', '=', 'match').executeTakeFirst();
        return { cursor: row === undefined ? null : Number(row.last_us), mark: await this.directoryMark() };
      }
      const { rows } = await sql<{ taken: number | string; cursor: number | null; mark: number | string | null }>`
        with taken as (
          insert into notify_lease (name, owner, until_ms) values (${name}, ${owner}, ${now + ms})
          on conflict (name) do update set owner = excluded.owner, until_ms = excluded.until_ms where notify_lease.owner = excluded.owner or notify_lease.until_ms < ${now}
          returning 1
        )
        select (select count(*) from taken) as taken, (select last_us from notify_cursor where name = 'match') as cursor, (select n from directory_mark where one = 1) as mark`.execute(db);
      const row = rows[0];
      if (row === undefined || Number(row.taken) !== 1) return null;
      return { cursor: row.cursor === null ? null : Number(row.cursor), mark: String(row.mark ?? 0) };
    },

    /** releaseLease, then unmatched(): on PostgreSQL one statement. */
    async releaseLeaseAndLook(name: string, owner: string): Promise<{ readonly versions: boolean; readonly reshares: boolean }> {
      if (dialect !== 'postgres') {
        await this.releaseLease(name, owner);
        return this.unmatched();
      }
      const { rows } = await sql<{ v: boolean; r: boolean }>`
        with released as (delete from notify_lease where name = ${name} and owner = ${owner})
        select ${UNMATCHED_VERSIONS} as v, ${UNMATCHED_RESHARES} as r`.execute(db);
      const row = rows[0];
      return { versions: row !== undefined && Boolean(row.v), reshares: row !== undefined && Boolean(row.r) };
    },

    /**
     * Whether anything was stored, and whether anything was re-shared, after the matcher's cursors: one statement, for
     * a poll and for the process that lets the matching lease go (it reads only the logs that have something).
     */
    async unmatched(): Promise<{ readonly versions: boolean; readonly reshares: boolean }> {
      const { rows } = await sql<{ v: number | boolean; r: number | boolean }>`select ${UNMATCHED_VERSIONS} as v, ${UNMATCHED_RESHARES} as r`.execute(db);
      const row = rows[0];
      return { versions: row !== undefined && Boolean(row.v), reshares: row !== undefined && Boolean(row.r) };
    },

    /** Where the matcher stands in the log of re-shares (stix_reshare); on first use, its newest entry. */
    async reshareCursor(): Promise<number> {
      const row = await db.selectFrom('notify_cursor').select('last_us').where('name', '=', 'reshare').executeTakeFirst();
      if (row !== undefined) return Number(row.last_us);
      const newest = await db.selectFrom('stix_reshare').select((eb) => eb.fn.max('seq').as('m')).executeTakeFirst();
      await db.insertInto('notify_cursor').values({ name: 'reshare', last_us: Number(newest?.m ?? 0) }).onConflict((oc) => oc.column('name').doNothing()).execute();
      const stored = await db.selectFrom('notify_cursor').select('last_us').where('name', '=', 'reshare').executeTakeFirstOrThrow();
      return Number(stored.last_us);
    },

    /** Re-shares logged after `seq`, oldest first (each the id of a stored object, as its row mapper says). */
    async resharesAfter(seq: number, limit: number): Promise<{ seq: number; id: StixId }[]> {
      const rows = await db.selectFrom('stix_reshare').select(['seq', 'id']).where('seq', '>', seq).orderBy('seq').limit(limit).execute();
      return rows.map((r) => ({ seq: Number(r.seq), id: r.id as StixId }));
    },

    /** Moves the re-share cursor from `from` to `to`; false when another process moved it first. */
    async moveReshareCursor(from: number, to: number): Promise<boolean> {
      const moved = await db.updateTable('notify_cursor').set({ last_us: to }).where('name', '=', 'reshare').where('last_us', '=', from).executeTakeFirst();
      return Number(moved.numUpdatedRows) === 1;
    },

    /**
     * Commits one matching pass: moves the cursor from `from` to `to` and records its alerts and
     * deliveries, all or nothing. False (nothing written) when another process moved the cursor first.
     * A row already recorded (the same person or webhook, object and version) is kept as it was.
     */
    async commitPass(from: number, to: number, alerts: readonly AlertRow[], deliveries: readonly DeliveryRow[]): Promise<boolean> {
      // A pass that matched nothing (most status reports) only moves the cursor: one statement, no transaction around it.
      if (alerts.length === 0 && deliveries.length === 0) return moveCursor(db, from, to);
      if (dialect === 'postgres') return commitPassAlone(db, from, to, alerts, deliveries);
      return db.transaction().execute(async (trx) => {
        if (!(await moveCursor(trx, from, to))) return false;
        await insertRows(trx, alerts, deliveries);
        return true;
      });
    },

    /** Records alerts and deliveries outside a pass (a re-share); rows already there are kept. */
    async record(alerts: readonly AlertRow[], deliveries: readonly DeliveryRow[]): Promise<void> {
      await db.transaction().execute((trx) => insertRows(trx, alerts, deliveries));
    },

    // ---- the outbox -------------------------------------------------------------------------------
    /** Leases up to `limit` due deliveries to `owner` until `leaseUntil`; on PostgreSQL rows another process holds are skipped. */
    async claimDue(owner: string, now: number, leaseUntil: number, limit: number, channels?: readonly DeliveryChannel[]): Promise<DeliveryRow[]> {
      let due = db
        .selectFrom('notify_delivery')
        .select('id')
        .where('state', '=', 'pending')
        .where('next_at', '<=', now)
        .where((eb) => eb.or([eb('lease_until', 'is', null), eb('lease_until', '<', now)]));
      if (channels !== undefined) due = due.where('channel', 'in', channels);
      due = due.orderBy('next_at').limit(limit);
      if (dialect === 'postgres') due = due.forUpdate().skipLocked();
      const rows = await db.updateTable('notify_delivery').set({ lease_owner: owner, lease_until: leaseUntil }).where('id', 'in', due).returningAll().execute();
      return rows.map(deliveryOf).sort((a, b) => a.next_at - b.next_at);
    },

    /**
     * Leases one delivery when it is pending, due and free; null otherwise. Free means nobody holds it, this process
     * included: a queue message for an id this process's own batch is sending (claimDue leased it after the poll
     * queued it) must not send it a second time.
     */
    async claimOne(id: string, owner: string, now: number, leaseUntil: number): Promise<DeliveryRow | null> {
      const row = await db
        .updateTable('notify_delivery')
        .set({ lease_owner: owner, lease_until: leaseUntil })
        .where('id', '=', id)
        .where('state', '=', 'pending')
        .where('next_at', '<=', now)
        .where((eb) => eb.or([eb('lease_until', 'is', null), eb('lease_until', '<', now)]))
        .returningAll()
        .executeTakeFirst();
      return row === undefined ? null : deliveryOf(row);
    },

    /** Due deliveries nobody holds: their ids and attempts, for the queue that hands them to processes. */
    async dueIds(now: number, limit: number): Promise<{ id: string; attempts: number }[]> {
      const rows = await db
        .selectFrom('notify_delivery')
        .select(['id', 'attempts'])
        .where('state', '=', 'pending')
        .where('next_at', '<=', now)
        .where((eb) => eb.or([eb('lease_until', 'is', null), eb('lease_until', '<', now)]))
        .orderBy('next_at')
        .limit(limit)
        .execute();
      return rows.map((r) => ({ id: r.id, attempts: Number(r.attempts) }));
    },

    /** Every pending digest row of these people that is due, leased to `owner` (one email a person carries them all). */
    async claimDigest(owner: string, recipients: readonly string[], now: number, leaseUntil: number): Promise<DeliveryRow[]> {
      const claimed: DeliveryRow[] = [];
      for (let i = 0; i < recipients.length; i += ID_CHUNK) {
        let due = db
          .selectFrom('notify_delivery')
          .select('id')
          .where('state', '=', 'pending')
          .where('channel', '=', 'email')
          .where('mode', '=', 'digest')
          .where('recipient', 'in', recipients.slice(i, i + ID_CHUNK))
          .where('next_at', '<=', now)
          .where((eb) => eb.or([eb('lease_until', 'is', null), eb('lease_until', '<', now), eb('lease_owner', '=', owner)]));
        if (dialect === 'postgres') due = due.forUpdate().skipLocked();
        const rows = await db.updateTable('notify_delivery').set({ lease_owner: owner, lease_until: leaseUntil }).where('id', 'in', due).returningAll().execute();
        claimed.push(...rows.map(deliveryOf));
      }
      return claimed.sort((a, b) => Number(a.added_us) - Number(b.added_us));
    },

    /** Ends (or reschedules) a delivery this owner holds; false when its lease passed to another process meanwhile. */
    async finish(id: string, owner: string, now: number, outcome: DeliveryOutcome): Promise<boolean> {
      return (await finishIn(db, [id], owner, now, outcome)).length === 1;
    },

    /**
     * `finish` for many deliveries in one transaction; the ids whose lease this owner still held.
     * Deliveries that ended the same way (all delivered, dropped for the same reason) are ended by one
     * statement per chunk of ids rather than one each.
     */
    async finishMany(owner: string, now: number, items: readonly { readonly id: string; readonly outcome: DeliveryOutcome }[]): Promise<Set<string>> {
      const alike = new Map<string, { outcome: DeliveryOutcome; ids: string[] }>();
      for (const { id, outcome } of items) {
        const key = JSON.stringify(outcome);
        const group = alike.get(key);
        if (group === undefined) alike.set(key, { outcome, ids: [id] });
        else group.ids.push(id);
      }
      const groups = [...alike.values()];
      const only = groups.length === 1 ? groups[0] : undefined;
      // One statement (most batches: every delivery delivered) needs no transaction around it.
      if (only !== undefined && only.ids.length <= ID_CHUNK) return new Set(await finishIn(db, only.ids, owner, now, only.outcome));
      return db.transaction().execute(async (trx) => {
        const kept = new Set<string>();
        for (const { outcome, ids } of groups) {
          for (let i = 0; i < ids.length; i += ID_CHUNK) for (const id of await finishIn(trx, ids.slice(i, i + ID_CHUNK), owner, now, outcome)) kept.add(id);
        }
        return kept;
      });
    },

    /** SQLite only (one process holds the file): leases of a process that died are free again at start. */
    async releaseAllLeases(): Promise<void> {
      await db.updateTable('notify_delivery').set({ lease_owner: null, lease_until: null }).where('state', '=', 'pending').where('lease_owner', 'is not', null).execute();
    },

    async delivery(id: string): Promise<DeliveryRow | null> {
      const row = await db.selectFrom('notify_delivery').selectAll().where('id', '=', id).executeTakeFirst();
      return row === undefined ? null : deliveryOf(row);
    },

    async deliveries(filter: { readonly orgId?: OrgId; readonly channel?: DeliveryChannel; readonly recipient?: string; readonly state?: DeliveryState; readonly limit: number }): Promise<DeliveryRow[]> {
      let q = db.selectFrom('notify_delivery').selectAll();
      if (filter.orgId !== undefined) q = q.where('org_id', '=', filter.orgId);
      if (filter.channel !== undefined) q = q.where('channel', '=', filter.channel);
      if (filter.recipient !== undefined) q = q.where('recipient', '=', filter.recipient);
      if (filter.state !== undefined) q = q.where('state', '=', filter.state);
      const rows = await q.orderBy('created_at', 'desc').orderBy('id').limit(filter.limit).execute();
      return rows.map(deliveryOf);
    },

    /**
     * The deliveries to an organization's webhook that were given up on, newest first, as the organization (`reader`)
     * may see them now: one about an object only while the store's visibility predicate lets it see that version, one
     * about a support request only while it takes part in it. A re-share that narrows takes the object's id out too.
     */
    async deadLetters(orgId: OrgId, webhookId: string, reader: Reader, limit: number): Promise<DeliveryRow[]> {
      const rows = await db
        .selectFrom('notify_delivery as a')
        .leftJoin('stix_version as v', (join) => join.onRef('v.added_us', '=', 'a.added_us').on('a.support_id', 'is', null))
        .leftJoin('support_request as s', 's.id', 'a.support_id')
        .selectAll('a')
        .where('a.org_id', '=', orgId)
        .where('a.channel', '=', 'webhook')
        .where('a.recipient', '=', webhookId)
        .where('a.state', '=', 'dead')
        .where((eb) => centreVisible(eb, reader))
        .orderBy('a.created_at', 'desc')
        .orderBy('a.id')
        .limit(limit)
        .execute();
      return rows.map(deliveryOf);
    },

    /** Puts a dead delivery of `orgId` back in the queue, due now; false when there is no such dead delivery. */
    async replay(orgId: OrgId, id: string, now: number): Promise<boolean> {
      const result = await db
        .updateTable('notify_delivery')
        .set({ state: 'pending', attempts: 0, next_at: now, done_at: null, lease_owner: null, lease_until: null })
        .where('id', '=', id)
        .where('org_id', '=', orgId)
        .where('state', '=', 'dead')
        .executeTakeFirst();
      return Number(result.numUpdatedRows) === 1;
    },

    /** Counts per state (tests and /metrics). */
    async deliveryCounts(): Promise<Record<string, number>> {
      const rows = await db.selectFrom('notify_delivery').select(['state', (eb) => eb.fn.countAll<number>().as('n')]).groupBy('state').execute();
      return Object.fromEntries(rows.map((r) => [r.state, Number(r.n)]));
    },

    // ---- the notification centre ------------------------------------------------------------------
    /**
     * A person's notifications, newest first, with the object each is about, read under the person's
     * reader: an alert about a version the person may no longer see is not listed.
     */
    async alerts(userId: UserId, reader: Reader, options: { readonly limit: number; readonly unreadOnly?: boolean; readonly before?: number }): Promise<AlertView[]> {
      let q = db
        .selectFrom('notify_alert as a')
        .leftJoin('stix_version as v', (join) => join.onRef('v.added_us', '=', 'a.added_us').on('a.support_id', 'is', null))
        .leftJoin('support_request as s', 's.id', 'a.support_id')
        .selectAll('a')
        .select(['v.type', 'v.tlp', (eb) => eb.fn.coalesce('v.name', 's.title').as('name')])
        .where('a.user_id', '=', userId)
        .where((eb) => centreVisible(eb, reader));
      if (options.unreadOnly === true) q = q.where('a.read_at', 'is', null);
      if (options.before !== undefined) q = q.where('a.created_at', '<', options.before);
      const rows = await q.orderBy('a.created_at', 'desc').orderBy('a.id', 'desc').limit(options.limit).execute();
      return rows.map((r) => alertOf(r as AlertView));
    },

    async unreadCount(userId: UserId, reader: Reader): Promise<number> {
      const row = await db
        .selectFrom('notify_alert as a')
        .leftJoin('stix_version as v', (join) => join.onRef('v.added_us', '=', 'a.added_us').on('a.support_id', 'is', null))
        .leftJoin('support_request as s', 's.id', 'a.support_id')
        .select((eb) => eb.fn.countAll<number>().as('n'))
        .where('a.user_id', '=', userId)
        .where('a.read_at', 'is', null)
        .where((eb) => centreVisible(eb, reader))
        .executeTakeFirstOrThrow();
      return Number(row.n);
    },

    async alert(userId: UserId, id: string): Promise<AlertRow | null> {
      const row = await db.selectFrom('notify_alert').selectAll().where('id', '=', id).where('user_id', '=', userId).executeTakeFirst();
      return row === undefined ? null : alertOf(row);
    },

    async alertById(id: string): Promise<AlertRow | null> {
      const row = await db.selectFrom('notify_alert').selectAll().where('id', '=', id).executeTakeFirst();
      return row === undefined ? null : alertOf(row);
    },

    /** Marks some (or, with `ids` null, all) of a person's notifications read; returns how many changed. */
    async markRead(userId: UserId, ids: readonly string[] | null, now: number): Promise<number> {
      let q = db.updateTable('notify_alert').set({ read_at: now }).where('user_id', '=', userId).where('read_at', 'is', null);
      if (ids !== null) {
        if (ids.length === 0) return 0;
        q = q.where('id', 'in', ids);
      }
      return Number((await q.executeTakeFirst()).numUpdatedRows);
    },

    /** Acknowledges an alert (it is read too), which stops its escalation; false when it is not the person's. */
    async acknowledge(userId: UserId, id: string, now: number): Promise<boolean> {
      const result = await db
        .updateTable('notify_alert')
        .set({ acked_at: sql`coalesce(acked_at, ${now})`, read_at: sql`coalesce(read_at, ${now})` })
        .where('id', '=', id)
        .where('user_id', '=', userId)
        .executeTakeFirst();
      return Number(result.numUpdatedRows) === 1;
    },

    /** Urgent alerts created before `createdBefore` that nobody of the organization acknowledged and that were not escalated yet. */
    async unacknowledgedUrgent(createdBefore: number, limit: number): Promise<AlertRow[]> {
      const rows = await db
        .selectFrom('notify_alert as a')
        .selectAll('a')
        .where('a.urgent', '=', 1)
        .where('a.acked_at', 'is', null)
        .where('a.escalated_at', 'is', null)
        .where('a.created_at', '<', createdBefore)
        .where((eb) => eb.or([eb('a.object_id', 'is not', null), eb('a.support_id', 'is not', null)]))
        .where((eb) =>
          eb.not(
            eb.exists(
              eb
                .selectFrom('notify_alert as b')
                .select('b.id')
                .whereRef('b.org_id', '=', 'a.org_id')
                .whereRef('b.added_us', '=', 'a.added_us')
                .where((b) => b.or([b('b.object_id', '=', b.ref('a.object_id')), b('b.support_id', '=', b.ref('a.support_id'))]))
                .where('b.acked_at', 'is not', null),
            ),
          ),
        )
        .orderBy('a.created_at')
        .limit(limit)
        .execute();
      return rows.map(alertOf);
    },

    /** Marks every alert of an organization about one version (or one event of a support request) as escalated; false when another process did first. */
    async markEscalated(orgId: OrgId, subject: { readonly objectId: StixId } | { readonly supportId: string }, addedUs: number, now: number): Promise<boolean> {
      let q = db.updateTable('notify_alert').set({ escalated_at: now }).where('org_id', '=', orgId).where('added_us', '=', addedUs).where('escalated_at', 'is', null);
      q = 'objectId' in subject ? q.where('object_id', '=', subject.objectId) : q.where('support_id', '=', subject.supportId);
      const result = await q.executeTakeFirst();
      return Number(result.numUpdatedRows) > 0;
    },

    /** Records the alerts and deliveries of a support request's event; rows already there (the same ids) are kept. */
    async recordSupport(alerts: readonly AlertRow[], deliveries: readonly DeliveryRow[]): Promise<void> {
      await db.transaction().execute(async (trx) => {
        if (alerts.length > 0) await trx.insertInto('notify_alert').values(alerts).onConflict((oc) => oc.column('id').doNothing()).execute();
        if (deliveries.length > 0) await trx.insertInto('notify_delivery').values(deliveries).onConflict((oc) => oc.column('id').doNothing()).execute();
      });
    },

    // ---- webhooks ---------------------------------------------------------------------------------
    async webhooks(orgId?: OrgId): Promise<WebhookRow[]> {
      let q = db.selectFrom('notify_webhook').selectAll();
      if (orgId !== undefined) q = q.where('org_id', '=', orgId);
      const rows = await q.orderBy('created_at').orderBy('id').execute();
      return rows.map((r) => ({ ...r, enabled: Number(r.enabled), failures: Number(r.failures), created_at: Number(r.created_at) }));
    },
    async webhook(id: string): Promise<WebhookRow | null> {
      const r = await db.selectFrom('notify_webhook').selectAll().where('id', '=', id).executeTakeFirst();
      return r === undefined ? null : { ...r, enabled: Number(r.enabled), failures: Number(r.failures), created_at: Number(r.created_at) };
    },
    /** Replaces a webhook's stored secret only if it still holds `was` (sealing a plain one at start); false otherwise. */
    async replaceWebhookSecret(id: string, was: string, secret: string): Promise<boolean> {
      const result = await db.updateTable('notify_webhook').set({ secret }).where('id', '=', id).where('secret', '=', was).executeTakeFirst();
      return Number(result.numUpdatedRows) === 1;
    },
    async insertWebhook(row: WebhookRow): Promise<void> {
      await db.insertInto('notify_webhook').values(row).execute();
    },
    async updateWebhook(orgId: OrgId, id: string, patch: Partial<Pick<WebhookRow, 'url' | 'enabled' | 'failures' | 'disabled_reason'>>): Promise<boolean> {
      const result = await db.updateTable('notify_webhook').set(patch).where('id', '=', id).where('org_id', '=', orgId).executeTakeFirst();
      return Number(result.numUpdatedRows) === 1;
    },
    async deleteWebhook(orgId: OrgId, id: string): Promise<boolean> {
      const result = await db.deleteFrom('notify_webhook').where('id', '=', id).where('org_id', '=', orgId).executeTakeFirst();
      return Number(result.numDeletedRows) === 1;
    },
    /** Counts a given-up delivery against its webhook; returns the new count (null when the webhook is gone). */
    async webhookFailed(id: string): Promise<number | null> {
      await db.updateTable('notify_webhook').set({ failures: sql`failures + 1` }).where('id', '=', id).execute();
      const row = await db.selectFrom('notify_webhook').select('failures').where('id', '=', id).executeTakeFirst();
      return row === undefined ? null : Number(row.failures);
    },
    async webhookSucceeded(id: string): Promise<void> {
      await db.updateTable('notify_webhook').set({ failures: 0 }).where('id', '=', id).where('failures', '>', 0).execute();
    },

    // ---- rules, watch lists, plans, people ---------------------------------------------------------
    async rules(filter: { readonly orgId?: OrgId; readonly userId?: UserId | null; readonly enabledOnly?: boolean } = {}): Promise<RuleRow[]> {
      let q = db.selectFrom('notify_rule').selectAll();
      if (filter.orgId !== undefined) q = q.where('org_id', '=', filter.orgId);
      if (filter.userId === null) q = q.where('user_id', 'is', null);
      else if (filter.userId !== undefined) q = q.where('user_id', '=', filter.userId);
      if (filter.enabledOnly === true) q = q.where('enabled', '=', 1);
      const rows = await q.orderBy('created_at').orderBy('id').execute();
      return rows.map((r) => ({ ...r, enabled: Number(r.enabled), created_at: Number(r.created_at), updated_at: Number(r.updated_at) }));
    },
    async insertRule(row: RuleRow): Promise<void> {
      await db.insertInto('notify_rule').values(row).execute();
    },
    async updateRule(id: string, owner: { readonly orgId: OrgId; readonly userId: UserId | null }, patch: Partial<Pick<RuleRow, 'name' | 'criteria' | 'email' | 'enabled' | 'updated_at'>>): Promise<boolean> {
      let q = db.updateTable('notify_rule').set(patch).where('id', '=', id).where('org_id', '=', owner.orgId);
      q = owner.userId === null ? q.where('user_id', 'is', null) : q.where('user_id', '=', owner.userId);
      return Number((await q.executeTakeFirst()).numUpdatedRows) === 1;
    },
    async deleteRule(id: string, owner: { readonly orgId: OrgId; readonly userId: UserId | null }): Promise<boolean> {
      let q = db.deleteFrom('notify_rule').where('id', '=', id).where('org_id', '=', owner.orgId);
      q = owner.userId === null ? q.where('user_id', 'is', null) : q.where('user_id', '=', owner.userId);
      return Number((await q.executeTakeFirst()).numDeletedRows) === 1;
    },

    async watchItems(orgId?: OrgId): Promise<WatchItemRow[]> {
      let q = db.selectFrom('notify_watch_item').selectAll();
      if (orgId !== undefined) q = q.where('org_id', '=', orgId);
      const rows = await q.orderBy('kind').orderBy('value').execute();
      return rows.map((r) => ({ ...r, created_at: Number(r.created_at) }));
    },
    /** False when the organization already watches that value. */
    async insertWatchItem(row: WatchItemRow): Promise<boolean> {
      const inserted = await db.insertInto('notify_watch_item').values(row).onConflict((oc) => oc.columns(['org_id', 'kind', 'value']).doNothing()).returning('id').execute();
      return inserted.length === 1;
    },
    async deleteWatchItem(orgId: OrgId, id: string): Promise<boolean> {
      const result = await db.deleteFrom('notify_watch_item').where('id', '=', id).where('org_id', '=', orgId).executeTakeFirst();
      return Number(result.numDeletedRows) === 1;
    },

    async plans(): Promise<PlanRow[]> {
      const rows = await db.selectFrom('notify_org_plan').selectAll().execute();
      return rows.map((r) => ({ ...r, defaults_enabled: Number(r.defaults_enabled), escalate_after_minutes: Number(r.escalate_after_minutes), updated_at: Number(r.updated_at) }));
    },
    async plan(orgId: OrgId): Promise<PlanRow | null> {
      const row = await db.selectFrom('notify_org_plan').selectAll().where('org_id', '=', orgId).executeTakeFirst();
      return row === undefined ? null : { ...row, defaults_enabled: Number(row.defaults_enabled), escalate_after_minutes: Number(row.escalate_after_minutes), updated_at: Number(row.updated_at) };
    },
    async putPlan(row: PlanRow): Promise<void> {
      await db
        .insertInto('notify_org_plan')
        .values(row)
        .onConflict((oc) => oc.column('org_id').doUpdateSet({ defaults_enabled: row.defaults_enabled, escalate_after_minutes: row.escalate_after_minutes, primary_contacts: row.primary_contacts, backup_contacts: row.backup_contacts, contacts: row.contacts, updated_at: row.updated_at }))
        .execute();
    },

    async people(): Promise<NotifyTables['notify_person'][]> {
      return db.selectFrom('notify_person').selectAll().execute();
    },
    async person(userId: UserId): Promise<NotifyTables['notify_person'] | null> {
      return (await db.selectFrom('notify_person').selectAll().where('user_id', '=', userId).executeTakeFirst()) ?? null;
    },
    async putPerson(userId: UserId, emailMode: string, now: number): Promise<void> {
      await db
        .insertInto('notify_person')
        .values({ user_id: userId, email_mode: emailMode, updated_at: now })
        .onConflict((oc) => oc.column('user_id').doUpdateSet({ email_mode: emailMode, updated_at: now }))
        .execute();
    },
  };
}

export type NotificationsStore = ReturnType<typeof notificationsStore>;

/** Ends (or reschedules) the deliveries of `ids` this owner still holds; returns their ids. */
async function finishIn(db: Kysely<NotifyTables & StixTables & SupportTables>, ids: readonly string[], owner: string, now: number, outcome: DeliveryOutcome): Promise<string[]> {
  const base = db.updateTable('notify_delivery').where('id', 'in', ids).where('lease_owner', '=', owner).where('state', '=', 'pending');
  const done = { lease_owner: null, lease_until: null };
  const rows = await (() => {
    switch (outcome.state) {
      case 'delivered':
        return base.set({ ...done, state: 'delivered', done_at: now, attempts: sql`attempts + 1` }).returning('id').execute();
      case 'dropped':
        return base.set({ ...done, state: 'dropped', done_at: now, last_error: outcome.reason }).returning('id').execute();
      case 'retry':
        return base.set({ ...done, attempts: sql`attempts + 1`, next_at: outcome.nextAt, last_error: outcome.error }).returning('id').execute();
      case 'dead':
        return base.set({ ...done, state: 'dead', attempts: sql`attempts + 1`, done_at: now, last_error: outcome.error }).returning('id').execute();
    }
  })();
  return rows.map((r) => r.id);
}

/** An alert's or a delivery's row (`a`), the version it is about (`v`) and the support request it is about (`s`). */
type CentreQuery = ExpressionBuilder<NotifyTables & StixTables & SupportTables & { a: Pick<NotifyTables['notify_alert'], 'object_id' | 'support_id'>; v: StixTables['stix_version']; s: SupportTables['support_request'] }, 'a' | 'v' | 's'>;

/**
 * Which notifications a reader's centre lists (and which dead letters its webhook's list), decided now: notices,
 * alerts about a version the reader may see (the store's visibility predicate), and alerts about a support request
 * its organization may see (its requester, its provider or a party the requester added).
 */
function centreVisible(eb: CentreQuery, reader: Reader): Expression<SqlBool> {
  const visible = visibleTo(reader, 'v.added_us', 'v.owner');
  const notice = eb.and([eb('a.object_id', 'is', null), eb('a.support_id', 'is', null)]);
  const version = eb.and([eb('a.object_id', 'is not', null), visible ?? sql<SqlBool>`1 = 1`]);
  if (reader.kind !== 'member') return eb.or([notice, version]);
  const orgId = reader.orgId;
  const support = eb.and([
    eb('a.support_id', 'is not', null),
    eb.or([eb('s.requester_org', '=', orgId), eb('s.provider_org', '=', orgId), eb.exists(eb.selectFrom('support_party as p').select('p.org_id').whereRef('p.request_id', '=', 's.id').where('p.org_id', '=', orgId))]),
  ]);
  return eb.or([notice, version, support]);
}

// The newest entry against the cursor: one step down the primary key's index. `exists(… where added_us > (the cursor))`
// was planned without the cursor's value, and PostgreSQL scanned the whole table for a row past it (1,900 pages, 2 ms,
// with 11,000 versions; every pass's end and every poll).
const UNMATCHED_VERSIONS = sql<boolean>`coalesce((select max(added_us) from stix_version), 0) > coalesce((select last_us from notify_cursor where name = 'match'), 0)`;
const UNMATCHED_RESHARES = sql<boolean>`coalesce((select max(seq) from stix_reshare), 0) > coalesce((select last_us from notify_cursor where name = 'reshare'), 0)`;

/**
 * PostgreSQL: commitPass in one statement, so no transaction is held open across round trips: the cursor moved from
 * `from` (its row locked, as the transaction's update did; a pass another process committed first moves nothing) and the
 * pass's rows inserted only when it moved. A row already recorded is kept as it was.
 */
async function commitPassAlone(db: Kysely<NotifyTables & StixTables & SupportTables>, from: number, to: number, alerts: readonly AlertRow[], deliveries: readonly DeliveryRow[]): Promise<boolean> {
  const rowsOf = <T extends object>(table: string, rows: readonly T[], conflict: string) => {
    const first = rows[0];
    if (first === undefined) return null;
    const columns = sql.join(Object.keys(first).map((c) => sql.ref(c)));
    // The rows as one JSON parameter, typed by the table's own columns.
    return sql`insert into ${sql.table(table)} (${columns}) select ${columns} from json_populate_recordset(null::${sql.table(table)}, ${JSON.stringify(rows)}::json)
      where exists (select 1 from moved) on conflict (${sql.raw(conflict)}) do nothing`;
  };
  const inserts = [rowsOf('notify_alert', alerts, 'user_id, object_id, added_us'), rowsOf('notify_delivery', deliveries, 'channel, recipient, object_id, added_us')].flatMap((q, i) => (q === null ? [] : [sql`${sql.raw(`rows_${i}`)} as (${q})`]));
  const { rows } = await sql<{ moved: number | string }>`
    with moved as (update notify_cursor set last_us = ${to} where name = 'match' and last_us = ${from} returning 1),
    ${sql.join(inserts, sql`, `)}
    select count(*) as moved from moved`.execute(db);
  return Number(rows[0]?.moved ?? 0) === 1;
}

/** Moves the matcher's cursor from `from` to `to`; false when another process moved it first. */
async function moveCursor(db: Kysely<NotifyTables & StixTables & SupportTables>, from: number, to: number): Promise<boolean> {
  const moved = await db.updateTable('notify_cursor').set({ last_us: to }).where('name', '=', 'match').where('last_us', '=', from).executeTakeFirst();
  return Number(moved.numUpdatedRows) === 1;
}

async function insertRows(trx: Kysely<NotifyTables & StixTables & SupportTables>, alerts: readonly AlertRow[], deliveries: readonly DeliveryRow[]): Promise<void> {
  for (let i = 0; i < alerts.length; i += INSERT_CHUNK) {
    await trx
      .insertInto('notify_alert')
      .values(alerts.slice(i, i + INSERT_CHUNK))
      .onConflict((oc) => oc.columns(['user_id', 'object_id', 'added_us']).doNothing())
      .execute();
  }
  for (let i = 0; i < deliveries.length; i += INSERT_CHUNK) {
    await trx
      .insertInto('notify_delivery')
      .values(deliveries.slice(i, i + INSERT_CHUNK))
      .onConflict((oc) => oc.columns(['channel', 'recipient', 'object_id', 'added_us']).doNothing())
      .execute();
  }
}
