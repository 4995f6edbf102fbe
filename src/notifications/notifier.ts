import { randomUUID } from 'node:crypto';
import type { OrgId } from '../domain/ids.ts';
import { RAMPART_NAMESPACE, uuidV5 } from '../domain/uuid.ts';
import type { AlertRow, DeliveryRow, NotificationsStore } from '../store/notifications.ts';
import type { StixStore } from '../store/types.ts';
import { claimById, DEFAULT_POLICY, deliverAllDue, deliverClaimed, type DeliverDeps, type DeliveryPolicy } from './deliver.ts';
import type { DeliveryQueue } from './jetstream.ts';
import type { Directory, KeysOf } from './directory.ts';
import type { Mailer } from './email.ts';
import { alertId, deliveryId, matchPass, PASS_SIZE, reshareCatchUp, type MatcherDeps } from './matcher.ts';
import { kindsOfRow, planContacts } from './rules.ts';
import { recordSupportEvent, type SupportEvent } from './support-alerts.ts';
import { httpWebhookSender, type WebhookSender } from './webhook.ts';
import type { SecretBox } from '../auth/secret-box.ts';

/** Minutes an urgent alert may wait unacknowledged before the backup contacts are told, when the plan says nothing. */
export const DEFAULT_ESCALATE_MINUTES = 30;
/** The lease (notify_lease) of the process that matches new versions. */
const MATCH_LEASE = 'match';

/** What there is to match: versions stored after the matcher's cursor, re-shares logged after its re-share cursor. */
interface Pending {
  readonly versions: boolean;
  readonly reshares: boolean;
}

/** Two rounds' worth of what they were told, as one: asking the store (null) covers anything. */
const eitherTold = (a: Pending | null, b: Pending | null): Pending | null => (a === null || b === null ? null : { versions: a.versions || b.versions, reshares: a.reshares || b.reshares });
/** Hour of the day (UTC) the daily digest goes out: 12:00 UTC is 7 in the morning on the East Coast. */
export const DEFAULT_DIGEST_HOUR_UTC = 12;

export interface NotifierOptions {
  readonly stix: Pick<StixStore, 'list' | 'versions' | 'get' | 'seenBy'>;
  readonly store: NotificationsStore;
  readonly directory: Directory;
  readonly keysOf: KeysOf;
  /** keysOf(id, null) of many organizations at once (the matcher's pass); one keysOf each without it. */
  readonly keysOfKnown?: MatcherDeps['keysOfKnown'];
  readonly mailer: Mailer;
  readonly clock: { now(): Date };
  readonly sendWebhook?: WebhookSender;
  /** Opens webhook secrets sealed under the server key. */
  readonly secretBox: SecretBox;
  readonly policy?: Partial<DeliveryPolicy>;
  /** How often to look for due retries, digests and escalations without being told of a change (default 2 s). */
  readonly pollMs?: number;
  readonly digestHourUtc?: number;
  readonly baseUrl?: string | null;
  /** Several processes (RAMPART_NATS_URL): due deliveries go through this queue instead of each process polling the outbox. */
  readonly queue?: DeliveryQueue;
  /** SQLite: this process alone delivers from the file, so leases left by a killed process are freed at start. */
  readonly soleProcess?: boolean;
  /** A support request as an organization may see it now: support alerts are checked against it at delivery. */
  readonly supportRequest?: DeliverDeps['supportRequest'];
  /** The messages of a support request: a webhook of a new message carries it. */
  readonly supportMessages?: DeliverDeps['supportMessages'];
  readonly log: { info(fields: Record<string, unknown>, message: string): void; warn(fields: Record<string, unknown>, message: string): void; error(fields: Record<string, unknown>, message: string): void };
}

