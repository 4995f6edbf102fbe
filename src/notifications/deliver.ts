import { createHash } from 'node:crypto';
import type { AudienceKey } from '../domain/audience.ts';
import { parseUserId, type OrgId, type StixId } from '../domain/ids.ts';
import { RAMPART_NAMESPACE, uuidV5 } from '../domain/uuid.ts';
import type { DeliveryOutcome, DeliveryRow, NotificationsStore, WebhookRow } from '../store/notifications.ts';
import type { Reader, StixStore, StoredVersion } from '../store/types.ts';
import { readerOf, type Directory, type KeysOf, type Person } from './directory.ts';
import { digestMail, immediateMail, supportMail, type MailItem, type Mailer, type SupportMailItem } from './email.ts';
import { statusReportWords } from '../domain/election.ts';
import { SUPPORT_SERVICE_LABELS } from '../domain/support.ts';
import { STATUS_REPORT_TYPE } from '../stix/rampart-ids.ts';
import type { SupportMessage, SupportRequest } from '../store/support.ts';
import { backoffMs, type WebhookSender } from './webhook.ts';
import { openWebhookSecret } from './webhook-secrets.ts';
import type { SecretBox } from '../auth/secret-box.ts';

export interface DeliveryPolicy {
  /** How long a process holds a delivery it claimed before another may take it (default 60 s). */
  readonly leaseMs: number;
  /** Attempts before a delivery is given up on and goes to the dead-letter list (default 8). */
  readonly maxAttempts: number;
  /** First retry after about this long, doubling each time (default 30 s), never more than `backoffCapMs` (default 1 h). */
  readonly backoffBaseMs: number;
  readonly backoffCapMs: number;
  /** Webhook deliveries given up on in a row before the webhook is turned off (default 3). */
  readonly disableAfterDead: number;
  /** Deliveries sent at the same time by one process (default 64). */
  readonly parallel: number;
  /**
   * Deliveries claimed at once (default 256): each claim and each record of outcomes is one statement.
   * With the 10 s a receiver may take, batch ÷ parallel × 10 s stays well inside the lease.
   */
  readonly batch: number;
}

export const DEFAULT_POLICY: DeliveryPolicy = { leaseMs: 60_000, maxAttempts: 8, backoffBaseMs: 30_000, backoffCapMs: 3_600_000, disableAfterDead: 3, parallel: 64, batch: 256 };

export interface DeliverDeps {
  readonly stix: Pick<StixStore, 'list'>;
  readonly store: NotificationsStore;
  readonly directory: Directory;
  readonly keysOf: KeysOf;
  readonly mailer: Mailer;
  readonly sendWebhook: WebhookSender;
  /** Opens webhook secrets sealed under the server key. */
  readonly secretBox: SecretBox;
  readonly now: () => number;
  readonly policy: DeliveryPolicy;
  /** This process, as the lease owner. */
  readonly owner: string;
  /** Where links in emails point (the hub's address as people reach it); none when unknown. */
  readonly baseUrl: string | null;
  readonly random?: () => number;
  readonly log: { warn(fields: Record<string, unknown>, message: string): void };
  /** A support request as `orgId` may see it now (its requester, provider or a party), or null; absent where support requests are not served. */
  readonly supportRequest?: (orgId: OrgId, id: string) => Promise<SupportRequest | null>;
  /** The messages of a support request (asked only after `supportRequest` said the recipient may see it). */
  readonly supportMessages?: (requestId: string) => Promise<readonly SupportMessage[]>;
}

/** Why a delivery is not made: said in the outbox for the org-admin to read. */
const NO_LONGER_SHARED = 'no longer shared with the recipient';

/** Every version of `ids` that `reader` may see, by object id: one store query (its visibility predicate) for them all. */
async function visibleVersions(deps: DeliverDeps, reader: Reader, ids: readonly StixId[]): Promise<Map<string, StoredVersion[]>> {
  const byId = new Map<string, StoredVersion[]>();
  if (ids.length === 0) return byId;
  let cursor: string | null = null;
  for (;;) {
    const page = await deps.stix.list(reader, { ids: [...new Set(ids)], versions: 'all', limit: 1000, ...(cursor === null ? {} : { cursor }) });
    if (!page.ok) throw new Error(`deliveries: ${page.error.message}`);
    for (const v of page.value.items) {
      const list = byId.get(v.id);
      if (list === undefined) byId.set(v.id, [v]);
      else list.push(v);
    }
    cursor = page.value.nextCursor;
    if (cursor === null) return byId;
  }
}

