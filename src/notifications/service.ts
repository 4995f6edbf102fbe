import { randomUUID } from 'node:crypto';
import type { OrgId, UserId } from '../domain/ids.ts';
import { problem, type Problem } from '../domain/problem.ts';
import { err, ok, type Result } from '../domain/result.ts';
import type { DeliveryRow, NotificationsStore, RuleRow, WebhookRow } from '../store/notifications.ts';
import type { Reader } from '../store/types.ts';
import { parseCidr } from '../stix/pattern/cidr.ts';
import type { Directory } from './directory.ts';
import { ruleOf } from './matcher.ts';
import { DEFAULT_ESCALATE_MINUTES } from './notifier.ts';
import { ALERT_KIND_WORDS, planContacts, standardRules, type Rule } from './rules.ts';
import { ALERT_KINDS, PERSON_EMAIL_MODES, type NotificationView, type PersonEmailMode, type PlanBody, type PlanView, type RuleBody, type RulePatch, type RuleView, type WatchItemBody, type WatchKind } from './schemas.ts';
import { checkWebhookUrl, newWebhookSecret } from './webhook.ts';
import { sealWebhookSecret } from './webhook-secrets.ts';
import type { SecretBox } from '../auth/secret-box.ts';

/** Who acts: an organization and, for a person's own settings, the person. */
export interface Actor {
  readonly orgId: OrgId;
  readonly userId: UserId | null;
}

export interface NotificationServiceDeps {
  readonly store: NotificationsStore;
  readonly directory: Directory;
  readonly clock: { now(): Date };
  /** Seals webhook secrets at rest (the server key). */
  readonly secretBox: SecretBox;
}

const notFound = (what: string) => problem('not-found', 'not-found', `There is no such ${what} in your organization; list them to find its id`);
const personOnly = problem('forbidden', 'person-required', 'This is a setting of a person; sign in as one (a session, or an API key of a person)');

const DOMAIN = /^(?=.{1,253}$)(?:[a-z0-9](?:[a-z0-9-]{0,61}[a-z0-9])?\.)+[a-z]{2,63}$/;

/** A watch item's value, made canonical, or what is wrong with it in plain words. */
export function parseWatchValue(kind: WatchKind, raw: string): Result<string, Problem> {
  const value = raw.trim();
  const invalid = (message: string) => err(problem('invalid', 'invalid-watch-value', message, [{ path: 'body.value', code: 'invalid-watch-value', message }]));
  switch (kind) {
    case 'domain':
    case 'email-domain': {
      const domain = value.toLowerCase().replace(/^\*\./, '').replace(/^@/, '').replace(/\.$/, '');
      return DOMAIN.test(domain) ? ok(domain) : invalid(`"${value}" is not a domain name; write it like countyclerk.example.gov (its subdomains are included)`);
    }
    case 'cidr': {
      const block = parseCidr(value);
      return block === null ? invalid(`"${value}" is not an IP address or range; write it like 198.51.100.0/24 or 2001:db8::/32`) : ok(value.toLowerCase());
    }
    case 'url': {
      try {
        const url = new URL(value);
        if (url.protocol !== 'http:' && url.protocol !== 'https:') return invalid(`"${value}" is not a web address; it must start with https:// or http://`);
        return ok(url.toString());
      } catch {
        return invalid(`"${value}" is not a web address; write it like https://results.example.gov/`);
      }
    }
  }
}

function ruleView(rule: Rule, builtIn: boolean, enabled = true): RuleView {
  return { id: rule.id, scope: rule.userId === null ? 'organization' : 'person', name: rule.name, criteria: rule.criteria, email: rule.email, enabled, built_in: builtIn };
}