/** The background worker of alerts: matches new versions, delivers the outbox, escalates. Started by `rampart serve`. */
export interface Notifier {
  start(): Promise<void>;
  /** Stops after the round in progress; deliveries it holds are finished or left to their leases. */
  stop(): Promise<void>;
  /** Something was stored or re-shared: look now rather than at the next poll. */
  changed(change: { readonly kind: 'stored' } | { readonly kind: 'reshared'; readonly id: string }): void;
  /** One full round (tests wait on it instead of on time). */
  round(): Promise<void>;
  /** Tells an organization's org-admins something in the notification centre and by email. */
  notice(orgId: OrgId, text: string): Promise<void>;
  /** Records the alerts and deliveries of a support request's event (before the caller is answered), then delivers them. */
  support(event: SupportEvent): Promise<void>;
}

/** The next digest time after `now`: today's digest hour, or tomorrow's when it has passed. */
export function nextDigestAt(now: number, hourUtc: number): number {
  const d = new Date(now);
  const today = Date.UTC(d.getUTCFullYear(), d.getUTCMonth(), d.getUTCDate(), hourUtc);
  return today > now ? today : today + 86_400_000;
}

export function createNotifier(options: NotifierOptions): Notifier {
  const now = () => options.clock.now().getTime();
  const policy: DeliveryPolicy = { ...DEFAULT_POLICY, ...options.policy };
  const owner = `${process.pid}-${randomUUID()}`;
  const digestHour = options.digestHourUtc ?? DEFAULT_DIGEST_HOUR_UTC;
  const matcherDeps: MatcherDeps = {
    stix: options.stix,
    store: options.store,
    directory: options.directory,
    keysOf: options.keysOf,
    ...(options.keysOfKnown === undefined ? {} : { keysOfKnown: options.keysOfKnown }),
    now,
    nextDigestAt: (t) => nextDigestAt(t, digestHour),
    cache: { current: null },
  };
  const deliverDeps = {
    stix: options.stix,
    store: options.store,
    directory: options.directory,
    keysOf: options.keysOf,
    mailer: options.mailer,
    sendWebhook: options.sendWebhook ?? httpWebhookSender(),
    secretBox: options.secretBox,
    now,
    policy,
    owner,
    baseUrl: options.baseUrl ?? null,
    log: options.log,
    ...(options.supportRequest === undefined ? {} : { supportRequest: options.supportRequest }),
    ...(options.supportMessages === undefined ? {} : { supportMessages: options.supportMessages }),
  };

  async function notice(orgId: OrgId, text: string): Promise<void> {
    const admins = (await options.directory.people()).filter((p) => p.orgId === orgId && p.role === 'org-admin');
    const at = now();
    const alerts: AlertRow[] = [];
    const deliveries: DeliveryRow[] = [];
    for (const admin of admins) {
      const id = uuidV5(`notice|${admin.id}|${at}|${text}`, RAMPART_NAMESPACE);
      alerts.push({ id, user_id: admin.id, org_id: orgId, object_id: null, added_us: null, notice: text, reasons: '["Notice"]', urgent: 0, created_at: at, read_at: null, acked_at: null, escalated_at: null, kinds: null, support_id: null });
      deliveries.push({ id, channel: 'email', recipient: admin.id, org_id: orgId, alert_id: id, object_id: null, added_us: null, mode: 'immediate', reasons: '["Notice"]', urgent: 0, state: 'pending', attempts: 0, next_at: at, lease_owner: null, lease_until: null, last_error: null, created_at: at, done_at: null, support_id: null, support_event: null });
    }
    await options.store.record(alerts, deliveries);
  }

  /** Urgent alerts nobody of the organization acknowledged in time go to its backup contacts, once. */
  async function escalate(): Promise<void> {
    const at = now();
    const waiting = await options.store.unacknowledgedUrgent(at - 5 * 60_000, 200);
    if (waiting.length === 0) return;
    const plans = new Map((await options.store.plans()).map((p) => [p.org_id, p]));
    const done = new Set<string>();
    for (const alert of waiting) {
      const subjectId = alert.object_id ?? alert.support_id;
      if (subjectId === null || alert.added_us === null) continue;
      const key = `${alert.org_id}|${subjectId}|${alert.added_us}`;
      if (done.has(key)) continue;
      const plan = plans.get(alert.org_id);
      const minutes = plan?.escalate_after_minutes ?? DEFAULT_ESCALATE_MINUTES;
      if (alert.created_at > at - minutes * 60_000) continue;
      done.add(key);
      // The backup contacts of the alert's kinds (an incident that hit the watch list: of both).
      const contacts = plan === undefined ? null : planContacts(plan.contacts);
      const backups = contacts === null ? [] : [...new Set(kindsOfRow(alert.kinds).flatMap((k) => contacts[k].backup))];
      const subject = alert.object_id === null ? { supportId: subjectId } : { objectId: alert.object_id };
      if (!(await options.store.markEscalated(alert.org_id, subject, alert.added_us, at))) continue;
      const alerts: AlertRow[] = [];
      const deliveries: DeliveryRow[] = [];
      const reasons = JSON.stringify([`Urgent and not acknowledged within ${minutes} minutes`]);
      for (const userId of backups) {
        const person = await options.directory.person(userId);
        if (person === null || person.orgId !== alert.org_id) continue;
        const id = alertId(userId, subjectId, alert.added_us);
        alerts.push({ ...alert, id, user_id: userId, reasons, created_at: at, read_at: null, acked_at: null, escalated_at: at });
        deliveries.push({ id: deliveryId('escalation', userId, subjectId, alert.added_us), channel: 'escalation', recipient: userId, org_id: alert.org_id, alert_id: id, object_id: alert.object_id, support_id: alert.support_id, added_us: alert.added_us, mode: 'immediate', reasons, urgent: 1, state: 'pending', attempts: 0, next_at: at, lease_owner: null, lease_until: null, last_error: null, created_at: at, done_at: null, support_event: null });
      }
      // Support alerts are recorded by id (a support event has no object to key them by).
      await (alert.support_id === null ? options.store.record(alerts, deliveries) : options.store.recordSupport(alerts, deliveries));
    }
  }

  let placed = false;
  async function placeCursors(): Promise<void> {
    if (placed) return;
    await options.store.cursor();
    await options.store.reshareCursor();
    placed = true;
  }

  /**
   * Matches what is new, in one process at a time: the one holding the matching lease. A process that finds the
   * lease held leaves the work to its holder, which looks again once it has let the lease go, so nothing stored
   * before that is left waiting for the next poll. The lease only saves work: the cursors still decide, so two
   * processes that both match (a lease that ran out) record each alert once. Returns how many deliveries its passes
   * recorded and re-shares it matched (what there may be to send now).
   * `told` is what a change named (versions stored, an object re-shared); a poll asks the store.
   */
  async function matchAll(told: Pending | null): Promise<number> {
    let recorded = 0;
    // Placed first (start does, or the first round when rounds run unstarted): unmatched() reads a missing cursor as 0, and
    // a catch-up that placed its cursor then would place it after the very entries it was asked about.
    await placeCursors();
    // A poll first asks whether there is anything to match (one read) rather than taking the lease (a write) for nothing.
    let pending = told ?? (await options.store.unmatched());
    while (pending.versions || pending.reshares) {
      let takenAt = now();
      // The lease, and with it where the cursor stands and the directory's mark: the first pass need not read them.
      const taken = await options.store.takeMatchLease(MATCH_LEASE, owner, takenAt, policy.leaseMs);
      if (taken === null) return recorded;
      let start = taken.cursor === null ? undefined : { cursor: taken.cursor, mark: taken.mark };
      let done = false;
      try {
        for (let more = pending.versions; more; ) {
          // Renewed while passes go on for long (a long backlog on a starved machine).
          if (now() - takenAt > policy.leaseMs / 3) {
            takenAt = now();
            if (!(await options.store.takeLease(MATCH_LEASE, owner, takenAt, policy.leaseMs))) return recorded;
          }
          const pass = await matchPass(matcherDeps, start);
          start = undefined;
          recorded += pass.deliveries;
          // A short page reached the newest version when it was read: anything stored since, the look after the lease finds.
          more = pass.read === PASS_SIZE;
        }
        if (pending.reshares) for (let n = await reshareCatchUp(matcherDeps); n > 0; n = await reshareCatchUp(matcherDeps)) recorded += n;
        done = true;
      } finally {
        // Let go and, unless stopping or leaving on an error, look again for what was stored meanwhile (on PostgreSQL in one statement).
        if (done && !stopped) pending = await options.store.releaseLeaseAndLook(MATCH_LEASE, owner);
        else await options.store.releaseLease(MATCH_LEASE, owner);
      }
      if (stopped) break;
    }
    return recorded;
  }

  async function deliverDue(): Promise<void> {
    const queue = options.queue;
    if (queue === undefined) {
      await deliverAllDue(deliverDeps, policy.batch, notice);
      return;
    }
    await queue.publish(await options.store.dueIds(now(), 500));
  }

  /** What a round does besides matching: a poll escalates and delivers what is due; a change delivers only what its matching recorded. */
  interface Work {
    /** What a change named, so surely there to match (no read first); null: ask the store (a poll). */
    readonly told: Pending | null;
    readonly escalate: boolean;
    readonly deliver: boolean;
  }
  const POLL: Work = { told: null, escalate: true, deliver: true };

  async function oneRound(work: Work): Promise<void> {
    const matched = await matchAll(work.told);
    if (work.escalate) await escalate();
    if (work.deliver) await deliverDue();
    // What this process just matched it sends itself: one claim and one record for the batch (each delivery still leased,
    // and checked against the sharing rule as it is sent), rather than a queue message, a claim and a record each. A pass
    // that recorded no delivery (most status reports) claims nothing: what else is due, the next poll sends.
    else if (matched > 0) await deliverAllDue(deliverDeps, policy.batch, notice);
  }

  let running: Promise<void> | null = null;
  let wanted: Work | null = null;
  let stopped = true;
  let timer: NodeJS.Timeout | null = null;

  const round = (work: Work = POLL): Promise<void> => {
    wanted = wanted === null ? work : { told: eitherTold(wanted.told, work.told), escalate: wanted.escalate || work.escalate, deliver: wanted.deliver || work.deliver };
    if (running !== null) return running;
    running = (async () => {
      try {
        do {
          const work = wanted ?? POLL;
          wanted = null;
          try {
            await oneRound(work);
          } catch (error) {
            options.log.error({ err: error }, 'notifications: a round failed; trying again at the next poll');
          }
        } while (wanted !== null && !stopped);
      } finally {
        wanted = null;
        running = null;
      }
    })();
    return running;
  };

  const schedule = () => {
    if (stopped) return;
    timer = setTimeout(() => {
      void round().finally(schedule);
    }, options.pollMs ?? 2_000);
  };

  return {
    async start() {
      if (!stopped) return;
      stopped = false;
      if (options.soleProcess === true) await options.store.releaseAllLeases();
      // The cursors are placed before anything can be stored through this process: what comes after is matched.
      // Once placed they stay: what was stored or re-shared while no process ran is matched at the next start.
      await placeCursors();
      options.queue?.consume(async (id) => {
        const row = await claimById(deliverDeps, id);
        if (row !== null) await deliverClaimed(deliverDeps, row, notice);
      });
      void round().finally(schedule);
    },
    async stop() {
      const wasRunning = !stopped;
      stopped = true;
      if (timer !== null) clearTimeout(timer);
      await running;
      if (wasRunning) await options.queue?.close();
    },
    changed(change) {
      // What changed is read from the store (new versions, the re-share log), not from the message: it only says which log to read.
      if (!stopped) void round({ told: { versions: change.kind === 'stored', reshares: change.kind === 'reshared' }, escalate: false, deliver: false });
    },
    round: () => round(),
    notice,
    async support(event) {
      await recordSupportEvent({ store: options.store, directory: options.directory, nextDigestAt: (t) => nextDigestAt(t, digestHour) }, event);
      if (!stopped) void round({ told: null, escalate: false, deliver: true });
    },
  };
}