/**
 * What the recipient may see of the version a delivery is about, from the versions the store let
 * it see now: null (with the reason) when a narrowing or revocation took it away.
 */
function visibleIn(visible: ReadonlyMap<string, readonly StoredVersion[]>, row: DeliveryRow): { version: StoredVersion } | { dropped: string } {
  if (row.object_id === null || row.added_us === null) return { dropped: 'the delivery names no object' };
  const versions = visible.get(row.object_id) ?? [];
  const version = versions.find((v) => v.addedUs === row.added_us);
  if (version === undefined) return { dropped: NO_LONGER_SHARED };
  if (versions.some((v) => v.isLatest && v.revoked)) return { dropped: 'revoked by its owner' };
  return { version };
}

async function visibleNow(deps: DeliverDeps, reader: Reader, row: DeliveryRow): Promise<{ version: StoredVersion } | { dropped: string }> {
  return visibleIn(await visibleVersions(deps, reader, row.object_id === null ? [] : [row.object_id]), row);
}

/**
 * The name an email gives an item: its own, or for an election-day status report (which has none) whose status it is
 * and how it stands ("Village of Demoville Clerk — degraded (Check-in and e-pollbooks)"). The recipient sees the
 * report, so may know its owner.
 */
async function mailNameOf(deps: Pick<DeliverDeps, 'directory'>, version: StoredVersion, object: { readonly name?: unknown; readonly functions?: unknown }): Promise<string | null> {
  if (typeof object.name === 'string' && object.name.trim() !== '') return object.name;
  if (version.type !== STATUS_REPORT_TYPE) return null;
  const owner = await deps.directory.organization(version.sharing.owner);
  return `${owner?.name ?? 'A member organization'} — ${statusReportWords(object.functions)}`;
}

async function mailItemOf(deps: Pick<DeliverDeps, 'directory'>, version: StoredVersion, row: DeliveryRow): Promise<MailItem> {
  const object = JSON.parse(version.json) as { name?: unknown; description?: unknown; functions?: unknown };
  return {
    id: version.id,
    type: version.type,
    tlp: version.sharing.tlp,
    name: await mailNameOf(deps, version, object),
    description: typeof object.description === 'string' ? object.description : null,
    reasons: JSON.parse(row.reasons) as string[],
    urgent: row.urgent === 1,
  };
}

/** The body a webhook receives: only the version the organization may see, and why it is sent. */
export function webhookBody(row: DeliveryRow, version: StoredVersion, sentAt: string): string {
  return JSON.stringify({
    delivery_id: row.id,
    event: 'object.shared',
    sent_at: sentAt,
    urgent: row.urgent === 1,
    reasons: JSON.parse(row.reasons) as unknown,
    tlp: version.sharing.tlp,
    object: JSON.parse(version.json) as unknown,
  });
}

function failed(deps: DeliverDeps, row: DeliveryRow, error: string): DeliveryOutcome {
  const attempt = row.attempts + 1;
  if (attempt >= deps.policy.maxAttempts) return { state: 'dead', error };
  return { state: 'retry', error, nextAt: deps.now() + backoffMs(attempt, deps.policy.backoffBaseMs, deps.policy.backoffCapMs, deps.random) };
}

async function deliverWebhook(deps: DeliverDeps, row: DeliveryRow, batch: Batch | null): Promise<DeliveryOutcome> {
  const hook = batch === null ? await deps.store.webhook(row.recipient) : await batch.webhook(row.recipient);
  if (hook === null || hook.org_id !== row.org_id) return { state: 'dropped', reason: 'the webhook was removed' };
  if (hook.enabled !== 1) return { state: 'dropped', reason: 'the webhook is turned off' };
  if (row.support_id !== null) return deliverSupportWebhook(deps, row, hook, row.support_id, batch);
  const reader = await readerOf(deps.keysOf, row.org_id, null);
  const seen = batch === null ? await visibleNow(deps, reader, row) : visibleIn(await batch.visible(reader, row.org_id), row);
  if ('dropped' in seen) return { state: 'dropped', reason: seen.dropped };
  return signAndSend(deps, row, hook, batch, (sentAt) => webhookBody(row, seen.version, sentAt));
}