export function createNotificationService(deps: NotificationServiceDeps) {
  const { store } = deps;
  const now = () => deps.clock.now().getTime();

  async function planOf(orgId: OrgId): Promise<PlanView> {
    const row = await store.plan(orgId);
    return row === null
      ? { defaults_enabled: true, escalate_after_minutes: DEFAULT_ESCALATE_MINUTES, contacts: planContacts('{}') }
      : { defaults_enabled: row.defaults_enabled === 1, escalate_after_minutes: row.escalate_after_minutes, contacts: planContacts(row.contacts) };
  }

  async function rulesOf(actor: Actor): Promise<RuleView[]> {
    const rows = [...(await store.rules({ orgId: actor.orgId, userId: null })), ...(actor.userId === null ? [] : await store.rules({ orgId: actor.orgId, userId: actor.userId }))];
    const views: RuleView[] = [];
    const org = await deps.directory.organization(actor.orgId);
    if (org !== null && (await planOf(actor.orgId)).defaults_enabled) for (const rule of standardRules(org.kind, org.stateFips)) views.push(ruleView(rule, true));
    for (const row of rows) {
      const rule = ruleOf(row);
      if (rule !== null) views.push(ruleView(rule, false, row.enabled === 1));
    }
    return views;
  }

  async function addRule(actor: Actor, scope: 'organization' | 'person', body: RuleBody): Promise<Result<RuleView, Problem>> {
    if (scope === 'person' && actor.userId === null) return err(personOnly);
    const at = now();
    const row: RuleRow = {
      id: randomUUID(),
      org_id: actor.orgId,
      user_id: scope === 'person' ? actor.userId : null,
      name: body.name,
      criteria: JSON.stringify(body.criteria),
      email: body.email ?? 'digest',
      enabled: body.enabled === false ? 0 : 1,
      created_at: at,
      updated_at: at,
    };
    await store.insertRule(row);
    const rule = ruleOf(row);
    if (rule === null) throw new Error('a rule the schema accepted could not be read back');
    return ok(ruleView(rule, false, row.enabled === 1));
  }

  async function changeRule(actor: Actor, scope: 'organization' | 'person', id: string, patch: RulePatch): Promise<Result<RuleView, Problem>> {
    if (scope === 'person' && actor.userId === null) return err(personOnly);
    const owner = { orgId: actor.orgId, userId: scope === 'person' ? actor.userId : null };
    const changed = await store.updateRule(id, owner, {
      ...(patch.name === undefined ? {} : { name: patch.name }),
      ...(patch.criteria === undefined ? {} : { criteria: JSON.stringify(patch.criteria) }),
      ...(patch.email === undefined ? {} : { email: patch.email }),
      ...(patch.enabled === undefined ? {} : { enabled: patch.enabled ? 1 : 0 }),
      updated_at: now(),
    });
    if (!changed) return err(notFound('watch rule'));
    const row = (await store.rules({ orgId: actor.orgId, userId: owner.userId })).find((r) => r.id === id);
    const rule = row === undefined ? null : ruleOf(row);
    if (row === undefined || rule === null) return err(notFound('watch rule'));
    return ok(ruleView(rule, false, row.enabled === 1));
  }

  async function removeRule(actor: Actor, scope: 'organization' | 'person', id: string): Promise<Result<null, Problem>> {
    if (scope === 'person' && actor.userId === null) return err(personOnly);
    return (await store.deleteRule(id, { orgId: actor.orgId, userId: scope === 'person' ? actor.userId : null })) ? ok(null) : err(notFound('watch rule'));
  }

  async function watchList(orgId: OrgId) {
    return (await store.watchItems(orgId)).map((i) => ({ id: i.id, kind: i.kind as WatchKind, value: i.value, label: i.label }));
  }

  async function addWatchItem(orgId: OrgId, body: WatchItemBody): Promise<Result<{ id: string; kind: WatchKind; value: string; label: string | null }, Problem>> {
    const value = parseWatchValue(body.kind, body.value);
    if (!value.ok) return value;
    const row = { id: randomUUID(), org_id: orgId, kind: body.kind, value: value.value, label: body.label ?? null, created_at: now() };
    if (!(await store.insertWatchItem(row))) return err(problem('conflict', 'already-watched', `Your organization already watches ${body.kind} ${value.value}`));
    return ok({ id: row.id, kind: body.kind, value: row.value, label: row.label });
  }

  async function setPlan(orgId: OrgId, body: PlanBody): Promise<Result<PlanView, Problem>> {
    const current = await planOf(orgId);
    const next: PlanView = {
      defaults_enabled: body.defaults_enabled ?? current.defaults_enabled,
      escalate_after_minutes: body.escalate_after_minutes ?? current.escalate_after_minutes,
      contacts: { ...current.contacts, ...body.contacts },
    };
    const members = new Set((await deps.directory.people()).filter((p) => p.orgId === orgId).map((p) => p.id as string));
    for (const kind of ALERT_KINDS) {
      const given = body.contacts?.[kind];
      if (given === undefined) continue;
      for (const list of ['primary', 'backup'] as const) {
        const at = given[list].findIndex((id) => !members.has(id));
        if (at >= 0) {
          const message = `${given[list][at] ?? ''} is not an active person of your organization; choose ${ALERT_KIND_WORDS[kind]} contacts from your people`;
          return err(problem('invalid', 'unknown-contact', message, [{ path: `body.contacts.${kind}.${list}.${at}`, code: 'unknown-contact', message }]));
        }
      }
      const both = given.backup.findIndex((id) => given.primary.includes(id));
      if (both >= 0) {
        const message = `${given.backup[both] ?? ''} is both a primary and a backup contact for ${ALERT_KIND_WORDS[kind]}; a backup is told only when the primary contacts have not acknowledged, so name them in one list`;
        return err(problem('invalid', 'contact-in-both-lists', message, [{ path: `body.contacts.${kind}.backup.${both}`, code: 'contact-in-both-lists', message }]));
      }
    }
    await store.putPlan({
      org_id: orgId,
      defaults_enabled: next.defaults_enabled ? 1 : 0,
      escalate_after_minutes: next.escalate_after_minutes,
      // The lists of migration 0013, before plans had kinds: kept empty, `contacts` holds them now.
      primary_contacts: '[]',
      backup_contacts: '[]',
      contacts: JSON.stringify(next.contacts),
      updated_at: now(),
    });
    return ok(next);
  }

  const webhookView = (w: WebhookRow) => ({ id: w.id, url: w.url, enabled: w.enabled === 1, disabled_reason: w.disabled_reason, failures: w.failures, created_at: new Date(w.created_at).toISOString() });

  async function addWebhook(orgId: OrgId, url: string) {
    const checked = checkWebhookUrl(url);
    if (!checked.ok) return err(problem('invalid', 'invalid-webhook-url', checked.error, [{ path: 'body.url', code: 'invalid-webhook-url', message: checked.error }]));
    const id = randomUUID();
    const secret = newWebhookSecret();
    const row: WebhookRow = { id, org_id: orgId, url: checked.value, secret: sealWebhookSecret(deps.secretBox, id, secret), enabled: 1, failures: 0, disabled_reason: null, created_at: now() };
    await store.insertWebhook(row);
    // Shown this once, in plain; only the sealed form is stored.
    return ok({ ...webhookView(row), secret });
  }

  async function setWebhookEnabled(orgId: OrgId, id: string, enabled: boolean) {
    const changed = await store.updateWebhook(orgId, id, enabled ? { enabled: 1, failures: 0, disabled_reason: null } : { enabled: 0, disabled_reason: 'turned off by an administrator' });
    if (!changed) return err(notFound('webhook'));
    const hook = (await store.webhooks(orgId)).find((w) => w.id === id);
    return hook === undefined ? err(notFound('webhook')) : ok(webhookView(hook));
  }

  const deliveryView = (d: DeliveryRow) => ({ id: d.id, object_id: d.object_id, support_id: d.support_id, state: d.state, attempts: d.attempts, last_error: d.last_error, created_at: new Date(d.created_at).toISOString() });

  function notificationView(a: Awaited<ReturnType<NotificationsStore['alerts']>>[number]): NotificationView {
    return {
      id: a.id,
      object_id: a.object_id,
      support_id: a.support_id,
      type: a.support_id === null ? a.type : 'support-request',
      name: a.name,
      tlp: a.tlp,
      notice: a.notice,
      reasons: JSON.parse(a.reasons) as string[],
      urgent: a.urgent === 1,
      created_at: new Date(a.created_at).toISOString(),
      read: a.read_at !== null,
      acknowledged: a.acked_at !== null,
    };
  }

  return {
    rulesOf,
    addRule,
    changeRule,
    removeRule,
    watchList,
    addWatchItem,
    removeWatchItem: async (orgId: OrgId, id: string): Promise<Result<null, Problem>> => ((await store.deleteWatchItem(orgId, id)) ? ok(null) : err(notFound('watch-list entry'))),
    planOf,
    setPlan,
    async personSettings(actor: Actor): Promise<Result<{ email_mode: PersonEmailMode }, Problem>> {
      if (actor.userId === null) return err(personOnly);
      // The column is text: a value this version does not know reads as the default.
      const stored = (await store.person(actor.userId))?.email_mode;
      return ok({ email_mode: PERSON_EMAIL_MODES.find((m) => m === stored) ?? 'as-rules' });
    },
    async setPersonSettings(actor: Actor, mode: PersonEmailMode): Promise<Result<{ email_mode: PersonEmailMode }, Problem>> {
      if (actor.userId === null) return err(personOnly);
      await store.putPerson(actor.userId, mode, now());
      return ok({ email_mode: mode });
    },
    webhooks: async (orgId: OrgId) => (await store.webhooks(orgId)).map(webhookView),
    addWebhook,
    setWebhookEnabled,
    removeWebhook: async (orgId: OrgId, id: string): Promise<Result<null, Problem>> => ((await store.deleteWebhook(orgId, id)) ? ok(null) : err(notFound('webhook'))),
    /** A webhook's dead letters as its organization (`reader`, no person) may see them now: none about an object re-shared away from it since. */
    async deadLetters(orgId: OrgId, webhookId: string, reader: Reader) {
      if (!(await store.webhooks(orgId)).some((w) => w.id === webhookId)) return err(notFound('webhook'));
      return ok((await store.deadLetters(orgId, webhookId, reader, 500)).map(deliveryView));
    },
    async replay(orgId: OrgId, webhookId: string, deliveryId: string): Promise<Result<null, Problem>> {
      const row = await store.delivery(deliveryId);
      if (row?.recipient !== webhookId || row.org_id !== orgId) return err(notFound('dead delivery'));
      return (await store.replay(orgId, deliveryId, now())) ? ok(null) : err(problem('conflict', 'not-dead', 'This delivery is not in the dead-letter list (it was delivered, dropped or is already queued again)'));
    },
    async notifications(actor: Actor, reader: Reader, options: { readonly limit: number; readonly unreadOnly?: boolean; readonly before?: number }): Promise<Result<{ unread: number; items: NotificationView[] }, Problem>> {
      if (actor.userId === null) return err(personOnly);
      const [items, unread] = await Promise.all([store.alerts(actor.userId, reader, options), store.unreadCount(actor.userId, reader)]);
      return ok({ unread, items: items.map(notificationView) });
    },
    async unread(actor: Actor, reader: Reader): Promise<Result<{ unread: number }, Problem>> {
      if (actor.userId === null) return err(personOnly);
      return ok({ unread: await store.unreadCount(actor.userId, reader) });
    },
    async markRead(actor: Actor, ids: readonly string[] | null): Promise<Result<{ marked: number }, Problem>> {
      if (actor.userId === null) return err(personOnly);
      return ok({ marked: await store.markRead(actor.userId, ids, now()) });
    },
    async acknowledge(actor: Actor, id: string): Promise<Result<null, Problem>> {
      if (actor.userId === null) return err(personOnly);
      return (await store.acknowledge(actor.userId, id, now())) ? ok(null) : err(problem('not-found', 'not-found', 'You have no such notification; list yours to find its id'));
    },
  };
}

export type NotificationService = ReturnType<typeof createNotificationService>;