/** Signs `bodyAt(sent_at)` with the webhook's secret, POSTs it, and says how it went (a success clears the hook's failures). */
async function signAndSend(deps: DeliverDeps, row: DeliveryRow, hook: WebhookRow, batch: Batch | null, bodyAt: (sentAt: string) => string): Promise<DeliveryOutcome> {
  const secret = batch === null ? openWebhookSecret(deps.secretBox, hook.id, hook.secret) : batch.secret(hook);
  if (!secret.ok) return failed(deps, row, `the webhook's secret cannot be read: ${secret.error.message}`);
  const now = deps.now();
  const body = bodyAt(new Date(now).toISOString());
  const sent = await deps.sendWebhook({ url: hook.url, secret: secret.value.secret, deliveryId: row.id, body, timestampSeconds: Math.floor(now / 1000) });
  if (sent.ok) {
    if (hook.failures > 0) await deps.store.webhookSucceeded(hook.id);
    return { state: 'delivered' };
  }
  return failed(deps, row, sent.error);
}

/** What a support delivery's event is, from its `support_event` (null on deliveries before 0033: a change of status). */
function supportEventOf(row: DeliveryRow): { kind: 'requested' | 'status' } | { kind: 'message'; messageId: string } {
  const event = row.support_event ?? 'status';
  if (event.startsWith('message:')) return { kind: 'message', messageId: event.slice('message:'.length) };
  return { kind: event === 'requested' ? 'requested' : 'status' };
}

/**
 * The body a webhook receives of a support request's event: the request as the organization sees it
 * now (it is sent only while the organization may see it) and, for a new message, the message.
 */
export function supportWebhookBody(row: DeliveryRow, request: SupportRequest, message: SupportMessage | null, sentAt: string): string {
  const event = supportEventOf(row);
  return JSON.stringify({
    delivery_id: row.id,
    event: event.kind === 'message' ? 'support.message' : event.kind === 'requested' ? 'support.requested' : 'support.status-changed',
    sent_at: sentAt,
    urgent: row.urgent === 1,
    reasons: JSON.parse(row.reasons) as unknown,
    support_request: {
      id: request.id,
      requester_org: request.requesterOrg,
      provider_org: request.providerOrg,
      parties: request.parties,
      service: request.service,
      title: request.title,
      details: request.details,
      urgent: request.urgent,
      status: request.status,
      scheduled_for: request.scheduledFor,
      created_at: new Date(request.createdAt).toISOString(),
      updated_at: new Date(request.updatedAt).toISOString(),
    },
    ...(message === null ? {} : { message: { id: message.id, author_org: message.authorOrg, body: message.body, at: new Date(message.at).toISOString() } }),
  });
}

/** A support request's event to an organization's webhook, sent only while the organization may still see the request. */
async function deliverSupportWebhook(deps: DeliverDeps, row: DeliveryRow, hook: WebhookRow, requestId: string, batch: Batch | null): Promise<DeliveryOutcome> {
  if (deps.supportRequest === undefined) return { state: 'dropped', reason: 'this server does not serve support requests' };
  const request = await deps.supportRequest(row.org_id, requestId);
  if (request === null) return { state: 'dropped', reason: NO_LONGER_SHARED };
  const event = supportEventOf(row);
  let message: SupportMessage | null = null;
  if (event.kind === 'message') {
    message = (await deps.supportMessages?.(requestId))?.find((m) => m.id === event.messageId) ?? null;
    if (message === null) return { state: 'dropped', reason: 'the message is gone' };
  }
  return signAndSend(deps, row, hook, batch, (sentAt) => supportWebhookBody(row, request, message, sentAt));
}

/** The person an email goes to: the recipient column holds their id (a webhook's id on webhook rows). */
async function recipientPerson(deps: DeliverDeps, recipient: string): Promise<Person | null> {
  const id = parseUserId(recipient);
  return id.ok ? deps.directory.person(id.value) : null;
}

async function deliverEmail(deps: DeliverDeps, row: DeliveryRow): Promise<DeliveryOutcome> {
  const person = await recipientPerson(deps, row.recipient);
  if (person === null) return { state: 'dropped', reason: 'the person no longer has an account' };
  if (row.support_id !== null) return deliverSupport(deps, row, person, row.support_id);
  if (row.object_id === null) {
    // A notice (a webhook turned off…): its words are the whole message.
    const alert = row.alert_id === null ? null : await deps.store.alertById(row.alert_id);
    if (alert === null || alert.notice === null) return { state: 'dropped', reason: 'the notice is gone' };
    const sent = await deps.mailer.send({ to: person.email, deliveryId: row.id, subject: 'Rampart: notice for your organization', text: `${alert.notice}\n` });
    return sent.ok ? { state: 'delivered' } : failed(deps, row, sent.error);
  }
  const seen = await visibleNow(deps, await readerOf(deps.keysOf, person.orgId, person.id), row);
  if ('dropped' in seen) return { state: 'dropped', reason: seen.dropped };
  const mail = immediateMail(person.email, row.id, await mailItemOf(deps, seen.version, row), deps.baseUrl);
  const escalated = row.channel === 'escalation' ? { ...mail, subject: `${mail.subject} (not yet acknowledged by your organization)` } : mail;
  const sent = await deps.mailer.send(escalated);
  return sent.ok ? { state: 'delivered' } : failed(deps, row, sent.error);
}

function supportItemOf(request: SupportRequest, row: DeliveryRow): SupportMailItem {
  return { id: request.id, title: request.title, service: SUPPORT_SERVICE_LABELS[request.service], status: request.status, message: supportEventOf(row).kind === 'message', reasons: JSON.parse(row.reasons) as string[], urgent: row.urgent === 1 };
}

/** A support request's event, sent only while the person's organization may still see the request. */
async function deliverSupport(deps: DeliverDeps, row: DeliveryRow, person: Person, requestId: string): Promise<DeliveryOutcome> {
  if (deps.supportRequest === undefined) return { state: 'dropped', reason: 'this server does not serve support requests' };
  const request = await deps.supportRequest(person.orgId, requestId);
  if (request === null) return { state: 'dropped', reason: NO_LONGER_SHARED };
  const mail = supportMail(person.email, row.id, supportItemOf(request, row), deps.baseUrl);
  const sent = await deps.mailer.send(row.channel === 'escalation' ? { ...mail, subject: `${mail.subject} (not yet acknowledged by your organization)` } : mail);
  return sent.ok ? { state: 'delivered' } : failed(deps, row, sent.error);
}

/**
 * Every version the person may see of the objects of their digest rows. In a batch, the versions their
 * organization sees (one query for all its people) serve when they hold each row's version and the
 * object's latest: a person sees what the organization sees and what is named to them besides
 * (`user:` keys), so only a row the organization cannot see asks the store with the person's reader.
 */
async function digestVisible(deps: DeliverDeps, person: Person, rows: readonly DeliveryRow[], batch: Batch | null): Promise<ReadonlyMap<string, readonly StoredVersion[]>> {
  if (batch !== null && rows.every((r) => r.org_id === person.orgId)) {
    const seen = await batch.visible(await readerOf(deps.keysOf, person.orgId, null), person.orgId);
    const covered = (r: DeliveryRow) => r.object_id !== null && (seen.get(r.object_id) ?? []).some((v) => v.addedUs === r.added_us) && (seen.get(r.object_id) ?? []).some((v) => v.isLatest);
    if (rows.every(covered)) return seen;
  }
  return visibleVersions(deps, await readerOf(deps.keysOf, person.orgId, person.id), rows.flatMap((r) => (r.object_id === null ? [] : [r.object_id])));
}

/** One digest email for a person: every due digest row (claimed with the batch, or now), each checked now; the ones no longer shared are dropped. */
async function deliverDigest(deps: DeliverDeps, first: DeliveryRow, batch: Batch | null): Promise<Finished[]> {
  const now = deps.now();
  const rows = batch?.digestRows(first.recipient) ?? (await deps.store.claimDigest(deps.owner, [first.recipient], now, now + deps.policy.leaseMs));
  if (rows.length === 0) return [];
  const person = await recipientPerson(deps, first.recipient);
  if (person === null) return rows.map((row) => ({ row, outcome: { state: 'dropped', reason: 'the person no longer has an account' } }));
  const objectRows = rows.filter((r) => r.support_id === null);
  const visible = objectRows.length === 0 ? new Map<string, StoredVersion[]>() : await digestVisible(deps, person, objectRows, batch);
  const items: MailItem[] = [];
  const support: SupportMailItem[] = [];
  const included: DeliveryRow[] = [];
  const finished: Finished[] = [];
  // Support requests' events: each while the person's organization may still see the request, as it stands now.
  const requests = new Map<string, Promise<SupportRequest | null>>();
  for (const row of rows) {
    if (row.support_id === null) continue;
    let request = requests.get(row.support_id);
    if (request === undefined) {
      request = deps.supportRequest === undefined ? Promise.resolve(null) : deps.supportRequest(person.orgId, row.support_id);
      requests.set(row.support_id, request);
    }
    const seen = await request;
    if (seen === null) finished.push({ row, outcome: { state: 'dropped', reason: deps.supportRequest === undefined ? 'this server does not serve support requests' : NO_LONGER_SHARED } });
    else {
      support.push(supportItemOf(seen, row));
      included.push(row);
    }
  }
  for (const row of objectRows) {
    const seen = visibleIn(visible, row);
    if ('dropped' in seen) finished.push({ row, outcome: { state: 'dropped', reason: seen.dropped } });
    else {
      items.push(await mailItemOf(deps, seen.version, row));
      included.push(row);
    }
  }
  if (included.length === 0) return finished;
  // The digest's own stable id: the same rows always make the same id, so a resend after a crash is recognisable.
  const digestId = uuidV5(`digest|${createHash('sha256').update(included.map((r) => r.id).join(',')).digest('hex')}`, RAMPART_NAMESPACE);
  const sent = await deps.mailer.send(digestMail(person.email, digestId, items, deps.baseUrl, support));
  for (const row of included) finished.push({ row, outcome: sent.ok ? { state: 'delivered' } : failed(deps, row, sent.error) });
  return finished;
}

/** After a webhook delivery is given up on: count it, and turn the webhook off (telling the org-admins) once it keeps failing. */
async function afterDeadWebhook(deps: DeliverDeps, row: DeliveryRow, error: string, notify: (orgId: OrgId, notice: string) => Promise<void>): Promise<void> {
  const failures = await deps.store.webhookFailed(row.recipient);
  if (failures === null || failures < deps.policy.disableAfterDead) return;
  const hook = (await deps.store.webhooks(row.org_id)).find((h) => h.id === row.recipient);
  if (hook === undefined || hook.enabled !== 1) return;
  const reason = `turned off after ${failures} deliveries failed in a row (last: ${error})`;
  await deps.store.updateWebhook(row.org_id, hook.id, { enabled: 0, disabled_reason: reason });
  await notify(row.org_id, `The webhook to ${hook.url} was ${reason}. Its failed deliveries are in the dead-letter list; fix the receiver, turn the webhook on again and replay them.`);
  deps.log.warn({ webhook: hook.id, org: row.org_id }, `webhook ${reason}`);
}

/** A delivery sent (or not), and how to record it. */
interface Finished {
  readonly row: DeliveryRow;
  readonly outcome: DeliveryOutcome;
}

/** What the deliveries of one claimed batch share: each webhook read and its secret opened once, each organization's visible versions in one query. */
interface Batch {
  webhook(id: string): Promise<WebhookRow | null>;
  secret(hook: WebhookRow): ReturnType<typeof openWebhookSecret>;
  /** The versions an organization sees of the objects its webhook and digest rows in the batch are about. */
  visible(reader: Reader, orgId: string): Promise<ReadonlyMap<string, readonly StoredVersion[]>>;
  /** A person's digest rows claimed with the batch (none when another process holds them). */
  digestRows(recipient: string): readonly DeliveryRow[];
}

function batchOf(deps: DeliverDeps, rows: readonly DeliveryRow[], digests: readonly DeliveryRow[]): Batch {
  const digestsOf = new Map<string, DeliveryRow[]>();
  for (const row of digests) {
    const list = digestsOf.get(row.recipient);
    if (list === undefined) digestsOf.set(row.recipient, [row]);
    else list.push(row);
  }
  const hooks = new Map<string, Promise<WebhookRow | null>>();
  const secrets = new Map<string, ReturnType<typeof openWebhookSecret>>();
  const visible = new Map<string, Promise<Map<string, StoredVersion[]>>>();
  return {
    webhook(id) {
      let hook = hooks.get(id);
      if (hook === undefined) {
        hook = deps.store.webhook(id);
        hooks.set(id, hook);
      }
      return hook;
    },
    secret(hook) {
      let secret = secrets.get(hook.id);
      if (secret === undefined) {
        secret = openWebhookSecret(deps.secretBox, hook.id, hook.secret);
        secrets.set(hook.id, secret);
      }
      return secret;
    },
    visible(reader, orgId) {
      let seen = visible.get(orgId);
      if (seen === undefined) {
        const ids = [...rows.filter((r) => r.channel === 'webhook'), ...digests].flatMap((r) => (r.org_id === orgId && r.object_id !== null ? [r.object_id] : []));
        seen = visibleVersions(deps, reader, ids);
        visible.set(orgId, seen);
      }
      return seen;
    },
    digestRows: (recipient) => digestsOf.get(recipient) ?? [],
  };
}

/** A claimed batch, ready to send: its rows, one row per delivery to make (a person's digest once), and what they share. */
interface Claimed {
  readonly rows: readonly DeliveryRow[];
  readonly single: readonly DeliveryRow[];
  readonly deps: DeliverDeps;
  readonly batch: Batch;
}

/** Leases up to `limit` due deliveries (and the due digest rows of their people) to this process; null when nothing is due. */
async function claimBatch(deps: DeliverDeps, limit: number): Promise<Claimed | null> {
  const now = deps.now();
  const rows = await deps.store.claimDue(deps.owner, now, now + deps.policy.leaseMs, limit);
  if (rows.length === 0) return null;
  // Keys are read once per batch and reader (a batch takes well under a lease), not once per delivery.
  const memo = new Map<string, Promise<readonly AudienceKey[]>>();
  const memoised: DeliverDeps = {
    ...deps,
    keysOf: (orgId, userId) => {
      const key = `${orgId}|${userId ?? ''}`;
      let keys = memo.get(key);
      if (keys === undefined) {
        keys = deps.keysOf(orgId, userId);
        memo.set(key, keys);
      }
      return keys;
    },
  };
  // One digest per person: their first row sends all of their due rows, claimed for the batch's people in one statement.
  const digests = new Set<string>();
  const single: DeliveryRow[] = [];
  for (const row of rows) {
    if (row.channel !== 'email' || row.mode !== 'digest') single.push(row);
    else if (!digests.has(row.recipient)) {
      digests.add(row.recipient);
      single.push(row);
    }
  }
  const digestRows = digests.size === 0 ? [] : await deps.store.claimDigest(deps.owner, [...digests], now, now + deps.policy.leaseMs);
  return { rows, single, deps: memoised, batch: batchOf(memoised, rows, digestRows) };
}

/** Sends a claimed batch, `policy.parallel` at a time, and records how it went in one transaction. Returns how many rows it had. */
async function sendBatch(deps: DeliverDeps, claimed: Claimed, notify: (orgId: OrgId, notice: string) => Promise<void>): Promise<number> {
  // Receivers and mail servers answer slower than the database: several sends wait at once.
  const parallel = Math.max(1, deps.policy.parallel);
  const finished: Finished[] = [];
  let next = 0;
  const worker = async () => {
    while (next < claimed.single.length) {
      const row = claimed.single[next++] as DeliveryRow;
      finished.push(...(await send(claimed.deps, row, claimed.batch)));
    }
  };
  await Promise.all(Array.from({ length: Math.min(parallel, claimed.single.length) }, worker));
  await record(deps, finished, notify);
  return claimed.rows.length;
}

/**
 * Delivers what is due, up to `limit` deliveries: each is leased to this process first, so two
 * processes never send the same one; a process that dies leaves its leases to expire (or, on
 * SQLite, to be freed at the next start), and the deliveries are sent again with the same id.
 * How they went is recorded for the whole batch in one transaction. Returns how many were claimed.
 */
export async function deliverDue(deps: DeliverDeps, limit: number, notify: (orgId: OrgId, notice: string) => Promise<void>): Promise<number> {
  const claimed = await claimBatch(deps, limit);
  return claimed === null ? 0 : sendBatch(deps, claimed, notify);
}

/**
 * Delivers everything due, batch after batch of `limit`, with two batches under way at once: the next
 * is claimed and starts sending while the one before finishes its last sends and records them, so the
 * mail server and receivers are not left idle between batches (a 10,000-person digest is 100 batches).
 * Returns how many deliveries were claimed.
 */
export async function deliverAllDue(deps: DeliverDeps, limit: number, notify: (orgId: OrgId, notice: string) => Promise<void>): Promise<number> {
  type Sent = { readonly n: number } | { readonly error: unknown };
  // A batch's failure is held until it is awaited, never left as an unhandled rejection while the next is claimed.
  const settle = (p: Promise<number>): Promise<Sent> => p.then((n) => ({ n }), (error: unknown) => ({ error }));
  const take = (sent: Sent): number => {
    if ('error' in sent) throw sent.error;
    return sent.n;
  };
  const idle: Promise<Sent> = Promise.resolve({ n: 0 });
  let total = 0;
  let previous = idle;
  try {
    for (;;) {
      const claimed = await claimBatch(deps, limit);
      if (claimed === null) {
        if (previous === idle) break;
        // Nothing more was due while a batch was still sending: once it is recorded, what it made due (a notice) is looked for again.
        const last = previous;
        previous = idle;
        total += take(await last);
        continue;
      }
      const before = previous;
      previous = settle(sendBatch(deps, claimed, notify));
      total += take(await before);
    }
  } finally {
    // Whatever happened, the batch still sending is finished (its outcomes recorded) before returning.
    const last = await previous;
    if ('n' in last) total += last.n;
  }
  return total;
}

async function send(deps: DeliverDeps, row: DeliveryRow, batch: Batch | null): Promise<Finished[]> {
  if (row.channel === 'email' && row.mode === 'digest') return deliverDigest(deps, row, batch);
  const outcome = row.channel === 'webhook' ? await deliverWebhook(deps, row, batch) : row.channel === 'email' || row.channel === 'escalation' ? await deliverEmail(deps, row) : ({ state: 'dropped', reason: `unknown channel ${row.channel}` } as const);
  return [{ row, outcome }];
}

/** Records how deliveries went (those whose lease this process still holds), then turns off webhooks that keep failing. */
async function record(deps: DeliverDeps, finished: readonly Finished[], notify: (orgId: OrgId, notice: string) => Promise<void>): Promise<void> {
  if (finished.length === 0) return;
  const kept = await deps.store.finishMany(deps.owner, deps.now(), finished.map((f) => ({ id: f.row.id, outcome: f.outcome })));
  for (const { row, outcome } of finished) {
    if (kept.has(row.id) && outcome.state === 'dead' && row.channel === 'webhook') await afterDeadWebhook(deps, row, outcome.error, notify);
  }
}

/** Sends one delivery this process holds the lease of, and records how it went. */
export async function deliverClaimed(deps: DeliverDeps, row: DeliveryRow, notify: (orgId: OrgId, notice: string) => Promise<void>): Promise<void> {
  await record(deps, await send(deps, row, null), notify);
}

/** Leases one delivery by id when it is still due and free (a queue message names it); null otherwise. */
export async function claimById(deps: DeliverDeps, id: string): Promise<DeliveryRow | null> {
  const now = deps.now();
  return deps.store.claimOne(id, deps.owner, now, now + deps.policy.leaseMs);
}
